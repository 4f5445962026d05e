// Which .gitignore line ignores a path: a migrations folder without meta/_journal.json is most often one whose meta/
// a .gitignore keeps out of the repository (every clone then has SQL files its migrator never runs). Read from the
// .gitignore files themselves, not `git check-ignore`, so that it also answers for a copy that is no git checkout.
// A reduced reading of gitignore's rules (*, ?, **, a leading or inner slash anchoring, a trailing slash for
// directories, `!` negation): when it cannot tell, it names no line (the cause then says less, never a wrong line).
import * as fs from 'node:fs'
import * as path from 'node:path'

export interface IgnoredBy {
  /** Absolute path of the .gitignore. */
  file: string
  /** 1-based line of the pattern. */
  line: number
  pattern: string
}

function globToRegExp(glob: string): RegExp {
  let out = ''
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]
    if (c === '*' && glob[i + 1] === '*') {
      // `**/` is any number of directories, `/**` everything inside.
      if (glob[i + 2] === '/') {
        out += '(?:.*/)?'
        i += 2
      } else {
        out += '.*'
        i += 1
      }
    } else if (c === '*') out += '[^/]*'
    else if (c === '?') out += '[^/]'
    else if (c === '\\' && i + 1 < glob.length) out += glob[++i].replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')
    else out += c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')
  }
  return new RegExp(`^${out}$`)
}

/** Does this .gitignore line match `rel` (relative to the .gitignore's directory; `isDir` for a directory)? */
function matches(pattern: string, rel: string, isDir: boolean): boolean {
  let p = pattern
  const dirOnly = p.endsWith('/')
  if (dirOnly) p = p.replace(/\/+$/, '')
  if (dirOnly && !isDir) return false
  // Character classes are left unread: such a line names no cause.
  if (p.length === 0 || /\[/.test(p)) return false
  const anchored = p.includes('/')
  if (p.startsWith('/')) p = p.slice(1)
  const re = globToRegExp(p)
  return anchored ? re.test(rel) : re.test(path.posix.basename(rel))
}

/**
 * The .gitignore line that ignores `file` (absolute), looking in the .gitignore files of its directories up to the
 * repository's top (the first directory holding .git) or the filesystem's root. A path inside an ignored directory
 * is ignored whatever later lines say of the path itself (git does not descend into it), so the directories are
 * tried from the outermost in.
 */
export function ignoredBy(file: string): IgnoredBy | undefined {
  const dirs: string[] = []
  for (let dir = path.dirname(path.resolve(file)); ; dir = path.dirname(dir)) {
    dirs.unshift(dir)
    if (fs.existsSync(path.join(dir, '.git')) || path.dirname(dir) === dir) break
  }
  const rules: { base: string; rule: IgnoredBy; negated: boolean; text: string }[] = []
  for (const dir of dirs) {
    const ignoreFile = path.join(dir, '.gitignore')
    let text: string
    try {
      text = fs.readFileSync(ignoreFile, 'utf8')
    } catch {
      continue
    }
    text.split(/\r?\n/).forEach((raw, i) => {
      const line = raw.replace(/(?<!\\)\s+$/, '')
      if (!line || line.startsWith('#')) return
      const negated = line.startsWith('!')
      const pattern = negated ? line.slice(1) : line
      rules.push({ base: dir, rule: { file: ignoreFile, line: i + 1, pattern: line }, negated, text: pattern })
    })
  }
  const target = path.resolve(file)
  // Each directory from the top down, then the file: the first one ignored is the answer.
  const candidates = [...dirs.slice(1), target]
  for (const candidate of candidates) {
    const isDir = candidate !== target
    let last: (typeof rules)[number] | undefined
    for (const r of rules) {
      if (!candidate.startsWith(r.base + path.sep)) continue
      const rel = path.relative(r.base, candidate).split(path.sep).join('/')
      if (matches(r.text, rel, isDir)) last = r
    }
    if (last && !last.negated) return last.rule
  }
  return undefined
}
