// Roles belong to a whole Postgres server, not to one database. A migration that creates one runs once per
// database, so where several databases of a SaaS share a server (a master and its tenants, usually) the second
// CREATE ROLE fails. Both providers run each database as if it were alone on its server; this module finds such
// statements, so that the check can say so, and lets the server provider run them as a fresh server would.
import { splitSqlStatements } from '../sql/statements'
import { createdRole } from '../sql/roles'
import { Migration, MigrationFolder } from './folder'

export interface RoleCreation {
  role: string
  migration: Migration
  /** 1-based line of the statement in the migration file. */
  line: number
}

/** Every CREATE ROLE/USER/GROUP statement of the migrations, in order. */
export function roleCreations(migrations: Migration[]): RoleCreation[] {
  const out: RoleCreation[] = []
  for (const migration of migrations) {
    for (const chunk of migration.statements) {
      if (!/create\s+(?:role|user|group)/i.test(chunk.sql)) continue
      for (const statement of splitSqlStatements(chunk.sql)) {
        const role = createdRole(statement.sql)
        if (role !== undefined) out.push({ role, migration, line: chunk.chunkLine + statement.line - 1 })
      }
    }
  }
  return out
}

/** The roles the migrations create (CREATE ROLE/USER/GROUP statements), each once. */
export function rolesCreatedBy(folder: MigrationFolder): string[] {
  return [...new Set(roleCreations(folder.migrations).map((c) => c.role))]
}
