// A migrations folder with SQL files but no meta/_journal.json (seventh trial, quill-nuxsaas: meta/ is gitignored):
// drizzle's migrator runs none of them, so every table and enum is missing. The causes say that, naming the file
// that would create each object, and the fix is getting a journal back; never "no usable snapshot … run
// drizzle-kit generate" (on a clone that would write a second 0000 creating them all again). The folder-level
// journal_error says the same, and names the .gitignore line that keeps meta/ out when one does.
import * as fs from 'node:fs'
import * as path from 'node:path'
import { runCheck } from '../src/engine/check'
import { ignoredBy } from '../src/migrations/ignored-by'
import { findFinding, tempDir, writeFiles } from './helpers/project'
import { EACH_POSTGRES, providerForSuite } from './helpers/postgres'

const CONFIG = `import { defineConfig } from 'drizzle-kit'\nexport default defineConfig({ dialect: 'postgresql', schema: './schema.ts', out: './drizzle' })\n`
const SCHEMA = `import { pgEnum, pgTable, text } from 'drizzle-orm/pg-core'
export const role = pgEnum('role', ['admin', 'member'])
export const users = pgTable('users', { id: text('id').primaryKey(), role: role('role') })
export const notes = pgTable('notes', { id: text('id').primaryKey() })
`
// notes is in the schema but in no SQL file.
const INIT = `CREATE TYPE "public"."role" AS ENUM('admin', 'member');--> statement-breakpoint
CREATE TABLE "users" (
\t"id" text PRIMARY KEY NOT NULL,
\t"role" "role"
);
`

/** A project that is a repository of its own (so no .gitignore above it is read), without drizzle/meta/. */
function project(prefix: string, files: Record<string, string>): string {
  const dir = tempDir(prefix)
  fs.mkdirSync(path.join(dir, '.git'))
  writeFiles(dir, { 'drizzle.config.ts': CONFIG, 'schema.ts': SCHEMA, 'drizzle/0000_init.sql': INIT, ...files })
  return dir
}

describe.each(EACH_POSTGRES)('on %s', (_name, createProvider) => {
  const provider = providerForSuite(createProvider)

  test('SQL files but no journal: each missing object names the file that creates it and the missing journal; the fix brings the journal back (quill-nuxsaas)', async () => {
    const dir = project('no-journal-', { '.gitignore': 'node_modules\n# drizzle-kit state\ndrizzle/meta/\n' })
    const report = await runCheck({ root: dir, provider })

    const journal = findFinding(report, 'journal_error', { file: 'drizzle/meta/_journal.json' })
    expect(journal.cause).toBe(
      'the folder has no meta/_journal.json: .gitignore:3 (`drizzle/meta/`) ignores it, so the repository does not hold it and no clone has it. drizzle\'s migrator refuses the folder ("Can\'t find meta/_journal.json file") and runs none of its 1 SQL file(s): nothing they create exists in a database it migrates'
    )
    expect(journal.fix).toMatch(
      /^Bring back the meta\/ folder drizzle-kit wrote with these files .* and commit it, and stop ignoring it \(change \.gitignore:3, `drizzle\/meta\/`\)\. If it is lost, /
    )

    const never = `a file of a migrations folder that has no meta/_journal.json: drizzle's migrator refuses that folder ("Can't find meta/_journal.json file") and runs none of its files, so the databases it migrates do not have it`
    const users = findFinding(report, 'missing_table', { table: 'users' })
    expect(users.cause).toBe(`declared at schema.ts:3; created by drizzle/0000_init.sql:2, ${never}`)
    expect(users.fix).toBe(journal.fix)
    const role = findFinding(report, 'missing_enum', { name: 'role' })
    expect(role.cause).toBe(`declared at schema.ts:2; created by drizzle/0000_init.sql:1, ${never}`)
    expect(role.fix).toBe(journal.fix)
    // No file creates it: a generate is no fix on its own here, and the missing journal is still why nothing runs.
    const notes = findFinding(report, 'missing_table', { table: 'notes' })
    expect(notes.cause).toBe(
      "declared at schema.ts:4; none of the migrations folder's SQL files creates it, and the folder has no meta/_journal.json (drizzle's migrator runs none of them)"
    )
    for (const f of report.findings) expect(f.cause ?? '').not.toMatch(/no usable snapshot/)
  })

  test('no journal and no .gitignore line: the cause names none', async () => {
    const dir = project('no-journal-kept-', {})
    const report = await runCheck({ root: dir, provider })
    const journal = findFinding(report, 'journal_error', { file: 'drizzle/meta/_journal.json' })
    expect(journal.cause).toMatch(/^the folder has no meta\/_journal\.json\. drizzle's migrator refuses the folder/)
    expect(journal.fix).toMatch(/ and commit it\. If it is lost, /)
    expect(findFinding(report, 'missing_table', { table: 'users' }).cause).toMatch(
      /created by drizzle\/0000_init\.sql:2, a file of a migrations folder that has no meta\/_journal\.json/
    )
  })
})

describe('ignoredBy', () => {
  test("a folder's contents ignored but its .sql files kept (quill's .gitignore): meta/ is ignored by the * line", () => {
    const dir = tempDir('ignored-by-')
    fs.mkdirSync(path.join(dir, '.git'))
    writeFiles(dir, {
      '.gitignore': 'dist\nserver/db/migrations/*\n!server/db/migrations/.gitkeep\n!server/db/migrations/*.sql\n'
    })
    expect(ignoredBy(path.join(dir, 'server/db/migrations/meta/_journal.json'))).toEqual({
      file: path.join(dir, '.gitignore'),
      line: 2,
      pattern: 'server/db/migrations/*'
    })
    expect(ignoredBy(path.join(dir, 'server/db/migrations/0000_a.sql'))).toBeUndefined()
  })

  test('a basename pattern in a nested .gitignore, a negation of the file, and no match', () => {
    const dir = tempDir('ignored-by-')
    fs.mkdirSync(path.join(dir, '.git'))
    writeFiles(dir, { 'db/.gitignore': 'meta\n', 'other/.gitignore': '*.json\n!_journal.json\n' })
    expect(ignoredBy(path.join(dir, 'db/drizzle/meta/_journal.json'))).toMatchObject({ line: 1, pattern: 'meta' })
    expect(ignoredBy(path.join(dir, 'other/drizzle/meta/_journal.json'))).toBeUndefined()
    expect(ignoredBy(path.join(dir, 'app/drizzle/meta/_journal.json'))).toBeUndefined()
  })
})
