// drizzle-kit 1.x's snapshots (v1 folders: <timestamp>_<name>/snapshot.json) against the schema. 1.x writes a flat
// `ddl` list of entities (version 8: the whole state in every snapshot; version 9: a "base" state in the first one
// and "diff" snapshots with `deltas` after it, rebuilt along `prevIds`). The schema is serialised by the bundled 0.31
// (a version 7 snapshot), so both are brought to one normalised form before they are compared: names as the
// database has them, types without spaces or array suffixes, defaults without trailing casts, expressions without
// table qualifiers, actions in capitals, flags Postgres implies (NOT NULL of a primary key, RLS of a table with
// policies) made explicit.
import { PgSnapshot } from '../schema/drizzle-kit'
import { postgresObjectName } from '../schema/kit1-names'
import { truncateIdentifier } from '../sql/identifiers'
import type { SnapshotChange, SnapshotComparison } from './snapshots'
import { quoteIdentifier } from '../sql/identifiers'

export type DdlEntity = { entityType: string; [field: string]: unknown }

export interface V1Snapshot {
  /** The state after this migration, as a list of entities. */
  ddl: DdlEntity[]
  /** Unique constraints a migration added by name (drizzle-kit 1.x wrote them so; Postgres did not pick the name). */
  uniquesAddedByName: Set<string>
}

export interface V1SnapshotJson {
  id?: unknown
  prevIds?: unknown
  type?: unknown
  ddl?: unknown
  deltas?: unknown
}

/**
 * The full state at each snapshot, or why it cannot be had. Diff snapshots are rebuilt from their first parent's
 * state; the other parents of a merge contribute the diffs the first parent's history lacks (as drizzle-kit does).
 */
export function reconstructV1States(
  snapshots: (V1SnapshotJson | undefined)[]
): ({ ddl: DdlEntity[] } | { problem: string } | undefined)[] {
  const byId = new Map<string, V1SnapshotJson>()
  for (const s of snapshots) if (s && typeof s.id === 'string') byId.set(s.id, s)
  const memo = new Map<string, Map<string, DdlEntity>>()
  const prevIdsOf = (s: V1SnapshotJson): string[] =>
    Array.isArray(s.prevIds) ? s.prevIds.filter((p): p is string => typeof p === 'string' && !/^0{8}-/.test(p)) : []
  const history = (ids: string[]): Set<string> => {
    const found = new Set<string>()
    const stack = [...ids]
    while (stack.length) {
      const id = stack.pop()!
      if (found.has(id)) continue
      found.add(id)
      const s = byId.get(id)
      if (s) stack.push(...prevIdsOf(s))
    }
    return found
  }
  const stateOf = (id: string, depth = 0): Map<string, DdlEntity> => {
    const cached = memo.get(id)
    if (cached) return cached
    const s = byId.get(id)
    if (!s) throw new Error(`its parent snapshot ${id} is not in the migrations folder`)
    if (depth > 100_000) throw new Error('its prevIds form a cycle')
    let state: Map<string, DdlEntity>
    if (s.type !== 'diff') {
      if (!Array.isArray(s.ddl)) throw new Error('it has no "ddl" list')
      state = new Map((s.ddl as DdlEntity[]).filter(isEntity).map((e) => [entityKey(e), e]))
    } else {
      const [first, ...others] = prevIdsOf(s)
      if (!first) throw new Error('it is a diff snapshot with no parent')
      state = new Map(stateOf(first, depth + 1))
      if (others.length) {
        const known = history([first])
        const extra = history(others)
        for (const other of snapshots)
          if (
            other &&
            typeof other.id === 'string' &&
            extra.has(other.id) &&
            !known.has(other.id) &&
            other.type === 'diff'
          )
            applyDeltas(state, other.deltas)
      }
      applyDeltas(state, s.deltas)
    }
    memo.set(id, state)
    return state
  }
  return snapshots.map((s) => {
    if (!s) return undefined
    try {
      if (typeof s.id !== 'string') {
        if (s.type !== 'diff' && Array.isArray(s.ddl)) return { ddl: (s.ddl as DdlEntity[]).filter(isEntity) }
        throw new Error('it has no id')
      }
      return { ddl: [...stateOf(s.id).values()] }
    } catch (error) {
      return { problem: (error as Error).message }
    }
  })
}

