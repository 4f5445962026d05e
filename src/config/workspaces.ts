// Workspace packages by name, as npm/yarn/pnpm link them into node_modules: a checkout without node_modules (the
// action runs before or without `npm ci`) still resolves `import { x } from "@app/shared"` to the package's source.
import * as fs from 'node:fs'
import * as path from 'node:path'
import { glob } from './glob'

export interface Workspace {
  /** Folder of the root package.json / pnpm-workspace.yaml. */
  root: string
  /** Package name -> its folder. */
  packages: Map<string, string>
}

const byDirectory = new Map<string, Workspace | null>()

/** The workspace a file belongs to: the nearest folder above it that declares workspaces. */
export function findWorkspace(file: string): Workspace | null {
  const visited: string[] = []
  let found: Workspace | null = null
  for (let dir = path.dirname(file); ; dir = path.dirname(dir)) {
    const cached = byDirectory.get(dir)
    if (cached !== undefined) {
      found = cached
      break
    }
    visited.push(dir)
    const patterns = workspacePatterns(dir)
    if (patterns) {
      found = { root: dir, packages: listPackages(dir, patterns) }
      break
    }
    if (path.dirname(dir) === dir) break
  }
  for (const v of visited) byDirectory.set(v, found)
  return found
}

/** The workspace globs a folder declares (pnpm-workspace.yaml, else package.json "workspaces"), or undefined. */
export function workspacePatterns(dir: string): string[] | undefined {
  const pnpm = path.join(dir, 'pnpm-workspace.yaml')
  if (fs.existsSync(pnpm)) {
    try {
      return parsePnpmWorkspacePackages(fs.readFileSync(pnpm, 'utf8'))
    } catch {
      return undefined
    }
  }
  const pkgFile = path.join(dir, 'package.json')
  if (!fs.existsSync(pkgFile)) return undefined
  try {
    const workspaces = (JSON.parse(fs.readFileSync(pkgFile, 'utf8')) as { workspaces?: unknown }).workspaces
    // npm/yarn: an array, or yarn's { packages: [...], nohoist: [...] }.
    const list = Array.isArray(workspaces) ? workspaces : (workspaces as { packages?: unknown } | undefined)?.packages
    return Array.isArray(list) ? list.filter((p): p is string => typeof p === 'string') : undefined
  } catch {
    return undefined
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
  const unquote = (s: string): string => s.trim().replace(/^(['"])(.*)\1$/, '$2')
  const inline = stripComment(lines[start].replace(/^packages\s*:/, '')).trim()
  if (inline.startsWith('[')) {
    return inline
      .replace(/^\[|\]$/g, '')
      .split(',')
      .map(unquote)
      .filter(Boolean)
  }
  const out: string[] = []
  for (const raw of lines.slice(start + 1)) {
    const line = stripComment(raw)
    if (line.trim() === '') continue
    const item = /^\s*-\s*(.+)$/.exec(line)
    if (item) out.push(unquote(item[1]))
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

function listPackages(root: string, patterns: string[]): Map<string, string> {
  const packages = new Map<string, string>()
  const excluded = patterns.filter((p) => p.startsWith('!')).map((p) => p.slice(1))
  const excludedDirs = new Set(excluded.flatMap((p) => glob(path.posix.join(p.replace(/\/+$/, ''), 'package.json'), root)).map(path.dirname))
  for (const pattern of patterns.filter((p) => !p.startsWith('!'))) {
    for (const pkgFile of glob(path.posix.join(pattern.replace(/\/+$/, ''), 'package.json'), root)) {
      const dir = path.dirname(pkgFile)
      if (excludedDirs.has(dir)) continue
      try {
        const name = (JSON.parse(fs.readFileSync(pkgFile, 'utf8')) as { name?: unknown }).name
        // The first package of a name wins, as a package manager refuses duplicates anyway.
        if (typeof name === 'string' && !packages.has(name)) packages.set(name, dir)
      } catch {
        // an unreadable package.json: the package manager would fail on it too
      }
    }
  }
  return packages
}
