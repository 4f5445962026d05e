// diff(expected, actual): what the schema's database has that the migrated one lacks, and the reverse.
// Both models come from the same catalog queries, so equal objects print identically; differences are real.
import { FindingKind } from '../core/findings'
import { ConstraintModel, DatabaseModel, IndexModel, TableModel } from '../model/types'
import { quoteIdentifierIfNeeded } from '../sql/identifiers'

export interface SchemaDifference {
  kind: FindingKind
  schema: string
  table?: string
  column?: string
  /** Index, constraint, enum, sequence, view or policy name. */
  name?: string
  /** Columns an index or constraint is on (to find its declaration). */
  columns?: string[]
  /** What a constraint is (an exclusion constraint cannot be declared with drizzle). */
  constraintKind?: ConstraintModel['kind']
  /** What the schema says and what the database has, in Postgres's words. */
  expected?: string
  actual?: string
  /** Column type, for comparing defaults by value. */
  type?: string
  message: string
  hint?: string
}

export interface DiffOptions {
  /** Schemas that exist for bookkeeping only (the migrations schema): never reported as extra. */
  ignoreSchemas: string[]
}

const CONSTRAINT_LABEL: Record<ConstraintModel['kind'], string> = {
  primary_key: 'primary key',
  unique: 'unique constraint',
  foreign_key: 'foreign key',
  check: 'check constraint',
  exclusion: 'exclusion constraint'
}

export function diffSchemas(expected: DatabaseModel, actual: DatabaseModel, options: DiffOptions): SchemaDifference[] {
  const out: SchemaDifference[] = []

  for (const schema of expected.schemas) {
    if (!actual.schemas.has(schema))
      out.push({ kind: 'missing_schema', schema, name: schema, message: `schema "${schema}" does not exist` })
  }
  for (const schema of actual.schemas) {
    if (expected.schemas.has(schema) || schema === 'public' || options.ignoreSchemas.includes(schema)) continue
    out.push({
      kind: 'extra_schema',
      schema,
      name: schema,
      message: `schema "${schema}" is not declared in the schema`
    })
  }

  for (const [key, e] of expected.enums) {
    const a = actual.enums.get(key)
    if (!a) {
      out.push({
        kind: 'missing_enum',
        schema: e.schema,
        name: e.name,
        expected: e.values.join(', '),
        message: `enum ${label(e.schema, e.name)} does not exist`
      })
      continue
    }
    if (e.values.join('\u0000') !== a.values.join('\u0000')) {
      const missing = e.values.filter((v) => !a.values.includes(v))
      const extra = a.values.filter((v) => !e.values.includes(v))
      const sameSet = missing.length === 0 && extra.length === 0
      const parts = sameSet
        ? [`same values in another order: schema (${e.values.join(', ')}), database (${a.values.join(', ')})`]
        : [
            missing.length ? `missing value(s) ${missing.map((v) => `'${v}'`).join(', ')}` : '',
            extra.length ? `extra value(s) ${extra.map((v) => `'${v}'`).join(', ')}` : ''
          ].filter(Boolean)
      out.push({
        kind: 'enum_mismatch',
        schema: e.schema,
        name: e.name,
        expected: e.values.join(', '),
        actual: a.values.join(', '),
        message: `enum ${label(e.schema, e.name)}: ${parts.join('; ')}`,
        // Without the SQL's history (explain.ts traces it), assume each value was appended in the database's order.
        hint: sameSet
          ? enumOrderHint(
              label(e.schema, e.name),
              misplacedEnumValues(
                e.values,
                a.values.map((value, i) => ({ value, order: a.values.slice(0, i + 1) }))
              )
            )
          : undefined
      })
    }
  }
  for (const [key, a] of actual.enums) {
    if (!expected.enums.has(key))
      out.push({
        kind: 'extra_enum',
        schema: a.schema,
        name: a.name,
        actual: a.values.join(', '),
        message: `enum ${label(a.schema, a.name)} is not declared in the schema`
      })
  }

  for (const [key, e] of expected.sequences) {
    const a = actual.sequences.get(key)
    if (!a)
      out.push({
        kind: 'missing_sequence',
        schema: e.schema,
        name: e.name,
        expected: e.definition,
        message: `sequence ${label(e.schema, e.name)} does not exist`
      })
  }
  for (const [key, a] of actual.sequences) {
    if (!expected.sequences.has(key))
      out.push({
        kind: 'extra_sequence',
        schema: a.schema,
        name: a.name,
        actual: a.definition,
        message: `sequence ${label(a.schema, a.name)} is not declared in the schema`
      })
  }

  for (const [key, e] of expected.views) {
    const a = actual.views.get(key)
    if (!a)
      out.push({
        kind: 'missing_view',
        schema: e.schema,
        name: e.name,
        message: `view ${label(e.schema, e.name)} does not exist`
      })
    else if (a.definition !== e.definition || a.materialized !== e.materialized) {
      out.push({
        kind: 'view_mismatch',
        schema: e.schema,
        name: e.name,
        expected: e.definition,
        actual: a.definition,
        message: `view ${label(e.schema, e.name)} has another definition`
      })
    }
  }
  for (const [key, a] of actual.views) {
    if (!expected.views.has(key))
      out.push({
        kind: 'extra_view',
        schema: a.schema,
        name: a.name,
        message: `view ${label(a.schema, a.name)} is not declared in the schema`
      })
  }

  const missingTables: TableModel[] = []
  const extraTables: TableModel[] = []
  for (const [key, e] of expected.tables) {
    const a = actual.tables.get(key)
    if (!a) missingTables.push(e)
    else diffTables(e, a, out)
  }
  for (const [key, a] of actual.tables) if (!expected.tables.has(key)) extraTables.push(a)
  for (const e of missingTables) {
    out.push({
      kind: 'missing_table',
      schema: e.schema,
      table: e.name,
      message: `table ${label(e.schema, e.name)} does not exist`,
      hint: renameHint(
        extraTables.filter((a) => a.schema === e.schema).map((a) => a.name),
        e.name,
        'table'
      )
    })
  }
  for (const a of extraTables) {
    out.push({
      kind: 'extra_table',
      schema: a.schema,
      table: a.name,
      message: `table ${label(a.schema, a.name)} is not declared in the schema`
    })
  }
  return out
}

