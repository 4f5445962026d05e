// The drift check: load -> provision -> migrate -> introspect -> diff -> report. Knows nothing of GitHub.
import * as fs from 'node:fs'
import * as path from 'node:path'
import { DEFAULT_CONFIG_FILE, FailedTarget, LoadedConfig, ResolvedTarget, loadConfig } from '../config/load-config'
import { SchemaDifference, diffSchemas } from '../diff/diff-schemas'
import { defaultSeverity, explainDifference } from '../diff/explain'
import { SnapshotFile, compareSnapshots, identifierCollisions, readSnapshots } from '../diff/snapshot'
import { compareV1Snapshot } from '../diff/snapshot-v1'
import { kit1Note } from '../schema/kit1-names'
import { applyMigrations } from '../migrations/apply'
import { checkAgainstBase, checkFolder } from '../migrations/checks'
import { extensionFailureCause } from '../migrations/extensions'
import { platformHint, platformSentence, schemaPlatformCause } from '../migrations/platform'
import { Migration, MigrationFolder, hashMigration, readMigrationFolder } from '../migrations/folder'
import { introspectDatabase } from '../model/introspect'
import { DatabaseModel } from '../model/types'
import { EMBEDDED_EXTENSIONS, extensionsCreatedBy } from '../postgres/pglite'
import { Database, PostgresErrorInfo, PostgresProvider } from '../postgres/provider'
import { prepareDatabase, readSetupScripts, splitSqlStatements } from '../postgres/setup-sql'
import { RoleCreation, roleCreations } from '../migrations/roles'
import { PgSnapshot, drizzleKitVersion, emptySnapshot, generateSql } from '../schema/drizzle-kit'
import { LoadedSchema, loadSchema } from '../schema/load-schema'
import { BuildContext, SchemaBuild, existingObjects, functionDefinitions, runSchemaStatements, withoutUnbuilt } from '../schema/build-statements'
import { SourceIndex } from '../schema/source-index'
import { readCachedSchema, writeCachedSchema } from '../schema/schema-cache'
import { DatabaseResult, Finding, Report, SEVERITY_RANK, TargetResult } from './types'
import { closestName } from '../config/suggest'
import { quoteIdentifier } from '../model/identifiers'

export interface CheckOptions {
  root: string
  config?: string
  provider: PostgresProvider
  /** Git ref of the base branch: enables migration_modified / out-of-order checks against it. */
  base?: string
  /** Progress lines for people (stderr in the CLI, the log in the action). */
  log?: (line: string) => void
  version?: string
  /** Databases worked on at once (default: what the provider suits). */
  concurrency?: number
  /** Stand in for packages the schema imports that are not installed (e.g. nanoid in $defaultFn). */
  stubMissingImports?: boolean
}

/** A finding before the target's name and severity overrides are applied. */
type TargetFinding = Omit<Finding, 'target'>

// From package.json, so the report, --version and the package never disagree.
export const TOOL_VERSION: string = (require('../../package.json') as { version: string }).version

