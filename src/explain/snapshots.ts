// The schema against drizzle-kit's own record of it: meta/NNNN_snapshot.json. If they differ, `drizzle-kit
// generate` would write a migration, i.e. one was never generated. Compared as drizzle-kit's JSON, because that
// is what drizzle-kit compares.
import * as fs from 'node:fs'
import { PgSnapshot, SnapshotTable } from '../schema/drizzle-kit'
import { Migration } from '../migrations/folder'
import { vendorRequire } from '../core/vendor'
import { JsonSyntaxError, parseJson } from '../core/json'
import { truncateIdentifier } from '../sql/identifiers'
import { SnapshotChange, SnapshotComparison, V1Snapshot, V1SnapshotJson } from './snapshot-types'
import { reconstructV1States } from './snapshot-v1-states'

export type { SnapshotChange, SnapshotComparison } from './snapshot-types'
import { uniquesAddedByName } from '../schema/kit1-names'

export interface SnapshotFile {
  migration: Migration
  /** A 0.x snapshot (version 7, older ones upgraded). */
  snapshot?: PgSnapshot
  /** A drizzle-kit 1.x snapshot (version 8 or later), rebuilt to the full state after this migration. */
  v1?: V1Snapshot
  /** Why the snapshot could not be used (missing, malformed, other format). */
  problem?: { message: string; line?: number }
}

/**
 * One migration's snapshot file, read as it is: a 0.x snapshot (older versions upgraded), a problem, or the JSON of
 * a 1.x snapshot (`v1Json`: its state is rebuilt from the whole folder by readSnapshots).
 */
export function readSnapshotFile(
  migration: Migration,
  text?: string
): SnapshotFile | { migration: Migration; v1Json: V1SnapshotJson } {
  if (!migration.snapshotFile) return { migration, problem: { message: 'no snapshot file' } }
  text ??= fs.readFileSync(migration.snapshotFile, 'utf8')
  let json: Record<string, unknown>
  try {
    json = parseJson(text)
  } catch (error) {
    return {
      migration,
      problem: { message: `malformed JSON: ${(error as Error).message}`, line: (error as JsonSyntaxError).line }
    }
  }
  if (json.dialect !== undefined && !['postgresql', 'postgres', 'pg'].includes(String(json.dialect))) {
    return { migration, problem: { message: `dialect "${String(json.dialect)}" is not postgresql` } }
  }
  const version = Number(json.version)
  if (version >= 8) return { migration, v1Json: json as V1SnapshotJson }
  if (version < 7) {
    try {
      // drizzle-kit upgrades old snapshots before diffing; do the same.
      const { upPgSnapshot } = vendorRequire<{ upPgSnapshot(s: Record<string, unknown>): PgSnapshot }>(
        'drizzle-kit/api'
      )
      return { migration, snapshot: upPgSnapshot(json) }
    } catch (error) {
      return {
        migration,
        problem: { message: `snapshot version ${json.version} could not be upgraded: ${(error as Error).message}` }
      }
    }
  }
  return { migration, snapshot: json as unknown as PgSnapshot }
}

export function readSnapshots(migrations: Migration[]): SnapshotFile[] {
  const v1Json: (V1SnapshotJson | undefined)[] = migrations.map(() => undefined)
  const files = migrations.map((migration, position): SnapshotFile => {
    const read = readSnapshotFile(migration)
    if (!('v1Json' in read)) return read
    v1Json[position] = read.v1Json
    return { migration }
  })
  if (v1Json.some(Boolean)) {
    // Version 9 "diff" snapshots hold one migration's changes: every state is rebuilt from the whole folder.
    const addedByName = uniquesAddedByName(migrations.map((m) => m.sql))
    reconstructV1States(v1Json).forEach((state, i) => {
      if (!state) return
      if ('problem' in state)
        files[i] = { ...files[i], problem: { message: `drizzle-kit 1.x snapshot cannot be rebuilt: ${state.problem}` } }
      else files[i] = { ...files[i], v1: { ddl: state.ddl, uniquesAddedByName: addedByName } }
    })
  }
  return files
}

/** Stable text of a JSON value with empty/false/undefined members dropped (older snapshots omit them). */
export function canonical(value: unknown): string {
  const clean = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(clean)
    if (v && typeof v === 'object') {
      const out: Record<string, unknown> = {}
      for (const key of Object.keys(v as object).sort()) {
        const inner = clean((v as Record<string, unknown>)[key])
        // `default: false` is a value (boolean columns), not an omitted flag.
        if (inner === undefined || inner === null || (inner === false && key !== 'default')) continue
        if (typeof inner === 'object' && !Array.isArray(inner) && Object.keys(inner as object).length === 0) continue
        if (Array.isArray(inner) && inner.length === 0) continue
        out[key] = inner
      }
      return out
    }
    return v
  }
  return JSON.stringify(clean(value))
}

type Named = Record<string, { name: string }>

/** A changed object's definition: what the snapshot has, then what the schema declares. */
const changed = (before: unknown, after: unknown): string => `${canonical(before)} -> ${canonical(after)}`

