// Which roles a run created on a server: roles are the server's, not a database's, so they outlive the run's
// databases and are dropped after them.
import { rolesNamedIn } from '../sql/roles'
import { Sql } from './server-connection'

export class RoleTracker {
  /** Role names that SQL run in the throwaway databases creates (CREATE ROLE/USER/GROUP, also inside DO blocks). */
  readonly named = new Set<string>()
  /** Roles that appeared on the server while SQL naming them ran in one of this run's databases. */
  readonly created = new Set<string>()

  /**
   * Runs SQL that may create roles, and remembers the ones it did create: those named in it that did not exist just
   * before and do just after, seen from this session. Roles are the server's, not the database's, so they outlive
   * the database and are dropped in dispose(); one that another client (another run of this tool, say) created is
   * never ours, even when our SQL names it too.
   */
  async tracking<T>(sql: Sql, text: string, run: () => Promise<T>): Promise<T> {
    const named = rolesNamedIn(text)
    if (named.length === 0) return run()
    for (const role of named) this.named.add(role)
    const present = async (): Promise<Set<string>> =>
      new Set(
        (await sql.unsafe<{ rolname: string }[]>('select rolname from pg_roles where rolname = any($1)', [named])).map(
          (r) => r.rolname
        )
      )
    const before = await present().catch(() => undefined)
    try {
      return await run()
    } finally {
      // Also after a failure: in autocommit (setup, "transaction": false) what ran before it stays.
      const after = before ? await present().catch(() => undefined) : undefined
      if (before && after) for (const role of after) if (!before.has(role)) this.created.add(role)
    }
  }
}