export async function runCheck(options: CheckOptions): Promise<Report> {
  const log = options.log ?? (() => undefined)
  const timings: Record<string, number> = { load: 0, provision: 0, migrate: 0, introspect: 0, diff: 0 }
  const timed = async <T>(phase: string, fn: () => Promise<T> | T): Promise<T> => {
    const start = performance.now()
    try {
      return await fn()
    } finally {
      timings[phase] = (timings[phase] ?? 0) + (performance.now() - start)
    }
  }

  // Every run needs a database: a server starts creating one while the config and the schemas load (CREATE
  // DATABASE is its slowest step, and the first database is on the critical path); more are created when work
  // waits for one.
  const concurrency = options.concurrency ?? options.provider.concurrency
  await options.provider.warm?.(['check'])
  const config: LoadedConfig = await timed('load', () => loadConfig(options.root, options.config))
  const root = config.root
  const findings: Finding[] = []
  const targets: TargetResult[] = []
  const schemas = new Map<string, LoadedSchema>()
  const notes = [...config.notes]

  interface Prepared {
    target: ResolvedTarget
    schema: LoadedSchema
    folder: MigrationFolder
    snapshots: SnapshotFile[]
    result: TargetResult
    findings: TargetFinding[]
  }
  const prepared: Prepared[] = []
  for (const target of config.targets) {
    const rel = (f: string): string => path.relative(root, f)
    log(`target ${target.name}: ${target.schemaFiles.map(rel).join(', ')} -> ${rel(target.migrationsDir)}`)
    const schema = await timed('load', () => loadSchema(root, target, options.stubMissingImports))
    schemas.set(target.name, schema)
    const folder = await timed('load', () => readMigrationFolder(target.migrationsDir))
    const snapshots = await timed('load', () => readSnapshots(folder.migrations))
    const targetFindings: TargetFinding[] = [...checkFolder(folder, snapshots, root)]
    if (options.base) targetFindings.push(...checkAgainstBase(folder, options.base, root))
    targetFindings.push(...(await timed('diff', () => snapshotFindings(target, schema.snapshot, snapshots, root, schema.cacheKey))))
    for (const c of identifierCollisions(schema.snapshot)) {
      const table = c.table ?? Object.values(schema.snapshot.tables).find((t) => Object.keys(t.indexes ?? {}).some((n) => c.names.includes(n)))?.name
      const where = table ? schema.sources.tableObject(c.schema, table, c.names[1]) : undefined
      targetFindings.push({
        kind: 'identifier_collision',
        severity: 'error',
        schema: c.schema,
        ...(table ? { table } : {}),
        name: c.cut,
        ...(where ?? {}),
        message: `${c.names.map((n) => `"${n}"`).join(' and ')} are both cut to "${c.cut}" (63 bytes)`,
        cause: `Postgres cuts identifiers to 63 bytes, so these ${c.what === 'constraint' ? 'constraints of one table' : 'relations of one schema'} get the same name: creating the second fails, or it silently does not exist`,
        fix: 'Give one of them a shorter explicit name in the schema'
      })
    }
    const result: TargetResult = {
      name: target.name,
      ...(target.drizzleConfig ? { drizzleConfig: rel(target.drizzleConfig) } : {}),
      schema: target.schemaFiles.map(rel),
      migrations: rel(target.migrationsDir),
      migrationsFormat: folder.format,
      migrationsTable: `${target.migrationsSchema}.${target.migrationsTable}`,
      ...(target.casing ? { casing: target.casing } : {}),
      databases: [],
      declared: declaredCounts(schema.snapshot),
      notes: [
        ...(schema.fallbacks.length ? [`the project has no ${schema.fallbacks.join(', ')} installed: used the bundled copy`] : []),
        ...(schema.stubbed.length ? [`not installed, replaced by stand-ins while loading the schema: ${schema.stubbed.join(', ')} (install the dependencies if they shape tables or columns)`] : [])
      ]
    }
    if (schema.drizzleKit1) result.notes.push(kit1Note(schema.drizzleKit1))
    prepared.push({ target, schema, folder, snapshots, result, findings: targetFindings })
  }

  // Every database of every target at once, as many at a time as the provider takes: creating a database on a
  // server costs a checkpoint-like fsync, and each embedded instance is single-threaded.
  const limit = limiter(concurrency)
  await Promise.all(
    prepared.map(async (p) => {
      p.findings.push(...(await checkDatabases(p.target, p.folder, p.schema, p.snapshots, options.provider, p.result, root, timed, log, limit)))
    })
  )
  for (const p of prepared) {
    for (const f of p.findings) {
      const severity = p.target.severity[f.kind]
      if (severity === 'off') continue
      findings.push({ ...f, target: p.target.name, severity: severity ?? f.severity })
    }
    targets.push(p.result)
  }
  for (const failed of config.failedTargets ?? []) {
    const { result, finding } = failedTargetResult(failed, root)
    targets.push(result)
    findings.push(finding)
  }

  // Findings across targets take a target's "severity" when every target they name agrees on it.
  for (const f of [...crossTargetFindings(config.targets, schemas), ...crossDatabaseRoleFindings(prepared, root)]) {
    const named = f.target.split(', ').map((name) => config.targets.find((t) => t.name === name))
    const chosen = new Set(named.map((t) => t?.severity[f.kind]))
    const severity = chosen.size === 1 ? [...chosen][0] : undefined
    if (severity === 'off') continue
    findings.push({ ...f, severity: severity ?? f.severity })
  }
  findings.sort(
    (a, b) =>
      SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] ||
      config.targets.findIndex((t) => t.name === a.target) - config.targets.findIndex((t) => t.name === b.target) ||
      (a.file ?? '').localeCompare(b.file ?? '') ||
      (a.line ?? 0) - (b.line ?? 0)
  )
  const summary = {
    errors: findings.filter((f) => f.severity === 'error').length,
    warnings: findings.filter((f) => f.severity === 'warning').length,
    notices: findings.filter((f) => f.severity === 'notice').length
  }
  return {
    version: 1,
    ok: summary.errors === 0,
    tool: { name: 'drizzle-drift-guard', version: options.version ?? TOOL_VERSION, drizzleKit: drizzleKitVersion() },
    root,
    postgres: { provider: options.provider.description, version: await options.provider.serverVersion().catch(() => undefined) },
    targets,
    findings: findings.map(stripEmpty),
    summary,
    notes,
    timings: Object.fromEntries(Object.entries(timings).map(([k, v]) => [k, Math.round(v)]))
  }
}

