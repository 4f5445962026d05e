// Appends one migration to a drizzle-kit 1.x folder (docs/repair.md, "drizzle-kit 1.x folders"):
// `<YYYYMMDDHHmmss>_<name>/migration.sql` + `snapshot.json`, never touching an existing file. The snapshot is what
// 1.x `generate` itself would chain next: with version 9 snapshots (1.0.0-rc.3 on), a "diff" snapshot whose
// `prevIds` are the folder's leaves and whose `deltas` turn their state into the schema's (a second "base" snapshot
// is refused); with version 8 snapshots (earlier 1.x), the schema's full `ddl`.
import * as fs from 'node:fs'
import * as path from 'node:path'
import { randomUUID } from 'node:crypto'
import { parseJson } from '../core/json'
import { entityKey } from '../explain/snapshot-v1-states'
import type { DdlEntity } from '../explain/snapshot-types'
import { MigrationFolder, V1_TIMESTAMP } from '../migrations/folder'
import { WrittenMigration } from './write-migration'

const ORIGIN = '00000000-0000-0000-0000-000000000000'

export interface NewFolderMigration {
  name: string
  sql: string
  /** The state the new snapshot describes: the schema's, or the head's when only the SQL was wrong. */
  ddl: DdlEntity[]
  /** The state the folder's snapshots add up to (their leaves rebuilt together); empty for an empty folder. */
  head: DdlEntity[]
  /** Milliseconds; the folder's timestamp is at least one second after every earlier one. */
  now: number
  dryRun: boolean
}

interface StoredSnapshot {
  folder: string
  id?: string
  prevIds: string[]
  version?: string
}

function storedSnapshots(dir: string): StoredSnapshot[] {
  if (!fs.existsSync(dir)) return []
  return (
    fs
      .readdirSync(dir, { withFileTypes: true })
      // Every folder drizzle-kit 1.x or its migrator reads: timestamped, or holding a snapshot or a migration.
      .filter(
        (e) =>
          e.isDirectory() &&
          (V1_TIMESTAMP.test(e.name) ||
            fs.existsSync(path.join(dir, e.name, 'snapshot.json')) ||
            fs.existsSync(path.join(dir, e.name, 'migration.sql')))
      )
      .map((e) => e.name)
      .sort((a, b) => a.localeCompare(b))
      .flatMap((folder): StoredSnapshot[] => {
        const file = path.join(dir, folder, 'snapshot.json')
        if (!fs.existsSync(file)) return [{ folder, prevIds: [] }]
        const json = parseJson<{ id?: unknown; prevIds?: unknown; version?: unknown }>(fs.readFileSync(file, 'utf8'))
        return [
          {
            folder,
            id: typeof json.id === 'string' ? json.id : undefined,
            prevIds: Array.isArray(json.prevIds) ? json.prevIds.filter((p): p is string => typeof p === 'string') : [],
            version: typeof json.version === 'string' ? json.version : undefined
          }
        ]
      })
  )
}

/** `YYYYMMDDHHmmss` of a UTC time, as drizzle's migrator reads a folder's prefix (formatToMillis: UTC). */
export function folderStamp(ms: number): string {
  return new Date(ms).toISOString().replace(/\D/g, '').slice(0, 14)
}

function stampMillis(folder: string): number {
  const d = folder.slice(0, 14)
  return Date.UTC(
    +d.slice(0, 4),
    +d.slice(4, 6) - 1,
    +d.slice(6, 8),
    +d.slice(8, 10),
    +d.slice(10, 12),
    +d.slice(12, 14)
  )
}

/** Field values compared as drizzle-kit compares rows (a missing field is null; object keys in any order). */
function canonical(value: unknown): string {
  if (value === undefined || value === null) return 'null'
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`
  if (typeof value === 'object')
    return `{${Object.keys(value as object)
      .sort()
      .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`)
      .join(',')}}`
  return JSON.stringify(value)
}

export type Delta =
  | { op: 'create'; row: DdlEntity }
  | { op: 'drop'; key: string }
  | { op: 'alter'; key: string; set: Record<string, unknown> }

/**
 * The deltas that turn one state into the other, in drizzle-kit's delta format (drops, then creates, then alters of
 * the fields that differ). Renames are a drop and a create: 1.x rebuilds the same state from them.
 */
export function stateDeltas(from: DdlEntity[], to: DdlEntity[]): Delta[] {
  const before = new Map(from.map((e) => [entityKey(e), e]))
  const after = new Map(to.map((e) => [entityKey(e), e]))
  const drops: Delta[] = [...before.keys()].filter((k) => !after.has(k)).map((key) => ({ op: 'drop', key }))
  const creates: Delta[] = [...after].filter(([k]) => !before.has(k)).map(([, row]) => ({ op: 'create', row }))
  const alters: Delta[] = []
  for (const [key, row] of after) {
    const old = before.get(key)
    if (!old) continue
    const set: Record<string, unknown> = {}
    for (const field of new Set([...Object.keys(old), ...Object.keys(row)]))
      if (field !== 'entityType' && canonical(old[field]) !== canonical(row[field])) set[field] = row[field] ?? null
    if (Object.keys(set).length > 0) alters.push({ op: 'alter', key, set })
  }
  return [...drops, ...creates, ...alters]
}

export function writeFolderMigration(folder: MigrationFolder, migration: NewFolderMigration): WrittenMigration {
  const stored = storedSnapshots(folder.dir)
  const withIds = stored.filter((s): s is StoredSnapshot & { id: string } => s.id !== undefined)
  const parents = new Set(withIds.flatMap((s) => s.prevIds))
  // generate's order: the last folder's leaf first (it is the state the others' diffs are applied on).
  const leaves = withIds
    .filter((s) => !parents.has(s.id))
    .map((s) => s.id)
    .reverse()
  const when = Math.max(migration.now, ...stored.map((s) => stampMillis(s.folder) + 1000))
  const tag = `${folderStamp(when)}_${migration.name}`
  const header = { version: '9', dialect: 'postgres', id: randomUUID() }
  let snapshot: Record<string, unknown>
  if (withIds.length === 0)
    snapshot = { type: 'base', ...header, prevIds: [ORIGIN], footprints: [], ddl: migration.ddl }
  else if (withIds.every((s) => s.version === '8'))
    snapshot = { ...header, version: '8', prevIds: leaves, ddl: migration.ddl, renames: [] }
  else
    // No footprints, as `generate --custom` writes none: 1.x's check of two branches does not see these statements.
    snapshot = {
      type: 'diff',
      ...header,
      prevIds: leaves,
      footprints: [],
      deltas: stateDeltas(migration.head, migration.ddl)
    }
  const migrationDir = path.join(folder.dir, tag)
  const sqlFile = path.join(migrationDir, 'migration.sql')
  const snapshotFile = path.join(migrationDir, 'snapshot.json')
  if (fs.existsSync(migrationDir)) throw new Error(`${migrationDir} already exists: fix never overwrites a file`)
  if (!migration.dryRun) {
    fs.mkdirSync(migrationDir, { recursive: true })
    fs.writeFileSync(sqlFile, migration.sql)
    fs.writeFileSync(snapshotFile, JSON.stringify(snapshot, null, 2))
  }
  return { tag, files: [sqlFile, snapshotFile], when }
}
