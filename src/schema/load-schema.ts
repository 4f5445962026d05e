// Loads a target's schema modules and serialises them with drizzle-kit; remembers where each object is declared.
import * as fs from 'node:fs'
import * as path from 'node:path'
import { ResolvedTarget, inFolder } from '../config/load-config'
import { ModuleLoader, standInFor, standInInSnapshot } from '../config/module-loader'
import { isDriverPackage } from '../config/drivers'
import { UsageError } from '../core/errors'
import { TargetResult } from '../core/findings'
import { PgSnapshot, drizzleKitVersion, serializeSchema } from './drizzle-kit'
import { readCachedSchema, schemaCacheKey, toolFingerprint, writeCachedSchema } from './schema-cache'
import { createRequire } from 'node:module'
import { createHash } from 'node:crypto'
import { vendorPackageVersion } from '../core/vendor'
import { DUPLICATE_EXPORT, SourceIndex, SourceIndexData } from './source-index'
import { runProjectCode } from '../project-code/parent-side'
import { DrizzleChoice, chooseDrizzleGeneration } from './kit-version'
import {
  Kit1Entity,
  Kit1State,
  ddlToV7,
  drizzleKit1Version,
  serializeSchema1,
  withSnapshotNames
} from './drizzle-kit-1'
import { columnNamesBeforeCasing, uniquesAddedByName, withKit1ConstraintNames } from './kit1-names'
import { readMigrationFolder } from '../migrations/folder'

export interface LoadedSchema {
  snapshot: PgSnapshot
  sources: SourceIndex
  /** Packages served from the tool's bundled copy because the project has none installed. */
  fallbacks: string[]
  /** Packages replaced by a stand-in because they are not installed (--stub-missing-imports). */
  stubbed: string[]
  /** Key of drizzle-kit's serialisation in the on-disk cache (undefined: not cacheable). */
  cacheKey?: string
  /** Why the project is taken for a drizzle-kit 1.x one (its constraint names are then 1.x's). */
  drizzleKit1?: string
  /** The drizzle generation the project uses, and why (docs/drizzle-1.md). */
  drizzle: DrizzleChoice
  /**
   * drizzle-kit 1.x's own state of the schema (a 1.x project, serialised by the bundled 1.x): the SQL that builds
   * it and the comparison with the last snapshot come from it. Undefined on the 0.31 path (0.x, and 1.0.0-beta
   * projects whose config sets `casing`, which only the betas apply).
   */
  kit1State?: Kit1State
  /** The state the schema's database is built from, when it names what kit1State leaves unnamed (withLastSnapshotNames). */
  kit1BuildState?: Kit1State
}

/** Whether the bundled drizzle-kit 1.x serialises the target (else the 0.31 one, with 1.x names where 1.x applies). */
function usesKit1Serialiser(choice: DrizzleChoice, target: ResolvedTarget): boolean {
  return choice.generation === '1.x' && !(choice.beta && target.casing)
}

/** A LoadedSchema as plain data: what the project-code process sends back (its SourceIndex as data). */
export type LoadedSchemaData = Omit<LoadedSchema, 'sources'> & { sources: SourceIndexData }

export function schemaAsData(schema: LoadedSchema): LoadedSchemaData {
  return { ...schema, sources: schema.sources.toData() }
}

/** What the project-code process is asked to load (src/project-child.ts answers with loadSchemaInProcess). */
export interface SchemaRequest {
  root: string
  target: ResolvedTarget
  stubMissingPackages: boolean
  /** The tool's fingerprint, taken by the tool's process (its build makes the SQL kept in the cache). */
  toolFingerprint: string
}

/**
 * Loads a target's schema in the project-code process (../project-code): the schema is the pull request's code, and
 * must not run next to the tool's secrets, nor hold the run (time limit), nor end it (process.exit()).
 */
