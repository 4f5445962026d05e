// The schema's side of the comparison: a throwaway database built from drizzle-kit's SQL for the schema, prepared as
// the migrated ones are (setup, extensions, schemas and roles the migrations would have made), then introspected.
import * as path from 'node:path'
import { ResolvedTarget } from '../config/load-config'
import { Finding } from '../core/findings'
import { schemaPlatformCause } from '../explain/platform'
import { IntrospectOptions, introspectDatabase } from '../model/introspect'
import { DatabaseModel } from '../model/types'
import { EMBEDDED_EXTENSIONS } from '../postgres/pglite'
import { prepareDatabase, readSetupScripts } from '../postgres/setup-sql'
import { BuildContext, SchemaBuild, existingObjects, runSchemaStatements } from '../schema/build-statements'
import { unexportedEnums, unexportedSchemas } from '../schema/declared'
import { PgSnapshot, emptySnapshot, generateSql } from '../schema/drizzle-kit'
import { Kit1State, emptyState1, generateSql1 } from '../schema/drizzle-kit-1'
import {
  builtSchemaKey,
  readBuiltSchema,
  readCachedSchema,
  writeBuiltSchema,
  writeCachedSchema
} from '../schema/schema-cache'
import { SourceIndex } from '../schema/source-index'
import { quoteIdentifier as quoteIdent } from '../sql/identifiers'
import { RunContext } from './run-context'

type TargetFinding = Omit<Finding, 'target'>

export interface SchemaDatabaseRequest {
  target: ResolvedTarget
  snapshot: PgSnapshot
  /** drizzle-kit 1.x's state of the schema (a 1.x project): its SQL is 1.x's. */
  kit1State?: Kit1State
  /** The extensions the migrations create (and this Postgres has). */
  extensions: string[]
  introspectOptions: IntrospectOptions
  cacheKey?: string
  sources?: SourceIndex
  functions?: BuildContext['functions']
  /** Roles the migrations create: the schema's policies may name them. */
  migrationRoles?: string[]
}

/** The database the schema describes, built from drizzle-kit's SQL for it and introspected. */
export async function buildSchemaDatabase(
  request: SchemaDatabaseRequest,
  { provider, root, timed }: Pick<RunContext, 'provider' | 'root' | 'timed'>
): Promise<({ model: DatabaseModel } & SchemaBuild) | { error: TargetFinding }> {
  const { target, snapshot, extensions, introspectOptions, cacheKey, sources, functions, migrationRoles = [] } = request
  // 1.x's SQL is not cached: the names may come from the last snapshot (withSnapshotNames), and 1.x writes it fast.
  const cached = request.kit1State ? undefined : readCachedSchema(cacheKey)
  const statements =
    cached?.createSql ??
    (request.kit1State
      ? await generateSql1(emptyState1(), request.kit1State)
      : await generateSql(emptySnapshot(), snapshot))
  if (cached && !cached.createSql) writeCachedSchema(cacheKey, { ...cached, createSql: statements })
  const available = target.extensions.length > 0 ? await provider.availableExtensions() : undefined
  const preinstalled = target.extensions.filter((e) => !available || available.has(e))
  const setup = readSetupScripts(target.setup, root)
  const loaded = [...new Set([...preinstalled, ...extensions, ...setup.flatMap((s) => s.extensions)])]
  const declaredRoles = new Set(Object.keys(snapshot.roles ?? {}))
  const roles = migrationRoles.filter((r) => !declaredRoles.has(r))
  // Built before from the same inputs on the same embedded Postgres, or on a server in the same state: the same model
  // and the same problems (their file:line come from the schema's files, which the schema's key covers). Every path
  // in the key is relative to the root, as in the schema's key: the same project in another folder (the base
  // commit's worktree of --base, made in a new temporary folder on every run; another clone) finds the same entry.
  const relative = (file: string): string => (path.isAbsolute(file) ? path.relative(root, file) : file)
  const declared = target.extensionsDeclared
  const builtKey = builtSchemaKey(cacheKey, cacheKey ? await provider.buildIdentity?.() : undefined, {
    statements,
    setup,
    preinstalled,
    loaded,
    extensions,
    declared: declared ? { ...declared, file: relative(declared.file) } : null,
    migrationsSchema: target.migrationsSchema,
    unexported: unexportedSchemas(snapshot),
    roles,
    introspectOptions,
    fallbackFile: relative(target.schemaFiles[0]),
    target: target.name
  })
  const built = readBuiltSchema(builtKey)
  if (built) return built
  // A build that needed the migrations' functions depends on them (or on there being none): it is not kept.
  let askedFunctions = false
  const ownFunctions = (): Promise<string[] | undefined> => {
    askedFunctions = true
    return functions ? functions() : Promise.resolve(undefined)
  }
  const db = await timed('provision', () => provider.createDatabase(`${target.name}_schema`, { extensions: loaded }))
  try {
    return await timed('migrate', async () => {
      // As in the migrated databases, before anything else: what setup creates is then on both sides.
      await prepareDatabase(db, { names: preinstalled, declared: target.extensionsDeclared }, setup, target.name)
      for (const ext of extensions)
        if (ext !== 'plpgsql') await db.exec(`CREATE EXTENSION IF NOT EXISTS ${quoteIdent(ext)}`)
      // Roles the migrations create and the schema does not declare (pgRole): its policies may name them. Made as
      // the URL's user: the owner role may not create roles (before PostgreSQL 16).
      for (const role of roles) {
        // unique_violation too: on a server, a migrated database of this run may be creating it at the same moment.
        await db.exec(
          `DO $$ BEGIN CREATE ROLE ${quoteIdent(role)} NOLOGIN; EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$`
        )
      }
      // The schema's SQL runs as the migrations do: as the run's owner role, not as the URL's user.
      await db.dropPrivileges?.()
      await db.exec(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(target.migrationsSchema)}`)
      // drizzle-kit writes CREATE SCHEMA only for a pgSchema the schema files export; one imported from elsewhere
      // (a helper outside the schema glob) is created by hand-written SQL in the migrations, so here as well.
      for (const name of unexportedSchemas(snapshot)) await db.exec(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(name)}`)
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
      const build = await runSchemaStatements(db, statements, {
        root,
        fallbackFile: target.schemaFiles[0],
        sources,
        existing,
        platformCause,
        functions: ownFunctions,
        unexportedEnums: unexportedEnums(snapshot)
      })
      const model = await timed('introspect', () => introspectDatabase(db, introspectOptions))
      if (!askedFunctions) writeBuiltSchema(builtKey, { model, ...build })
      return { model, ...build }
    })
  } finally {
    await db.close()
  }
}
