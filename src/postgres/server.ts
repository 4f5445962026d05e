// A real Postgres server given by URL. The tool creates uniquely named throwaway databases on it, works only in
// those, and drops them afterwards, also on failure and on SIGINT/SIGTERM. It never writes to a database it did
// not create: the URL's own database is only used to run CREATE/DROP DATABASE.
import { randomBytes } from 'node:crypto'
import * as os from 'node:os'
import postgres from 'postgres'
import { DatabaseUnavailableError } from '../engine/types'
import { Database, DatabaseOptions, PostgresProvider } from './provider'
import { onInterrupt } from '../engine/interrupt'
import { resetDatabase } from './reset'

type Sql = ReturnType<typeof postgres>

/** The URL without its password, for messages. */
export function maskUrl(url: string): string {
  try {
    const parsed = new URL(url)
    if (parsed.password) parsed.password = '***'
    return parsed.toString()
  } catch {
    return url.replace(/(\/\/[^:/@]+:)[^@]*@/, '$1***@')
  }
}

function withDatabase(url: string, database: string): string {
  const parsed = new URL(url)
  parsed.pathname = '/' + encodeURIComponent(database)
  return parsed.toString()
}

function connect(url: string, socketDir?: string, max = 1, throwaway = false): Sql {
  return postgres(url, {
    ...(socketDir ? { host: socketDir } : {}),
    max,
    onnotice: () => undefined, // postgres.js prints notices to stdout by default: keep stdout for the report
    connect_timeout: 10,
    idle_timeout: 0,
    prepare: false,
    // Throwaway databases need no durability: commits need not wait for the disk.
    connection: throwaway ? { application_name: 'drizzle-drift-guard', synchronous_commit: 'off' } : { application_name: 'drizzle-drift-guard' }
  })
}

export class ServerProvider implements PostgresProvider {
  readonly description: string
  /** Creating databases is the server's slow part; with reuse, about one per core keeps it busy without queueing. */
  readonly concurrency = Math.max(2, Math.min(4, os.cpus().length))
  private admin?: Sql
  private readonly created = new Set<string>()
  /** Roles that appeared on the server while one of this run's databases was in use. */
  private readonly createdRoles = new Set<string>()
  private readonly sessions = new Set<Sql>()
  private readonly runId = `dg_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`
  private counter = 0
  private version?: string
  /** Set once dispose() starts: no database may be created after that (a run interrupted by a signal). */
  private disposed = false
  private readonly warmed = new Map<string, Promise<string>[]>()
  private readonly idle: { name: string; sql: Sql }[] = []

  /** @param socketDir connect through the Unix socket in this folder (the temporary cluster) */
  constructor(
    private readonly url: string,
    private readonly socketDir?: string
  ) {
    let host: string
    try {
      const parsed = new URL(url)
      if (!/^postgres(ql)?:$/.test(parsed.protocol)) throw new Error('protocol')
      host = `${parsed.hostname || 'localhost'}:${parsed.port || 5432}`
    } catch {
      throw new DatabaseUnavailableError(`--database-url is not a postgres:// URL: ${maskUrl(url)}`)
    }
    this.description = `server ${host}`
  }

  private adminConnecting?: Promise<Sql>
  private forgetInterrupt?: () => void
  /** The connection to the URL's own database, for CREATE/DROP DATABASE only (opened once, even when raced). */
  private async adminSql(): Promise<Sql> {
    if (this.admin) return this.admin
    if (this.disposed) throw new DatabaseUnavailableError('interrupted: the throwaway databases were dropped')
    this.adminConnecting ??= (async () => {
      const sql = connect(this.url, this.socketDir, 4)
      try {
        await sql.unsafe('select 1')
      } catch (error) {
        await sql.end({ timeout: 1 }).catch(() => undefined)
        throw new DatabaseUnavailableError(`cannot connect to ${maskUrl(this.url)}: ${describe(error)}`)
      }
      this.admin = sql
      this.forgetInterrupt = onInterrupt(() => this.dispose(true))
      return sql
    })()
    return this.adminConnecting
  }

