// drizzle-kit 1.x snapshots: the state after each migration, rebuilt from the chain of ddl entities and deltas.
import { DdlEntity, V1SnapshotJson } from './snapshot-types'

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

// drizzle-kit 1.x's identifying fields per entity type (its postgres DDL's `identity`): an index is keyed by its
// schema and name only (Postgres names an index per schema), a privilege by its grant.
const IDENTITY: Record<string, string[]> = {
  schemas: ['name'],
  roles: ['name'],
  tables: ['schema', 'name'],
  enums: ['schema', 'name'],
  sequences: ['schema', 'name'],
  views: ['schema', 'name'],
  indexes: ['schema', 'name'],
  columns: ['schema', 'table', 'name'],
  fks: ['schema', 'table', 'name'],
  pks: ['schema', 'table', 'name'],
  uniques: ['schema', 'table', 'name'],
  checks: ['schema', 'table', 'name'],
  policies: ['schema', 'table', 'name'],
  privileges: ['schema', 'table', 'grantor', 'grantee', 'type']
}

/** drizzle-kit's key of an entity: its type and its identifying fields (`columns\0["public","users","id"]`). */
export function entityKey(e: DdlEntity): string {
  const fields = IDENTITY[e.entityType]
  const identity = fields
    ? fields.map((f) => e[f] ?? null)
    : 'table' in e && e.entityType !== 'tables'
      ? [e.schema, e.table, e.name]
      : 'schema' in e
        ? [e.schema, e.name]
        : [e.name]
  return `${e.entityType}\0${JSON.stringify(identity)}`
}

/**
 * What points at what in drizzle-kit 1.x's postgres DDL (its `edges`): a row of the key type refers to the target
 * through these fields (target field <- own field; `list`: each element of that list, or its `pick`). When an alter
 * or rename changes a target's key (a table renamed), drizzle-kit moves every row that refers to it along (the
 * table's columns, keys, indexes, checks, policies; foreign keys pointing at it; indexes and keys on a renamed column):
 * a `rename` delta names only the table, not its columns.
 */
interface Edge {
  to: string
  scalars: [target: string, own: string][]
  list?: { target: string; own: string; pick?: string; skipWhen?: string }
  when?: (row: DdlEntity) => boolean
}
const edge = (to: string, scalars: Record<string, string>, list?: Edge['list'], when?: Edge['when']): Edge => ({
  to,
  scalars: Object.entries(scalars),
  list,
  when
})
const ON_SCHEMA = edge('schemas', { name: 'schema' })
const ON_TABLE = edge('tables', { schema: 'schema', name: 'table' })
const ON_COLUMNS = edge('columns', { schema: 'schema', table: 'table' }, { target: 'name', own: 'columns' })
const EDGES: Record<string, Edge[]> = {
  tables: [ON_SCHEMA],
  enums: [ON_SCHEMA],
  sequences: [ON_SCHEMA],
  views: [ON_SCHEMA],
  checks: [ON_TABLE],
  policies: [ON_TABLE, edge('roles', {}, { target: 'name', own: 'roles' })],
  privileges: [ON_TABLE, edge('roles', { name: 'grantee' }), edge('roles', { name: 'grantor' })],
  columns: [
    ON_TABLE,
    edge(
      'enums',
      { schema: 'typeSchema', name: 'type' },
      undefined,
      (r) => !!r.typeSchema && r.typeSchema !== 'pg_catalog'
    )
  ],
  indexes: [
    ON_TABLE,
    edge(
      'columns',
      { schema: 'schema', table: 'table' },
      { target: 'name', own: 'columns', pick: 'value', skipWhen: 'isExpression' }
    )
  ],
  pks: [ON_TABLE, ON_COLUMNS],
  uniques: [ON_TABLE, ON_COLUMNS],
  fks: [
    ON_TABLE,
    ON_COLUMNS,
    edge('tables', { schema: 'schemaTo', name: 'tableTo' }),
    edge('columns', { schema: 'schemaTo', table: 'tableTo' }, { target: 'name', own: 'columnsTo' })
  ]
}

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a ?? null) === JSON.stringify(b ?? null)

/** drizzle-kit's `relocate`: the fields of `row` to change when the row it refers to moves from `from` to `to`. */
function relocation(e: Edge, row: DdlEntity, from: DdlEntity, to: DdlEntity): Record<string, unknown> | undefined {
  if (e.when && !e.when(row)) return undefined
  if (e.scalars.some(([target, own]) => !same(row[own], from[target]))) return undefined
  const patch: Record<string, unknown> = {}
  for (const [target, own] of e.scalars) patch[own] = to[target]
  if (!e.list) return patch
  const { target, own, pick, skipWhen } = e.list
  const elements = row[own]
  if (!Array.isArray(elements)) return undefined
  let changed = false
  patch[own] = elements.map((element: unknown) => {
    const item = element as Record<string, unknown> | null
    if (skipWhen && item?.[skipWhen]) return element
    if (!same(pick ? item?.[pick] : element, from[target])) return element
    changed = true
    return pick ? { ...item, [pick]: to[target] } : to[target]
  })
  return changed ? patch : undefined
}

/** Sets fields of the row at `key`; when its key changes, what refers to it moves along (drizzle-kit's `update`). */
function updateRow(state: Map<string, DdlEntity>, key: string, set: Record<string, unknown>): void {
  const row = state.get(key)
  if (!row) return // an entity this tool does not key the same way (privileges): not compared anyway
  const queue: { oldKey: string; from: DdlEntity; to: DdlEntity }[] = []
  const move = (oldKey: string, from: DdlEntity, to: DdlEntity): void => {
    state.delete(oldKey)
    const newKey = entityKey(to)
    state.set(newKey, to)
    if (newKey !== oldKey) queue.push({ oldKey, from, to })
  }
  move(key, row, { ...row, ...set })
  const visited = new Set([key])
  for (let i = 0; i < queue.length; i++) {
    const { from, to } = queue[i]
    for (const [depKey, dep] of [...state]) {
      for (const e of EDGES[dep.entityType] ?? []) {
        if (e.to !== from.entityType) continue
        const current = state.get(depKey)
        if (!current) break
        const patch = relocation(e, current, from, to)
        if (!patch) continue
        const moved = { ...current, ...patch }
        if (entityKey(moved) === depKey) state.set(depKey, moved)
        else if (!visited.has(depKey)) {
          visited.add(depKey)
          move(depKey, current, moved)
        }
      }
    }
  }
}

function applyDeltas(state: Map<string, DdlEntity>, deltas: unknown): void {
  if (!Array.isArray(deltas)) throw new Error('it is a diff snapshot without "deltas"')
  for (const delta of deltas as { op?: string; row?: unknown; key?: unknown; set?: Record<string, unknown> }[]) {
    if (delta?.op === 'create' && isEntity(delta.row)) state.set(entityKey(delta.row), delta.row)
    else if (delta?.op === 'drop' && typeof delta.key === 'string') state.delete(delta.key)
    else if ((delta?.op === 'alter' || delta?.op === 'rename') && typeof delta.key === 'string')
      updateRow(state, delta.key, delta.set ?? {})
  }
}

// ---- the normalised form both sides are brought to ----
