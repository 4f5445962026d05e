// A finding's fingerprint: what identifies the drift itself, never where it was seen (docs/baseline.md). It is made
// of the kind, the target, the object's path and the difference in words, with every line number, file position
// and database name taken out, so that moving lines, adding unrelated migrations or renaming a file keep the match,
// and a changed difference on the same object (the default changed again) does not.
import { createHash } from 'node:crypto'
import { Finding, FindingChange, findingObjectPath } from '../core/findings'

// The first rule that matches a finding names what its object is; the order matters ("extra_index" before "table").
const OBJECT_WORDS: [what: string, matches: (f: Finding) => boolean][] = [
  ['column', (f) => Boolean(f.column)],
  ['table', (f) => f.kind.endsWith('_table')],
  ['index', (f) => f.kind.includes('index')],
  ['constraint', (f) => f.kind.includes('constraint')],
  ['enum', (f) => f.kind.includes('enum')],
  ['policy', (f) => f.kind.includes('policy')],
  ['view', (f) => f.kind.includes('view')],
  ['sequence', (f) => f.kind.includes('sequence')],
  ['migration', (f) => f.kind.startsWith('migration') || f.kind === 'snapshot_out_of_date'],
  ['table', (f) => Boolean(f.table)]
]

/** The object of a finding in words, for a reviewer reading the baseline's diff: `column public.users.email`. */
export function describeObject(f: Finding): string {
  const what = OBJECT_WORDS.find(([, matches]) => matches(f))?.[0] ?? ''
  const object = findingObjectPath(f) ?? ''
  return [what, object].filter(Boolean).join(' ') || '(no object)'
}

/**
 * The difference in words: the finding's message without what changes from run to run or edit to edit (line and
 * column numbers after file names, "line N", the names of the databases it was seen on, run times).
 */
export function differenceOf(f: Finding): string {
  let text = f.message
  // What the baseline or the delta said of the finding is not the drift (an expired entry, a change new here).
  const note = text.search(NOTES)
  if (note >= 0) text = text.slice(0, note)
  for (const database of f.databases ?? []) text = text.split(database).join('*')
  // Messages reworded since baselines were written: the words they had then, so that an entry still matches.
  for (const [now, before] of REWORDED) text = text.split(now).join(before)
  return text
    .replace(/(\.(?:sql|ts|tsx|mts|cts|js|mjs|cjs|json)):\d+(?::\d+)?/g, '$1')
    .replace(/\blines? \d+(?:\s*(?:-|–|to|and)\s*\d+)?/g, 'line')
    .replace(/\b\d+(?:\.\d+)?\s*(?:ms|s|seconds)\b/g, 'some time')
    .replace(/\s+/g, ' ')
    .trim()
}

/**
 * Message wordings that changed after 1.0.0, with the words they replaced: a fingerprint is taken of the old words,
 * so that a baseline written by an earlier release keeps matching the same drift.
 */
const REWORDED: [now: string, before: string][] = [
  ["the next value of its own sequence (a serial's default)", 'nextval(<owned sequence>)'],
  [' is declared in the schema but not exported, so drizzle-kit does not read it', ' is not declared in the schema']
]

/** sha256 of kind, target, object path and difference: stable across runs, machines and line moves. */
export function fingerprintOf(f: Finding): string {
  return digest([f.kind, f.target, findingObjectPath(f) ?? '', differenceOf(f)])
}

const digest = (parts: string[]): string => createHash('sha256').update(parts.join('\u0000')).digest('hex').slice(0, 32)

/**
 * Where the notes the baseline (src/baseline/apply.ts) and the delta (src/baseline/delta.ts) append to a message
 * begin: they are said of the finding, not part of its difference.
 */
export const ACCEPTED_NOTE = ' (accepted in '
export const NEW_NOTE = ' (new in this change: '
const NOTES = new RegExp(`${[ACCEPTED_NOTE, NEW_NOTE].map((n) => n.replace(/[()]/g, '\\$&')).join('|')}`)

/** One drifted object of a finding, as the baseline and the delta identify it. */
export interface DriftIdentity {
  fingerprint: string
  /** The object in words, for the baseline's reader. */
  object: string
  /** The difference in words. */
  difference: string
  /** Its change, for a finding made of several (snapshot_out_of_date). */
  change?: FindingChange
}

/**
 * What a finding is made of, for the baseline and the delta: itself, or, for a finding that lists changed objects
 * (snapshot_out_of_date), each change by itself, so that adding one more un-generated change to a schema already
 * ahead of its last snapshot is that one change, and the others keep their match. A change's fingerprint has no
 * snapshot tag: a migration that leaves the difference as it was (a custom one) keeps the match.
 */
export function identitiesOf(f: Finding): DriftIdentity[] {
  if (!f.changes?.length)
    return [{ fingerprint: fingerprintOf(f), object: describeObject(f), difference: differenceOf(f) }]
  return f.changes.map((change) => ({
    fingerprint: digest([f.kind, f.target, change.object, change.description, change.digest]),
    object: change.object,
    difference: change.description,
    change
  }))
}
