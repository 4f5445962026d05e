// What the causes read: the project's three records of the truth (schema source, snapshots, SQL files) for one target.
import { Migration } from '../migrations/folder'
import { DatabaseModel } from '../model/types'
import { PgSnapshot } from '../schema/drizzle-kit'
import { SourceIndex } from '../schema/source-index'
import { SnapshotFile } from './snapshots'

export interface ExplainContext {
  root: string
  target: string
  sources: SourceIndex
  schemaSnapshot: PgSnapshot
  snapshots: SnapshotFile[]
  migrations: Migration[]
  expected: DatabaseModel
  generateCommand: string
  /** Said instead of "Run <generateCommand>" where generate would re-create what migrations built, or refuses to run. */
  generateAdvice?: string
  /** audit: migrations this database has not applied yet. */
  pending?: Set<string>
  /** audit: the database compared is a live one, not one the migrations built from clean here. */
  live?: true
  /** v1 folders whose migration.sql is gone (drizzle's migrator skips them; their snapshot.json may record the change). */
  foldersWithoutSql?: string[]
  /** check: the first migration whose SQL file is missing; only the migrations before it were applied. */
  stoppedAt?: Migration
  /** The folder's .sql files that the journal does not list (drizzle's migrator never runs them). */
  unlisted?: Migration[]
}
