// One target's databases: each migrated from clean as drizzle's migrator would, compared with the schema's database
// while its session is open, and the differences explained once for all the databases that share them.
import { createHash } from 'node:crypto'
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
import { Migration, MigrationFolder, timestampedFolderFix } from '../migrations/folder'
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
import { Lease, Way } from './shared-databases'
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
/**
 * What a target's migrated databases are built from, known before any is: the migrations as they are sent, and, for
 * a database shared with another check of the run (--base), its key (everything but the migrations) and the
 * migrations' identities, announced to the other check (src/engine/shared-databases.ts).
 */
export interface TargetPlan {
  extensions: string[]
  available: Set<string> | undefined
  preinstalled: string[]
  setup: ReturnType<typeof readSetupScripts>
  loaded: string[]
  migrations: Migration[]
  /** Per database, when it may be shared. */
  shareKey?: (database: string) => string
  /** One identity per migration: tag, when and SQL. */
  ids: string[]
}

export async function planTargetDatabases(check: TargetCheck, run: RunContext): Promise<TargetPlan> {
  const { target, folder } = check
  const { provider, root } = run
  const extensions = [...new Set(folder.migrations.flatMap((m) => (m.sql ? extensionsCreatedBy(m.sql) : [])))]
  const available = await provider.availableExtensions()
  // What the provider does before the migrations: preinstalled extensions (those this Postgres has) and setup SQL.
  const preinstalled = target.extensions.filter((e) => !available || available.has(e))
  const setup = readSetupScripts(target.setup, root)
  // PGlite loads an extension's code when an instance starts: those the setup files create are asked for up front.
  const loaded = [...new Set([...preinstalled, ...extensions, ...setup.flatMap((s) => s.extensions)])]
  // Outside a transaction, a chunk of several statements would still be one (the simple query protocol runs them
  // in an implicit transaction): each statement is sent on its own, as autocommit runners do.
  const migrations = target.transaction ? folder.migrations : folder.migrations.map(oneStatementEach)
  const ids = migrations.map((m) =>
    createHash('sha256')
      .update(JSON.stringify([m.tag, m.when, m.sql ?? null]))
      .digest('hex')
  )
  const plan: TargetPlan = { extensions, available, preinstalled, setup, loaded, migrations, ids }
  // The project's own init commands write to the database: a database they ran on is never shared.
  if (!run.shared || target.run?.commands.length) return plan
  const migrationsTable = { schema: target.migrationsSchema, table: target.migrationsTable }
  const introspectOptions = { schemas: target.schemaFilter, tablesFilter: target.tablesFilter, migrationsTable }
  plan.shareKey = (database) =>
    JSON.stringify([
      target.name,
      database,
      folder.format,
      target.transaction,
      migrationsTable,
      introspectOptions,
      preinstalled,
      loaded,
      target.extensionsDeclared ?? null,
      setup.map((s) => JSON.stringify(s).split(root).join('<root>'))
    ])
  for (const database of target.databases) run.shared.announce(plan.shareKey(database), ids)
  return plan
}

/**
 * Whether a run from clean that goes on from where the other side's run ended is the same as one run from clean
 * (docs/baseline.md): the other side's migrations all applied and, in one transaction, nothing the commit in
 * between changes: an enum value added before and used after ("unsafe use of new value" from clean), deferred
 * constraints and triggers, ON COMMIT, SET LOCAL / SET CONSTRAINTS / SET TRANSACTION, or transactions the SQL
 * opens or ends itself. Where in doubt, the side builds its own database.
 */
function continuesExactly(prefix: ApplyResult, migrations: Migration[], transaction: boolean): boolean {
  const before = migrations.slice(0, prefix.applied.length)
  if (prefix.failure || prefix.applied.some((a, i) => !a.ok || a.tag !== before[i]?.tag)) return false
  if (!transaction) return true
  const after = migrations.slice(prefix.applied.length)
  const sql = (list: Migration[]): string => list.map((m) => m.sql ?? '').join('\n')
  if (DEFERRED_OR_LOCAL.test(sql(before)) || /\bSET\s+TRANSACTION\b/i.test(sql(after))) return false
  const later = sql(after)
  for (const [, value] of sql(before).matchAll(ADDED_ENUM_VALUE)) if (later.includes(`'${value}'`)) return false
  return ![...before, ...after].some((m) =>
    splitSqlStatements(m.sql ?? '').some((s) => TRANSACTION_CONTROL.test(s.sql.replace(LEADING_COMMENTS, '')))
  )
}

const DEFERRED_OR_LOCAL = /\bDEFERR|\bON\s+COMMIT\b|\bSET\s+(?:LOCAL|CONSTRAINTS|TRANSACTION)\b/i
const ADDED_ENUM_VALUE = /\bADD\s+VALUE\s+(?:IF\s+NOT\s+EXISTS\s+)?'((?:[^']|'')*)'/gi
const TRANSACTION_CONTROL =
  /^(?:BEGIN|COMMIT|ROLLBACK|ABORT|SAVEPOINT|RELEASE|START\s+TRANSACTION|END|PREPARE\s+TRANSACTION)\b/i
const LEADING_COMMENTS = /^(?:\s+|--[^\n]*\n?|\/\*[\s\S]*?\*\/)*/