function diffTables(e: TableModel, a: TableModel, out: SchemaDifference[]): void {
  const where = { schema: e.schema, table: e.name }
  const t = label(e.schema, e.name)
  const missingColumns = [...e.columns.values()].filter((c) => !a.columns.has(c.name))
  const extraColumns = [...a.columns.values()].filter((c) => !e.columns.has(c.name))
  for (const c of missingColumns) {
    const sameType = extraColumns.filter((x) => x.type === c.type).map((x) => x.name)
    out.push({
      ...where,
      kind: 'missing_column',
      column: c.name,
      expected: columnSummary(c),
      message: `column ${t}.${quoteName(c.name)} does not exist`,
      hint: renameHint(sameType, c.name, 'column')
    })
  }
  for (const c of extraColumns) {
    out.push({
      ...where,
      kind: 'extra_column',
      column: c.name,
      actual: columnSummary(c),
      message: `column ${t}.${quoteName(c.name)} is not declared in the schema`
    })
  }
  for (const ec of e.columns.values()) {
    const ac = a.columns.get(ec.name)
    if (!ac) continue
    const col = `${t}.${quoteName(ec.name)}`
    if (ec.type !== ac.type) {
      out.push({
        ...where,
        kind: 'column_type_mismatch',
        column: ec.name,
        expected: ec.type,
        actual: ac.type,
        message: `column ${col} is ${ac.type}, the schema says ${ec.type}`
      })
    }
    if (ec.notNull !== ac.notNull) {
      out.push({
        ...where,
        kind: 'column_nullability_mismatch',
        column: ec.name,
        expected: ec.notNull ? 'NOT NULL' : 'NULL',
        actual: ac.notNull ? 'NOT NULL' : 'NULL',
        message: `column ${col} is ${ac.notNull ? 'NOT NULL' : 'nullable'}, the schema says ${ec.notNull ? 'NOT NULL' : 'nullable'}`
      })
    }
    if ((ec.default ?? '') !== (ac.default ?? '')) {
      out.push({
        ...where,
        kind: 'column_default_mismatch',
        column: ec.name,
        type: ec.type,
        expected: ec.default ?? '(none)',
        actual: ac.default ?? '(none)',
        message: `column ${col} defaults to ${ac.default ?? 'nothing'}, the schema says ${ec.default ?? 'no default'}`
      })
    }
    if ((ec.identity ?? '') !== (ac.identity ?? '')) {
      out.push({
        ...where,
        kind: 'column_identity_mismatch',
        column: ec.name,
        expected: ec.identity ? `GENERATED ${ec.identity.toUpperCase()} AS IDENTITY` : '(not identity)',
        actual: ac.identity ? `GENERATED ${ac.identity.toUpperCase()} AS IDENTITY` : '(not identity)',
        message: `column ${col} is ${ac.identity ? `an identity (${ac.identity})` : 'not an identity'}, the schema says ${ec.identity ? `identity (${ec.identity})` : 'not an identity'}`
      })
    }
    if ((ec.generated ?? '') !== (ac.generated ?? '')) {
      out.push({
        ...where,
        kind: 'column_generated_mismatch',
        column: ec.name,
        expected: ec.generated ?? '(not generated)',
        actual: ac.generated ?? '(not generated)',
        message: `column ${col} is generated as ${ac.generated ?? 'nothing'}, the schema says ${ec.generated ?? 'not generated'}`
      })
    }
  }

  diffConstraints(e, a, out)
  diffIndexes(e, a, out)

  if (e.rlsEnabled !== a.rlsEnabled) {
    out.push({
      ...where,
      kind: 'rls_mismatch',
      expected: e.rlsEnabled ? 'enabled' : 'disabled',
      actual: a.rlsEnabled ? 'enabled' : 'disabled',
      message: `row level security on ${t} is ${a.rlsEnabled ? 'enabled' : 'disabled'}, the schema says ${e.rlsEnabled ? 'enabled' : 'disabled'}`
    })
  }
  for (const [name, ep] of e.policies) {
    const ap = a.policies.get(name)
    if (!ap) out.push({ ...where, kind: 'missing_policy', name, message: `policy "${name}" on ${t} does not exist` })
    else if (JSON.stringify(ep) !== JSON.stringify(ap)) {
      out.push({
        ...where,
        kind: 'policy_mismatch',
        name,
        expected: JSON.stringify(ep),
        actual: JSON.stringify(ap),
        message: `policy "${name}" on ${t} differs`
      })
    }
  }
  for (const name of a.policies.keys()) {
    if (!e.policies.has(name))
      out.push({
        ...where,
        kind: 'extra_policy',
        name,
        message: `policy "${name}" on ${t} is not declared in the schema`
      })
  }
}

