// The inventory's JSON shape (documented in the README): the whole database setup of a project, from the repository
// and one check (and, with a URL, the live databases). No timestamps: the same repository gives the same document,
// so that a committed copy can be compared (--check).
import { Finding } from '../core/findings'

export interface Inventory {
  version: 1
  tool: { name: 'drizzle-drift-guard'; version: string }
  targets: InventoryTarget[]
  /** Tables and enums that several targets create (by schema and name). */
  shared: { kind: 'table' | 'enum'; name: string; targets: string[] }[]
  /** Columns of one target that hold the id of another target's table, by name (`organization_id` -> organizations). */
  crossReferences: {
    target: string
    table: string
    column: string
    referencedTarget: string
    referencedTable: string
  }[]
  /** The package.json scripts that touch the database, in the order a new developer runs them. */
  initProcess: InitStep[]
  /** With --database-url: each live database, read-only. */
  live?: LiveDatabase[]
  summary: { errors: number; warnings: number; notices: number }
  /** Findings of no target (a config that could not be read). */
  findings: Finding[]
}

export interface InventoryTarget {
  name: string
  drizzleConfig?: string
  schemaFiles: string[]
  migrations: string
  migrationsFormat: 'journal' | 'folders'
  migrationsTable: string
  databases: { name: string; applied: number; of: number; compared: boolean }[]
  /** The target's "run" commands (its init), in order. */
  run: string[]
  tables: InventoryTable[]
  enums: InventoryEnum[]
  history: HistoryEntry[]
  /** Mermaid erDiagram sources (one per schema or group of related tables). */
  diagrams: { title: string; mermaid: string }[]
  /** Findings not about one table (snapshots, journal, run_failed…). */
  findings: Finding[]
}

export interface Lineage {
  /** file:line in the schema source. */
  declared?: string
  /** file:line of the statement that creates it (the last creation, after any drop). */
  createdBy?: string
  /** Later migrations that alter, rename or drop it: "tag (file:line)". */
  changedBy: string[]
  /** Snapshots that have it: count, first and last tag. */
  snapshots: { count: number; first?: string; last?: string }
}

export interface InventoryTable extends Lineage {
  schema: string
  name: string
  /** declared: in the schema; migrations-only: created by the migrations, not declared. */
  origin: 'declared' | 'migrations-only'
  columns: InventoryColumn[]
  references: { columns: string[]; table: string; columnsTo: string[] }[]
  /** The check's findings about the table itself (its indexes, constraints, policies…). */
  findings: Finding[]
}

export interface InventoryColumn extends Lineage {
  name: string
  type: string
  notNull: boolean
  primaryKey: boolean
  default?: string
  origin: 'declared' | 'migrations-only'
  findings: Finding[]
}

export interface InventoryEnum extends Lineage {
  schema: string
  name: string
  values: string[]
  findings: Finding[]
}

export interface HistoryEntry {
  tag: string
  file: string
  /** One line: "creates 3 tables (organizations, users, …), adds 2 columns". */
  summary: string
  flags: ('hand-written' | 'hand-edited' | 'out of order' | 'no snapshot' | 'missing file')[]
}

export interface InitStep {
  /** The package.json, relative to the root. */
  packageJson: string
  script: string
  command: string
  /** migrate, push, init, seed, generate, check, studio, other. */
  role: string
  target?: string
  /** What the check saw of this step (migrations applied, the run_failed finding). */
  status?: string
}

export interface LiveDatabase {
  target: string
  name: string
  error?: string
  ledger?: { applied: number; pending: string[]; skipped: string[]; modified: string[]; unknown: number }
  findings: { kind: string; count: number }[]
}
