// Workspace packages by name, as npm/yarn/pnpm link them into node_modules: a checkout without node_modules (the
// action runs before or without `npm ci`) still resolves `import { x } from "@app/shared"` to the package's source.
import * as fs from 'node:fs'
import * as path from 'node:path'
import { UsageError } from '../engine/types'
import { glob } from './glob'
import { JsonSyntaxError, parseJson } from './json'

export interface Workspace {
  /** Folder of the root package.json / pnpm-workspace.yaml. */
  root: string
  /** Package name -> its folder. */
  packages: Map<string, string>
}

const byDirectory = new Map<string, Workspace | null>()

/**
 * The workspace a file belongs to: the nearest folder above it that declares workspaces, up to the repository's
 * root (the folder holding .git), so that a stray package.json above the checkout is never read.
 * @param root folder that messages are relative to
 */
export function findWorkspace(file: string, root = process.cwd()): Workspace | null {
  const visited: string[] = []
  let found: Workspace | null = null
  for (let dir = path.dirname(file); ; dir = path.dirname(dir)) {
    const cached = byDirectory.get(dir)
    if (cached !== undefined) {
      found = cached
      break
    }
    visited.push(dir)
    const patterns = workspacePatterns(dir, root)
    if (patterns) {
      found = { root: dir, packages: listPackages(dir, patterns, root) }
      break
    }
    if (path.dirname(dir) === dir || fs.existsSync(path.join(dir, '.git'))) break
  }
  for (const v of visited) byDirectory.set(v, found)
  return found
}

/** The workspace globs a folder declares (pnpm-workspace.yaml, else package.json "workspaces"), or undefined. */
function workspacePatterns(dir: string, root: string): string[] | undefined {
  const pnpm = path.join(dir, 'pnpm-workspace.yaml')
  if (fs.existsSync(pnpm)) {
    try {
      return parsePnpmWorkspacePackages(fs.readFileSync(pnpm, 'utf8'))
    } catch (error) {
      throw malformed(pnpm, root, error as JsonSyntaxError)
    }
  }
  const pkgFile = path.join(dir, 'package.json')
  if (!fs.existsSync(pkgFile)) return undefined
  const workspaces = readPackageJson(pkgFile, root).workspaces
  // npm/yarn: an array, or yarn's { packages: [...], nohoist: [...] }.
  const list = Array.isArray(workspaces) ? workspaces : (workspaces as { packages?: unknown } | undefined)?.packages
  return Array.isArray(list) ? list.filter((p): p is string => typeof p === 'string') : undefined
}

/** A package.json, or a clear error at its line: the package manager would stop on it too. */
export function readPackageJson(file: string, root: string): Record<string, unknown> {
  try {
    return parseJson<Record<string, unknown>>(fs.readFileSync(file, 'utf8')) ?? {}
  } catch (error) {
    throw malformed(file, root, error as JsonSyntaxError)
  }
}

function malformed(file: string, root: string, error: JsonSyntaxError): UsageError {
  const rel = path.relative(root, file) || file
  return new UsageError(`${rel}${error.line ? `:${error.line}` : ''}: malformed ${path.basename(file)}: ${error.message}`, rel, error.line)
}

/**
 * The `packages:` list of a pnpm-workspace.yaml: block (`- 'apps/*'`) or flow (`['apps/*']`) style. Only that key
 * is read, so a small parser does (the bundle has no YAML library).
 */
export function parsePnpmWorkspacePackages(text: string): string[] {
  const lines = text.split(/\r?\n/)
  const start = lines.findIndex((l) => /^packages\s*:/.test(l))
  if (start < 0) return []
  const unquote = (s: string, line: number): string => {
    const t = s.trim()
    if (/^(['"])(.*)\1$/.test(t)) return t.slice(1, -1)
    if (/^['"]/.test(t) || /['"]$/.test(t)) throw new JsonSyntaxError(`unclosed quote in ${t}`, line)
    return t
  }
  let inline = stripComment(lines[start].replace(/^packages\s*:/, '')).trim()
  if (inline.startsWith('[')) {
    // A flow list may span lines: packages: [\n 'apps/*',\n 'libs/*'\n]
    let end = start
    while (!inline.includes(']')) {
      if (++end >= lines.length) throw new JsonSyntaxError('the packages list opened with [ is never closed', start + 1)
      inline += ' ' + stripComment(lines[end]).trim()
    }
    return inline
      .slice(1, inline.indexOf(']'))
      .split(',')
      .map((item) => unquote(item, start + 1))
      .filter(Boolean)
  }
  const out: string[] = []
  for (const [i, raw] of lines.slice(start + 1).entries()) {
    const line = stripComment(raw)
    if (line.trim() === '') continue
    const item = /^\s*-\s*(.+)$/.exec(line)
    if (item) out.push(unquote(item[1], start + 2 + i))
    else if (/^\S/.test(line)) break // the next top-level key
  }
  return out
}

function stripComment(line: string): string {
  // A `#` starts a comment at the line's start or after a space, outside quotes; globs never contain one there.
  let quote: string | undefined
  for (let i = 0; i < line.length; i++) {
    const c = line[i]
    if (quote) {
      if (c === quote) quote = undefined
    } else if (c === '"' || c === "'") quote = c
    else if (c === '#' && (i === 0 || /\s/.test(line[i - 1]))) return line.slice(0, i)
  }
  return line
}

function listPackages(workspaceRoot: string, patterns: string[], root: string): Map<string, string> {
  const packages = new Map<string, string>()
  const excluded = patterns.filter((p) => p.startsWith('!')).map((p) => p.slice(1))
  const excludedDirs = new Set(excluded.flatMap((p) => glob(path.posix.join(p.replace(/\/+$/, ''), 'package.json'), workspaceRoot)).map(path.dirname))
  for (const pattern of patterns.filter((p) => !p.startsWith('!'))) {
    for (const pkgFile of glob(path.posix.join(pattern.replace(/\/+$/, ''), 'package.json'), workspaceRoot)) {
      const dir = path.dirname(pkgFile)
      if (excludedDirs.has(dir)) continue
      const name = readPackageJson(pkgFile, root).name
      // The first package of a name wins, as a package manager refuses duplicates anyway.
      if (typeof name === 'string' && !packages.has(name)) packages.set(name, dir)
    }
  }
  return packages
}
