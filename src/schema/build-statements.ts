// Runs drizzle-kit's SQL for the schema in the schema's database one statement at a time, so that a statement
// Postgres rejects is reported on the object it creates and everything else is still built and compared.
// Statements that fail only because an object they need was not built are folded into that object's finding,
// and the differences about unbuilt objects are left out of the comparison (they are not drift of the migrations).
import * as path from 'node:path'
import { isConnectionError } from '../core/errors'
import { Finding } from '../core/findings'
import { Database, PostgresErrorInfo, toPostgresError } from '../postgres/provider'
import { Declaration, SourceIndex } from './source-index'
import { StatementObject, describeStatementObject as describe, statementObject } from '../sql/objects'

type SchemaFinding = Omit<Finding, 'target'>

/** An object of the schema that could not be built: a whole table (no name), or an object by name. */
export interface UnbuiltObject extends StatementObject {
  /** Of a table that was built without it: only this column is left out of the comparison. */
  column?: string
  /**
   * Its statement failed for want of what the platform provides (a role, Supabase's auth schema, an extension):
   * the declaration is right, so a migrated database that lacks the object altogether still lacks it.
   */
  byName?: boolean
}

export interface SchemaBuild {
  /** Errors (statements Postgres rejects) and warnings (indexes built only once their expression was parenthesised). */
  problems: SchemaFinding[]
  unbuilt: UnbuiltObject[]
}

export interface BuildContext {
  root: string
  /** Where to report a statement whose object is not found in the source. */
  fallbackFile: string
  sources?: SourceIndex
  /**
   * The functions the migrations create (CREATE OR REPLACE statements), asked for only when a statement fails
   * with "function … does not exist"; undefined when no migrated database could give them.
   */
  functions?: () => Promise<string[] | undefined>
  /** What the database had before drizzle-kit's SQL ran (the setup SQL's objects, extensions'): see `existingObjects`. */
  existing?: ExistingObjects
  /**
   * Why a statement fails when its declaration is right for the platform it is written for (a role, schema or
   * extension this Postgres lacks), with the way out; undefined when the SQL itself is at fault.
   */
  platformCause?: (error: PostgresErrorInfo) => Promise<{ cause: string; fix: string } | undefined>
  /** Enums the columns use that the schema files do not export, by "schema.name" (see unexportedEnums). */
  unexportedEnums?: Map<string, string[]>
}

/** A `type "x" does not exist` for an enum the schema declares without exporting it: drizzle-kit never creates it. */
function unexportedEnumCause(
  info: PostgresErrorInfo,
  context: BuildContext
): { cause: string; fix: string } | undefined {
  const m = /^type "(.+)" does not exist/.exec(info.message)
  if (!m || !context.unexportedEnums) return undefined
  const dot = m[1].lastIndexOf('.')
  const [schema, name] = dot > 0 ? [m[1].slice(0, dot), m[1].slice(dot + 1)] : ['public', m[1]]
  if (!context.unexportedEnums.has(`${schema}.${name}`)) return undefined
  const at = context.sources?.unexportedEnum(name)
  const where = at ? ` at ${at.file}:${at.line}` : ''
  return {
    cause: `enum ${name} is declared${where} but not exported: drizzle-kit writes CREATE TYPE only for the enums the schema files export`,
    fix: `Export the enum${where} (export const … = pgEnum(…)), then check again`
  }
}

/** Keys of the objects a database has: `schema:s`, `relation:s.name` (tables, views, sequences, indexes), `type:s.name`, `constraint:s.table.name`, `policy:s.table.name`. */
export type ExistingObjects = Set<string>

/** The objects of a database outside the system schemas, keyed as statements' objects are matched against them. */
export async function existingObjects(db: Database): Promise<ExistingObjects> {
  const system = `not in ('pg_catalog', 'information_schema') and n.nspname not like 'pg\\_toast%' and n.nspname not like 'pg\\_temp\\_%'`
  const rows = await db.query<{ key: string }>(
    `select 'schema:' || n.nspname as key from pg_namespace n where n.nspname ${system}
     union all
     select 'relation:' || n.nspname || '.' || c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace where n.nspname ${system}
     union all
     select 'type:' || n.nspname || '.' || t.typname from pg_type t join pg_namespace n on n.oid = t.typnamespace where t.typtype in ('e', 'd', 'c') and t.typrelid = 0 and n.nspname ${system}
     union all
     select 'constraint:' || n.nspname || '.' || c.relname || '.' || k.conname from pg_constraint k join pg_class c on c.oid = k.conrelid join pg_namespace n on n.oid = c.relnamespace where n.nspname ${system}
     union all
     select 'policy:' || n.nspname || '.' || c.relname || '.' || p.polname from pg_policy p join pg_class c on c.oid = p.polrelid join pg_namespace n on n.oid = c.relnamespace where n.nspname ${system}`
  )
  return new Set(rows.map((r) => r.key))
}

