// A live database's `__drizzle_migrations` against the repository's migrations, with the project's migrator's rules.
// drizzle-orm 1.x (v1 folders) records each folder's name and applies every folder whose name has no row.
// drizzle-orm 0.x:
// the migrator stores (sha256 of the file, journal `when`) and later applies only entries newer than the newest
// stored `created_at`. So an entry older than that without a row was skipped for good, and a row whose file
// changed since is never re-run.
import { Migration } from './folder'

export interface LedgerRow {
  id: number
  hash: string
  createdAt: number
  /** drizzle-orm 1.x's ledger: the folder name the row was applied as (null for rows its upgrade could not match). */
  name?: string | null
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

/**
 * @param migrator '1.x': drizzle-orm 1.x's migrator (v1 folders), which applies every folder whose name has no row,
 * whatever its timestamp: nothing is skipped, and an older folder merged late is pending, not out of order.
 */
export function compareLedger(
  rows: LedgerRow[],
  migrations: Migration[],
  migrator: '0.x' | '1.x' = '0.x'
): LedgerStatus {
  if (migrator === '1.x') {
    if (rows.length === 0 || rows.some((r) => r.name !== undefined)) return compareLedgerByName(rows, migrations)
    // A 0.x table that 1.x has not upgraded yet: its upgrade matches the rows by created_at (then hash), as below,
    // and from then on applies every folder without a row, so nothing stays skipped.
    const status = compareLedger(rows, migrations)
    return { ...status, pending: [...status.pending, ...status.skipped], skipped: [], outOfOrder: [] }
  }
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

/** drizzle-orm 1.x's rules (getMigrationsToRun): a folder is applied when a row has its name. */
function compareLedgerByName(rows: LedgerRow[], migrations: Migration[]): LedgerStatus {
  const status: LedgerStatus = { applied: [], pending: [], skipped: [], modified: [], unknown: [], outOfOrder: [] }
  const byName = new Map<string, LedgerRow>()
  for (const row of rows) if (row.name) byName.set(row.name, row)
  const matched = new Set<LedgerRow>()
  for (const m of migrations) {
    const row = byName.get(m.tag)
    if (!row) {
      status.pending.push(m)
      continue
    }
    matched.add(row)
    status.applied.push(m)
    if (m.hash !== undefined && row.hash !== m.hash) status.modified.push({ migration: m, row })
  }
  status.unknown = rows.filter((r) => !matched.has(r))
  return status
}
