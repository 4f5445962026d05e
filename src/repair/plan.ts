// The corrective SQL for one target, planned from the check's own comparison: the schema's database (expected) vs
// the database the migrations built (actual), and the differences left after the check's rules. Every statement is
// in drizzle-kit's style, in a form that also converges a database already partly fixed by hand (IF [NOT] EXISTS,
// or a DO block that ignores "already exists"), and carries its hazards.
import { SchemaDifference } from '../diff/diff-schemas'
import { serialDefaultSql } from '../explain/fix-sql'
import { ColumnModel, ConstraintModel, DatabaseModel, IndexModel, TableModel } from '../model/types'
import { quoteIdentifier as q } from '../sql/identifiers'
import { columnDeclaration, indexDeclaration } from './declarations'
import { isSerial, literal } from './sql-text'
import { Declaration, RepairStatement, SkippedRepair } from './types'

/** Order of the migration: what others depend on first (types before columns, columns before indexes on them). */
export const PHASE = {
  rename: 0,
  schema: 1,
  enum: 2,
  dropForeignKey: 3,
  dropConstraint: 4,
  dropIndex: 5,
  createTable: 6,
  addColumn: 7,
  alterColumn: 8,
  addConstraint: 9,
  addForeignKey: 10,
  createIndex: 11,
  rls: 12,
  dropColumn: 13,
  dropTable: 14,
  dropEnum: 15
} as const

export const HAZARD = {
  deletesData: 'deletes data',
  rewritesTable: 'rewrites the table',
  accessExclusive: 'takes an ACCESS EXCLUSIVE lock on the table (blocks reads and writes while it runs)',
  buildsIndex:
    'builds an index (blocks writes to the table while it builds; on a large table run CREATE INDEX CONCURRENTLY by hand first: the IF NOT EXISTS form then skips it)',
  validatesRows: 'reads every row to validate it (fails if an existing row violates it)',
  failsOnNulls: 'fails if a row holds NULL',
  failsOnRows: 'fails if the table has rows (NOT NULL without a default)',
  typeChange: 'converts every value (fails on a value the new type cannot hold, may lose precision)',
  enumValueInTransaction:
    'a new enum value cannot be used in the same transaction (drizzle runs a migration in one): a default or row using it belongs in a later migration'
} as const

export interface Plan {
  statements: RepairStatement[]
  skipped: SkippedRepair[]
  declarations: Declaration[]
}

export interface PlanContext {
  expected: DatabaseModel
  actual: DatabaseModel
  /** file:line of a table's pgTable, for the declarations to add. */
  tableDeclaration?: (schema: string, table: string) => string | undefined
}

export const tableRef = (schema: string, table: string): string =>
  schema === 'public' ? q(table) : `${q(schema)}.${q(table)}`

const typeRef = (schema: string, name: string): string => `${q(schema)}.${q(name)}`

/** The name a finding is listed under: `missing_column organizations.logo_url`. */
export function findingLabel(d: SchemaDifference): string {
  const schema = d.schema && d.schema !== 'public' ? `${d.schema}.` : ''
  const object = d.table
    ? `${schema}${d.table}${d.column ? `.${d.column}` : d.name ? `.${d.name}` : ''}`
    : `${schema}${d.name ?? ''}`
  return `${d.kind} ${object}`
}

/** `ALTER TABLE … ADD CONSTRAINT …` that leaves a database that already has it alone (drizzle-kit 0.2x's form). */
function ignoringDuplicate(sql: string): string {
  return `DO $$ BEGIN\n ${sql}\nEXCEPTION\n WHEN duplicate_object OR duplicate_table OR invalid_table_definition THEN null;\nEND $$;`
}

const SERIAL: Record<string, string> = { integer: 'serial', bigint: 'bigserial', smallint: 'smallserial' }

