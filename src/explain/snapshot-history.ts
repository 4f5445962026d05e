// The snapshot history as the causes ask of it: which snapshots record an object, what they recorded, when it
// appeared or went away. Both drizzle-kit generations (0.x version 7, 1.x ddl) answer through RecordedSnapshot.
import { truncateIdentifier } from '../sql/identifiers'
import { Migration } from '../migrations/folder'
import { PgSnapshot } from '../schema/drizzle-kit'
import { SchemaDifference } from '../diff/diff-schemas'
import { postgresObjectName } from '../schema/kit1-names'
import { SnapshotFile, canonical, snapshotDeclares } from './snapshots'
import { NormModel, normEntry, normaliseDdl, normaliseV7 } from './snapshot-v1'
import { ExplainContext } from './context'
import { objectHistory } from './object-history'

/**
 * A table's object under the names its table had when a migration's snapshot was taken: the renames and moves to
 * another schema (ALTER TABLE … RENAME TO / SET SCHEMA) of later migrations undone, so the history follows the table.
 */
export function asItWas(ctx: ExplainContext, d: SchemaDifference, at: Migration): SchemaDifference {
  if (!d.table) return d
  const position = ctx.migrations.indexOf(at)
  let [schema, table] = [d.schema, d.table]
  for (const move of [...objectHistory(ctx.root, ctx.migrations).tableMoves].reverse()) {
    if (ctx.migrations.indexOf(move.migration) <= position) break
    if (move.to.schema === schema && move.to.table === table) [schema, table] = [move.from.schema, move.from.table]
  }
  return schema === d.schema && table === d.table ? d : { ...d, schema, table }
}

/**
 * One recorded snapshot, whichever drizzle-kit wrote it (0.x version 7, or 1.x's ddl), as the causes ask of it:
 * does it declare an object, and what did it record for it (comparable with the schema's own record).
 */
export interface RecordedSnapshot {
  migration: Migration
  declares(d: SchemaDifference): boolean
  entry(d: SchemaDifference): string | undefined
  /** The schema's record of the same object, in this snapshot's form. */
  schemaEntry(d: SchemaDifference): string | undefined
  /** The snapshot's id and the ids it was generated on top of (0.x snapshots; unknown for 1.x). */
  id?: string
  prevIds?: string[]
}

const recordedCache = new WeakMap<SnapshotFile[], RecordedSnapshot[]>()

export function recordedSnapshots(ctx: Pick<ExplainContext, 'snapshots' | 'schemaSnapshot'>): RecordedSnapshot[] {
  const cached = recordedCache.get(ctx.snapshots)
  if (cached) return cached
  let schemaNorm: NormModel | undefined
  const recorded: RecordedSnapshot[] = []
  for (const s of ctx.snapshots) {
    if (s.snapshot) {
      const snapshot = s.snapshot
      recorded.push({
        migration: s.migration,
        ...(typeof snapshot.id === 'string' ? { id: snapshot.id } : {}),
        ...(typeof snapshot.prevId === 'string' ? { prevIds: [snapshot.prevId] } : {}),
        declares: (d) => snapshotDeclares(snapshot, d),
        entry: (d) => canonical(snapshotEntry(snapshot, d)),
        schemaEntry: (d) => canonical(snapshotEntry(ctx.schemaSnapshot, d))
      })
    } else if (s.v1) {
      const model = normaliseDdl(s.v1)
      recorded.push({
        migration: s.migration,
        declares: (d) => normEntry(model, d) !== undefined,
        entry: (d) => normEntry(model, d),
        schemaEntry: (d) => normEntry((schemaNorm ??= normaliseV7(ctx.schemaSnapshot)), d)
      })
    }
  }
  recordedCache.set(ctx.snapshots, recorded)
  return recorded
}

/**
 * The schema's record of a column, constraint, index or policy differs from the last snapshot's: the schema changed
 * and no migration was generated. A named object counts only when the snapshot records it (by the name the database
 * has) and differently, so drizzle-kit's own SQL for an unchanged object is never blamed this way.
 */
export function changedAfterSnapshot(latest: RecordedSnapshot, d: SchemaDifference): boolean {
  if (!d.table) return false
  if (d.column) return latest.schemaEntry(d) !== latest.entry(d)
  if (!d.name) return false
  const recorded = latest.entry(d)
  const schema = latest.schemaEntry(d)
  return recorded !== undefined && schema !== undefined && recorded !== schema
}

/** The migration whose snapshot dropped an object that earlier snapshots have (the last time it was dropped). */
export function removedIn(ctx: ExplainContext, d: SchemaDifference): Migration | undefined {
  let removal: Migration | undefined
  let had = false
  for (const s of recordedSnapshots(ctx)) {
    if (s.declares(asItWas(ctx, d, s.migration))) {
      had = true
      removal = undefined
    } else if (had) removal ??= s.migration
  }
  return removal
}

/** The migration whose snapshot first records the object as the last snapshot has it. */
export function introducedBy(ctx: ExplainContext, d: SchemaDifference): Migration | undefined {
  const recorded = recordedSnapshots(ctx)
  if (recorded.length === 0) return undefined
  const last = recorded[recorded.length - 1].entry(d)
  let first: Migration | undefined
  for (let i = recorded.length - 1; i >= 0 && recorded[i].entry(d) === last; i--) first = recorded[i].migration
  return first
}

function snapshotEntry(snapshot: PgSnapshot, d: SchemaDifference): unknown {
  const bySchemaAndName = (v: { name: string; schema: string }): boolean =>
    (v.schema || 'public') === d.schema && v.name === d.name
  if (d.kind === 'enum_mismatch') return Object.values(snapshot.enums ?? {}).find(bySchemaAndName)
  if (d.kind === 'view_mismatch') return Object.values(snapshot.views ?? {}).find(bySchemaAndName)
  const table = d.table ? snapshot.tables[`${d.schema}.${d.table}`] : undefined
  if (!table || d.column) return table?.columns[d.column!]
  if (!d.name) return table
  // The database holds names cut to 63 bytes, the snapshot the full ones; two full names cut alike are ambiguous.
  const found: unknown[] = []
  for (const group of [
    table.indexes,
    table.foreignKeys,
    table.compositePrimaryKeys,
    table.uniqueConstraints,
    table.checkConstraints,
    table.policies
  ]) {
    for (const [name, entry] of Object.entries(group ?? {})) if (truncateIdentifier(name) === d.name) found.push(entry)
  }
  // A column's own `.unique()` and `.primaryKey()` are recorded on the column.
  for (const c of Object.values(table.columns))
    if (c.isUnique && c.uniqueName && truncateIdentifier(c.uniqueName) === d.name)
      found.push({ unique: [c.name], nullsNotDistinct: c.nullsNotDistinct })
  const pkColumns = Object.values(table.columns)
    .filter((c) => c.primaryKey)
    .map((c) => c.name)
  if (pkColumns.length > 0 && postgresObjectName(table.name, undefined, 'pkey') === d.name)
    found.push({ primaryKey: pkColumns })
  return found.length === 1 ? found[0] : undefined
}
