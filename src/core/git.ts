// Reading a git repository by running git (never a library): what --base needs of the base commit.
import { execFile, execFileSync } from 'node:child_process'
import * as fs from 'node:fs'
import * as path from 'node:path'
import { UsageError } from './errors'

/** git's output as text; throws when git fails. */
export function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', ['-C', cwd, ...args], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    maxBuffer: 256 * 1024 * 1024,
    timeout: 120_000
  })
}

/**
 * The top folder (its real path) of the git repository `root` is in, once `base` is known to be one of its commits;
 * a clear error otherwise (--base compares with that commit).
 */
export function repositoryTop(root: string, base: string): string {
  let top: string
  try {
    top = fs.realpathSync(git(root, 'rev-parse', '--show-toplevel').trim())
  } catch {
    throw new UsageError(`--base ${base}: ${root} is not in a git repository (--base checks a commit of it too)`)
  }
  try {
    git(root, 'rev-parse', '--verify', '--quiet', `${base}^{commit}`)
  } catch {
    throw new UsageError(
      `--base ${base}: not a commit of the git repository at ${top} (with actions/checkout, fetch it: fetch-depth: 0)`
    )
  }
  return top
}

/** git run without blocking the event loop (what else runs meanwhile goes on); rejects when git fails. */
export function gitAsync(cwd: string, ...args: string[]): Promise<string> {
  return new Promise((resolve, reject) =>
    execFile(
      'git',
      ['-C', cwd, ...args],
      { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, timeout: 120_000 },
      (error, stdout, stderr) =>
        error ? reject(new Error(`${error.message}${stderr ? `: ${stderr}` : ''}`)) : resolve(stdout)
    )
  )
}

/**
 * The contents of files at a commit, `rev:path` each (path relative to the repository's top), in one
 * `git cat-file --batch` for all of them: one git per file costs ~20 ms each on a quiet machine and far more on a
 * loaded one, and it blocks the event loop (200 migrations took 15 s of a --base run that way). A path the commit
 * does not have, or that is not a file, is absent from the map.
 */
export function showFiles(cwd: string, rev: string, paths: string[]): Map<string, string> {
  const out = new Map<string, string>()
  if (paths.length === 0) return out
  // A name with a line break cannot be asked for on cat-file's input: read on its own.
  const asked = paths.filter((p) => !/[\r\n]/.test(p))
  const raw = execFileSync('git', ['-C', cwd, 'cat-file', '--batch'], {
    input: asked.map((p) => `${rev}:${p}\n`).join(''),
    stdio: ['pipe', 'pipe', 'pipe'],
    maxBuffer: 1024 * 1024 * 1024,
    timeout: 120_000
  })
  let at = 0
  for (const name of asked) {
    const end = raw.indexOf(0x0a, at)
    if (end < 0) break
    // "<oid> <type> <size>", or "<name> missing" / "ambiguous" (no content follows).
    const header = raw.subarray(at, end).toString('utf8')
    at = end + 1
    const match = /^[0-9a-f]+ (\w+) (\d+)$/.exec(header)
    if (!match) continue
    const size = Number(match[2])
    if (match[1] === 'blob') out.set(name, raw.subarray(at, at + size).toString('utf8'))
    at += size + 1
  }
  for (const name of paths.filter((p) => /[\r\n]/.test(p))) {
    try {
      out.set(name, git(cwd, 'show', `${rev}:${name}`))
    } catch {
      // not at that commit
    }
  }
  return out
}

/**
 * What differs between a base commit and the working tree, as git compared them: a file git tracks that is not
 * listed has the same bytes on both sides, so it need not be read twice, nor asked of git.
 */
export interface BaseChanges {
  /** The files that differ (changed, added, removed, untracked), relative to the top, '/'-separated. */
  changed: ReadonlySet<string>
  /** The files git tracks in the working tree, named the same way. */
  tracked: ReadonlySet<string>
}

/** What differs between `base` and the working tree of the repository at `top` (git diff, and untracked files). */
export function baseChanges(top: string, base: string): BaseChanges {
  // NUL-separated: by default git quotes names with unusual bytes ("caf\303\251.sql"), which would then match no
  // file; renames off, so that a renamed file's old name is listed too.
  const list = (...args: string[]): string[] =>
    git(top, ...args)
      .split('\0')
      .filter(Boolean)
  return {
    changed: new Set([
      ...list('diff', '--name-only', '-z', '--no-renames', base),
      ...list('ls-files', '-z', '--others', '--exclude-standard')
    ]),
    tracked: new Set(list('ls-files', '-z'))
  }
}

/**
 * The name git gives `file` (under the checkout at `top`: the working tree, or the base's worktree) when git tracks
 * that very file and it is not among the changed ones; undefined when that cannot be said, and the caller reads the
 * file: outside the checkout, reached through a symbolic link or under another case of its name (git lists the
 * file it tracks, not the path that reaches it), not tracked (ignored files are not listed as changed), or inside
 * a submodule (git lists the submodule, not its files).
 */
export function unchangedPath(changes: BaseChanges, top: string, file: string): string | undefined {
  const rel = path.relative(top, file)
  if (!rel || rel.startsWith('..') || path.isAbsolute(rel)) return undefined
  const name = rel.split(path.sep).join('/')
  if (!changes.tracked.has(name) || changes.changed.has(name)) return undefined
  try {
    if (fs.realpathSync.native(file) !== path.join(fs.realpathSync.native(top), rel)) return undefined
  } catch {
    return undefined
  }
  return name
}
