// Issue 12 (trust on repositories nobody here has seen): each class reproduced by a small project written as the
// real repositories of docs/real-world.md's fifth trial wrote theirs, checked on both Postgres kinds where a
// database is involved.
import * as fs from 'node:fs'
import * as path from 'node:path'
import { randomUUID } from 'node:crypto'
import { runCheck } from '../src/engine/check'
import { Report } from '../src/core/findings'
import { readSnapshots } from '../src/explain/snapshots'
import { checkFolder } from '../src/explain/journal'
import { readMigrationFolder } from '../src/migrations/folder'
import { discoverTargets } from '../src/config/discover'
import {
  tempDir,
  findFinding,
  writeJournalProject,
  writeFiles,
  makeProject,
  appendHandWrittenMigration
} from './helpers/project'
import { PgliteProvider } from '../src/postgres/pglite'
import { EACH_POSTGRES, providerForSuite } from './helpers/postgres'

const CONFIG = `import { defineConfig } from 'drizzle-kit'\nexport default defineConfig({ dialect: 'postgresql', schema: './schema.ts', out: './drizzle' })\n`

const summary = (report: Report): string[] =>
  report.findings.map((f) => `${f.severity} ${f.kind} ${f.table ?? ''}.${f.column ?? f.name ?? ''}`)

/** A snapshot with only the fields the chain checks read. */
const snapshot = (id: string, prevId: string): string =>
  JSON.stringify({
    id,
    prevId,
    version: '7',
    dialect: 'postgresql',
    tables: {},
    enums: {},
    schemas: {},
    sequences: {},
    roles: {},
    policies: {},
    views: {},
    _meta: { columns: {}, schemas: {}, tables: {} }
  })

function folderFindings(dir: string): ReturnType<typeof checkFolder> {
  const folder = readMigrationFolder(path.join(dir, 'drizzle'))
  return checkFolder(folder, readSnapshots(folder.migrations), dir)
}

describe('1: two journal entries with one number (merged branches) and one snapshot file', () => {
  // drizzle-kit names a snapshot after the tag's number (writeResult in 0.x; drop and 1.x's up read it back the same
  // way), so 0001_a and 0001_b both point at meta/0001_snapshot.json, which holds one of the two snapshots.
  test('one warning on the second entry saying they share the file; no false "same id", prevId or no-snapshot finding', () => {
    const ids = [randomUUID(), randomUUID(), randomUUID()]
    const dir = writeJournalProject(
      tempDir('shared-number-'),
      CONFIG,
      {
        'schema.ts': 'export {}\n',
        'drizzle/0000_init.sql': 'SELECT 1;',
        'drizzle/0001_a.sql': 'SELECT 1;',
        'drizzle/0001_b.sql': 'SELECT 1;',
        'drizzle/0003_c.sql': 'SELECT 1;',
        'drizzle/meta/0000_snapshot.json': snapshot(ids[0], '00000000-0000-0000-0000-000000000000'),
        'drizzle/meta/0001_snapshot.json': snapshot(ids[1], ids[0]),
        // generated after the merge, on top of the snapshot the merge kept
        'drizzle/meta/0003_snapshot.json': snapshot(ids[2], ids[1])
      },
      ['0000_init', '0001_a', '0001_b', '0003_c']
    )
    const found = folderFindings(dir)
    expect(found.map((f) => `${f.severity} ${f.kind} ${f.name}: ${f.message}`)).toEqual([
      'warning journal_error 0001_b: 0001_a and 0001_b have the same number, so one snapshot file (meta/0001_snapshot.json) stands for both'
    ])
    expect(found[0].cause).toMatch(/two branches each generated 0001, and the merge kept one of the two snapshots/)
    const folder = readMigrationFolder(path.join(dir, 'drizzle'))
    expect(folder.migrations.map((m) => [m.tag, m.snapshotFile && path.basename(m.snapshotFile)])).toEqual([
      ['0000_init', '0000_snapshot.json'],
      ['0001_a', '0001_snapshot.json'],
      ['0001_b', undefined],
      ['0003_c', '0003_snapshot.json']
    ])
  })
})

