// What a run created on a server, and its removal: the throwaway databases, the roles their SQL created, then the
// run's owner role. Each name stays listed until its DROP succeeded, so that a run ended before its cleanup could
// finish (a second signal, a cleanup past its time limit) can say exactly what it left.
import { isConnectionError } from '../core/errors'
import { quoteIdentifier } from '../sql/identifiers'
import { dropOwnerRole } from './owner-role'
import { Sql } from './server-connection'

/** Connections of the run's administrative pool (the server provider opens it with this many). */
export const ADMIN_POOL_SIZE = 4

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
    // A statement whose session was terminated (pg_terminate_backend, a restart) is sent again: postgres.js opens a
    // new connection for it, but only once it has found the old one dead, and every idle connection of the pool may
    // have been terminated with it: one attempt per pooled connection and one more.
    const run = async (text: string): Promise<boolean> => {
      for (let attempt = 0; attempt <= ADMIN_POOL_SIZE; attempt++) {
        try {
          await admin.unsafe(text)
          return true
        } catch (error) {
          if (!isConnectionError(error)) return false
        }
      }
      return false
    }
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
    // The owner role likewise after lost connections: dropOwnerRole's statements are not retried one by one.
    for (let attempt = 0; this.owner && attempt <= ADMIN_POOL_SIZE; attempt++)
      if (await dropOwnerRole(admin, this.owner).catch(() => false)) this.owner = undefined
  }
}
