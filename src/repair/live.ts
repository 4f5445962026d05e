// `drift-guard fix --database-url`: before anything is written, every live database of the repaired targets is read
// (read-only, through the audit's sessions and functions; docs/repair.md, "Live databases"). Two things come of it:
// the new journal entry's `when` is dated after the newest `created_at` any of them recorded (drizzle-orm 0.x's
// migrator applies only entries newer than that, so an older `when` would be skipped there for good), and each
// database whose state is not the clean one (what the migrations build) is named with what the migration does to it.
import { ResolvedTarget } from '../config/load-config'
import { UsageError } from '../core/errors'
import { limiter } from '../core/limiter'
import { SchemaDifference } from '../diff/diff-schemas'
import { compareDatabases } from '../diff/rules'
import { LiveDatabaseOptions, liveDatabasesOf, readLedgerRows, tenantTargetOf } from '../engine/audit-master'
import { TargetCheck } from '../engine/target-databases'
import { LedgerStatus, compareLedger } from '../migrations/ledger'
import { introspectDatabase } from '../model/introspect'
import { DatabaseModel } from '../model/types'
import { DEFAULT_LIVE_OPTIONS, LiveOptions, openLive } from '../postgres/live'
import { findingLabel } from './plan'
import { LiveDatabaseRepair, RepairStatement } from './types'

export interface LiveReadOptions extends LiveDatabaseOptions {
  /** The target the tenant options apply to (the audit's default otherwise). */
  tenantTarget?: string
  live?: LiveOptions
}

/** A live database as read: its migrations table against the folder, and its schema against both models. */
export interface LiveDatabaseState {
  name: string
  /** The newest `created_at` its migrations table holds (ms), if it has rows. */
  newestCreatedAt?: number
  recorded: number
  ledger: LedgerStatus
  migrator: '0.x' | '1.x'
  model: DatabaseModel
  /** How it differs from the database the migrations build from clean. */
  fromClean: SchemaDifference[]
  /** How it differs from the schema's database. */
  fromSchema: SchemaDifference[]
}

/**
 * The live databases of each target, listed before the check: the tenant list comes from the master, so an
 * unreachable server or a wrong URL is known (exit 3) before any throwaway database is made.
 */
export async function listLiveDatabases(
  targets: ResolvedTarget[],
  allTargets: { name: string }[],
  options: LiveReadOptions
): Promise<Map<string, { name: string; url: string }[]>> {
  const live = options.live ?? DEFAULT_LIVE_OPTIONS
  assertPostgresUrl(options.databaseUrl, '--database-url')
  if (options.tenantUrlTemplate)
    assertPostgresUrl(options.tenantUrlTemplate.split('{database}').join('db'), '--tenant-url-template')
  const tenantTarget = tenantTargetOf(allTargets, options.tenantTarget)
  // The master answers first (or the run stops here): what the tenant query or pattern needs, and a clear exit 3.
  const probe = await openLive(options.databaseUrl, 'live', live)
  await probe.close().catch(() => undefined)
  const out = new Map<string, { name: string; url: string }[]>()
  for (const target of targets) out.set(target.name, await liveDatabasesOf(target, tenantTarget, options, live))
  return out
}

/**
 * A live URL must be a postgres:// URL with a host. Anything else is refused before connecting, without quoting it:
 * the driver reads a mistyped URL (`postgres:user:PW@host`) in ways that send part of the password to the server as
 * a database name, which the server then echoes in its error.
 */
function assertPostgresUrl(url: string, option: string): void {
  let parsed: URL | undefined
  try {
    parsed = new URL(url)
  } catch {
    parsed = undefined
  }
  if (!parsed || !/^postgres(ql)?:$/.test(parsed.protocol) || parsed.hostname === '' || !url.includes('://'))
    throw new UsageError(
      `${option} is not a postgres://user:password@host[:port]/database URL (it is not printed: it may hold a password)`
    )
}

