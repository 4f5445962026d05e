// One target resolved to absolute paths: its drizzle config read, its schema files expanded, its options checked.
import * as fs from 'node:fs'
import * as path from 'node:path'
import { FINDING_KINDS, Severity } from '../core/findings'
import { UsageError } from '../core/errors'
import { ModuleLoader, ModuleLoadError } from './module-loader'
import { drizzleKitSchemaFiles } from './glob'
import { JsonPath } from '../core/json'
import { closestName } from '../core/suggest'
import { runOptions } from './run-options'
import { literalDrizzleConfig } from './config-literals'
import { DEFAULT_CONFIG_FILE, DrizzleKitConfig, ResolvedTarget, TargetConfig, TargetSource } from './target-types'

/**
 * Two configs for the same schema files and the same migrations folder (and migrations table) are one target: the
 * first is kept and the others are noted; checking both would only report every finding twice. Targets named in
 * drift-guard.config.json must also agree on their databases and severities, since those are the user's.
 */
export function withoutDuplicates(
  targets: ResolvedTarget[],
  root: string,
  named: boolean
): { targets: ResolvedTarget[]; notes: string[] } {
  const kept = new Map<string, ResolvedTarget>()
  const notes: string[] = []
  for (const target of targets) {
    const key = JSON.stringify([
      [...target.schemaFiles].sort(),
      target.migrationsDir,
      target.migrationsSchema,
      target.migrationsTable,
      target.casing ?? null,
      target.schemaFilter ?? null,
      target.tablesFilter ?? null,
      target.extensionsFilters ?? null,
      named
        ? [
            target.databases,
            target.severity,
            target.setup,
            target.extensions,
            target.transaction,
            target.run?.commands ?? null
          ]
        : null
    ])
    const first = kept.get(key)
    if (!first) {
      kept.set(key, target)
      continue
    }
    const which = named || !target.drizzleConfig ? `target "${target.name}"` : path.relative(root, target.drizzleConfig)
    notes.push(
      `${which} has the same schema files and migrations folder (${path.relative(root, target.migrationsDir) || '.'}) as target "${first.name}": checked once, as "${first.name}"`
    )
  }
  return { targets: [...kept.values()], notes }
}

/** A target's migrations folder does not exist; without a declared `out`, a discovered config is a push config. */
export class MissingMigrationsFolderError extends UsageError {
  constructor(
    message: string,
    readonly outDeclared: boolean,
    /** The package.json script that runs drizzle-kit push, when one does: the folder is missing because nothing generates it. */
    readonly pushScript?: string
  ) {
    super(message)
  }
}

export function asList(value: string | string[] | undefined): string[] | undefined {
  if (value === undefined) return undefined
  return Array.isArray(value) ? value : [value]
}

