// Each target's migrations in journal order, with a one-line summary of what each does and the flags that say how it
// came to be: hand-written (its snapshot does not change), hand-edited (drizzle-kit never writes data or function
// statements), out of order (its `when` is before the previous one's), no snapshot, missing file.
import * as path from 'node:path'
import { SnapshotFile } from '../explain/snapshots'
import { Migration } from '../migrations/folder'
import { Action, LineageEvent } from './lineage'
import { HistoryEntry } from './model'

const WORDS: Partial<Record<Action, [string, string, 'table' | 'column' | 'name' | 'none']>> = {
  'create table': ['creates', 'table', 'table'],
  'drop table': ['drops', 'table', 'table'],
  'rename table': ['renames', 'table', 'table'],
  'add column': ['adds', 'column', 'column'],
  'alter column': ['alters', 'column', 'column'],
  'drop column': ['drops', 'column', 'column'],
  'rename column': ['renames', 'column', 'column'],
  'create enum': ['creates', 'enum', 'name'],
  'alter enum': ['alters', 'enum', 'name'],
  'drop enum': ['drops', 'enum', 'name'],
  'create index': ['creates', 'index', 'name'],
  'drop index': ['drops', 'index', 'name'],
  'add constraint': ['adds', 'constraint', 'none'],
  'drop constraint': ['drops', 'constraint', 'none'],
  data: ['runs', 'hand-written data statement', 'none'],
  function: ['creates', 'function/trigger/DO block', 'none'],
  other: ['runs', 'other statement', 'none']
}

/** "creates 3 tables (organizations, users, organization_invitations), adds 2 columns (users.email, …)". */
export function summarise(events: LineageEvent[]): string {
  // Columns of a CREATE TABLE are the table's: not counted as added columns.
  const created = new Set(events.filter((e) => e.action === 'create table').map((e) => `${e.schema}.${e.table}`))
  const counted = events.filter((e) => !(e.action === 'add column' && created.has(`${e.schema}.${e.table}`)))
  const parts: string[] = []
  for (const [action, [verb, noun, label]] of Object.entries(WORDS) as [Action, [string, string, string]][]) {
    const of = counted.filter((e) => e.action === action)
    if (of.length === 0) continue
    const names = [
      ...new Set(
        of.map((e) =>
          label === 'table'
            ? e.table
            : label === 'column'
              ? `${e.table}.${e.column}`
              : label === 'name'
                ? e.name
                : undefined
        )
      )
    ].filter(Boolean) as string[]
    const shown = names.length > 3 ? `${names.slice(0, 3).join(', ')}, …` : names.join(', ')
    parts.push(
      `${verb} ${of.length} ${noun}${of.length > 1 ? (noun.endsWith('x') ? 'es' : 's') : ''}${shown ? ` (${shown})` : ''}`
    )
  }
  return parts.join(', ') || 'no statement'
}

/** A snapshot's state without its ids (a hand-written migration's snapshot is the previous one with new ids). */
function snapshotState(s: SnapshotFile | undefined): unknown {
  if (!s) return undefined
  if (s.snapshot) {
    const { id: _id, prevId: _prevId, ...state } = s.snapshot as unknown as Record<string, unknown>
    return state
  }
  return s.v1?.ddl
}

/** Deep equality that stops at the first difference: consecutive states of a long history differ somewhere early. */
function sameState(a: unknown, b: unknown): boolean {
  if (a === b) return true
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false
  if (Array.isArray(a) !== Array.isArray(b)) return false
  const ka = Object.keys(a)
  const kb = Object.keys(b)
  if (ka.length !== kb.length) return false
  for (const k of ka) if (!sameState((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k])) return false
  return true
}

export function migrationHistory(
  migrations: Migration[],
  snapshots: SnapshotFile[],
  events: Map<string, LineageEvent[]>,
  root: string
): HistoryEntry[] {
  let previousState: unknown
  let previousWhen = -Infinity
  return migrations.map((migration, index) => {
    const own = events.get(migration.tag) ?? []
    const snapshot = snapshots.find((s) => s.migration === migration)
    const state = snapshotState(snapshot)
    const flags: HistoryEntry['flags'] = []
    if (migration.sql === undefined) flags.push('missing file')
    if (!state) flags.push('no snapshot')
    else if (index > 0 && previousState !== undefined && sameState(state, previousState)) flags.push('hand-written')
    else if (own.some((e) => e.action === 'data' || e.action === 'function')) flags.push('hand-edited')
    if (migration.when < previousWhen) flags.push('out of order')
    previousState = state ?? previousState
    previousWhen = Math.max(previousWhen, migration.when)
    return {
      tag: migration.tag,
      file: path.relative(root, migration.file),
      summary: migration.sql === undefined ? 'the SQL file is missing' : summarise(own),
      flags
    }
  })
}
