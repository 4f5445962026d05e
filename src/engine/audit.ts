// The audit of live databases: for the master and every tenant database, which migrations are applied, pending,
// skipped or unknown, which applied files changed since, and how the live schema differs from the repository's.
// Production is only read: read-only sessions with timeouts; the schema's own database is built on the embedded
// Postgres (or any provider given), never on the audited server.
import * as path from 'node:path'
import { ResolvedTarget, loadConfigInChild } from '../config/load-config'
import { describeError } from '../core/errors'
import { SchemaDifference } from '../diff/diff-schemas'
import { defaultSeverity, explainDifference } from '../explain/explain-difference'
import { readSnapshots } from '../explain/snapshots'
import { compareLedger } from '../migrations/ledger'
import { MigrationFolder, readMigrationFolder } from '../migrations/folder'
import { introspectDatabase } from '../model/introspect'
import { DatabaseModel } from '../model/types'
import { DEFAULT_LIVE_OPTIONS, LiveOptions, openLive } from '../postgres/live'
import { PostgresProvider } from '../postgres/provider'
import { extensionsCreatedBy } from '../sql/extensions'
import { maskUrl } from '../postgres/server'
import {
  connectionNotes,
  liveDatabasesOf,
  readLedgerRows,
  serverSizedConcurrency,
  tenantTargetOf
} from './audit-master'
import { LoadedSchema, drizzleOfTarget, loadSchema } from '../schema/load-schema'
import { atV1Head } from '../explain/snapshot-v1-head'
import { drizzleKitVersion } from '../schema/drizzle-kit'
import { UnbuiltObject } from '../schema/build-statements'
import { rolesCreatedBy } from '../migrations/roles'
import { buildSchemaDatabase } from './schema-database'
import { declaredCounts } from '../schema/declared'
import { generateAdvice, generateCommand } from '../explain/snapshot-findings'
import { unlistedMigrations } from '../explain/unlisted-files'
import { limiter } from '../core/limiter'
import { TOOL_VERSION } from '../core/version'
import { compareDatabases } from '../diff/rules'
import { FINDING_POLICIES, assembleFindings, finishFindings, groupByDatabase } from '../report/assembly'
import { baselinePolicy, baselineSummary } from '../baseline/apply'
import { loadBaseline } from '../baseline/file'
import { untimed } from './run-context'
import { functionDefinitions } from '../schema/build-statements'
import { DatabaseResult, Finding, Report, TargetResult } from '../core/findings'
import { DatabaseUnavailableError, UsageError } from '../core/errors'

export interface AuditOptions {
  root: string
  config?: string
  /** The master database (or any database on the server): tenants are found from it. */
  databaseUrl: string
  /** Where the schema's own database is built (embedded by default). */
  scratch: PostgresProvider
  /** Which target the tenant options apply to (default: a target named tenant/tenants, else the last one). */
  tenantTarget?: string
  /** SQL run on the --database-url database; its first column lists the tenant databases. */
  tenantsQuery?: string
  /** LIKE pattern over pg_database, e.g. tenant_%. */
  tenantsPattern?: string
  /** URL of a tenant database, with {database} (tenants on other hosts). */
  tenantUrlTemplate?: string
  concurrency?: number
  /** Per-database time limit. */
  timeoutMs?: number
  /** [i, n]: audit the i-th of n shards (1-based) of the database list. */
  shard?: [number, number]
  live?: LiveOptions
  /** Stand in for packages the schema imports that are not installed, as in check. */
  stubMissingImports?: boolean
  log?: (line: string) => void
  /** The baseline: a file (relative to root), false for none, undefined for drift-guard.baseline.json if present. */
  baseline?: string | false
}

/** A finding before the target's name and severity overrides are applied. */
type TargetFinding = Omit<Finding, 'target'>

interface AuditTarget {
  target: ResolvedTarget
  schema: LoadedSchema
  folder: MigrationFolder
  databases: { name: string; url: string }[]
}