export function resolveTarget(
  root: string,
  target: TargetConfig,
  where: string,
  source?: TargetSource
): ResolvedTarget {
  let kit: DrizzleKitConfig = {}
  let drizzleConfig: string | undefined
  const notes: string[] = []
  if (target.drizzleConfig) {
    drizzleConfig = path.resolve(root, target.drizzleConfig)
    if (!fs.existsSync(drizzleConfig)) {
      const line = source?.line(['drizzleConfig'])
      throw new UsageError(
        `${where}${line ? `:${line}` : ''}: target "${target.name}": drizzle config not found: ${target.drizzleConfig}`,
        source?.file,
        line
      )
    }
    kit = loadDrizzleConfig(root, drizzleConfig, targetCwd(root, target, drizzleConfig))
    const rel = path.relative(root, drizzleConfig)
    if (kit.unevaluated)
      notes.push(
        `${rel} could not be evaluated here (${kit.unevaluated.replace(/\.$/, '')}): its dialect, schema and out are plain strings in its source, and were read from there`
      )
    // drizzle-kit before 0.21 had no dialect: `driver: 'pg'` was PostgreSQL (0.21 and later reject it).
    if (kit.dialect === undefined && kit.driver === 'pg') {
      kit = { ...kit, dialect: 'postgresql' }
      notes.push(
        `${rel} has \`driver: 'pg'\` and no \`dialect\`, the config format of drizzle-kit before 0.21: checked as dialect "postgresql" (drizzle-kit 0.21 and later ask for \`dialect: "postgresql"\` instead)`
      )
    }
    const dialect = kit.dialect
    if (dialect !== 'postgresql') {
      throw new UsageError(
        `${path.relative(root, drizzleConfig)}: dialect is ${dialect === undefined ? 'not set' : `"${dialect}"`}; ` +
          'drift-guard checks PostgreSQL projects only (dialect: "postgresql")',
        path.relative(root, drizzleConfig)
      )
    }
  } else if (!target.schema || !target.migrations) {
    const line = source?.line([])
    throw new UsageError(
      `${where}${line ? `:${line}` : ''}: target "${target.name}" needs "drizzleConfig", or both "schema" and "migrations"`,
      source?.file,
      line
    )
  }

  const cwd = targetCwd(root, target, drizzleConfig)
  const schemaPatterns = asList(target.schema) ?? asList(kit.schema)
  if (!schemaPatterns || schemaPatterns.length === 0) {
    throw new UsageError(`target "${target.name}": no schema (set "schema" in the drizzle config or the target)`)
  }
  const schemaFiles = [...new Set(schemaPatterns.flatMap((p) => expandSchema(p, cwd)))]
  if (schemaFiles.length === 0) {
    const built = buildOutputHint(root, cwd, schemaPatterns)
    if (built) throw new UsageError(`target "${target.name}": ${built}`)
    const own = asList(target.schema)
    throw new UsageError(
      `target "${target.name}": schema ${schemaPatterns.map((p) => `"${p}"`).join(', ')} matches no file ` +
        `(looked in ${path.relative(root, cwd) || '.'}). ` +
        (own && drizzleConfig
          ? `A target's own "schema" is resolved, like the drizzle config's, from the folder drizzle-kit runs from (${path.relative(root, cwd) || '.'}), not from ${DEFAULT_CONFIG_FILE}'s folder; or set the target's "cwd".`
          : `Set the target's "cwd" to the folder drizzle-kit runs from.`)
    )
  }
  const out = target.migrations ?? kit.out ?? 'drizzle'
  const migrationsDir = path.resolve(cwd, out)
  if (!fs.existsSync(migrationsDir) || !fs.statSync(migrationsDir).isDirectory()) {
    const declared = (target.migrations ?? kit.out) !== undefined
    const pushes = declared ? scriptRunningPush(root, cwd) : undefined
    const of = drizzleConfig && !target.migrations ? `${path.relative(root, drizzleConfig)}: its "out"` : 'the'
    throw new MissingMigrationsFolderError(
      `target "${target.name}": ${of} migrations folder not found: ${path.relative(root, migrationsDir)} ` +
        `(resolved from ${path.relative(root, cwd) || '.'}). ` +
        (pushes
          ? `${pushes} runs drizzle-kit push: a project that pushes its schema has no migrations to check; run drizzle-kit generate to start them.`
          : `Set the target's "cwd" if drizzle-kit runs elsewhere.`),
      declared,
      pushes
    )
  }
  return {
    name: target.name,
    drizzleConfig,
    cwd,
    schemaPatterns,
    schemaFiles,
    migrationsDir,
    databases: target.databases && target.databases.length > 0 ? target.databases : [target.name],
    databasesNamed: !!target.databases && target.databases.length > 0,
    outDeclared: (target.migrations ?? kit.out) !== undefined,
    casing: target.casing ?? kit.casing,
    schemaFilter: asList(target.schemaFilter) ?? asList(kit.schemaFilter),
    tablesFilter: asList(target.tablesFilter) ?? asList(kit.tablesFilter),
    extensionsFilters: target.extensionsFilters ?? kit.extensionsFilters,
    migrationsTable: target.migrationsTable ?? kit.migrations?.table ?? '__drizzle_migrations',
    migrationsSchema: target.migrationsSchema ?? kit.migrations?.schema ?? 'drizzle',
    severity: target.severity ?? {},
    ...(notes.length ? { notes } : {}),
    ...providerOptions(root, target, where, source)
  }
}