/** A discovered config that could not be resolved: its own error, so that the other targets are still checked. */
function failedTargetResult(failed: FailedTarget, root: string): { result: TargetResult; finding: Finding } {
  const config = path.relative(root, failed.drizzleConfig)
  const reason = failed.error.message.replace(`target "${failed.name}": `, '')
  return {
    result: {
      name: failed.name,
      drizzleConfig: config,
      schema: [],
      migrations: '',
      migrationsFormat: 'journal',
      migrationsTable: '',
      databases: [],
      declared: { tables: 0, columns: 0, enums: 0, indexes: 0 },
      notes: ['not checked: its drizzle config cannot be resolved']
    },
    finding: {
      kind: 'schema_error',
      severity: 'error',
      target: failed.name,
      file: failed.error.file ?? config,
      ...(failed.error.line ? { line: failed.error.line } : {}),
      message: `${config} cannot be checked: ${reason}`,
      cause: `found by discovery (no ${DEFAULT_CONFIG_FILE}); the other targets were checked`,
      fix: `Fix or delete ${config}, or write ${DEFAULT_CONFIG_FILE} naming the targets to check`
    }
  }
}

async function snapshotFindings(target: ResolvedTarget, schema: PgSnapshot, snapshots: SnapshotFile[], root: string, cacheKey?: string): Promise<TargetFinding[]> {
  const latest = [...snapshots].reverse().find((s) => s.snapshot || s.v1)
  if (!latest) return []
  const comparison = latest.v1 ? compareV1Snapshot(latest.v1, schema) : compareSnapshots(latest.snapshot!, schema)
  if (comparison.changes.length === 0) return []
  const command = generateCommand(target, root)
  let fix: string
  if (!latest.snapshot) {
    // The bundled 0.31 cannot write what 1.x would: only the project's own drizzle-kit can.
    fix = `Run ${command}${comparison.possibleRenames.length > 0 ? ` and answer its rename questions (possible renames: ${comparison.possibleRenames.join('; ')})` : ''}`
  } else if (comparison.possibleRenames.length > 0) {
    fix = `Run ${command} and answer its rename questions (possible renames: ${comparison.possibleRenames.join('; ')})`
  } else {
    try {
      // What drizzle-kit generate would write, cached with the schema (keyed by the last snapshot's content too).
      const snapshotKey = latest.migration.snapshotFile ? hashMigration(fs.readFileSync(latest.migration.snapshotFile, 'utf8')) : undefined
      const cached = readCachedSchema(cacheKey)
      const statements = (snapshotKey && cached?.generate?.[snapshotKey]) || (await generateSql(latest.snapshot, schema))
      if (cached && snapshotKey && !cached.generate?.[snapshotKey]) writeCachedSchema(cacheKey, { ...cached, generate: { ...cached.generate, [snapshotKey]: statements } })
      fix = statements.join('\n')
    } catch (error) {
      fix = `Run ${command} (${(error as Error).message.split('\n')[0]})`
    }
  }
  const shown = comparison.changes.slice(0, 12).map((c) => c.description)
  const more = comparison.changes.length > shown.length ? `, and ${comparison.changes.length - shown.length} more` : ''
  return [
    {
      kind: 'snapshot_out_of_date',
      severity: 'error',
      file: path.relative(root, latest.migration.snapshotFile!),
      line: 1,
      name: latest.migration.tag,
      message: `the schema differs from the last snapshot (${latest.migration.tag}): ${shown.join('; ')}${more}`,
      cause: `the schema was changed without running drizzle-kit generate; \`${command}\` would write a new migration`,
      fix
    }
  ]
}

export function generateCommand(target: ResolvedTarget, root: string): string {
  const config = target.drizzleConfig ? ` --config ${path.relative(target.cwd, target.drizzleConfig)}` : ''
  const cd = path.relative(root, target.cwd)
  return `${cd ? `cd ${cd} && ` : ''}npx drizzle-kit generate${config}`
}