export async function loadSchema(
  root: string,
  target: ResolvedTarget,
  stubMissingPackages = false
): Promise<LoadedSchema> {
  const request: SchemaRequest = { root, target, stubMissingPackages, toolFingerprint: toolFingerprint() }
  const data = (await runProjectCode({
    kind: 'schema',
    input: request,
    root,
    what: `the schema of target "${target.name}"`,
    file: target.schemaFiles[0]
  })) as LoadedSchemaData
  if (!data || typeof data !== 'object' || !data.snapshot || !data.sources)
    throw new Error(`the project-code process answered no schema for target "${target.name}"`)
  return { ...data, sources: SourceIndex.fromData(data.sources) }
}

/** Loads a target's schema in this process (the project-code process's side of loadSchema). */
export async function loadSchemaInProcess(
  root: string,
  target: ResolvedTarget,
  stubMissingPackages = false,
  fingerprint = toolFingerprint()
): Promise<LoadedSchema> {
  const drizzle = chooseDrizzleGeneration(target, root)
  const kit1 = usesKit1Serialiser(drizzle, target)
  const loader = new ModuleLoader({ root, stubMissingPackages, drizzleOrm: kit1 ? '1.x' : '0.x' })
  const exports: Record<string, unknown> = {}
  // In the folder drizzle-kit runs from, as it loads the schema there (a schema may read files relative to it).
  const envRead = recordingEnvReads(() =>
    inFolder(target.cwd, () => {
      for (const file of target.schemaFiles) {
        const moduleExports = loader.load(file)
        for (const [name, value] of Object.entries(moduleExports)) {
          if (name === 'default' || name === '__esModule') continue
          // drizzle-kit collects every entry file's objects (a Set of them): another file's export of the same
          // name is another table, not a replacement.
          let key = name
          for (let n = 2; key in exports && exports[key] !== value; n++) key = `${name}${DUPLICATE_EXPORT}${n}`
          exports[key] = value
        }
      }
    })
  )
  const projectFiles = loader.loadedFiles.filter((f) => !f.split(path.sep).includes('node_modules'))
  const drizzleKit1 = drizzle.generation === '1.x' ? drizzle.evidence : undefined
  // 1.x's casing is on the tables: the config's is read by the betas only.
  const casing = kit1 ? undefined : target.casing
  const addedByName = drizzleKit1 && !kit1 ? uniquesAddedInMigrations(target.migrationsDir) : undefined
  // Everything drizzle-kit's serialisation depends on. schemaFilter, tablesFilter and extensionsFilters are not
  // here on purpose: `drizzle-kit generate` serialises without them (they only narrow push/pull), and the
  // introspection that uses them is never cached.
  const cacheKey = schemaCacheKey(
    [...projectFiles, ...importedJsonFiles(projectFiles)],
    [
      // The format, and the rules the cached SQL was built with: bumped when they change (v5: 1.x's own serialiser).
      'v5',
      // The tool's own code (its naming rules, the SQL it builds): a new build of the bundle misses the old entries.
      fingerprint,
      // Only the entry files' exports are the schema: the same loaded files with other entries is another schema.
      target.schemaFiles.map((f) => path.relative(root, f)).join('\n'),
      casing ?? '',
      // The SQL built from the snapshot depends on the naming rules (and on what they read in the migrations).
      kit1 ? 'kit1 serialiser' : drizzleKit1 ? `kit1 ${[...(addedByName ?? [])].sort().join(',')}` : 'kit0',
      kit1 ? drizzleKit1Version() : drizzleKitVersion(),
      drizzleOrmVersion(target.schemaFiles[0]),
      [...loader.fallbacks, ...loader.stubbed].join(','),
      // Installed packages load natively (not through the loader): their versions and entry files stand for them.
      ...importedPackages(projectFiles),
      // A schema may shape itself from the environment (a pgSchema named by DB_SCHEMA, say).
      ...[...(envRead ?? [])].sort().map((name) => `env ${name}=${process.env[name] ?? '(unset)'}`)
    ],
    envRead !== undefined,
    root
  )
  const cached = readCachedSchema(cacheKey)
  let snapshot: PgSnapshot
  let kit1State: Kit1State | undefined
  try {
    if (kit1) {
      kit1State = cached?.kit1State ?? (await serializeSchema1(exports))
      snapshot = ddlToV7(kit1State)
      if (!cached) writeCachedSchema(cacheKey, { snapshot, kit1State })
    } else {
      snapshot = cached?.snapshot ?? serializeSchema(exports, casing)
      if (!cached) writeCachedSchema(cacheKey, { snapshot })
    }
    // The cache keeps drizzle-kit's own serialisation; the names are 1.x's from here on.
    if (drizzleKit1 && !kit1)
      snapshot = withKit1ConstraintNames(snapshot, {
        uniquesAddedByName: addedByName,
        columnNames: columnNamesBeforeCasing(exports, casing)
      })
  } catch (error) {
    const first = path.relative(root, target.schemaFiles[0])
    const standIns = loader.stubbed.size
      ? ` (stand-ins were used for ${[...loader.stubbed].join(', ')}, which are not installed)`
      : ''
    throw new UsageError(
      `${first}: drizzle-kit could not read the schema: ${(error as Error).message.split('\n')[0]}${standIns}`,
      first
    )
  }
  const standIn = loader.stubbed.size ? standInInSnapshot(snapshot) : undefined
  if (standIn) {
    // Its SQL would be nonsense (`vector(drift-guard-stub:…)`): say why, at the declaration, instead of failing in Postgres.
    const declared =
      standIn.table !== undefined
        ? standIn.column !== undefined
          ? new SourceIndex(root, exports, projectFiles, casing).column(standIn.schema!, standIn.table, standIn.column)
          : new SourceIndex(root, exports, projectFiles, casing).table(standIn.schema!, standIn.table)
        : undefined
    const file = declared?.file ?? path.relative(root, target.schemaFiles[0])
    const at = declared?.line ? ` It is declared at ${file}:${declared.line}.` : ''
    // A driver is stood in for on its own (configs and db modules build a client at import); anything else only with the flag.
    const why = isDriverPackage(standIn.packageName)
      ? 'the database driver is not installed, so the check stands in for it'
      : '--stub-missing-imports'
    throw new UsageError(
      `${file}: the ${standIn.where} uses a stand-in for ${standIn.packageName} (${why}), so the schema cannot be built as declared. Install the project's dependencies, or make ${standIn.packageName} resolvable (workspace package, tsconfig "paths").${at}`,
      file,
      declared?.line
    )
  }
  if (loader.stubbed.size) throwOnStandInEnum(root, target, casing, exports, projectFiles, [...loader.stubbed])
  const sources = new SourceIndex(root, exports, projectFiles, casing)
  return {
    snapshot,
    sources,
    fallbacks: [...loader.fallbacks],
    stubbed: [...loader.stubbed],
    cacheKey,
    ...(drizzleKit1 ? { drizzleKit1 } : {}),
    drizzle,
    ...(kit1State ? { kit1State } : {})
  }
}