/** The package.json (relative path, with the script's name) whose scripts run `drizzle-kit push` for this folder. */
function scriptRunningPush(root: string, cwd: string): string | undefined {
  for (const folder of [...new Set([cwd, root])]) {
    try {
      const scripts: unknown = JSON.parse(fs.readFileSync(path.join(folder, 'package.json'), 'utf8')).scripts
      if (!scripts || typeof scripts !== 'object') continue
      const name = Object.entries(scripts).find(([, command]) => /\bdrizzle-kit\s+push\b/.test(String(command)))?.[0]
      if (name) return `${path.relative(root, path.join(folder, 'package.json'))} (script "${name}")`
    } catch {
      // no package.json here, or not JSON: nothing to tell
    }
  }
  return undefined
}

const SEVERITY_VALUES: unknown[] = ['error', 'warning', 'notice', 'off'] satisfies (Severity | 'off')[]

/** setup, extensions and transaction: what the provider the migrations run on does before and around them. */
function providerOptions(
  root: string,
  target: TargetConfig,
  where: string,
  source?: TargetSource
): Pick<ResolvedTarget, 'setup' | 'extensions' | 'extensionsDeclared' | 'transaction' | 'run'> {
  const fail = (message: string, at: JsonPath): never => {
    const line = source?.line(at)
    throw new UsageError(
      `${where}${line ? `:${line}` : ''}: target "${target.name}": ${message}`,
      source?.file ?? where,
      line
    )
  }
  const strings = (key: 'setup' | 'extensions'): string[] => {
    const value: unknown = target[key]
    if (value === undefined) return []
    const wrong = !Array.isArray(value) ? -1 : value.findIndex((v) => typeof v !== 'string' || v.trim() === '')
    if (wrong !== -1 || !Array.isArray(value))
      fail(
        `"${key}" must be a list of ${key === 'setup' ? 'SQL file paths' : 'extension names'}`,
        wrong === -1 ? [key] : [key, wrong]
      )
    return value as string[]
  }
  const setup = strings('setup').map((file, index) => {
    const absolute = path.resolve(root, file)
    if (!fs.existsSync(absolute) || !fs.statSync(absolute).isFile())
      fail(`setup file not found: ${file}`, ['setup', index])
    return absolute
  })
  if (target.transaction !== undefined && typeof target.transaction !== 'boolean')
    fail('"transaction" must be true or false', ['transaction'])
  const severity: unknown = target.severity
  if (severity !== undefined && (!severity || typeof severity !== 'object' || Array.isArray(severity)))
    fail('"severity" must be an object of finding kinds, e.g. { "extra_index": "warning" }', ['severity'])
  for (const [key, value] of Object.entries(severity ?? {})) {
    // "kind" or "kind:object" (extra_constraint:public.bookings.no_overlap). A misspelt kind would silently set nothing.
    const colon = key.indexOf(':')
    const kind = colon < 0 ? key : key.slice(0, colon)
    if (!(FINDING_KINDS as readonly string[]).includes(kind)) {
      const closest = closestName(kind, new Set(FINDING_KINDS))
      fail(
        `"severity" names "${key}", which is not a finding kind${colon < 0 ? '' : ' followed by an object'}${closest ? ` (did you mean "${closest}${colon < 0 ? '' : key.slice(colon)}"?)` : ''}; the kinds are listed in the README, an object is written kind:schema.table.name`,
        ['severity', key]
      )
    }
    if (colon >= 0 && !/^[^.\s]+(\.[^.\s]+){0,3}$/.test(key.slice(colon + 1)))
      fail(
        `"severity" key "${key}" must be kind:object, the object written schema.table.name (e.g. "extra_constraint:public.bookings.no_overlap")`,
        ['severity', key]
      )
    // A misspelt severity would reach the report as it is, counted nowhere.
    if (!SEVERITY_VALUES.includes(value))
      fail(`"severity" of "${key}" must be "error", "warning", "notice" or "off"`, ['severity', key])
  }
  const extensions: string[] = []
  const lines: Record<string, number> = {}
  for (const [index, name] of strings('extensions').entries()) {
    const extension = name.trim()
    if (extensions.includes(extension)) continue
    extensions.push(extension)
    const line = source?.line(['extensions', index])
    if (line) lines[extension] = line
  }
  return {
    setup,
    extensions,
    ...(source && extensions.length > 0 ? { extensionsDeclared: { file: source.file, lines } } : {}),
    transaction: target.transaction ?? true,
    ...withRun(runOptions(target, fail, source))
  }
}