/** Reads every listed database of the checked targets, read-only; one that cannot be read fails the run (exit 3). */
export async function readLiveDatabases(
  checks: TargetCheck[],
  databases: Map<string, { name: string; url: string }[]>,
  options: { live?: LiveOptions; concurrency?: number } = {}
): Promise<Map<string, LiveDatabaseState[]>> {
  const live = options.live ?? DEFAULT_LIVE_OPTIONS
  const limit = limiter(options.concurrency ?? 4)
  const out = new Map<string, LiveDatabaseState[]>()
  for (const check of checks) {
    const { target, folder, comparison } = check
    const list = databases.get(target.name)
    if (!list || !comparison) continue
    const migrationsTable = { schema: target.migrationsSchema, table: target.migrationsTable }
    const introspectOptions = { schemas: target.schemaFilter, tablesFilter: target.tablesFilter, migrationsTable }
    const diffOptions = { ignoreSchemas: [target.migrationsSchema] }
    const migrator = folder.format === 'folders' ? '1.x' : '0.x'
    const states = await Promise.all(
      list.map((db) =>
        limit(async (): Promise<LiveDatabaseState> => {
          const session = await openLive(db.url, db.name, live)
          try {
            const rows = await readLedgerRows(session, target)
            const model = await introspectDatabase(session, introspectOptions)
            const context = { database: session, actual: model, unbuilt: [] }
            const fromClean = await compareDatabases(comparison.actual, context, diffOptions)
            const fromSchema = await compareDatabases(
              comparison.expected,
              { ...context, unbuilt: comparison.unbuilt ?? [] },
              diffOptions
            )
            const newest = rows.reduce<number | undefined>(
              (max, r) =>
                Number.isFinite(r.createdAt) && (max === undefined || r.createdAt > max) ? r.createdAt : max,
              undefined
            )
            return {
              name: db.name,
              ...(newest !== undefined ? { newestCreatedAt: newest } : {}),
              recorded: rows.length,
              ledger: compareLedger(rows, folder.migrations, migrator),
              migrator,
              model,
              fromClean,
              fromSchema
            }
          } finally {
            await session.close().catch(() => undefined)
          }
        })
      )
    )
    out.set(target.name, states)
  }
  return out
}

/** The object a difference is about, in words: `column organizations.logo_url`. */
function objectOf(d: SchemaDifference): string {
  const label = findingLabel(d)
  const noun = d.kind
    .replace(/^(missing|extra)_/, '')
    .replace(/_mismatch$/, '')
    .replace(/_/g, ' ')
  return `${noun} ${label.slice(label.indexOf(' ') + 1)}`
}

/** How a live database differs from the clean one, in words. */
function describeFromClean(d: SchemaDifference): string {
  if (d.kind.startsWith('extra_')) return `has ${objectOf(d)}, which the migrations do not build`
  if (d.kind.startsWith('missing_')) return `lacks ${objectOf(d)}, which the migrations build`
  return d.expected !== undefined && d.actual !== undefined
    ? `${objectOf(d)} is ${d.actual} where the migrations build ${d.expected}`
    : d.message
}

const CONVERGENT = /IF NOT EXISTS|IF EXISTS|^DO \$\$/

/** The tables a rename statement's finding names: `rename T.FROM -> TO` (a column) or `rename FROM -> TO` (a table). */
function renameOf(finding: string): { table?: string; from: string; to: string } | undefined {
  const m = /^rename (?:(.+)\.)?([^.]+) -> (.+)$/.exec(finding)
  return m ? { table: m[1], from: m[2], to: m[3] } : undefined
}

export interface LiveJudgement {
  databases: LiveDatabaseRepair[]
  /** Databases where the migration would fail (their reason), for the skipped list. */
  failing: { database: string; reason: string }[]
}

/**
 * What the planned migration does to each live database: applied or not by its migrator, which of its statements
 * find their work done there (the convergent forms leave it alone), which fail, and what stays different.
 */