function diffNamed(
  kind: string,
  where: string,
  before: Named | undefined,
  after: Named | undefined,
  extra: Omit<SnapshotChange, 'description'>
): SnapshotChange[] {
  const out: SnapshotChange[] = []
  const b = before ?? {}
  const a = after ?? {}
  for (const key of Object.keys(a)) {
    if (!(key in b))
      out.push({
        ...extra,
        name: a[key].name,
        description: `${kind} ${a[key].name} added to ${where}`,
        definition: canonical(a[key])
      })
    else if (canonical(a[key]) !== canonical(b[key]))
      out.push({
        ...extra,
        name: a[key].name,
        description: `${kind} ${a[key].name} on ${where} changed`,
        definition: changed(b[key], a[key])
      })
  }
  for (const key of Object.keys(b))
    if (!(key in a))
      out.push({
        ...extra,
        name: b[key].name,
        description: `${kind} ${b[key].name} removed from ${where}`,
        definition: canonical(b[key])
      })
  return out
}

/** What `drizzle-kit generate` would see between the last snapshot and the schema. */
export function compareSnapshots(last: PgSnapshot, schema: PgSnapshot): SnapshotComparison {
  const changes: SnapshotChange[] = []
  const possibleRenames: string[] = []
  const addedTables = Object.keys(schema.tables).filter((k) => !(k in last.tables))
  const removedTables = Object.keys(last.tables).filter((k) => !(k in schema.tables))
  for (const key of addedTables)
    changes.push({
      schema: schema.tables[key].schema || 'public',
      table: schema.tables[key].name,
      description: `table ${key} added`,
      definition: canonical(schema.tables[key])
    })
  for (const key of removedTables)
    changes.push({
      schema: last.tables[key].schema || 'public',
      table: last.tables[key].name,
      description: `table ${key} removed`,
      definition: canonical(last.tables[key])
    })
  if (addedTables.length && removedTables.length)
    possibleRenames.push(`tables ${removedTables.join(', ')} -> ${addedTables.join(', ')}`)

  for (const key of Object.keys(schema.tables)) {
    const after = schema.tables[key]
    const before = last.tables[key]
    if (!before) continue
    const where = { schema: after.schema || 'public', table: after.name }
    const added = Object.keys(after.columns).filter((c) => !(c in before.columns))
    const removed = Object.keys(before.columns).filter((c) => !(c in after.columns))
    for (const c of added)
      changes.push({
        ...where,
        column: c,
        description: `column ${after.name}.${c} added`,
        definition: canonical(after.columns[c])
      })
    for (const c of removed)
      changes.push({
        ...where,
        column: c,
        description: `column ${after.name}.${c} removed`,
        definition: canonical(before.columns[c])
      })
    if (added.length && removed.length)
      possibleRenames.push(`columns of ${key}: ${removed.join(', ')} -> ${added.join(', ')}`)
    for (const c of Object.keys(after.columns)) {
      if (c in before.columns && canonical(after.columns[c]) !== canonical(before.columns[c])) {
        changes.push({
          ...where,
          column: c,
          description: `column ${after.name}.${c} changed`,
          definition: changed(before.columns[c], after.columns[c])
        })
      }
    }
    changes.push(...tableParts(before, after, key, where))
  }
  const enumChanges = diffNamed('enum', 'the schema', last.enums as Named, schema.enums as Named, {})
  changes.push(...enumChanges)
  if (
    enumChanges.some((c) => c.description.includes(' added')) &&
    enumChanges.some((c) => c.description.includes(' removed'))
  )
    possibleRenames.push('enums')
  const addedSchemas = Object.keys(schema.schemas ?? {}).filter((s) => !(s in (last.schemas ?? {})))
  const removedSchemas = Object.keys(last.schemas ?? {}).filter((s) => !(s in (schema.schemas ?? {})))
  for (const s of addedSchemas) changes.push({ name: s, description: `schema ${s} added` })
  for (const s of removedSchemas) changes.push({ name: s, description: `schema ${s} removed` })
  if (addedSchemas.length && removedSchemas.length) possibleRenames.push('schemas')
  const seqChanges = diffNamed('sequence', 'the schema', last.sequences as Named, schema.sequences as Named, {})
  changes.push(...seqChanges)
  if (
    seqChanges.some((c) => c.description.includes(' added')) &&
    seqChanges.some((c) => c.description.includes(' removed'))
  )
    possibleRenames.push('sequences')
  const viewChanges = diffNamed('view', 'the schema', last.views as Named, schema.views as Named, {})
  changes.push(...viewChanges)
  if (
    viewChanges.some((c) => c.description.includes(' added')) &&
    viewChanges.some((c) => c.description.includes(' removed'))
  )
    possibleRenames.push('views')
  return { changes, possibleRenames }
}

