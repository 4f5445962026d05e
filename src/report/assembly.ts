// One assembly of a report's findings, for check, audit and merge: policies (the config's severity overrides, and
// any later policy) in one ordered list, then one sort, one summary, one shape of finding.
import { Finding, Report, SEVERITY_RANK, SeverityOverrides, findingObjectPath } from '../core/findings'

/** What a policy needs to know of a target. */
export interface PolicyTarget {
  name: string
  severity: SeverityOverrides
}

export interface PolicyContext {
  /** The targets of the config, in config order. */
  targets: readonly PolicyTarget[]
}

/** A step applied to every finding of a run once all are known: it may change a severity or leave a finding out. */
export type FindingPolicy = (findings: Finding[], context: PolicyContext) => Finding[]

/**
 * The config's "severity" per target: a key naming the finding's kind and object (`extra_index:public.users.x`)
 * first, else its kind. A finding naming several targets ("master, tenant") takes a target's choice only when every
 * target it names agrees on it; "off" leaves the finding out. A finding the baseline accepted stays a notice.
 */
export const applySeverityOverrides: FindingPolicy = (findings, { targets }) =>
  findings.flatMap((f) => {
    const named = f.target.split(', ').map((name) => targets.find((t) => t.name === name))
    const object = findingObjectPath(f)
    const chosen = new Set(
      named.map((t) => (object ? t?.severity[`${f.kind}:${object}`] : undefined) ?? t?.severity[f.kind])
    )
    const severity = chosen.size === 1 ? [...chosen][0] : undefined
    if (severity === 'off') return []
    return [severity && !f.accepted ? { ...f, severity } : f]
  })

/** The policies, in order. */
export const FINDING_POLICIES: readonly FindingPolicy[] = [applySeverityOverrides]

/**
 * How findings are listed after severity: a check lists them by target (config order) then by place in the files;
 * an audit by how many databases share them, the most widespread first.
 */
export type FindingOrder = 'by-target' | 'by-spread'

export interface AssembledFindings {
  findings: Finding[]
  summary: Report['summary']
  ok: boolean
}

export function assembleFindings(
  findings: Finding[],
  context: PolicyContext,
  order: FindingOrder,
  policies: readonly FindingPolicy[] = FINDING_POLICIES
): AssembledFindings {
  let kept = findings
  for (const policy of policies) kept = policy(kept, context)
  return finishFindings(kept, order, context.targets)
}

/** Sorted, summarised and stripped of empty fields (findings whose policies were applied already, as in merge). */
export function finishFindings(
  findings: Finding[],
  order: FindingOrder,
  targets: readonly PolicyTarget[] = []
): AssembledFindings {
  const position = (name: string): number => targets.findIndex((t) => t.name === name)
  const sorted = [...findings].sort(
    order === 'by-target'
      ? (a, b) =>
          SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] ||
          position(a.target) - position(b.target) ||
          (a.file ?? '').localeCompare(b.file ?? '') ||
          (a.line ?? 0) - (b.line ?? 0)
      : (a, b) =>
          SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] ||
          (b.databases?.length ?? 0) - (a.databases?.length ?? 0)
  )
  const summary = summarise(sorted)
  return { findings: sorted.map(stripEmpty), summary, ok: summary.errors === 0 }
}

export function summarise(findings: readonly Finding[]): Report['summary'] {
  return {
    errors: findings.filter((f) => f.severity === 'error').length,
    warnings: findings.filter((f) => f.severity === 'warning').length,
    notices: findings.filter((f) => f.severity === 'notice').length
  }
}

/**
 * Findings equal but for the database they were seen on, as one finding listing the databases (in `order` when
 * given, else as met): thousands of tenants give a short report.
 */
export function groupByDatabase<T>(
  entries: Iterable<{ finding: T; database: string }>,
  key: (finding: T) => string = (f) => JSON.stringify(f)
): { finding: T; databases: string[] }[] {
  const grouped = new Map<string, { finding: T; databases: string[] }>()
  for (const { finding, database } of entries) {
    const k = key(finding)
    const entry = grouped.get(k)
    if (entry) entry.databases.push(database)
    else grouped.set(k, { finding, databases: [database] })
  }
  return [...grouped.values()]
}

export function stripEmpty(f: Finding): Finding {
  return Object.fromEntries(
    Object.entries(f).filter(([, v]) => v !== undefined && v !== '' && !(Array.isArray(v) && v.length === 0))
  ) as unknown as Finding
}
