// Migrated databases shared between the checks of one run (the head's and the base's, --base). The migrations folder
// is the same in most pull requests that change only the schema, and applying the history is most of a check's
// time, so:
// - when both sides apply the same migrations with the same setup to the same logical database, the database is
//   built once and both compare their own schema with it (closed when every side is done with it);
// - when one side's migrations are the other's followed by more (a pull request that adds migrations), the shorter
//   side builds its database, uses it, and hands it over: the longer side applies only its own further migrations
//   to it, as the same run from clean would go on (src/engine/target-databases.ts says when that is exact).
// Each side announces what it will apply before it asks for a database; the head waits for the base's
// announcement (a pull request usually adds migrations to the base's), the base never waits. A side that fails
// is abandoned: nothing waits for it. The snapshot files both sides read are parsed once too (200 snapshots of a
// 130-table schema are 25 MB of JSON, ~0.2 s of parsing each time); one git says is the same on both sides is not
// even read again, nor hashed.
import { createHash } from 'node:crypto'
import * as fs from 'node:fs'
import { SnapshotFile, readSnapshotFile, readSnapshots } from '../explain/snapshots'
import { BaseChanges, unchangedPath } from '../core/git'
import { Migration } from '../migrations/folder'
import { Database } from '../postgres/provider'

export type Lease<B> = B & { release(): Promise<void> }

/** How a side gets a database: its own, the one both sides share, or the other side's extended with its own. */
export type Way = 'own' | 'identical' | 'extend'

interface Deferred<T> {
  promise: Promise<T>
  resolve: (value: T) => void
}

function deferred<T>(): Deferred<T> {
  let resolve: (value: T) => void = () => undefined
  const promise = new Promise<T>((r) => (resolve = r))
  return { promise, resolve }
}

interface Entry {
  ids: readonly string[]
  built: Promise<{ db: Database }>
  /** The sides that took it, and those done with it. */
  users: Set<number>
  released: Set<number>
  settled: boolean
}

const samePrefix = (prefix: readonly string[], list: readonly string[]): boolean =>
  prefix.every((id, i) => list[i] === id)

export class SharedDatabases {
  private readonly plans: Map<string, readonly string[]>[]
  private readonly announced: Deferred<void>[]
  private readonly abandoned: boolean[]
  private readonly entries = new Map<string, Entry>()
  /** key → the shorter side's database, once it is done with it (undefined: none to take, build your own). */
  private readonly handoffs = new Map<string, Deferred<{ db: Database } | undefined>>()
  private readonly open = new Set<Database>()
  private readonly snapshotFiles = new Map<string, SnapshotFile>()

  /**
   * @param sides how many checks use each database
   * @param sameFiles what git says differs between the sides' checkouts, and the top folder of each side's checkout
   *   (by side index): a snapshot file it does not list is the same file on every side
   */
  constructor(
    private readonly sides: number,
    private readonly sameFiles?: { changes: BaseChanges; tops: string[] }
  ) {
    this.plans = Array.from({ length: sides }, () => new Map())
    this.announced = Array.from({ length: sides }, () => deferred<void>())
    this.abandoned = Array.from({ length: sides }, () => false)
  }

  /** The handle of one side: `patient` waits for the other sides' announcements before it takes a database. */
  side(index: number, patient: boolean): SharedSide {
    return new SharedSide(this, index, patient)
  }

  announce(side: number, key: string, ids: readonly string[]): void {
    this.plans[side].set(key, ids)
  }

  doneAnnouncing(side: number): void {
    this.announced[side].resolve()
  }

  /** A side that failed: nothing waits for its announcements or its databases any more. */
  abandon(side: number): void {
    this.abandoned[side] = true
    this.announced[side].resolve()
    for (const key of this.plans[side].keys()) this.handoff(key).resolve(undefined)
  }

  private others(side: number): number[] {
    return Array.from({ length: this.sides }, (_, i) => i).filter((i) => i !== side)
  }

  private handoff(key: string): Deferred<{ db: Database } | undefined> {
    let entry = this.handoffs.get(key)
    if (!entry) this.handoffs.set(key, (entry = deferred()))
    return entry
  }

  /** How `side` gets the database of `key` (outside any bound on databases: it may wait for the other side). */
  async way(side: number, patient: boolean, key: string, ids: readonly string[]): Promise<Way> {
    const others = this.others(side)
    if (patient) await Promise.all(others.map((o) => this.announced[o].promise))
    const known = others.filter((o) => !this.abandoned[o]).map((o) => this.plans[o].get(key))
    if (known.some((other) => other && other.length === ids.length && samePrefix(other, ids))) return 'identical'
    if (known.some((other) => other && other.length < ids.length && samePrefix(other, ids))) return 'extend'
    return 'own'
  }

