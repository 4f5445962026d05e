// `--rename users.email=contact_email` / `--rename old_table=new_table`: what drizzle-kit asks interactively, given
// on the command line. The rename is written as RENAME (the data stays), applied to a copy of the migrated model,
// together with the constraints and indexes drizzle names after the renamed object; the tables it touched are then
// diffed again, so what is left to write is what differs after the rename.
import { UsageError } from '../core/errors'
import { SchemaDifference, diffSchemas } from '../diff/diff-schemas'
import { DatabaseModel, TableModel } from '../model/types'
import { quoteIdentifier as q, quoteIdentifierIfNeeded } from '../sql/identifiers'
import { PHASE, tableRef } from './plan'
import { isSerial } from './sql-text'
import { RepairStatement } from './types'

export interface RenameSpec {
  /** As given, for messages. */
  text: string
  schema: string
  /** The table a column is renamed in; undefined: a table rename. */
  table?: string
  from: string
  to: string
}

/** `TABLE.OLD=NEW` (a column), `OLD=NEW` (a table), optionally `SCHEMA.` first. */
export function parseRename(text: string): RenameSpec {
  const m = /^(?:([\w$]+)\.)?(?:([\w$]+)\.)?([\w$]+)=([\w$]+)$/.exec(text)
  if (!m) throw new UsageError(`--rename ${text}: write TABLE.OLD=NEW for a column or OLD=NEW for a table`)
  const [, first, second, from, to] = m
  if (first && second) return { text, schema: first, table: second, from, to }
  return { text, schema: 'public', table: first, from, to }
}

function cloneTable(t: TableModel): TableModel {
  return {
    ...t,
    columns: new Map([...t.columns].map(([k, v]) => [k, { ...v }])),
    constraints: new Map([...t.constraints].map(([k, v]) => [k, { ...v, columns: [...v.columns] }])),
    indexes: new Map([...t.indexes].map(([k, v]) => [k, { ...v, keys: [...v.keys] }])),
    policies: new Map(t.policies)
  }
}

const word = (name: string): RegExp => new RegExp(`(?<![\\w$.])"?${name.replace(/\$/g, '\\$')}"?(?![\\w$])`, 'g')

/** Constraints and indexes named after the old name whose new name the schema has: renamed with it. */
function renameDependents(
  table: TableModel,
  expectedTable: TableModel,
  from: string,
  to: string,
  out: RepairStatement[],
  finding: string
): void {
  const t = tableRef(table.schema, table.name)
  const renamedConstraints = new Set<string>()
  for (const c of [...table.constraints.values()]) {
    const name = c.name.split(from).join(to)
    if (name === c.name || !expectedTable.constraints.has(name) || table.constraints.has(name)) continue
    out.push(rename(`ALTER TABLE ${t} RENAME CONSTRAINT ${q(c.name)} TO ${q(name)};`, finding))
    table.constraints.delete(c.name)
    table.constraints.set(name, { ...c, name })
    // The index behind a primary key or unique constraint is renamed with it.
    const index = table.indexes.get(c.name)
    if (index) {
      table.indexes.delete(c.name)
      table.indexes.set(name, { ...index, name })
    }
    renamedConstraints.add(name)
  }
  for (const i of [...table.indexes.values()]) {
    const name = i.name.split(from).join(to)
    if (name === i.name || renamedConstraints.has(name) || !expectedTable.indexes.has(name)) continue
    if (table.indexes.has(name)) continue
    const ref = table.schema === 'public' ? q(i.name) : `${q(table.schema)}.${q(i.name)}`
    out.push(rename(`ALTER INDEX IF EXISTS ${ref} RENAME TO ${q(name)};`, finding))
    table.indexes.delete(i.name)
    table.indexes.set(name, { ...i, name })
  }
}

const rename = (sql: string, finding: string): RepairStatement => ({
  sql,
  hazards: ['takes an ACCESS EXCLUSIVE lock on the table (brief: no rewrite)'],
  finding,
  destructive: false,
  phase: PHASE.rename
})

/**
 * Applies the renames to a copy of the migrated model: the RENAME statements, the model after them, and the
 * differences with the renamed tables diffed again (the engine's differences for everything else).
 */
