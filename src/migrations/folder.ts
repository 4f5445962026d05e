// Reads a drizzle-kit migrations folder, in either layout, into the list of migrations drizzle's migrator applies.
//   0.x layout: meta/_journal.json + NNNN_tag.sql + meta/NNNN_snapshot.json
//   v1 layout:  <YYYYMMDDHHmmss>_<name>/migration.sql + snapshot.json (no journal; order and `when` from the name)
// Problems with the folder are findings (journal_error), not exceptions: the rest of the check goes on.
import * as fs from 'node:fs'
import * as path from 'node:path'
import { createHash } from 'node:crypto'
import { JsonSyntaxError, parseJson } from '../core/json'
import { IgnoredBy, ignoredBy } from './ignored-by'

export const STATEMENT_BREAKPOINT = '--> statement-breakpoint'

export interface MigrationStatement {
  sql: string
  /** 1-based line in the SQL file where the statement's SQL starts (after leading comments and blank lines). */
  line: number
  /** 1-based line where the chunk (with its leading whitespace) starts: Postgres error positions count from here. */
  chunkLine: number
}

export interface Migration {
  idx: number
  tag: string
  /** Journal `when` (0.x) or the folder's timestamp (v1), in milliseconds: what drizzle stores in created_at. */
  when: number
  /** Absolute path of the SQL file. */
  file: string
  /** SQL text, undefined when the file is missing. */
  sql?: string
  /** sha256 of the whole file, as drizzle's migrator stores it. */
  hash?: string
  statements: MigrationStatement[]
  breakpoints: boolean
  /** Absolute path of the snapshot written with this migration, if it exists. */
  snapshotFile?: string
  /** Where that snapshot is (or would be), relative to the folder: `meta/0007_snapshot.json`. */
  snapshotName?: string
  /** The earlier entry with the same number, whose snapshot file this entry's name also points at. */
  sharesSnapshotWith?: string
  /** 1-based line of this entry in meta/_journal.json. */
  journalLine?: number
}

export interface FolderProblem {
  message: string
  file: string
  line?: number
  tag?: string
  severity: 'error' | 'warning'
  cause?: string
  fix?: string
  /** A .sql file the journal does not list (drizzle's migrator never runs it; the causes read what it does). */
  unlisted?: boolean
  /**
   * The folder has .sql files but no meta/_journal.json: drizzle's migrator runs none of them (it reads only the
   * journal's entries). The files, in name order, and the .gitignore line that keeps meta/ out, if one does.
   */
  noJournal?: { sqlFiles: string[]; ignoredBy?: IgnoredBy }
}

export interface MigrationFolder {
  dir: string
  format: 'journal' | 'folders'
  journalFile?: string
  migrations: Migration[]
  problems: FolderProblem[]
  /** Raw journal entries as written (for order and duplicate checks). */
  journalEntries: JournalEntry[]
}

export interface JournalEntry {
  idx: number
  version?: string
  when: number
  tag: string
  breakpoints: boolean
  line?: number
}

/**
 * Splits a migration as drizzle-orm's readMigrationFiles does: at every `--> statement-breakpoint`, whatever the
 * journal entry's `breakpoints` flag says (docs/research/drizzle-migrator.md).
 */
export function splitStatements(sql: string): MigrationStatement[] {
  const chunks = sql.split(STATEMENT_BREAKPOINT)
  const statements: MigrationStatement[] = []
  let offsetLines = 0
  for (const chunk of chunks) {
    // The statement starts at its first line of SQL: comments before it (`-- Create the table …`) are not it.
    const whitespace = /^\s*/.exec(chunk)?.[0] ?? ''
    const comments = /^(?:\s|--[^\n]*|\/\*[\s\S]*?\*\/)*/.exec(chunk)?.[0] ?? ''
    const leading =
      comments.length < chunk.trimEnd().length ? comments.slice(0, comments.lastIndexOf('\n') + 1) : whitespace
    const startLine = 1 + offsetLines + (leading.match(/\n/g)?.length ?? 0)
    if (chunk.trim().length > 0) statements.push({ sql: chunk, line: startLine, chunkLine: 1 + offsetLines })
    offsetLines += chunk.split('\n').length - 1
  }
  return statements
}