async function checkDatabases(
  target: ResolvedTarget,
  folder: MigrationFolder,
  schema: LoadedSchema,
  snapshots: SnapshotFile[],
  provider: PostgresProvider,
  result: TargetResult,
  root: string,
  timed: <T>(phase: string, fn: () => Promise<T> | T) => Promise<T>,
  log: (line: string) => void,
  limit: Limiter
): Promise<TargetFinding[]> {
  const out: TargetFinding[] = []
  const extensions = [...new Set(folder.migrations.flatMap((m) => (m.sql ? extensionsCreatedBy(m.sql) : [])))]
  const available = await provider.availableExtensions()
  const migrationsTable = { schema: target.migrationsSchema, table: target.migrationsTable }
  const introspectOptions = { schemas: target.schemaFilter, tablesFilter: target.tablesFilter, migrationsTable }
  const failures = new Map<string, { finding: TargetFinding; databases: string[] }>()

  // The database the schema describes is built first (it takes the first slot), and at the same time as the
  // migrated ones where the provider allows; each migrated database is diffed while its session is still open,
  // so that defaults written differently can be compared by value in Postgres.
  const usableExtensions = extensions.filter((e) => !available || available.has(e))
  // What the provider does before the migrations: preinstalled extensions (those this Postgres has) and setup SQL.
  const preinstalled = target.extensions.filter((e) => !available || available.has(e))
  if (available) out.push(...unavailableExtensionFindings(target, available, provider.description))
  const setup = readSetupScripts(target.setup, root)
  // PGlite loads an extension's code when an instance starts: those the setup files create are asked for up front.
  const loaded = [...new Set([...preinstalled, ...extensions, ...setup.flatMap((s) => s.extensions)])]
  // The functions the migrations create, read from the first database that applied them all, for the schema's
  // policies, checks and defaults that call them. The schema's build asks for them only when a statement fails
  // for want of one, and gives up its slot while it waits: that database may need the slot to be migrated.
  let giveFunctions: (definitions: string[] | undefined) => void = () => undefined
  const migratedFunctions = new Promise<string[] | undefined>((resolve) => (giveFunctions = resolve))
  let functionsRead = false
  const expectedBuild = limit.acquire().then(async (release) => {
    try {
      const functions = (): Promise<string[] | undefined> => {
        release()
        return migratedFunctions
      }
      return await buildSchemaDatabase(target, schema.snapshot, provider, usableExtensions, introspectOptions, timed, root, schema.cacheKey, schema.sources, { functions }, rolesCreatedBy(folder))
    } finally {
      release()
    }
  })
  // A setup error may reject it before anything awaits it; the migrated databases' own await still sees it.
  expectedBuild.catch(() => undefined)
  const diffOptions = { ignoreSchemas: [target.migrationsSchema] }

  // Outside a transaction, a chunk of several statements would still be one (the simple query protocol runs them
  // in an implicit transaction): each statement is sent on its own, as autocommit runners do.
  const migrations = target.transaction ? folder.migrations : folder.migrations.map(oneStatementEach)
  const migrateOne = async (name: string): Promise<{ result: DatabaseResult; differences?: SchemaDifference[] }> => {
    const db = await timed('provision', () => provider.createDatabase(`${target.name}_${name}`, { extensions: loaded }))
    try {
      await timed('migrate', () => prepareDatabase(db, { names: preinstalled, declared: target.extensionsDeclared }, setup, target.name))
      const applied = await timed('migrate', () => applyMigrations(db, migrations, migrationsTable, { transaction: target.transaction }))
      const dbResult: DatabaseResult = { name, migrations: applied.applied.map((a) => ({ ...a, file: path.relative(root, a.file) })), compared: !applied.failure }
      if (applied.failure) {
        const { migration, line, error } = applied.failure
        const file = path.relative(root, migration.file)
        const key = `${file}:${line}:${error.message}`
        const explained = extensionFailureCause({
          error,
          target: target.name,
          migration,
          migrations: folder.migrations,
          created: extensions,
          available,
          provider: provider.description,
          embedded: provider.description.startsWith('embedded'),
          embeddedExtensions: EMBEDDED_EXTENSIONS
        })
        const existing = failures.get(key)
        if (existing) existing.databases.push(name)
        else {
          failures.set(key, {
            databases: [name],
            finding: {
              kind: 'migration_failed',
              severity: 'error',
              file,
              line,
              name: migration.tag,
              message: `${migration.tag} failed at ${file}:${line}: ${error.message}`,
              cause:
                explained?.cause ??
                runnerCause(error, target) ??
                `drizzle's migrator would stop here and roll back every migration of this run${error.hint ? ` (hint: ${error.hint})` : ''}; the schema comparison is skipped for this database`,
              ...(explained?.fix ? { fix: explained.fix } : {})
            }
          })
        }
        log(`  ${name}: ${migration.tag} failed: ${error.message}`)
        return { result: dbResult }
      }
      log(`  ${name}: applied ${applied.applied.length} migration(s)`)
      if (!functionsRead) {
        functionsRead = true
        giveFunctions(await functionDefinitions(db).catch(() => undefined))
      }
      const model = await timed('introspect', () => introspectDatabase(db, introspectOptions))
      const expected = await expectedBuild
      if ('error' in expected) return { result: dbResult }
      const differences = await timed('diff', () => withoutEqualDefaults(db, withoutUnbuilt(diffSchemas(expected.model, model, diffOptions), expected.unbuilt, model)))
      return { result: dbResult, differences }
    } finally {
      await db.close()
    }
  }
  // No database applied every migration: the schema's build goes on without the functions.
  const migrated = await Promise.all(target.databases.map((name) => limit(() => migrateOne(name)))).finally(() => giveFunctions(undefined))
  const expected = await expectedBuild
  result.databases.push(...migrated.map((m) => m.result))
  const compared = migrated.flatMap((m, i) => (m.differences ? [{ name: target.databases[i], differences: m.differences }] : []))
  // Sorted so that grouped findings list databases in config order whatever finished first.
  for (const { finding, databases } of failures.values()) out.push({ ...withUnexportedSchemaCause(finding, schema.snapshot), databases: target.databases.filter((d) => databases.includes(d)) })
  if (result.databases.every((d) => !d.compared)) return out
  if ('error' in expected) {
    out.push(expected.error)
    return out
  }
  out.push(...expected.problems)
  const ctx = {
    root,
    target: target.name,
    sources: schema.sources,
    schemaSnapshot: schema.snapshot,
    snapshots,
    migrations: folder.migrations,
    expected: expected.model,
    generateCommand: generateCommand(target, root),
    // Every database runs the same migrations from clean, so they all stop at the same missing file.
    stoppedAt: folder.migrations.find((m) => m.sql === undefined)
  }
  const grouped = new Map<string, { difference: SchemaDifference; databases: string[] }>()
  await timed('diff', () => {
    for (const { name, differences } of compared) {
      for (const difference of differences) {
        const key = JSON.stringify(difference)
        const entry = grouped.get(key)
        if (entry) entry.databases.push(name)
        else grouped.set(key, { difference, databases: [name] })
      }
    }
    for (const { difference, databases } of grouped.values()) {
      out.push({ ...explainDifference(difference, ctx), severity: defaultSeverity(difference), databases })
    }
  })
  return out
}