/** A 1.x schema with its unnamed constraints under the names the last snapshot gives them (withSnapshotNames). */
export function withLastSnapshotNames(schema: LoadedSchema, last: Kit1Entity[]): LoadedSchema {
  if (!schema.kit1State) return schema
  const { state, build } = withSnapshotNames(schema.kit1State, last)
  return state === schema.kit1State
    ? schema
    : { ...schema, kit1State: state, kit1BuildState: build, snapshot: ddlToV7(state) }
}

/** The report's account of the generation a target was checked as. */
export function drizzleOfTarget(schema: LoadedSchema): NonNullable<TargetResult['drizzle']> {
  return {
    generation: schema.drizzle.generation,
    why: schema.drizzle.evidence,
    serialiser: `drizzle-kit ${schema.kit1State ? drizzleKit1Version() : drizzleKitVersion()}`
  }
}

/** The report's note for a 1.x project serialised by the bundled 1.x. */
export function kit1SerialiserNote(schema: LoadedSchema, casing: string | undefined): string {
  return (
    `drizzle-kit 1.x project (${schema.drizzle.evidence}): the schema is read by the bundled drizzle-kit ${drizzleKit1Version()} as 1.x generate reads it, ` +
    "so constraints it does not name are expected under 1.x's names (<table>_pkey, a column's unique <table>_<column>_key, " +
    'foreign key <table>_<columns>_<target>_<columns>_fkey), and it is compared with the last snapshot as 1.x does' +
    (casing ? `; the config's casing (${casing}) is not applied: 1.x reads casing from the tables only` : '')
  )
}

