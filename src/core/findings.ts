// The report is a contract: the action, the CLI's JSON output and other tools rely on it.
// Fields absent from a finding are omitted, never null.

export type Severity = 'error' | 'warning' | 'notice'

/** Every kind of finding, as reports name them (the README lists them; a test keeps the two equal). */
export const FINDING_KINDS = [
  'missing_table',
  'extra_table',
  'missing_column',
  'extra_column',
  'column_type_mismatch',
  'column_nullability_mismatch',
  'column_default_mismatch',
  'column_identity_mismatch',
  'column_generated_mismatch',
  'missing_index',
  'extra_index',
  'index_mismatch',
  'missing_constraint',
  'extra_constraint',
  'constraint_mismatch',
  'missing_enum',
  'extra_enum',
  'enum_mismatch',
  'missing_schema',
  'extra_schema',
  'missing_sequence',
  'extra_sequence',
  'missing_view',
  'extra_view',
  'view_mismatch',
  'missing_policy',
  'extra_policy',
  'policy_mismatch',
  'rls_mismatch',
  'partitioning_mismatch',
  'identifier_collision',
  'snapshot_out_of_date',
  'migration_failed',
  'migration_out_of_order',
  'migration_modified',
  'journal_error',
  'schema_error',
  'cross_target_table',
  'cross_database_role',
  'migration_pending',
  'migration_skipped',
  'migration_unknown',
  'database_unreachable',
  'shared_migrations_table',
  'config_error',
  'run_failed',
  'baseline_stale'
] as const

export type FindingKind = (typeof FINDING_KINDS)[number]

export interface Finding {
  kind: FindingKind
  severity: Severity
  target: string
  /** Logical database names (from the config) where this was found. */
  databases?: string[]
  schema?: string
  table?: string
  column?: string
  /** Index, constraint, enum, sequence, view, policy or migration tag. */
  name?: string
  /** Path relative to the repository root. */
  file?: string
  line?: number
  message: string
  /** Where the difference came from, in words. */
  cause?: string
  /** SQL or command that would fix it. */
  fix?: string
  /** run_failed: the last lines of the command's output. */
  output?: string
  /** Matched by an entry of the baseline (drift-guard.baseline.json): a notice that does not fail the run. */
  accepted?: { reason: string; expires?: string; since: string }
  /** With a base commit (--base): true when the base did not have this finding (or, with `changes`, one of them). */
  new?: boolean
  /**
   * snapshot_out_of_date: every change since the last snapshot, one per object (the message shows the first 12).
   * The baseline and the delta judge each change by itself (docs/baseline.md).
   */
  changes?: FindingChange[]
}

/** One changed object of a snapshot finding. */
export interface FindingChange {
  /** In words: `column users.nickname added`. */
  description: string
  /** The object in words, with its path: `column public.users.nickname`. */
  object: string
  /**
   * A digest of the object as the schema declares it and as the snapshot records it: changed again before a migration
   * was generated (another default), it is another change.
   */
  digest: string
  /** With a base commit: whether the base did not have this change. */
  new?: boolean
  /** With a baseline that accepts some of the finding's changes: whether an entry accepts this one. */
  accepted?: boolean
}

/**
 * The object a finding is about, as a dotted path (`public.bookings.no_overlap`, `public.users.email`, a migration's
 * tag), or undefined for findings about no object. The config's `severity` keys (`kind:path`) and the baseline's
 * fingerprints use it.
 */
export function findingObjectPath(f: Pick<Finding, 'schema' | 'table' | 'column' | 'name'>): string | undefined {
  const parts = [f.schema, f.table, f.column ?? f.name].filter((p): p is string => p !== undefined && p !== '')
  return parts.length ? parts.join('.') : undefined
}

export interface AppliedMigration {
  tag: string
  file: string
  statements: number
  ok: boolean
}

export interface DatabaseResult {
  /** Logical name from the config (e.g. tenant_1); in an audit, the live database's name. */
  name: string
  /** check: the migrations applied from clean. */
  migrations: AppliedMigration[]
  /** False when a migration failed (check) or the database could not be read (audit): no schema comparison. */
  compared: boolean
  /** audit: the database's __drizzle_migrations against the repository. */
  ledger?: { applied: number; pending: string[]; skipped: string[]; modified: string[]; unknown: number }
  /** audit: why the database could not be audited. */
  error?: string
}

export interface TargetResult {
  name: string
  drizzleConfig?: string
  schema: string[]
  migrations: string
  migrationsFormat: 'journal' | 'folders'
  migrationsTable: string
  casing?: string
  /**
   * The drizzle generation the target was checked as (docs/drizzle-1.md): its serialiser, names, snapshot and
   * migrator rules. Absent in reports made before it was chosen per target.
   */
  drizzle?: { generation: '0.x' | '1.x'; why: string; serialiser: string }
  databases: DatabaseResult[]
  /** Counts of what the schema declares, to make "no drift" meaningful. */
  declared: { tables: number; columns: number; enums: number; indexes: number }
  notes: string[]
}

export interface Report {
  version: 1
  /** check: migrations applied from clean; audit: live databases read. */
  mode?: 'check' | 'audit'
  ok: boolean
  /** drizzleKit: the drizzle-kit whose serialiser read the schema. */
  tool: { name: 'drizzle-drift-guard'; version: string; drizzleKit?: string }
  root: string
  postgres: { provider: string; version?: string }
  targets: TargetResult[]
  findings: Finding[]
  summary: { errors: number; warnings: number; notices: number }
  notes: string[]
  timings?: Record<string, number>
  /** The baseline applied (docs/baseline.md): its file, entries, and what they did. */
  baseline?: { file: string; entries: number; accepted: number; expired: number; stale: number }
  /** With a base commit (--base): the delta, and whether only new findings fail (`--new-only`). */
  base?: { ref: string; introduced: number; fixed: number; existing: number; newOnly: boolean }
  /** With a base commit: the base's findings that are gone. */
  fixed?: Finding[]
}

/**
 * A key of the config's `severity`: a finding kind (`extra_index`), or a kind and one object
 * (`extra_constraint:public.bookings.no_overlap`, the object as findingObjectPath writes it).
 */
export type SeverityKey = FindingKind | `${FindingKind}:${string}`

export type SeverityOverrides = Partial<Record<SeverityKey, Severity | 'off'>>

export const SEVERITY_RANK: Record<Severity, number> = { error: 0, warning: 1, notice: 2 }