export async function runAudit(options: AuditOptions): Promise<Report> {
  const log = options.log ?? (() => undefined)
  const live = options.live ?? DEFAULT_LIVE_OPTIONS
  const config = await loadConfigInChild(options.root, options.config)
  // An audit reads live databases by target: a discovered config that cannot be resolved stays a usage error here.
  if (config.failedTargets?.length) throw config.failedTargets[0].error
  const baseline = loadBaseline(options.baseline, config.root, config.configFile)
  // A shard sees part of the databases: entries it does not match may match on another shard, so none is stale.
  const baselineRun = baseline
    ? { baseline, root: config.root, mode: 'audit' as const, stale: !options.shard }
    : undefined
  const root = config.root
  const tenantTarget = tenantTargetOf(config.targets, options.tenantTarget)

  const prepared: AuditTarget[] = []
  for (const target of config.targets) {
    const loaded = await loadSchema(root, target, options.stubMissingImports)
    const folder = readMigrationFolder(target.migrationsDir)
    // A 1.x project: unnamed constraints under the names its snapshots give them.
    const { schema } = atV1Head(loaded, folder, root)
    prepared.push({
      target,
      schema,
      folder,
      databases: await liveDatabasesOf(target, tenantTarget, options, live)
    })
  }
  // Shards split the whole list of (target, database) pairs, in a stable order, so a matrix covers each once.
  if (options.shard) {
    const [i, n] = options.shard
    let position = 0
    for (const p of prepared) p.databases = p.databases.filter(() => position++ % n === i - 1)
  }

  const concurrency = options.concurrency ?? (await serverSizedConcurrency(options.databaseUrl, live))
  const auditNotes = await connectionNotes(options.databaseUrl, live)
  for (const note of auditNotes) log(`warning: ${note}`)
  const unmatched = options.tenantsQuery ?? options.tenantsPattern
  const tenants = prepared.find((p) => p.target.name === tenantTarget)
  const emptyTenants: Finding[] =
    unmatched !== undefined && tenants && tenants.databases.length === 0 && !options.shard
      ? [
          {
            kind: 'config_error',
            // A tenant target named on purpose that finds no tenant is an error; the default one, a warning.
            severity: options.tenantTarget ? 'error' : 'warning',
            target: tenantTarget,
            message: `${options.tenantsQuery ? '--tenants-query' : `--tenants-pattern ${options.tenantsPattern}`} matched no database: no tenant database was audited`,
            fix: 'check the pattern or query against the server (and the URL it connects to)'
          }
        ]
      : []
  log(`auditing ${prepared.reduce((n, p) => n + p.databases.length, 0)} database(s), ${concurrency} at a time`)
  const limit = limiter(concurrency)
  const findings: Finding[] = [...emptyTenants]
  const targets: TargetResult[] = []
  for (const p of prepared) {
    const { target, schema, folder } = p
    log(`target ${target.name}: ${p.databases.length} database(s)`)
    const extensions = [...new Set(folder.migrations.flatMap((m) => (m.sql ? extensionsCreatedBy(m.sql) : [])))]
    const available = await options.scratch.availableExtensions()
    const migrationsTable = { schema: target.migrationsSchema, table: target.migrationsTable }
    const introspectOptions = { schemas: target.schemaFilter, tablesFilter: target.tablesFilter, migrationsTable }
    // Functions that policies, checks or defaults call come from hand-written SQL: read them, only when the build
    // needs them, from the first live database that answers (read-only), as the check reads them from a migrated one.
    const functions = async (): Promise<string[] | undefined> => {
      // A few tries, not the whole fleet: unreachable databases would each cost the connect timeout.
      for (const db of p.databases.slice(0, 3)) {
        const session = await openLive(db.url, db.name, live).catch(() => undefined)
        if (!session) continue
        try {
          return await functionDefinitions(session)
        } catch {
          return undefined
        } finally {
          await session.close().catch(() => undefined)
        }
      }
      return undefined
    }
    const expected = await buildSchemaDatabase(
      {
        target,
        snapshot: schema.snapshot,
        kit1State: schema.kit1BuildState ?? schema.kit1State,
        extensions: extensions.filter((e) => !available || available.has(e)),
        introspectOptions,
        cacheKey: schema.cacheKey,
        sources: schema.sources,
        functions,
        migrationRoles: rolesCreatedBy(folder)
      },
      { provider: options.scratch, root, timed: untimed }
    )
    const snapshots = readSnapshots(folder.migrations)
    const ctx = {
      root,
      target: target.name,
      sources: schema.sources,
      schemaSnapshot: schema.snapshot,
      snapshots,
      migrations: folder.migrations,
      expected: 'model' in expected ? expected.model : emptyModel(),
      generateCommand: generateCommand(target, root),
      // As in the check: never "run generate" where it would write again what the migrations built.
      generateAdvice: generateAdvice(snapshots, target),
      unlisted: unlistedMigrations(folder)
    }
    if ('error' in expected) findings.push({ ...expected.error, target: target.name })
    else for (const f of expected.problems) findings.push({ ...f, target: target.name })

    const seen: { finding: TargetFinding; database: string }[] = []
    const add = (finding: TargetFinding, database: string): void => void seen.push({ finding, database })
    const results = await Promise.all(
      p.databases.map((db) =>
        limit(() =>
          withTimeout(
            (onSession) =>
              auditDatabase(
                db,
                folder,
                introspectOptions,
                'model' in expected ? expected : undefined,
                live,
                root,
                target,
                onSession
              ),
            options.timeoutMs ?? 120_000,
            db.name
          ).catch((error): { result: DatabaseResult; findings: TargetFinding[]; differences?: SchemaDifference[] } => ({
            result: { name: db.name, migrations: [], compared: false, error: describeError(error) },
            findings: [
              {
                kind: 'database_unreachable',
                severity: 'error',
                message: describeError(error),
                cause: /database ".*" does not exist/.test(describeError(error))
                  ? `the server has no database of that name: the audit reads the databases the target lists in "databases" (else the URL's own database${target.name === tenantTarget ? ', or the tenants --tenants-query / --tenants-pattern find' : ''}); list the real names there`
                  : error instanceof DatabaseUnavailableError
                    ? 'the database could not be reached with the credentials given'
                    : 'the audit of this database did not finish'
              }
            ]
          }))
        )
      )
    )
    results.forEach((r, i) => {
      const name = p.databases[i].name
      for (const f of r.findings) add(f, name)
      const pending = new Set(r.result.ledger?.pending ?? [])
      for (const d of r.differences ?? []) {
        const explained = explainDifference(d, { ...ctx, pending, live: true })
        // Drift that a pending migration will fix is expected until the next deploy: a warning, like the pending migration.
        add({ ...explained, severity: explained.cause?.includes('(pending)') ? 'warning' : defaultSeverity(d) }, name)
      }
      log(
        `  ${name}: ${r.result.error ?? `${r.result.ledger?.applied ?? 0} applied, ${r.result.ledger?.pending.length ?? 0} pending`}`
      )
    })
    const order = new Map(p.databases.map((d, i) => [d.name, i]))
    for (const { finding, databases } of groupByDatabase(seen)) {
      findings.push({
        ...finding,
        target: target.name,
        databases: databases.sort((a, b) => order.get(a)! - order.get(b)!)
      })
    }
    targets.push({
      name: target.name,
      ...(target.drizzleConfig ? { drizzleConfig: path.relative(root, target.drizzleConfig) } : {}),
      schema: target.schemaFiles.map((f) => path.relative(root, f)),
      migrations: path.relative(root, target.migrationsDir),
      migrationsFormat: folder.format,
      migrationsTable: `${target.migrationsSchema}.${target.migrationsTable}`,
      drizzle: drizzleOfTarget(schema),
      databases: results.map((r) => r.result),
      declared: declaredCounts(schema.snapshot),
      notes: []
    })
  }
  const policies = baselineRun ? [baselinePolicy(baselineRun), ...FINDING_POLICIES] : FINDING_POLICIES
  const assembled = assembleFindings(findings, { targets: config.targets }, 'by-spread', policies)
  return {
    version: 1,
    mode: 'audit',
    ok: assembled.ok,
    tool: { name: 'drizzle-drift-guard', version: TOOL_VERSION, drizzleKit: drizzleKitVersion() },
    root,
    postgres: { provider: `live databases at ${maskUrl(options.databaseUrl)}` },
    targets,
    findings: assembled.findings,
    summary: assembled.summary,
    notes: [
      ...config.notes,
      ...auditNotes,
      ...(options.shard ? [`shard ${options.shard[0]}/${options.shard[1]}`] : [])
    ],
    ...(baselineRun ? { baseline: baselineSummary(baselineRun, assembled.findings) } : {})
  }
}