/** Whether the object a statement creates is there already. */
function alreadyExists(object: StatementObject, existing: ExistingObjects): boolean {
  switch (object.what) {
    case 'schema':
      return existing.has(`schema:${object.name}`)
    case 'table':
      return existing.has(`relation:${object.schema}.${object.table}`)
    case 'index':
    case 'sequence':
    case 'view':
      return existing.has(`relation:${object.schema}.${object.name}`)
    case 'enum':
      return existing.has(`type:${object.schema}.${object.name}`)
    case 'constraint':
    case 'policy':
      return existing.has(`${object.what}:${object.schema}.${object.table}.${object.name}`)
    default:
      return false
  }
}

function declaration(object: StatementObject, sources: SourceIndex | undefined): Declaration | undefined {
  if (!sources) return undefined
  switch (object.what) {
    case 'table':
      return sources.table(object.schema, object.table!)
    case 'index':
    case 'constraint':
    case 'policy':
      return (
        sources.tableObject(object.schema, object.table!, object.name!) ?? sources.table(object.schema, object.table!)
      )
    case 'enum':
      return sources.enum(object.schema, object.name!)
    case 'sequence':
    case 'view':
    case 'schema':
      return sources.object(object.what, object.schema, object.name!)
    default:
      return undefined
  }
}

/**
 * Key of an object in the failures that statements needing it are folded into: schema, kind and name, since a
 * failed public.users says nothing of auth.users, nor a failed index of a table of the same name. Constraints and
 * policies are named per table.
 */
function failureKey(what: StatementObject['what'], schema: string, name: string, table?: string): string {
  return JSON.stringify([what, schema, ...(table !== undefined ? [table] : []), name])
}

function objectKey(object: StatementObject): string | undefined {
  if (object.what === 'statement') return undefined
  if (object.what === 'table') return failureKey('table', object.schema, object.table!)
  if (object.what === 'constraint' || object.what === 'policy')
    return failureKey(object.what, object.schema, object.name!, object.table)
  return failureKey(object.what, object.schema, object.name!)
}

/** What Postgres's "… does not exist" names: each noun is the objects it can mean (relations share one namespace). */
const MISSING_KINDS: Record<string, StatementObject['what'][]> = {
  relation: ['table', 'view', 'sequence', 'index'],
  type: ['enum'],
  schema: ['schema']
}

/**
 * The keys of what a `relation "auth.users" does not exist` (or type, schema) error names; not `column "x" of
 * relation "y" does not exist`, whose relation is there. A name Postgres did not qualify was looked up in the search
 * path, whose first schema, the one drizzle-kit's unqualified names are created in, is public.
 */
function missingObjectKeys(message: string): string[] {
  const m = /^(relation|type|schema) "(.+)" does not exist/.exec(message)
  if (!m) return []
  if (m[1] === 'schema') return [failureKey('schema', m[2], m[2])]
  const dot = m[2].lastIndexOf('.')
  const schema = dot > 0 ? m[2].slice(0, dot) : 'public'
  const name = dot > 0 ? m[2].slice(dot + 1) : m[2]
  const keys = MISSING_KINDS[m[1]].map((what) => failureKey(what, schema, name))
  // Postgres prints `auth.users` the same for auth's users and for a table named "auth.users" in public (midday).
  if (dot > 0) keys.push(...MISSING_KINDS[m[1]].map((what) => failureKey(what, 'public', m[2])))
  return keys
}

/**
 * The element list of CREATE INDEX … (a, b) split at top-level commas, with its position in the statement.
 * Undefined when the statement is not an index or its parentheses do not balance.
 */
