// Sessions on live databases (audit): read-only at the server (default_transaction_read_only), with statement
// and lock timeouts, so nothing the audit runs can write, wait on a lock for long, or run away.
import postgres from 'postgres'
import { Database } from './provider'
import { maskUrl } from './server'
import { DatabaseUnavailableError } from '../engine/types'

export interface LiveOptions {
  statementTimeoutMs: number
  lockTimeoutMs: number
  connectTimeoutSeconds: number
}

export const DEFAULT_LIVE_OPTIONS: LiveOptions = { statementTimeoutMs: 30_000, lockTimeoutMs: 2_000, connectTimeoutSeconds: 10 }

export function databaseUrl(base: string, database: string, template?: string): string {
  if (template) return template.split('{database}').join(encodeURIComponent(database))
  const url = new URL(base)
  url.pathname = '/' + encodeURIComponent(database)
  return url.toString()
}

const BEGIN_READ_ONLY = 'begin isolation level repeatable read read only'

export async function openLive(url: string, label: string, options: LiveOptions = DEFAULT_LIVE_OPTIONS): Promise<Database> {
  const sql = postgres(url, {
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
  let session: Awaited<ReturnType<typeof sql.reserve>>
  try {
    // One connection, in one read-only transaction: a second guard besides the session default (which a role's
    // settings could not undo inside it), and every catalog read of this database sees the same snapshot.
    session = await sql.reserve()
    await session.unsafe(BEGIN_READ_ONLY)
  } catch (error) {
    await sql.end({ timeout: 1 }).catch(() => undefined)
    const e = error as { code?: string; message?: string }
    throw new DatabaseUnavailableError(`cannot connect to ${maskUrl(url)}: ${e.code === 'ECONNREFUSED' ? 'connection refused' : String(e.message ?? error).split('\n')[0]}`)
  }
  // A failed statement aborts the transaction: start a new one, so the next read of this database still works.
  const inTransaction = async <T>(run: () => Promise<T>): Promise<T> => {
    try {
      return await run()
    } catch (error) {
      await session.unsafe('rollback').catch(() => undefined)
      await session.unsafe(BEGIN_READ_ONLY).catch(() => undefined)
      throw error
    }
  }
  return {
    label,
    async query<T>(text: string, params?: unknown[]): Promise<T[]> {
      return (await inTransaction(() => session.unsafe(text, (params ?? []) as never[]))) as unknown as T[]
    },
    async exec(text: string): Promise<void> {
      await inTransaction(() => session.unsafe(text).simple())
    },
    async close(): Promise<void> {
      await session.unsafe('rollback').catch(() => undefined)
      session.release()
      await sql.end({ timeout: 2 })
    }
  }
}
