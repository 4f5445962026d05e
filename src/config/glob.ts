// Minimal glob for drizzle config `schema` values ("./src/db/schema/*.ts", "./src/**/schema.ts", "./db/{a,b}.ts").
import * as fs from 'node:fs'
import * as path from 'node:path'

const SKIPPED_DIRECTORIES = new Set([
  'node_modules',
  '.git',
  'dist',
  'build',
  '.next',
  '.turbo',
  '.vercel',
  '.output',
  '.svelte-kit',
  '.cache',
  '.tmp',
  'coverage',
  'out'
])

export function hasGlob(pattern: string): boolean {
  return /[*?{[]/.test(pattern)
}

export function globToRegExp(pattern: string): RegExp {
  let re = ''
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]
    if (c === '*') {
      if (pattern[i + 1] === '*') {
        i++
        if (pattern[i + 1] === '/') {
          i++
          re += '(?:.*/)?'
        } else re += '.*'
      } else re += '[^/]*'
    } else if (c === '?') re += '[^/]'
    else if (c === '{') {
      const end = pattern.indexOf('}', i)
      if (end < 0) re += '\\{'
      else {
        re +=
          '(?:' +
          pattern
            .slice(i + 1, end)
            .split(',')
            .map(escape)
            .join('|') +
          ')'
        i = end
      }
    } else re += escape(c)
  }
  return new RegExp('^' + re + '$')
}

function escape(s: string): string {
  return s.replace(/[.+^${}()|[\]\\]/g, '\\$&')
}

/** Absolute paths of the files matching a glob (relative patterns are resolved from `cwd`), sorted. */
export function glob(pattern: string, cwd: string): string[] {
  const absolute = path.resolve(cwd, pattern).split(path.sep).join('/')
  const segments = absolute.split('/')
  const firstGlob = segments.findIndex((s) => hasGlob(s))
  if (firstGlob < 0) return fs.existsSync(absolute) ? [absolute] : []
  const base = segments.slice(0, firstGlob).join('/') || '/'
  const matcher = globToRegExp(absolute)
  const results: string[] = []
  const walk = (dir: string): void => {
    let entries: fs.Dirent[]
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true })
    } catch {
      return
    }
    for (const entry of entries) {
      const full = `${dir === '/' ? '' : dir}/${entry.name}`
      if (entry.isDirectory()) {
        if (!SKIPPED_DIRECTORIES.has(entry.name)) walk(full)
      } else if (matcher.test(full)) results.push(full)
    }
  }
  walk(base)
  return results.sort().map((f) => f.split('/').join(path.sep))
}

/**
 * What drizzle-kit 0.31 reads for one `schema` entry (`prepareFilenames`): the paths glob 8 matches (files and
 * folders, relative to the folder drizzle-kit runs from; `*`, `?`, `[…]` and `**` never match a name starting
 * with "."; `**` does not descend into symlinked folders; nothing is skipped, not even node_modules), where each
 * matched folder stands for its own files only (no sub-folders, dot files included). Absolute paths, sorted.
 */
export function drizzleKitSchemaFiles(pattern: string, cwd: string): string[] {
  const files = new Set<string>()
  for (const expanded of expandBraces(pattern)) {
    for (const match of globPaths(path.resolve(cwd, expanded))) {
      let stat: fs.Stats
      try {
        stat = fs.lstatSync(match)
      } catch {
        continue
      }
      if (!stat.isDirectory()) {
        files.add(match)
        continue
      }
      for (const name of fs.readdirSync(match)) {
        const file = path.join(match, name)
        if (!fs.lstatSync(file).isDirectory()) files.add(file)
      }
    }
  }
  return [...files].sort()
}

/** `a/{b,c}/*.{ts,js}` -> the four patterns it stands for, as minimatch expands braces before matching. */
export function expandBraces(pattern: string): string[] {
  let depth = 0
  let open = -1
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]
    if (c === '\\') i++
    else if (c === '{' && depth++ === 0) open = i
    else if (c === '}' && depth > 0 && --depth === 0) {
      const parts = splitTopLevel(pattern.slice(open + 1, i))
      if (parts.length < 2) continue // "{a}" is literal in minimatch
      const head = pattern.slice(0, open)
      const tails = expandBraces(pattern.slice(i + 1))
      return parts.flatMap((part) => expandBraces(head + part).flatMap((start) => tails.map((tail) => start + tail)))
    }
  }
  return [pattern]
}

function splitTopLevel(body: string): string[] {
  const parts: string[] = []
  let depth = 0
  let start = 0
  for (let i = 0; i < body.length; i++) {
    const c = body[i]
    if (c === '\\') i++
    else if (c === '{') depth++
    else if (c === '}') depth--
    else if (c === ',' && depth === 0) {
      parts.push(body.slice(start, i))
      start = i + 1
    }
  }
  parts.push(body.slice(start))
  return parts
}

/** One path segment of a glob (no "/", no braces) as a RegExp; a leading "." must be written to be matched. */
function segmentRegExp(segment: string): RegExp {
  let re = segment.startsWith('.') ? '' : '(?!\\.)'
  for (let i = 0; i < segment.length; i++) {
    const c = segment[i]
    if (c === '*') re += '[^/]*'
    else if (c === '?') re += '[^/]'
    else if (c === '[' && segment.indexOf(']', i + 2) > 0) {
      const end = segment.indexOf(']', i + 2)
      let body = segment.slice(i + 1, end)
      const negated = body.startsWith('!') || body.startsWith('^')
      if (negated) body = body.slice(1)
      re += `[${negated ? '^' : ''}${body.replace(/\\/g, '\\\\')}]`
      i = end
    } else if (c === '\\' && i + 1 < segment.length) re += escape(segment[++i])
    else re += escape(c)
  }
  return new RegExp(`^${re}$`)
}

/** Paths (files and folders) an absolute, brace-free glob matches. */
function globPaths(absolute: string): string[] {
  const segments = absolute.split(path.sep).slice(1)
  const results = new Set<string>()
  const entries = (dir: string): fs.Dirent[] => {
    try {
      return fs.readdirSync(dir, { withFileTypes: true })
    } catch {
      return []
    }
  }
  const isFolder = (file: string): boolean => {
    try {
      return fs.statSync(file).isDirectory()
    } catch {
      return false
    }
  }
  const walk = (dir: string, index: number): void => {
    if (index === segments.length) {
      results.add(dir)
      return
    }
    const segment = segments[index]
    const last = index === segments.length - 1
    if (segment === '**') {
      walk(dir, index + 1) // zero folders
      for (const entry of entries(dir)) {
        if (entry.name.startsWith('.')) continue
        const full = path.join(dir, entry.name)
        if (entry.isDirectory()) walk(full, index)
        else if (last) results.add(full)
      }
      return
    }
    if (!hasGlob(segment)) {
      const full = path.join(dir, segment.replace(/\\(.)/g, '$1'))
      if (last ? fs.existsSync(full) : isFolder(full)) walk(full, index + 1)
      return
    }
    const matcher = segmentRegExp(segment)
    for (const entry of entries(dir)) {
      if (!matcher.test(entry.name)) continue
      const full = path.join(dir, entry.name)
      if (last) results.add(full)
      else if (isFolder(full)) walk(full, index + 1)
    }
  }
  walk(path.sep, 0)
  return [...results]
}
