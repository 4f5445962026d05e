// The baseline file (drift-guard.baseline.json): the drift a team reviewed and accepted, one entry per finding,
// each with a reason, an optional expiry, who accepted it and when. Read strictly: a malformed file is a usage error
// with its file and line, like the config.
import * as fs from 'node:fs'
import * as path from 'node:path'
import { UsageError } from '../core/errors'
import { FINDING_KINDS } from '../core/findings'
import { JsonPath, JsonSyntaxError, jsonLines, parseJson } from '../core/json'

export const BASELINE_FILE = 'drift-guard.baseline.json'

export interface BaselineEntry {
  /** fingerprintOf(finding): kind, target, object and difference (src/baseline/fingerprint.ts). */
  fingerprint: string
  kind: string
  target: string
  /** The object in words (`column public.users.email`), for the reviewer. */
  object: string
  /** The difference in words, as the finding said it. */
  difference: string
  reason: string
  /** YYYY-MM-DD: accepted up to and including that day. */
  expires?: string
  /** Who accepted it (git's user.name). */
  acceptedBy?: string
  /** YYYY-MM-DD: when it was accepted. */
  since: string
  /** check: the config's databases; audit: the live databases it was seen on. More databases later is new drift. */
  databases?: string[]
  /** Which run saw it: a check (migrations from clean) or an audit (live databases). */
  mode: 'check' | 'audit'
  /** The entry's line in the file (read, not written). */
  line?: number
}

export interface Baseline {
  /** Absolute path. */
  file: string
  entries: BaselineEntry[]
}

const DATE = /^\d{4}-\d{2}-\d{2}$/

/** Whether text is a real calendar date written YYYY-MM-DD. */
export function isDate(text: string): boolean {
  if (!DATE.test(text)) return false
  const date = new Date(`${text}T00:00:00Z`)
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === text
}

/** The baseline at `file`, or undefined when there is none. */
export function readBaseline(file: string, root: string): Baseline | undefined {
  if (!fs.existsSync(file)) return undefined
  const rel = path.relative(root, file) || file
  const text = fs.readFileSync(file, 'utf8')
  let data: unknown
  try {
    data = parseJson(text)
  } catch (error) {
    const line = error instanceof JsonSyntaxError ? error.line : undefined
    throw new UsageError(`${rel}${line ? `:${line}` : ''}: not valid JSON: ${(error as Error).message}`, rel, line)
  }
  const lines = jsonLines(text)
  const fail = (message: string, at: JsonPath): never => {
    const line = lines.value(at) ?? lines.key(at)
    throw new UsageError(`${rel}${line ? `:${line}` : ''}: ${message}`, rel, line)
  }
  if (!data || typeof data !== 'object' || Array.isArray(data))
    fail('a baseline is an object: { "version": 1, "entries": [ … ] }', [])
  const document = data as Record<string, unknown>
  if (document.version !== 1) fail('"version" must be 1', ['version'])
  if (!Array.isArray(document.entries)) fail('"entries" must be a list', ['entries'])
  const entries = (document.entries as unknown[]).map((value, index): BaselineEntry => {
    const at = (key?: string): JsonPath => (key ? ['entries', index, key] : ['entries', index])
    if (!value || typeof value !== 'object' || Array.isArray(value)) fail('an entry must be an object', at())
    const entry = value as Record<string, unknown>
    const text = (key: string, required: boolean): string | undefined => {
      const v = entry[key]
      if (v === undefined && !required) return undefined
      if (typeof v !== 'string' || (required && v.trim() === ''))
        fail(`"${key}" must be ${required ? 'a non-empty text' : 'a text'}`, entry[key] === undefined ? at() : at(key))
      return v as string
    }
    const fingerprint = text('fingerprint', true)!
    if (!/^[0-9a-f]{16,64}$/.test(fingerprint))
      fail('"fingerprint" must be the hexadecimal fingerprint drift-guard baseline wrote', at('fingerprint'))
    const kind = text('kind', true)!
    if (!(FINDING_KINDS as readonly string[]).includes(kind))
      fail(`"kind" names "${kind}", which is not a finding kind`, at('kind'))
    const expires = text('expires', false)
    if (expires !== undefined && !isDate(expires)) fail('"expires" must be a date written YYYY-MM-DD', at('expires'))
    const since = text('since', true)!
    if (!isDate(since)) fail('"since" must be a date written YYYY-MM-DD', at('since'))
    const databases = entry.databases
    if (databases !== undefined && (!Array.isArray(databases) || databases.some((d) => typeof d !== 'string')))
      fail('"databases" must be a list of database names', at('databases'))
    const mode = entry.mode ?? 'check'
    if (mode !== 'check' && mode !== 'audit') fail('"mode" must be "check" or "audit"', at('mode'))
    return {
      fingerprint,
      kind,
      target: text('target', true)!,
      object: text('object', false) ?? '',
      difference: text('difference', false) ?? '',
      reason: text('reason', true)!,
      ...(expires ? { expires } : {}),
      ...(text('acceptedBy', false) ? { acceptedBy: text('acceptedBy', false) } : {}),
      since,
      ...(databases ? { databases: databases as string[] } : {}),
      mode: mode as 'check' | 'audit',
      line: lines.value(at())
    }
  })
  return { file, entries }
}

/** Writes the entries (sorted, so that the file's diff shows what changed), one field per line. */
export function writeBaseline(file: string, entries: readonly BaselineEntry[]): void {
  const sorted = [...entries]
    .map(({ line: _line, ...entry }) => entry)
    .sort(
      (a, b) =>
        a.target.localeCompare(b.target) ||
        a.kind.localeCompare(b.kind) ||
        a.object.localeCompare(b.object) ||
        a.fingerprint.localeCompare(b.fingerprint)
    )
  fs.mkdirSync(path.dirname(file), { recursive: true })
  fs.writeFileSync(file, JSON.stringify({ version: 1, entries: sorted }, null, 2) + '\n')
}

/**
 * The baseline a run applies: `false` none; a path (relative to the root) that file, which must exist; undefined
 * drift-guard.baseline.json next to the config, when present.
 */
export function loadBaseline(
  setting: string | false | undefined,
  root: string,
  configFile?: string
): Baseline | undefined {
  if (setting === false) return undefined
  if (setting !== undefined) {
    const file = path.resolve(root, setting)
    const baseline = readBaseline(file, root)
    if (!baseline) throw new UsageError(`baseline file not found: ${setting}`)
    return baseline
  }
  return readBaseline(defaultBaselineFile(root, configFile), root)
}

/** drift-guard.baseline.json next to the config (or in the root, for a discovered project). */
export function defaultBaselineFile(root: string, configFile?: string): string {
  return path.join(configFile ? path.dirname(configFile) : root, BASELINE_FILE)
}