/**
 * Defaults written differently but equal in value (`ARRAY[]::text[]` and `'{}'::text[]`, `CURRENT_TIMESTAMP` and
 * `now()`, casts) are not drift: Postgres evaluates both in the database being checked. Expressions with side
 * effects or a different value per call (nextval, random, gen_random_uuid) are never evaluated.
 */
export async function withoutEqualDefaults(db: Database, differences: SchemaDifference[]): Promise<SchemaDifference[]> {
  const kept: SchemaDifference[] = []
  for (const d of differences) {
    if (d.kind !== 'column_default_mismatch' || !d.expected || !d.actual || d.expected === '(none)' || d.actual === '(none)' || !d.type) {
      kept.push(d)
      continue
    }
    if (/nextval|random|uuid|clock_timestamp|timeofday|currval|setval/i.test(d.expected + d.actual)) {
      kept.push(d)
      continue
    }
    try {
      const [row] = await db.query<{ same: boolean }>(`select (${d.expected})::${d.type} is not distinct from (${d.actual})::${d.type} as same`)
      if (!row?.same) kept.push(d)
    } catch {
      kept.push(d)
    }
  }
  return kept
}

export async function buildSchemaDatabase(
  target: ResolvedTarget,
  snapshot: PgSnapshot,
  provider: PostgresProvider,
  extensions: string[],
  introspectOptions: Parameters<typeof introspectDatabase>[1],
  timed: <T>(phase: string, fn: () => Promise<T> | T) => Promise<T>,
  root: string,
  cacheKey?: string,
  sources?: SourceIndex,
  build: Pick<BuildContext, 'functions'> = {},
  migrationRoles: string[] = []
): Promise<({ model: DatabaseModel } & SchemaBuild) | { error: TargetFinding }> {
  const cached = readCachedSchema(cacheKey)
  const statements = cached?.createSql ?? (await generateSql(emptySnapshot(), snapshot))
  if (cached && !cached.createSql) writeCachedSchema(cacheKey, { ...cached, createSql: statements })
  const available = target.extensions.length > 0 ? await provider.availableExtensions() : undefined
  const preinstalled = target.extensions.filter((e) => !available || available.has(e))
  const setup = readSetupScripts(target.setup, root)
  const loaded = [...new Set([...preinstalled, ...extensions, ...setup.flatMap((s) => s.extensions)])]
  const db = await timed('provision', () => provider.createDatabase(`${target.name}_schema`, { extensions: loaded }))
  try {
    return await timed('migrate', async () => {
      // As in the migrated databases, before anything else: what setup creates is then on both sides.
      await prepareDatabase(db, { names: preinstalled, declared: target.extensionsDeclared }, setup, target.name)
      for (const ext of extensions) if (ext !== 'plpgsql') await db.exec(`CREATE EXTENSION IF NOT EXISTS ${quoteIdent(ext)}`)
      await db.exec(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(target.migrationsSchema)}`)
      // drizzle-kit writes CREATE SCHEMA only for a pgSchema the schema files export; one imported from elsewhere
      // (a helper outside the schema glob) is created by hand-written SQL in the migrations, so here as well.
      for (const name of unexportedSchemas(snapshot)) await db.exec(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(name)}`)
      // Roles the migrations create and the schema does not declare (pgRole): its policies may name them.
      const declaredRoles = new Set(Object.keys(snapshot.roles ?? {}))
      for (const role of migrationRoles.filter((r) => !declaredRoles.has(r))) {
        // unique_violation too: on a server, a migrated database of this run may be creating it at the same moment.
        await db.exec(`DO $$ BEGIN CREATE ROLE ${quoteIdent(role)} NOLOGIN; EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$`)
      }
      // What the setup and the extensions created before drizzle-kit's SQL: its statements for those are skipped.
      const existing = await existingObjects(db)
      // A declaration right for the platform it is written for (Supabase's roles, an extension's types) is said to be.
      const platformCause: BuildContext['platformCause'] = async (error) =>
        schemaPlatformCause(error, {
          target: target.name,
          available: available ?? (await provider.availableExtensions()),
          provider: provider.description,
          embedded: provider.description.startsWith('embedded'),
          embeddedExtensions: EMBEDDED_EXTENSIONS
        })
      const built = await runSchemaStatements(db, statements, { root, fallbackFile: target.schemaFiles[0], sources, existing, platformCause, ...build })
      const model = await timed('introspect', () => introspectDatabase(db, introspectOptions))
      return { model, ...built }
    })
  } finally {
    await db.close()
  }
}