async function auditDatabase(
  db: { name: string; url: string },
  folder: MigrationFolder,
  introspectOptions: Parameters<typeof introspectDatabase>[1],
  expected: { model: DatabaseModel; unbuilt: UnbuiltObject[] } | undefined,
  live: LiveOptions,
  root: string,
  target: ResolvedTarget,
  onSession: (close: () => Promise<void>) => void = () => undefined
): Promise<{ result: DatabaseResult; findings: TargetFinding[]; differences?: SchemaDifference[] }> {
  const session = await openLive(db.url, db.name, live)
  onSession(() => session.close())
  try {
    const findings: TargetFinding[] = []
    const rows = await readLedgerRows(session, target)
    // The project's migrator: drizzle-orm 1.x reads only v1 folders (it refuses a journal) and applies by name.
    const migrator = folder.format === 'folders' ? '1.x' : '0.x'
    const ledger = compareLedger(rows, folder.migrations, migrator)
    const rel = (file: string): string => path.relative(root, file)
    for (const m of ledger.pending) {
      findings.push({
        kind: 'migration_pending',
        severity: 'warning',
        name: m.tag,
        file: rel(m.file),
        message: `${m.tag} is not applied yet`,
        cause:
          migrator === '1.x'
            ? "no row has its folder name: drizzle-orm 1.x's migrator applies it on the next migrate, whatever its timestamp"
            : 'newer than the last migration this database ran: the next drizzle-kit migrate applies it'
      })
    }
    for (const m of ledger.skipped) {
      findings.push({
        kind: 'migration_skipped',
        severity: 'error',
        name: m.tag,
        file: rel(m.file),
        message: `${m.tag} was never applied, and never will be`,
        cause:
          "its journal `when` is older than the last migration this database ran; drizzle's migrator only applies newer ones (drizzle-orm issue #5769)",
        fix: `Apply ${path.basename(m.file)} by hand and record it, or move its change into a new migration`
      })
    }
    for (const { migration } of ledger.modified) {
      findings.push({
        kind: 'migration_modified',
        severity: 'error',
        name: migration.tag,
        file: rel(migration.file),
        message: `${migration.tag} changed after this database applied it (the stored hash differs)`,
        cause: 'the file was edited after it ran here; drizzle never re-runs it, so this database lacks the edit'
      })
    }
    for (const { migration, after } of ledger.outOfOrder) {
      findings.push({
        kind: 'migration_out_of_order',
        severity: 'warning',
        name: migration.tag,
        file: rel(migration.file),
        message: `${migration.tag} was applied after ${after.tag}, which comes later in the journal`,
        cause:
          'this database ran the migrations in another order than the journal gives (a reordered journal, or a migration applied from a branch): a fresh database built from the repository may differ from it'
      })
    }
    if (ledger.unknown.length > 0) {
      findings.push({
        kind: 'migration_unknown',
        severity: 'warning',
        message: `${ledger.unknown.length} applied migration(s) match no ${migrator === '1.x' ? 'folder' : 'file'} of the repository (${migrator === '1.x' ? `name ${ledger.unknown.map((r) => r.name ?? 'null').join(', ')}` : `created_at ${ledger.unknown.map((r) => r.createdAt).join(', ')}`})`,
        cause: 'applied from another branch or a deleted migration'
      })
    }
    let differences: SchemaDifference[] | undefined
    if (expected) {
      const model = await introspectDatabase(session, introspectOptions)
      // Objects the schema's database could not build are reported once (schema_error), not as drift of each
      // database; those that failed for the platform's want are still looked for by name.
      differences = await compareDatabases(
        expected.model,
        { database: session, actual: model, unbuilt: expected.unbuilt },
        { ignoreSchemas: [target.migrationsSchema] }
      )
    }
    return {
      result: {
        name: db.name,
        migrations: [],
        compared: expected !== undefined,
        ledger: {
          applied: ledger.applied.length,
          pending: ledger.pending.map((m) => m.tag),
          skipped: ledger.skipped.map((m) => m.tag),
          modified: ledger.modified.map((m) => m.migration.tag),
          unknown: ledger.unknown.length
        }
      },
      findings,
      differences
    }
  } finally {
    await session.close().catch(() => undefined)
  }
}