export function hashMigration(sql: string): string {
  return createHash('sha256').update(sql).digest('hex')
}

export function readMigrationFolder(dir: string): MigrationFolder {
  const journalFile = path.join(dir, 'meta', '_journal.json')
  if (fs.existsSync(journalFile)) return readJournalFolder(dir, journalFile)
  const folders = fs.readdirSync(dir, { withFileTypes: true }).filter((e) => e.isDirectory())
  // drizzle-kit 1.x's layout is told by its `<YYYYMMDDHHmmss>_<name>/` folders; then drizzle-orm 1.x's migrator
  // applies the migration.sql of every folder, whatever its name, in name order (localeCompare, as it sorts).
  if (folders.some((e) => V1_FOLDER.test(e.name)))
    return readV1Folder(
      dir,
      folders
        .map((e) => e.name)
        .filter((name) => V1_TIMESTAMP.test(name) || fs.existsSync(path.join(dir, name, 'migration.sql')))
        .sort((a, b) => a.localeCompare(b))
    )
  const sqlFiles = fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.sql'))
    .sort()
  const ignored = sqlFiles.length > 0 ? ignoredBy(journalFile) : undefined
  return {
    dir,
    format: 'journal',
    migrations: [],
    journalEntries: [],
    problems: [
      {
        message:
          sqlFiles.length > 0
            ? `${sqlFiles.length} SQL file(s) but no meta/_journal.json: drizzle's migrator applies nothing from this folder`
            : 'the migrations folder holds no migration: run drizzle-kit generate',
        file: sqlFiles.length > 0 ? journalFile : dir,
        severity: 'error',
        ...(sqlFiles.length > 0
          ? {
              noJournal: {
                sqlFiles: sqlFiles.map((f) => path.join(dir, f)),
                ...(ignored ? { ignoredBy: ignored } : {})
              }
            }
          : {})
      }
    ]
  }
}

