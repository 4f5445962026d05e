// The check of a pull request against its base commit (--base): the same check on the base, in a temporary git
// worktree, at the same time as the head's (one bound on databases for both; a migrated database built once when
// both sides apply the same migrations, and the base's continued with the head's further migrations when the head
// adds some, src/engine/shared-databases.ts), then each
// finding marked new or not and the base's gone ones listed as fixed (src/baseline/delta.ts). The worktree is
// removed also on failure; when nothing in the repository differs from the base, the head's report stands for the
// base's and no worktree is made.
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { markAgainstBase } from '../baseline/delta'
import { UsageError } from '../core/errors'
import { baseChanges, git, gitAsync, repositoryTop } from '../core/git'
import { Report } from '../core/findings'
import { limiter } from '../core/limiter'
import { CheckOptions, CheckedProject, checkProject } from './check'
import { SharedDatabases, SharedSide } from './shared-databases'

export interface BaseCheckOptions extends CheckOptions {
  base: string
  /** Fail only on findings the base did not have. */
  newOnly?: boolean
  /** Given the head's check (what `fix` plans from), before it is marked against the base. */
  onHead?: (head: CheckedProject) => void
}

/**
 * The node_modules the head resolves packages from, linked at the same places in the worktree (they are not in
 * git): every one from the checked folder up to the top, else the nearest above the top.
 */
function linkDependencies(top: string, root: string, worktree: string): void {
  let linked = false
  for (let dir = root; ; dir = path.dirname(dir)) {
    const modules = path.join(dir, 'node_modules')
    const target = path.join(worktree, path.relative(top, dir), 'node_modules')
    if (fs.existsSync(modules) && !fs.existsSync(target)) {
      fs.mkdirSync(path.dirname(target), { recursive: true })
      fs.symlinkSync(modules, target, 'junction')
      linked = true
    }
    if (dir === top || path.dirname(dir) === dir) break
  }
  if (linked) return
  for (let dir = path.dirname(top); path.dirname(dir) !== dir; dir = path.dirname(dir)) {
    const modules = path.join(dir, 'node_modules')
    if (fs.existsSync(modules)) {
      fs.symlinkSync(modules, path.join(worktree, 'node_modules'), 'junction')
      return
    }
  }
}

export async function runCheckWithBase(options: BaseCheckOptions): Promise<Report> {
  const log = options.log ?? (() => undefined)
  const root = path.resolve(options.root)
  // The server's connection is opened before the synchronous work below (git, then two schemas loading): a
  // handshake that cannot finish while the event loop is busy would read as a server that does not answer.
  await options.provider.warm?.(['check'])
  await options.provider.serverVersion().catch(() => undefined)
  const top = repositoryTop(root, options.base)
  const rel = path.relative(top, fs.realpathSync(root))
  const shared = { ...options, limit: options.limit ?? limiter(options.concurrency ?? options.provider.concurrency) }
  // What git found different in the whole repository, so that what it found the same is read once (snapshots) or not
  // asked of git at all. The whole repository: a check reads files outside its folder too (a config's
  // `out: '../db/drizzle'`, a schema importing a shared package), so a change anywhere is a change.
  const changes = baseChanges(top, options.base)
  const baseComparison = { top, changes }
  if (changes.changed.size === 0) {
    log(`base ${options.base}: nothing in the repository changed, its findings are the head's`)
    const head = await checkProject({ ...shared, baseComparison })
    options.onHead?.(head)
    return markAgainstBase(head.report, head.report, options.base, options.newOnly ?? false)
  }
  const worktree = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'drift-guard-base-')))
  const databases = new SharedDatabases(2, { changes, tops: [top, worktree] })
  // The head waits for the base's announcement of what it applies: a pull request usually adds migrations to the
  // base's, and the base's database is then the start of the head's (src/engine/shared-databases.ts).
  const headSide = databases.side(0, true)
  const baseSide = databases.side(1, false)
  /** A side that fails is abandoned: the other does not wait for its databases. */
  const abandonOnFailure =
    (side: SharedSide) =>
    (error: unknown): never => {
      side.abandon()
      throw error
    }
  // The head's check starts while git writes the base's worktree: its project code loads meanwhile (git's checkout
  // of a large repository takes a while, and the base's side cannot start before it).
  const headRun = checkProject({ ...shared, shared: headSide, baseComparison }).catch(abandonOnFailure(headSide))
  // Settled at once so that a head failing early is not an unhandled rejection while the worktree is added.
  const headSettled = headRun.then(
    (value) => ({ status: 'fulfilled' as const, value }),
    (reason: unknown) => ({ status: 'rejected' as const, reason })
  )
  try {
    let baseRoot: string | undefined
    try {
      await gitAsync(top, 'worktree', 'add', '--detach', '--force', worktree, options.base)
      linkDependencies(top, fs.realpathSync(root), worktree)
      baseRoot = path.join(worktree, rel)
    } catch (error) {
      baseSide.abandon()
      await headSettled
      throw error
    }
    if (!fs.existsSync(baseRoot)) {
      // The checked folder is new in this change: everything in it is new. Nothing for the head to wait for.
      baseSide.abandon()
      const head = await headSettled
      if (head.status === 'rejected') throw head.reason
      options.onHead?.(head.value)
      const empty: Report = { ...head.value.report, findings: [] }
      return markAgainstBase(head.value.report, empty, options.base, options.newOnly ?? false)
    }
    // Both sides end before anything is closed (a failed side is abandoned, so the other never waits for it): the
    // shared databases are not closed under a side still at work. The head's failure is the one to report: a
    // failure both sides share (a setup that fails) is this commit's, not only the base's.
    const [head, base] = await Promise.all([
      headSettled,
      checkProject({
        ...shared,
        shared: baseSide,
        root: baseRoot,
        base: undefined,
        baseline: false,
        log: (line) => log(`base: ${line}`)
      })
        .catch(abandonOnFailure(baseSide))
        .then(
          (value) => ({ status: 'fulfilled' as const, value }),
          (reason: unknown) => ({ status: 'rejected' as const, reason })
        )
    ])
    if (head.status === 'rejected') throw head.reason
    if (base.status === 'rejected')
      throw new UsageError(`the check of the base commit ${options.base} failed: ${(base.reason as Error).message}`)
    options.onHead?.(head.value)
    return markAgainstBase(head.value.report, base.value.report, options.base, options.newOnly ?? false)
  } finally {
    await databases.closeAll()
    try {
      git(top, 'worktree', 'remove', '--force', worktree)
    } catch {
      // removed below; prune forgets it
    }
    fs.rmSync(worktree, { recursive: true, force: true })
    try {
      git(top, 'worktree', 'prune')
    } catch {
      // nothing to prune
    }
  }
}
