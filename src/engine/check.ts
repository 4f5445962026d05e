// The drift check: load -> provision -> migrate -> introspect -> diff -> explain -> report. Knows nothing of GitHub.
// This file only orchestrates: each step lives in its own folder (see docs/design.md).
import * as path from 'node:path'
import { LoadedConfig, ResolvedTarget, loadConfigInChild } from '../config/load-config'
import { Finding, Report, TargetResult } from '../core/findings'
import { Limiter, limiter } from '../core/limiter'
import { TOOL_VERSION } from '../core/version'
import { crossDatabaseRoleFindings, crossTargetFindings, failedTargetResult } from '../explain/cross-target'
import { BaseComparison, checkAgainstBase, checkFolder } from '../explain/journal'
import { identifierCollisionFindings, snapshotFindings, withSnapshotOnlyChanges } from '../explain/snapshot-findings'
import { readSnapshots } from '../explain/snapshots'
import { readMigrationFolder } from '../migrations/folder'
import { PostgresProvider } from '../postgres/provider'
import { FINDING_POLICIES, assembleFindings } from '../report/assembly'
import { baselinePolicy, baselineSummary } from '../baseline/apply'
import { loadBaseline } from '../baseline/file'
import { declaredCounts } from '../schema/declared'
import { drizzleKitVersion } from '../schema/drizzle-kit'
import { kit1Note } from '../schema/kit1-names'
import { LoadedSchema, drizzleOfTarget, kit1SerialiserNote, loadSchema } from '../schema/load-schema'
import { atV1Head } from '../explain/snapshot-v1-head'
import { RunContext, phaseClock } from './run-context'
import { SharedSide } from './shared-databases'
import { TargetCheck, checkTargetDatabases, planTargetDatabases } from './target-databases'

export interface CheckOptions {
  root: string
  config?: string
  provider: PostgresProvider
  /** Git ref of the base branch: enables migration_modified / out-of-order checks against it. */
  base?: string
  /** The repository's top and what differs from `base` there, when --base compared them already. */
  baseComparison?: BaseComparison
  /** Progress lines for people (stderr in the CLI, the log in the action). */
  log?: (line: string) => void
  version?: string
  /** Databases worked on at once (default: what the provider suits). */
  concurrency?: number
  /** Stand in for packages the schema imports that are not installed (e.g. nanoid in $defaultFn). */
  stubMissingImports?: boolean
  /** The baseline: a file (relative to root), false for none, undefined for drift-guard.baseline.json if present. */
  baseline?: string | false
  /** A bound on databases shared with another check running at the same time (the base's, --base). */
  limit?: Limiter
  /**
   * Migrated databases shared with that other check: identical migrations are applied once, and one side's
   * further migrations are applied to the other side's database (src/engine/shared-databases.ts).
   */
  shared?: SharedSide
}

/** A finding before the target's name and severity overrides are applied. */
type TargetFinding = Omit<Finding, 'target'>

/** A target once loaded: what its files say, before any database. */
interface PreparedTarget extends TargetCheck {
  findings: TargetFinding[]
}

export async function runCheck(options: CheckOptions): Promise<Report> {
  return (await checkProject(options)).report
}

/** What one check read of each target (schema, migrations, snapshots), beside its report: the inventory's input. */
export interface CheckedProject {
  report: Report
  config: LoadedConfig
  targets: TargetCheck[]
}

