// Appends one migration to a 0.x folder, never touching an existing file's bytes (the journal gets one entry
// inserted before its closing bracket; earlier entries stay as written): NNNN_<tag>.sql + meta/NNNN_snapshot.json +
// a meta/_journal.json entry whose `when` is newer than every other.
import * as fs from 'node:fs'
import * as path from 'node:path'
import { randomUUID } from 'node:crypto'
import { parseJson } from '../core/json'
import { MigrationFolder, STATEMENT_BREAKPOINT } from '../migrations/folder'
import { RepairStatement } from './types'

/** The SQL file: each statement with its hazards as comments above it, one per breakpoint, as drizzle-kit joins them. */
export function migrationSql(statements: RepairStatement[], header: string[]): string {
  if (statements.length === 0) return header.map((h) => `-- ${h}`).join('\n') + '\n'
  return statements
    .map((s, i) => {
      const comments = [...(i === 0 ? header : []), ...s.hazards.map((h) => `hazard: ${h}`)]
      return [...comments.map((c) => `-- ${c}`), s.sql].join('\n')
    })
    .join(`${STATEMENT_BREAKPOINT}\n`)
}

// Two short word lists in the spirit of drizzle-kit's `<adjective>_<name>` tags (the words are ours).
const ADJECTIVES = ['tidy', 'steady', 'careful', 'quiet', 'mended', 'patient', 'sound', 'level', 'plain', 'honest']
const NOUNS = ['falcon', 'harbor', 'compass', 'lantern', 'anchor', 'ledger', 'keel', 'beacon', 'bridge', 'meridian']

export function defaultName(seed: number): string {
  return `${ADJECTIVES[seed % ADJECTIVES.length]}_${NOUNS[Math.floor(seed / ADJECTIVES.length) % NOUNS.length]}`
}

export interface NewMigration {
  /** The name part (`--name`, else a drizzle-kit style one). */
  name: string
  sql: string
  /** The snapshot to write, without id/prevId(s): those are set here. */
  snapshot: Record<string, unknown>
  /** Milliseconds; the `when` is at least one more than every earlier one. */
  now: number
  dryRun: boolean
}

export interface WrittenMigration {
  tag: string
  files: string[]
  when: number
}

/** The id of the last snapshot in the folder (what the new one chains to), read as written. */
function lastSnapshotId(folder: MigrationFolder): string | undefined {
  for (const m of [...folder.migrations].reverse()) {
    if (!m.snapshotFile || !fs.existsSync(m.snapshotFile)) continue
    try {
      const json = parseJson<{ id?: unknown }>(fs.readFileSync(m.snapshotFile, 'utf8'))
      if (typeof json.id === 'string') return json.id
    } catch {
      continue
    }
  }
  return undefined
}

export function writeJournalMigration(folder: MigrationFolder, migration: NewMigration): WrittenMigration {
  const journalFile = folder.journalFile ?? path.join(folder.dir, 'meta', '_journal.json')
  const idx = Math.max(folder.journalEntries.length, ...folder.journalEntries.map((e) => e.idx + 1))
  const prefix = String(idx).padStart(4, '0')
  const tag = `${prefix}_${migration.name}`
  const when = Math.max(migration.now, ...folder.journalEntries.map((e) => e.when + 1))
  const sqlFile = path.join(folder.dir, `${tag}.sql`)
  const snapshotFile = path.join(folder.dir, 'meta', `${prefix}_snapshot.json`)
  const prevId = lastSnapshotId(folder) ?? '00000000-0000-0000-0000-000000000000'
  const snapshot = { id: randomUUID(), prevId, ...withoutIds(migration.snapshot) }
  for (const file of [sqlFile, snapshotFile])
    if (fs.existsSync(file)) throw new Error(`${file} already exists: fix never overwrites a file`)
  if (!migration.dryRun) {
    const text = fs.readFileSync(journalFile, 'utf8')
    const entry = { idx, version: '7', when, tag, breakpoints: true }
    fs.writeFileSync(sqlFile, migration.sql)
    fs.writeFileSync(snapshotFile, JSON.stringify(snapshot, null, 2))
    fs.writeFileSync(journalFile, withJournalEntry(text, entry))
  }
  return { tag, files: [sqlFile, snapshotFile, journalFile], when }
}

/** The journal text with one entry appended to `entries`, the text before it unchanged. */
export function withJournalEntry(text: string, entry: Record<string, unknown>): string {
  const close = text.lastIndexOf(']')
  const head = text.slice(0, close)
  const before = head.trimEnd()
  const closing = head.slice(before.length) || '\n  '
  const entryIndent = /\n([ \t]*)\{[^{}]*\}$/.exec(before)?.[1] ?? '    '
  const propIndent = /\n([ \t]*)"idx"/.exec(text)?.[1] ?? `${entryIndent}  `
  const body = Object.entries(entry)
    .map(([k, v]) => `${propIndent}${JSON.stringify(k)}: ${JSON.stringify(v)}`)
    .join(',\n')
  const separator = before.endsWith('[') ? '' : ','
  return `${before}${separator}\n${entryIndent}{\n${body}\n${entryIndent}}${closing}${text.slice(close)}`
}

const withoutIds = (snapshot: Record<string, unknown>): Record<string, unknown> => {
  const rest: Record<string, unknown> = { ...snapshot }
  delete rest.id
  delete rest.prevId
  delete rest.prevIds
  return rest
}
