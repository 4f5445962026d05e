// The files of a folder by content, to prove that a command changed none of them.
import * as fs from 'node:fs'
import * as path from 'node:path'
import { createHash } from 'node:crypto'

/** sha256 of every file under dir, by path relative to it. */
export function fileHashes(dir: string): Map<string, string> {
  const out = new Map<string, string>()
  const walk = (d: string): void => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const f = path.join(d, e.name)
      if (e.isDirectory()) walk(f)
      else out.set(path.relative(dir, f), createHash('sha256').update(fs.readFileSync(f)).digest('hex'))
    }
  }
  walk(dir)
  return out
}
