// The audit's reads of the --database-url database itself: the tenant list, the server's spare connections, and
// what the role it connects as could do beyond reading; and what every live read shares (which databases a target
// has, a migrations table's rows). `drift-guard fix --database-url` reads through the same functions.
import { ResolvedTarget } from '../config/load-config'
import { UsageError, describeError } from '../core/errors'
import { LedgerRow } from '../migrations/ledger'
import { Database } from '../postgres/provider'
import { LiveOptions, databaseUrl, openLive } from '../postgres/live'
import { quoteIdentifier } from '../sql/identifiers'
import { readOnlyQueryProblem } from '../sql/read-only-query'
import type { AuditOptions } from './audit'

/** Where the live databases are and how tenants are found (the audit's options). */
export type LiveDatabaseOptions = Pick<
  AuditOptions,
  'databaseUrl' | 'tenantsQuery' | 'tenantsPattern' | 'tenantUrlTemplate'
>

/** The target the tenant options apply to: the one given, else a target named tenant/tenants, else the last one. */
export function tenantTargetOf(targets: { name: string }[], given?: string): string {
  const name = given ?? (targets.find((t) => /^tenants?$/.test(t.name)) ?? targets[targets.length - 1]).name
  if (!targets.some((t) => t.name === name)) throw new UsageError(`--tenant-target ${name}: no such target`)
  return name
}

/**
 * A target's live databases: the tenants found by query or pattern for the tenant target, else the databases its
 * config names, else the database of --database-url itself (the target's name is only a label then).
 */
export async function liveDatabasesOf(
  target: ResolvedTarget,
  tenantTarget: string,
  options: LiveDatabaseOptions,
  live: LiveOptions
): Promise<{ name: string; url: string }[]> {
  const names =
    target.name === tenantTarget && (options.tenantsQuery || options.tenantsPattern)
      ? await discoverTenants(options, live)
      : target.databasesNamed
        ? target.databases
        : [urlDatabase(options.databaseUrl)]
  const template = target.name === tenantTarget ? options.tenantUrlTemplate : undefined
  return names.map((name) => ({ name, url: databaseUrl(options.databaseUrl, name, template) }))
}

/** The rows of a live database's migrations table (none when it has none); `select *`: 1.x adds name, applied_at. */
export async function readLedgerRows(
  session: Database,
  target: Pick<ResolvedTarget, 'migrationsSchema' | 'migrationsTable'>
): Promise<LedgerRow[]> {
  const table = `${quoteIdentifier(target.migrationsSchema)}.${quoteIdentifier(target.migrationsTable)}`
  const [exists] = await session.query<{ found: string | null }>('select to_regclass($1) as found', [table])
  if (!exists?.found) return []
  const rows = await session.query<{ id: number; hash: string; created_at: string; name?: string | null }>(
    `select * from ${table} order by id`
  )
  return rows.map((r) => ({
    id: Number(r.id),
    hash: r.hash,
    createdAt: Number(r.created_at),
    ...(r.name !== undefined ? { name: r.name } : {})
  }))
}

/** The database a postgres:// URL names (Postgres's default: the user's name). */
export function urlDatabase(url: string): string {
  const parsed = new URL(url)
  const name = decodeURIComponent(parsed.pathname.replace(/^\//, ''))
  return name || decodeURIComponent(parsed.username) || 'postgres'
}

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

export async function discoverTenants(options: LiveDatabaseOptions, live: LiveOptions): Promise<string[]> {
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
