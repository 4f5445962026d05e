// Prints the CHANGELOG.md section of one version (the release notes of its GitHub release), without its heading:
//   node scripts/changelog-notes.mjs 1.2.3
// Fails when the version has no section or an empty one: a release is never published without its notes.
import * as fs from 'node:fs'
import * as path from 'node:path'
import { fileURLToPath } from 'node:url'

const version = (process.argv[2] ?? '').replace(/^v/, '')
if (!/^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/.test(version)) {
  console.error('usage: node scripts/changelog-notes.mjs X.Y.Z')
  process.exit(2)
}
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const lines = fs.readFileSync(path.join(root, 'CHANGELOG.md'), 'utf8').split('\n')
const start = lines.findIndex((line) => line.startsWith(`## [${version}]`))
if (start < 0) {
  console.error(`CHANGELOG.md has no "## [${version}]" section`)
  process.exit(1)
}
// The section ends at the next version heading or at the link definitions at the bottom.
let end = lines.findIndex((line, i) => i > start && (line.startsWith('## ') || /^\[[^\]]+\]: /.test(line)))
if (end < 0) end = lines.length
const notes = lines
  .slice(start + 1, end)
  .join('\n')
  .trim()
if (!notes) {
  console.error(`CHANGELOG.md's section for ${version} is empty`)
  process.exit(1)
}
process.stdout.write(notes + '\n')
