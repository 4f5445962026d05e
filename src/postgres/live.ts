// Sessions on live databases (audit): read-only at the server (default_transaction_read_only), with statement
// and lock timeouts, so nothing the audit runs can write, wait on a lock for long, or run away.
import postgres from 'postgres'
import { Database } from './provider'
import { databaseOfUrl, maskUrl } from './server'
import { DatabaseUnavailableError } from '../core/errors'

export interface LiveOptions {
  statementTimeoutMs: number
  lockTimeoutMs: number
  connectTimeoutSeconds: number
}

export const DEFAULT_LIVE_OPTIONS: LiveOptions = {
  statementTimeoutMs: 30_000,
  lockTimeoutMs: 2_000,
  connectTimeoutSeconds: 10
}

export function databaseUrl(base: string, database: string, template?: string): string {
  if (template) return template.split('{database}').join(encodeURIComponent(database))
  const url = new URL(base)
  url.pathname = '/' + encodeURIComponent(database)
  return url.toString()
}

const BEGIN_READ_ONLY = 'begin isolation level repeatable read read only'

export async function openLive(
  url: string,
  label: string,
  options: LiveOptions = DEFAULT_LIVE_OPTIONS
): Promise<Database> {
  // Named explicitly: a tenant database "acme tenant ü" is percent-encoded in the URL, and postgres.js would not
  // decode it.
  const database = databaseOfUrl(url)
  const sql = postgres(url, {
    ...(database ? { database } : {}),
    max: 1,
    prepare: false,
    onnotice: () => undefined,
    connect_timeout: options.connectTimeoutSeconds,
    idle_timeout: 0,
    connection: {
      application_name: 'drizzle-drift-guard-audit',
      default_transaction_read_only: true,
      statement_timeout: options.statementTimeoutMs,
      lock_timeout: options.lockTimeoutMs
    }
  })
  let session: Awaited<ReturnType<typeof sql.reserve>> | undefined
  try {
    // One connection, in one read-only transaction: a second guard besides the session default (which a role's
    // settings could not undo inside it), and every catalog read of this database sees the same snapshot.
    session = await sql.reserve()
    await session.unsafe(BEGIN_READ_ONLY)
  } catch (error) {
    session?.release() // sql.end() would otherwise wait for the reserved connection
    await sql.end({ timeout: 1 }).catch(() => undefined)
    const e = error as { code?: string; message?: string }
    throw new DatabaseUnavailableError(
      `cannot connect to ${maskUrl(url)}: ${e.code === 'ECONNREFUSED' ? 'connection refused' : String(e.message ?? error).split('\n')[0]}`
    )
  }
  const reserved = session!
  // Queries on the wire, so that closing can cancel them: a backend waiting on a lock does not notice that its
  // client went away, and would hold its connection until lock_timeout or statement_timeout.
  const running = new Set<{ cancel(): unknown }>()
  const track = <Q extends { cancel(): unknown } & PromiseLike<unknown>>(query: Q): Q => {
    running.add(query)
    const forget = (): void => void running.delete(query)
    query.then(forget, forget)
    return query
  }
  // A failed statement aborts the transaction: start a new one, so the next read of this database still works.
  const inTransaction = async <T>(run: () => Promise<T>): Promise<T> => {
    try {
      return await run()
    } catch (error) {
      if (closing) throw error
      await reserved.unsafe('rollback').catch(() => undefined)
      await reserved.unsafe(BEGIN_READ_ONLY).catch(() => undefined)
      throw error
    }
  }
  let closing: Promise<void> | undefined
  return {
    label,
    async query<T>(text: string, params?: unknown[]): Promise<T[]> {
      // The extended protocol, also without parameters (postgres.js sends those as simple queries): one statement only.
      return (await inTransaction(() =>
        track(reserved.unsafe(text, (params ?? []) as never[], { simple: false } as never))
      )) as unknown as T[]
    },
    async exec(text: string): Promise<void> {
      await inTransaction(() => track(reserved.unsafe(text).simple()))
    },
    // Ending the connection ends its read-only transaction (nothing to commit); once is enough, also when a time
    // limit closes it while a query still runs.
    close: () =>
      (closing ??= (async () => {
        await Promise.allSettled([...running].map((q) => q.cancel()))
        reserved.release() // a reserved connection is not ended by sql.end(): it would wait for it forever
        await sql.end({ timeout: 2 })
      })())
  }
}