export async function checkTargetDatabases(
  check: TargetCheck,
  run: RunContext,
  plan?: TargetPlan
): Promise<TargetFinding[]> {
  const { target, folder, schema, snapshots, result } = check
  const { provider, root, timed, log, limit } = run
  const out: TargetFinding[] = []
  const { extensions, available, preinstalled, setup, loaded, migrations, ids } =
    plan ?? (await planTargetDatabases(check, run))
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
  if (available) out.push(...unavailableExtensionFindings(target, available, provider.description))
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

  const migrateOne = async (
    name: string,
    taken: Taken
  ): Promise<{
    result: DatabaseResult
    differences?: SchemaDifference[]
    actual?: DatabaseModel
    commandFailure?: DatabaseCommandFailure
  }> => {
    const lease = await migratedDatabase(name, taken)
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
              message: applied.failure.recording
                ? `${migration.tag} ran, then recording it in ${target.migrationsSchema}.${target.migrationsTable} failed: ${error.message}`
                : `${migration.tag} failed at ${file}:${line}: ${error.message}`,
              cause:
                (applied.failure.recording ? recordingCause(migration) : undefined) ??
                explained?.cause ??
                runnerCause(error, target) ??
                `drizzle's migrator would stop here and roll back every migration of this run${error.hint ? ` (hint: ${error.hint})` : ''}; the schema comparison is skipped for this database`,
              ...(applied.failure.recording && Number.isNaN(migration.when)
                ? { fix: timestampedFolderFix(migration.tag) }
                : explained?.fix
                  ? { fix: explained.fix }
                  : {})
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
  /** What a database was read with once every migration applied. */
  const readMigrated = async (
    db: Database,
    applied: ApplyResult,
    role: string | undefined
  ): Promise<MigratedDatabase> => {
    let functions: Promise<string[] | undefined> | undefined
    return {
      db,
      applied,
      role,
      functions: () => (functions ??= functionDefinitions(db).catch(() => undefined)),
      model: applied.failure ? undefined : await timed('introspect', () => introspectDatabase(db, introspectOptions))
    }
  }
  const build = async (name: string): Promise<MigratedDatabase> => {
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
      return await readMigrated(db, applied, role)
    } catch (error) {
      await db.close()
      throw error
    }
  }
  /**
   * How a database is come by, decided outside the bound on databases (it may wait for the other check of a --base
   * run): alone, shared, or the other check's database with this one's further migrations applied to it.
   */
  const take = async (name: string): Promise<Taken> => {
    if (!run.shared || !plan?.shareKey) return { way: 'alone' }
    const key = plan.shareKey(name)
    const way = await run.shared.way(key, ids)
    if (way !== 'extend') return { way, key }
    const prefix = (await run.shared.takeOver(key)) as MigratedDatabase | undefined
    if (prefix && continuesExactly(prefix.applied, migrations, target.transaction)) return { way, key, prefix }
    if (prefix) await run.shared.close(prefix.db)
    return { way: 'own', key }
  }
  /** A database the migrations were applied to (and read, when they all applied), shared when run.shared says so. */
  const migratedDatabase = async (name: string, taken: Taken): Promise<Lease<MigratedDatabase>> => {
    if (taken.way === 'alone' || !run.shared) {
      const built = await build(name)
      return { ...built, release: () => built.db.close() }
    }
    if (taken.way !== 'extend' || !taken.prefix) return run.shared.lease(taken.key!, ids, () => build(name))
    // The other check applied the first of these migrations: only the rest are applied, as from clean.
    const { db, applied: before, role } = taken.prefix
    const shared = run.shared
    try {
      const more = await timed('migrate', () =>
        applyMigrations(db, migrations.slice(before.applied.length), migrationsTable, {
          transaction: target.transaction,
          migrator: folder.format === 'folders' ? '1.x' : '0.x',
          continuing: true
        })
      )
      const applied: ApplyResult = { applied: [...before.applied, ...more.applied], failure: more.failure }
      log(
        `  ${name}: went on from the other check's database (${before.applied.length} migration(s)), applied ${more.applied.length}`
      )
      const built = await readMigrated(db, applied, role)
      return { ...built, release: () => shared.close(db) }
    } catch (error) {
      await shared.close(db)
      throw error
    }
  }
  // No database applied every migration: the schema's build goes on without the functions.
  const migrated = await Promise.all(
    target.databases.map(async (name) => {
      const taken = await take(name)
      // A database the other check of a --base run takes too, or goes on from, is the longest work of both: it
      // goes ahead of the schemas' databases waiting for a slot.
      const shared = taken.way === 'own' || taken.way === 'identical'
      return (shared ? limit.first : limit)(() => migrateOne(name, taken))
    })
  ).finally(() => giveFunctions(undefined))
  const expected = await expectedBuild
  result.databases.push(...migrated.map((m) => m.result))
  const compared = migrated.flatMap((m, i) =>
    m.differences ? [{ name: target.databases[i], differences: m.differences }] : []
  )
  // Sorted so that grouped findings list databases in config order whatever finished first.
  for (const { finding, databases } of failures.values())
    out.push({
      ...withMissingObjectOrigin(
        withUnexportedSchemaCause(finding, schema.snapshot, { root, migrations: folder.migrations }),
        {
          root,
          target: target.name,
          migrations: folder.migrations,
          unlisted: unlistedMigrations(folder),
          snapshots,
          schemaSnapshot: schema.snapshot
        }
      ),
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

/** How one database is come by (src/engine/shared-databases.ts). */
interface Taken {
  way: 'alone' | Way
  key?: string
  /** The other check's database, to go on from. */
  prefix?: MigratedDatabase
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

/**
 * Why recording a migration that ran failed. drizzle-orm 1.x's migrator records a folder's created_at from its name's
 * first 14 characters: a folder named otherwise gives NaN, which the bigint column refuses.
 */
function recordingCause(migration: Migration): string {
  const named = Number.isNaN(migration.when)
    ? `drizzle-orm 1.x's migrator records each folder with the created_at its name's first 14 characters give, and "${migration.tag}" does not begin with a timestamp (NaN); `
    : ''
  return `${named}drizzle's migrator inserts that row in the same transaction as the migrations, so it stops here and rolls back every migration of this run; the schema comparison is skipped for this database`
}