  async availableExtensions(): Promise<Set<string>> {
    const admin = await this.adminSql()
    const rows = await admin.unsafe<{ name: string }[]>('select name from pg_available_extensions')
    return new Set(rows.map((r) => r.name))
  }

  async serverVersion(): Promise<string> {
    if (this.version) return this.version
    const admin = await this.adminSql()
    const [row] = await admin.unsafe<{ v: string }[]>("select current_setting('server_version') as v")
    this.version = `PostgreSQL ${row.v} (${this.description})`
    return this.version
  }

  /** Creates at most as many databases ahead as will be used at once: the others reuse them. */
  warm(labels: string[]): void {
    for (const label of labels.slice(0, this.concurrency)) {
      const made = this.makeDatabase(label)
      made.catch(() => undefined) // reported when taken
      this.warmed.set(label, [...(this.warmed.get(label) ?? []), made])
    }
  }

  /** CREATE DATABASE statements in flight: dispose() waits for them, so none is left behind. */
  private readonly creating = new Set<Promise<unknown>>()

  private makeDatabase(label: string): Promise<string> {
    const made = this.createNamedDatabase(label)
    this.creating.add(made)
    void made.catch(() => undefined).finally(() => this.creating.delete(made))
    return made
  }

  private async createNamedDatabase(label: string): Promise<string> {
    const admin = await this.adminSql()
    const safeLabel = label.toLowerCase().replace(/[^a-z0-9_]/g, '_').slice(0, 30)
    const name = `${this.runId}_${++this.counter}_${safeLabel}`.slice(0, 63)
    try {
      await admin.unsafe(`create database "${name}" template template0`)
    } catch (error) {
      throw new DatabaseUnavailableError(`cannot create a database on ${maskUrl(this.url)}: ${describe(error)}`)
    }
    this.created.add(name)
    return name
  }

  async createDatabase(label: string, _options?: DatabaseOptions): Promise<Database> {
    if (this.disposed) throw new DatabaseUnavailableError('interrupted: the throwaway databases were dropped')
    // A database reset after its last use serves the next one: creating databases is the slow part on a server.
    const reused = this.idle.pop()
    let name: string
    let sql: Sql
    if (reused) ({ name, sql } = reused)
    else {
      name = await (this.takeWarmed() ?? this.makeDatabase(label))
      const admin = await this.adminSql()
      if (this.disposed) {
        await admin.unsafe(`drop database if exists "${name}" with (force)`).catch(() => undefined)
        throw new DatabaseUnavailableError('interrupted: the throwaway databases were dropped')
      }
      sql = connect(withDatabase(this.url, name), this.socketDir, 1, true)
    }
    this.sessions.add(sql)
    const rolesBefore = await this.roles()
    const release = async (): Promise<void> => {
      if (!this.sessions.delete(sql)) return
      const session = { query: async <T>(text: string, params?: unknown[]) => (await sql.unsafe(text, (params ?? []) as never[])) as unknown as T[], exec: async (text: string) => void (await sql.unsafe(text).simple()) }
      // Roles are the server's, not the database's: one that the setup SQL or a migration created outlives the
      // database, so it is remembered here and dropped in dispose().
      // Only a new role that SQL run here creates by name is ours: another client of the server may create roles
      // meanwhile, and those are never touched.
      const roles = await session.query<{ name: string }>('select rolname as name from pg_roles').catch(() => [])
      for (const { name: role } of roles) if (!rolesBefore.has(role) && this.rolesNamed.has(role)) this.createdRoles.add(role)
      const reusable = !this.disposed && (await resetDatabase(session, rolesBefore, false).catch(() => false))
      if (reusable) this.idle.push({ name, sql })
      else await sql.end({ timeout: 5 }).catch(() => undefined)
    }
    return {
      label,
      query: async <T>(text: string, params?: unknown[]): Promise<T[]> => {
        this.noteRoles(text)
        return (await sql.unsafe(text, (params ?? []) as never[])) as unknown as T[]
      },
      exec: async (text: string): Promise<void> => {
        this.noteRoles(text)
        await sql.unsafe(text).simple()
      },
      close: release
    }
  }