export function applyRenames(
  renames: RenameSpec[],
  expected: DatabaseModel,
  actual: DatabaseModel,
  differences: SchemaDifference[]
): { statements: RepairStatement[]; actual: DatabaseModel; differences: SchemaDifference[] } {
  if (renames.length === 0) return { statements: [], actual, differences }
  const model: DatabaseModel = { ...actual, tables: new Map(actual.tables) }
  const statements: RepairStatement[] = []
  const touched = new Set<string>()
  for (const r of renames) {
    if (r.table) {
      const key = `${r.schema}.${r.table}`
      const current = model.tables.get(key)
      const want = expected.tables.get(key)
      if (!current || !want)
        throw new UsageError(`--rename ${r.text}: no table ${r.table} in both the schema and what the migrations build`)
      if (!current.columns.has(r.from) || current.columns.has(r.to) || !want.columns.has(r.to))
        throw new UsageError(
          `--rename ${r.text}: the migrations build ${r.table}.${r.from} and the schema declares ${r.table}.${r.to} is not the case`
        )
      const table = cloneTable(current)
      const finding = `rename ${r.table}.${r.from} -> ${r.to}`
      statements.push(
        rename(`ALTER TABLE ${tableRef(r.schema, r.table)} RENAME COLUMN ${q(r.from)} TO ${q(r.to)};`, finding)
      )
      const column = table.columns.get(r.from)!
      table.columns.delete(r.from)
      table.columns.set(r.to, { ...column, name: r.to })
      // In the definitions as Postgres prints them: a name it must quote ("contactEmail") is quoted, or the renamed
      // constraint would differ from the schema's by its quotes alone, and be dropped and added again.
      const printed = quoteIdentifierIfNeeded(r.to)
      for (const c of table.constraints.values()) {
        c.columns = c.columns.map((x) => (x === r.from ? r.to : x))
        c.definition = c.definition.replace(/\(([^)]*)\)/, (m) => m.replace(word(r.from), printed))
      }
      for (const i of table.indexes.values()) {
        i.keys = i.keys.map((k) => k.replace(word(r.from), printed))
        i.definition = i.definition.replace(/ USING (.*)$/, (m) => m.replace(word(r.from), printed))
      }
      renameDependents(table, want, r.from, r.to, statements, finding)
      model.tables.set(key, table)
      touched.add(key)
    } else {
      const fromKey = `${r.schema}.${r.from}`
      const toKey = `${r.schema}.${r.to}`
      const current = model.tables.get(fromKey)
      const want = expected.tables.get(toKey)
      if (!current || !want || model.tables.has(toKey) || expected.tables.has(fromKey))
        throw new UsageError(
          `--rename ${r.text}: the migrations build table ${r.from} and the schema declares ${r.to} (and not the other) is not the case`
        )
      const finding = `rename ${r.from} -> ${r.to}`
      statements.push(rename(`ALTER TABLE ${tableRef(r.schema, r.from)} RENAME TO ${q(r.to)};`, finding))
      const table = { ...cloneTable(current), name: r.to }
      for (const c of table.constraints.values())
        c.definition = c.definition.replace(word(r.from), () => quoteIdentifierIfNeeded(r.to))
      renameDependents(table, want, r.from, r.to, statements, finding)
      // A serial's sequence is named after the table: renamed too, so the database ends as a fresh one would.
      for (const c of table.columns.values())
        if (isSerial(c)) {
          const seq = (t: string): string => (r.schema === 'public' ? '' : `${q(r.schema)}.`) + q(`${t}_${c.name}_seq`)
          statements.push(
            rename(`ALTER SEQUENCE IF EXISTS ${seq(r.from)} RENAME TO ${q(`${r.to}_${c.name}_seq`)};`, finding)
          )
        }
      model.tables.delete(fromKey)
      model.tables.set(toKey, table)
      // Foreign keys of other tables that reference it follow the rename in Postgres.
      for (const [key, other] of model.tables) {
        if (key === toKey || ![...other.constraints.values()].some((c) => word(r.from).test(c.definition))) continue
        const copy = cloneTable(other)
        for (const c of copy.constraints.values())
          if (c.kind === 'foreign_key')
            c.definition = c.definition.replace(word(r.from), () => quoteIdentifierIfNeeded(r.to))
        model.tables.set(key, copy)
        touched.add(key)
      }
      touched.add(fromKey).add(toKey)
    }
  }
  const only = (m: DatabaseModel): DatabaseModel => ({
    ...m,
    schemas: expected.schemas,
    enums: new Map(),
    sequences: new Map(),
    views: new Map(),
    tables: new Map([...m.tables].filter(([k]) => touched.has(k)))
  })
  const again = diffSchemas(only(expected), only(model), { ignoreSchemas: [] })
  const kept = differences.filter((d) => !(d.table && touched.has(`${d.schema}.${d.table}`)))
  return { statements, actual: model, differences: [...kept, ...again] }
}
