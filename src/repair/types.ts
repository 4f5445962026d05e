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
}

export interface RepairResult {
  version: 1
  /** Nothing was left undone. */
  ok: boolean
  dryRun: boolean
  targets: TargetRepair[]
}
