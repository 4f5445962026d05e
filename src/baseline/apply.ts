// The baseline as a step of the one assembly (src/report/assembly.ts): a finding an entry matches becomes a notice
// that says why it was accepted; an expired entry accepts no more; an entry that matches nothing is baseline_stale,
// so that a fixed drift cannot come back later unnoticed (the ratchet, docs/baseline.md).
import * as path from 'node:path'
import { Finding, Report } from '../core/findings'
import { FindingPolicy } from '../report/assembly'
import { Baseline, BaselineEntry } from './file'
import { ACCEPTED_NOTE, DriftIdentity, identitiesOf } from './fingerprint'

/** Today, YYYY-MM-DD (UTC). */
export function today(): string {
  return new Date().toISOString().slice(0, 10)
}

/** The key of an entry and of a finding: the same drift seen by a check and by an audit are separate entries. */
export function entryKey(mode: BaselineEntry['mode'], fingerprint: string): string {
  return `${mode}:${fingerprint}`
}

/**
 * Whether an entry accepts a finding seen on these databases. In an audit, the same drift on databases the entry
 * was not seen on has spread (to other tenants): that is new.
 */
function covers(entry: BaselineEntry, finding: Finding): boolean {
  if (entry.mode !== 'audit' || !entry.databases) return true
  return (finding.databases ?? []).every((d) => entry.databases!.includes(d))
}

export interface BaselineRun {
  baseline: Baseline
  /** The folder file paths in findings are relative to. */
  root: string
  mode: 'check' | 'audit'
  /** YYYY-MM-DD; default today. */
  today?: string
  /** Whether entries that match nothing are baseline_stale (default true; not on one shard of an audit). */
  stale?: boolean
}

/** A finding judged by the entry matching its fingerprint, if any. */
function judgeOne(f: Finding, entry: BaselineEntry | undefined, rel: string, day: string): Finding {
  if (!entry) return f
  if (!covers(entry, f)) {
    const more = (f.databases ?? []).filter((d) => !entry.databases!.includes(d))
    return {
      ...f,
      message: `${f.message}${ACCEPTED_NOTE}${rel} on ${entry.databases!.join(', ')} only, now also on ${more.join(', ')})`
    }
  }
  if (entry.expires && entry.expires < day)
    return { ...f, message: `${f.message}${ACCEPTED_NOTE}${rel} until ${entry.expires}: ${entry.reason}; ${EXPIRED})` }
  return {
    ...f,
    severity: 'notice',
    accepted: { reason: entry.reason, ...(entry.expires ? { expires: entry.expires } : {}), since: entry.since }
  }
}

const EXPIRED = 'that has expired'

/**
 * A finding made of several changed objects (snapshot_out_of_date), judged change by change: accepted when an
 * entry accepts every change; else it stays as it is and its message says which changes no entry accepts (new since
 * the baseline was written, or expired).
 */
function judgeChanges(
  f: Finding,
  ids: DriftIdentity[],
  found: (BaselineEntry | undefined)[],
  rel: string,
  day: string
): Finding {
  if (found.every((e) => !e)) return f
  const accepts = (e: BaselineEntry | undefined): e is BaselineEntry =>
    e !== undefined && covers(e, f) && !(e.expires && e.expires < day)
  const changes = f.changes!.map((c, i) => ({ ...c, accepted: accepts(found[i]) }))
  const entries = found.filter(accepts)
  if (entries.length === ids.length) {
    const expires = entries.flatMap((e) => (e.expires ? [e.expires] : [])).sort()[0]
    return {
      ...f,
      severity: 'notice',
      changes,
      accepted: {
        reason: [...new Set(entries.map((e) => e.reason))].join('; '),
        ...(expires ? { expires } : {}),
        since: entries.map((e) => e.since).sort()[0]
      }
    }
  }
  const not = ids.flatMap((id, i) => {
    const entry = found[i]
    if (!entry) return [id.difference]
    if (!covers(entry, f)) return [`${id.difference} (accepted on ${entry.databases!.join(', ')} only)`]
    if (entry.expires && entry.expires < day)
      return [`${id.difference} (accepted until ${entry.expires}: ${entry.reason}; ${EXPIRED})`]
    return []
  })
  return { ...f, changes, message: `${f.message}${ACCEPTED_NOTE}${rel} but for: ${not.join('; ')})` }
}

