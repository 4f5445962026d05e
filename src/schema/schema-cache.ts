// drizzle-kit's serialisation of a schema, kept on disk between runs: loading drizzle-kit's API alone takes
// ~0.2 s, and a local edit-and-check loop re-reads the same schema most of the time. The key covers the entry
// files, the content of every project file (and imported JSON file) the schema loaded, the version and entry file
// of every package those files import, the environment variables they read, the casing, the build of this tool
// (a hash of the running bundle), and the versions of
// drizzle-kit and drizzle-orm, so any change to them misses the cache (see ./load-schema.ts). Files the schema reads
// with fs at import are not covered. DRIFT_GUARD_NO_CACHE=1 turns it off.
// Beside it, the schema's database as the embedded Postgres built and read it (`.built`): building it again from
// the same SQL, setup and extensions on the same Postgres gives the same model, and costs 1-4 s on a large schema.
import { createHash } from 'node:crypto'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import * as v8 from 'node:v8'
import { types } from 'node:util'
import { DatabaseModel } from '../model/types'
import type { SchemaBuild } from './build-statements'
import { PgSnapshot } from './drizzle-kit'
import type { Kit1State } from './drizzle-kit-1'

export interface CachedSchema {
  snapshot: PgSnapshot
  /** drizzle-kit 1.x's own state of the schema (1.x projects). */
  kit1State?: Kit1State
  /** drizzle-kit's SQL that creates the schema from nothing. */
  createSql?: string[]
  /** What drizzle-kit generate would write, by sha256 of the last snapshot file. */
  generate?: Record<string, string[]>
}

let fingerprint: string | undefined
/**
 * A hash of the running code: by content, not time, since a CI checkout gives the same bundle a new time on every
 * run and a restored cache must still hit (~5 ms for the 2 MB bundle). From source (tests, development), every
 * file of src/: the built schema's model depends on the introspection and the statements' rules, not this file.
 */
