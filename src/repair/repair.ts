// `drift-guard fix`: from one check of the project, the ONE migration per target that makes its migrations build its
// schema, written in the folder's own format with the schema's snapshot chained to the last one. What is not schema
// drift (a failed migration, a broken journal) is never papered over: it is listed with what to do.
import * as fs from 'node:fs'
import * as path from 'node:path'
import { UsageError } from '../core/errors'
import { Finding } from '../core/findings'
import { parseJson } from '../core/json'
import { CheckedProject } from '../engine/check'
import { TargetCheck } from '../engine/target-databases'
import { compareSnapshots } from '../explain/snapshots'
import { readV1Head } from '../explain/snapshot-v1-head'
import { LiveDatabaseState, judgeLiveDatabases, migratorNote } from './live'
import { findingLabel, planStatements } from './plan'
import { RenameSpec, applyRenames } from './rename'
import { RepairResult, RepairStatement, TargetRepair } from './types'
import { WrittenMigration, defaultName, migrationSql, writeJournalMigration } from './write-migration'
import { writeFolderMigration } from './write-folder-migration'

export interface RepairOptions {
  /** Only this target. */
  target?: string
  /** The migration's name (drizzle-kit's --name). */
  name?: string
  dryRun?: boolean
  allowDestructive?: boolean
  renames?: RenameSpec[]
  /** Milliseconds (tests); default Date.now(). */
  now?: number
  /** With --database-url: each target's live databases as read (live.ts), to date and judge the migration by. */
  liveDatabases?: Map<string, LiveDatabaseState[]>
}

/** Findings that are not schema drift: a migration cannot repair them, and one written on top would hide them. */
function blocking(f: Finding): boolean {
  if (f.severity !== 'error') return false
  if (f.kind === 'journal_error') return !/^(no snapshot for|snapshot of|snapshots of)/.test(f.message)
  return ['migration_failed', 'migration_modified', 'migration_out_of_order', 'schema_error', 'config_error'].includes(
    f.kind
  )
}

export function repairProject(checked: CheckedProject, options: RepairOptions = {}): RepairResult {
  const names = checked.targets.map((t) => t.target.name)
  if (options.target && !names.includes(options.target))
    throw new UsageError(`--target ${options.target}: no such target (the config has ${names.join(', ')})`)
  if (options.name !== undefined && !/^[\w-]+$/.test(options.name))
    throw new UsageError(`--name ${options.name}: use letters, digits, _ and - only (it becomes a file name)`)
  const chosen = checked.targets.filter((t) => !options.target || t.target.name === options.target)
  const renames = options.renames ?? []
  const targets = chosen.map((t) =>
    repairTarget(
      t,
      checked,
      {
        ...options,
        renames: renames.filter((r) => chosen.length === 1 || targetHasTable(t, r))
      },
      checked.config.root
    )
  )
  return {
    version: 1,
    ok: targets.every((t) => t.skipped.length === 0),
    dryRun: Boolean(options.dryRun),
    targets
  }
}

const targetHasTable = (t: TargetCheck, r: RenameSpec): boolean =>
  Boolean(t.comparison?.expected.tables.has(`${r.schema}.${r.table ?? r.to}`))

