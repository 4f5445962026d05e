// Workspace packages by name, as npm/yarn/pnpm link them into node_modules: a checkout without node_modules (the
// action runs before or without `npm ci`) still resolves `import { x } from "@app/shared"` to the package's source.
import * as fs from 'node:fs'
import * as path from 'node:path'
import { UsageError } from '../core/errors'
import { glob } from './glob'
import { JsonSyntaxError, parseJson } from '../core/json'

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
  if (fs.existsSync(pnpm)) return readPnpmWorkspace(pnpm, root).packages
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
  return new UsageError(
    `${rel}${error.line ? `:${error.line}` : ''}: malformed ${path.basename(file)}: ${error.message}`,
    rel,
    error.line
  )
}

/** What the tool reads of a pnpm-workspace.yaml: the workspace globs and the catalogs. */
export interface PnpmWorkspace {
  packages: string[]
  /** Catalog name (`default` for `catalog:`) -> package name -> version spec. */
  catalogs: Map<string, Map<string, string>>
}

/**
 * The one reader of pnpm-workspace.yaml (workspace packages, and the catalogs kit-version.ts reads versions from).
 * A malformed `packages:` list is a clear error at its line: pnpm would stop on it too.
 */
export function readPnpmWorkspace(file: string, root: string): PnpmWorkspace {
  try {
    const text = fs.readFileSync(file, 'utf8')
    return { packages: parsePnpmWorkspacePackages(text), catalogs: parsePnpmCatalogs(text) }
  } catch (error) {
    throw malformed(file, root, error as JsonSyntaxError)
  }
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

/**
 * The `catalog:` (the default catalog) and `catalogs:` (named ones) mappings of a pnpm-workspace.yaml, block style.
 * Names are compared as text, never turned into patterns: a catalog or package may be called `@scope/pkg.name` or
 * `kit+orm`. Lenient: an entry this subset does not read (flow style, anchors) is left out, not an error, since
 * only a drizzle version is looked up in it.
 */
export function parsePnpmCatalogs(text: string): Map<string, Map<string, string>> {
  const lines = text.split(/\r?\n/)
  const catalogs = new Map<string, Map<string, string>>()
  const add = (catalog: string, entries: MappingEntry[]): void => {
    const into = catalogs.get(catalog) ?? new Map<string, string>()
    catalogs.set(catalog, into)
    for (const e of entries) if (e.value !== '' && !into.has(e.key)) into.set(e.key, e.value)
  }
  for (const top of mappingEntries(lines, -1, -1)) {
    if (top.key === 'catalog') add('default', mappingEntries(lines, top.index, top.indent))
    else if (top.key === 'catalogs') {
      for (const named of mappingEntries(lines, top.index, top.indent))
        add(named.key, mappingEntries(lines, named.index, named.indent))
    }
  }
  return catalogs
}

interface MappingEntry {
  key: string
  /** The value on the key's own line, unquoted ('' when the value is a nested block). */
  value: string
  /** Line index and indentation of the key. */
  index: number
  indent: number
}

/**
 * The `key: value` children of the block mapping whose key is at line `parent` (-1: the document) with indentation
 * `parentIndent`: the lines up to the next one indented no deeper than it, at the first child's indentation.
 */
function mappingEntries(lines: string[], parent: number, parentIndent: number): MappingEntry[] {
  const out: MappingEntry[] = []
  let indent: number | undefined
  for (let i = parent + 1; i < lines.length; i++) {
    const line = stripComment(lines[i])
    if (line.trim() === '') continue
    const lineIndent = line.length - line.trimStart().length
    if (lineIndent <= parentIndent) break
    indent ??= lineIndent
    if (lineIndent < indent) break
    if (lineIndent > indent) continue // inside the previous child
    const m = /^\s*(?:'((?:[^']|'')*)'|"((?:[^"\\]|\\.)*)"|((?!-(?:\s|$))[^\s'"#].*?))\s*:(?:\s+(.*))?$/.exec(line)
    if (!m) continue
    const key = m[1] !== undefined ? m[1].replace(/''/g, "'") : m[2] !== undefined ? m[2].replace(/\\(.)/g, '$1') : m[3]
    out.push({ key, value: unquoteScalar((m[4] ?? '').trim()), index: i, indent: lineIndent })
  }
  return out
}

/** A YAML scalar without its quotes ('' doubles a single quote; \ escapes in double quotes, the common ones). */
function unquoteScalar(value: string): string {
  if (/^'.*'$/.test(value)) return value.slice(1, -1).replace(/''/g, "'")
  if (/^".*"$/.test(value)) return value.slice(1, -1).replace(/\\(.)/g, '$1')
  return value
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
  const excludedDirs = new Set(
    excluded
      .flatMap((p) => glob(path.posix.join(p.replace(/\/+$/, ''), 'package.json'), workspaceRoot))
      .map(path.dirname)
  )
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