export function judgeLiveDatabases(
  states: LiveDatabaseState[],
  plan: {
    statements: RepairStatement[]
    /** The differences the statements were planned from (after --rename), to find what each is about. */
    differences: SchemaDifference[]
    /** Findings repaired by a --rename (their add + drop pairs were replaced by the RENAME). */
    renamedAway: Set<string>
    /** The new migration's name and `when` (0.x) when one is written. */
    tag?: string
    when?: number
  }
): LiveJudgement {
  const byLabel = new Map(plan.differences.map((d) => [findingLabel(d), d]))
  const findings = [...new Set(plan.statements.map((s) => s.finding))]
  const failing: LiveJudgement['failing'] = []
  const databases = states.map((state): LiveDatabaseRepair => {
    const { ledger, model } = state
    const hasTable = (schema: string, table: string): boolean => model.tables.has(`${schema}.${table}`)
    const fromSchema = new Set(state.fromSchema.map(findingLabel))
    const effects: LiveDatabaseRepair['effects'] = []
    if (ledger.pending.length === 0)
      for (const finding of findings) {
        const sqls = plan.statements.filter((s) => s.finding === finding).map((s) => s.sql)
        const rename = renameOf(finding)
        if (rename) {
          // The finding names no schema: a table of that name in any schema the target reads.
          const tableNamed = (name: string) => [...model.tables.values()].find((t) => t.name === name)
          if (rename.table === undefined) {
            if (!tableNamed(rename.from))
              effects.push({
                finding,
                effect: 'fails',
                reason: tableNamed(rename.to)
                  ? `table ${rename.to} is already there (renamed by hand?) and ${rename.from} is not: the RENAME fails`
                  : `there is no table ${rename.from} to rename`
              })
          } else {
            const columns = tableNamed(rename.table)?.columns
            if (columns && !columns.has(rename.from))
              effects.push({
                finding,
                effect: 'fails',
                reason: columns.has(rename.to)
                  ? `column ${rename.table}.${rename.to} is already there (renamed by hand?) and ${rename.from} is not: the RENAME fails`
                  : `there is no column ${rename.table}.${rename.from} to rename`
              })
          }
          continue
        }
        const d = byLabel.get(finding)
        if (d?.table && d.kind !== 'missing_table' && !hasTable(d.schema, d.table)) {
          effects.push({
            finding,
            effect: 'fails',
            reason: `table ${d.table} does not exist here: the statement fails, and the migrator rolls the migration back`
          })
          continue
        }
        if (fromSchema.has(finding)) continue // as on the clean database: the statement does its work
        effects.push({
          finding,
          effect: 'already-done',
          reason: sqls.every((s) => CONVERGENT.test(s))
            ? 'already as the schema says here: its IF [NOT] EXISTS form leaves it alone'
            : 'already as the schema says here: the statement sets what it has'
        })
      }
    const covered = new Set([...findings, ...plan.renamedAway])
    const remaining = state.fromSchema.map(findingLabel).filter((l) => !covered.has(l))
    // drizzle-orm 1.x runs every folder whose name it has not recorded; 0.x only entries newer than its newest row.
    const applies =
      plan.tag === undefined
        ? undefined
        : state.migrator === '1.x' ||
          plan.when === undefined ||
          state.newestCreatedAt === undefined ||
          plan.when > state.newestCreatedAt
    const notes: string[] = []
    if (ledger.pending.length > 0)
      notes.push(
        `${ledger.pending.length} earlier migration(s) are pending here (${ledger.pending.map((m) => m.tag).join(', ')}): the migrator runs them first, then the new one; what it does here is judged after them, as on the clean database`
      )
    if (ledger.skipped.length > 0)
      notes.push(
        `${ledger.skipped.map((m) => m.tag).join(', ')} never ran here and never will (its journal \`when\` is older than the newest one recorded): the new migration does not bring what they build`
      )
    if (ledger.modified.length > 0)
      notes.push(
        `${ledger.modified.map((m) => m.migration.tag).join(', ')} ran here in an earlier form (the stored hash differs): this database lacks the later edit`
      )
    if (ledger.unknown.length > 0)
      notes.push(`${ledger.unknown.length} recorded migration(s) match no migration of the folder`)
    if (state.recorded === 0)
      notes.push('no migration is recorded here: the migrator runs every migration, then the new one')
    for (const e of effects)
      if (e.effect === 'fails') failing.push({ database: state.name, reason: `${e.finding}: ${e.reason}` })
    return {
      database: state.name,
      recorded: state.recorded,
      ...(state.newestCreatedAt !== undefined ? { newestCreatedAt: state.newestCreatedAt } : {}),
      pending: ledger.pending.map((m) => m.tag),
      skipped: ledger.skipped.map((m) => m.tag),
      modified: ledger.modified.map((m) => m.migration.tag),
      unknown: ledger.unknown.length,
      clean:
        state.fromClean.length === 0 &&
        ledger.pending.length === 0 &&
        ledger.skipped.length === 0 &&
        ledger.modified.length === 0,
      differs: state.fromClean.map(describeFromClean),
      ...(applies !== undefined ? { applies } : {}),
      effects,
      remaining,
      notes
    }
  })
  return { databases, failing }
}

/** What drizzle's migrator does with the new migration on the databases read, in one sentence. */
export function migratorNote(
  migrator: '0.x' | '1.x',
  databases: LiveDatabaseRepair[],
  written: { tag?: string; when?: number }
): string {
  if (migrator === '1.x')
    return `drizzle-orm 1.x's migrator records each folder by name and runs every folder it has not recorded, whatever its timestamp: ${written.tag ?? 'the new folder'} is applied on each of the ${databases.length} live database(s) read (after their pending folders)`
  const newest = databases.reduce<LiveDatabaseRepair | undefined>(
    (best, d) =>
      d.newestCreatedAt !== undefined &&
      (best?.newestCreatedAt === undefined || d.newestCreatedAt > best.newestCreatedAt)
        ? d
        : best,
    undefined
  )
  const when = written.when === undefined ? '' : ` (${new Date(written.when).toISOString()})`
  return newest
    ? `drizzle's migrator applies a journal entry only when its \`when\` is later than the newest created_at a database recorded: the new entry's \`when\`${when} is later than that of all ${databases.length} live database(s) read (the newest: ${newest.database}, ${new Date(newest.newestCreatedAt!).toISOString()})`
    : `none of the ${databases.length} live database(s) read has recorded a migration: drizzle's migrator runs every migration there, the new one last`
}