/** The baseline as a finding policy (run before the severity overrides, so that `severity` can lower stale ones). */
export function baselinePolicy(run: BaselineRun): FindingPolicy {
  return (findings) => {
    const day = run.today ?? today()
    const rel = path.relative(run.root, run.baseline.file) || run.baseline.file
    const entries = new Map(
      run.baseline.entries.filter((e) => e.mode === run.mode).map((e) => [entryKey(e.mode, e.fingerprint), e])
    )
    const matched = new Set<BaselineEntry>()
    const out = findings.map((f): Finding => {
      if (f.kind === 'baseline_stale') return f
      const ids = identitiesOf(f)
      const found = ids.map((i) => entries.get(entryKey(run.mode, i.fingerprint)))
      for (const entry of found) if (entry) matched.add(entry)
      if (!f.changes?.length) return judgeOne(f, found[0], rel, day)
      return judgeChanges(f, ids, found, rel, day)
    })
    const stale = [...entries.values()]
      .filter((e) => run.stale !== false && !matched.has(e))
      .map((e): Finding => ({
        kind: 'baseline_stale',
        severity: 'error',
        target: e.target,
        // What the entry accepted, for the header of the finding ("baseline_stale extra_index index public.t.i").
        name: `${e.kind} ${e.object}`,
        file: rel,
        ...(e.line ? { line: e.line } : {}),
        message: `accepted drift no longer found: ${e.kind} ${e.object} (${e.difference})`,
        cause: `accepted by ${e.acceptedBy ?? 'someone'} on ${e.since}: ${e.reason}`,
        fix: 'drift-guard baseline --prune'
      }))
    return [...out, ...stale]
  }
}

/** What a report says of the baseline it applied. */
export function baselineSummary(run: BaselineRun, findings: readonly Finding[]): NonNullable<Report['baseline']> {
  return {
    file: path.relative(run.root, run.baseline.file) || run.baseline.file,
    entries: run.baseline.entries.filter((e) => e.mode === run.mode).length,
    accepted: findings.filter((f) => f.accepted).length,
    expired: findings.filter((f) => f.message.includes(`; ${EXPIRED})`)).length,
    stale: findings.filter((f) => f.kind === 'baseline_stale').length
  }
}

export interface BaselineUpdate {
  entries: BaselineEntry[]
  added: number
  kept: number
  pruned: number
  /** Entries that match no finding and stay (without --prune). */
  stale: number
}

/**
 * The baseline after a run: one entry per finding that fails (error or warning), existing entries kept with their
 * reasons and dates (their databases widened to where the drift is seen now), new ones with `reason`; entries that
 * match nothing are kept unless `prune`.
 */
export function updateBaseline(
  existing: readonly BaselineEntry[],
  findings: readonly Finding[],
  options: {
    mode: 'check' | 'audit'
    reason?: string
    expires?: string
    acceptedBy?: string
    today?: string
    prune: boolean
  }
): BaselineUpdate {
  const byKey = new Map(existing.map((e) => [entryKey(e.mode, e.fingerprint), e]))
  const seen = new Set<string>()
  const entries: BaselineEntry[] = []
  let added = 0
  for (const f of findings) {
    if (f.kind === 'baseline_stale' || f.severity === 'notice') continue
    for (const { fingerprint, object, difference } of identitiesOf(f)) {
      const key = entryKey(options.mode, fingerprint)
      if (seen.has(key)) continue
      seen.add(key)
      const old = byKey.get(key)
      if (old) {
        const databases = [...new Set([...(old.databases ?? []), ...(f.databases ?? [])])]
        entries.push({ ...old, ...(databases.length ? { databases } : {}) })
        continue
      }
      if (!options.reason) throw new MissingReason()
      added++
      entries.push({
        fingerprint,
        kind: f.kind,
        target: f.target,
        object,
        difference,
        reason: options.reason,
        ...(options.expires ? { expires: options.expires } : {}),
        ...(options.acceptedBy ? { acceptedBy: options.acceptedBy } : {}),
        since: options.today ?? today(),
        ...(f.databases?.length ? { databases: [...f.databases] } : {}),
        mode: options.mode
      })
    }
  }
  const unmatched = existing.filter((e) => !seen.has(entryKey(e.mode, e.fingerprint)))
  // Entries of the other mode (an audit's, in a check) are not judged by this run: they stay.
  const otherMode = unmatched.filter((e) => e.mode !== options.mode)
  const stale = unmatched.filter((e) => e.mode === options.mode)
  return {
    entries: [...entries, ...otherMode, ...(options.prune ? [] : stale)],
    added,
    kept: entries.length - added,
    pruned: options.prune ? stale.length : 0,
    stale: options.prune ? 0 : stale.length
  }
}

/** A finding would get a new entry but no --reason was given. */
export class MissingReason extends Error {
  constructor() {
    super('drift-guard baseline needs --reason TEXT: why this drift is accepted (a reviewer reads it)')
  }
}
