// drizzle-kit's serialisation of a schema, kept on disk between runs: loading drizzle-kit's API alone takes
// ~0.2 s, and a local edit-and-check loop re-reads the same schema most of the time. The key covers the entry
// files, the content of every project file (and imported JSON file) the schema loaded, the version and entry file
// of every package those files import, the environment variables they read, the casing, the build of this tool
// (a hash of the running bundle), and the versions of
// drizzle-kit and drizzle-orm, so any change to them misses the cache (see ./load-schema.ts). Files the schema reads
// with fs at import are not covered. DRIFT_GUARD_NO_CACHE=1 turns it off.
import { createHash } from 'node:crypto'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
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
