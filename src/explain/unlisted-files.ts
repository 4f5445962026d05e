// SQL files in a migrations folder that its journal does not list (a 1.x folder: that are no folder's migration.sql).
// drizzle's migrator never runs them, yet projects
// keep hand-written SQL there (RLS policies, helper functions) and apply it with a script of their own: a migration
// that needs what such a file creates fails on a new database, and an object only such a file creates or changes
// is missing or different. The causes name the file and line, and say how to make the migrator (or the check) run it.
import * as fs from 'node:fs'
import * as path from 'node:path'
import { DEFAULT_CONFIG_FILE } from '../config/target-types'
import { FolderProblem, Migration, MigrationFolder, hashMigration, splitStatements } from '../migrations/folder'
import { ObjectEvent, objectHistory, objectKey } from './object-history'

const unlistedCache = new WeakMap<MigrationFolder['problems'], Migration[]>()
/** The unlisted files of 1.x folders (one folder per migration): their causes and fixes speak of folders, not a journal. */
const ofFolders = new WeakSet<Migration>()
/**
 * The files of a folder that has no meta/_journal.json at all, with what is known of the missing journal: no entry
 * can be added to a journal that is not there, so their causes and fixes speak of getting the journal back.
 */
const withoutJournal = new WeakMap<Migration, NoJournal>()
type NoJournal = NonNullable<FolderProblem['noJournal']>

function readUnlisted(file: string): Migration | undefined {
  let sql: string
  try {
    sql = fs.readFileSync(file, 'utf8')
  } catch {
    return undefined
  }
  return {
    idx: -1,
    tag: path.basename(file, '.sql'),
    when: 0,
    file,
    sql,
    hash: hashMigration(sql),
    statements: splitStatements(sql),
    breakpoints: true
  }
}

/** The folder's .sql files that the journal does not list, read as migrations (outside the journal's order). */
export function unlistedMigrations(
  folder: Pick<MigrationFolder, 'problems'> & { format?: MigrationFolder['format'] }
): Migration[] {
  const cached = unlistedCache.get(folder.problems)
  if (cached) return cached
  const out = folder.problems.flatMap((p): Migration[] => {
    if (p.noJournal) {
      const noJournal = p.noJournal
      return noJournal.sqlFiles.flatMap((file) => {
        const m = readUnlisted(file)
        if (m) withoutJournal.set(m, noJournal)
        return m ? [m] : []
      })
    }
    const m = p.unlisted ? readUnlisted(p.file) : undefined
    return m ? [m] : []
  })
  if (folder.format === 'folders') for (const m of out) ofFolders.add(m)
  unlistedCache.set(folder.problems, out)
  return out
}

const combinedCache = new WeakMap<Migration[], WeakMap<Migration[], Migration[]>>()

/**
 * The object history with the unlisted files replayed after the journal's migrations (as a script run after
 * `migrate` applies them): an unlisted file's CREATE … IF NOT EXISTS of what a migration creates is no creation.
 */
function historyWithUnlisted(root: string, migrations: Migration[], unlisted: Migration[]): Map<string, ObjectEvent[]> {
  const byUnlisted = combinedCache.get(migrations) ?? new WeakMap<Migration[], Migration[]>()
  combinedCache.set(migrations, byUnlisted)
  let combined = byUnlisted.get(unlisted)
  if (!combined) byUnlisted.set(unlisted, (combined = [...migrations, ...unlisted]))
  return objectHistory(root, combined).events
}

export interface UnlistedProject {
  root: string
  migrations: Migration[]
  unlisted?: Migration[]
}

/** What the unlisted files did to one object (by key): their events, in file order. */
export function unlistedEvents(project: UnlistedProject, key: string | undefined): ObjectEvent[] {
  const unlisted = project.unlisted ?? []
  if (!key || unlisted.length === 0) return []
  const events = historyWithUnlisted(project.root, project.migrations, unlisted).get(key) ?? []
  return events.filter((e) => unlisted.includes(e.migration))
}