function indexElements(statement: string): { start: number; end: number; elements: string[] } | undefined {
  const head =
    /^\s*CREATE\s+(?:UNIQUE\s+)?INDEX\b[\s\S]*?\bON\s+(?:ONLY\s+)?(?:"(?:[^"]|"")+"\.)?"(?:[^"]|"")+"\s*(?:USING\s+\w+\s*)?\(/i.exec(
      statement
    )
  if (!head) return undefined
  const start = head.index + head[0].length
  let depth = 0
  let quote: string | undefined
  const elements: string[] = []
  let from = start
  for (let i = start; i < statement.length; i++) {
    const c = statement[i]
    if (quote) {
      if (c === quote) quote = undefined
      continue
    }
    if (c === '"' || c === "'") quote = c
    else if (c === '(') depth++
    else if (c === ')') {
      if (depth === 0) {
        elements.push(statement.slice(from, i))
        return { start, end: i, elements }
      }
      depth--
    } else if (c === ',' && depth === 0) {
      elements.push(statement.slice(from, i))
      from = i + 1
    }
  }
  return undefined
}

/** Words of an index element at depth 0 (an expression, then opclass / COLLATE / ASC / NULLS …). */
function topLevelWords(element: string): string[] {
  const words: string[] = []
  let depth = 0
  let quote: string | undefined
  let current = ''
  for (const c of element.trim()) {
    if (quote) {
      current += c
      if (c === quote) quote = undefined
      continue
    }
    if (c === '"' || c === "'") quote = c
    if (c === '(') depth++
    if (c === ')') depth--
    if (/\s/.test(c) && depth === 0) {
      if (current) words.push(current)
      current = ''
    } else current += c
  }
  if (current) words.push(current)
  return words
}

/**
 * The index with each expression element parenthesised, keeping the last `kept` words (opclass, ordering) outside:
 * drizzle-kit writes `USING hnsw ("embedding"::vector(1536) vector_cosine_ops)`, Postgres needs
 * `(("embedding"::vector(1536)) vector_cosine_ops)`. Plain column elements are left as they are.
 */
function parenthesisedIndex(statement: string, kept: number): string | undefined {
  const list = indexElements(statement)
  if (!list) return undefined
  let changed = false
  const elements = list.elements.map((element) => {
    const words = topLevelWords(element)
    if (words.length === 0 || /^"(?:[^"]|"")+"$/.test(words[0])) return element
    const outside = Math.min(kept, words.length - 1)
    changed = true
    const expression = words.slice(0, words.length - outside).join(' ')
    return [`(${expression})`, ...words.slice(words.length - outside)].join(' ')
  })
  if (!changed) return undefined
  return statement.slice(0, list.start) + elements.join(', ') + statement.slice(list.end)
}

const firstLine = (statement: string, max = 300): string => {
  const flat = statement.trim().replace(/\s+/g, ' ').replace(/;$/, '')
  return flat.length > max ? `${flat.slice(0, max)}…` : flat
}

export async function runSchemaStatements(
  db: Database,
  statements: string[],
  context: BuildContext
): Promise<SchemaBuild> {
  const problems: SchemaFinding[] = []
  const unbuilt: UnbuiltObject[] = []
  // Finding of each failed object (by objectKey), to fold the statements that fail because of it into it.
  const failedBy = new Map<string, { finding: SchemaFinding; dependents: string[] }>()
  const where = (object: StatementObject): Pick<Finding, 'file' | 'line'> =>
    declaration(object, context.sources) ?? { file: path.relative(context.root, context.fallbackFile) }
  const subject = (object: StatementObject): Partial<Finding> => ({
    schema: object.schema,
    ...(object.table ? { table: object.table } : {}),
    ...(object.name ? { name: object.name } : {})
  })

  /** Runs one statement; undefined when it was built (perhaps parenthesised, with a warning). */
  const attempt = async (statement: string): Promise<PostgresErrorInfo | undefined> => {
    try {
      await db.exec(statement)
      return undefined
    } catch (error) {
      // A lost connection is the database's fault, not the declaration's.
      if (isConnectionError(error)) throw error
      const info = toPostgresError(error)
      const object = statementObject(statement)
      // Only a syntax error can be drizzle-kit's missing parentheses (a missing table or opclass is not).
      if (object.what === 'index' && (info.code === undefined || info.code === '42601')) {
        const fixed = await retryParenthesised(db, statement)
        if (fixed) {
          problems.push({
            kind: 'schema_error',
            severity: 'warning',
            ...subject(object),
            ...where(object),
            message: `drizzle-kit's SQL for ${describe(object)} is invalid (${info.message}); it was built with its expression parenthesised and compared`,
            cause: `drizzle-kit writes an index expression without parentheses (${firstLine(statement, 200)}); Postgres needs them around an expression followed by an operator class, so the migration \`drizzle-kit generate\` writes for this index fails until it is fixed by hand`,
            fix: fixed
          })
          return undefined
        }
      }
      return info
    }
  }

  // Objects the setup SQL (or an extension) created before drizzle-kit's SQL ran, which the schema declares only
  // to reference them (Supabase's auth.users): the migrations never create them, so the migrated databases have
  // the setup's version, and so does this one. A declaration that differs from the setup's (other columns, an
  // index) is not drift of the migrations, so the statement is skipped and the object, with what the statements
  // on it would add, is left out of the comparison: no finding is the right answer.
  const setupTables = new Set<string>()
  // Columns left out of tables built without them (schema.table.column), with the statements that needed them.
  const leftOut = new Map<string, { finding: SchemaFinding; dependents: string[] }>()
  /** The statement each schema_error is about: named at the end of its cause. */
  const statementOf = new Map<SchemaFinding, string>()
  let failed: { statement: string; info: PostgresErrorInfo }[] = []
  for (const statement of statements) {
    if (context.existing) {
      const object = statementObject(statement)
      const onSetupTable =
        object.table !== undefined && object.what !== 'table' && setupTables.has(`${object.schema}.${object.table}`)
      if (onSetupTable || alreadyExists(object, context.existing)) {
        if (object.what === 'table') setupTables.add(`${object.schema}.${object.table}`)
        // A schema is only a namespace: the objects declared in it are still built and compared.
        if (object.what !== 'schema' && !onSetupTable) unbuilt.push(object)
        continue
      }
    }
    const info = await attempt(statement)
    if (!info) continue
    // A table whose CREATE fails for one column's sake is built without that column, so that its other columns,
    // constraints and indexes are still compared (the drift behind it stays visible).
    const partial = statementObject(statement).what === 'table' ? await withoutOneColumn(db, statement) : undefined
    if (partial) {
      const object = statementObject(statement)
      unbuilt.push({ ...object, column: partial })
      const unexported = unexportedEnumCause(info, context)
      const finding: SchemaFinding = {
        kind: 'schema_error',
        severity: 'error',
        schema: object.schema,
        table: object.table,
        column: partial,
        ...((context.sources?.column(object.schema, object.table!, partial) ?? where(object)) as Pick<
          Finding,
          'file' | 'line'
        >),
        message: `drizzle-kit's SQL for column ${partial} of ${describe(object)} fails on Postgres: ${info.message}`,
        cause: `${unexported ? `${unexported.cause}; ` : ''}the table was built without this column, and everything else of it is compared`,
        fix: `${unexported?.fix ?? 'Change the declaration so that drizzle-kit writes SQL Postgres accepts'}; this column is left out of the comparison`
      }
      problems.push(finding)
      statementOf.set(finding, statement)
      leftOut.set(`${object.schema}.${object.table}.${partial}`, { finding, dependents: [] })
      continue
    }
    failed.push({ statement, info })
  }
  // Drizzle cannot declare functions: the ones policies, checks, defaults and index expressions call come from
  // hand-written SQL. Once they exist, every failed statement is tried again in order (its dependents too).
  if (context.functions && failed.some((f) => f.info.code === UNDEFINED_FUNCTION)) {
    const definitions = await context.functions()
    if (definitions && definitions.length > 0) {
      await createFunctions(db, definitions)
      const retried: typeof failed = []
      for (const f of failed) {
        const info = await attempt(f.statement)
        if (info) retried.push({ statement: f.statement, info })
      }
      failed = retried
    }
  }

  for (const { statement, info } of failed) {
    const object = statementObject(statement)
    // Not built because an object it needs was not built: said once, on that object.
    const key = objectKey(object)
    const column = /column "((?:[^"]|"")+)" (?:named in key )?does not exist/.exec(info.message)?.[1]
    const cause =
      (column !== undefined && object.table !== undefined
        ? leftOut.get(`${object.schema}.${object.table}.${column}`)
        : undefined) ??
      missingObjectKeys(info.message)
        .map((k) => failedBy.get(k))
        .find(Boolean)
    if (cause) {
      unbuilt.push(object)
      cause.dependents.push(describe(object))
      if (key) failedBy.set(key, cause)
      continue
    }
    const unexported = unexportedEnumCause(info, context)
    const platform = unexported ? undefined : await context.platformCause?.(info)
    // A statement or schema has nothing a migrated database could lack by name.
    unbuilt.push({
      ...object,
      ...(platform && object.what !== 'statement' && object.what !== 'schema' ? { byName: true } : {})
    })
    const finding: SchemaFinding = {
      kind: 'schema_error',
      severity: 'error',
      ...subject(object),
      ...where(object),
      message: `drizzle-kit's SQL for ${describe(object)} fails on Postgres: ${info.message}`,
      cause: unexported || platform ? (unexported ?? platform)!.cause : '',
      fix: unexported
        ? `${unexported.fix}; this object is left out of the comparison`
        : platform
          ? `${platform.fix}. Until then this object is compared by name only: a migrated database that lacks it is reported, its definition is not compared`
          : 'Change the declaration so that drizzle-kit writes SQL Postgres accepts; this object is left out of the comparison'
    }
    problems.push(finding)
    statementOf.set(finding, statement)
    if (key) failedBy.set(key, { finding, dependents: [] })
  }
  for (const { finding, dependents } of new Set([...failedBy.values(), ...leftOut.values()])) {
    if (dependents.length)
      finding.cause = [finding.cause, `also not built, as they depend on it: ${[...new Set(dependents)].join(', ')}`]
        .filter(Boolean)
        .join('; ')
  }
  // The statement last: its first line is often a whole CREATE TABLE, hundreds of characters the reason would
  // otherwise come after.
  for (const [finding, statement] of statementOf)
    finding.cause = [finding.cause, `statement: ${firstLine(statement)}`].filter(Boolean).join('; ')
  return { problems, unbuilt }
}

