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

export function readCachedSchema(key: string | undefined): CachedSchema | undefined {
  if (!key) return undefined
  try {
    return JSON.parse(fs.readFileSync(path.join(cacheDir(), `${key}.json`), 'utf8')) as CachedSchema
  } catch {
    return undefined
  }
}

export function writeCachedSchema(key: string | undefined, value: CachedSchema): void {
  if (!key) return
  try {
    fs.mkdirSync(cacheDir(), { recursive: true })
    const file = path.join(cacheDir(), `${key}.json`)
    const tmp = `${file}.${process.pid}.tmp`
    fs.writeFileSync(tmp, JSON.stringify(value))
    fs.renameSync(tmp, file)
  } catch {
    // a cache that cannot be written only costs time
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
 * (the cache is off, or the schema read the whole environment), or a provider whose databases depend on more
 * than the SQL run in them (a server's roles are shared by all its databases).
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

// v8's serialiser, not JSON: the model holds Maps and Sets, and a member set to undefined stays one.
export function readBuiltSchema(key: string | undefined): BuiltSchema | undefined {
  if (!key) return undefined
  try {
    return v8.deserialize(fs.readFileSync(path.join(cacheDir(), `${key}.built`))) as BuiltSchema
  } catch {
    return undefined
  }
}

export function writeBuiltSchema(key: string | undefined, value: BuiltSchema): void {
  if (!key) return
  try {
    fs.mkdirSync(cacheDir(), { recursive: true })
    const file = path.join(cacheDir(), `${key}.built`)
    const tmp = `${file}.${process.pid}.tmp`
    fs.writeFileSync(tmp, v8.serialize(value))
    fs.renameSync(tmp, file)
  } catch {
    // a cache that cannot be written only costs time
  }
}