function diffConstraints(e: TableModel, a: TableModel, out: SchemaDifference[]): void {
  const where = { schema: e.schema, table: e.name }
  const t = label(e.schema, e.name)
  // A table has one primary key; its name depends on how it was declared (users_pkey vs users_id_pk), which
  // Postgres does not care about: compare the columns.
  const ePk = [...e.constraints.values()].find((c) => c.kind === 'primary_key')
  const aPk = [...a.constraints.values()].find((c) => c.kind === 'primary_key')
  if (ePk && !aPk)
    out.push({
      ...where,
      kind: 'missing_constraint',
      name: ePk.name,
      columns: ePk.columns,
      expected: ePk.definition,
      message: `primary key ${ePk.definition} on ${t} does not exist`
    })
  if (!ePk && aPk)
    out.push({
      ...where,
      kind: 'extra_constraint',
      name: aPk.name,
      columns: aPk.columns,
      actual: aPk.definition,
      message: `primary key ${aPk.definition} on ${t} is not declared in the schema`
    })
  if (ePk && aPk && ePk.definition !== aPk.definition) {
    out.push({
      ...where,
      kind: 'constraint_mismatch',
      name: ePk.name,
      columns: ePk.columns,
      expected: ePk.definition,
      actual: aPk.definition,
      message: `primary key on ${t} is ${aPk.definition}, the schema says ${ePk.definition}`
    })
  }

  const eRest = [...e.constraints.values()].filter((c) => c.kind !== 'primary_key')
  const aRest = [...a.constraints.values()].filter((c) => c.kind !== 'primary_key')
  const missing = eRest.filter((c) => !a.constraints.has(c.name) || a.constraints.get(c.name)!.kind === 'primary_key')
  const extra = aRest.filter((c) => !e.constraints.has(c.name) || e.constraints.get(c.name)!.kind === 'primary_key')
  for (const ec of eRest) {
    const ac = a.constraints.get(ec.name)
    if (ac && ac.kind !== 'primary_key' && ac.definition !== ec.definition) {
      out.push({
        ...where,
        kind: 'constraint_mismatch',
        name: ec.name,
        columns: ec.columns,
        expected: ec.definition,
        actual: ac.definition,
        message: `${CONSTRAINT_LABEL[ec.kind]} "${ec.name}" on ${t} is ${ac.definition}, the schema says ${ec.definition}`
      })
    }
  }
  // The same definition under another name: one finding that says so, rather than a missing + extra pair.
  const pairedExtra = new Set<ConstraintModel>()
  for (const ec of missing) {
    const twin = extra.find((x) => !pairedExtra.has(x) && x.kind === ec.kind && x.definition === ec.definition)
    if (twin) {
      pairedExtra.add(twin)
      out.push({
        ...where,
        kind: 'constraint_mismatch',
        name: ec.name,
        columns: ec.columns,
        expected: ec.name,
        actual: twin.name,
        message: `${CONSTRAINT_LABEL[ec.kind]} on ${t} is named "${twin.name}", the schema names it "${ec.name}"`
      })
      continue
    }
    out.push({
      ...where,
      kind: 'missing_constraint',
      name: ec.name,
      columns: ec.columns,
      expected: ec.definition,
      message: `${CONSTRAINT_LABEL[ec.kind]} "${ec.name}" on ${t} does not exist (${ec.definition})`
    })
  }
  for (const ac of extra) {
    if (pairedExtra.has(ac)) continue
    const duplicate = aRest.find(
      (x) => x !== ac && x.kind === ac.kind && x.definition === ac.definition && e.constraints.has(x.name)
    )
    out.push({
      ...where,
      kind: 'extra_constraint',
      name: ac.name,
      columns: ac.columns,
      constraintKind: ac.kind,
      actual: ac.definition,
      message: `${CONSTRAINT_LABEL[ac.kind]} "${ac.name}" on ${t} is not declared in the schema (${ac.definition})${duplicate ? `: it duplicates "${duplicate.name}"` : ''}`
    })
  }
}