  /**
   * The database of `key` built with these migrations: by the first side that asks, the same one for a side that
   * applies the same migrations. When every side that uses it is done with it, it goes to a side that applies the
   * same migrations and more (waiting in `takeOver`), else it is closed.
   */
  async lease<B extends { db: Database }>(
    side: number,
    key: string,
    ids: readonly string[],
    build: () => Promise<B>
  ): Promise<Lease<B>> {
    const id = `${key}\0${createHash('sha256').update(ids.join('\0')).digest('hex')}`
    let entry = this.entries.get(id)
    if (!entry) {
      entry = { ids, built: build(), users: new Set(), released: new Set(), settled: false }
      this.entries.set(id, entry)
      entry.built.then(
        (b) => this.open.add(b.db),
        () => this.handoff(key).resolve(undefined)
      )
    }
    entry.users.add(side)
    const owner = entry
    const built = (await owner.built) as B
    let released = false
    return {
      ...built,
      release: async () => {
        if (released) return
        released = true
        owner.released.add(side)
        // Who else uses it or takes it over is known once every side has announced what it applies.
        const others = this.others(side)
        await Promise.all(others.map((o) => this.announced[o].promise))
        const plan = (o: number): readonly string[] | undefined =>
          this.abandoned[o] ? undefined : this.plans[o].get(key)
        const users = others.filter((o) => owner.users.has(o) || plan(o)?.join('\0') === ids.join('\0'))
        if (owner.settled || !users.every((o) => owner.released.has(o))) return
        owner.settled = true
        const longer = others.some((o) => {
          const theirs = plan(o)
          return theirs !== undefined && theirs.length > ids.length && samePrefix(ids, theirs)
        })
        if (longer) this.handoff(key).resolve(built)
        else {
          this.handoff(key).resolve(undefined)
          await this.close(built.db)
        }
      }
    }
  }

  /** The other side's database for `key` once it is done with it, or undefined (build your own). */
  takeOver(key: string): Promise<{ db: Database } | undefined> {
    return this.handoff(key).promise
  }

  /** Marks a database taken over as this side's: closed by it, or by closeAll. */
  adopt(db: Database): void {
    this.open.add(db)
  }

  async close(db: Database): Promise<void> {
    if (!this.open.delete(db)) return
    await db.close()
  }

  /**
   * The snapshots of a journal folder: each file parsed by the first side that reads it (same tag, same bytes) and
   * handed to the other with its own migration (each side names its own files). 1.x snapshots are not shared:
   * their states are rebuilt from the whole folder, migrations included.
   */
  snapshots(migrations: Migration[], side: number): SnapshotFile[] {
    const files: SnapshotFile[] = []
    const top = this.sameFiles?.tops[side]
    for (const migration of migrations) {
      if (!migration.snapshotFile) {
        files.push(readSnapshotFile(migration) as SnapshotFile)
        continue
      }
      // A file git did not list as changed is known by its name; any other by its bytes.
      const same = top !== undefined ? unchangedPath(this.sameFiles!.changes, top, migration.snapshotFile) : undefined
      const bytes = same === undefined ? fs.readFileSync(migration.snapshotFile) : undefined
      const key = `${migration.tag}\0${bytes ? createHash('sha256').update(bytes).digest('hex') : `same ${same}`}`
      const known = this.snapshotFiles.get(key)
      if (known) {
        files.push({ ...known, migration })
        continue
      }
      const read = readSnapshotFile(migration, (bytes ?? fs.readFileSync(migration.snapshotFile)).toString('utf8'))
      if ('v1Json' in read) return readSnapshots(migrations)
      this.snapshotFiles.set(key, read)
      files.push(read)
    }
    return files
  }

  /** Closes what a side left open (a side that never came, a database nobody took over), and ends every wait. */
  async closeAll(): Promise<void> {
    for (let side = 0; side < this.sides; side++) this.abandon(side)
    await Promise.all(
      [...this.entries.values()].map((entry) => entry.built.then((b) => this.close(b.db)).catch(() => undefined))
    )
    await Promise.all([...this.open].map((db) => this.close(db).catch(() => undefined)))
    this.entries.clear()
    this.snapshotFiles.clear()
  }
}

/** One side's view of the shared databases. */
export class SharedSide {
  constructor(
    readonly shared: SharedDatabases,
    readonly index: number,
    readonly patient: boolean
  ) {}

  announce(key: string, ids: readonly string[]): void {
    this.shared.announce(this.index, key, ids)
  }

  doneAnnouncing(): void {
    this.shared.doneAnnouncing(this.index)
  }

  abandon(): void {
    this.shared.abandon(this.index)
  }

  way(key: string, ids: readonly string[]): Promise<Way> {
    return this.shared.way(this.index, this.patient, key, ids)
  }

  lease<B extends { db: Database }>(key: string, ids: readonly string[], build: () => Promise<B>): Promise<Lease<B>> {
    return this.shared.lease(this.index, key, ids, build)
  }

  takeOver(key: string): Promise<{ db: Database } | undefined> {
    return this.shared.takeOver(key)
  }

  adopt(db: Database): void {
    this.shared.adopt(db)
  }

  close(db: Database): Promise<void> {
    return this.shared.close(db)
  }

  snapshots(migrations: Migration[]): SnapshotFile[] {
    return this.shared.snapshots(migrations, this.index)
  }
}
