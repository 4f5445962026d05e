// Files outside the repository are never read into a finding (issue 11, point 8), and a journal "when" that is not
// a number is one clear journal problem (point 14).
import * as fs from 'node:fs'
import * as path from 'node:path'
import { readMigrationFolder } from '../src/migrations/folder'
import { tempDir, writeFiles, writeJournalProject } from './helpers/project'

const SECRET = 'ghp_safetyProbeSecret123'
const secretFile = path.join(tempDir('dg-safety-secret-'), 'token.txt')
fs.writeFileSync(secretFile, `${SECRET}\n`)

function repository(tags: string[], when: unknown[] = []): string {
  const dir = writeJournalProject(tempDir('dg-safety-files-'), 'export default {}\n', {}, tags)
  fs.mkdirSync(path.join(dir, '.git'))
  if (when.length) {
    const journalFile = path.join(dir, 'drizzle/meta/_journal.json')
    const journal = JSON.parse(fs.readFileSync(journalFile, 'utf8'))
    when.forEach((w, i) => (journal.entries[i].when = w))
    fs.writeFileSync(journalFile, JSON.stringify(journal, null, 2))
  }
  return dir
}

test('a journal migration that is a symlink out of the repository is refused, naming the entry', () => {
  const dir = repository(['0000_init', '0001_leak'])
  writeFiles(dir, { 'drizzle/0000_init.sql': 'CREATE TABLE "t" ("id" integer);\n' })
  fs.symlinkSync(secretFile, path.join(dir, 'drizzle/0001_leak.sql'))
  const folder = readMigrationFolder(path.join(dir, 'drizzle'))
  const refused = folder.problems.find((p) => p.tag === '0001_leak')
  expect(refused?.message).toMatch(/journal entry "0001_leak" is a symlink to .* outside the repository/)
  expect(folder.migrations.find((m) => m.tag === '0001_leak')?.sql).toBeUndefined()
  expect(JSON.stringify(folder)).not.toContain(SECRET)
})

test('a journal tag with ../ is refused, naming the entry', () => {
  const tag = path.relative(path.join(tempDir('dg-x-'), 'drizzle'), secretFile).replace(/\.txt$/, '')
  const dir = repository([`../${tag}`])
  fs.copyFileSync(secretFile, path.join(dir, 'token.sql'))
  const folder = readMigrationFolder(path.join(dir, 'drizzle'))
  expect(folder.problems[0].message).toMatch(/journal entry ".*" points outside the migrations folder/)
  expect(JSON.stringify(folder)).not.toContain(SECRET)
})

test('a 1.x migration.sql that is a symlink out of the repository is refused', () => {
  const dir = tempDir('dg-safety-v1-')
  fs.mkdirSync(path.join(dir, '.git'))
  fs.mkdirSync(path.join(dir, 'drizzle/20250101000000_leak'), { recursive: true })
  fs.symlinkSync(secretFile, path.join(dir, 'drizzle/20250101000000_leak/migration.sql'))
  const folder = readMigrationFolder(path.join(dir, 'drizzle'))
  expect(folder.problems[0].message).toMatch(
    /20250101000000_leak\/migration.sql is a symlink to .* outside the repository/
  )
  expect(JSON.stringify(folder)).not.toContain(SECRET)
})

test('"when": "yesterday" is one journal problem that says what when must be', () => {
  const dir = repository(['0000_init'], ['yesterday'])
  writeFiles(dir, { 'drizzle/0000_init.sql': 'CREATE TABLE "t" ("id" integer);\n' })
  const folder = readMigrationFolder(path.join(dir, 'drizzle'))
  expect(folder.problems).toHaveLength(1)
  expect(folder.problems[0].message).toMatch(/"when": "yesterday".*must be a number/)
})
