// Minimal glob for drizzle config `schema` values ("./src/db/schema/*.ts", "./src/**/schema.ts", "./db/{a,b}.ts").
import * as fs from 'node:fs'
import * as path from 'node:path'

const SKIPPED_DIRECTORIES = new Set(['node_modules', '.git', 'dist', 'build', '.next', '.turbo', '.vercel', '.output', '.svelte-kit', '.cache', '.tmp', 'coverage', 'out'])

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
        re += '(?:' + pattern.slice(i + 1, end).split(',').map(escape).join('|') + ')'
        i = end
      }
    } else re += escape(c)
  }
  return new RegExp('^' + re + '$')
}

function escape(s: string): string {
  return s.replace(/[.+^${}()|[\]\\]/g, '\\$&')
}

/** Files matching a glob, relative to `cwd`, sorted. */
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
