// Roles belong to a whole Postgres server, not to one database. A migration that creates one runs once per
// database, so where several databases of a SaaS share a server (a master and its tenants, usually) the second
// CREATE ROLE fails. Both providers run each database as if it were alone on its server; this module finds such
// statements, so that the check can say so, and lets the server provider run them as a fresh server would.
import { splitSqlStatements } from '../postgres/setup-sql'
import { Migration } from './folder'

const CREATE_ROLE = /^\s*(?:(?:--[^\n]*\n)|(?:\/\*[\s\S]*?\*\/)|\s)*create\s+(?:role|user|group)\s+(?:"((?:[^"]|"")+)"|([a-z_][a-z0-9_$]*))/i

/** The role a statement creates, when the statement itself is CREATE ROLE/USER/GROUP (not a DO block that may). */
export function createdRole(statement: string): string | undefined {
  const m = CREATE_ROLE.exec(statement)
  if (!m) return undefined
  return m[1] !== undefined ? m[1].replace(/""/g, '"') : m[2].toLowerCase()
}

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

/** The roles SQL text creates with CREATE ROLE/USER/GROUP statements of its own. */
export function rolesCreatedIn(text: string): string[] {
  if (!/create\s+(?:role|user|group)/i.test(text)) return []
  return splitSqlStatements(text).flatMap((s) => createdRole(s.sql) ?? [])
}

/**
 * The SQL text with each CREATE ROLE/USER/GROUP of a role in `alreadyCreated` wrapped so that "already exists" is
 * ignored (and the unique_violation of two databases creating it at the same moment): that role exists only because another database of this run created it on the same server. Lines are
 * kept, so that error positions still point into the user's file.
 */
export function toleratingRolesCreated(text: string, alreadyCreated: (role: string) => boolean): string {
  if (!/create\s+(?:role|user|group)/i.test(text)) return text
  let out = ''
  let cursor = 0
  for (const statement of splitSqlStatements(text)) {
    const at = text.indexOf(statement.sql, cursor)
    if (at < 0) continue
    const role = createdRole(statement.sql)
    if (role === undefined || !alreadyCreated(role)) continue
    const lead = /^\s*/.exec(statement.sql)![0]
    const body = statement.sql.slice(lead.length).replace(/;\s*$/, '')
    out += text.slice(cursor, at) + `${lead}DO $dg_role$ BEGIN ${body}; EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $dg_role$;`
    cursor = at + statement.sql.length
  }
  return out + text.slice(cursor)
}