function repairTarget(check: TargetCheck, checked: CheckedProject, options: RepairOptions, root: string): TargetRepair {
  const { target, folder, schema, snapshots, comparison } = check
  const rel = (f: string): string => path.relative(root, f)
  const out: TargetRepair = { target: target.name, files: [], statements: [], skipped: [], declarations: [], notes: [] }
  const findings = checked.report.findings.filter((f) => f.target === target.name)
  const blockers = findings.filter(blocking)
  if (blockers.length > 0) {
    for (const f of blockers)
      out.skipped.push({
        finding: `${f.kind} ${f.name ?? f.table ?? ''}`.trim(),
        reason: `not schema drift: a new migration would hide it. ${f.message}${f.fix ? `. Fix: ${f.fix.split('\n')[0]}` : ''}${f.cause ? ` (${f.cause})` : ''}`
      })
    return out
  }
  if (!comparison) {
    out.skipped.push({ finding: target.name, reason: 'no database of this target was compared with the schema' })
    return out
  }
  const renamed = applyRenames(options.renames ?? [], comparison.expected, comparison.actual, comparison.differences)
  const plan = planStatements(renamed.differences, {
    expected: comparison.expected,
    actual: renamed.actual,
    tableDeclaration: (s, t) => {
      const at = schema.sources.table(s, t)
      return at ? `${at.file}:${at.line}` : undefined
    }
  })
  const all: RepairStatement[] = [...renamed.statements, ...plan.statements]
  out.skipped.push(...plan.skipped)
  out.declarations.push(...plan.declarations)
  for (const s of all) {
    if (s.destructive && !options.allowDestructive) {
      if (!out.skipped.some((k) => k.finding === s.finding))
        out.skipped.push({
          finding: s.finding,
          reason: `${s.hazards.join('; ')}: written only with --allow-destructive${/^(extra_|missing_column)/.test(s.finding) ? renameAdvice(s.finding) : ''}`
        })
    } else out.statements.push(s)
  }
  // Drop the statements of a finding left out in part (a half-applied enum dance would do harm).
  const skippedFindings = new Set(out.skipped.map((s) => s.finding))
  out.statements = out.statements
    .filter((s) => !skippedFindings.has(s.finding) || !all.some((x) => x.finding === s.finding && x.destructive))
    .sort((a, b) => a.phase - b.phase)

  // The live databases read before writing: what the migration does to each, and when it must be dated after.
  const states = options.liveDatabases?.get(target.name)
  const attachLive = (written?: WrittenMigration): void => {
    if (!states) return
    const kept = new Set(renamed.differences.map(findingLabel))
    const judged = judgeLiveDatabases(states, {
      statements: out.statements,
      differences: renamed.differences,
      renamedAway: new Set(comparison.differences.map(findingLabel).filter((l) => !kept.has(l))),
      tag: written?.tag,
      when: folder.format === 'folders' ? undefined : written?.when
    })
    out.databases = judged.databases
    if (written) out.notes.push(migratorNote(folder.format === 'folders' ? '1.x' : '0.x', judged.databases, written))
    const odd = judged.databases.filter((d) => !d.clean).map((d) => d.database)
    if (odd.length > 0)
      out.notes.push(
        `${odd.length} of ${judged.databases.length} live database(s) differ from what the migrations build: ${odd.join(', ')} (see each below)`
      )
    for (const f of judged.failing)
      out.skipped.push({
        finding: `database ${f.database}`,
        reason: `the new migration would fail there (${f.reason}): repair that database by hand first, or leave it out of this migration`
      })
  }
  // drizzle-orm 0.x applies an entry only when its `when` is later than the newest created_at a database recorded.
  const notBefore = (states ?? []).reduce((max, d) => Math.max(max, (d.newestCreatedAt ?? -Infinity) + 1), -Infinity)

  // The snapshot: the schema's, unless the last one already says the same (only the SQL was wrong): then its content.
  const last = [...snapshots].reverse().find((s) => s.snapshot)
  const upToDate = last?.snapshot ? compareSnapshots(last.snapshot, schema.snapshot).changes.length === 0 : false
  // A 1.x folder's snapshots are compared by the check (snapshot_out_of_date), not here.
  const snapshotBehind =
    folder.format === 'folders' ? findings.some((f) => f.kind === 'snapshot_out_of_date') : !upToDate
  if (out.statements.length === 0 && !snapshotBehind) {
    if (out.skipped.length === 0) out.notes.push('nothing to fix: the migrations build the schema')
    attachLive()
    return out
  }
  const header = [
    `drift-guard fix: makes the migrations build the schema of target "${target.name}" (docs/repair.md).`,
    'Every statement leaves a database that already has its change alone.'
  ]
  const sql = migrationSql(out.statements, header)
  const now = options.now ?? Date.now()
  const name = options.name ?? defaultName(now % 100)
  let written: WrittenMigration
  if (folder.format === 'folders') {
    const head = readV1Head(
      folder.dir,
      root,
      folder.migrations.map((m) => m.sql)
    )
    const hasSnapshots = folder.migrations.some((m) => m.snapshotFile && fs.existsSync(m.snapshotFile))
    if (!schema.kit1State || (hasSnapshots && !head.state)) {
      out.sql = sql
      out.skipped.push({
        finding: target.name,
        reason: !schema.kit1State
          ? 'this drizzle-kit 1.x project is read with the 0.x serialiser (a 1.0.0-beta with casing in its config): fix cannot write its snapshot. Run npx drizzle-kit generate --custom and paste the SQL above into its migration.sql'
          : "the folder's snapshots cannot be rebuilt into one state (see the check's findings): fix cannot chain a snapshot to them"
      })
      return out
    }
    // Only the SQL was wrong: the head's state again (no deltas), as `generate --custom` chains it.
    const ddl = snapshotBehind ? schema.kit1State.ddl : (head.state?.ddl ?? [])
    out.notes.push(
      snapshotBehind
        ? 'the new snapshot chains the schema to the last ones, as drizzle-kit 1.x generate writes it (a diff of their state)'
        : 'the last snapshots already describe the schema: the new one changes nothing (what generate --custom writes)'
    )
    written = writeFolderMigration(folder, {
      name,
      sql,
      ddl,
      head: head.state?.ddl ?? [],
      now,
      dryRun: Boolean(options.dryRun)
    })
  } else {
    let snapshot: Record<string, unknown>
    if (upToDate && last?.migration.snapshotFile)
      snapshot = parseJson<Record<string, unknown>>(fs.readFileSync(last.migration.snapshotFile, 'utf8'))
    else snapshot = { ...schema.snapshot }
    if (upToDate) out.notes.push('the last snapshot already describes the schema: the new one is its copy')
    else out.notes.push('the new snapshot is the schema, as drizzle-kit generate serialises it')
    written = writeJournalMigration(folder, {
      name,
      sql,
      snapshot,
      now: Math.max(now, notBefore),
      dryRun: Boolean(options.dryRun)
    })
  }
  out.tag = written.tag
  out.sql = sql
  out.files = written.files.map(rel)
  if (out.statements.some((s) => s.hazards.some((h) => h.startsWith('builds an index'))))
    out.notes.push(
      "drizzle's migrator runs a migration in a transaction, where CREATE INDEX CONCURRENTLY cannot run (drizzle-orm #860): on a large table, build the index CONCURRENTLY by hand first, the migration's IF NOT EXISTS then skips it"
    )
  attachLive(written)
  if (folder.format !== 'folders' && written.when > now + 60_000)
    out.notes.push(
      `the new entry's \`when\` (${new Date(written.when).toISOString()}) is in the future, after what a live database recorded: until then a migration drizzle-kit generates gets an earlier \`when\`, which drizzle's migrator would skip (the check reports it out of order); date it after this one`
    )
  return out
}

const renameAdvice = (finding: string): string =>
  finding.startsWith('extra_column') || finding.startsWith('missing_column') || finding.startsWith('extra_table')
    ? ' (if it was renamed, say so with --rename TABLE.OLD=NEW or --rename OLD_TABLE=NEW_TABLE and the data stays)'
    : ''

export { findingLabel }
