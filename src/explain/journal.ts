// Integrity of a migrations folder on its own, and against the base branch: the failures drizzle never reports.
import * as fs from 'node:fs'
import * as path from 'node:path'
import { Finding } from '../core/findings'
import { BaseChanges, git, repositoryTop, showFiles, unchangedPath } from '../core/git'
import { SnapshotFile } from './snapshots'
import { noJournalCause, noJournalFix } from './unlisted-files'
import { MigrationFolder, V1_TIMESTAMP, hashMigration } from '../migrations/folder'

type FolderFinding = Omit<Finding, 'target' | 'severity'> & { severity: Finding['severity'] }

export function checkFolder(folder: MigrationFolder, snapshots: SnapshotFile[], root: string): FolderFinding[] {
  const out: FolderFinding[] = []
  const rel = (f: string): string => path.relative(root, f)
  for (const p of folder.problems) {
    out.push({
      kind: 'journal_error',
      severity: p.severity,
      file: rel(p.file),
      ...(p.line ? { line: p.line } : {}),
      ...(p.tag ? { name: p.tag } : {}),
      message: `${rel(p.file)}: ${p.message}`,
      ...(p.cause ? { cause: p.cause } : {}),
      ...(p.fix ? { fix: p.fix } : {}),
      // The same words as the missing objects' causes, which name the files that would create them.
      ...(p.noJournal ? { cause: noJournalCause(root, p.noJournal), fix: noJournalFix(root, p.noJournal) } : {})
    })
  }
  const journal = folder.journalFile ? rel(folder.journalFile) : rel(folder.dir)
  // Two entries listed in each other's place (a hand-resolved merge of _journal.json) break the prevId chain at up
  // to three links and can put a `when` out of order: said once, as the swap it is, instead of as each symptom.
  const swaps = folder.format === 'journal' ? swappedEntries(snapshots) : []
  const swapped = new Set(swaps.flatMap((s) => [s.first.migration.tag, s.second.migration.tag]))
  const explainedLinks = new Set(swaps.flatMap((s) => s.links))
  for (const { first, second } of swaps) {
    const [a, b] = [first.migration, second.migration]
    out.push({
      kind: 'journal_error',
      severity: 'error',
      file: journal,
      ...(a.journalLine ? { line: a.journalLine } : {}),
      name: a.tag,
      message: `the journal lists ${a.tag} (idx ${a.idx}) before ${b.tag} (idx ${b.idx}), but ${a.tag}'s snapshot was generated on top of ${b.tag}'s (its prevId ${first.snapshot!.prevId} is the id of ${b.tag}'s)`,
      cause: `the two entries were reordered, as a merge of _journal.json that kept both sides leaves them: the snapshots' prevId chain is intact with ${b.tag} first. drizzle's migrator applies migrations in journal order, so a new database runs ${a.tag} before the ${b.tag} it was generated after${a.when > b.when ? `, and one that already ran ${a.tag} skips ${b.tag} (its "when" is older)` : ''}`,
      fix: `In meta/_journal.json, swap the two entries back: ${b.tag} first with idx ${a.idx}, then ${a.tag} with idx ${b.idx}`
    })
  }
  const outOfOrderAfterSwaps = outOfOrder(
    swaps.reduce((entries, { first, second }) => {
      const [i, j] = [
        entries.findIndex((e) => e.tag === first.migration.tag),
        entries.findIndex((e) => e.tag === second.migration.tag)
      ]
      const exchanged = [...entries]
      ;[exchanged[i], exchanged[j]] = [exchanged[j], exchanged[i]]
      return exchanged
    }, folder.journalEntries)
  )
  const seenIdx = new Map<number, string>()
  const seenTag = new Set<string>()
  let newest: { when: number; tag: string } | undefined
  for (const entry of folder.journalEntries) {
    if (folder.format === 'journal' && seenIdx.has(entry.idx)) {
      out.push({
        kind: 'journal_error',
        severity: 'error',
        file: journal,
        line: entry.line,
        name: entry.tag,
        message: `journal entries "${seenIdx.get(entry.idx)}" and "${entry.tag}" share idx ${entry.idx}`,
        cause: 'two branches each generated a migration with the same number; one was merged over the other',
        fix: `Keep one; if the other has not run on any database yet, delete it and generate it again on top of the first, and if it has, give it the next free idx (and a tag of that number, its .sql renamed alike)`
      })
    }
    if (seenTag.has(entry.tag)) {
      out.push({
        kind: 'journal_error',
        severity: 'error',
        file: journal,
        line: entry.line,
        name: entry.tag,
        message: `journal lists "${entry.tag}" twice`
      })
    }
    seenIdx.set(entry.idx, entry.tag)
    seenTag.add(entry.tag)
    // An entry that swapping back puts in order is the swap's finding.
    const bySwap =
      newest !== undefined &&
      (swapped.has(entry.tag) || swapped.has(newest.tag)) &&
      !outOfOrderAfterSwaps.has(entry.tag)
    if (newest && entry.when <= newest.when && !bySwap) {
      out.push({
        kind: 'migration_out_of_order',
        severity: 'error',
        file: journal,
        line: entry.line,
        name: entry.tag,
        message: `${entry.tag} has when=${entry.when} (${iso(entry.when)}), not newer than the earlier ${newest.tag} (${iso(newest.when)})`,
        cause: `drizzle's migrator only applies migrations newer than the last one a database ran, so every database that already ran ${newest.tag} silently skips ${entry.tag} (drizzle-orm issue #5769)`,
        fix: `Give ${entry.tag} a "when" later than ${newest.when} in meta/_journal.json, or regenerate it after the others`
      })
    }
    if (!newest || entry.when > newest.when) newest = { when: entry.when, tag: entry.tag }
  }

  if (folder.format === 'journal') {
    let previous: SnapshotFile | undefined
    const ids = new Map<string, string>()
    /** prevId -> the first snapshot generated on top of it. */
    const parentOf = new Map<string, string>()
    // Projects that stopped generating snapshots on purpose have long runs of entries without one: one finding per
    // run of consecutive entries, listing them, instead of one per migration.
    let missing: SnapshotFile[] = []
    const flushMissing = (): void => {
      if (missing.length === 0) return
      const snapshotAfter = [...snapshots.slice(snapshots.indexOf(missing[missing.length - 1]) + 1)]
        .reverse()
        .find((later) => later.snapshot || later.v1)
      const [first, last] = [missing[0].migration, missing[missing.length - 1].migration]
      const tags = missing.map((s) => s.migration.tag)
      out.push({
        kind: 'journal_error',
        severity: 'warning',
        file: journal,
        line: first.journalLine,
        name: first.tag,
        message:
          missing.length === 1
            ? `no snapshot for ${first.tag} (${first.snapshotName ?? 'meta/'})`
            : `no snapshot for ${missing.length} consecutive entries, ${first.snapshotName} to ${last.snapshotName} missing: ${listRun(tags)}`,
        // generate reads only the newest snapshot: a gap before a later one costs it nothing.
        cause: snapshotAfter
          ? `drizzle-kit generate diffs the schema against the newest snapshot only (${snapshotAfter.migration.tag}'s, later), so it is not misled: the snapshots just do not record ${missing.length === 1 ? "this migration's" : "these migrations'"} own changes (hand-written SQL, or snapshots deleted)`
          : `drizzle-kit generate diffs the schema against the newest snapshot, which does not record what ${missing.length === 1 ? 'this migration does' : 'these migrations do'}: it writes again whatever of that the schema declares (see snapshot_out_of_date, if reported)`
      })
      missing = []
    }
    for (const s of snapshots) {
      const m = s.migration
      if (!s.snapshot && s.problem?.message === 'no snapshot file' && !m.sharesSnapshotWith) {
        missing.push(s)
        previous = undefined
        continue
      }
      flushMissing()
      if (!s.snapshot && m.sharesSnapshotWith) {
        out.push({
          kind: 'journal_error',
          severity: 'warning',
          file: journal,
          line: m.journalLine,
          name: m.tag,
          message: `${m.sharesSnapshotWith} and ${m.tag} have the same number, so one snapshot file (${m.snapshotName}) stands for both`,
          cause: `drizzle-kit names a snapshot after the migration's number: two branches each generated ${m.snapshotName?.slice(5, -14)}, and the merge kept one of the two snapshots. The file is read as ${m.sharesSnapshotWith}'s; ${m.tag} has none, so the prevId chain is not checked across it`,
          fix: `Renumber ${m.tag} after the last migration (its .sql file, its journal tag) and give it the snapshot it was generated with, or let the next drizzle-kit generate write a snapshot of the merged schema`
        })
        previous = undefined
        continue
      }
      if (!s.snapshot) {
        if (s.problem) {
          out.push({
            kind: 'journal_error',
            severity: s.problem.message.startsWith('malformed') ? 'error' : 'notice',
            file: rel(m.snapshotFile ?? folder.dir),
            ...(s.problem.line ? { line: s.problem.line } : {}),
            name: m.tag,
            message: `snapshot of ${m.tag}: ${s.problem.message}`
          })
        }
        previous = undefined
        continue
      }
      const { id, prevId } = s.snapshot
      if (id && ids.has(id)) {
        out.push({
          kind: 'journal_error',
          severity: 'error',
          file: rel(m.snapshotFile!),
          line: 1,
          name: m.tag,
          message: `snapshots of ${ids.get(id)} and ${m.tag} have the same id ${id}`,
          cause: 'a snapshot was copied instead of generated'
        })
      }
      if (id) ids.set(id, m.tag)
      if (prevId && !parentOf.has(prevId)) parentOf.set(prevId, m.tag)
      if (previous?.snapshot && prevId !== previous.snapshot.id && !explainedLinks.has(m.tag)) {
        // Name the snapshot it was generated on top of (the one whose id is its prevId), and the one generated on
        // top of the same parent before it: the two branches.
        const parent = ids.get(prevId)
        const sibling = parent && parentOf.get(prevId)
        out.push({
          kind: 'journal_error',
          severity: 'error',
          file: rel(m.snapshotFile!),
          line: 1,
          name: m.tag,
          message: parent
            ? `snapshot of ${m.tag} was generated on top of ${parent}'s (its prevId ${prevId}), not of the previous snapshot (${previous.migration.tag}, id ${previous.snapshot.id})`
            : `snapshot of ${m.tag} has prevId ${prevId}, but the previous snapshot (${previous.migration.tag}) has id ${previous.snapshot.id}`,
          cause:
            parent && sibling && sibling !== m.tag
              ? `the prevId chain is broken: ${sibling} and ${m.tag} were both generated on top of ${parent} (two branches, merged), so ${m.tag}'s snapshot lacks what ${sibling} changed`
              : parent
                ? `the prevId chain is broken: ${m.tag} was generated on top of ${parent}, without the migrations between them (two branches, merged)`
                : 'the prevId chain is broken: two branches generated migrations from the same parent, or a snapshot was edited',
          // Regenerating a migration that already ran would make every database that ran it apply it twice.
          fix: `If ${m.tag} has not run on any database yet, delete it (its .sql, snapshot and journal entry) and run drizzle-kit generate again; if it has, keep it and set its snapshot's prevId to ${previous.migration.tag}'s id (${previous.snapshot.id}), then check again (snapshot_out_of_date then says what the snapshots lack)`
        })
      }
      previous = s
    }
    flushMissing()
  }
  return out
}

