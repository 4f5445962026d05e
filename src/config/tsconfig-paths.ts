// tsconfig `paths` aliases, from the tsconfig nearest the importing file (following `extends`), as tsc resolves them.
import * as fs from 'node:fs'
import * as path from 'node:path'
import { createRequire } from 'node:module'

export interface PathAliases {
  /** Directory the `paths` targets are relative to (baseUrl, or the tsconfig's folder). */
  base: string
  paths: Record<string, string[]>
}

const nearestCache = new Map<string, PathAliases | null>()

/** Parses JSON with comments and trailing commas (tsconfig.json files have both). */
export function parseJsonc(text: string): unknown {
  let out = ''
  let inString = false
  for (let i = 0; i < text.length; i++) {
    const c = text[i]
    if (inString) {
      out += c
      if (c === '\\') out += text[++i] ?? ''
      else if (c === '"') inString = false
      continue
    }
    if (c === '"') {
      inString = true
      out += c
    } else if (c === '/' && text[i + 1] === '/') {
      while (i < text.length && text[i] !== '\n') i++
      out += '\n'
    } else if (c === '/' && text[i + 1] === '*') {
      i += 2
      while (i < text.length && !(text[i] === '*' && text[i + 1] === '/')) i++
      i++
    } else out += c
  }
  return JSON.parse(out.replace(/,(\s*[}\]])/g, '$1'))
}

interface RawCompilerOptions {
  baseUrl?: string
  paths?: Record<string, string[]>
}

function readTsconfig(
  file: string,
  seen = new Set<string>()
): { baseUrl?: string; paths?: Record<string, string[]>; pathsBase?: string } {
  if (seen.has(file)) return {}
  seen.add(file)
  let json: { extends?: string | string[]; compilerOptions?: RawCompilerOptions }
  try {
    json = parseJsonc(fs.readFileSync(file, 'utf8')) as typeof json
  } catch {
    return {}
  }
  const dir = path.dirname(file)
  let result: { baseUrl?: string; paths?: Record<string, string[]>; pathsBase?: string } = {}
  const parents = json.extends === undefined ? [] : Array.isArray(json.extends) ? json.extends : [json.extends]
  for (const parent of parents) {
    const parentFile = resolveExtends(parent, dir)
    if (parentFile) result = { ...result, ...readTsconfig(parentFile, seen) }
  }
  const options = json.compilerOptions ?? {}
  if (options.baseUrl !== undefined) result.baseUrl = path.resolve(dir, options.baseUrl)
  if (options.paths) {
    result.paths = options.paths
    result.pathsBase = dir
  }
  return result
}

function resolveExtends(spec: string, dir: string): string | undefined {
  if (spec.startsWith('.') || path.isAbsolute(spec)) {
    const full = path.resolve(dir, spec)
    for (const candidate of [full, full + '.json', path.join(full, 'tsconfig.json')]) {
      if (fs.existsSync(candidate) && fs.statSync(candidate).isFile()) return candidate
    }
    return undefined
  }
  try {
    return createRequire(path.join(dir, 'tsconfig.json')).resolve(spec)
  } catch {
    try {
      return createRequire(path.join(dir, 'tsconfig.json')).resolve(path.join(spec, 'tsconfig.json'))
    } catch {
      return undefined
    }
  }
}

/** The path aliases that apply to a file: those of the nearest tsconfig.json above it. */
export function findTsconfigPaths(file: string): PathAliases | null {
  let dir = path.dirname(file)
  const visited: string[] = []
  for (;;) {
    if (nearestCache.has(dir)) {
      const found = nearestCache.get(dir) ?? null
      for (const v of visited) nearestCache.set(v, found)
      return found
    }
    visited.push(dir)
    const candidate = path.join(dir, 'tsconfig.json')
    if (fs.existsSync(candidate)) {
      const config = readTsconfig(candidate)
      const found = config.paths
        ? { base: config.baseUrl ?? config.pathsBase ?? dir, paths: config.paths }
        : config.baseUrl
          ? { base: config.baseUrl, paths: { '*': ['*'] } }
          : null
      for (const v of visited) nearestCache.set(v, found)
      return found
    }
    const parent = path.dirname(dir)
    if (parent === dir || fs.existsSync(path.join(dir, '.git'))) {
      for (const v of visited) nearestCache.set(v, null)
      return null
    }
    dir = parent
  }
}

/** Applies `paths` patterns (longest prefix first, as tsc does) and returns the first file that exists. */
export function resolveWithPaths(
  aliases: PathAliases | null,
  specifier: string,
  resolveFile: (candidate: string) => string | undefined
): string | undefined {
  if (!aliases) return undefined
  const patterns = Object.keys(aliases.paths).sort((a, b) => b.indexOf('*') - a.indexOf('*') || b.length - a.length)
  for (const pattern of patterns) {
    const star = pattern.indexOf('*')
    let captured: string | undefined
    if (star < 0) {
      if (pattern === specifier) captured = ''
    } else {
      const prefix = pattern.slice(0, star)
      const suffix = pattern.slice(star + 1)
      if (
        specifier.startsWith(prefix) &&
        specifier.endsWith(suffix) &&
        specifier.length >= prefix.length + suffix.length
      ) {
        captured = specifier.slice(prefix.length, specifier.length - suffix.length)
      }
    }
    if (captured === undefined) continue
    for (const target of aliases.paths[pattern]) {
      const resolved = resolveFile(path.resolve(aliases.base, target.replace('*', captured)))
      if (resolved) return resolved
    }
  }
  return undefined
}
