// The shapes shared by the 0.x and 1.x snapshot readers (kept apart so that neither imports the other).

export type DdlEntity = { entityType: string; [field: string]: unknown }

export interface V1Snapshot {
  /** The state after this migration, as a list of entities. */
  ddl: DdlEntity[]
  /** Unique constraints a migration added by name (drizzle-kit 1.x wrote them so; Postgres did not pick the name). */
  uniquesAddedByName: Set<string>
}

export interface V1SnapshotJson {
  id?: unknown
  prevIds?: unknown
  type?: unknown
  ddl?: unknown
  deltas?: unknown
}

export interface SnapshotChange {
  /** e.g. `column organizations.logo_url added`. */
  description: string
  /**
   * The object's definition on the side(s) it exists on (snapshot → schema for a change), as stable text: what the
   * baseline's fingerprint of this change is made of besides the description (src/baseline/fingerprint.ts).
   */
  definition?: string
  table?: string
  schema?: string
  column?: string
  name?: string
}

export interface SnapshotComparison {
  changes: SnapshotChange[]
  /** Objects both added and removed: drizzle-kit would ask whether it is a rename. */
  possibleRenames: string[]
}
