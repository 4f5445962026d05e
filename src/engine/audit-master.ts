// The audit's reads of the --database-url database itself: the tenant list, the server's spare connections, and
// what the role it connects as could do beyond reading.
import { UsageError, describeError } from '../core/errors'
import { LiveOptions, openLive } from '../postgres/live'
import { readOnlyQueryProblem } from '../sql/read-only-query'
import type { AuditOptions } from './audit'

/** What the audit should say of the role it connects as: a superuser can do what no read-only transaction stops. */
export async function connectionNotes(url: string, live: LiveOptions): Promise<string[]> {
  try {
    const session = await openLive(url, 'role', live)
    try {
      const [row] = await session.query<{ superuser: boolean; name: string }>(
        'select rolsuper as superuser, rolname as name from pg_roles where rolname = current_user'
      )
      return row?.superuser
        ? [
            `the audit connects as ${row.name}, a superuser: connect as a role that can only read (GRANT pg_read_all_data TO …, PostgreSQL 14+), so that nothing run in the audit can write`
          ]
        : []
    } finally {
      await session.close()
    }
  } catch {
    return []
  }
}

/**
 * At most 8 databases at once, and never more than a quarter of the connections the server has free, so the
 * audit does not crowd out production traffic.
 */
export async function serverSizedConcurrency(url: string, live: LiveOptions): Promise<number> {
  try {
    const session = await openLive(url, 'sizing', live)
    try {
      const [row] = await session.query<{ max: string; used: string }>(
        "select current_setting('max_connections') as max, (select count(*) from pg_stat_activity) as used"
      )
      const free = Number(row.max) - Number(row.used)
      return Math.max(1, Math.min(8, Math.floor(free / 4)))
    } finally {
      await session.close()
    }
  } catch {
    return 4 // the master is unreachable: each database will report it
  }
}

export async function discoverTenants(options: AuditOptions, live: LiveOptions): Promise<string[]> {
  const problem = options.tenantsQuery === undefined ? undefined : readOnlyQueryProblem(options.tenantsQuery)
  if (problem) throw new UsageError(`--tenants-query is refused: ${problem}`)
  const master = await openLive(options.databaseUrl, 'master', live)
  try {
    if (options.tenantsQuery) {
      // One statement, extended protocol (which refuses several), inside the session's read-only transaction.
      const rows = await master.query<Record<string, unknown>>(options.tenantsQuery)
      return rows.map((r) => String(Object.values(r)[0])).filter((n) => n && n !== 'null')
    }
    const rows = await master.query<{ name: string }>(
      'select datname as name from pg_database where datname like $1 and datallowconn and not datistemplate order by 1',
      [options.tenantsPattern]
    )
    return rows.map((r) => r.name)
  } catch (error) {
    throw new UsageError(`could not list the tenant databases: ${describeError(error)}`)
  } finally {
    await master.close()
  }
}
