// drizzle-kit 1.x's own serialiser and SQL generator (its `drizzle-kit/api-postgres` entry, shipped in
// vendor-drizzle-1/), for projects on drizzle 1.x (docs/drizzle-1.md): the schema is read exactly as 1.x
// `generate` reads it, names and casing included. Its state is 1.x's snapshot format (a flat `ddl` list, as in
// <folder>/snapshot.json); ddlToV7 gives the rest of the tool the version 7 shape it reads declarations from.
import { DrizzleGeneration, vendorPackageVersion, vendorRequire } from '../core/vendor'
import { PgSnapshot, SnapshotColumn, SnapshotTable } from './drizzle-kit'

export type Kit1Entity = { entityType: string; [field: string]: unknown }

/** drizzle-kit 1.x's schema state: what it writes to snapshot.json (version 8/9). */
export interface Kit1State {
  version: string
  dialect: string
  id: string
  prevIds: string[]
  ddl: Kit1Entity[]
  renames?: unknown[]
}

interface Kit1Api {
  generateDrizzleJson(imports: Record<string, unknown>, prevId?: string, schemaFilters?: string[]): Promise<Kit1State>
  generateMigration(prev: Kit1State, cur: Kit1State): Promise<string[]>
}

const GENERATION: DrizzleGeneration = '1.x'
let api: Kit1Api | undefined
function kit(): Kit1Api {
  api ??= vendorRequire<Kit1Api>('drizzle-kit/api-postgres', GENERATION)
  return api
}

export function drizzleKit1Version(): string {
  return vendorPackageVersion('drizzle-kit', 'drizzle-kit/api-postgres', GENERATION)
}

export async function serializeSchema1(exports: Record<string, unknown>): Promise<Kit1State> {
  return quietly(() => kit().generateDrizzleJson(exports))
}

/** What 1.x `generate` writes between two states (throws when it would have to ask about a rename). */
export async function generateSql1(prev: Kit1State, cur: Kit1State): Promise<string[]> {
  return quietly(() => kit().generateMigration(prev, cur))
}

export function emptyState1(): Kit1State {
  return {
    version: '8',
    dialect: 'postgres',
    id: '00000000-0000-0000-0000-000000000000',
    prevIds: [],
    ddl: [],
    renames: []
  }
}

// drizzle-kit prints progress and warnings to stdout; the JSON report must be the only thing there.
async function quietly<T>(fn: () => Promise<T>): Promise<T> {
  const write = process.stdout.write
  process.stdout.write = ((chunk: unknown, ...rest: unknown[]) =>
    process.stderr.write(chunk as string, ...(rest as []))) as typeof process.stdout.write
  try {
    return await fn()
  } finally {
    process.stdout.write = write
  }
}

const str = (v: unknown): string => (typeof v === 'string' ? v : '')

/**
 * The 1.x state in the version 7 shape (tables keyed "schema.table", constraints under their 1.x names), for what
 * reads declarations (counts, schemas used, roles, enums, the causes). A one-column primary key 1.x leaves unnamed
 * is the column's, as 0.31 puts it.
 */