/** Every tag of a short run; the first three and the last of a long one. */
function listRun(tags: string[]): string {
  return tags.length <= 10
    ? tags.join(', ')
    : `${tags.slice(0, 3).join(', ')}, … (${tags.length - 4} more), ${tags[tags.length - 1]}`
}

/** The tags of the snapshots whose prevId is not the id of the snapshot before them (the chain's broken links). */
function brokenLinks(order: SnapshotFile[]): Set<string> {
  const broken = new Set<string>()
  let previous: SnapshotFile | undefined
  for (const s of order) {
    if (!s.snapshot) {
      previous = undefined
      continue
    }
    if (previous?.snapshot && s.snapshot.prevId !== previous.snapshot.id) broken.add(s.migration.tag)
    previous = s
  }
  return broken
}

interface SwappedEntries {
  /** Listed first, though generated after `second`. */
  first: SnapshotFile
  second: SnapshotFile
  /** The broken links that listing them the other way round mends (tags of the snapshots after a broken link). */
  links: string[]
}

/**
 * Pairs of journal entries whose exchange mends the prevId chain: every broken link next to them disappears and no
 * new one appears. Only entries next to a broken link are tried (a swap breaks the links into and out of both).
 */
function swappedEntries(snapshots: SnapshotFile[]): SwappedEntries[] {
  const broken = brokenLinks(snapshots)
  if (broken.size < 2) return []
  const position = new Map(snapshots.map((s, i) => [s.migration.tag, i]))
  const candidates = [...new Set([...broken].flatMap((tag) => [position.get(tag)! - 1, position.get(tag)!]))]
    .filter((i) => i >= 0 && snapshots[i].snapshot)
    .sort((a, b) => a - b)
  // A long run of broken links is not a swap; trying every pair of it would only cost time.
  if (candidates.length > 16) return []
  const out: SwappedEntries[] = []
  let order = snapshots
  for (const [x, i] of candidates.entries()) {
    for (const j of candidates.slice(x + 1)) {
      const exchanged = [...order]
      ;[exchanged[i], exchanged[j]] = [exchanged[j], exchanged[i]]
      const before = brokenLinks(order)
      const after = brokenLinks(exchanged)
      if ([...after].some((tag) => !before.has(tag))) continue
      const mended = [...before].filter((tag) => !after.has(tag))
      // Both entries' own links must be mended, else this is not their swap.
      if (mended.length < 2 || after.has(order[i].migration.tag) || after.has(order[j].migration.tag)) continue
      const follower = (k: number): string[] => (order[k + 1] ? [order[k + 1].migration.tag] : [])
      const around = new Set([order[i].migration.tag, order[j].migration.tag, ...follower(i), ...follower(j)])
      if (!mended.every((tag) => around.has(tag))) continue
      out.push({ first: order[i], second: order[j], links: mended })
      order = exchanged
      break
    }
  }
  return out
}

