// Per table, column and enum of one target: what the schema declares (type, nullability, default, file:line), where
// the migrations create and change it, which snapshots have it, and the check's findings about it, in place.
import * as path from 'node:path'
import { Finding } from '../core/findings'
import { TargetCheck } from '../engine/target-databases'
import { SnapshotFile } from '../explain/snapshots'
import { LineageEvent } from './lineage'
import { InventoryColumn, InventoryEnum, InventoryTable, Lineage } from './model'

const key = (...parts: (string | undefined)[]): string => parts.map((p) => p ?? '').join('\u0000')
const at = (d: { file: string; line: number } | undefined): string | undefined =>
  d ? `${d.file}:${d.line}` : undefined

/** Which snapshots have each table, column and enum: "schema.table", "schema.table.column", "enum:schema.name". */
function snapshotPresence(snapshots: SnapshotFile[]): Map<string, { count: number; first?: string; last?: string }> {
  const out = new Map<string, { count: number; first?: string; last?: string }>()
  const see = (k: string, tag: string): void => {
    const entry = out.get(k) ?? { count: 0 }
    entry.count++
    entry.first ??= tag
    entry.last = tag
    out.set(k, entry)
  }
  for (const s of snapshots) {
    const tag = s.migration.tag
    if (s.snapshot) {
      for (const table of Object.values(s.snapshot.tables ?? {})) {
        const schema = table.schema || 'public'
        see(key(schema, table.name), tag)
        for (const column of Object.values(table.columns ?? {})) see(key(schema, table.name, column.name), tag)
      }
      for (const e of Object.values(s.snapshot.enums ?? {})) see(key('enum', e.schema || 'public', e.name), tag)
    } else if (s.v1) {
      for (const e of s.v1.ddl) {
        const schema = String(e.schema ?? 'public')
        if (e.entityType === 'tables') see(key(schema, String(e.name)), tag)
        else if (e.entityType === 'columns') see(key(schema, String(e.table), String(e.name)), tag)
        else if (e.entityType === 'enums') see(key('enum', schema, String(e.name)), tag)
      }
    }
  }
  return out
}

/** Created by (the last creation) and changed by (what came after it), from the events about one object. */
function lineageOf(
  events: LineageEvent[],
  creates: (e: LineageEvent) => boolean
): Pick<Lineage, 'createdBy' | 'changedBy'> {
  let createdBy: string | undefined
  let createdIn: string | undefined
  let changedBy: string[] = []
  for (const e of events) {
    if (creates(e)) {
      createdBy = e.at
      createdIn = e.migration
      changedBy = []
    } else if (e.migration !== createdIn || !createdBy) changedBy.push(`${e.migration}: ${e.action} (${e.at})`)
  }
  return { ...(createdBy ? { createdBy } : {}), changedBy: [...new Set(changedBy)] }
}

const defaultText = (value: unknown): string | undefined =>
  value === undefined || value === null ? undefined : typeof value === 'string' ? value : JSON.stringify(value)

