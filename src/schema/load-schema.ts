// Loads a target's schema modules and serialises them with drizzle-kit; remembers where each object is declared.
import * as fs from 'node:fs'
import * as path from 'node:path'
import { ResolvedTarget } from '../config/load-config'
import { ModuleLoader, standInInSnapshot } from '../config/module-loader'
import { UsageError } from '../engine/types'
import { PgSnapshot, drizzleKitVersion, serializeSchema } from './drizzle-kit'
import { readCachedSchema, schemaCacheKey, writeCachedSchema } from './schema-cache'
import { createRequire } from 'node:module'
import { vendorPackageVersion } from '../config/vendor'
import { SourceIndex } from './source-index'

export interface LoadedSchema {
  snapshot: PgSnapshot
  sources: SourceIndex
  /** Packages served from the tool's bundled copy because the project has none installed. */
  fallbacks: string[]
  /** Packages replaced by a stand-in because they are not installed (--stub-missing-imports). */
  stubbed: string[]
  /** Key of drizzle-kit's serialisation in the on-disk cache (undefined: not cacheable). */
  cacheKey?: string
}

export function loadSchema(root: string, target: ResolvedTarget, stubMissingPackages = false): LoadedSchema {
  const loader = new ModuleLoader({ root, stubMissingPackages })
  const exports: Record<string, unknown> = {}
  for (const file of target.schemaFiles) {
    const moduleExports = loader.load(file)
    for (const [name, value] of Object.entries(moduleExports)) {
      if (name === 'default' || name === '__esModule') continue
      exports[name] = value
    }
  }
  const projectFiles = loader.loadedFiles.filter((f) => !f.split(path.sep).includes('node_modules'))
  const cacheKey = schemaCacheKey(projectFiles, [
    'v2',
    // Only the entry files' exports are the schema: the same loaded files with other entries is another schema.
    target.schemaFiles.join('\n'),
    target.casing ?? '',
    drizzleKitVersion(),
    drizzleOrmVersion(target.schemaFiles[0]),
    [...loader.fallbacks, ...loader.stubbed].join(',')
  ])
  const cached = readCachedSchema(cacheKey)
  let snapshot: PgSnapshot
  try {
    snapshot = cached?.snapshot ?? serializeSchema(exports, target.casing)
    if (!cached) writeCachedSchema(cacheKey, { snapshot })
  } catch (error) {
    const first = path.relative(root, target.schemaFiles[0])
    const standIns = loader.stubbed.size ? ` (stand-ins were used for ${[...loader.stubbed].join(', ')}, which are not installed)` : ''
    throw new UsageError(
      `${first}: drizzle-kit could not read the schema: ${(error as Error).message.split('\n')[0]}${standIns}`,
      first
    )
  }
  const standIn = loader.stubbed.size ? standInInSnapshot(snapshot) : undefined
  if (standIn) {
    // Its SQL would be nonsense (`vector(drift-guard-stub:…)`): say why instead of failing in Postgres.
    const first = path.relative(root, target.schemaFiles[0])
    throw new UsageError(
      `${first}: the ${standIn.where} uses a stand-in for ${standIn.packageName} (--stub-missing-imports), so the schema cannot be built as declared. Install the project's dependencies, or make ${standIn.packageName} resolvable (workspace package, tsconfig "paths")`,
      first
    )
  }
  const sources = new SourceIndex(root, exports, projectFiles, target.casing)
  return { snapshot, sources, fallbacks: [...loader.fallbacks], stubbed: [...loader.stubbed], cacheKey }
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
