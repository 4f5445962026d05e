// Packages the tool ships for the project: drizzle-orm (for schemas when the project has no node_modules),
// drizzle-kit's API (to serialise a schema exactly as `drizzle-kit generate` does) and PGlite (embedded Postgres).
//
// In the bundle they live in dist/vendor/node_modules as the packages' own built files, not bundled by ncc:
// ncc breaks PGlite's start-up and chokes on drizzle-kit's dynamic requires. Running from source, they are
// the ordinary dependencies in node_modules.
import * as fs from 'node:fs'
import * as path from 'node:path'
import { createRequire } from 'node:module'

/** Folder of the shipped packages when running from dist/, or undefined when running from source. */
export function vendorDirectory(): string | undefined {
  const candidate = path.join(__dirname, 'vendor')
  return fs.existsSync(path.join(candidate, 'node_modules')) ? candidate : undefined
}

const fromVendor = (() => {
  const dir = vendorDirectory()
  return dir ? createRequire(path.join(dir, 'index.js')) : undefined
})()
// A require that webpack/ncc cannot follow, so the packages are not pulled into the bundle.
const fromSource = createRequire(__filename)

/** Packages served from another folder laid out like dist/vendor (see serveVendoredPackageFrom). */
const overrides = new Map<string, NodeJS.Require>()

/**
 * Serves a shipped package from `dir`/node_modules instead (undefined: back to the default). For tests that need
 * the bundle's situation while running from source: a copy of the package outside this repository, where its own
 * require() of anything else finds nothing, as in the bundle.
 */
export function serveVendoredPackageFrom(name: string, dir: string | undefined): void {
  if (dir === undefined) overrides.delete(name)
  else overrides.set(name, createRequire(path.join(dir, 'index.js')))
}

function vendorRequireFor(specifier: string): NodeJS.Require {
  const parts = specifier.split('/')
  const name = specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]
  return overrides.get(name) ?? fromVendor ?? fromSource
}

export function vendorRequire<T = unknown>(specifier: string): T {
  return vendorRequireFor(specifier)(specifier) as T
}

/** Absolute path of a file inside a shipped package (e.g. PGlite's wasm). */
export function vendorResolve(specifier: string): string {
  return vendorRequireFor(specifier).resolve(specifier)
}

/** Version of a shipped package (read from its package.json, which some packages do not export). */
export function vendorPackageVersion(name: string, entry = name): string {
  // Resolved from an entry the bundle ships (drizzle-kit ships only its API, not its CLI's index.js).
  let dir = path.dirname(vendorResolve(entry))
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
