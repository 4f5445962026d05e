// What `drift-guard fix` plans and writes, per target: the contract of its JSON output (version 1).

/** One statement of the corrective migration. */
export interface RepairStatement {
  /** The SQL, ending with `;`, in drizzle-kit's style. */
  sql: string
  /** What running it costs or risks, in words (also written as a comment above it in the migration). */
  hazards: string[]
  /** The finding it repairs, e.g. `missing_column organizations.logo_url`. */
  finding: string
  /** Deletes data or can fail on existing rows: written only with --allow-destructive. */
  destructive: boolean
  /** Where it goes in the migration: lower first (see PHASE in plan.ts). */
  phase: number
}

/** A finding `fix` did not repair, and why (what to do instead). */
export interface SkippedRepair {
  finding: string
  reason: string
}

/** An object the database has and the schema does not: the declaration that would keep it. */
export interface Declaration {
  finding: string
  /** file:line of the pgTable it belongs to, when known. */
  at?: string
  /** The TypeScript to add there. */
  code: string
}

/** With --database-url: a live database of the target as `fix` read it (read-only), and what the migration does there. */
export interface LiveDatabaseRepair {
  database: string
  /** Rows in its migrations table. */
  recorded: number
  /** The newest `created_at` recorded there (ms since 1970): the new journal `when` is later (0.x). */
  newestCreatedAt?: number
  /** Migrations of the folder it has not run yet (the migrator runs them first). */
  pending: string[]
  /** Migrations it never ran and never will (0.x: older than its newest row). */
  skipped: string[]
  /** Migrations it ran before their file changed. */
  modified: string[]
  /** Recorded migrations that match none of the folder. */
  unknown: number
  /** Its schema is what the migrations build and its migrations table matches the folder. */
  clean: boolean
  /** How its schema differs from what the migrations build, in words. */
  differs: string[]
  /** Whether drizzle's migrator will apply the new migration there (absent when none is written). */
  applies?: boolean
  /** Statements (by finding) that do not do there what they do on the clean database, and why. */
  effects: { finding: string; effect: 'already-done' | 'fails'; reason: string }[]
  /** What still differs from the schema there after the migration (findings the migration does not repair). */
  remaining: string[]
  notes: string[]
}

export interface TargetRepair {
  target: string
  /** Files written (or, with --dry-run, that would be), relative to the root. */
  files: string[]
  statements: RepairStatement[]
  skipped: SkippedRepair[]
  declarations: Declaration[]
  /** The new migration's tag (e.g. 0001_tidy_falcon), when one is written. */
  tag?: string
  /** The whole SQL file as written. */
  sql?: string
  notes: string[]
  /** With --database-url: every live database of the target, read before writing. */
  databases?: LiveDatabaseRepair[]
}

export interface RepairResult {
  version: 1
  /** Nothing was left undone. */
  ok: boolean
  dryRun: boolean
  targets: TargetRepair[]
}
