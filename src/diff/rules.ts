// What happens to the differences after the diff, in one ordered list of steps: each filter or policy is a
// `(differences, context) => differences` step, so that a new one (the baseline, say) is one more entry here and not
// a special case in the orchestration.
import { FindingKind } from '../core/findings'
import { DatabaseModel } from '../model/types'
import { Database } from '../postgres/provider'
import { UnbuiltObject } from '../schema/build-statements'
import { StatementObject, describeStatementObject } from '../sql/objects'
import { DiffOptions, SchemaDifference, diffSchemas } from './diff-schemas'

/**
 * Differences about objects that were not built in the schema's database (already reported as schema_error) left
 * out. With the database compared (`actual`), an object whose statement failed only for want of what the platform
 * provides is still looked for by name: one the database lacks altogether is reported as missing, since that is
 * drift whatever its definition (a policy that no migration creates).
 */
export function withoutUnbuilt(
  differences: SchemaDifference[],
  unbuilt: UnbuiltObject[],
  actual?: DatabaseModel
): SchemaDifference[] {
  if (unbuilt.length === 0) return differences
  const kept = differences.filter(
    (d) =>
      !unbuilt.some((u) => {
        if (u.schema !== d.schema) return false
        if (u.column !== undefined) return d.table === u.table && d.column === u.column
        if (!u.name) return u.table !== undefined && d.table === u.table
        return d.name === u.name && (u.table === undefined || d.table === u.table)
      })
  )
  if (!actual) return kept
  return [...kept, ...unbuilt.flatMap((u) => (u.byName && u.column === undefined ? missingByName(u, actual) : []))]
}

const MISSING_KIND: Partial<Record<StatementObject['what'], FindingKind>> = {
  table: 'missing_table',
  index: 'missing_index',
  constraint: 'missing_constraint',
  policy: 'missing_policy',
  enum: 'missing_enum',
  sequence: 'missing_sequence',
  view: 'missing_view'
}

function missingByName(object: UnbuiltObject, actual: DatabaseModel): SchemaDifference[] {
  const kind = MISSING_KIND[object.what]
  if (!kind) return []
  const key = (name: string): string => `${object.schema}.${name}`
  let present: boolean
  if (object.what === 'table') present = actual.tables.has(key(object.table!))
  else if (object.table !== undefined) {
    const table = actual.tables.get(key(object.table))
    // A table the database lacks is its own finding (missing_table); what is on it goes with it.
    if (!table) return []
    const group =
      object.what === 'index' ? table.indexes : object.what === 'policy' ? table.policies : table.constraints
    present = group.has(object.name!)
  } else {
    const group = object.what === 'enum' ? actual.enums : object.what === 'sequence' ? actual.sequences : actual.views
    present = group.has(key(object.name!))
  }
  if (present) return []
  return [
    {
      kind,
      schema: object.schema,
      ...(object.table !== undefined ? { table: object.table } : {}),
      ...(object.name !== undefined ? { name: object.name } : {}),
      message: `${describeStatementObject(object)} does not exist (compared by name only: drizzle-kit's SQL for it fails on this Postgres, see its schema_error)`
    }
  ]
}

/**
 * Defaults written differently but equal in value (`ARRAY[]::text[]` and `'{}'::text[]`, `CURRENT_TIMESTAMP` and
 * `now()`, casts) are not drift: Postgres evaluates both in the database being checked. Expressions with side
 * effects or a different value per call (nextval, random, gen_random_uuid) are never evaluated.
 */
export async function withoutEqualDefaults(db: Database, differences: SchemaDifference[]): Promise<SchemaDifference[]> {
  const kept: SchemaDifference[] = []
  for (const d of differences) {
    if (
      d.kind !== 'column_default_mismatch' ||
      !d.expected ||
      !d.actual ||
      d.expected === '(none)' ||
      d.actual === '(none)' ||
      !d.type
    ) {
      kept.push(d)
      continue
    }
    if (/nextval|random|uuid|clock_timestamp|timeofday|currval|setval/i.test(d.expected + d.actual)) {
      kept.push(d)
      continue
    }
    try {
      const [row] = await db.query<{ same: boolean }>(
        `select (${d.expected})::${d.type} is not distinct from (${d.actual})::${d.type} as same`
      )
      if (!row?.same) kept.push(d)
    } catch {
      kept.push(d)
    }
  }
  return kept
}

/** What the steps may look at: the migrated database (live, for defaults compared by value) and the schema's build. */
export interface DifferenceContext {
  /** The migrated database's session, still open. */
  database: Database
  /** Its model, as introspected. */
  actual: DatabaseModel
  /** Objects of the schema that could not be built (reported as schema_error). */
  unbuilt: UnbuiltObject[]
}

export type DifferenceRule = (
  differences: SchemaDifference[],
  context: DifferenceContext
) => SchemaDifference[] | Promise<SchemaDifference[]>

/** The steps, in order: what is not drift of the migrations leaves before anything is explained. */
export const DIFFERENCE_RULES: readonly DifferenceRule[] = [
  (differences, { unbuilt, actual }) => withoutUnbuilt(differences, unbuilt, actual),
  (differences, { database }) => withoutEqualDefaults(database, differences)
]

/** The differences between the schema's database and a migrated one, through every rule. */
export async function compareDatabases(
  expected: DatabaseModel,
  context: DifferenceContext,
  options: DiffOptions
): Promise<SchemaDifference[]> {
  let differences = diffSchemas(expected, context.actual, options)
  for (const rule of DIFFERENCE_RULES) differences = await rule(differences, context)
  return differences
}