describe('9: one "no snapshot" finding per run of consecutive entries', () => {
  test('twelve hand-written entries after the last snapshot, and one alone between two snapshots: two findings', () => {
    const ids = [randomUUID(), randomUUID(), randomUUID()]
    const tags = [
      '0000_init',
      '0001_lonely',
      '0002_back',
      ...Array.from({ length: 12 }, (_, i) => `${String(i + 3).padStart(4, '0')}_hand`)
    ]
    const files: Record<string, string> = {
      'schema.ts': 'export {}\n',
      'drizzle/meta/0000_snapshot.json': snapshot(ids[0], '00000000-0000-0000-0000-000000000000'),
      'drizzle/meta/0002_snapshot.json': snapshot(ids[2], ids[0])
    }
    for (const tag of tags) files[`drizzle/${tag}.sql`] = 'SELECT 1;'
    const dir = writeJournalProject(tempDir('no-snapshot-run-'), CONFIG, files, tags)
    const found = folderFindings(dir).filter((f) => /no snapshot/.test(f.message))
    expect(found.map((f) => [f.name, f.line, f.message])).toEqual([
      ['0001_lonely', expect.any(Number), 'no snapshot for 0001_lonely (meta/0001_snapshot.json)'],
      [
        '0003_hand',
        expect.any(Number),
        'no snapshot for 12 consecutive entries, meta/0003_snapshot.json to meta/0014_snapshot.json missing: 0003_hand, 0004_hand, 0005_hand, … (8 more), 0014_hand'
      ]
    ])
    const journal = fs.readFileSync(path.join(dir, 'drizzle/meta/_journal.json'), 'utf8').split('\n')
    expect(journal[found[1].line! - 1]).toContain('"0003_hand"')
  })
})

describe('10: a root-level drizzle.config.ts target is named after the package', () => {
  test('package.json "name" is the target name; without a name it stays "default"', () => {
    const dir = writeJournalProject(tempDir('root-name-'), CONFIG, { 'schema.ts': 'export {}\n' }, [])
    writeFiles(dir, { 'package.json': '{ "name": "@acme/billing", "private": true }\n' })
    expect(discoverTargets(dir).targets.map((t) => t.name)).toEqual(['@acme/billing'])
    writeFiles(dir, { 'package.json': '{ "private": true }\n' })
    expect(discoverTargets(dir).targets.map((t) => t.name)).toEqual(['default'])
  })
})

const RENAMED_SCHEMA = `import { index, integer, pgTable, text, unique, uniqueIndex, varchar, numeric } from 'drizzle-orm/pg-core'
export const accounts = pgTable('accounts', {
  id: integer('id').primaryKey(),
  email: text('email').notNull(),
  handle: text('handle'),
  nickname: varchar('nickname', { length: 40 }),
  balance: numeric('balance', { precision: 10, scale: 2 })
}, (t) => [unique('accounts_email_unique').on(t.email), index('accounts_handle_idx').on(t.handle)])
`
// What a hand-written migration created: the same unique and index under the names Postgres picks, and columns
// with an explicit DEFAULT NULL on types with a modifier (stored as NULL::character varying / NULL::numeric).
const RENAMED_SQL = `CREATE TABLE "accounts" (
\t"id" integer PRIMARY KEY NOT NULL,
\t"email" text NOT NULL,
\t"handle" text,
\t"nickname" varchar(40) DEFAULT NULL,
\t"balance" numeric(10, 2) DEFAULT null,
\tUNIQUE ("email")
);
--> statement-breakpoint
CREATE INDEX "handle_lookup" ON "accounts" USING btree ("handle");
`

