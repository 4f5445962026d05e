// One comparable text per object, whichever drizzle-kit generation recorded it: the normal form both
// normaliseV7 (0.x snapshots) and normaliseDdl (1.x snapshots) produce.
import { quoteIdentifier, truncateIdentifier } from '../sql/identifiers'

export interface NormTable {
  schema: string
  name: string
  rls: boolean
  columns: Map<string, string>
  /** kind ("index", "foreign key", …) -> name as the database has it -> definition. */
  parts: Map<string, Map<string, string>>
}

export interface NormModel {
  tables: Map<string, NormTable>
  enums: Map<string, string>
  schemas: Set<string>
  sequences: Map<string, string>
  views: Map<string, string>
}

export const PART_KINDS = [
  'index',
  'foreign key',
  'primary key',
  'unique constraint',
  'check constraint',
  'policy'
] as const

export function newTable(schema: string, name: string, rls: boolean): NormTable {
  return { schema, name, rls, columns: new Map(), parts: new Map(PART_KINDS.map((k) => [k, new Map()])) }
}

/** `numeric(10, 2)` and `numeric(10,2)`: drizzle-kit 1.x writes no space. */
export const normType = (type: string): string =>
  type
    .trim()
    .replace(/\s*,\s*/g, ',')
    .replace(/\s+/g, ' ')
    .toLowerCase()

/** The default without trailing casts (`'{}'::jsonb`, `'a'::"app"."status"`), as drizzle-kit 1.x stores it. */
export function normDefault(value: unknown, dimensions: number): string | null {
  if (value === undefined || value === null) return null
  let text = String(value).trim()
  for (let previous = ''; previous !== text;) {
    previous = text
    text = text
      .replace(
        /::(?:"[^"]+"|[\w]+)(?:\.(?:"[^"]+"|[\w]+))?(?:\s*\([^)]*\))?(?:\s+with(?:out)?\s+time\s+zone)?(?:\s+varying)?(?:\[\d*\])*$/i,
        ''
      )
      .trim()
  }
  if (dimensions > 0) {
    // `'{"a","b"}'` (0.31) and `'{a,b}'` (1.x): the same array literal.
    const m = /^'\{(.*)\}'$/s.exec(text)
    if (m)
      text = `'{${m[1]
        .split(',')
        .map((e) => e.trim().replace(/^"([^"\\{},\s]*)"$/, '$1'))
        .join(',')}}'`
  }
  return text
}

export type TableRef = { schema: string; name: string }

export const quoteIdent = quoteIdentifier

/**
 * An expression without `"schema"."table".` and `"table".` qualifiers: 0.31 writes them in checks, where clauses,
 * generated columns and policies (`"app"."items"."done"` for a table in a pgSchema), 1.x writes the bare column. 0.31
 * always quotes them (its dialect's escapeName), so the unquoted forms are the user's own text, kept on both sides.
 */
export function normExpression(value: unknown, table: TableRef): string | null {
  if (value === undefined || value === null || value === '') return null
  const qualifiers = [
    `${quoteIdent(table.schema || 'public')}.${quoteIdent(table.name)}.`,
    `${quoteIdent(table.name)}.`
  ]
  return qualifiers
    .reduce((text, q) => text.split(q).join(''), String(value))
    .replace(/\s+/g, ' ')
    .trim()
}

export const upper = (value: unknown, fallback: string): string =>
  typeof value === 'string' && value ? value.toUpperCase() : fallback

export const str = (value: unknown): string => (value === undefined || value === null ? '' : String(value))

export function columnText(
  c: {
    type: string
    dimensions: number
    typeSchema?: unknown
    notNull: boolean
    default: unknown
    identity?: unknown
    generated?: unknown
  },
  table: TableRef
): string {
  const identity = c.identity as Record<string, unknown> | null | undefined
  const generated = c.generated as { as?: unknown; type?: unknown } | null | undefined
  return JSON.stringify({
    type: `${c.typeSchema && c.typeSchema !== 'public' ? `${str(c.typeSchema)}.` : ''}${normType(c.type)}${'[]'.repeat(c.dimensions)}`,
    notNull: c.notNull,
    default: normDefault(c.default, c.dimensions),
    identity: identity
      ? [
          identity.type,
          identity.name,
          identity.increment,
          identity.startWith,
          identity.minValue,
          identity.maxValue,
          identity.cache,
          identity.cycle ?? false
        ].map(str)
      : null,
    generated: generated ? normExpression(generated.as, table) : null
  })
}

export const indexText = (
  columns: { value: string; isExpression: boolean; asc: boolean; nullsFirst: boolean; opclass: string }[],
  isUnique: boolean,
  where: string | null,
  method: string,
  withText: string
): string =>
  JSON.stringify({
    columns: columns.map((c) => [c.value, c.isExpression, c.asc, c.nullsFirst, c.opclass]),
    isUnique,
    where,
    method: method || 'btree',
    with: withText
  })

export const cut = truncateIdentifier

/**
 * A view as both generations record it, compared as 0.x's snapshots are (definition and options; unset options are
 * absent, not null). 1.x lists every `with` option, null when unset, and `using` as { name }; 0.31 only the ones
 * given. The definition is drizzle's SQL for the view's query on both sides, without the table qualifiers that one
 * writes and the other may not (as normExpression, for every table of the schema).
 */
export function viewText(
  materialized: unknown,
  definition: unknown,
  withOptions: unknown,
  withNoData: unknown,
  tablespace: unknown,
  using: unknown,
  tables: TableRef[]
): string {
  const options = Object.entries((withOptions ?? {}) as Record<string, unknown>)
    .filter(([, value]) => value !== null && value !== undefined)
    .map(([key, value]) => [key, str(value)])
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
  const usingName = using && typeof using === 'object' ? (using as { name?: unknown }).name : using
  return JSON.stringify({
    materialized: Boolean(materialized),
    definition: withoutQualifiers(str(definition), tables),
    with: options,
    withNoData: Boolean(withNoData),
    tablespace: str(tablespace),
    using: str(usingName)
  })
}

/** The text without the `"schema"."table".` and `"table".` qualifiers of the given tables, whitespace collapsed. */
export function withoutQualifiers(text: string, tables: TableRef[]): string {
  const qualified = tables.map((t) => `${quoteIdent(t.schema || 'public')}.${quoteIdent(t.name)}.`)
  const bare = tables.map((t) => `${quoteIdent(t.name)}.`)
  // Schema-qualified first: `"app"."items".` must go whole, not leave `"app".` behind.
  return [...qualified, ...bare]
    .reduce((out, q) => out.split(q).join(''), text)
    .replace(/\s+/g, ' ')
    .trim()
}

export const policyText = (
  as: unknown,
  forWhat: unknown,
  roles: unknown,
  using: unknown,
  withCheck: unknown,
  table: TableRef
): string =>
  JSON.stringify([
    upper(as, 'PERMISSIVE'),
    upper(forWhat, 'ALL'),
    (Array.isArray(roles) ? roles.map(str) : []).sort(),
    normExpression(using, table),
    normExpression(withCheck, table)
  ])

export const sequenceText = (...values: unknown[]): string =>
  JSON.stringify(values.map((v, i) => (i === values.length - 1 ? Boolean(v) : str(v))))