function tableParts(
  before: SnapshotTable,
  after: SnapshotTable,
  key: string,
  where: { schema: string; table: string }
): SnapshotChange[] {
  return [
    ...diffNamed('index', key, before.indexes as Named, after.indexes as Named, where),
    ...diffNamed('foreign key', key, before.foreignKeys as Named, after.foreignKeys as Named, where),
    ...diffNamed('primary key', key, before.compositePrimaryKeys as Named, after.compositePrimaryKeys as Named, where),
    ...diffNamed('unique constraint', key, before.uniqueConstraints as Named, after.uniqueConstraints as Named, where),
    ...diffNamed('check constraint', key, before.checkConstraints as Named, after.checkConstraints as Named, where),
    ...diffNamed('policy', key, before.policies as Named, after.policies as Named, where),
    ...(Boolean(before.isRLSEnabled) !== Boolean(after.isRLSEnabled)
      ? [{ ...where, description: `row level security on ${key} ${after.isRLSEnabled ? 'enabled' : 'disabled'}` }]
      : [])
  ]
}

/** Whether a snapshot declares an object. `what` follows the finding's fields. */
export function snapshotDeclares(
  snapshot: PgSnapshot,
  what: { schema: string; table?: string; column?: string; name?: string; kind: string }
): boolean {
  const tableKey = what.table ? `${what.schema}.${what.table}` : undefined
  if (what.kind.endsWith('_enum') || what.kind === 'enum_mismatch')
    return Object.values(snapshot.enums ?? {}).some(
      (e) => (e.schema || 'public') === what.schema && e.name === what.name
    )
  if (what.kind.endsWith('_schema')) return what.name !== undefined && what.name in (snapshot.schemas ?? {})
  if (what.kind.endsWith('_sequence'))
    return Object.values(snapshot.sequences ?? {}).some(
      (s) => (s.schema || 'public') === what.schema && s.name === what.name
    )
  if (what.kind.endsWith('_view') || what.kind === 'view_mismatch')
    return Object.values(snapshot.views ?? {}).some(
      (v) => (v.schema || 'public') === what.schema && v.name === what.name
    )
  if (!tableKey) return false
  const table = snapshot.tables[tableKey]
  if (!table) return false
  if (what.column) return what.column in table.columns
  if (what.kind.endsWith('_table')) return true
  if (what.name) {
    const names = [
      ...Object.keys(table.indexes ?? {}),
      ...Object.keys(table.foreignKeys ?? {}),
      ...Object.keys(table.compositePrimaryKeys ?? {}),
      ...Object.keys(table.uniqueConstraints ?? {}),
      ...Object.keys(table.checkConstraints ?? {}),
      ...Object.keys(table.policies ?? {}),
      ...Object.values(table.columns)
        .filter((c) => c.isUnique && c.uniqueName)
        .map((c) => c.uniqueName as string)
    ]
    // The database holds the cut names; the snapshot, the full ones.
    return names.some((n) => truncateIdentifier(n) === what.name)
  }
  return true
}

export interface IdentifierCollision {
  schema: string
  table?: string
  names: string[]
  cut: string
  what: 'relation' | 'constraint'
}

/**
 * Names that Postgres cuts to the same 63 bytes: indexes (and the indexes behind primary keys and unique
 * constraints) share one namespace per schema; constraints one per table. One of the two silently does not exist,
 * or its CREATE fails.
 */
export function identifierCollisions(snapshot: PgSnapshot): IdentifierCollision[] {
  const out: IdentifierCollision[] = []
  const relations = new Map<string, Map<string, Set<string>>>()
  const addRelation = (schema: string, name: string): void => {
    const bySchema = relations.get(schema) ?? new Map<string, Set<string>>()
    relations.set(schema, bySchema)
    const cut = truncateIdentifier(name)
    bySchema.set(cut, (bySchema.get(cut) ?? new Set()).add(name))
  }
  for (const table of Object.values(snapshot.tables)) {
    const schema = table.schema || 'public'
    addRelation(schema, table.name)
    for (const i of Object.values(table.indexes ?? {})) addRelation(schema, i.name)
    const constraints = new Map<string, Set<string>>()
    const addConstraint = (name: string): void => {
      const cut = truncateIdentifier(name)
      constraints.set(cut, (constraints.get(cut) ?? new Set()).add(name))
    }
    for (const c of [
      ...Object.values(table.foreignKeys ?? {}),
      ...Object.values(table.checkConstraints ?? {}),
      ...Object.values(table.uniqueConstraints ?? {}),
      ...Object.values(table.compositePrimaryKeys ?? {})
    ])
      addConstraint(c.name)
    for (const u of [
      ...Object.values(table.uniqueConstraints ?? {}),
      ...Object.values(table.compositePrimaryKeys ?? {})
    ])
      addRelation(schema, u.name)
    for (const [cut, names] of constraints)
      if (names.size > 1) out.push({ schema, table: table.name, names: [...names], cut, what: 'constraint' })
  }
  for (const s of Object.values(snapshot.sequences ?? {})) addRelation(s.schema || 'public', s.name)
  for (const [schema, byCut] of relations)
    for (const [cut, names] of byCut) if (names.size > 1) out.push({ schema, names: [...names], cut, what: 'relation' })
  return out
}