describe.each(EACH_POSTGRES)('on %s', (_name, createProvider) => {
  const provider = providerForSuite(createProvider)
  let report: Report
  beforeAll(async () => {
    const dir = writeJournalProject(tempDir('renamed-'), CONFIG, {
      'schema.ts': RENAMED_SCHEMA,
      'drizzle/0000_init.sql': RENAMED_SQL
    })
    report = await runCheck({ root: dir, provider })
  })

  test('4: a constraint or index that differs only by name is fixed by renaming it', () => {
    expect(findFinding(report, 'constraint_mismatch', { table: 'accounts' }).fix).toBe(
      'ALTER TABLE "accounts" RENAME CONSTRAINT "accounts_email_key" TO "accounts_email_unique";'
    )
    expect(findFinding(report, 'index_mismatch', { table: 'accounts' }).fix).toBe(
      'ALTER INDEX "handle_lookup" RENAME TO "accounts_handle_idx";'
    )
  })

  test('7: DEFAULT NULL is no default (no column_default_mismatch)', () => {
    expect(summary(report).filter((s) => !s.includes('journal_error'))).toEqual([
      'error constraint_mismatch accounts.accounts_email_unique',
      'error index_mismatch accounts.accounts_handle_idx'
    ])
  })
})

const FK_SCHEMA = `import { integer, pgTable, text, uniqueIndex } from 'drizzle-orm/pg-core'
export const users = pgTable('users', { id: integer('id').primaryKey() })
export const posts = pgTable('posts', {
  id: integer('id').primaryKey(),
  userId: integer('author_user_identifier_with_a_really_long_name_x')
    .notNull()
    .references(() => users.id),
  slug: text('slug')
}, (t) => [uniqueIndex('posts_user_slug').on(t.userId)])
`
// A hand-written migration: the foreign key under a name of its own, with ON DELETE CASCADE. drizzle-kit's name for
// the declared one is past 63 bytes, so Postgres cuts its _fk suffix: only what the constraint is tells it from the index.
const FK_SQL = `CREATE TABLE "users" ("id" integer PRIMARY KEY NOT NULL);
--> statement-breakpoint
CREATE TABLE "posts" ("id" integer PRIMARY KEY NOT NULL, "author_user_identifier_with_a_really_long_name_x" integer NOT NULL, "slug" text);
--> statement-breakpoint
CREATE UNIQUE INDEX "posts_user_slug" ON "posts" USING btree ("author_user_identifier_with_a_really_long_name_x");
--> statement-breakpoint
ALTER TABLE "posts" ADD CONSTRAINT "fk_posts_user" FOREIGN KEY ("author_user_identifier_with_a_really_long_name_x") REFERENCES "users"("id") ON DELETE CASCADE;
`

describe.each(EACH_POSTGRES)('8 on %s', (_name, createProvider) => {
  const provider = providerForSuite(createProvider)
  test('a foreign key is reported at its .references(), not at a uniqueIndex on the same column', async () => {
    const dir = writeJournalProject(tempDir('fk-line-'), CONFIG, {
      'schema.ts': FK_SCHEMA,
      'drizzle/0000_init.sql': FK_SQL
    })
    const report = await runCheck({ root: dir, provider })
    const referencesLine = FK_SCHEMA.split('\n').findIndex((l) => l.includes('.references(')) + 1
    expect(findFinding(report, 'missing_constraint', { table: 'posts' })).toMatchObject({
      file: 'schema.ts',
      line: referencesLine
    })
    expect(findFinding(report, 'extra_constraint', { name: 'fk_posts_user' })).toMatchObject({
      file: 'drizzle/0000_init.sql',
      line: 7
    })
  })
})

