// CREATE ROLE/USER/GROUP statements in SQL text: which role a statement creates, and the same text made to tolerate
// a role another database of the run already created on the same server.
import { splitSqlStatements } from './statements'

const CREATE_ROLE =
  /^\s*(?:(?:--[^\n]*\n)|(?:\/\*[\s\S]*?\*\/)|\s)*create\s+(?:role|user|group)\s+(?!mapping\s+for\b)(?:"((?:[^"]|"")+)"|([a-z_][a-z0-9_$]*))/i

/** The role a statement creates, when the statement itself is CREATE ROLE/USER/GROUP (not a DO block that may). */
export function createdRole(statement: string): string | undefined {
  const m = CREATE_ROLE.exec(statement)
  if (!m) return undefined
  return m[1] !== undefined ? m[1].replace(/""/g, '"') : m[2].toLowerCase()
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
    const terminated = /;\s*$/.test(statement.sql)
    const body = statement.sql.slice(lead.length).replace(/;\s*$/, '')
    // The last statement may end without a semicolon, in a line comment: the block then goes on on the next line
    // (no statement follows, so no later line moves).
    const end = !terminated && /--[^\n]*$/.test(body) ? '\n' : ''
    out +=
      text.slice(cursor, at) +
      `${lead}DO $dg_role$ BEGIN ${body}${end}; EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $dg_role$;`
    cursor = at + statement.sql.length
  }
  return out + text.slice(cursor)
}

/** Every role name that follows CREATE ROLE/USER/GROUP anywhere in the text, also inside DO blocks and functions. */
export function rolesNamedIn(text: string): string[] {
  return [
    ...text.matchAll(/\bcreate\s+(?:role|user|group)\s+(?!mapping\s+for\b)(?:"((?:[^"]|"")+)"|([a-z_][a-z0-9_$]*))/gi)
  ].map((m) => (m[1] !== undefined ? m[1].replace(/""/g, '"') : m[2].toLowerCase()))
}