/**
 * Names in "extensions" that this Postgres does not have (a typo, or an extension of another provider): a warning at
 * the name in the config, with the closest name it has. The run goes on without it, as that provider would not
 * preinstall it; the migrations that need it then fail on their own line.
 */
function unavailableExtensionFindings(target: ResolvedTarget, available: ReadonlySet<string>, provider: string): TargetFinding[] {
  return target.extensions
    .filter((name) => !available.has(name))
    .map((name) => {
      const line = target.extensionsDeclared?.lines[name]
      const closest = closestName(name, available)
      const elsewhere = provider.startsWith('embedded')
        ? 'if the migrations need an extension the embedded Postgres lacks, run with --database-url against a Postgres that has it'
        : 'install it on that server, or point --database-url at a Postgres that has it'
      return {
        kind: 'config_error',
        severity: 'warning',
        name,
        ...(target.extensionsDeclared ? { file: target.extensionsDeclared.file, ...(line ? { line } : {}) } : {}),
        message: `extension "${name}" in "extensions" of target "${target.name}" is not available on ${provider}: not created${closest ? ` (did you mean "${closest}"?)` : ''}`,
        cause: closest
          ? `${provider} has no extension of that name and has "${closest}": a typo?`
          : `${provider} has no extension of that name (a typo, or an extension of another provider); ${elsewhere}`
      }
    })
}

/** The migration with each chunk split into its statements, lines kept. */
function oneStatementEach(migration: Migration): Migration {
  return {
    ...migration,
    statements: migration.statements.flatMap((chunk) =>
      splitSqlStatements(chunk.sql).map((s) => ({ sql: s.sql, line: chunk.chunkLine + s.line - 1, chunkLine: chunk.chunkLine + s.textLine - 1 }))
    )
  }
}