describe('3: snapshot_out_of_date where drizzle-kit generate is not the fix', () => {
  const A = `import { integer, pgTable } from 'drizzle-orm/pg-core'
export const a = pgTable('a', { id: integer('id').primaryKey() })
`
  const FINAL = `import { integer, pgTable, text } from 'drizzle-orm/pg-core'
export const a = pgTable('a', { id: integer('id').primaryKey(), note: text('note') })
export const b = pgTable('b', { id: integer('id').primaryKey() })
`
  let provider: PgliteProvider
  beforeAll(() => {
    provider = new PgliteProvider()
  })
  afterAll(async () => {
    await provider.dispose()
  })

  test('snapshots stopped before a hand-written CREATE TABLE: the cause says generate would re-create it, the fix is drift-guard fix', async () => {
    const dir = await makeProject({ steps: [A], finalSchema: FINAL })
    appendHandWrittenMigration(dir, 'drizzle', '0001_hand_b', 'CREATE TABLE "b" ("id" integer PRIMARY KEY NOT NULL);')
    const report = await runCheck({ root: dir, provider })
    const stale = findFinding(report, 'snapshot_out_of_date')
    expect(stale.cause).toMatch(
      /the 1 migration\(s\) after it have none \(0001_hand_b: hand-written SQL .*\(CREATE TABLE b, which they create\)/
    )
    expect(stale.fix).toMatch(/^Run drift-guard fix --target default, not drizzle-kit generate/)
    expect(stale.fix).not.toMatch(/CREATE TABLE/)
  })

  test('two snapshots with one parent: generate refuses to run, and the fix says to chain them first', async () => {
    const dir = await makeProject({ steps: [A, A], finalSchema: FINAL })
    const second = path.join(dir, 'drizzle/meta/0001_snapshot.json')
    const first = JSON.parse(fs.readFileSync(path.join(dir, 'drizzle/meta/0000_snapshot.json'), 'utf8'))
    appendHandWrittenMigration(dir, 'drizzle', '0002_other_branch', 'SELECT 1;', { copySnapshot: true })
    const other = path.join(dir, 'drizzle/meta/0002_snapshot.json')
    fs.writeFileSync(other, JSON.stringify({ ...JSON.parse(fs.readFileSync(other, 'utf8')), prevId: first.id }))
    expect(JSON.parse(fs.readFileSync(second, 'utf8')).prevId).toBe(first.id)
    const report = await runCheck({ root: dir, provider })
    const stale = findFinding(report, 'snapshot_out_of_date')
    expect(stale.cause).toMatch(
      /drizzle-kit generate refuses to run here: the snapshots of 0001_step_1 and 0002_other_branch have the same prevId/
    )
    expect(stale.fix).toMatch(/then run drift-guard fix --target default/)
  })
})

// The schema declares a column of a type nothing creates (drizzle-kit's CREATE TABLE fails on Postgres for it); the
// migrations built the table with another default on another column: that drift must still be reported.
const HIDDEN_SCHEMA = `import { customType, integer, pgTable, text } from 'drizzle-orm/pg-core'
const ltree = customType<{ data: string }>({ dataType: () => 'ltree' })
export const pages = pgTable('pages', {
  id: integer('id').primaryKey(),
  path: ltree('path'),
  status: text('status').default('draft').notNull()
})
`
const HIDDEN_SQL = `CREATE TABLE "pages" ("id" integer PRIMARY KEY NOT NULL, "path" text, "status" text DEFAULT 'live' NOT NULL);`

describe.each(EACH_POSTGRES)('5 on %s', (_name, createProvider) => {
  const provider = providerForSuite(createProvider)
  test("a schema_error on one column leaves the table's other columns compared", async () => {
    const dir = writeJournalProject(tempDir('hidden-drift-'), CONFIG, {
      'schema.ts': HIDDEN_SCHEMA,
      'drizzle/0000_init.sql': HIDDEN_SQL
    })
    const report = await runCheck({ root: dir, provider })
    expect(summary(report).filter((s) => !s.includes('journal_error'))).toEqual([
      'error schema_error pages.path',
      'error column_default_mismatch pages.status'
    ])
    expect(findFinding(report, 'schema_error')).toMatchObject({ file: 'schema.ts', line: 5 })
    expect(findFinding(report, 'schema_error').message).toMatch(
      /column path of table pages fails on Postgres: type "ltree" does not exist/
    )
  })
})
