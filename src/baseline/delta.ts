// What a pull request changes: its findings against the base commit's, matched by fingerprint (the same identity
// the baseline uses, so moving lines or adding unrelated migrations changes nothing). Each finding is marked new or
// not, the base's findings that are gone are listed as fixed, and with `newOnly` only new errors fail the run. A
// finding made of several changed objects (snapshot_out_of_date) is judged change by change: it is new when it
// gained one (and says which), and the changes it lost are listed as fixed (docs/baseline.md).
import { Finding, Report } from '../core/findings'
import { DriftIdentity, NEW_NOTE, identitiesOf } from './fingerprint'

/** A finding that counts in the delta: notices (accepted findings among them) do not fail anything. */
const counts = (f: Finding): boolean => f.severity !== 'notice'

const fingerprints = (findings: readonly Finding[]): Set<string> =>
  new Set(findings.flatMap((f) => identitiesOf(f).map((i) => i.fingerprint)))

/** The changes of a finding marked new or not, and its message saying which are new when only some are. */
function markChanges(f: Finding, ids: DriftIdentity[], fresh: DriftIdentity[]): Finding {
  if (!f.changes?.length) return { ...f, new: fresh.length > 0 }
  const isNew = new Set(fresh.map((i) => i.change))
  const changes = f.changes.map((c) => ({ ...c, new: isNew.has(c) }))
  const partly = fresh.length > 0 && fresh.length < ids.length
  return {
    ...f,
    new: fresh.length > 0,
    changes,
    ...(partly ? { message: `${f.message}${NEW_NOTE}${fresh.map((i) => i.difference).join('; ')})` } : {})
  }
}

/** A base finding's changes that are gone, as a finding of their own (the rest is still there). */
function fixedPart(f: Finding, gone: DriftIdentity[]): Finding {
  const kept = new Set(gone.map((i) => i.change))
  return {
    ...f,
    message: `no more in the schema's difference from the last snapshot${f.name ? ` (${f.name})` : ''}: ${gone.map((i) => i.difference).join('; ')}`,
    changes: f.changes!.filter((c) => kept.has(c))
  }
}

export function markAgainstBase(head: Report, base: Report, ref: string, newOnly: boolean): Report {
  const baseKeys = fingerprints(base.findings)
  const headKeys = fingerprints(head.findings)
  const findings = head.findings.map((f) => {
    const ids = identitiesOf(f)
    return markChanges(
      f,
      ids,
      ids.filter((i) => !baseKeys.has(i.fingerprint))
    )
  })
  const fixed = base.findings.filter(counts).flatMap((f) => {
    const ids = identitiesOf(f)
    const gone = ids.filter((i) => !headKeys.has(i.fingerprint))
    if (gone.length === 0) return []
    return [gone.length === ids.length ? f : fixedPart(f, gone)]
  })
  const introduced = findings.filter((f) => counts(f) && f.new).length
  const existing = findings.filter((f) => counts(f) && !f.new).length
  const report: Report = {
    ...head,
    findings,
    base: { ref, introduced, fixed: fixed.length, existing, newOnly },
    fixed
  }
  return { ...report, ok: failingErrors(report) === 0 }
}

/** The errors that fail the run: with --new-only, those the base did not have. */
export function failingErrors(report: Report): number {
  return report.findings.filter((f) => f.severity === 'error' && !(report.base?.newOnly && f.new === false)).length
}

/** The warnings that fail the run with fail-on warning: with --new-only, those the base did not have. */
export function failingWarnings(report: Report): number {
  return report.findings.filter((f) => f.severity === 'warning' && !(report.base?.newOnly && f.new === false)).length
}