/** Unique constraints the migrations add by name (none when the folder cannot be read). */
function uniquesAddedInMigrations(dir: string): Set<string> {
  try {
    return uniquesAddedByName(readMigrationFolder(dir).migrations.map((m) => m.sql))
  } catch {
    return new Set()
  }
}

/**
 * An enum whose values come from a package that was stood in for (`pgEnum('role', ROLES)`) becomes an empty enum,
 * or one of stand-ins, without a word from drizzle-kit: say so instead of comparing an enum that is not the schema's.
 */
function throwOnStandInEnum(
  root: string,
  target: ResolvedTarget,
  casing: string | undefined,
  exports: Record<string, unknown>,
  projectFiles: string[],
  stubbed: string[]
): void {
  for (const value of Object.values(exports)) {
    if (typeof value !== 'function' || !('enumName' in value) || !('enumValues' in value)) continue
    const e = value as unknown as { enumName: string; enumValues: unknown; schema?: string }
    const values: unknown[] = Array.isArray(e.enumValues) ? e.enumValues : []
    const standIn = standInFor(e.enumValues) ?? values.map(standInFor).find((p) => p !== undefined)
    if (!standIn && values.length > 0) continue
    const at = new SourceIndex(root, exports, projectFiles, casing).enum(e.schema ?? 'public', e.enumName)
    const where = at ? `${at.file}:${at.line}` : path.relative(root, target.schemaFiles[0])
    const why = standIn
      ? `the values of enum ${e.enumName} are a stand-in for ${standIn} (--stub-missing-imports)`
      : stubbed.length === 1
        ? `enum ${e.enumName} has no values, and a stand-in was used for ${stubbed[0]} (--stub-missing-imports): its values come from it`
        : `enum ${e.enumName} has no values, and stand-ins were used for ${stubbed.join(', ')} (--stub-missing-imports): its values come from one of them`
    throw new UsageError(
      `${where}: ${why}, so the schema cannot be built as declared. Install the project's dependencies, or make ${standIn ?? (stubbed.length === 1 ? stubbed[0] : 'the package')} resolvable (workspace package, tsconfig "paths")`,
      at?.file ?? path.relative(root, target.schemaFiles[0]),
      at?.line
    )
  }
}

/** The drizzle-orm the schema runs with: the project's own, else the bundled one. */
function drizzleOrmVersion(from: string): string {
  try {
    const main = createRequire(from).resolve('drizzle-orm')
    for (let dir = path.dirname(main); dir !== path.dirname(dir); dir = path.dirname(dir)) {
      const pkg = path.join(dir, 'package.json')
      try {
        const json = JSON.parse(fs.readFileSync(pkg, 'utf8')) as { name?: string; version?: string }
        if (json.name === 'drizzle-orm') return json.version ?? 'unknown'
      } catch {
        // keep walking up
      }
    }
  } catch {
    // not installed in the project
  }
  return `bundled ${vendorPackageVersion('drizzle-orm')}`
}