function diffIndexes(e: TableModel, a: TableModel, out: SchemaDifference[]): void {
  const where = { schema: e.schema, table: e.name }
  const t = label(e.schema, e.name)
  const missing: IndexModel[] = []
  const extra = [...a.indexes.values()].filter((i) => !e.indexes.has(i.name))
  for (const ei of e.indexes.values()) {
    const ai = a.indexes.get(ei.name)
    if (!ai) missing.push(ei)
    else if (ai.definition !== ei.definition) {
      out.push({
        ...where,
        kind: 'index_mismatch',
        name: ei.name,
        columns: keyColumns(ei),
        expected: ei.definition,
        actual: ai.definition,
        message: `index "${ei.name}" on ${t} is ${ai.definition}, the schema says ${ei.definition}`
      })
    }
  }
  const paired = new Set<IndexModel>()
  for (const ei of missing) {
    const twin = extra.find((x) => !paired.has(x) && x.definition === ei.definition)
    if (twin) {
      paired.add(twin)
      out.push({
        ...where,
        kind: 'index_mismatch',
        name: ei.name,
        columns: keyColumns(ei),
        expected: ei.name,
        actual: twin.name,
        message: `index on ${t} is named "${twin.name}", the schema names it "${ei.name}"`
      })
      continue
    }
    out.push({
      ...where,
      kind: 'missing_index',
      name: ei.name,
      columns: keyColumns(ei),
      expected: ei.definition,
      message: `index "${ei.name}" on ${t} does not exist (${ei.definition})`
    })
  }
  for (const ai of extra) {
    if (paired.has(ai)) continue
    out.push({
      ...where,
      kind: 'extra_index',
      name: ai.name,
      columns: keyColumns(ai),
      actual: ai.definition,
      message: `index "${ai.name}" on ${t} is not declared in the schema (${ai.definition})`
    })
  }
}

function keyColumns(index: IndexModel): string[] {
  return index.keys.map((k) => k.replace(/^"|"$/g, '').split(' ')[0]).filter((k) => /^[\w$]+$/.test(k))
}

function columnSummary(c: { type: string; notNull: boolean; default?: string; identity?: string }): string {
  return [
    c.type,
    c.notNull ? 'NOT NULL' : '',
    c.default ? `DEFAULT ${c.default}` : '',
    c.identity ? `GENERATED ${c.identity.toUpperCase()} AS IDENTITY` : ''
  ]
    .filter(Boolean)
    .join(' ')
}

