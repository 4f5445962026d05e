// Connections to a server given by URL: the URL's own user, or the run's owner role, with the settings every
// session of the tool has (application name, timeouts, no notices on stdout), and URLs for messages, masked.
import * as net from 'node:net'
import * as path from 'node:path'
import postgres from 'postgres'
import { DatabaseUnavailableError } from '../core/errors'
import { maskerOf, secretsOfUrl } from '../core/secrets'
import { OwnerRole } from './owner-role'
import { ServedDatabase } from './provider'

export type Sql = ReturnType<typeof postgres>

/** The URL without its password, for messages. */
export function maskUrl(url: string): string {
  try {
    const parsed = new URL(url)
    if (parsed.password) parsed.password = '***'
    return maskerOf(secretsOfUrl(url))(parsed.toString())
  } catch {
    return maskerOf(secretsOfUrl(url))(url)
  }
}

/** The URL with another user and password (the run's owner role). */
export function withUser(url: string, owner: OwnerRole): string {
  const parsed = new URL(url)
  parsed.username = encodeURIComponent(owner.name)
  parsed.password = owner.password
  return parsed.toString()
}

export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url)
  parsed.pathname = '/' + encodeURIComponent(database)
  return parsed.toString()
}

/**
 * The database a URL names, decoded: postgres.js takes the path as it is written, so `acme%20tenant%20%C3%BC`
 * would be looked for by that name. Undefined when the URL names none (the driver's default applies).
 */
export function databaseOfUrl(url: string): string | undefined {
  try {
    const name = new URL(url).pathname.slice(1)
    return name ? decodeURIComponent(name) : undefined
  } catch {
    return undefined
  }
}

/**
 * How long one statement in a throwaway database may run (ms): a migration stuck in `pg_sleep(600)` or a lock wait
 * fails as a finding instead of holding the check. DRIFT_GUARD_STATEMENT_TIMEOUT in seconds; 0 for none.
 */
export function statementTimeoutMs(env: NodeJS.ProcessEnv = process.env): number {
  const seconds = Number(env.DRIFT_GUARD_STATEMENT_TIMEOUT ?? DEFAULT_STATEMENT_TIMEOUT_SECONDS)
  return Number.isFinite(seconds) && seconds >= 0
    ? Math.round(seconds * 1000)
    : DEFAULT_STATEMENT_TIMEOUT_SECONDS * 1000
}

const DEFAULT_STATEMENT_TIMEOUT_SECONDS = 300

/** How long connecting to the server may take, in all. */
export const CONNECT_SECONDS = 10

export function connect(url: string, socketDir?: string, max = 1, throwaway = false, fetchTypes = false): Sql {
  const database = databaseOfUrl(url)
  return postgres(url, {
    ...(socketDir ? { host: socketDir } : {}),
    ...(database ? { database } : {}),
    max,
    // No session fetches array types itself: postgres.js does it unawaited when a connection opens, so a connection
    // lost during that query was an unhandled rejection (exit 2 instead of 3). They are read once (readArrayTypes).
    fetch_types: fetchTypes,
    onnotice: () => undefined, // postgres.js prints notices to stdout by default: keep stdout for the report
    connect_timeout: CONNECT_SECONDS,
    idle_timeout: 0,
    prepare: false,
    // Throwaway databases need no durability: commits need not wait for the disk.
    // The process id tells which run holds a throwaway database, on a server several runs share.
    connection: throwaway
      ? {
          application_name: `drizzle-drift-guard ${process.pid}`,
          synchronous_commit: 'off',
          statement_timeout: statementTimeoutMs()
        }
      : { application_name: `drizzle-drift-guard ${process.pid}` }
  })
}

export function describe(error: unknown): string {
  const e = error as { message?: string; code?: string }
  const message = String(e?.message ?? error)
  if (e?.code === 'ECONNREFUSED') return 'connection refused'
  return message.split('\n')[0]
}

/**
 * A database of a local cluster for another process. The cluster listens on a Unix socket only, which not every
 * driver reads from a URL (postgres.js ignores `?host=`): it is relayed on a local TCP port until closed.
 */
export async function relayedFromSocket(databaseUrl: string, socket: string): Promise<ServedDatabase> {
  const open = new Set<net.Socket>()
  const relay = net.createServer((client) => {
    const upstream = net.connect(socket)
    open.add(client).add(upstream)
    client.pipe(upstream).pipe(client)
    const end = (): void => {
      client.destroy()
      upstream.destroy()
    }
    client.on('error', end).on('close', end)
    upstream.on('error', end).on('close', end)
  })
  await new Promise<void>((resolve, reject) => relay.once('error', reject).listen(0, '127.0.0.1', resolve))
  const url = new URL(databaseUrl)
  url.hostname = '127.0.0.1'
  url.port = String((relay.address() as net.AddressInfo).port)
  const close = (): Promise<void> =>
    new Promise<void>((resolve) => {
      // What a command left open (it has exited) is cut: close() would wait for it.
      for (const s of open) s.destroy()
      relay.close(() => resolve())
    })
  return { url: url.toString(), close }
}

