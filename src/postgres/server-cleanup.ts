// What a run created on a server, and its removal: the throwaway databases, the roles their SQL created, then the
// run's owner role. Each name stays listed until its DROP succeeded, so that a run ended before its cleanup could
// finish (a second signal, a cleanup past its time limit) can say exactly what it left.
import { quoteIdentifier } from '../sql/identifiers'
import { dropOwnerRole } from './owner-role'
import { Sql } from './server-connection'

export class RunObjects {
  /** Databases created and not dropped yet. */
  readonly databases = new Set<string>()
  /** Roles the run's SQL created, not dropped yet. */
  readonly roles = new Set<string>()
  /** The run's owner role, once created, until dropped. */
  owner?: string

  /** What is still on the server, for a message: `database dg_…`, `role dg_…`. */
  left(): string[] {
    return [
      ...[...this.databases].map((name) => `database ${name}`),
      ...[...this.roles, ...(this.owner ? [this.owner] : [])].map((name) => `role ${name}`)
    ]
  }

  /**
   * Drops the databases (all at once), then the roles their SQL created, then the owner role: a role cannot be
   * dropped while objects depend on it. One that still has dependencies elsewhere is not only ours: it is left, and
   * stays listed.
   */
  async drop(admin: Sql): Promise<void> {
    await Promise.all(
      [...this.databases].map(async (name) => {
        const q = quoteIdentifier(name)
        const dropped = await admin.unsafe(`drop database if exists ${q} with (force)`).then(
          () => true,
          // Servers before 13 have no WITH (FORCE).
          () =>
            admin.unsafe(`drop database if exists ${q}`).then(
              () => true,
              () => false
            )
        )
        if (dropped) this.databases.delete(name)
      })
    )
    for (const role of [...this.roles])
      if (
        await admin.unsafe(`drop role if exists ${quoteIdentifier(role)}`).then(
          () => true,
          () => false
        )
      )
        this.roles.delete(role)
    if (this.owner && (await dropOwnerRole(admin, this.owner))) this.owner = undefined
  }
}