  /** Role names that SQL run in the throwaway databases creates (CREATE ROLE/USER/GROUP, also inside DO blocks). */
  private readonly rolesNamed = new Set<string>()
  private noteRoles(text: string): void {
    for (const m of text.matchAll(/\bcreate\s+(?:role|user|group)\s+(?:"((?:[^"]|"")+)"|([a-z_][a-z0-9_$]*))/gi)) {
      this.rolesNamed.add(m[1] !== undefined ? m[1].replace(/""/g, '"') : m[2].toLowerCase())
    }
  }

  private takeWarmed(): Promise<string> | undefined {
    for (const list of this.warmed.values()) if (list.length > 0) return list.shift()
    return undefined
  }

  private rolesCache?: Promise<Set<string>>
  /** Roles on the server before any migration ran (a migration that creates one makes its database not reusable). */
  private roles(): Promise<Set<string>> {
    this.rolesCache ??= this.adminSql().then(async (admin) => new Set((await admin.unsafe<{ rolname: string }[]>('select rolname from pg_roles')).map((r) => r.rolname)))
    return this.rolesCache
  }

  private disposing?: Promise<void>
  /**
   * Drops every database created. Called from the signal handler and from the normal end of a run, possibly at
   * the same time: the second call waits for the first instead of closing the connection under its DROPs.
   * @param interrupted the process is being stopped: cut running queries instead of waiting for them
   */
  dispose(interrupted = false): Promise<void> {
    this.disposing ??= this.disposeOnce(interrupted)
    return this.disposing
  }

  private async disposeOnce(interrupted: boolean): Promise<void> {
    this.disposed = true
    const sessions = [...this.sessions, ...this.idle.map((i) => i.sql)]
    this.sessions.clear()
    this.idle.length = 0
    await Promise.allSettled(sessions.map((s) => s.end({ timeout: interrupted ? 0 : 5 })))
    const admin = this.admin
    if (!admin) return
    await Promise.allSettled([...[...this.warmed.values()].flat(), ...this.creating])
    this.warmed.clear()
    const names = [...this.created]
    this.created.clear()
    await Promise.all(
      names.map(async (name) => {
        try {
          await admin.unsafe(`drop database if exists "${name}" with (force)`)
        } catch {
          // Servers before 13 have no WITH (FORCE).
          await admin.unsafe(`drop database if exists "${name}"`).catch(() => undefined)
        }
      })
    )
    // After the databases: a role cannot be dropped while objects there depend on it. One that still has
    // dependencies elsewhere is not only ours: it is left.
    // Sessions cut short (a signal, a failure elsewhere) never reached their release: their new roles are read here.
    const now = await admin.unsafe<{ rolname: string }[]>('select rolname from pg_roles').catch(() => [])
    const before = this.rolesCache ? await this.rolesCache.catch(() => undefined) : undefined
    if (before) for (const { rolname } of now) if (!before.has(rolname) && this.rolesNamed.has(rolname)) this.createdRoles.add(rolname)
    const roles = [...this.createdRoles]
    this.createdRoles.clear()
    for (const role of roles) await admin.unsafe(`drop role if exists "${role.replace(/"/g, '""')}"`).catch(() => undefined)
    this.admin = undefined
    this.adminConnecting = undefined
    this.forgetInterrupt?.()
    await admin.end({ timeout: 5 }).catch(() => undefined)
  }
}

function describe(error: unknown): string {
  const e = error as { message?: string; code?: string }
  const message = String(e?.message ?? error)
  if (e?.code === 'ECONNREFUSED') return 'connection refused'
  return message.split('\n')[0]
}
