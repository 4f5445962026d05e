// drizzle-kit 1.x's snapshots (v1 folders: <timestamp>_<name>/snapshot.json) against the schema. 1.x writes a flat
// `ddl` list of entities (version 8: the whole state in every snapshot; version 9: a "base" state in the first one
// and "diff" snapshots with `deltas` after it, rebuilt along `prevIds`). The schema is serialised by the bundled 0.31
// (a version 7 snapshot), so both are brought to one normalised form before they are compared: names as the
// database has them, types without spaces or array suffixes, defaults without trailing casts, expressions without
// table qualifiers, actions in capitals, flags Postgres implies (NOT NULL of a primary key, RLS of a table with
// policies) made explicit.
import { PgSnapshot } from '../schema/drizzle-kit'
import type { DdlEntity, SnapshotChange, SnapshotComparison, V1Snapshot } from './snapshot-types'
import { NormModel, NormTable, PART_KINDS } from './snapshot-norm'
import { normaliseDdl, normaliseV7 } from './normalise'

export { normaliseDdl, normaliseV7 } from './normalise'
export type { NormModel } from './snapshot-norm'
export type { DdlEntity, V1Snapshot, V1SnapshotJson } from './snapshot-types'
export { reconstructV1States } from './snapshot-v1-states'

function diffMaps(
  kind: string,
  where: string,
  before: Map<string, string>,
  after: Map<string, string>,
  extra: Omit<SnapshotChange, 'description'>
): SnapshotChange[] {
  const out: SnapshotChange[] = []
  for (const [name, text] of after) {
    if (!before.has(name))
      out.push({
        ...extra,
        name: extra.table ? name : name.split('.').pop(),
        description: `${kind} ${name} added to ${where}`,
        definition: text
      })
    else if (before.get(name) !== text)
      out.push({
        ...extra,
        name: extra.table ? name : name.split('.').pop(),
        description: `${kind} ${name} on ${where} changed`,
        definition: `${before.get(name)} -> ${text}`
      })
  }
  for (const name of before.keys())
    if (!after.has(name))
      out.push({
        ...extra,
        name: extra.table ? name : name.split('.').pop(),
        description: `${kind} ${name} removed from ${where}`,
        definition: before.get(name)
      })
  return out
}

/** What drizzle-kit 1.x generate would see between its last snapshot and the schema, in compareSnapshots' words. */
export function compareV1Snapshot(last: V1Snapshot, schema: PgSnapshot): SnapshotComparison {
  return compareNormalised(normaliseDdl(last), normaliseV7(schema))
}

/** The same, with the schema serialised by drizzle-kit 1.x itself (both sides are 1.x states). */
export function compareV1States(last: V1Snapshot, schema: { ddl: DdlEntity[] }): SnapshotComparison {
  const after = normaliseDdl({ ddl: schema.ddl, uniquesAddedByName: last.uniquesAddedByName })
  return compareNormalised(normaliseDdl(last), after)
}

/** A whole table as stable text: its columns, constraints, indexes, policies and RLS. */
const tableText = (table: NormTable): string =>
  JSON.stringify([table.rls, [...table.columns], [...table.parts].map(([kind, part]) => [kind, [...part]])])

function compareNormalised(before: NormModel, after: NormModel): SnapshotComparison {
  const changes: SnapshotChange[] = []
  const possibleRenames: string[] = []
  const added = [...after.tables.keys()].filter((k) => !before.tables.has(k))
  const removed = [...before.tables.keys()].filter((k) => !after.tables.has(k))
  for (const key of added)
    changes.push({
      schema: after.tables.get(key)!.schema,
      table: after.tables.get(key)!.name,
      description: `table ${key} added`,
      definition: tableText(after.tables.get(key)!)
    })
  for (const key of removed)
    changes.push({
      schema: before.tables.get(key)!.schema,
      table: before.tables.get(key)!.name,
      description: `table ${key} removed`,
      definition: tableText(before.tables.get(key)!)
    })
  if (added.length && removed.length) possibleRenames.push(`tables ${removed.join(', ')} -> ${added.join(', ')}`)
  for (const [key, a] of after.tables) {
    const b = before.tables.get(key)
    if (!b) continue
    const where = { schema: a.schema, table: a.name }
    const addedColumns = [...a.columns.keys()].filter((c) => !b.columns.has(c))
    const removedColumns = [...b.columns.keys()].filter((c) => !a.columns.has(c))
    for (const c of addedColumns)
      changes.push({ ...where, column: c, description: `column ${a.name}.${c} added`, definition: a.columns.get(c) })
    for (const c of removedColumns)
      changes.push({ ...where, column: c, description: `column ${a.name}.${c} removed`, definition: b.columns.get(c) })
    if (addedColumns.length && removedColumns.length)
      possibleRenames.push(`columns of ${key}: ${removedColumns.join(', ')} -> ${addedColumns.join(', ')}`)
    for (const [c, text] of a.columns)
      if (b.columns.has(c) && b.columns.get(c) !== text)
        changes.push({
          ...where,
          column: c,
          description: `column ${a.name}.${c} changed`,
          definition: `${b.columns.get(c)} -> ${text}`
        })
    for (const kind of PART_KINDS) changes.push(...diffMaps(kind, key, b.parts.get(kind)!, a.parts.get(kind)!, where))
    if (a.rls !== b.rls)
      changes.push({ ...where, description: `row level security on ${key} ${a.rls ? 'enabled' : 'disabled'}` })
  }
  for (const [kind, b, a] of [
    ['enum', before.enums, after.enums],
    ['sequence', before.sequences, after.sequences],
    ['view', before.views, after.views]
  ] as const) {
    const found = diffMaps(kind, 'the schema', b, a, {})
    changes.push(...found)
    if (found.some((c) => c.description.includes(' added')) && found.some((c) => c.description.includes(' removed')))
      possibleRenames.push(`${kind}s`)
  }
  const addedSchemas = [...after.schemas].filter((s) => !before.schemas.has(s))
  const removedSchemas = [...before.schemas].filter((s) => !after.schemas.has(s))
  for (const s of addedSchemas) changes.push({ name: s, description: `schema ${s} added` })
  for (const s of removedSchemas) changes.push({ name: s, description: `schema ${s} removed` })
  if (addedSchemas.length && removedSchemas.length) possibleRenames.push('schemas')
  return { changes, possibleRenames }
}

/** The normalised entry of a finding's object (table, column, index, constraint, policy, enum…), for the causes. */
export function normEntry(
  model: NormModel,
  what: { schema: string; table?: string; column?: string; name?: string; kind: string }
): string | undefined {
  const key = (name: string | undefined): string => `${what.schema}.${name ?? ''}`
  if (what.kind.endsWith('_enum') || what.kind === 'enum_mismatch') return model.enums.get(key(what.name))
  if (what.kind.endsWith('_schema'))
    return what.name !== undefined && model.schemas.has(what.name) ? 'schema' : undefined
  if (what.kind.endsWith('_sequence')) return model.sequences.get(key(what.name))
  if (what.kind.endsWith('_view') || what.kind === 'view_mismatch') return model.views.get(key(what.name))
  const table = what.table ? model.tables.get(key(what.table)) : undefined
  if (!table) return undefined
  if (what.column) return table.columns.get(what.column)
  if (what.kind.endsWith('_table') || !what.name) return JSON.stringify([table.rls, [...table.columns]])
  for (const part of table.parts.values()) {
    const found = part.get(what.name)
    if (found !== undefined) return found
  }
  return undefined
}
