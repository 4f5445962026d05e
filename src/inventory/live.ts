// Section 6, with a URL: each live database as the audit reads it (read-only), migrations applied, pending, skipped
// and modified, and its drift grouped by kind as the audit groups it.
import { Report } from '../core/findings'
import { LiveDatabase } from './model'

export function liveDatabases(audit: Report): LiveDatabase[] {
  return audit.targets.flatMap((target) =>
    target.databases.map((d) => {
      const counts = new Map<string, number>()
      for (const f of audit.findings)
        if (f.target === target.name && f.databases?.includes(d.name)) counts.set(f.kind, (counts.get(f.kind) ?? 0) + 1)
      return {
        target: target.name,
        name: d.name,
        ...(d.error ? { error: d.error } : {}),
        ...(d.ledger ? { ledger: d.ledger } : {}),
        findings: [...counts].map(([kind, count]) => ({ kind, count })).sort((a, b) => a.kind.localeCompare(b.kind))
      }
    })
  )
}
