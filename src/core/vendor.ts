// Packages the tool ships for the project: drizzle-orm (for schemas when the project has no node_modules),
// drizzle-kit's API (to serialise a schema exactly as `drizzle-kit generate` does) and PGlite (embedded Postgres).
// drizzle-orm and drizzle-kit come in two generations (docs/drizzle-1.md): 0.x (the ordinary dependencies) and
// 1.x (the npm workspace vendor-drizzle-1/), each requiring its own drizzle-orm.
//
// In the bundle they live in dist/vendor/node_modules and dist/vendor/drizzle-1/node_modules as the packages' own
// built files, not bundled by ncc: ncc breaks PGlite's start-up and chokes on drizzle-kit's dynamic requires.
// Running from source, they are the dependencies in node_modules and vendor-drizzle-1/node_modules.
import * as fs from 'node:fs'
import * as path from 'node:path'
import { createRequire } from 'node:module'

/** Folder of the shipped packages when running from dist/, or undefined when running from source. */
export function vendorDirectory(): string | undefined {
  const candidate = path.join(__dirname, 'vendor')
  return fs.existsSync(path.join(candidate, 'node_modules')) ? candidate : undefined
}

/** The drizzle generation a project uses: its drizzle-orm / drizzle-kit major line. */
export type DrizzleGeneration = '0.x' | '1.x'

const fromVendor = (() => {
  const dir = vendorDirectory()
  return dir ? createRequire(path.join(dir, 'index.js')) : undefined
})()
// A require that webpack/ncc cannot follow, so the packages are not pulled into the bundle.
const fromSource = createRequire(__filename)

/** drizzle-kit / drizzle-orm 1.x: the bundle's dist/vendor/drizzle-1, else the workspace vendor-drizzle-1/. */
const fromGeneration1 = (() => {
  const dir = vendorDirectory()
  const shipped = dir ? path.join(dir, 'drizzle-1') : undefined
  if (shipped && fs.existsSync(path.join(shipped, 'node_modules'))) return createRequire(path.join(shipped, 'index.js'))
  return createRequire(path.join(__dirname, '..', '..', 'vendor-drizzle-1', 'package.json'))
})()
const GENERATIONAL = new Set(['drizzle-orm', 'drizzle-kit'])

/** Packages served from another folder laid out like dist/vendor (see serveVendoredPackageFrom). */
const overrides = new Map<string, NodeJS.Require>()

/**
 * Serves a shipped package from `dir`/node_modules instead (undefined: back to the default). For tests that need
 * the bundle's situation while running from source: a copy of the package outside this repository, where its own
 * require() of anything else finds nothing, as in the bundle.
 */
export function serveVendoredPackageFrom(name: string, dir: string | undefined): void {
  // `drizzle-orm@1` / `drizzle-kit@1`: the 1.x generation's copy.
  if (dir === undefined) overrides.delete(name)
  else overrides.set(name, createRequire(path.join(dir, 'index.js')))
}

function vendorRequireFor(specifier: string, generation: DrizzleGeneration): NodeJS.Require {
  const parts = specifier.split('/')
  const name = specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]
  if (generation === '1.x' && GENERATIONAL.has(name)) return overrides.get(`${name}@1`) ?? fromGeneration1
  return overrides.get(name) ?? fromVendor ?? fromSource
}

/** A shipped package; drizzle-orm and drizzle-kit of the given generation (0.x unless said). */
export function vendorRequire<T = unknown>(specifier: string, generation: DrizzleGeneration = '0.x'): T {
  return vendorRequireFor(specifier, generation)(specifier) as T
}

/** Absolute path of a file inside a shipped package (e.g. PGlite's wasm). */
export function vendorResolve(specifier: string, generation: DrizzleGeneration = '0.x'): string {
  return vendorRequireFor(specifier, generation).resolve(specifier)
}

/** Version of a shipped package (read from its package.json, which some packages do not export). */
export function vendorPackageVersion(name: string, entry = name, generation: DrizzleGeneration = '0.x'): string {
  // Resolved from an entry the bundle ships (drizzle-kit ships only its API, not its CLI's index.js).
  let dir = path.dirname(vendorResolve(entry, generation))
  for (;;) {
    const file = path.join(dir, 'package.json')
    if (fs.existsSync(file)) {
      const pkg = JSON.parse(fs.readFileSync(file, 'utf8')) as { name?: string; version: string }
      if (pkg.name === name) return pkg.version
    }
    const parent = path.dirname(dir)
    if (parent === dir) return 'unknown'
    dir = parent
  }
}

/**
 * Whether a resolved file is in this tool's own node_modules (running from source, a project inside the repository
 * resolves the tool's dependencies): those are not the project's packages.
 */
export function isToolInstallation(file: string): boolean {
  const parts = path.resolve(file).split(path.sep)
  const at = parts.lastIndexOf('node_modules')
  if (at <= 0) return false
  const owner = parts.slice(0, at).join(path.sep) || path.sep
  try {
    const pkg = JSON.parse(fs.readFileSync(path.join(owner, 'package.json'), 'utf8')) as { name?: string }
    return pkg.name === 'drizzle-drift-guard' || pkg.name === 'drizzle-drift-guard-vendor-drizzle-1'
  } catch {
    return false
  }
}