/** SQLSTATE undefined_function: "function … does not exist" (also an operator that does not exist). */
const UNDEFINED_FUNCTION = '42883'

/**
 * CREATE OR REPLACE of every function and procedure of a migrated database that no extension owns (not
 * aggregates), in creation order. Functions are not compared; the schema's database only needs them to build.
 */
export async function functionDefinitions(db: Database): Promise<string[]> {
  const rows = await db.query<{ definition: string }>(
    `select pg_get_functiondef(p.oid) as definition
       from pg_proc p join pg_namespace n on n.oid = p.pronamespace
      where p.prokind in ('f', 'p')
        and n.nspname not in ('pg_catalog', 'information_schema') and n.nspname not like 'pg\\_toast%' and n.nspname not like 'pg\\_temp\\_%'
        and not exists (select 1 from pg_depend d where d.classid = 'pg_proc'::regclass and d.objid = p.oid and d.deptype = 'e')
      order by p.oid`
  )
  return rows.map((r) => r.definition)
}

/**
 * Creates the functions with their bodies unchecked (a body may read a table built only after it), each round
 * retrying the ones that failed until none more can be created: an argument or result type may be a table or enum
 * that another function's failure does not affect. The ones that cannot be created (a schema the schema files do
 * not have) are left out; the statements that call them stay schema errors.
 */