/** "a file of the migrations folder that meta/_journal.json does not list: drizzle's migrator never runs it" */
export const NOT_IN_JOURNAL = `a file of the migrations folder that meta/_journal.json does not list: drizzle's migrator never runs it`
/** The same of a 1.x folder's file: the migrator runs only each migration folder's migration.sql. */
export const NOT_A_MIGRATION = `a file of the migrations folder that is no migration folder's migration.sql: drizzle's migrator never runs it`

/** The same of a file of a folder that has no journal at all. */
export const NO_JOURNAL = `a file of a migrations folder that has no meta/_journal.json: drizzle's migrator refuses that folder ("Can't find meta/_journal.json file") and runs none of its files`

/** Why drizzle's migrator never runs this unlisted file, in the words of its folder's layout. */
export function neverRun(file: Migration): string {
  if (withoutJournal.has(file)) return NO_JOURNAL
  return ofFolders.has(file) ? NOT_A_MIGRATION : NOT_IN_JOURNAL
}

/** Is this one of the files of a folder that has no journal at all? */
export function inFolderWithoutJournal(file: Migration): boolean {
  return withoutJournal.has(file)
}

/** Does the target's folder have SQL files but no journal (read from its unlisted files)? */
export function folderWithoutJournal(unlisted: Migration[] | undefined): NoJournal | undefined {
  for (const m of unlisted ?? []) {
    const noJournal = withoutJournal.get(m)
    if (noJournal) return noJournal
  }
  return undefined
}

/** Why nothing of a folder without meta/_journal.json runs (the folder-level journal_error says it too). */
export function noJournalCause(root: string, noJournal: NoJournal): string {
  const ignored = noJournal.ignoredBy
  const why = ignored
    ? `: ${path.relative(root, ignored.file)}:${ignored.line} (\`${ignored.pattern}\`) ignores it, so the repository does not hold it and no clone has it`
    : ''
  return `the folder has no meta/_journal.json${why}. drizzle's migrator refuses the folder ("Can't find meta/_journal.json file") and runs none of its ${noJournal.sqlFiles.length} SQL file(s): nothing they create exists in a database it migrates`
}

/** How to get a journal back for such a folder: its own (restored and committed), or a new one generated afresh. */
export function noJournalFix(root: string, noJournal: NoJournal): string {
  const ignored = noJournal.ignoredBy
  const unignore = ignored
    ? `, and stop ignoring it (change ${path.relative(root, ignored.file)}:${ignored.line}, \`${ignored.pattern}\`)`
    : ''
  return `Bring back the meta/ folder drizzle-kit wrote with these files (meta/_journal.json and its snapshots, from the checkout that generated them or the repository's history) and commit it${unignore}. If it is lost, move the SQL files aside and run drizzle-kit generate, which writes the whole schema again as a first migration with a new journal; a database the old files already built must not run that migration: record it there as applied (a row in its migrations table, drizzle.__drizzle_migrations unless the config names another, with the sha256 of the new file as hash and its journal \`when\` as created_at)`
}

/**
 * The tables an unlisted file alters (columns, constraints, policies, row level security) that the journal's
 * migrations create: such a file cannot run before the migrations, so it cannot be a "setup" file as it is.
 */
export function tablesItAlters(project: UnlistedProject, file: Migration): string[] {
  const events = historyWithUnlisted(project.root, project.migrations, project.unlisted ?? [])
  const journaled = new Set(project.migrations)
  const tables = new Set<string>()
  for (const [key, list] of events) {
    if (!list.some((e) => e.migration === file)) continue
    const kind = key.slice(0, key.indexOf(':'))
    const [schema, parent, name] = key.slice(kind.length + 1).split('\u0000')
    const table = kind === 'rls' ? name : ['column', 'constraint', 'policy'].includes(kind) ? parent : undefined
    if (!table) continue
    const created = events.get(objectKey('table', schema, table)) ?? []
    if (created.some((e) => e.action === 'create' && journaled.has(e.migration)))
      tables.add(schema === 'public' ? table : `${schema}.${table}`)
  }
  return [...tables]
}

