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
  return rewritingRoleCreations(text, (role) => (alreadyCreated(role) ? 'tolerate' : 'run'))
}

/**
 * What to do with one CREATE ROLE: run it; run it ignoring "already exists"; skip it (the role was made
 * beforehand for this database); or fail with Postgres's own "already exists" (the role existed before, and the
 * session may not create roles, which Postgres checks first).
 */
export type RoleCreationRewrite = 'run' | 'tolerate' | 'skip' | 'exists'

/** The SQL text with each CREATE ROLE/USER/GROUP statement rewritten as `decide` says; lines are kept. */
export function rewritingRoleCreations(text: string, decide: (role: string) => RoleCreationRewrite): string {
  if (!/create\s+(?:role|user|group)/i.test(text)) return text
  let out = ''
  let cursor = 0
  for (const statement of splitSqlStatements(text)) {
    const at = text.indexOf(statement.sql, cursor)
    if (at < 0) continue
    const role = createdRole(statement.sql)
    const rewrite = role === undefined ? 'run' : decide(role)
    if (rewrite === 'run') continue
    const lead = /^\s*/.exec(statement.sql)![0]
    const terminated = /;\s*$/.test(statement.sql)
    const body = statement.sql.slice(lead.length).replace(/;\s*$/, '')
    // The last statement may end without a semicolon, in a line comment: the block then goes on on the next line
    // (no statement follows, so no later line moves).
    const end = !terminated && /--[^\n]*$/.test(body) ? '\n' : ''
    const lines = '\n'.repeat(body.split('\n').length - 1)
    const literal = `'${`role "${role}" already exists`.replace(/'/g, "''")}'`
    out +=
      text.slice(cursor, at) +
      (rewrite === 'tolerate'
        ? `${lead}DO $dg_role$ BEGIN ${body}${end}; EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $dg_role$;`
        : rewrite === 'skip'
          ? `${lead}SELECT NULL${lines};`
          : `${lead}DO $dg_role$ BEGIN RAISE EXCEPTION ${literal} USING ERRCODE = 'duplicate_object'; END $dg_role$${lines};`)
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

/**
 * The SQL text with each CREATE ROLE/USER/GROUP inside a DO block replaced as `decide` says: `skip` by `NULL;`
 * (the role was made beforehand), `exists` by raising Postgres's own "already exists". For a session that may not
 * create roles, where Postgres refuses the statement before it looks whether the role exists, so that a block's
 * `IF NOT EXISTS` or `EXCEPTION WHEN duplicate_object` still does what it says. Lines are kept; a role option
 * holding a semicolon in a string ends the replacement early (it then fails as written).
 */
export function rewritingRoleCreationsInDoBlocks(
  text: string,
  decide: (role: string) => 'run' | 'skip' | 'exists'
): string {
  if (!/\bdo\b/i.test(text) || !/create\s+(?:role|user|group)/i.test(text)) return text
  let out = ''
  let cursor = 0
  for (const statement of splitSqlStatements(text)) {
    if (!/^(?:(?:--[^\n]*\n)|(?:\/\*[\s\S]*?\*\/)|\s)*do\b/i.test(statement.sql)) continue
    const at = text.indexOf(statement.sql, cursor)
    if (at < 0) continue
    const rewritten = statement.sql.replace(
      /\bcreate\s+(?:role|user|group)\s+(?!mapping\s+for\b)(?:"((?:[^"]|"")+)"|([a-z_][a-z0-9_$]*))[^;]*;/gi,
      (whole, quoted: string | undefined, bare: string | undefined) => {
        const role = quoted !== undefined ? quoted.replace(/""/g, '"') : bare!.toLowerCase()
        const choice = decide(role)
        if (choice === 'run') return whole
        const lines = '\n'.repeat(whole.split('\n').length - 1)
        const literal = `'${`role "${role}" already exists`.replace(/'/g, "''")}'`
        return choice === 'skip'
          ? `NULL${lines};`
          : `RAISE EXCEPTION ${literal} USING ERRCODE = 'duplicate_object'${lines};`
      }
    )
    out += text.slice(cursor, at) + rewritten
    cursor = at + statement.sql.length
  }
  return out + text.slice(cursor)
}