const isEntity = (e: unknown): e is DdlEntity =>
  !!e && typeof e === 'object' && typeof (e as DdlEntity).entityType === 'string'

/** drizzle-kit's key of an entity: its type and its identifying fields (`columns\0["public","users","id"]`). */
function entityKey(e: DdlEntity): string {
  const identity =
    'table' in e && e.entityType !== 'tables'
      ? [e.schema, e.table, e.name]
      : 'schema' in e
        ? [e.schema, e.name]
        : [e.name]
  return `${e.entityType}\0${JSON.stringify(identity)}`
}

function applyDeltas(state: Map<string, DdlEntity>, deltas: unknown): void {
  if (!Array.isArray(deltas)) throw new Error('it is a diff snapshot without "deltas"')
  for (const delta of deltas as { op?: string; row?: unknown; key?: unknown; set?: Record<string, unknown> }[]) {
    if (delta?.op === 'create' && isEntity(delta.row)) state.set(entityKey(delta.row), delta.row)
    else if (delta?.op === 'drop' && typeof delta.key === 'string') state.delete(delta.key)
    else if ((delta?.op === 'alter' || delta?.op === 'rename') && typeof delta.key === 'string') {
      const row = state.get(delta.key)
      if (!row) continue // an entity this tool does not key the same way (privileges): not compared anyway
      const updated = { ...row, ...delta.set }
      state.delete(delta.key)
      state.set(entityKey(updated), updated)
    }
  }
}

// ---- the normalised form both sides are brought to ----

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

const PART_KINDS = ['index', 'foreign key', 'primary key', 'unique constraint', 'check constraint', 'policy'] as const

function newTable(schema: string, name: string, rls: boolean): NormTable {
  return { schema, name, rls, columns: new Map(), parts: new Map(PART_KINDS.map((k) => [k, new Map()])) }
}

/** `numeric(10, 2)` and `numeric(10,2)`: drizzle-kit 1.x writes no space. */
const normType = (type: string): string =>
  type
    .trim()
    .replace(/\s*,\s*/g, ',')
    .replace(/\s+/g, ' ')
    .toLowerCase()