const IMPORT_SPECIFIER = /(?:\bfrom\s*|\bimport\s*\(?\s*|\brequire\s*\(\s*)['"]([^'"\n]+)['"]/g

function importSpecifiers(file: string): string[] {
  try {
    return [...fs.readFileSync(file, 'utf8').matchAll(IMPORT_SPECIFIER)].map((m) => m[1])
  } catch {
    return []
  }
}

/** JSON files the project files import (the loader parses them without listing them among its loaded files). */
function importedJsonFiles(files: string[]): string[] {
  const out = new Set<string>()
  for (const file of files) {
    for (const specifier of importSpecifiers(file)) {
      if (specifier.endsWith('.json') && specifier.startsWith('.')) out.add(path.resolve(path.dirname(file), specifier))
    }
  }
  return [...out]
}

/**
 * "specifier=name@version sha256(entry file)" for each package the project files import, as resolved from the
 * importer: a package upgraded (or a local copy edited) between runs changes the key.
 */
function importedPackages(files: string[]): string[] {
  const out = new Set<string>()
  for (const file of files) {
    const specifiers = importSpecifiers(file).filter(
      (s) => !s.startsWith('.') && !path.isAbsolute(s) && !s.startsWith('node:')
    )
    if (specifiers.length === 0) continue
    const require = createRequire(file)
    for (const specifier of specifiers) {
      let entry: string
      try {
        entry = require.resolve(specifier)
      } catch {
        continue // not installed (type-only import, alias, or served from the bundle: keyed by fallbacks)
      }
      if (!path.isAbsolute(entry)) continue // a builtin
      out.add(`${specifier}=${packageVersionAt(entry)} ${hashFile(entry)}`)
    }
  }
  return [...out].sort()
}

function packageVersionAt(entry: string): string {
  for (let dir = path.dirname(entry); dir !== path.dirname(dir); dir = path.dirname(dir)) {
    try {
      const json = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as {
        name?: string
        version?: string
      }
      if (json.name) return `${json.name}@${json.version ?? '?'}`
    } catch {
      // keep walking up
    }
  }
  return '?'
}

function hashFile(file: string): string {
  try {
    return createHash('sha256').update(fs.readFileSync(file)).digest('hex').slice(0, 16)
  } catch {
    return '?'
  }
}

/**
 * Runs `load` with process.env wrapped so that the names it reads are recorded (set or not). The schema cache keys
 * on them: the same files with another environment can be another schema. Undefined when the whole environment was
 * enumerated (the schema is then not cached).
 */
// Read by Node itself while it compiles a module the first time in a process (its source-map cache), not by the
// schema: counted, the first load in a process would have another key than every later one.
const RUNTIME_READS = new Set(['NODE_V8_COVERAGE'])

function recordingEnvReads(load: () => void): Set<string> | undefined {
  const names = new Set<string>()
  let enumerated = false
  const env = process.env
  process.env = new Proxy(env, {
    get(target, name) {
      if (typeof name === 'string' && !RUNTIME_READS.has(name)) names.add(name)
      return Reflect.get(target, name)
    },
    has(target, name) {
      if (typeof name === 'string' && !RUNTIME_READS.has(name)) names.add(name)
      return Reflect.has(target, name)
    },
    // Writes go to the real object without the proxy as receiver: Node's process.env accepts only plain values
    // (dotenv with override, dotenv-expand and @next/env assign variables that exist).
    set: (target, name, value) => Reflect.set(target, name, value),
    defineProperty: (target, name, descriptor) => Reflect.defineProperty(target, name, descriptor),
    deleteProperty: (target, name) => Reflect.deleteProperty(target, name),
    ownKeys(target) {
      // `{ ...process.env }` reads every variable: the schema may depend on any of them (and CI sets new ones
      // each run), so such a schema is not cached at all.
      enumerated = true
      return Reflect.ownKeys(target)
    }
  })
  try {
    load()
  } finally {
    process.env = env
  }
  return enumerated ? undefined : names
}
