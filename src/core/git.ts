// Reading a git repository by running git (never a library): what --base needs of the base commit.
import { execFile, execFileSync } from 'node:child_process'
import * as path from 'node:path'

/** git's output as text; throws when git fails. */
export function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', ['-C', cwd, ...args], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    maxBuffer: 256 * 1024 * 1024,
    timeout: 120_000
  })
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
 * What differs between a base commit and the working tree under one folder of the repository (--base), as git
 * compared them: a file under that folder that is not listed has the same bytes on both sides, so it need not be
 * read twice, nor asked of git.
 */
export interface BaseChanges {
  /** The folder the list covers, relative to the repository's top and '/'-separated ('' for all of it). */
  scope: string
  /** The files under it that differ (changed, added, removed, untracked), relative to the top, '/'-separated. */
  changed: ReadonlySet<string>
}

/**
 * The name git gives `file` (a path under the checkout at `top`: the working tree, or the base's worktree) when it
 * is under the compared folder and not among the changed files; undefined when that cannot be said (outside the
 * folder, or reached through another path than `top`): the caller then reads the file.
 */
export function unchangedPath(changes: BaseChanges, top: string, file: string): string | undefined {
  const rel = path.relative(top, file)
  if (!rel || rel.startsWith('..') || path.isAbsolute(rel)) return undefined
  const name = rel.split(path.sep).join('/')
  if (changes.scope && name !== changes.scope && !name.startsWith(`${changes.scope}/`)) return undefined
  return changes.changed.has(name) ? undefined : name
}