const withRun = (run: ResolvedTarget['run']): Pick<ResolvedTarget, 'run'> => (run ? { run } : {})

/**
 * The modules drizzle-kit imports for one `schema` entry: globs as glob matches them, a folder as its own files
 * (not its sub-folders). Other files (README.md, .d.ts) are left out: drizzle-kit gets no tables from them.
 */
/** Build folders a schema may point into (ctrlplane: `schema: "./dist/src/schema"`, compiled by tsc, not committed). */
const BUILD_FOLDERS = new Set(['dist', 'build', 'out', 'lib', '.next', '.output'])

/**
 * When a schema pattern points into a build output that does not exist, what to say instead of "set cwd": build the
 * package first, or check its sources (named when the same path without the build folder exists).
 */
function buildOutputHint(root: string, cwd: string, patterns: string[]): string | undefined {
  for (const pattern of patterns) {
    const segments = pattern.replace(/^\.\//, '').split(/[\\/]/)
    const at = segments.findIndex((s) => BUILD_FOLDERS.has(s))
    if (at < 0) continue
    const folder = path.resolve(cwd, ...segments.slice(0, at + 1))
    if (fs.existsSync(folder)) continue
    // dist/src/schema → src/schema; dist/schema.js → schema.ts, src/schema.ts
    const rest = segments
      .slice(at + 1)
      .join('/')
      .replace(/\.js$/, '.ts')
    const candidates = [rest, `src/${rest}`, rest.replace(/^src\//, '')]
      .filter(Boolean)
      .map((r) => [...segments.slice(0, at), r].join('/'))
    const sources = candidates.find((c) => fs.existsSync(path.resolve(cwd, c)))
    return (
      `schema "${pattern}" is in ${path.relative(root, folder)}, a build output that is not in the repository: build the package before the check, ` +
      `or set the target's "schema" in ${DEFAULT_CONFIG_FILE} to the sources${sources ? ` ("${sources}", resolved from ${path.relative(root, cwd) || '.'})` : ''}`
    )
  }
  return undefined
}

function expandSchema(pattern: string, cwd: string): string[] {
  return drizzleKitSchemaFiles(pattern, cwd).filter(
    (f) => /\.(ts|tsx|mts|cts|js|jsx|mjs|cjs)$/.test(f) && !/\.d\.[mc]?ts$/.test(f)
  )
}

// drizzle-kit resolves schema and out from the folder it runs in; monorepos run it from the package folder.
function targetCwd(root: string, target: TargetConfig, drizzleConfig: string | undefined): string {
  if (target.cwd) return path.resolve(root, target.cwd)
  return drizzleConfig ? nearestPackageFolder(path.dirname(drizzleConfig), root) : root
}

function nearestPackageFolder(from: string, root: string): string {
  let dir = from
  for (;;) {
    if (fs.existsSync(path.join(dir, 'package.json'))) return dir
    const parent = path.dirname(dir)
    if (dir === root || parent === dir || !parent.startsWith(root)) return dir === root ? root : from
    dir = parent
  }
}

/**
 * Runs synchronous work with `process.cwd()` set to `folder`, as drizzle-kit's process is when it loads configs and
 * schemas. Synchronous on purpose: nothing else runs while the process is in the target's folder.
 */
export function inFolder<T>(folder: string, work: () => T): T {
  const previous = process.cwd()
  process.chdir(folder)
  try {
    return work()
  } finally {
    process.chdir(previous)
  }
}

/**
 * Evaluates a drizzle config in `cwd`, the folder drizzle-kit runs from: configs compute their paths from
 * `process.cwd()` (e.g. `relative(process.cwd(), …import.meta.url…)`), so they must see the same folder.
 * A config that throws only because an environment variable is unset
 * (`if (!process.env.DATABASE_URL) throw …`) is retried with placeholders: the check needs no credentials.
 */
export function loadDrizzleConfig(root: string, file: string, cwd: string): DrizzleKitConfig {
  const rel = path.relative(root, file)
  if (file.endsWith('.json')) {
    try {
      return JSON.parse(fs.readFileSync(file, 'utf8')) as DrizzleKitConfig
    } catch (error) {
      throw new UsageError(`${rel}: malformed JSON: ${(error as Error).message}`, rel)
    }
  }
  const load = (): DrizzleKitConfig => {
    const exports = inFolder(cwd, () => new ModuleLoader({ root, stubMissingPackages: true }).load(file))
    const config = (exports.default ?? exports) as DrizzleKitConfig
    if (!config || typeof config !== 'object') throw new UsageError(`${rel}: does not export a config object`, rel)
    return config
  }
  const source = fs.readFileSync(file, 'utf8')
  // A config that cannot run here (it computes credentials from the application's runtime) still names its schema
  // and migrations; when those are literals, they are all the check needs from it.
  const fromSource = (what: string): DrizzleKitConfig => {
    const literal = literalDrizzleConfig(source)
    if (!literal) throw configError(rel, what)
    return { ...literal, unevaluated: what }
  }
  try {
    return load()
  } catch (first) {
    // process.exit() is not a config failing to run here: it is an attempt to end the check, never read around.
    if (!(first instanceof ModuleLoadError) || first.exitCalled) throw first
    // Retry with placeholders for the variables the config reads and the environment lacks.
    const names = new Set(
      [...source.matchAll(/process\.env(?:\.([A-Za-z_][\w]*)|\[\s*["'`]([^"'`]+)["'`]\s*\])/g)].map((m) => m[1] ?? m[2])
    )
    const unset = [...names].filter((n) => process.env[n] === undefined)
    if (unset.length === 0) return fromSource(thrown(first))
    for (const n of unset) process.env[n] = 'drift-guard-placeholder'
    try {
      return load()
    } catch {
      return fromSource(
        `${thrown(first)} (it reads ${unset.join(', ')}, which ${unset.length > 1 ? 'are' : 'is'} unset)`
      )
    } finally {
      for (const n of unset) delete process.env[n]
    }
  }
}

/** What the loader says a module threw, without its advice for schema files (a config is not one). */
function thrown(error: ModuleLoadError): string {
  const cut = error.message.search(/\. (A stand-in may have produced|The schema must load)/)
  return cut > 0 ? error.message.slice(0, cut) : error.message
}

/**
 * A drizzle config that threw: the loader's message (file, line, what was thrown), and what to do about a config,
 * which is not a schema: the check needs only its schema and migrations, which a target can name itself.
 */
function configError(rel: string, what: string): UsageError {
  return new UsageError(
    `${what}. drift-guard evaluates ${rel} only for its dialect, schema and out, and they are not all plain strings in it: ` +
      `name the target's "schema" and "migrations" (and "cwd") in ${DEFAULT_CONFIG_FILE} instead of "drizzleConfig", ` +
      'or make the config load without the application (no calls into its runtime at import)',
    rel
  )
}
