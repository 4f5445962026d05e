// Each target's migrations in journal order, with a one-line summary of what each does and the flags that say how it
// came to be: hand-written (its snapshot does not change), hand-edited (drizzle-kit never writes data or function
// statements), out of order (its `when` is before the previous one's), no snapshot, missing file.
import * as path from 'node:path'
import { canonical, SnapshotFile } from '../explain/snapshots'
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

function snapshotState(s: SnapshotFile | undefined): string | undefined {
  if (!s) return undefined
  if (s.snapshot) {
    const { id: _id, prevId: _prevId, _meta, ...state } = s.snapshot as unknown as Record<string, unknown>
    void _meta
    return canonical(state)
  }
  if (s.v1) return canonical(s.v1.ddl)
  return undefined
}

export function migrationHistory(
  migrations: Migration[],
  snapshots: SnapshotFile[],
  events: Map<string, LineageEvent[]>,
  root: string
): HistoryEntry[] {
  let previousState: string | undefined
  let previousWhen = -Infinity
  return migrations.map((migration, index) => {
    const own = events.get(migration.tag) ?? []
    const snapshot = snapshots.find((s) => s.migration === migration)
    const state = snapshotState(snapshot)
    const flags: HistoryEntry['flags'] = []
    if (migration.sql === undefined) flags.push('missing file')
    if (!state) flags.push('no snapshot')
    else if (index > 0 && previousState !== undefined && state === previousState) flags.push('hand-written')
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
