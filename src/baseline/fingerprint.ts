// A finding's fingerprint: what identifies the drift itself, never where it was seen (docs/baseline.md). It is made
// of the kind, the target, the object's path and the difference in words, with every line number, file position
// and database name taken out, so that moving lines, adding unrelated migrations or renaming a file keep the match,
// and a changed difference on the same object (the default changed again) does not.
import { createHash } from 'node:crypto'
import { Finding, findingObjectPath } from '../core/findings'

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
  for (const database of f.databases ?? []) text = text.split(database).join('*')
  return text
    .replace(/(\.(?:sql|ts|tsx|mts|cts|js|mjs|cjs|json)):\d+(?::\d+)?/g, '$1')
    .replace(/\blines? \d+(?:\s*(?:-|–|to|and)\s*\d+)?/g, 'line')
    .replace(/\b\d+(?:\.\d+)?\s*(?:ms|s|seconds)\b/g, 'some time')
    .replace(/\s+/g, ' ')
    .trim()
}

/** sha256 of kind, target, object path and difference: stable across runs, machines and line moves. */
export function fingerprintOf(f: Finding): string {
  const parts = [f.kind, f.target, findingObjectPath(f) ?? '', differenceOf(f)]
  return createHash('sha256').update(parts.join('\u0000')).digest('hex').slice(0, 32)
}
