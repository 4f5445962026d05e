// Migrated databases shared between the checks of one run (the head's and the base's, --base): when both sides
// apply the same migrations with the same setup to the same logical database, the database is built once and
// both compare their own schema with it. The migrations folder is the same in most pull requests that change only
// the schema, and applying the history is most of a check's time. The database is closed when every side is done
// with it (or by closeAll, for a side that never came). The snapshot files both sides read are parsed once too
// (200 snapshots of a 130-table schema are 25 MB of JSON, ~1 s of parsing).
import { createHash } from 'node:crypto'
import * as fs from 'node:fs'
import { SnapshotFile, readSnapshots } from '../explain/snapshots'
import { Migration } from '../migrations/folder'
import { Database } from '../postgres/provider'

interface Entry<B> {
  built: Promise<B>
  left: number
}

export type Lease<B> = B & { release(): Promise<void> }

export class SharedDatabases {
  private readonly entries = new Map<string, Entry<{ db: Database }>>()
  private readonly snapshotReads = new Map<string, SnapshotFile[]>()

  /** @param sides how many checks use each database */
  constructor(private readonly sides: number) {}

  /** The database built for `key`: built by the first side that asks, the same one for the others. */
  async lease<B extends { db: Database }>(key: string, build: () => Promise<B>): Promise<Lease<B>> {
    let entry = this.entries.get(key) as Entry<B> | undefined
    if (!entry) {
      entry = { built: build(), left: this.sides }
      this.entries.set(key, entry)
    }
    const owner = entry
    const built = await owner.built
    let released = false
    return {
      ...built,
      release: async () => {
        if (released) return
        released = true
        if (--owner.left === 0) await built.db.close()
      }
    }
  }

  /**
   * The snapshots of a journal folder, parsed by the first side that reads the same files (same tags, same bytes) and
   * handed to the other with its own migrations (each side names its own files). 1.x snapshots are not shared: their
   * states are rebuilt from the whole folder, migrations included.
   */
  snapshots(migrations: Migration[]): SnapshotFile[] {
    const hash = createHash('sha256')
    for (const m of migrations) {
      hash.update(m.tag).update('\0')
      if (m.snapshotFile) hash.update(fs.readFileSync(m.snapshotFile)).update('\0')
      else hash.update('none\0')
    }
    const key = hash.digest('hex')
    const read = this.snapshotReads.get(key)
    if (!read) {
      const files = readSnapshots(migrations)
      if (!files.some((f) => f.v1)) this.snapshotReads.set(key, files)
      return files
    }
    return read.map((file, i) => ({ ...file, migration: migrations[i] }))
  }

  /** Closes what a side that never came (a target the base does not have) left open. */
  async closeAll(): Promise<void> {
    await Promise.all(
      [...this.entries.values()].map(async (entry) => {
        if (entry.left <= 0) return
        entry.left = 0
        await entry.built.then((b) => b.db.close()).catch(() => undefined)
      })
    )
    this.entries.clear()
    this.snapshotReads.clear()
  }
}
