// One target's databases: each migrated from clean as drizzle's migrator would, compared with the schema's database
// while its session is open, and the differences explained once for all the databases that share them.
import * as path from 'node:path'
import { ResolvedTarget } from '../config/load-config'
import { DatabaseResult, Finding, TargetResult } from '../core/findings'
import { SchemaDifference } from '../diff/diff-schemas'
import { groupByDatabase } from '../report/assembly'
import { compareDatabases } from '../diff/rules'
import { defaultSeverity, explainDifference } from '../explain/explain-difference'
import { extensionFailureCause, unavailableExtensionFindings } from '../explain/extensions'
import {
  privilegeCause,
  runnerCause,
  withMissingObjectOrigin,
  withUnexportedSchemaCause
} from '../explain/failed-migration'
import { generateAdvice, generateCommand } from '../explain/snapshot-findings'
import { unlistedMigrations } from '../explain/unlisted-files'
import { SnapshotFile } from '../explain/snapshots'
import { ApplyResult, applyMigrations } from '../migrations/apply'
import { Migration, MigrationFolder } from '../migrations/folder'
import { rolesCreatedBy } from '../migrations/roles'
import { introspectDatabase } from '../model/introspect'
import { DatabaseModel } from '../model/types'
import { EMBEDDED_EXTENSIONS } from '../postgres/pglite'
import { Database } from '../postgres/provider'
import { prepareDatabase, readSetupScripts } from '../postgres/setup-sql'
import { UnbuiltObject, functionDefinitions } from '../schema/build-statements'
import { LoadedSchema } from '../schema/load-schema'
import { extensionsCreatedBy } from '../sql/extensions'
import { rolesNamedIn } from '../sql/roles'
import { splitSqlStatements } from '../sql/statements'
import { RunContext } from './run-context'
import { buildSchemaDatabase } from './schema-database'
import { Lease } from './shared-databases'
import { DatabaseCommandFailure, runFailedFindings, runInitCommands } from './init-commands'

type TargetFinding = Omit<Finding, 'target'>

/** A throwaway database the target's migrations were applied to. */
interface MigratedDatabase {
  db: Database
  applied: ApplyResult
  /** The throwaway role the migrations ran as, when not the URL's user. */
  role?: string
  /** The functions it has (hand-written SQL), for the schema's database; read once. */
  functions: () => Promise<string[] | undefined>
  /** Its model, when every migration applied. */
  model?: DatabaseModel
}

/** One target's migrations, applied and compared in every database the target names. */
export interface TargetCheck {
  target: ResolvedTarget
  folder: MigrationFolder
  schema: LoadedSchema
  snapshots: SnapshotFile[]
  /** Filled in: each database's migrations and whether it was compared. */
  result: TargetResult
  /**
   * Filled in: the comparison the findings were explained from, for the first database compared (every database
   * of a target runs the same migrations from clean): what `drift-guard fix` plans its SQL from.
   */
  comparison?: TargetComparison
}

/** The two models of one comparison and the differences left after every rule. */
export interface TargetComparison {
  database: string
  /** The schema's database. */
  expected: DatabaseModel
  /** The database the migrations built. */
  actual: DatabaseModel
  differences: SchemaDifference[]
  /** Objects of the schema its database could not build (reported as schema_error, never compared). */
  unbuilt?: UnbuiltObject[]
}

/**
 * Applies the target's migrations to a throwaway database per database it names, builds the schema's database
 * beside them, and returns the findings: failed migrations (grouped across databases) and explained differences.
 */
