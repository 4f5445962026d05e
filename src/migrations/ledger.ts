// A live database's `__drizzle_migrations` against the repository's migrations, with drizzle's own rules:
// the migrator stores (sha256 of the file, journal `when`) and later applies only entries newer than the newest
// stored `created_at`. So an entry older than that without a row was skipped for good, and a row whose file
// changed since is never re-run.
import { Migration } from './folder'

export interface LedgerRow {
  id: number
  hash: string
  createdAt: number
}

export interface LedgerStatus {
  applied: Migration[]
  /** Newer than the newest row: the next `migrate` applies them. */
  pending: Migration[]
  /** Older than the newest row and never applied: the migrator will never apply them. */
  skipped: Migration[]
  /** Applied, but the file changed since (hash differs). */
  modified: { migration: Migration; row: LedgerRow }[]
  /** Rows that match no migration of the repository. */
  unknown: LedgerRow[]
  /** Applied after a migration that comes later in the journal (rows in id order): this database ran another order. */
  outOfOrder: { migration: Migration; after: Migration }[]
}

export function compareLedger(rows: LedgerRow[], migrations: Migration[]): LedgerStatus {
  const newest = rows.reduce<number | undefined>(
    (max, r) => (max === undefined || r.createdAt > max ? r.createdAt : max),
    undefined
  )
  const status: LedgerStatus = { applied: [], pending: [], skipped: [], modified: [], unknown: [], outOfOrder: [] }
  const matched = new Set<LedgerRow>()
  const migrationOf = new Map<LedgerRow, Migration>()
  for (const m of migrations) {
    // Rows are matched by the journal's `when` (what drizzle stores), then by hash for rows whose `when` moved.
    const byWhen = rows.find((r) => !matched.has(r) && r.createdAt === m.when)
    const byHash = byWhen ?? rows.find((r) => !matched.has(r) && m.hash !== undefined && r.hash === m.hash)
    if (byHash) {
      matched.add(byHash)
      migrationOf.set(byHash, m)
      status.applied.push(m)
      if (m.hash !== undefined && byHash.hash !== m.hash) status.modified.push({ migration: m, row: byHash })
      continue
    }
    if (newest === undefined || m.when > newest) status.pending.push(m)
    else status.skipped.push(m)
  }
  status.unknown = rows.filter((r) => !matched.has(r))
  // The migrator appends rows in journal order; a row whose migration comes before one applied earlier means this
  // database ran the migrations in another order (a reordered journal, or migrations applied from a branch).
  let latest: Migration | undefined
  for (const row of [...rows].sort((a, b) => a.id - b.id)) {
    const m = migrationOf.get(row)
    if (!m) continue
    if (latest && migrations.indexOf(m) < migrations.indexOf(latest))
      status.outOfOrder.push({ migration: m, after: latest })
    else latest = m
  }
  return status
}