/** A migration that fails because of where it runs, not because of what it says. */
function runnerCause(error: PostgresErrorInfo, target: ResolvedTarget): string | undefined {
  // 25001 active_sql_transaction: CREATE INDEX CONCURRENTLY, ALTER TYPE … ADD VALUE before 12, VACUUM…
  if (target.transaction && (error.code === '25001' || /cannot run inside a transaction block/.test(error.message))) {
    const what = /^(\S+(?: \S+)*?) cannot run inside a transaction block/.exec(error.message)?.[1] ?? 'this statement'
    return (
      `drizzle's migrator runs every migration in one transaction; ${/CONCURRENTLY/.test(what) ? 'CONCURRENTLY' : what} cannot run inside a transaction block: ` +
      `drizzle-kit migrate fails the same way. If you apply migrations with another runner, set "transaction": false on target "${target.name}" in ${DEFAULT_CONFIG_FILE}`
    )
  }
  const platform = platformHint(error, target.name, 'the migrations')
  return platform ? platformSentence(platform) : undefined
}

/** Schemas that declared objects live in but that the schema files do not export (drizzle-kit does not create them). */
export function unexportedSchemas(snapshot: PgSnapshot): string[] {
  const used = new Set<string>()
  for (const table of Object.values(snapshot.tables)) {
    used.add(table.schema || 'public')
    for (const column of Object.values(table.columns)) if (column.typeSchema) used.add(column.typeSchema)
  }
  for (const group of [snapshot.enums, snapshot.sequences, snapshot.views ?? {}]) for (const o of Object.values(group)) used.add(o.schema || 'public')
  const exported = new Set(Object.values(snapshot.schemas ?? {}))
  return [...used].filter((s) => s !== 'public' && !exported.has(s)).sort()
}

/** A migration that fails on a schema no migration creates, when the schema files use but do not export it. */
function withUnexportedSchemaCause(finding: TargetFinding, snapshot: PgSnapshot): TargetFinding {
  const missing = /schema "([^"]+)" does not exist/.exec(finding.message)?.[1]
  if (!missing || !unexportedSchemas(snapshot).includes(missing)) return finding
  return {
    ...finding,
    cause: `no migration creates schema "${missing}": the schema files use pgSchema("${missing}") without exporting it, so drizzle-kit generate writes no CREATE SCHEMA for it`,
    fix: `Add CREATE SCHEMA IF NOT EXISTS "${missing}"; before this statement${finding.file ? ` in ${finding.file}` : ''}, and export the pgSchema object from a schema file so that drizzle-kit records it`
  }
}

const quoteIdent = quoteIdentifier

/** The roles the migrations create (CREATE ROLE/USER/GROUP statements), each once. */
export function rolesCreatedBy(folder: MigrationFolder): string[] {
  return [...new Set(roleCreations(folder.migrations).map((c) => c.role))]
}

/**
 * A role that the migrations create in more than one database: roles belong to the whole server, so where those
 * databases share one, the second CREATE ROLE fails. Each database is checked as if alone on its server.
 */
function crossDatabaseRoleFindings(prepared: { target: ResolvedTarget; folder: MigrationFolder }[], root: string): Finding[] {
  const byRole = new Map<string, { target: ResolvedTarget; creation: RoleCreation }[]>()
  for (const { target, folder } of prepared) {
    const seen = new Set<string>()
    for (const creation of roleCreations(folder.migrations)) {
      if (seen.has(creation.role)) continue
      seen.add(creation.role)
      byRole.set(creation.role, [...(byRole.get(creation.role) ?? []), { target, creation }])
    }
  }
  const out: Finding[] = []
  for (const [role, creators] of byRole) {
    const runs = creators.flatMap(({ target }) => target.databases.map((db) => `${target.name}/${db}`))
    if (runs.length < 2) continue
    const { creation } = creators[0]
    const databases = [...new Set(creators.flatMap(({ target }) => target.databases))]
    const by = creators.map(({ target, creation: c }) => `${c.migration.tag} (${target.name})`).join(' and ')
    out.push({
      kind: 'cross_database_role',
      severity: 'warning',
      target: [...new Set(creators.map(({ target }) => target.name))].join(', '),
      databases,
      name: role,
      file: path.relative(root, creation.migration.file),
      line: creation.line,
      message: `role "${role}" is created by ${by} in each of ${databases.join(', ')}`,
      cause: `roles belong to the whole Postgres server, not to one database: where these databases share a server (as a master and its tenants usually do), the second CREATE ROLE fails with 'role "${role}" already exists' and drizzle's migrator rolls that database's migrations back. The check runs each database as if it had a server of its own`,
      fix: `Create the role once, outside the per-database migrations (your provisioning; a "setup" script for this check), or guard it: DO $$ BEGIN <the CREATE ROLE statement>; EXCEPTION WHEN duplicate_object THEN NULL; END $$;`
    })
  }
  return out
}

