// diff(expected, actual): what the schema's database has that the migrated one lacks, and the reverse.
// Both models come from the same catalog queries, so equal objects print identically; differences are real.
import { DatabaseModel, SERIAL_DEFAULT, TableModel } from '../model/types'
import { DiffOptions, SchemaDifference, label, quoteName } from './difference'
import { diffConstraints, diffIndexes } from './diff-table-parts'
import { enumOrderHint, misplacedEnumValues } from './enum-order'

export type { DiffOptions, SchemaDifference } from './difference'
export type { EnumValueAddition, MisplacedEnumValue } from './enum-order'
export { enumOrderHint, misplacedEnumValues } from './enum-order'

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
        message: `column ${col} defaults to ${defaultInWords(ac.default) ?? 'nothing'}, the schema says ${defaultInWords(ec.default) ?? 'no default'}`
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

  // drizzle cannot declare partitioning, so the schema's side is always plain; the columns above are still compared.
  if ((e.partitioning?.key ?? '') !== (a.partitioning?.key ?? '')) {
    out.push({
      ...where,
      kind: 'partitioning_mismatch',
      expected: e.partitioning ? `PARTITION BY ${e.partitioning.key}` : '(not partitioned)',
      actual: a.partitioning ? `PARTITION BY ${a.partitioning.key}` : '(not partitioned)',
      message: a.partitioning
        ? `table ${t} is partitioned (PARTITION BY ${a.partitioning.key}, ${partitionList(a.partitioning.partitions, e.schema)}), the schema declares a plain table`
        : `table ${t} is a plain table, the schema says PARTITION BY ${e.partitioning!.key}`
    })
  }

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

function partitionList(partitions: string[], schema: string): string {
  if (partitions.length === 0) return 'no partitions'
  const names = partitions.map((p) => (p.startsWith(`${schema}.`) ? p.slice(schema.length + 1) : p))
  const shown = names.length > 5 ? [...names.slice(0, 5), `… ${names.length - 5} more`] : names
  return `${partitions.length} partition${partitions.length === 1 ? '' : 's'}: ${shown.join(', ')}`
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

/** A default as a message says it: a serial's is the next value of the column's own sequence (its name is not compared). */
function defaultInWords(value: string | undefined): string | undefined {
  return value === SERIAL_DEFAULT ? "the next value of its own sequence (a serial's default)" : value
}
