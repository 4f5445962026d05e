// What a run created on a server, and its removal: the throwaway databases, the roles their SQL created, then the
// run's owner role. Each name stays listed until its DROP succeeded, so that a run ended before its cleanup could
// finish (a second signal, a cleanup past its time limit) can say exactly what it left.
import { isConnectionError } from '../core/errors'
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
    // A statement whose session was terminated (pg_terminate_backend, a restart) is sent once more: postgres.js opens
    // a new connection for it.
    const run = (text: string): Promise<boolean> =>
      admin.unsafe(text).then(
        () => true,
        (error: unknown) =>
          isConnectionError(error)
            ? admin.unsafe(text).then(
                () => true,
                () => false
              )
            : false
      )
    await Promise.all(
      [...this.databases].map(async (name) => {
        const q = quoteIdentifier(name)
        // Servers before 13 have no WITH (FORCE).
        if ((await run(`drop database if exists ${q} with (force)`)) || (await run(`drop database if exists ${q}`)))
          this.databases.delete(name)
      })
    )
    for (const role of [...this.roles])
      if (await run(`drop role if exists ${quoteIdentifier(role)}`)) this.roles.delete(role)
    if (this.owner && (await dropOwnerRole(admin, this.owner).catch(() => false))) this.owner = undefined
    // The owner role once more after a lost connection: dropOwnerRole's statements are not retried.
    if (this.owner && (await dropOwnerRole(admin, this.owner).catch(() => false))) this.owner = undefined
  }
}