/** Tags of the entries whose `when` is not newer than every entry before them. */
function outOfOrder(entries: { tag: string; when: number }[]): Set<string> {
  const out = new Set<string>()
  let newest = -Infinity
  for (const e of entries) {
    if (e.when <= newest) out.add(e.tag)
    newest = Math.max(newest, e.when)
  }
  return out
}

function iso(when: number): string {
  return new Date(when).toISOString()
}

/** The repository and what differs from the base, when the caller compared them already (--base). */
export interface BaseComparison {
  /** The repository's top folder (the base was verified to be a commit of it). */
  top: string
  changes: BaseChanges
}

/** Against the base branch: applied migrations that were edited, and new ones that production would skip. */
export function checkAgainstBase(
  folder: MigrationFolder,
  base: string,
  root: string,
  known?: BaseComparison
): FolderFinding[] {
  const top = known?.top ?? repositoryTop(root, base)
  // Both real paths: git names the top by its real path, and the folder may be reached through a link.
  const relDir = path.relative(top, fs.realpathSync(folder.dir)).split(path.sep).join('/')
  const inFolder = (file: string): string => `${relDir ? relDir + '/' : ''}${file}`
  // A migration git says is unchanged since the base has the same SQL there: it is not asked of git (200 of them
  // were ~40 ms of CPU in a --base run), and nothing is said of it.
  const unchanged = (file: string): boolean =>
    known !== undefined && unchangedPath(known.changes, top, path.join(top, ...file.split('/'))) !== undefined
  const showChanged = (files: string[]): Map<string, string> =>
    showFiles(
      top,
      base,
      files.filter((f) => !unchanged(f))
    )
  const out: FolderFinding[] = []
  const baseEntries: { tag: string; when: number; sql?: string }[] = []
  if (folder.format === 'journal') {
    const journalText = showFiles(top, base, [inFolder('meta/_journal.json')]).get(inFolder('meta/_journal.json'))
    if (journalText === undefined) return out // the folder is new in this change
    let journal: { entries?: { tag: string; when: number }[] }
    try {
      journal = JSON.parse(journalText)
    } catch {
      return out
    }
    const entries = journal.entries ?? []
    const sql = showChanged(entries.map((e) => inFolder(`${e.tag}.sql`)))
    for (const e of entries) baseEntries.push({ tag: e.tag, when: e.when, sql: sql.get(inFolder(`${e.tag}.sql`)) })
  } else {
    let listing: string
    try {
      listing = git(top, 'ls-tree', '-z', '--name-only', `${base}:${relDir}`)
    } catch {
      return out
    }
    // drizzle-orm 1.x's migrator applies every folder holding a migration.sql, whatever its name.
    const listed = listing.split('\0').filter(Boolean)
    const sql = showChanged(listed.map((name) => inFolder(`${name}/migration.sql`)))
    const names = listed.filter((name) => V1_TIMESTAMP.test(name) || sql.has(inFolder(`${name}/migration.sql`)))
    for (const name of names) {
      const m = folder.migrations.find((x) => x.tag === name)
      baseEntries.push({ tag: name, when: m?.when ?? 0, sql: sql.get(inFolder(`${name}/migration.sql`)) })
    }
  }
  if (baseEntries.length === 0) return out
  const newestBase = baseEntries.reduce((a, b) => (b.when > a.when ? b : a))
  const journal = folder.journalFile ? path.relative(root, folder.journalFile) : path.relative(root, folder.dir)
  for (const entry of baseEntries) {
    const current = folder.migrations.find((m) => m.tag === entry.tag)
    if (!current) {
      out.push({
        kind: 'journal_error',
        severity: 'error',
        file: journal,
        name: entry.tag,
        message: `${entry.tag} exists on ${base} but was removed`,
        cause: 'databases that ran it keep its changes; removing a migration does not undo it',
        fix: 'Restore it and write a new migration that reverts it'
      })
      continue
    }
    if (entry.sql !== undefined && current.sql !== undefined && hashMigration(entry.sql) !== current.hash) {
      out.push({
        kind: 'migration_modified',
        severity: 'error',
        file: path.relative(root, current.file),
        line: firstDifferentLine(entry.sql, current.sql),
        name: entry.tag,
        message: `${entry.tag} was changed after it was merged (it differs from ${base})`,
        cause:
          'databases that already ran it never run it again, and drizzle never compares the stored hash: the change reaches only new databases',
        fix: `Revert ${path.basename(current.file)} to its ${base} version and put the change in a new migration (drizzle-kit generate)`
      })
    }
  }
  // drizzle-kit 1.x's migrator tracks migrations by name, so an older timestamp is still applied.
  if (folder.format === 'folders') return out
  const baseTags = new Set(baseEntries.map((e) => e.tag))
  for (const m of folder.migrations) {
    if (baseTags.has(m.tag) || m.when > newestBase.when) continue
    out.push({
      kind: 'migration_out_of_order',
      severity: 'error',
      file: journal,
      ...(m.journalLine ? { line: m.journalLine } : {}),
      name: m.tag,
      message: `new migration ${m.tag} is dated ${new Date(m.when).toISOString()}, not after ${newestBase.tag} (${new Date(newestBase.when).toISOString()}) already on ${base}`,
      cause: `production databases have run ${newestBase.tag}; drizzle's migrator applies only migrations newer than that, so it skips ${m.tag} for good (drizzle-orm issue #5769)`,
      fix: `Regenerate ${m.tag} on top of ${base} (delete it, merge ${base}, run drizzle-kit generate)`
    })
  }
  return out
}

function firstDifferentLine(a: string, b: string): number {
  const x = a.split('\n')
  const y = b.split('\n')
  for (let i = 0; i < Math.max(x.length, y.length); i++) if (x[i] !== y[i]) return i + 1
  return 1
}