export async function checkProject(options: CheckOptions): Promise<CheckedProject> {
  const log = options.log ?? (() => undefined)
  const { timings, timed } = phaseClock(['load', 'provision', 'migrate', 'introspect', 'diff', 'run'])

  // Every run needs a database: a server starts creating one while the config and the schemas load (CREATE
  // DATABASE is its slowest step, and the first database is on the critical path); more are created when work
  // waits for one.
  await options.provider.warm?.(['check'])
  const config: LoadedConfig = await timed('load', () => loadConfigInChild(options.root, options.config))
  const root = config.root
  const baseline = loadBaseline(options.baseline, root, config.configFile)
  const baselineRun = baseline ? { baseline, root, mode: 'check' as const } : undefined
  const run: RunContext = {
    provider: options.provider,
    root,
    timed,
    log,
    limit: options.limit ?? limiter(options.concurrency ?? options.provider.concurrency),
    shared: options.shared
  }

  const prepared: PreparedTarget[] = []
  for (const target of config.targets) prepared.push(await prepareTarget(target, options, run))

  // What each target's databases are built from, announced to the other check of a --base run before any is built.
  const plans = await Promise.all(prepared.map((p) => planTargetDatabases(p, run)))
  run.shared?.doneAnnouncing()
  // Every database of every target at once, as many at a time as the provider takes: creating a database on a
  // server costs a checkpoint-like fsync, and each embedded instance is single-threaded.
  await Promise.all(prepared.map(async (p, i) => p.findings.push(...(await checkTargetDatabases(p, run, plans[i])))))
  // What the databases showed tells a snapshot that lags the schema from one that records what was never built.
  for (const p of prepared)
    p.findings = withSnapshotOnlyChanges(
      p.findings,
      p.result.databases.length > 0 && p.result.databases.every((d) => d.compared),
      p.target.name
    )

  const findings: Finding[] = prepared.flatMap((p) => p.findings.map((f) => ({ ...f, target: p.target.name })))
  const targets: TargetResult[] = prepared.map((p) => p.result)
  for (const failed of config.failedTargets ?? []) {
    const { result, finding } = failedTargetResult(failed, root)
    targets.push(result)
    findings.push(finding)
  }
  const schemas = new Map<string, LoadedSchema>(prepared.map((p) => [p.target.name, p.schema]))
  findings.push(...crossTargetFindings(config.targets, schemas), ...crossDatabaseRoleFindings(prepared, root))

  const policies = baselineRun ? [baselinePolicy(baselineRun), ...FINDING_POLICIES] : FINDING_POLICIES
  const assembled = assembleFindings(findings, { targets: config.targets }, 'by-target', policies)
  const report: Report = {
    version: 1,
    mode: 'check',
    ok: assembled.ok,
    tool: { name: 'drizzle-drift-guard', version: options.version ?? TOOL_VERSION, drizzleKit: drizzleKitVersion() },
    root,
    postgres: {
      provider: options.provider.description,
      version: await options.provider.serverVersion().catch(() => undefined)
    },
    targets,
    findings: assembled.findings,
    summary: assembled.summary,
    notes: [...config.notes, ...((await options.provider.notes?.()) ?? [])],
    timings: Object.fromEntries(Object.entries(timings).map(([k, v]) => [k, Math.round(v)])),
    ...(baselineRun ? { baseline: baselineSummary(baselineRun, assembled.findings) } : {})
  }
  return { report, config, targets: prepared }
}

/** Loads a target's schema, migrations and snapshots, and checks what needs no database. */
async function prepareTarget(target: ResolvedTarget, options: CheckOptions, run: RunContext): Promise<PreparedTarget> {
  const { root, timed, log } = run
  const rel = (f: string): string => path.relative(root, f)
  log(`target ${target.name}: ${target.schemaFiles.map(rel).join(', ')} -> ${rel(target.migrationsDir)}`)
  const loaded = await timed('load', () => loadSchema(root, target, options.stubMissingImports))
  const folder = await timed('load', () => readMigrationFolder(target.migrationsDir))
  // A 1.x project: the head of its snapshots, and its unnamed constraints under the names given there.
  const { schema, head } = atV1Head(loaded, folder, root)
  const snapshots = await timed('load', () =>
    run.shared ? run.shared.snapshots(folder.migrations) : readSnapshots(folder.migrations)
  )
  const findings: TargetFinding[] = [...checkFolder(folder, snapshots, root)]
  if (options.base) findings.push(...checkAgainstBase(folder, options.base, root, options.baseComparison))
  findings.push(
    ...(await timed('diff', () =>
      snapshotFindings(
        target,
        schema.snapshot,
        snapshots,
        root,
        schema.cacheKey,
        schema.kit1State && head ? { state: schema.kit1State, head } : undefined
      )
    ))
  )
  findings.push(...identifierCollisionFindings(schema.snapshot, schema.sources))
  const result: TargetResult = {
    name: target.name,
    ...(target.drizzleConfig ? { drizzleConfig: rel(target.drizzleConfig) } : {}),
    schema: target.schemaFiles.map(rel),
    migrations: rel(target.migrationsDir),
    migrationsFormat: folder.format,
    migrationsTable: `${target.migrationsSchema}.${target.migrationsTable}`,
    drizzle: drizzleOfTarget(schema),
    ...(target.casing ? { casing: target.casing } : {}),
    databases: [],
    declared: declaredCounts(schema.snapshot),
    notes: [
      ...(target.notes ?? []),
      ...(schema.fallbacks.length
        ? [`the project has no ${schema.fallbacks.join(', ')} installed: used the bundled copy`]
        : []),
      ...(schema.stubbed.length
        ? [
            `not installed, replaced by stand-ins while loading the schema: ${schema.stubbed.join(', ')} (install the dependencies if they shape tables or columns)`
          ]
        : [])
    ]
  }
  if (schema.kit1State) result.notes.push(kit1SerialiserNote(schema, target.casing))
  else if (schema.drizzleKit1) result.notes.push(kit1Note(schema.drizzleKit1))
  return { target, schema, folder, snapshots, result, findings }
}