/**
 * Runs one database's audit within a time limit. On expiry its session is closed too: the server-side query would
 * otherwise go on until statement_timeout, holding a connection the rest of the fleet needs.
 */
function withTimeout<T>(
  run: (onSession: (close: () => Promise<void>) => void) => Promise<T>,
  ms: number,
  name: string
): Promise<T> {
  let timer: NodeJS.Timeout
  let close: (() => Promise<void>) | undefined
  let expired = false
  const promise = run((c) => {
    close = c
    if (expired) void c().catch(() => undefined)
  })
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise<T>((_, reject) => {
      timer = setTimeout(() => {
        expired = true
        void close?.().catch(() => undefined)
        reject(new Error(`${name}: the audit did not finish within ${Math.round(ms / 1000)} s`))
      }, ms)
    })
  ])
}

function emptyModel(): DatabaseModel {
  return {
    schemas: new Set(),
    tables: new Map(),
    enums: new Map(),
    sequences: new Map(),
    views: new Map(),
    extensions: new Set()
  }
}

/** Combines the JSON reports of several shards into one. */
export function mergeReports(reports: Report[]): Report {
  if (reports.length === 0) throw new UsageError('merge needs at least one report')
  const targets = new Map<string, TargetResult>()
  const grouped = new Map<string, Finding>()
  for (const report of reports) {
    for (const t of report.targets) {
      const existing = targets.get(t.name)
      if (existing) existing.databases.push(...t.databases)
      else targets.set(t.name, { ...t, databases: [...t.databases] })
    }
    for (const f of report.findings) {
      const { databases, ...rest } = f
      const key = JSON.stringify(rest)
      const existing = grouped.get(key)
      if (existing) existing.databases = [...(existing.databases ?? []), ...(databases ?? [])]
      else grouped.set(key, { ...f, databases: [...(databases ?? [])] })
    }
  }
  const assembled = finishFindings([...grouped.values()], 'by-spread')
  return {
    ...reports[0],
    ok: assembled.ok,
    targets: [...targets.values()],
    findings: assembled.findings,
    summary: assembled.summary,
    notes: [...new Set(reports.flatMap((r) => r.notes.filter((n) => !n.startsWith('shard '))))]
  }
}
