// Brings a throwaway database back to the state of a fresh one, so that it can serve the next logical database
// instead of creating another (creating a database costs ~0.1-0.5 s on a server and ~0.5 s embedded).
// What a reset cannot undo makes it refuse: the caller then uses a new database.
import { quoteIdentifier, userSchemaCondition } from '../sql/identifiers'

export interface ResettableSession {
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>
  exec(sql: string): Promise<void>
}

const q = quoteIdentifier

/**
 * @param rolesBefore role names that existed when the database was created; roles a migration created are
 *   dropped when `dropNewRoles` (embedded: the cluster is ours), else the database is not reusable (a server's
 *   roles are shared with others).
 */
export async function resetDatabase(
  db: ResettableSession,
  rolesBefore: Set<string>,
  dropNewRoles: boolean
): Promise<boolean> {
  await db.exec('ROLLBACK').catch(() => undefined)
  const [leftovers] = await db.query<{ n: string }>(
    `select (select count(*) from pg_event_trigger)
          + (select count(*) from pg_publication)
          + (select count(*) from pg_default_acl)
          + (select count(*) from pg_largeobject_metadata)
          + (select count(*) from pg_db_role_setting where setdatabase = (select oid from pg_database where datname = current_database()))
          + (select count(*) from pg_tablespace where spcname not in ('pg_default', 'pg_global')) as n`
  )
  if (Number(leftovers.n) > 0) return false
  const roles = (await db.query<{ name: string }>('select rolname as name from pg_roles'))
    .map((r) => r.name)
    .filter((r) => !rolesBefore.has(r))
  if (roles.length > 0 && !dropNewRoles) return false
  const schemas = await db.query<{ name: string }>(
    `select nspname as name from pg_namespace where ${userSchemaCondition('nspname')}`
  )
  const extensions = await db.query<{ name: string }>(
    "select extname as name from pg_extension where extname <> 'plpgsql'"
  )
  await db.exec(
    [
      ...extensions.map((e) => `DROP EXTENSION IF EXISTS ${q(e.name)} CASCADE;`),
      ...schemas.map((s) => `DROP SCHEMA IF EXISTS ${q(s.name)} CASCADE;`),
      ...roles.flatMap((r) => [`DROP OWNED BY ${q(r)} CASCADE;`, `DROP ROLE ${q(r)};`]),
      'CREATE SCHEMA public;',
      'RESET ALL;'
    ].join('\n')
  )
  return true
}
