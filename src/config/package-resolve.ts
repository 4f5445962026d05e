// Resolving files and packages to the source a TypeScript project means: `.js` written for `.ts`, index files,
// package.json `exports`/`module`/`main` read as a bundler does, and workspace packages found by name.
import * as fs from 'node:fs'
import * as path from 'node:path'
import { findWorkspace } from './workspaces'

export const SOURCE_EXTENSIONS = ['.ts', '.tsx', '.mts', '.cts', '.js', '.jsx', '.mjs', '.cjs']
export const PROBE_EXTENSIONS = [...SOURCE_EXTENSIONS, '.json']

/** Resolves a path the way TypeScript projects expect: exact file, `.js` written for `.ts`, extensions, index files. */
export function resolveFile(candidate: string): string | undefined {
  const tries: string[] = [candidate]
  const ext = path.extname(candidate)
  const swap: Record<string, string[]> = {
    '.js': ['.ts', '.tsx'],
    '.jsx': ['.tsx'],
    '.mjs': ['.mts'],
    '.cjs': ['.cts']
  }
  if (swap[ext]) for (const alt of swap[ext]) tries.push(candidate.slice(0, -ext.length) + alt)
  for (const e of PROBE_EXTENSIONS) tries.push(candidate + e)
  for (const e of PROBE_EXTENSIONS) tries.push(path.join(candidate, 'index' + e))
  for (const t of tries) {
    try {
      if (fs.statSync(t).isFile()) return t
    } catch {
      // try the next candidate
    }
  }
  return undefined
}

export function packageNameOf(specifier: string): string {
  const parts = specifier.split('/')
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]
}

/** Finds node_modules/<package> above the importer and resolves the specifier from its package.json. */
export function resolvePackageSource(specifier: string, importer: string): string | undefined {
  const name = packageNameOf(specifier)
  for (let dir = path.dirname(importer); ; dir = path.dirname(dir)) {
    const pkgDir = path.join(dir, 'node_modules', name)
    if (fs.existsSync(path.join(pkgDir, 'package.json')))
      return resolvePackageEntry(pkgDir, '.' + specifier.slice(name.length))
    if (path.dirname(dir) === dir) return undefined
  }
}

/**
 * A workspace package imported by name, resolved in its folder as the package manager's link would lead there.
 * For checkouts without node_modules (and for workspace packages whose `exports` point at an unbuilt dist/).
 */
export function resolveWorkspacePackage(
  specifier: string,
  importer: string,
  root?: string
): { file?: string; packageDir?: string } {
  const name = packageNameOf(specifier)
  const packageDir = findWorkspace(importer, root)?.packages.get(name)
  return packageDir ? { file: resolvePackageEntry(packageDir, '.' + specifier.slice(name.length)), packageDir } : {}
}

interface PackageJson {
  exports?: unknown
  main?: string
  module?: string
  types?: string
  typings?: string
}

/**
 * The file a package's subpath ("." or "./sub") leads to. Every target its `exports` conditions name is tried in
 * order, then `module`/`main`/`types`, then `src/index`; a target in an unbuilt output folder (dist/, build/,
 * lib/, out/) falls back to the same path under src/, where workspace packages keep the TypeScript it is built from.
 */
export function resolvePackageEntry(pkgDir: string, subpath: string): string | undefined {
  let pkg: PackageJson
  try {
    pkg = JSON.parse(fs.readFileSync(path.join(pkgDir, 'package.json'), 'utf8')) as PackageJson
  } catch {
    return undefined
  }
  const targets = exportTargets(pkg.exports, subpath)
  if (subpath === '.')
    targets.push(
      ...[pkg.module, pkg.main, pkg.types, pkg.typings].filter((t): t is string => typeof t === 'string'),
      'index',
      'src/index'
    )
  else targets.push(subpath, path.posix.join('src', subpath))
  const found = (target: string): string | undefined => {
    const file = resolveFile(path.resolve(pkgDir, target.replace(/\.d\.([mc]?ts)$/, '.$1')))
    return file && !/\.d\.[mc]?ts$/.test(file) ? file : undefined
  }
  for (const target of targets) {
    const file = found(target)
    if (file) return file
  }
  for (const target of targets) {
    const source = target.replace(/^(\.\/)?(dist|build|lib|out)\//, 'src/').replace(/\.(d\.)?[mc]?[jt]s$/, '')
    if (source !== target) {
      const file = found(source)
      if (file) return file
    }
  }
  return undefined
}

const CONDITIONS = ['source', 'development', 'import', 'node', 'require', 'default', 'types']

/** Every target `exports` gives a subpath, in the order of CONDITIONS (a bundler's view: source first). */
function exportTargets(exports: unknown, subpath: string): string[] {
  if (exports === undefined || exports === null) return []
  if (typeof exports === 'string') return subpath === '.' ? [exports] : []
  if (Array.isArray(exports)) return exports.flatMap((e) => exportTargets(e, subpath))
  const map = exports as Record<string, unknown>
  const keys = Object.keys(map)
  if (!keys.some((k) => k.startsWith('.'))) return subpath === '.' ? conditionTargets(map) : []
  if (map[subpath] !== undefined) return conditionTargets(map[subpath])
  // Subpath patterns: the longest prefix wins, as in Node.
  const patterns = keys.filter((k) => k.includes('*')).sort((a, b) => b.indexOf('*') - a.indexOf('*'))
  for (const key of patterns) {
    const [prefix, suffix] = key.split('*')
    if (subpath.startsWith(prefix) && subpath.endsWith(suffix) && subpath.length >= prefix.length + suffix.length) {
      const star = subpath.slice(prefix.length, subpath.length - suffix.length)
      return conditionTargets(map[key]).map((t) => t.replace(/\*/g, star))
    }
  }
  return []
}

function conditionTargets(value: unknown): string[] {
  if (typeof value === 'string') return [value]
  if (Array.isArray(value)) return value.flatMap(conditionTargets)
  if (value && typeof value === 'object') {
    const map = value as Record<string, unknown>
    return CONDITIONS.filter((c) => map[c] !== undefined).flatMap((c) => conditionTargets(map[c]))
  }
  return []
}