function renameHint(candidates: string[], name: string, what: string): string | undefined {
  if (candidates.length === 0) return undefined
  return `if ${candidates.map((c) => `"${c}"`).join(' or ')} was renamed to "${name}", the migration that renames the ${what} is missing (drizzle-kit asks about renames interactively; this check never guesses)`
}

/** The type's values just after `value` was added to it (in the type's order). */
export interface EnumValueAddition {
  value: string
  /** The type's values right after it was added. */
  order: string[]
  /** The ADD VALUE's BEFORE/AFTER neighbour; none: appended. */
  placement?: { before: string } | { after: string }
}

export interface MisplacedEnumValue {
  value: string
  /** The value it was placed right after in the type (undefined: placed first). */
  after?: string
  /** The ADD VALUE clause that would have put it where the schema has it, among the values that existed then. */
  clause: string
}

const literal = (v: string): string => `'${v.replace(/'/g, "''")}'`

/**
 * The added values that did not land where the schema has them. Each addition is replayed on the type as it would
 * be had every value misplaced before it gone where the schema has it: a value that its own statement put in the
 * schema's place there is not blamed for an earlier value's misplacement ('c' BEFORE 'z' after 'b' was appended
 * after 'z'). A value is in place when the values before it are the ones before it in the schema; the fix names a
 * neighbour that existed at that time: the next schema value (BEFORE), or else the previous one (AFTER).
 */
export function misplacedEnumValues(schemaValues: string[], additions: EnumValueAddition[]): MisplacedEnumValue[] {
  const out: MisplacedEnumValue[] = []
  let replayed: string[] | undefined
  for (const { value, order, placement } of additions) {
    const existing = order.filter((v) => v !== value)
    // Values that reached the type without an addition here (the CREATE TYPE's): where the type has them.
    replayed = (replayed ?? []).filter((v) => existing.includes(v) && v !== value)
    for (const v of existing) {
      if (replayed.includes(v)) continue
      const previous = existing
        .slice(0, existing.indexOf(v))
        .reverse()
        .find((p) => replayed!.includes(p))
      replayed.splice(previous === undefined ? 0 : replayed.indexOf(previous) + 1, 0, v)
    }
    const neighbour = placement && ('before' in placement ? placement.before : placement.after)
    const at =
      neighbour !== undefined && replayed.includes(neighbour)
        ? replayed.indexOf(neighbour) + (placement && 'after' in placement ? 1 : 0)
        : replayed.length
    const rank = schemaValues.indexOf(value)
    const inSchema = replayed.filter((v) => schemaValues.includes(v))
    const beforeInType = new Set(replayed.slice(0, at).filter((v) => schemaValues.includes(v)))
    const beforeInSchema = inSchema.filter((v) => schemaValues.indexOf(v) < rank)
    if (rank < 0 || (beforeInSchema.length === beforeInType.size && beforeInSchema.every((v) => beforeInType.has(v)))) {
      replayed.splice(at, 0, value)
      continue
    }
    const next = schemaValues.slice(rank + 1).find((v) => inSchema.includes(v))
    const previous = [...schemaValues.slice(0, rank)].reverse().find((v) => inSchema.includes(v))
    const clause =
      next !== undefined
        ? `ADD VALUE ${literal(value)} BEFORE ${literal(next)}`
        : `ADD VALUE ${literal(value)} AFTER ${literal(previous!)}`
    const actual = order.indexOf(value)
    out.push({ value, ...(actual > 0 ? { after: order[actual - 1] } : {}), clause })
    replayed.splice(next !== undefined ? replayed.indexOf(next) : replayed.indexOf(previous!) + 1, 0, value)
  }
  return out
}

export function enumOrderHint(name: string, misplaced: MisplacedEnumValue[]): string {
  // ALTER TYPE … ADD VALUE appends unless BEFORE/AFTER is given: say where each misplaced value should have gone.
  const statements = misplaced.length
    ? `ALTER TYPE ${name} ${misplaced.map((m) => m.clause).join(', ')}`
    : 'ADD VALUE … BEFORE/AFTER'
  return `Postgres keeps enum values in the order they were added; ${statements} would have kept the schema's order. Recreate the type to reorder it.`
}

function label(schema: string, name: string): string {
  return schema === 'public' ? quoteName(name) : `${quoteName(schema)}.${quoteName(name)}`
}

const quoteName = quoteIdentifierIfNeeded