/**
 * How to have a file outside the journal run: listed in the journal (before `before`, when a migration needs it),
 * or, when it needs no table the migrations create, as a "setup" file of the check's target. drizzle's 0.x migrator
 * applies only the entries whose `when` is later than the newest `created_at` it recorded: an entry listed before
 * `before` is dated before it, so a database that already ran `before` skips it for good, and the text says so.
 */
export function unlistedFix(
  project: UnlistedProject,
  file: Migration,
  target: string,
  options: { before?: string; needs?: string[] } = {}
): string {
  const noJournal = withoutJournal.get(file)
  if (noJournal) return noJournalFix(project.root, noJournal)
  const rel = path.relative(project.root, file.file)
  const altered = tablesItAlters(project, file)
  if (ofFolders.has(file)) return folderFix(rel, altered, target, options)
  const where = options.before
    ? ` before ${options.before}`
    : ` as its last entry (its "when" later than every applied migration's: the migrator skips an entry dated before the newest it applied)`
  // Listed before a migration, it is dated before it: databases that ran that migration never run the entry.
  const applied = options.before
    ? ` on new databases; one that already ran ${options.before} skips it (the migrator applies only entries whose "when" is later than the newest it applied), so apply it there separately`
    : ''
  if (altered.length === 0)
    return `List ${file.tag} in meta/_journal.json${where}, so that drizzle's migrator runs it${applied}; or, if your deployment runs it before the migrations some other way, name "${rel}" in "setup" of target "${target}" in ${DEFAULT_CONFIG_FILE}, so that the check runs it too`
  const shown =
    altered.length <= 4 ? altered.join(', ') : `${altered.slice(0, 4).join(', ')} and ${altered.length - 4} more`
  const part = options.needs?.length
    ? `; what the migrations need of it (${options.needs.join(', ')}) could go in a "setup" file of target "${target}" in ${DEFAULT_CONFIG_FILE}`
    : ''
  return `List ${file.tag} in meta/_journal.json${where}, after the migrations that create the tables it alters (${shown}), so that drizzle's migrator runs it${applied}. As it is, it cannot be a "setup" file ("setup" runs before the migrations, and it alters their tables)${part}`
}

/**
 * unlistedFix for a 1.x folder: the file becomes a migration folder of its own. drizzle-orm 1.x's migrator applies
 * every folder whose name it has not recorded, in name order: a folder named to sort before `before` runs before it
 * on new databases, and on databases that already ran `before` too (unlike a 0.x journal entry dated before it).
 */
function folderFix(
  rel: string,
  altered: string[],
  target: string,
  options: { before?: string; needs?: string[] }
): string {
  const where = options.before
    ? `named to sort before ${options.before} (a 14-digit timestamp earlier than its own)`
    : `named to sort after the others (\`drizzle-kit generate --custom\` writes an empty one)`
  const also = options.before
    ? `; databases that already ran ${options.before} run it too (the migrator applies every folder whose name it has not recorded)`
    : ''
  if (altered.length === 0)
    return `Make "${rel}" a migration: a folder of its own ${where}, holding it as migration.sql, so that drizzle's migrator runs it${also}; or, if your deployment runs it before the migrations some other way, name "${rel}" in "setup" of target "${target}" in ${DEFAULT_CONFIG_FILE}, so that the check runs it too`
  const shown =
    altered.length <= 4 ? altered.join(', ') : `${altered.slice(0, 4).join(', ')} and ${altered.length - 4} more`
  const part = options.needs?.length
    ? `; what the migrations need of it (${options.needs.join(', ')}) could go in a "setup" file of target "${target}" in ${DEFAULT_CONFIG_FILE}`
    : ''
  return `Make "${rel}" a migration: a folder of its own ${where}, after the migrations that create the tables it alters (${shown}), holding it as migration.sql, so that drizzle's migrator runs it${also}. As it is, it cannot be a "setup" file ("setup" runs before the migrations, and it alters their tables)${part}`
}
