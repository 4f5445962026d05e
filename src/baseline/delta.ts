// What a pull request changes: its findings against the base commit's, matched by fingerprint (the same identity
// the baseline uses, so moving lines or adding unrelated migrations changes nothing). Each finding is marked new or
// not, the base's findings that are gone are listed as fixed, and with `newOnly` only new errors fail the run.
import { Finding, Report } from '../core/findings'
import { fingerprintOf } from './fingerprint'

/** A finding that counts in the delta: notices (accepted findings among them) do not fail anything. */
const counts = (f: Finding): boolean => f.severity !== 'notice'

export function markAgainstBase(head: Report, base: Report, ref: string, newOnly: boolean): Report {
  const baseKeys = new Set(base.findings.map(fingerprintOf))
  const headKeys = new Set(head.findings.map(fingerprintOf))
  const findings = head.findings.map((f) => ({ ...f, new: !baseKeys.has(fingerprintOf(f)) }))
  const fixed = base.findings.filter((f) => counts(f) && !headKeys.has(fingerprintOf(f)))
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