function crossTargetFindings(targets: ResolvedTarget[], schemas: Map<string, LoadedSchema>): Finding[] {
  const out: Finding[] = []
  const owners = new Map<string, ResolvedTarget[]>()
  for (const target of targets) {
    const schema = schemas.get(target.name)
    if (!schema) continue
    for (const key of Object.keys(schema.snapshot.tables)) owners.set(key, [...(owners.get(key) ?? []), target])
  }
  for (const [key, owning] of owners) {
    // Targets that apply the same migrations folder create the table once, from the same history.
    if (new Set(owning.map((t) => `${t.migrationsDir}|${t.migrationsSchema}.${t.migrationsTable}`)).size < 2) continue
    const names = owning.map((t) => t.name)
    const [schemaName, table] = key.split('.')
    const first = schemas.get(names[0])!.sources.table(schemaName, table)
    out.push({
      kind: 'cross_target_table',
      severity: 'warning',
      target: names.join(', '),
      schema: schemaName,
      table,
      ...(first ? first : {}),
      message: `table ${key} is declared by ${names.join(' and ')}`,
      cause: 'each target creates it in its own databases; if they share a database, the second CREATE TABLE fails, and if not, the two definitions can drift apart'
    })
  }
  const byDatabase = new Map<string, ResolvedTarget[]>()
  for (const target of targets) {
    for (const db of target.databases) {
      const key = `${db}|${target.migrationsSchema}.${target.migrationsTable}`
      byDatabase.set(key, [...(byDatabase.get(key) ?? []), target])
    }
  }
  for (const [key, sharing] of byDatabase) {
    if (sharing.length < 2) continue
    const [db, table] = key.split('|')
    out.push({
      kind: 'shared_migrations_table',
      severity: 'error',
      target: sharing.map((t) => t.name).join(', '),
      databases: [db],
      name: table,
      message: `targets ${sharing.map((t) => t.name).join(' and ')} both record their migrations in ${table} of database ${db}`,
      cause: "drizzle's migrator reads only the newest entry of that table, so each side skips the other's older migrations (drizzle-orm issue #1365)",
      fix: `Give each drizzle config its own migrations: { table: "__drizzle_migrations_${sharing[1].name}" }`
    })
  }
  return out
}

/** Runs at most `size` tasks at a time; `acquire` takes a slot by hand (its release may be called early, once). */
export interface Limiter {
  <T>(fn: () => Promise<T>): Promise<T>
  acquire(): Promise<() => void>
}

export function limiter(size: number): Limiter {
  let running = 0
  const waiting: (() => void)[] = []
  const acquire = async (): Promise<() => void> => {
    // A released slot passes straight to the first waiter (running stays counted), so a caller arriving between
    // the release and the waiter's wake-up cannot take it too.
    if (running >= size) await new Promise<void>((resolve) => waiting.push(resolve))
    else running++
    let held = true
    return () => {
      if (!held) return
      held = false
      const next = waiting.shift()
      if (next) next()
      else running--
    }
  }
  const limit = async <T>(fn: () => Promise<T>): Promise<T> => {
    const release = await acquire()
    try {
      return await fn()
    } finally {
      release()
    }
  }
  return Object.assign(limit, { acquire })
}

export function declaredCounts(snapshot: PgSnapshot): TargetResult['declared'] {
  const tables = Object.values(snapshot.tables)
  return {
    tables: tables.length,
    columns: tables.reduce((n, t) => n + Object.keys(t.columns).length, 0),
    enums: Object.keys(snapshot.enums ?? {}).length,
    indexes: tables.reduce((n, t) => n + Object.keys(t.indexes ?? {}).length, 0)
  }
}

export function stripEmpty(f: Finding): Finding {
  return Object.fromEntries(Object.entries(f).filter(([, v]) => v !== undefined && v !== '' && !(Array.isArray(v) && v.length === 0))) as unknown as Finding
}
