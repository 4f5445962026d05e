// The settings a drizzle config writes as plain literals, read from its source without running it. A config that
// cannot be evaluated here (it computes its credentials from the application's runtime: `config().databaseUrl`)
// still says where the schema and the migrations are, and that is all the check needs from it.
import { DrizzleKitConfig } from './target-types'

/** The settings that shape the check; any of them computed means the source cannot stand in for the config. */
const SHAPING = ['dialect', 'driver', 'schema', 'out', 'casing', 'schemaFilter', 'tablesFilter', 'extensionsFilters']

const STRING = String.raw`(?:'([^'\\\n]*)'|"([^"\\\n]*)"|\x60([^\x60\\$]*)\x60)`

/**
 * The config's literal settings, or undefined when one that shapes the check is computed (a variable, a call, a
 * template with `${}`), appears twice with different values, or when dialect (or the pre-0.21 driver) or schema
 * is missing.
 */
export function literalDrizzleConfig(source: string): (DrizzleKitConfig & { driver?: string }) | undefined {
  let code = source.replace(/\/\*[\s\S]*?\*\/|(^|[^:\\])\/\/[^\n]*/g, (_m, before: string | undefined) => before ?? '')
  // Credentials are never read (and their keys, such as `database` or `schema` in a URL object, are not the config's).
  code = withoutObject(code, 'dbCredentials')
  const config: Record<string, unknown> = {}
  const migrations = objectOf(code, 'migrations')
  if (migrations === null) return undefined
  if (migrations !== undefined) {
    const parsed: Record<string, string> = {}
    for (const key of ['table', 'schema', 'prefix']) {
      const value = valuesOf(migrations.body, key)
      if (value === null || (Array.isArray(value) && value.length > 0 && value.some((v) => typeof v !== 'string')))
        return undefined
      if (typeof value === 'string') parsed[key] = value
    }
    config.migrations = parsed
    code = code.slice(0, migrations.start) + code.slice(migrations.end)
  }
  for (const key of SHAPING) {
    const value = valuesOf(code, key)
    if (value === null) return undefined
    if (value !== undefined) config[key] = value
  }
  if ((config.dialect === undefined && config.driver === undefined) || config.schema === undefined) return undefined
  if (typeof config.out !== 'string' && config.out !== undefined) return undefined
  return config as DrizzleKitConfig & { driver?: string }
}

/** The key's one literal value (a string, or an array of strings); null when computed or conflicting; undefined when absent. */
function valuesOf(code: string, key: string): string | string[] | null | undefined {
  const keyRe = new RegExp(String.raw`(?<![\w$.])(?:${key}|"${key}"|'${key}')\s*:\s*`, 'g')
  let found: string | string[] | undefined
  for (const m of code.matchAll(keyRe)) {
    const rest = code.slice(m.index! + m[0].length)
    let value: string | string[] | undefined
    const single = new RegExp(String.raw`^${STRING}\s*(?=[,}\n]|$)`).exec(rest)
    if (single) value = single[1] ?? single[2] ?? single[3]
    else {
      const list = /^\[([^\]]*)\]\s*(?=[,}\n]|$)/.exec(rest)
      if (!list) return null
      const items = list[1]
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)
      const strings = items.map((s) => new RegExp(String.raw`^${STRING}$`).exec(s))
      if (strings.some((s) => !s)) return null
      value = strings.map((s) => s![1] ?? s![2] ?? s![3])
    }
    if (found !== undefined && JSON.stringify(found) !== JSON.stringify(value)) return null
    found = value
  }
  return found
}

/** `key: { … }` (no nested braces): its body and span; null when the key's value is not such an object. */
function objectOf(code: string, key: string): { body: string; start: number; end: number } | null | undefined {
  const m = new RegExp(String.raw`(?<![\w$.])(?:${key}|"${key}"|'${key}')\s*:\s*`).exec(code)
  if (!m) return undefined
  const open = m.index + m[0].length
  if (code[open] !== '{') return null
  const close = code.indexOf('}', open)
  if (close < 0 || code.slice(open + 1, close).includes('{')) return null
  return { body: code.slice(open + 1, close), start: m.index, end: close + 1 }
}

/** The code without `key: { … }` (nested braces included), wherever it appears. */
function withoutObject(code: string, key: string): string {
  const re = new RegExp(String.raw`(?<![\w$.])(?:${key}|"${key}"|'${key}')\s*:\s*\{`, 'g')
  let out = code
  for (let m = re.exec(out); m; m = re.exec(out)) {
    let depth = 0
    let i = m.index + m[0].length - 1
    for (; i < out.length; i++) {
      if (out[i] === '{') depth++
      else if (out[i] === '}' && --depth === 0) break
    }
    out = out.slice(0, m.index) + out.slice(i + 1)
    re.lastIndex = m.index
  }
  return out
}