/** The default without trailing casts (`'{}'::jsonb`, `'a'::"app"."status"`), as drizzle-kit 1.x stores it. */
function normDefault(value: unknown, dimensions: number): string | null {
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

type TableRef = { schema: string; name: string }
const quoteIdent = quoteIdentifier

/**
 * An expression without `"schema"."table".` and `"table".` qualifiers: 0.31 writes them in checks, where clauses,
 * generated columns and policies (`"app"."items"."done"` for a table in a pgSchema), 1.x writes the bare column. 0.31
 * always quotes them (its dialect's escapeName), so the unquoted forms are the user's own text, kept on both sides.
 */
function normExpression(value: unknown, table: TableRef): string | null {
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

const upper = (value: unknown, fallback: string): string =>
  typeof value === 'string' && value ? value.toUpperCase() : fallback
const str = (value: unknown): string => (value === undefined || value === null ? '' : String(value))

function columnText(
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

const indexText = (
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

const cut = truncateIdentifier

/** The schema's snapshot (0.31, version 7, names already as 1.x gives them) in the normalised form. */
export function normaliseV7(snapshot: PgSnapshot): NormModel {
  const model: NormModel = {
    tables: new Map(),
    enums: new Map(),
    schemas: new Set(Object.keys(snapshot.schemas ?? {})),
    sequences: new Map(),
    views: new Map()
  }
  for (const t of Object.values(snapshot.tables)) {
    const schema = t.schema || 'public'
    const tablePolicies = Object.values(t.policies ?? {})
    const loosePolicies = Object.values((snapshot.policies ?? {}) as Record<string, Record<string, unknown>>).filter(
      (p) => p.on === t.name && (str(p.schema) || 'public') === schema
    )
    const table = newTable(schema, t.name, Boolean(t.isRLSEnabled) || tablePolicies.length + loosePolicies.length > 0)
    model.tables.set(`${schema}.${t.name}`, table)
    const pkColumns = new Set(Object.values(t.compositePrimaryKeys ?? {}).flatMap((pk) => pk.columns))
    for (const c of Object.values(t.columns)) {
      const dimensions = (c.type.match(/\[\d*\]/g) ?? []).length
      table.columns.set(
        c.name,
        columnText(
          {
            type: c.type.replace(/\[\d*\]/g, ''),
            dimensions,
            typeSchema: c.typeSchema,
            notNull: c.notNull || c.primaryKey || pkColumns.has(c.name) || Boolean(c.identity),
            default: c.default,
            identity: c.identity,
            generated: c.generated
          },
          table
        )
      )
      if (c.primaryKey)
        table.parts.get('primary key')!.set(postgresObjectName(t.name, undefined, 'pkey'), JSON.stringify([c.name]))
      if (c.isUnique && c.uniqueName)
        table.parts
          .get('unique constraint')!
          .set(cut(c.uniqueName), JSON.stringify([[c.name], Boolean(c.nullsNotDistinct)]))
    }
    for (const pk of Object.values(t.compositePrimaryKeys ?? {}))
      table.parts.get('primary key')!.set(cut(pk.name), JSON.stringify(pk.columns))
    for (const u of Object.values(t.uniqueConstraints ?? {}))
      table.parts.get('unique constraint')!.set(cut(u.name), JSON.stringify([u.columns, Boolean(u.nullsNotDistinct)]))
    for (const fk of Object.values(t.foreignKeys ?? {})) {
      table.parts
        .get('foreign key')!
        .set(
          cut(fk.name),
          JSON.stringify([
            fk.columnsFrom,
            str(fk.schemaTo) || 'public',
            fk.tableTo,
            fk.columnsTo,
            upper(fk.onUpdate, 'NO ACTION'),
            upper(fk.onDelete, 'NO ACTION')
          ])
        )
    }
    for (const chk of Object.values(t.checkConstraints ?? {}))
      table.parts.get('check constraint')!.set(cut(chk.name), JSON.stringify(normExpression(chk.value, table)))
    for (const i of Object.values(t.indexes ?? {})) {
      const columns = i.columns.map((c) => {
        const col = c as { expression: string; isExpression: boolean; asc?: boolean; nulls?: string; opclass?: string }
        return {
          value: col.expression,
          isExpression: col.isExpression,
          asc: col.asc !== false,
          nullsFirst: col.nulls === 'first',
          opclass: str(col.opclass)
        }
      })
      const withText = Object.entries((i.with ?? {}) as Record<string, unknown>)
        .map(([k, v]) => `${k}=${str(v)}`)
        .join(',')
      table.parts
        .get('index')!
        .set(
          cut(i.name),
          indexText(columns, Boolean(i.isUnique), normExpression(i.where, table), str(i.method), withText)
        )
    }
    for (const p of [...tablePolicies, ...loosePolicies] as Record<string, unknown>[])
      table.parts.get('policy')!.set(cut(str(p.name)), policyText(p.as, p.for, p.to, p.using, p.withCheck, table))
  }
  for (const e of Object.values(snapshot.enums ?? {}))
    model.enums.set(`${e.schema || 'public'}.${e.name}`, JSON.stringify(e.values))
  for (const s of Object.values(snapshot.sequences ?? {})) {
    model.sequences.set(
      `${s.schema || 'public'}.${s.name}`,
      sequenceText(s.increment, s.minValue, s.maxValue, s.startWith, s.cache, s.cycle)
    )
  }
  const tables = [...model.tables.values()]
  for (const v of Object.values(snapshot.views ?? {})) {
    if (!v.isExisting)
      model.views.set(
        `${v.schema || 'public'}.${v.name}`,
        viewText(v.materialized, v.definition, v.with, v.withNoData, v.tablespace, v.using, tables)
      )
  }
  return model
}

/**
 * A view as both generations record it, compared as 0.x's snapshots are (definition and options; unset options are
 * absent, not null). 1.x lists every `with` option, null when unset, and `using` as { name }; 0.31 only the ones
 * given. The definition is drizzle's SQL for the view's query on both sides, without the table qualifiers that one
 * writes and the other may not (as normExpression, for every table of the schema).
 */
function viewText(
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
function withoutQualifiers(text: string, tables: TableRef[]): string {
  const qualified = tables.map((t) => `${quoteIdent(t.schema || 'public')}.${quoteIdent(t.name)}.`)
  const bare = tables.map((t) => `${quoteIdent(t.name)}.`)
  // Schema-qualified first: `"app"."items".` must go whole, not leave `"app".` behind.
  return [...qualified, ...bare]
    .reduce((out, q) => out.split(q).join(''), text)
    .replace(/\s+/g, ' ')
    .trim()
}

const policyText = (
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

const sequenceText = (...values: unknown[]): string =>
  JSON.stringify(values.map((v, i) => (i === values.length - 1 ? Boolean(v) : str(v))))

/** A v1 snapshot's state in the normalised form, with each unnamed constraint under the name the database has. */
export function normaliseDdl(snapshot: V1Snapshot): NormModel {
  const model: NormModel = {
    tables: new Map(),
    enums: new Map(),
    schemas: new Set(),
    sequences: new Map(),
    views: new Map()
  }
  const of = (type: string): DdlEntity[] => snapshot.ddl.filter((e) => e.entityType === type)
  for (const s of of('schemas')) if (str(s.name) !== 'public') model.schemas.add(str(s.name))
  for (const t of of('tables'))
    model.tables.set(`${str(t.schema)}.${str(t.name)}`, newTable(str(t.schema), str(t.name), Boolean(t.isRlsEnabled)))
  const tableOf = (e: DdlEntity): NormTable | undefined => model.tables.get(`${str(e.schema)}.${str(e.table)}`)
  for (const p of of('policies')) {
    const table = tableOf(p)
    if (!table) continue
    table.rls = true
    table.parts.get('policy')!.set(cut(str(p.name)), policyText(p.as, p.for, p.roles, p.using, p.withCheck, table))
  }
  const pkColumns = new Set(
    of('pks').flatMap((pk) => ((pk.columns as string[]) ?? []).map((c) => `${str(pk.schema)}.${str(pk.table)}.${c}`))
  )
  for (const c of of('columns')) {
    const table = tableOf(c)
    if (!table) continue
    const notNull =
      Boolean(c.notNull) || pkColumns.has(`${table.schema}.${table.name}.${str(c.name)}`) || Boolean(c.identity)
    table.columns.set(
      str(c.name),
      columnText(
        {
          type: str(c.type),
          dimensions: Number(c.dimensions ?? 0),
          typeSchema: c.typeSchema,
          notNull,
          default: c.default,
          identity: c.identity,
          generated: c.generated
        },
        table
      )
    )
  }
  for (const pk of of('pks')) {
    const table = tableOf(pk)
    if (!table) continue
    const columns = (pk.columns as string[]) ?? []
    // Unnamed: a one-column key is written as a bare PRIMARY KEY, so Postgres picks its name.
    const name =
      !pk.nameExplicit && columns.length === 1 ? postgresObjectName(table.name, undefined, 'pkey') : cut(str(pk.name))
    table.parts.get('primary key')!.set(name, JSON.stringify(columns))
  }
  for (const u of of('uniques')) {
    const table = tableOf(u)
    if (!table) continue
    const columns = (u.columns as string[]) ?? []
    const bare = !u.nameExplicit && columns.length === 1 && !snapshot.uniquesAddedByName.has(str(u.name))
    table.parts
      .get('unique constraint')!
      .set(
        bare ? postgresObjectName(table.name, columns[0], 'key') : cut(str(u.name)),
        JSON.stringify([columns, Boolean(u.nullsNotDistinct)])
      )
  }
  for (const fk of of('fks')) {
    const table = tableOf(fk)
    if (!table) continue
    table.parts
      .get('foreign key')!
      .set(
        cut(str(fk.name)),
        JSON.stringify([
          fk.columns,
          str(fk.schemaTo) || 'public',
          fk.tableTo,
          fk.columnsTo,
          upper(fk.onUpdate, 'NO ACTION'),
          upper(fk.onDelete, 'NO ACTION')
        ])
      )
  }
  for (const chk of of('checks')) {
    const table = tableOf(chk)
    if (table)
      table.parts.get('check constraint')!.set(cut(str(chk.name)), JSON.stringify(normExpression(chk.value, table)))
  }
  for (const i of of('indexes')) {
    const table = tableOf(i)
    if (!table) continue
    const columns = ((i.columns as Record<string, unknown>[]) ?? []).map((c) => ({
      value: str(c.value),
      isExpression: Boolean(c.isExpression),
      asc: c.asc !== false,
      nullsFirst: Boolean(c.nullsFirst),
      opclass: str((c.opclass as { name?: unknown } | null)?.name)
    }))
    table.parts
      .get('index')!
      .set(
        cut(str(i.name)),
        indexText(columns, Boolean(i.isUnique), normExpression(i.where, table), str(i.method), str(i.with))
      )
  }
  for (const e of of('enums')) model.enums.set(`${str(e.schema)}.${str(e.name)}`, JSON.stringify(e.values))
  for (const s of of('sequences'))
    model.sequences.set(
      `${str(s.schema)}.${str(s.name)}`,
      sequenceText(s.incrementBy, s.minValue, s.maxValue, s.startWith, s.cacheSize, s.cycle)
    )
  const tables = [...model.tables.values()]
  for (const v of of('views')) {
    if (!v.isExisting)
      model.views.set(
        `${str(v.schema)}.${str(v.name)}`,
        viewText(v.materialized, v.definition, v.with, v.withNoData, v.tablespace, v.using, tables)
      )
  }
  return model
}

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
        description: `${kind} ${name} added to ${where}`
      })
    else if (before.get(name) !== text)
      out.push({
        ...extra,
        name: extra.table ? name : name.split('.').pop(),
        description: `${kind} ${name} on ${where} changed`
      })
  }
  for (const name of before.keys())
    if (!after.has(name))
      out.push({
        ...extra,
        name: extra.table ? name : name.split('.').pop(),
        description: `${kind} ${name} removed from ${where}`
      })
  return out
}

/** What drizzle-kit 1.x generate would see between its last snapshot and the schema, in compareSnapshots' words. */
export function compareV1Snapshot(last: V1Snapshot, schema: PgSnapshot): SnapshotComparison {
  const before = normaliseDdl(last)
  const after = normaliseV7(schema)
  const changes: SnapshotChange[] = []
  const possibleRenames: string[] = []
  const added = [...after.tables.keys()].filter((k) => !before.tables.has(k))
  const removed = [...before.tables.keys()].filter((k) => !after.tables.has(k))
  for (const key of added)
    changes.push({
      schema: after.tables.get(key)!.schema,
      table: after.tables.get(key)!.name,
      description: `table ${key} added`
    })
  for (const key of removed)
    changes.push({
      schema: before.tables.get(key)!.schema,
      table: before.tables.get(key)!.name,
      description: `table ${key} removed`
    })
  if (added.length && removed.length) possibleRenames.push(`tables ${removed.join(', ')} -> ${added.join(', ')}`)
  for (const [key, a] of after.tables) {
    const b = before.tables.get(key)
    if (!b) continue
    const where = { schema: a.schema, table: a.name }
    const addedColumns = [...a.columns.keys()].filter((c) => !b.columns.has(c))
    const removedColumns = [...b.columns.keys()].filter((c) => !a.columns.has(c))
    for (const c of addedColumns) changes.push({ ...where, column: c, description: `column ${a.name}.${c} added` })
    for (const c of removedColumns) changes.push({ ...where, column: c, description: `column ${a.name}.${c} removed` })
    if (addedColumns.length && removedColumns.length)
      possibleRenames.push(`columns of ${key}: ${removedColumns.join(', ')} -> ${addedColumns.join(', ')}`)
    for (const [c, text] of a.columns)
      if (b.columns.has(c) && b.columns.get(c) !== text)
        changes.push({ ...where, column: c, description: `column ${a.name}.${c} changed` })
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