function readJournalFolder(dir: string, journalFile: string): MigrationFolder {
  const problems: FolderProblem[] = []
  const text = fs.readFileSync(journalFile, 'utf8')
  let journal: { entries?: unknown }
  try {
    journal = parseJson(text)
  } catch (error) {
    const line = (error as JsonSyntaxError).line
    return {
      dir,
      format: 'journal',
      journalFile,
      migrations: [],
      journalEntries: [],
      problems: [{ message: `malformed JSON: ${(error as Error).message}`, file: journalFile, line, severity: 'error' }]
    }
  }
  if (!journal || !Array.isArray(journal.entries)) {
    return {
      dir,
      format: 'journal',
      journalFile,
      migrations: [],
      journalEntries: [],
      problems: [{ message: 'has no "entries" array', file: journalFile, line: 1, severity: 'error' }]
    }
  }
  const journalDialect = (journal as { dialect?: unknown }).dialect
  if (typeof journalDialect === 'string' && !['postgresql', 'pg', 'postgres'].includes(journalDialect)) {
    problems.push({
      message: `the journal's dialect is "${journalDialect}", not postgresql: it was generated for another database`,
      file: journalFile,
      line: 1,
      severity: 'warning'
    })
  }
  if ((journal.entries as unknown[]).length === 0) {
    problems.push({
      message:
        'the journal lists no migration: the schema was never generated into this folder (a drizzle-kit push workflow?); run drizzle-kit generate',
      file: journalFile,
      line: 1,
      severity: 'error'
    })
  }
  const lines = text.split('\n')
  const lineOfTag = (tag: string): number | undefined => {
    const i = lines.findIndex((l) => l.includes(`"${tag}"`))
    return i >= 0 ? i + 1 : undefined
  }
  const entries: JournalEntry[] = []
  /** Tags of entries that are not usable (no "when"): their SQL files are theirs, not files the journal lacks. */
  const invalidTags = new Set<string>()
  for (const [position, raw] of (journal.entries as Record<string, unknown>[]).entries()) {
    const tag = typeof raw?.tag === 'string' ? raw.tag : undefined
    const when = typeof raw?.when === 'number' ? raw.when : undefined
    if (tag && when === undefined && raw?.when !== undefined) {
      invalidTags.add(tag)
      problems.push({
        message: `journal entry "${tag}" has "when": ${JSON.stringify(raw.when)}: drizzle's migrator compares it with the last applied migration's created_at as milliseconds since 1970, so it must be a number (drizzle-kit writes Date.now())`,
        file: journalFile,
        line: lineOfTag(tag),
        tag,
        severity: 'error'
      })
      continue
    }
    if (!tag || when === undefined) {
      if (tag) invalidTags.add(tag)
      problems.push({
        message: `entry #${position} lacks a ${!tag ? '"tag"' : '"when"'}`,
        file: journalFile,
        line: tag ? lineOfTag(tag) : undefined,
        severity: 'error'
      })
      continue
    }
    entries.push({
      idx: typeof raw.idx === 'number' ? raw.idx : position,
      version: typeof raw.version === 'string' ? raw.version : undefined,
      when,
      tag,
      breakpoints: raw.breakpoints !== false,
      line: lineOfTag(tag)
    })
  }

  let missingBefore = 0
  const repositoryOf = repositoryFinder()
  const snapshotOwner = new Map<string, string>()
  const sharedSnapshot = (file: string, tag: string): { sharesSnapshotWith: string } | undefined => {
    const owner = snapshotOwner.get(file)
    if (owner === undefined) snapshotOwner.set(file, tag)
    return owner === undefined || !fs.existsSync(file) ? undefined : { sharesSnapshotWith: owner }
  }
  const migrations: Migration[] = entries.map((entry, position) => {
    const file = path.join(dir, `${entry.tag}.sql`)
    const snapshot = path.join(dir, 'meta', snapshotName(entry.tag))
    let sql: string | undefined
    const outside = outsideTheRepository(dir, file, `journal entry "${entry.tag}"`, repositoryOf)
    if (outside)
      problems.push({ message: outside, file: journalFile, line: entry.line, tag: entry.tag, severity: 'error' })
    else if (fs.existsSync(file)) sql = fs.readFileSync(file, 'utf8')
    else {
      // drizzle-orm 0.45's readMigrationFiles reads every file before the migrator runs any (docs/research/drizzle-migrator.md).
      problems.push({
        message: `journal entry "${entry.tag}" has no SQL file ${entry.tag}.sql: drizzle's migrator reads every SQL file before it applies any, so it throws "No file ${path.basename(dir)}/${entry.tag}.sql found" and applies none of the ${entries.length} migrations`,
        cause:
          missingBefore++ === 0
            ? `the check applies the ${position} migration(s) before it, to compare what they build with the schema, and stops there`
            : undefined,
        file: journalFile,
        line: entry.line,
        tag: entry.tag,
        severity: 'error'
      })
    }
    return {
      idx: entry.idx,
      tag: entry.tag,
      when: entry.when,
      file,
      sql,
      hash: sql === undefined ? undefined : hashMigration(sql),
      statements: sql === undefined ? [] : splitStatements(sql),
      breakpoints: entry.breakpoints,
      // Two entries with one number (`0033_a`, `0033_b`: two branches each generated 0033) name one file, which
      // holds one of their snapshots: it is read for the first, and the other says it shares it.
      ...(outside
        ? {}
        : (sharedSnapshot(snapshot, entry.tag) ?? { snapshotFile: fs.existsSync(snapshot) ? snapshot : undefined })),
      snapshotName: `meta/${path.basename(snapshot)}`,
      journalLine: entry.line
    }
  })

  const listed = new Set([...entries.map((e) => `${e.tag}.sql`), ...[...invalidTags].map((t) => `${t}.sql`)])
  for (const file of fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.sql'))
    .sort()) {
    if (!listed.has(file)) {
      problems.push({
        message: `${file} is not in meta/_journal.json: drizzle's migrator never applies it`,
        fix: `If the databases need what it does, make it a migration the journal lists (or, if your deployment runs it before the migrations some other way, name it in "setup" of this target in drift-guard.config.json, so the check runs it too); otherwise delete it`,
        unlisted: true,
        file: path.join(dir, file),
        line: 1,
        tag: file.replace(/\.sql$/, ''),
        severity: 'warning'
      })
    }
  }
  return { dir, format: 'journal', journalFile, migrations, problems, journalEntries: entries }
}