async function createFunctions(db: Database, definitions: string[]): Promise<void> {
  await db.exec('SET check_function_bodies = off')
  try {
    let pending = definitions
    for (;;) {
      const left: string[] = []
      for (const definition of pending) await db.exec(definition).catch(() => left.push(definition))
      if (left.length === 0 || left.length === pending.length) break
      pending = left
    }
  } finally {
    await db.exec('RESET check_function_bodies')
  }
}

/**
 * Builds a CREATE TABLE that failed without one of its columns, trying each in turn; the column whose removal lets
 * Postgres build it, or undefined (the failure is not one column's, or the statement cannot be split).
 */
async function withoutOneColumn(db: Database, statement: string): Promise<string | undefined> {
  const open = statement.indexOf('(')
  if (open < 0) return undefined
  const elements: { start: number; end: number }[] = []
  let depth = 0
  let quote: string | undefined
  let from = open + 1
  let close = -1
  for (let i = open + 1; i < statement.length && close < 0; i++) {
    const c = statement[i]
    if (quote) {
      if (c === quote) quote = undefined
    } else if (c === '"' || c === "'") quote = c
    else if (c === '(') depth++
    else if (c === ')' && depth > 0) depth--
    else if ((c === ',' && depth === 0) || (c === ')' && depth === 0)) {
      elements.push({ start: from, end: i })
      from = i + 1
      if (c === ')') close = i
    }
  }
  if (close < 0 || elements.length < 2) return undefined
  for (const [i, element] of elements.entries()) {
    const column = /^\s*"((?:[^"]|"")+)"\s/.exec(statement.slice(element.start, element.end))
    if (!column) continue
    const rest = elements.filter((_, j) => j !== i).map((e) => statement.slice(e.start, e.end))
    try {
      await db.exec(`${statement.slice(0, open + 1)}${rest.join(',')}${statement.slice(close)}`)
      return column[1].replace(/""/g, '"')
    } catch (error) {
      if (isConnectionError(error)) throw error
    }
  }
  return undefined
}

/** The failing index with its expressions parenthesised: the first form Postgres accepts (it is then built). */
async function retryParenthesised(db: Database, statement: string): Promise<string | undefined> {
  const tried = new Set<string>()
  for (let kept = 0; kept <= 4; kept++) {
    const candidate = parenthesisedIndex(statement, kept)
    if (!candidate || tried.has(candidate)) continue
    tried.add(candidate)
    try {
      await db.exec(candidate)
      return candidate
    } catch {
      // try keeping one more word outside the parentheses
    }
  }
  return undefined
}