/** A column as CREATE TABLE / ADD COLUMN write it: `"name" type [identity|generated] [DEFAULT …] [NOT NULL]`. */
export function columnDefinition(c: ColumnModel, primaryKey = false): string {
  const parts = [q(c.name), isSerial(c) ? (SERIAL[c.type] ?? c.type) : c.type]
  if (primaryKey) parts.push('PRIMARY KEY')
  if (c.identity) parts.push(`GENERATED ${c.identity.toUpperCase()} AS IDENTITY`)
  if (c.generated) parts.push(`GENERATED ALWAYS AS (${c.generated}) STORED`)
  if (c.default && !isSerial(c)) parts.push(`DEFAULT ${c.default}`)
  if (c.notNull && !isSerial(c) && !c.identity) parts.push('NOT NULL')
  return parts.join(' ')
}

/** Defaults Postgres evaluates once per row: adding such a column rewrites the table. */
const VOLATILE_DEFAULT = /\b(gen_random_uuid|uuid_generate_v\d\w*|random|clock_timestamp|timeofday|nextval)\s*\(/i

export function indexStatement(i: IndexModel): string {
  return i.definition.replace(/ INDEX ON /, ` INDEX IF NOT EXISTS ${q(i.name)} ON `) + ';'
}

function addConstraint(table: TableModel, c: ConstraintModel, finding: string): RepairStatement {
  const t = tableRef(table.schema, table.name)
  const foreign = c.kind === 'foreign_key'
  return {
    sql: ignoringDuplicate(`ALTER TABLE ${t} ADD CONSTRAINT ${q(c.name)} ${c.definition};`),
    hazards: [HAZARD.validatesRows, ...(c.kind === 'foreign_key' ? [] : [HAZARD.accessExclusive])],
    finding,
    destructive: false,
    phase: foreign ? PHASE.addForeignKey : PHASE.addConstraint
  }
}

/** CREATE TABLE with its columns, primary key, unique and check constraints; its foreign keys and indexes after. */
function createTable(table: TableModel, finding: string): RepairStatement[] {
  const pk = [...table.constraints.values()].find((c) => c.kind === 'primary_key')
  const inlinePk = pk && pk.columns.length === 1 ? pk.columns[0] : undefined
  const columns = [...table.columns.values()].sort((a, b) => a.position - b.position)
  const lines = columns.map((c) => `\t${columnDefinition(c, c.name === inlinePk)}`)
  for (const c of table.constraints.values()) {
    if (c.kind === 'foreign_key' || (c.kind === 'primary_key' && inlinePk)) continue
    lines.push(`\tCONSTRAINT ${q(c.name)} ${c.definition}`)
  }
  const out: RepairStatement[] = [
    {
      sql: `CREATE TABLE IF NOT EXISTS ${tableRef(table.schema, table.name)} (\n${lines.join(',\n')}\n);`,
      hazards: [],
      finding,
      destructive: false,
      phase: PHASE.createTable
    }
  ]
  for (const c of table.constraints.values()) if (c.kind === 'foreign_key') out.push(addConstraint(table, c, finding))
  for (const i of table.indexes.values()) {
    // The indexes behind the table's primary key and unique constraints come with them.
    if (table.constraints.has(i.name)) continue
    out.push({ sql: indexStatement(i), hazards: [], finding, destructive: false, phase: PHASE.createIndex })
  }
  return out
}

/** Plans the statements for the differences; renames were applied before (rename.ts). */
export function planStatements(differences: SchemaDifference[], ctx: PlanContext): Plan {
  const statements: RepairStatement[] = []
  const skipped: SkippedRepair[] = []
  const declarations: Declaration[] = []
  const { expected, actual } = ctx
  const tableOf = (model: DatabaseModel, d: SchemaDifference): TableModel | undefined =>
    d.table ? model.tables.get(`${d.schema}.${d.table}`) : undefined
  const skip = (d: SchemaDifference, reason: string): void => {
    skipped.push({ finding: findingLabel(d), reason })
  }
  const by = (finding: string, sql: string, phase: number, hazards: string[] = [], destructive = false): void => {
    statements.push({ sql, hazards, finding, destructive, phase })
  }

  for (const d of differences) {
    const finding = findingLabel(d)
    const t = d.table ? tableRef(d.schema, d.table) : ''
    const e = tableOf(expected, d)
    const a = tableOf(actual, d)
    const col = d.column ? q(d.column) : ''
    switch (d.kind) {
      case 'missing_schema':
        by(finding, `CREATE SCHEMA IF NOT EXISTS ${q(d.name!)};`, PHASE.schema)
        break
      case 'missing_enum': {
        const en = expected.enums.get(`${d.schema}.${d.name}`)
        if (!en) {
          skip(d, 'the schema database has no such enum')
          break
        }
        by(
          finding,
          ignoringDuplicate(
            `CREATE TYPE ${typeRef(en.schema, en.name)} AS ENUM(${en.values.map(literal).join(', ')});`
          ),
          PHASE.enum
        )
        break
      }
      case 'enum_mismatch':
        planEnum(d, ctx, by, skip)
        break
      case 'extra_enum':
        by(finding, `DROP TYPE IF EXISTS ${typeRef(d.schema, d.name!)};`, PHASE.dropEnum, [HAZARD.deletesData], true)
        declarations.push({
          finding,
          code: `export const ${d.name!.replace(/_([a-z0-9])/g, (_m, ch: string) => ch.toUpperCase())} = pgEnum(${literal(d.name!)}, [${(
            d.actual ?? ''
          )
            .split(', ')
            .filter(Boolean)
            .map(literal)
            .join(', ')}])`
        })
        break
      case 'missing_table':
        if (!e) skip(d, 'the schema database has no such table')
        else statements.push(...createTable(e, finding))
        break
      case 'extra_table':
        by(finding, `DROP TABLE IF EXISTS ${t};`, PHASE.dropTable, [HAZARD.deletesData, HAZARD.accessExclusive], true)
        declarations.push({
          finding,
          code: `export const ${d.table} = pgTable(${literal(d.table!)}, { … }) // declare it in a schema file (npx drizzle-kit pull prints it)`
        })
        break
      case 'missing_column': {
        const c = e?.columns.get(d.column!)
        if (!c) {
          skip(d, 'the schema database has no such column')
          break
        }
        const hazards: string[] = []
        const rewrites = (c.default && VOLATILE_DEFAULT.test(c.default) && !isSerial(c)) || c.generated || c.identity
        if (rewrites) hazards.push(HAZARD.rewritesTable, HAZARD.accessExclusive)
        const failsOnRows = c.notNull && !c.default && !c.identity && !c.generated && !isSerial(c)
        if (failsOnRows) hazards.push(HAZARD.failsOnRows)
        by(
          finding,
          `ALTER TABLE ${t} ADD COLUMN IF NOT EXISTS ${columnDefinition(c)};`,
          PHASE.addColumn,
          hazards,
          Boolean(failsOnRows)
        )
        break
      }
      case 'extra_column': {
        by(
          finding,
          `ALTER TABLE ${t} DROP COLUMN IF EXISTS ${col};`,
          PHASE.dropColumn,
          [HAZARD.deletesData, HAZARD.accessExclusive],
          true
        )
        const c = a?.columns.get(d.column!)
        if (c)
          declarations.push({ finding, at: ctx.tableDeclaration?.(d.schema, d.table!), code: columnDeclaration(c) })
        break
      }
      case 'column_type_mismatch':
        by(
          finding,
          `ALTER TABLE ${t} ALTER COLUMN ${col} SET DATA TYPE ${d.expected} USING ${col}::${d.expected};`,
          PHASE.alterColumn,
          [HAZARD.typeChange, HAZARD.rewritesTable, HAZARD.accessExclusive],
          true
        )
        break
      case 'column_nullability_mismatch':
        if (d.expected === 'NOT NULL')
          by(
            finding,
            `ALTER TABLE ${t} ALTER COLUMN ${col} SET NOT NULL;`,
            PHASE.alterColumn,
            [HAZARD.failsOnNulls, HAZARD.accessExclusive],
            true
          )
        else by(finding, `ALTER TABLE ${t} ALTER COLUMN ${col} DROP NOT NULL;`, PHASE.alterColumn)
        break
      case 'column_default_mismatch': {
        const c = e?.columns.get(d.column!)
        if (c && isSerial(c)) {
          // The schema declares a serial: its sequence (kept if the column still owns it) and its default.
          for (const sql of serialDefaultSql(d)) by(finding, sql, PHASE.alterColumn)
          break
        }
        by(
          finding,
          d.expected === '(none)'
            ? `ALTER TABLE ${t} ALTER COLUMN ${col} DROP DEFAULT;`
            : `ALTER TABLE ${t} ALTER COLUMN ${col} SET DEFAULT ${d.expected};`,
          PHASE.alterColumn
        )
        break
      }
      case 'missing_constraint': {
        const c = e?.constraints.get(d.name!)
        if (!e || !c) skip(d, 'the schema database has no such constraint')
        else statements.push(addConstraint(e, c, finding))
        break
      }
      case 'extra_constraint': {
        const foreign = d.constraintKind === 'foreign_key'
        by(
          finding,
          `ALTER TABLE ${t} DROP CONSTRAINT IF EXISTS ${q(d.name!)};`,
          foreign ? PHASE.dropForeignKey : PHASE.dropConstraint,
          [HAZARD.accessExclusive, 'the database stops enforcing it'],
          true
        )
        declarations.push({
          finding,
          at: ctx.tableDeclaration?.(d.schema, d.table!),
          code: `// ${d.actual}: declare it in the table's (t) => [ … ] (unique(), check(), foreignKey(), primaryKey())`
        })
        break
      }
      case 'constraint_mismatch': {
        const c = e?.constraints.get(d.name!) ?? [...(e?.constraints.values() ?? [])].find((x) => x.name === d.name)
        if (!e || !c) {
          skip(d, 'the schema database has no such constraint')
          break
        }
        if (d.expected === d.name && d.actual && a?.constraints.has(d.actual)) {
          // The same definition under another name.
          by(finding, `ALTER TABLE ${t} RENAME CONSTRAINT ${q(d.actual)} TO ${q(d.name!)};`, PHASE.rename)
          break
        }
        const old = c.kind === 'primary_key' ? [...(a?.constraints.values() ?? [])].find((x) => x.kind === c.kind) : c
        by(
          finding,
          `ALTER TABLE ${t} DROP CONSTRAINT IF EXISTS ${q(old?.name ?? c.name)};`,
          c.kind === 'foreign_key' ? PHASE.dropForeignKey : PHASE.dropConstraint,
          [HAZARD.accessExclusive]
        )
        statements.push(addConstraint(e, c, finding))
        break
      }
      case 'missing_index': {
        const i = e?.indexes.get(d.name!)
        if (!i) skip(d, 'the schema database has no such index')
        else by(finding, indexStatement(i), PHASE.createIndex, [HAZARD.buildsIndex])
        break
      }
      case 'extra_index': {
        by(
          finding,
          `DROP INDEX IF EXISTS ${d.schema === 'public' ? q(d.name!) : `${q(d.schema)}.${q(d.name!)}`};`,
          PHASE.dropIndex,
          [HAZARD.accessExclusive, 'queries that used it get slower'],
          true
        )
        const i = a?.indexes.get(d.name!)
        if (i) declarations.push({ finding, at: ctx.tableDeclaration?.(d.schema, d.table!), code: indexDeclaration(i) })
        break
      }
      case 'index_mismatch': {
        const i = e?.indexes.get(d.name!)
        if (!i) {
          skip(d, 'the schema database has no such index')
          break
        }
        const drop = (name: string): string =>
          `DROP INDEX IF EXISTS ${d.schema === 'public' ? q(name) : `${q(d.schema)}.${q(name)}`};`
        if (d.expected === d.name && d.actual && a?.indexes.has(d.actual)) {
          by(
            finding,
            `ALTER INDEX IF EXISTS ${d.schema === 'public' ? q(d.actual) : `${q(d.schema)}.${q(d.actual)}`} RENAME TO ${q(d.name!)};`,
            PHASE.rename
          )
          break
        }
        by(finding, drop(i.name), PHASE.dropIndex, [HAZARD.accessExclusive])
        by(finding, indexStatement(i), PHASE.createIndex, [HAZARD.buildsIndex])
        break
      }
      case 'rls_mismatch':
        by(
          finding,
          `ALTER TABLE ${t} ${d.expected === 'enabled' ? 'ENABLE' : 'DISABLE'} ROW LEVEL SECURITY;`,
          PHASE.rls,
          d.expected === 'enabled' ? ['rows become invisible to roles without a policy'] : []
        )
        break
      case 'partitioning_mismatch':
        skip(
          d,
          'drizzle cannot declare partitioning: keep the table as the migrations built it (fix never re-creates a table)'
        )
        break
      case 'extra_schema':
        skip(
          d,
          `declare it (export const ${d.name} = pgSchema(${literal(d.name!)})) or drop it by hand: fix never drops a schema`
        )
        break
      default:
        skip(
          d,
          `fix does not write ${d.kind.replace(/_/g, ' ')} yet: write it with npx drizzle-kit generate --custom and check again`
        )
    }
  }
  return { statements, skipped, declarations }
}

type Add = (finding: string, sql: string, phase: number, hazards?: string[], destructive?: boolean) => void

/**
 * Enum values the database lacks are added where the schema puts them (ADD VALUE … BEFORE/AFTER). Extra values or
 * another order need the type re-created, which rewrites every column using it: destructive.
 */
function planEnum(d: SchemaDifference, ctx: PlanContext, by: Add, skip: (d: SchemaDifference, r: string) => void) {
  const finding = findingLabel(d)
  const want = ctx.expected.enums.get(`${d.schema}.${d.name}`)?.values
  const have = ctx.actual.enums.get(`${d.schema}.${d.name}`)?.values
  if (!want || !have) return skip(d, 'the enum is missing on one side')
  const type = typeRef(d.schema, d.name!)
  const order = [...have]
  const additions: string[] = []
  for (const [i, value] of want.entries()) {
    if (order.includes(value)) continue
    const next = want.slice(i + 1).find((v) => order.includes(v))
    const prev = [...want.slice(0, i)].reverse().find((v) => order.includes(v))
    const where = next ? ` BEFORE ${literal(next)}` : prev ? ` AFTER ${literal(prev)}` : ''
    additions.push(`ALTER TYPE ${type} ADD VALUE IF NOT EXISTS ${literal(value)}${where};`)
    if (next) order.splice(order.indexOf(next), 0, value)
    else if (prev) order.splice(order.indexOf(prev) + 1, 0, value)
    else order.push(value)
  }
  if (order.join('\u0000') === want.join('\u0000')) {
    for (const sql of additions) by(finding, sql, PHASE.enum, [HAZARD.enumValueInTransaction])
    return
  }
  // The rename-and-recreate dance: a new type with the declared values, every column converted through text.
  const users = [...ctx.expected.tables.values()].flatMap((t) =>
    [...t.columns.values()]
      .filter((c) => c.type === (d.schema === 'public' ? d.name : `${d.schema}.${d.name}`) || c.type === `"${d.name}"`)
      .map((c) => ({ table: t, column: c }))
      // Columns the migrations have not built yet are created with the new type further down.
      .filter(({ column }) => ctx.actual.tables.get(`${t.schema}.${t.name}`)?.columns.has(column.name))
  )
  const old = typeRef(d.schema, `${d.name}_old`)
  const hazards = [HAZARD.deletesData + ' (rows holding a value the schema dropped fail the conversion)']
  const lines = [`ALTER TYPE ${type} RENAME TO ${q(`${d.name}_old`)};`]
  lines.push(`CREATE TYPE ${type} AS ENUM(${want.map(literal).join(', ')});`)
  for (const { table, column } of users) {
    const t = tableRef(table.schema, table.name)
    if (column.default) lines.push(`ALTER TABLE ${t} ALTER COLUMN ${q(column.name)} DROP DEFAULT;`)
    lines.push(
      `ALTER TABLE ${t} ALTER COLUMN ${q(column.name)} SET DATA TYPE ${type} USING ${q(column.name)}::text::${type};`
    )
    if (column.default) lines.push(`ALTER TABLE ${t} ALTER COLUMN ${q(column.name)} SET DEFAULT ${column.default};`)
  }
  lines.push(`DROP TYPE ${old};`)
  for (const line of lines)
    by(finding, line, PHASE.enum, [...hazards, HAZARD.rewritesTable, HAZARD.accessExclusive], true)
}
