// Leftovers of runs killed with SIGKILL (issue 11, point 5): a dead run cleaned nothing, so its databases, its owner
// role and the roles that role administers stay on the server, and a role left there would make the next run's
// CREATE ROLE fail ("already exists"), a false finding. The next run on the same host finds them by name, removes
// those whose run is provably over (made on this host by a process that no longer exists) and says so.
import postgres from 'postgres'
import { quoteIdentifier } from '../sql/identifiers'
import { dropOwnerRole, rolesAdministeredBy } from './owner-role'
import { DATABASE_NAME, OWNER_ROLE_NAME, RunOfName, isDeadRun, runOfName } from './run-names'

type Sql = ReturnType<typeof postgres>

export interface RemovedLeftovers {
  databases: string[]
  roles: string[]
  /** What could not be removed (still in use elsewhere, not ours to drop). */
  kept: string[]
}

/** Finds and drops the databases and roles of dead runs of this host. Never throws: a cleanup is best effort. */
export async function removeDeadRunLeftovers(
  admin: Sql,
  isDead: (run: RunOfName) => boolean = (run) => isDeadRun(run)
): Promise<RemovedLeftovers> {
  const removed: RemovedLeftovers = { databases: [], roles: [], kept: [] }
  const dead = (name: string): boolean => {
    const run = runOfName(name)
    return run !== undefined && isDead(run)
  }
  const databases = await admin
    .unsafe<{ datname: string }[]>("select datname from pg_database where datname like 'dg\\_%'")
    .then((rows) => rows.map((r) => r.datname).filter((n) => DATABASE_NAME.test(n) && dead(n)))
    .catch(() => [] as string[])
  for (const name of databases) {
    const dropped = await admin
      .unsafe(`drop database if exists ${quoteIdentifier(name)} with (force)`)
      .then(() => true)
      .catch(() =>
        admin.unsafe(`drop database if exists ${quoteIdentifier(name)}`).then(
          () => true,
          () => false
        )
      )
    ;(dropped ? removed.databases : removed.kept).push(name)
  }
  const owners = await admin
    .unsafe<{ rolname: string }[]>("select rolname from pg_roles where rolname like 'dg\\_%'")
    .then((rows) => rows.map((r) => r.rolname).filter((n) => OWNER_ROLE_NAME.test(n) && dead(n)))
    .catch(() => [] as string[])
  for (const owner of owners) {
    // The roles its migrations created (or that were made for them): no one else administers them through it.
    for (const role of await rolesAdministeredBy(admin, owner).catch(() => [] as string[])) {
      const dropped = await admin.unsafe(`drop role if exists ${quoteIdentifier(role)}`).then(
        () => true,
        () => false
      )
      ;(dropped ? removed.roles : removed.kept).push(role)
    }
    ;((await dropOwnerRole(admin, owner)) ? removed.roles : removed.kept).push(owner)
  }
  return removed
}

/** One line for the report's notes, or undefined when nothing was found. */
export function leftoversNote(removed: RemovedLeftovers): string | undefined {
  const found = [...removed.databases, ...removed.roles]
  if (found.length === 0 && removed.kept.length === 0) return undefined
  const parts = []
  if (removed.databases.length) parts.push(`database(s) ${removed.databases.join(', ')}`)
  if (removed.roles.length) parts.push(`role(s) ${removed.roles.join(', ')}`)
  const kept = removed.kept.length ? `; could not remove ${removed.kept.join(', ')}` : ''
  return `removed what runs killed on this host left on the server (their process is gone): ${parts.join('; ') || 'nothing'}${kept}`
}