export async function checkTargetDatabases(check: TargetCheck, run: RunContext): Promise<TargetFinding[]> {
  const { target, folder, schema, snapshots, result } = check
  const { provider, root, timed, log, limit } = run
  const out: TargetFinding[] = []
  const extensions = [...new Set(folder.migrations.flatMap((m) => (m.sql ? extensionsCreatedBy(m.sql) : [])))]
  const available = await provider.availableExtensions()
  const migrationsTable = { schema: target.migrationsSchema, table: target.migrationsTable }
  const introspectOptions = { schemas: target.schemaFilter, tablesFilter: target.tablesFilter, migrationsTable }
  const failures = new Map<string, { finding: TargetFinding; databases: string[] }>()
  // Every role the migrations name in a CREATE ROLE, also inside DO blocks: made beforehand where the owner role
  // the migrations run as may not create roles (a server before PostgreSQL 16).
  const migrationRoles = [...new Set(folder.migrations.flatMap((m) => (m.sql ? rolesNamedIn(m.sql) : [])))]

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
      return await buildSchemaDatabase(
        {
          target,
          snapshot: schema.snapshot,
          kit1State: schema.kit1BuildState ?? schema.kit1State,
          extensions: usableExtensions,
          introspectOptions,
          cacheKey: schema.cacheKey,
          sources: schema.sources,
          functions,
          migrationRoles: rolesCreatedBy(folder)
        },
        run
      )
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
  const migrateOne = async (
    name: string
  ): Promise<{
    result: DatabaseResult
    differences?: SchemaDifference[]
    actual?: DatabaseModel
    commandFailure?: DatabaseCommandFailure
  }> => {
    const lease = await migratedDatabase(name)
    const { db, applied } = lease
    try {
      // A database shared with the other side of a --base run was built from that side's files: same content, and
      // the same paths relative to each side's root.
      const ownFile = (tag: string, file: string): string => folder.migrations.find((m) => m.tag === tag)?.file ?? file
      const dbResult: DatabaseResult = {
        name,
        migrations: applied.applied.map((a) => ({ ...a, file: path.relative(root, ownFile(a.tag, a.file)) })),
        compared: !applied.failure
      }
      if (applied.failure) {
        const { line, error } = applied.failure
        const migration =
          folder.migrations.find((m) => m.tag === applied.failure!.migration.tag) ?? applied.failure.migration
        const file = path.relative(root, migration.file)
        const key = `${file}:${line}:${error.message}`
        const explained =
          privilegeCause(error, target, lease.role) ??
          extensionFailureCause({
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
        giveFunctions(await lease.functions())
      }
      const model = lease.model!
      const expected = await expectedBuild
      const differences =
        'error' in expected
          ? undefined
          : await timed('diff', () =>
              compareDatabases(expected.model, { database: db, actual: model, unbuilt: expected.unbuilt }, diffOptions)
            )
      // After the comparison, so that what the init writes is never taken for drift.
      const commandFailure = await runInitCommands(db, target, name, run)
      return { result: dbResult, differences, actual: model, commandFailure }
    } finally {
      await lease.release()
    }
  }
  /** A database the migrations were applied to (and read, when they all applied), shared when run.shared says so. */
  const migratedDatabase = async (name: string): Promise<Lease<MigratedDatabase>> => {
    const build = async (): Promise<MigratedDatabase> => {
      const db = await timed('provision', () =>
        provider.createDatabase(`${target.name}_${name}`, { extensions: loaded, roles: migrationRoles })
      )
      try {
        const role = await timed('migrate', async () => {
          await prepareDatabase(db, { names: preinstalled, declared: target.extensionsDeclared }, setup, target.name)
          // The migrations run as the run's owner role, not as the URL's user (docs/threat-model.md).
          return db.dropPrivileges?.()
        })
        const applied = await timed('migrate', () =>
          applyMigrations(db, migrations, migrationsTable, {
            transaction: target.transaction,
            migrator: folder.format === 'folders' ? '1.x' : '0.x'
          })
        )
        let functions: Promise<string[] | undefined> | undefined
        return {
          db,
          applied,
          role,
          functions: () => (functions ??= functionDefinitions(db).catch(() => undefined)),
          model: applied.failure
            ? undefined
            : await timed('introspect', () => introspectDatabase(db, introspectOptions))
        }
      } catch (error) {
        await db.close()
        throw error
      }
    }
    // The project's own init commands write to the database: a database they ran on is never shared.
    if (!run.shared || target.run?.commands.length) {
      const built = await build()
      return { ...built, release: () => built.db.close() }
    }
    const key = JSON.stringify([
      target.name,
      name,
      folder.format,
      target.transaction,
      migrationsTable,
      introspectOptions,
      preinstalled,
      loaded,
      target.extensionsDeclared ?? null,
      setup.map((s) => JSON.stringify(s).split(root).join('<root>')),
      migrations.map((m) => [m.tag, m.when, m.sql ?? null])
    ])
    return run.shared.lease(key, build)
  }
  // No database applied every migration: the schema's build goes on without the functions.
  const migrated = await Promise.all(target.databases.map((name) => limit(() => migrateOne(name)))).finally(() =>
    giveFunctions(undefined)
  )
  const expected = await expectedBuild
  result.databases.push(...migrated.map((m) => m.result))
  const compared = migrated.flatMap((m, i) =>
    m.differences ? [{ name: target.databases[i], differences: m.differences }] : []
  )
  // Sorted so that grouped findings list databases in config order whatever finished first.
  for (const { finding, databases } of failures.values())
    out.push({
      ...withMissingObjectOrigin(withUnexportedSchemaCause(finding, schema.snapshot), {
        root,
        target: target.name,
        migrations: folder.migrations,
        unlisted: unlistedMigrations(folder),
        snapshots,
        schemaSnapshot: schema.snapshot
      }),
      databases: target.databases.filter((d) => databases.includes(d))
    })
  const commandFailures = migrated.flatMap((m) => (m.commandFailure ? [m.commandFailure] : []))
  if (target.run && migrated.some((m) => !m.result.compared))
    result.notes.push(`"run" commands not run on a database where a migration failed (see migration_failed)`)
  if (result.databases.every((d) => !d.compared)) return out
  if ('error' in expected) {
    out.push(expected.error, ...runFailedFindings(target, commandFailures, [expected.error]))
    return out
  }
  out.push(...expected.problems)
  const first = migrated.findIndex((m) => m.differences && m.actual)
  if (first >= 0)
    check.comparison = {
      database: target.databases[first],
      expected: expected.model,
      actual: migrated[first].actual!,
      differences: migrated[first].differences!,
      unbuilt: expected.unbuilt
    }
  const ctx = {
    root,
    target: target.name,
    sources: schema.sources,
    schemaSnapshot: schema.snapshot,
    snapshots,
    migrations: folder.migrations,
    expected: expected.model,
    generateCommand: generateCommand(target, root),
    generateAdvice: generateAdvice(snapshots, target),
    // Every database runs the same migrations from clean, so they all stop at the same missing file.
    foldersWithoutSql: folder.problems
      .filter((p) => p.tag && /has no migration\.sql/.test(p.message))
      .map((p) => p.tag!),
    stoppedAt: folder.migrations.find((m) => m.sql === undefined),
    unlisted: unlistedMigrations(folder)
  }
  await timed('diff', () => {
    const seen = compared.flatMap(({ name, differences }) =>
      differences.map((difference) => ({ finding: difference, database: name }))
    )
    for (const { finding: difference, databases } of groupByDatabase(seen)) {
      out.push({ ...explainDifference(difference, ctx), severity: defaultSeverity(difference), databases })
    }
  })
  out.push(...runFailedFindings(target, commandFailures, out))
  return out
}

/** The migration with each chunk split into its statements, lines kept. */
function oneStatementEach(migration: Migration): Migration {
  return {
    ...migration,
    statements: migration.statements.flatMap((chunk) =>
      splitSqlStatements(chunk.sql).map((s) => ({
        sql: s.sql,
        line: chunk.chunkLine + s.line - 1,
        chunkLine: chunk.chunkLine + s.textLine - 1
      }))
    )
  }
}