/** A folder name drizzle-kit 1.x gave: it begins with the migration's UTC timestamp, `YYYYMMDDHHmmss`. */
export const V1_TIMESTAMP = /^\d{14}/
/** A folder as drizzle-kit 1.x names it, `<YYYYMMDDHHmmss>_<name>`: one tells a 1.x migrations folder. */
export const V1_FOLDER = /^\d{14}_/

/** The way out for a 1.x folder whose name gives no timestamp (drizzle-orm 1.x's migrator cannot record it). */
export function timestampedFolderFix(name: string): string {
  return `Rename ${name}/ to <YYYYMMDDHHmmss>_${name}, the timestamp placing it where it belongs in the order`
}

/**
 * The created_at drizzle-orm 1.x's migrator records for a folder: the UTC date of its name's first 14 characters,
 * each part read as parseInt reads it (so "20250101000000-x" is a date, and "seed" is NaN, which the insert refuses).
 */
export function folderMillis(name: string): number {
  const part = (from: number, to: number): number => parseInt(name.slice(from, to), 10)
  return Date.UTC(part(0, 4), part(4, 6) - 1, part(6, 8), part(8, 10), part(10, 12), part(12, 14))
}

function readV1Folder(dir: string, names: string[]): MigrationFolder {
  const problems: FolderProblem[] = []
  const migrations: Migration[] = []
  const entries: JournalEntry[] = []
  const repositoryOf = repositoryFinder()
  names.forEach((name, idx) => {
    const file = path.join(dir, name, 'migration.sql')
    const snapshot = path.join(dir, name, 'snapshot.json')
    const when = folderMillis(name)
    entries.push({ idx, when, tag: name, breakpoints: true })
    if (Number.isNaN(when) && fs.existsSync(file))
      problems.push({
        message: `${name}/ does not begin with a 14-digit timestamp: drizzle-orm 1.x's migrator applies its migration.sql, then cannot record it (the created_at it reads from the name is NaN: "invalid input syntax for type bigint"), and the whole migrate is rolled back`,
        fix: timestampedFolderFix(name),
        file: path.join(dir, name),
        tag: name,
        severity: 'error'
      })
    // drizzle-orm 1.x's readMigrationFiles keeps only the folders that hold a migration.sql: the others are skipped.
    if (!fs.existsSync(file)) {
      problems.push({
        message: `${name}/ has no migration.sql: drizzle's migrator skips this folder`,
        file: path.join(dir, name),
        tag: name,
        severity: 'error'
      })
      return
    }
    const outside = outsideTheRepository(dir, file, `${name}/migration.sql`, repositoryOf)
    if (outside) {
      problems.push({ message: outside, file: path.join(dir, name), tag: name, severity: 'error' })
      return
    }
    const sql = fs.readFileSync(file, 'utf8')
    migrations.push({
      idx,
      tag: name,
      when,
      file,
      sql,
      hash: hashMigration(sql),
      statements: splitStatements(sql),
      breakpoints: true,
      snapshotFile: fs.existsSync(snapshot) ? snapshot : undefined
    })
  })
  problems.push(...unappliedV1Files(dir, names))
  return { dir, format: 'folders', migrations, problems, journalEntries: entries }
}