/**
 * The first answer on a new connection, within CONNECT_SECONDS in all: a server (or a proxy) that accepts and closes
 * the connection while it opens makes postgres.js reconnect for ever, each attempt with a fresh connect_timeout.
 * On expiry the connection is ended and the promise rejects.
 */
export async function answeredInTime<T>(sql: Sql, first: Promise<T>): Promise<T> {
  let deadline: NodeJS.Timeout | undefined
  try {
    return await Promise.race([
      first,
      new Promise<never>(
        (_, reject) =>
          (deadline = setTimeout(() => {
            void sql.end({ timeout: 0 }).catch(() => undefined)
            reject(new Error(`no answer within ${CONNECT_SECONDS} s`))
          }, CONNECT_SECONDS * 1000))
      )
    ])
  } finally {
    clearTimeout(deadline)
  }
}

/** What postgres.js learns of the server's array types when it fetches them (fetch_types). */
export interface ArrayTypes {
  parsers: Record<string, unknown>
  serializers: Record<string, unknown>
  typeArrayMap: Record<string, unknown>
}

interface DriverOptions {
  parsers: Record<string, unknown>
  serializers: Record<string, unknown>
  shared: { typeArrayMap: Record<string, unknown> }
}

/**
 * The array types of the server, read once by a connection of its own that is awaited until done: the sessions
 * then get them (withArrayTypes) instead of each fetching them unawaited as it opens.
 */
export async function readArrayTypes(url: string, socketDir?: string): Promise<ArrayTypes> {
  const donor = connect(url, socketDir, 1, false, true)
  try {
    // postgres.js runs this after its types query on the same connection: both are done when it resolves.
    await answeredInTime(donor, donor.unsafe('select 1'))
    const options = donor.options as unknown as DriverOptions
    return {
      parsers: { ...options.parsers },
      serializers: { ...options.serializers },
      typeArrayMap: { ...options.shared.typeArrayMap }
    }
  } finally {
    await donor.end({ timeout: 1 }).catch(() => undefined)
  }
}

/** The session, parsing and sending arrays as one that fetched the types itself would. */
export function withArrayTypes(sql: Sql, types: ArrayTypes): Sql {
  const options = sql.options as unknown as DriverOptions
  Object.assign(options.parsers, types.parsers)
  Object.assign(options.serializers, types.serializers)
  Object.assign(options.shared.typeArrayMap, types.typeArrayMap)
  return sql
}

const arrayTypesOfServer = new Map<string, Promise<ArrayTypes>>()

/** The server's array types, read once per URL (a failure is a database that cannot be reached: exit 3). */
export function arrayTypesOf(url: string, socketDir?: string): Promise<ArrayTypes> {
  const key = `${socketDir ?? ''}|${url}`
  let read = arrayTypesOfServer.get(key)
  if (!read) {
    read = readArrayTypes(url, socketDir).catch((error) => {
      arrayTypesOfServer.delete(key)
      throw new DatabaseUnavailableError(`cannot connect to ${maskUrl(url)}: ${describe(error)}`)
    })
    arrayTypesOfServer.set(key, read)
  }
  return read
}

/**
 * A session on the database as the run's owner role, over the same host as the URL's user; `refused` when the server
 * refuses the role's login (pg_hba.conf): the caller then falls back to SET ROLE, and the report says so.
 */
export async function connectAsOwner(
  url: string,
  socketDir: string | undefined,
  database: string,
  owner: OwnerRole
): Promise<Sql | { refused: string }> {
  const session = connect(withUser(withDatabase(url, database), owner), socketDir, 1, true)
  withArrayTypes(session, await arrayTypesOf(url, socketDir))
  try {
    await answeredInTime(session, session.unsafe('select 1'))
    return session
  } catch (error) {
    await session.end({ timeout: 0 }).catch(() => undefined)
    const code = (error as { code?: string }).code
    // 28000 invalid_authorization_specification (no pg_hba.conf entry), 28P01 invalid_password.
    if (code === '28000' || code === '28P01') return { refused: describe(error) }
    throw new DatabaseUnavailableError(`cannot connect to ${maskUrl(url)} as the run's role: ${describe(error)}`)
  }
}

/**
 * One of the run's databases for another process (as the owner role when given). A local cluster's socket is
 * relayed on a local TCP port while served.
 */
export async function serveDatabase(
  url: string,
  socketDir: string | undefined,
  database: string,
  owner?: OwnerRole
): Promise<ServedDatabase> {
  const databaseUrl = owner ? withUser(withDatabase(url, database), owner) : withDatabase(url, database)
  if (!socketDir) return { url: databaseUrl, close: async () => undefined }
  return relayedFromSocket(databaseUrl, path.join(socketDir, `.s.PGSQL.${new URL(url).port || 5432}`))
}