export function toolFingerprint(): string {
  if (fingerprint) return fingerprint
  const hash = createHash('sha256')
  try {
    if (__filename.endsWith('.ts')) {
      const src = path.join(__dirname, '..')
      const files = fs.readdirSync(src, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts'))
      for (const file of files.sort())
        hash
          .update(file)
          .update('\0')
          .update(fs.readFileSync(path.join(src, file)))
    } else hash.update(fs.readFileSync(__filename))
    fingerprint = `tool ${hash.digest('hex')}`
  } catch {
    fingerprint = 'tool ?'
  }
  return fingerprint
}

function cacheDir(): string {
  return path.join(process.env.RUNNER_TEMP || os.tmpdir(), 'drizzle-drift-guard', 'schemas')
}

/**
 * @param cacheable false: the schema read something the key cannot cover (the whole environment)
 * @param root files are named relative to it in the key, so that the same project in another folder (the base
 *   commit's worktree of --base, another clone) finds the same entry
 */
export function schemaCacheKey(files: string[], parts: string[], cacheable = true, root?: string): string | undefined {
  if (process.env.DRIFT_GUARD_NO_CACHE || !cacheable) return undefined
  const hash = createHash('sha256')
  for (const part of parts) hash.update(part).update('\0')
  const name = (file: string): string => (root ? path.relative(root, file) : file)
  for (const file of [...files].sort((a, b) => name(a).localeCompare(name(b)))) {
    try {
      hash.update(name(file)).update('\0').update(fs.readFileSync(file)).update('\0')
    } catch {
      return undefined
    }
  }
  return hash.digest('hex')
}

/**
 * The entry of that key, or undefined. An entry that is not what the key says (garbled, of another shape, another
 * key's entry copied or swapped in under this name, a folder where the file should be) is removed with a notice:
 * trusting it would report the findings of another schema.
 */
export function readCachedSchema(key: string | undefined): CachedSchema | undefined {
  if (!key) return undefined
  const file = path.join(cacheDir(), `${key}.json`)
  let text: string
  try {
    text = fs.readFileSync(file, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EISDIR') dropEntry(file, 'is a folder')
    return undefined
  }
  let stored: unknown
  try {
    stored = JSON.parse(text)
  } catch {
    dropEntry(file, 'is not JSON')
    return undefined
  }
  const problem = entryProblem(stored, key)
  if (problem) {
    dropEntry(file, problem)
    return undefined
  }
  const { key: _key, ...entry } = stored as StoredSchema
  return entry
}

/** An entry as written: with the key it was written under, checked when it is read. */
interface StoredSchema extends CachedSchema {
  key: string
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  !!value && typeof value === 'object' && !Array.isArray(value)
const isStringList = (value: unknown): boolean => Array.isArray(value) && value.every((v) => typeof v === 'string')

/** Why a stored entry cannot be the one of `key` (undefined: it is). */
function entryProblem(stored: unknown, key: string): string | undefined {
  if (!isObject(stored)) return 'is not an entry'
  if (stored.key !== key) return typeof stored.key === 'string' ? "holds another key's entry" : 'has no key'
  const snapshot = stored.snapshot
  if (!isObject(snapshot) || !['tables', 'enums', 'schemas', 'sequences'].every((k) => isObject(snapshot[k])))
    return 'has no snapshot of the expected shape'
  if (stored.kit1State !== undefined && !Array.isArray(stored.kit1State) && !isObject(stored.kit1State))
    return 'has a drizzle-kit 1.x state of the wrong shape'
  if (stored.createSql !== undefined && !isStringList(stored.createSql)) return 'has SQL of the wrong shape'
  if (
    stored.generate !== undefined &&
    (!isObject(stored.generate) || !Object.values(stored.generate).every(isStringList))
  )
    return 'has generated SQL of the wrong shape'
  return undefined
}

/** Removes a damaged entry (a file or a folder in its place), saying so: the run goes on without it. */
function dropEntry(file: string, why: string, then = 'the schema is read again'): void {
  try {
    fs.rmSync(file, { recursive: true, force: true })
  } catch {
    // left: it is not trusted either way
  }
  process.stderr.write(`drift-guard: the schema cache entry ${file} ${why}: removed, ${then}\n`)
}

export function writeCachedSchema(key: string | undefined, value: CachedSchema): void {
  if (!key) return
  const file = path.join(cacheDir(), `${key}.json`)
  const tmp = `${file}.${process.pid}.tmp`
  try {
    makeCacheDir()
    // A folder in the entry's place would refuse the rename on every run.
    if (fs.statSync(file, { throwIfNoEntry: false })?.isDirectory()) dropEntry(file, 'is a folder')
    const stored: StoredSchema = { ...value, key }
    fs.writeFileSync(tmp, JSON.stringify(stored))
    fs.renameSync(tmp, file)
  } catch {
    // a cache that cannot be written only costs time
    fs.rmSync(tmp, { force: true })
  }
}

/** The schema's database once built and read: its model, and what could not be built. */
export interface BuiltSchema {
  model: DatabaseModel
  problems: SchemaBuild['problems']
  unbuilt: SchemaBuild['unbuilt']
}

/**
 * Key of the schema's database built from these inputs, or undefined when it cannot be kept: no schema cache key
 * (the cache is off, or the schema read the whole environment), or a provider whose state could not be read
 * (what a fresh database of it builds from the same SQL is then unknown).
 * @param inputs everything the build reads besides the schema's files: the statements, the setup scripts'
 *   content, the extensions, the schemas and roles made beforehand, the introspection's filters, the project root
 */
export function builtSchemaKey(
  schemaKey: string | undefined,
  providerIdentity: string | undefined,
  inputs: unknown
): string | undefined {
  if (!schemaKey || !providerIdentity) return undefined
  return createHash('sha256')
    .update(JSON.stringify(['built-v1', schemaKey, toolFingerprint(), providerIdentity, process.version, inputs]))
    .digest('hex')
}

const BUILT_AGAIN = "the schema's database is built again"

/** A built entry as written: with the key it was written under, checked when it is read (like the JSON entries). */
interface StoredBuiltSchema extends BuiltSchema {
  key: string
}

/**
 * The built schema of that key, or undefined. An entry that is not what the key says (garbled bytes, another shape,
 * another key's entry swapped in, a folder) is removed with a notice: it would compare the migrations with another
 * schema's database.
 */
// v8's serialiser, not JSON: the model holds Maps and Sets, and a member set to undefined stays one.
export function readBuiltSchema(key: string | undefined): BuiltSchema | undefined {
  if (!key) return undefined
  const file = path.join(cacheDir(), `${key}.built`)
  let bytes: Buffer
  try {
    bytes = fs.readFileSync(file)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EISDIR') dropEntry(file, 'is a folder', BUILT_AGAIN)
    return undefined
  }
  let stored: unknown
  try {
    stored = v8.deserialize(bytes)
  } catch {
    dropEntry(file, 'is not a serialised entry', BUILT_AGAIN)
    return undefined
  }
  const problem = builtEntryProblem(stored, key)
  if (problem) {
    dropEntry(file, problem, BUILT_AGAIN)
    return undefined
  }
  const { key: _key, ...entry } = stored as StoredBuiltSchema
  return entry
}

/** Why a stored built entry cannot be the one of `key` (undefined: it is). */
function builtEntryProblem(stored: unknown, key: string): string | undefined {
  if (!isObject(stored)) return 'is not an entry'
  if (stored.key !== key) return typeof stored.key === 'string' ? "holds another key's entry" : 'has no key'
  const model = stored.model
  const sets = ['schemas', 'extensions']
  const maps = ['tables', 'enums', 'sequences', 'views']
  // util.types, not instanceof: v8.deserialize makes its Sets and Maps in the main realm, which is not the realm of
  // code run in a vm context (jest's), where instanceof would refuse every entry.
  if (!isObject(model) || !sets.every((k) => types.isSet(model[k])) || !maps.every((k) => types.isMap(model[k])))
    return 'has no model of the expected shape'
  if (!Array.isArray(stored.problems) || !Array.isArray(stored.unbuilt)) return 'has build results of the wrong shape'
  return undefined
}

export function writeBuiltSchema(key: string | undefined, value: BuiltSchema): void {
  if (!key) return
  const file = path.join(cacheDir(), `${key}.built`)
  const tmp = `${file}.${process.pid}.tmp`
  try {
    makeCacheDir()
    if (fs.statSync(file, { throwIfNoEntry: false })?.isDirectory()) dropEntry(file, 'is a folder', BUILT_AGAIN)
    const stored: StoredBuiltSchema = { ...value, key }
    fs.writeFileSync(tmp, v8.serialize(stored))
    fs.renameSync(tmp, file)
  } catch {
    // a cache that cannot be written only costs time
    fs.rmSync(tmp, { force: true })
  }
}

/** The cache folder, made; a file in the place of it or of its parent (ENOTDIR, EEXIST) is removed with a notice. */
function makeCacheDir(): void {
  const dir = cacheDir()
  for (const folder of [path.dirname(dir), dir]) {
    const stat = fs.statSync(folder, { throwIfNoEntry: false })
    if (stat && !stat.isDirectory()) {
      fs.rmSync(folder, { force: true })
      process.stderr.write(`drift-guard: ${folder} was a file, not the cache folder: removed\n`)
    }
  }
  fs.mkdirSync(dir, { recursive: true })
}