export function inventoryTables(
  check: TargetCheck,
  events: LineageEvent[],
  findings: Finding[]
): { tables: InventoryTable[]; enums: InventoryEnum[]; placed: Set<Finding> } {
  const { schema } = check
  const presence = snapshotPresence(check.snapshots)
  const snapshotsOf = (k: string): Lineage['snapshots'] => presence.get(k) ?? { count: 0 }
  const placed = new Set<Finding>()
  const findingsOf = (table: string, column?: string, schemaName?: string): Finding[] => {
    const found = findings.filter(
      (f) =>
        f.table === table &&
        (column ? f.column === column : !f.column) &&
        (!schemaName || !f.schema || f.schema === schemaName) &&
        f.kind !== 'run_failed'
    )
    for (const f of found) placed.add(f)
    return found
  }
  // Indexed once by table: a 300-migration history has thousands of events and tables × columns lookups.
  const byTable = new Map<string, LineageEvent[]>()
  for (const e of events) {
    if (!e.table) continue
    const k = key(e.schema ?? 'public', e.table)
    const list = byTable.get(k)
    if (list) list.push(e)
    else byTable.set(k, [e])
  }
  const tableEvents = (s: string, t: string): LineageEvent[] => (byTable.get(key(s, t)) ?? []).filter((e) => !e.column)
  const columnEvents = (s: string, t: string, c: string): LineageEvent[] =>
    (byTable.get(key(s, t)) ?? []).filter((e) => e.column === c || (e.action === 'rename column' && e.name === c))
  const columnLineage = (s: string, t: string, c: string): Pick<Lineage, 'createdBy' | 'changedBy'> =>
    lineageOf(
      columnEvents(s, t, c),
      (e) => (e.action === 'add column' && e.column === c) || (e.action === 'rename column' && e.name === c)
    )

  const tables: InventoryTable[] = Object.values(schema.snapshot.tables).map((table) => {
    const s = table.schema || 'public'
    const columns: InventoryColumn[] = Object.values(table.columns).map((c) => ({
      name: c.name,
      type: c.typeSchema && c.typeSchema !== 'public' ? `${c.typeSchema}.${c.type}` : c.type,
      notNull: c.notNull || c.primaryKey,
      primaryKey: c.primaryKey,
      ...(defaultText(c.default) !== undefined ? { default: defaultText(c.default) } : {}),
      origin: 'declared' as const,
      ...(at(schema.sources.column(s, table.name, c.name))
        ? { declared: at(schema.sources.column(s, table.name, c.name)) }
        : {}),
      ...columnLineage(s, table.name, c.name),
      snapshots: snapshotsOf(key(s, table.name, c.name)),
      findings: findingsOf(table.name, c.name, s)
    }))
    // Columns the migrations create that the schema does not declare (extra_column).
    for (const f of findings.filter((f) => f.kind === 'extra_column' && f.table === table.name && f.column)) {
      if (columns.some((c) => c.name === f.column)) continue
      columns.push(migrationsOnlyColumn(s, table.name, f.column!, columnLineage, snapshotsOf, findingsOf))
    }
    const declared = at(schema.sources.table(s, table.name))
    return {
      schema: s,
      name: table.name,
      origin: 'declared' as const,
      ...(declared ? { declared } : {}),
      ...lineageOf(
        tableEvents(s, table.name),
        (e) => e.action === 'create table' || (e.action === 'rename table' && e.name === table.name)
      ),
      snapshots: snapshotsOf(key(s, table.name)),
      columns,
      references: Object.values(table.foreignKeys ?? {}).map((fk) => ({
        columns: fk.columnsFrom,
        table: fk.tableTo,
        columnsTo: fk.columnsTo
      })),
      findings: findingsOf(table.name, undefined, s)
    }
  })
  // Tables the migrations create that the schema does not declare (extra_table).
  for (const f of findings.filter((f) => f.kind === 'extra_table' && f.table)) {
    const s = f.schema ?? 'public'
    if (tables.some((t) => t.name === f.table && t.schema === s)) continue
    const names = [
      ...new Set(events.filter((e) => e.table === f.table && e.action === 'add column').map((e) => e.column!))
    ]
    tables.push({
      schema: s,
      name: f.table!,
      origin: 'migrations-only',
      ...lineageOf(tableEvents(s, f.table!), (e) => e.action === 'create table'),
      snapshots: snapshotsOf(key(s, f.table!)),
      columns: names.map((c) => migrationsOnlyColumn(s, f.table!, c, columnLineage, snapshotsOf, findingsOf)),
      references: [],
      findings: findingsOf(f.table!, undefined, s)
    })
  }
  tables.sort((a, b) => a.schema.localeCompare(b.schema) || a.name.localeCompare(b.name))

  const enums: InventoryEnum[] = Object.values(schema.snapshot.enums).map((e) => {
    const s = e.schema || 'public'
    const declared = at(schema.sources.enum(s, e.name))
    const enumFindings = findings.filter((f) => !f.table && f.name === e.name && /enum/.test(f.kind))
    for (const f of enumFindings) placed.add(f)
    return {
      schema: s,
      name: e.name,
      values: e.values,
      ...(declared ? { declared } : {}),
      ...lineageOf(
        events.filter((ev) => ev.name === e.name && /enum/.test(ev.action)),
        (ev) => ev.action === 'create enum'
      ),
      snapshots: snapshotsOf(key('enum', s, e.name)),
      findings: enumFindings
    }
  })
  enums.sort((a, b) => a.schema.localeCompare(b.schema) || a.name.localeCompare(b.name))
  return { tables, enums, placed }
}

function migrationsOnlyColumn(
  s: string,
  table: string,
  column: string,
  columnLineage: (s: string, t: string, c: string) => Pick<Lineage, 'createdBy' | 'changedBy'>,
  snapshotsOf: (k: string) => Lineage['snapshots'],
  findingsOf: (table: string, column?: string, schema?: string) => Finding[]
): InventoryColumn {
  return {
    name: column,
    type: '',
    notNull: false,
    primaryKey: false,
    origin: 'migrations-only',
    ...columnLineage(s, table, column),
    snapshots: snapshotsOf(key(s, table, column)),
    findings: findingsOf(table, column, s)
  }
}

export const relativeTo = (root: string, file: string): string => path.relative(root, file)