/**
 * The .sql files of a 1.x folder that drizzle-orm 1.x's migrator never applies: it reads only `<folder>/migration.sql`
 * of each folder below the migrations folder, so a .sql file beside the folders, or beside a folder's migration.sql,
 * is never run (projects keep RLS policies or helper functions there and apply them with a script of their own).
 * The causes read what they do, as they read a 0.x folder's files that its journal does not list.
 */
function unappliedV1Files(dir: string, names: string[]): FolderProblem[] {
  const fix = `If the databases need what it does, make it a migration: a folder of its own holding it as migration.sql (\`drizzle-kit generate --custom\` writes one) (or, if your deployment runs it before the migrations some other way, name it in "setup" of this target in drift-guard.config.json, so the check runs it too); otherwise delete it`
  const problem = (file: string, message: string): FolderProblem => ({
    message,
    fix,
    unlisted: true,
    file,
    line: 1,
    tag: path.basename(file, '.sql'),
    severity: 'warning'
  })
  const sqlFiles = (folder: string): string[] =>
    fs
      .readdirSync(folder, { withFileTypes: true })
      .filter((e) => e.isFile() && e.name.endsWith('.sql'))
      .map((e) => e.name)
      .sort()
  const out = sqlFiles(dir).map((f) =>
    problem(
      path.join(dir, f),
      `${f} is in no migration folder: drizzle's migrator applies only each folder's migration.sql, never this file`
    )
  )
  for (const name of names)
    for (const f of sqlFiles(path.join(dir, name)).filter((f) => f !== 'migration.sql'))
      out.push(
        problem(
          path.join(dir, name, f),
          `${name}/${f} is not its folder's migration.sql: drizzle's migrator never applies it`
        )
      )
  return out
}

/**
 * The snapshot file drizzle-kit wrote with a journal entry: named after the tag's prefix (the padded idx at the time
 * of generate, or the timestamp), which is also how drizzle-kit drop and 1.x's up find it. A journal reordered by a
 * merge keeps each tag's number, so the number, not the entry's current idx, names its snapshot.
 */
function snapshotName(tag: string): string {
  return `${tag.split('_')[0]}_snapshot.json`
}

/** The nearest folder holding `.git` at or above a folder (its real path), else the folder itself. */
function findRepository(realDir: string): string {
  for (let up = realDir; ; up = path.dirname(up)) {
    if (fs.existsSync(path.join(up, '.git'))) return up
    if (path.dirname(up) === up) return realDir
  }
}

/** findRepository, looked up once per folder for the whole folder's files (300 migrations: 300 walks up to /). */
function repositoryFinder(): (realDir: string) => string {
  const found = new Map<string, string>()
  return (realDir) => found.get(realDir) ?? found.set(realDir, findRepository(realDir)).get(realDir)!
}

/**
 * Why a migration file may not be read, or undefined: a journal tag that climbs out of the folder (`../`), or a file
 * (or a folder on its way) that is a symlink to something outside the repository. Either would put another file's
 * content (a secret) into a finding. The repository is the nearest folder above the migrations holding `.git`;
 * without one, the migrations folder itself.
 */
function outsideTheRepository(
  dir: string,
  file: string,
  entry: string,
  repositoryOf: (realDir: string) => string = findRepository
): string | undefined {
  const relative = path.relative(dir, file)
  if (relative.startsWith('..') || path.isAbsolute(relative) || /[\\/]\.\.([\\/]|$)|^\.\.$/.test(relative))
    return `${entry} points outside the migrations folder (${relative}): refused`
  if (!fs.existsSync(file)) return undefined
  let real: string
  let realDir: string
  try {
    real = fs.realpathSync(file)
    realDir = fs.realpathSync(dir)
  } catch {
    return undefined
  }
  const repository = repositoryOf(realDir)
  const inside = path.relative(repository, real)
  if (inside.startsWith('..') || path.isAbsolute(inside))
    return `${entry} is a symlink to ${real}, outside the repository (${repository}): refused`
  return undefined
}