export function ddlToV7(state: Kit1State): PgSnapshot {
  const of = (type: string): Kit1Entity[] => state.ddl.filter((e) => e.entityType === type)
  const snapshot: PgSnapshot = {
    id: state.id,
    prevId: state.prevIds[0] ?? '',
    version: '7',
    dialect: 'postgresql',
    tables: {},
    enums: {},
    schemas: {},
    sequences: {},
    roles: {},
    policies: {},
    views: {}
  }
  for (const s of of('schemas')) if (str(s.name) !== 'public') snapshot.schemas[str(s.name)] = str(s.name)
  const tables = new Map<string, SnapshotTable>()
  for (const t of of('tables')) {
    const schema = str(t.schema) || 'public'
    const table: SnapshotTable = {
      name: str(t.name),
      schema: schema === 'public' ? '' : schema,
      columns: {},
      indexes: {},
      foreignKeys: {},
      compositePrimaryKeys: {},
      uniqueConstraints: {},
      checkConstraints: {},
      policies: {},
      isRLSEnabled: Boolean(t.isRlsEnabled)
    }
    tables.set(`${schema}.${table.name}`, table)
    snapshot.tables[`${schema}.${table.name}`] = table
  }
  const tableOf = (e: Kit1Entity): SnapshotTable | undefined =>
    tables.get(`${str(e.schema) || 'public'}.${str(e.table)}`)
  for (const c of of('columns')) {
    const table = tableOf(c)
    if (!table) continue
    const column: SnapshotColumn = {
      name: str(c.name),
      type: str(c.type) + '[]'.repeat(Number(c.dimensions ?? 0)),
      primaryKey: false,
      notNull: Boolean(c.notNull),
      ...(c.typeSchema ? { typeSchema: str(c.typeSchema) } : {}),
      ...(c.default !== null && c.default !== undefined ? { default: c.default } : {}),
      ...(c.identity ? { identity: c.identity } : {}),
      ...(c.generated ? { generated: c.generated } : {})
    }
    table.columns[column.name] = column
  }
  for (const pk of of('pks')) {
    const table = tableOf(pk)
    if (!table) continue
    const columns = (pk.columns as string[]) ?? []
    if (!pk.nameExplicit && columns.length === 1 && table.columns[columns[0]])
      table.columns[columns[0]] = { ...table.columns[columns[0]], primaryKey: true }
    else table.compositePrimaryKeys[str(pk.name)] = { name: str(pk.name), columns }
  }
  for (const u of of('uniques')) {
    const table = tableOf(u)
    if (table)
      table.uniqueConstraints[str(u.name)] = {
        name: str(u.name),
        columns: (u.columns as string[]) ?? [],
        nullsNotDistinct: Boolean(u.nullsNotDistinct)
      }
  }
  for (const fk of of('fks')) {
    const table = tableOf(fk)
    if (table)
      table.foreignKeys[str(fk.name)] = {
        name: str(fk.name),
        tableFrom: table.name,
        columnsFrom: (fk.columns as string[]) ?? [],
        tableTo: str(fk.tableTo),
        schemaTo: str(fk.schemaTo) || 'public',
        columnsTo: (fk.columnsTo as string[]) ?? [],
        onUpdate: fk.onUpdate,
        onDelete: fk.onDelete
      }
  }
  for (const chk of of('checks')) {
    const table = tableOf(chk)
    if (table) table.checkConstraints![str(chk.name)] = { name: str(chk.name), value: str(chk.value) }
  }
  for (const i of of('indexes')) {
    const table = tableOf(i)
    if (!table) continue
    table.indexes[str(i.name)] = {
      name: str(i.name),
      columns: ((i.columns as Record<string, unknown>[]) ?? []).map((c) => ({
        expression: str(c.value),
        isExpression: Boolean(c.isExpression),
        asc: c.asc !== false,
        nulls: c.nullsFirst ? 'first' : 'last',
        ...((c.opclass as { name?: string } | null)?.name ? { opclass: (c.opclass as { name: string }).name } : {})
      })),
      isUnique: Boolean(i.isUnique),
      where: i.where ?? undefined,
      method: str(i.method) || 'btree',
      concurrently: Boolean(i.concurrently),
      with: {}
    }
  }
  for (const p of of('policies')) {
    const table = tableOf(p)
    if (table)
      table.policies![str(p.name)] = {
        name: str(p.name),
        as: p.as,
        for: p.for,
        to: p.roles,
        using: p.using ?? undefined,
        withCheck: p.withCheck ?? undefined
      }
  }
  for (const e of of('enums')) {
    const schema = str(e.schema) || 'public'
    snapshot.enums[`${schema}.${str(e.name)}`] = { name: str(e.name), schema, values: (e.values as string[]) ?? [] }
  }
  for (const s of of('sequences')) {
    const schema = str(s.schema) || 'public'
    snapshot.sequences[`${schema}.${str(s.name)}`] = {
      name: str(s.name),
      schema,
      increment: s.incrementBy,
      minValue: s.minValue,
      maxValue: s.maxValue,
      startWith: s.startWith,
      cache: s.cacheSize,
      cycle: s.cycle
    }
  }
  for (const r of of('roles')) snapshot.roles![str(r.name)] = { ...r }
  for (const v of of('views')) {
    const schema = str(v.schema) || 'public'
    snapshot.views![`${schema}.${str(v.name)}`] = { ...v, name: str(v.name), schema }
  }
  return snapshot
}

const SAME_DEFINITION: Record<string, (e: Kit1Entity) => string> = {
  pks: (e) => JSON.stringify(e.columns),
  uniques: (e) => JSON.stringify([e.columns, Boolean(e.nullsNotDistinct)]),
  fks: (e) => JSON.stringify([e.columns, str(e.schemaTo) || 'public', e.tableTo, e.columnsTo]),
  indexes: (e) => JSON.stringify([e.columns, Boolean(e.isUnique), e.where ?? null])
}

/**
 * The schema's constraints and indexes that it leaves unnamed, under the names the last snapshot gives the same
 * definition. 1.x `generate` and `push` match an unnamed constraint by what it is, not by its name: a project
 * upgraded with `drizzle-kit up` keeps its 0.x names (`users_email_unique`, `…_fk`) in the snapshots and the
 * database, and 1.x calls that clean. The SQL that builds the schema's database then uses those names too.
 */
export function withSnapshotNames(state: Kit1State, last: Kit1Entity[]): { state: Kit1State; build: Kit1State } {
  const known = new Map<string, string>()
  const keyOf = (e: Kit1Entity): string | undefined => {
    const definition = SAME_DEFINITION[e.entityType]
    return definition ? `${e.entityType}\0${str(e.schema)}\0${str(e.table)}\0${definition(e)}` : undefined
  }
  for (const e of last) {
    const key = keyOf(e)
    if (key && !e.nameExplicit) known.set(key, str(e.name))
  }
  if (known.size === 0) return { state, build: state }
  const taken = new Set(
    state.ddl.filter((e) => SAME_DEFINITION[e.entityType]).map((e) => `${str(e.schema)}.${str(e.name)}`)
  )
  let changed = false
  const adopted = new Set<Kit1Entity>()
  const ddl = state.ddl.map((e) => {
    const key = keyOf(e)
    const name = key && !e.nameExplicit ? known.get(key) : undefined
    if (!name || name === e.name || taken.has(`${str(e.schema)}.${name}`)) return e
    changed = true
    const renamed = { ...e, name }
    adopted.add(renamed)
    return renamed
  })
  if (!changed) return { state, build: state }
  // Compared as unnamed (as 1.x compares them), but built under the name: 1.x writes a one-column key or unique
  // it names by default without a name, and Postgres would pick its own.
  return {
    state: { ...state, ddl },
    build: { ...state, ddl: ddl.map((e) => (adopted.has(e) ? { ...e, nameExplicit: true } : e)) }
  }
}
