// The two incomplete causes of docs/real-world.md's sixth trial (barhaughogda/b2b-startkit), as small projects, and
// the causes the review of their wording (docs/causes-review.md) found false, each checked on both Postgres kinds:
// - a migration that uses a table only a later migration creates names that migration (zenthea 0000:289);
// - a migration that needs what a SQL file of the folder outside the journal creates names that file, its lines,
//   and how to have it run (the journal, or "setup" when it alters no migrated table) (0004_healthcare);
// - "Run drizzle-kit generate" is never the advice where generate would write again what migrations built.
import * as fs from 'node:fs'
import * as path from 'node:path'
import { runCheck } from '../src/engine/check'
import {
  appendHandWrittenMigration,
  findFinding,
  makeProject,
  tempDir,
  writeFiles,
  writeJournalProject
} from './helpers/project'
import { EACH_POSTGRES, providerForSuite } from './helpers/postgres'

const CONFIG = `import { defineConfig } from 'drizzle-kit'\nexport default defineConfig({ dialect: 'postgresql', schema: './schema.ts', out: './drizzle' })\n`

/** drift-guard.config.json naming the one target "app" (and its setup files). */
const targetConfig = (setup?: string[]): Record<string, string> => ({
  'drift-guard.config.json': JSON.stringify({
    targets: [{ name: 'app', drizzleConfig: 'drizzle.config.ts', ...(setup ? { setup } : {}) }]
  })
})

// zenthea: 0000 was generated while the config listed only the product's schema file, so it adds a foreign key to
// organizations (from the shared package) and creates none; 0001, generated after the shared file was listed,
// creates it.
const ORDER_SCHEMA = `import { pgTable, text, uuid } from 'drizzle-orm/pg-core'
export const organizations = pgTable('organizations', { id: uuid('id').primaryKey() })
export const clinics = pgTable('clinics', {
  id: text('id').primaryKey(),
  organizationId: uuid('organization_id').notNull().references(() => organizations.id)
})
`
const ORDER_0000 = `CREATE TABLE "clinics" (
\t"id" text PRIMARY KEY NOT NULL,
\t"organization_id" uuid NOT NULL
);
--> statement-breakpoint
ALTER TABLE "clinics" ADD CONSTRAINT "clinics_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE no action ON UPDATE no action;`
const ORDER_0001 = `CREATE TABLE "organizations" (
\t"id" uuid PRIMARY KEY NOT NULL
);`

// packages/database: 0001_healthcare's policy calls app.current_user_id(), which 0001_enable_rls.sql (in the folder,
// not in the journal: a script of the project runs it after migrate) creates; nothing creates schema "app".
const RLS_SCHEMA = `import { pgTable, text, uuid } from 'drizzle-orm/pg-core'
export const users = pgTable('users', { id: uuid('id').primaryKey(), name: text('name') })
export const notes = pgTable('notes', { id: uuid('id').primaryKey(), userId: uuid('user_id') })
`
const RLS_0000 = `CREATE TABLE "users" ("id" uuid PRIMARY KEY NOT NULL, "name" text);
--> statement-breakpoint
CREATE TABLE "notes" ("id" uuid PRIMARY KEY NOT NULL, "user_id" uuid);`
const RLS_0001 = `CREATE INDEX "notes_user_idx" ON "notes" ("user_id");
CREATE POLICY "notes_own" ON "notes"
  USING (
    user_id = app.current_user_id()
  );`
const ENABLE_RLS = `-- Run by scripts/apply-rls.ts after the migrations
ALTER TABLE users ENABLE ROW LEVEL SECURITY;

CREATE OR REPLACE FUNCTION app.current_user_id()
RETURNS uuid AS $$
  SELECT current_setting('app.current_user_id', true)::uuid;
$$ LANGUAGE sql STABLE;
`
// The same helpers in a file that needs no migrated table: a "setup" file can hold it as it is.
const HELPERS = `CREATE SCHEMA IF NOT EXISTS app;
CREATE OR REPLACE FUNCTION app.current_user_id()
RETURNS uuid AS $$
  SELECT current_setting('app.current_user_id', true)::uuid;
$$ LANGUAGE sql STABLE;
`

// unlock-auto (fifth trial): the index's builder sits inside an object in the table's array, which drizzle-kit does
// not read; the last snapshot was written by hand with uuid where the SQL and the schema say text.
const SESSION = (indexes: string): string => `import { index, integer, pgTable, text } from 'drizzle-orm/pg-core'
export const session = pgTable(
  'session',
  {
    id: integer('id').primaryKey(),
    activeBranchId: text('active_branch_id')
  },
  (table) => [
${indexes}
  ]
)
`
const SESSION_INDEX = SESSION(`    index('session_active_branch_id_idx').on(table.activeBranchId)`)
const SESSION_INDEX_IN_OBJECT = SESSION(
  `    {\n      activeBranchIdIdx: index('session_active_branch_id_idx').on(table.activeBranchId)\n    }`
)
const USERS_ONLY = `import { integer, pgTable, text } from 'drizzle-orm/pg-core'
export const users = pgTable('users', { id: integer('id').primaryKey() })
`

const lineOf = (text: string, needle: string): number => text.split('\n').findIndex((l) => l.includes(needle)) + 1

describe.each(EACH_POSTGRES)('on %s', (_name, createProvider) => {
  const provider = providerForSuite(createProvider)

  test('a migration that uses a table only a later migration creates: the cause names that migration and line (zenthea 0000:289)', async () => {
    const dir = writeJournalProject(
      tempDir('later-creator-'),
      CONFIG,
      {
        'schema.ts': ORDER_SCHEMA,
        'drizzle/0000_great_loners.sql': ORDER_0000,
        'drizzle/0001_cultured_bucky.sql': ORDER_0001,
        ...targetConfig()
      },
      ['0000_great_loners', '0001_cultured_bucky']
    )
    const report = await runCheck({ root: dir, provider })
    const failed = findFinding(report, 'migration_failed', { name: '0000_great_loners' })
    expect(failed).toMatchObject({ file: 'drizzle/0000_great_loners.sql', line: 6 })
    expect(failed.cause).toBe(
      "table organizations does not exist yet: it is first created by drizzle/0001_cultured_bucky.sql:1, a later migration. drizzle's migrator would stop here and roll back every migration of this run; the schema comparison is skipped for this database"
    )
  })

  test('a migration that calls a function only a SQL file outside the journal creates: the file, its line, and the journal (it alters a migrated table, so not "setup") (b2b-startkit 0004_healthcare)', async () => {
    const dir = writeJournalProject(
      tempDir('unlisted-creator-'),
      CONFIG,
      {
        'schema.ts': RLS_SCHEMA,
        'drizzle/0000_init.sql': RLS_0000,
        'drizzle/0001_healthcare.sql': RLS_0001,
        'drizzle/0001_enable_rls.sql': ENABLE_RLS,
        ...targetConfig()
      },
      ['0000_init', '0001_healthcare']
    )
    const report = await runCheck({ root: dir, provider })
    const failed = findFinding(report, 'migration_failed', { name: '0001_healthcare' })
    expect(failed).toMatchObject({ file: 'drizzle/0001_healthcare.sql', line: lineOf(RLS_0001, 'app.current_user_id') })
    expect(failed.message).toMatch(/schema "app" does not exist$/)
    expect(failed.cause).toBe(
      `app.current_user_id(), which this statement uses, is created by drizzle/0001_enable_rls.sql:${lineOf(ENABLE_RLS, 'FUNCTION')}, a file of the migrations folder that meta/_journal.json does not list: drizzle's migrator never runs it (nor does it, or any other file, create schema "app"). drizzle's migrator would stop here and roll back every migration of this run; the schema comparison is skipped for this database`
    )
    expect(failed.fix).toBe(
      'Add CREATE SCHEMA IF NOT EXISTS "app"; at the top of 0001_enable_rls. List 0001_enable_rls in meta/_journal.json before 0001_healthcare, after the migrations that create the tables it alters (users), so that drizzle\'s migrator runs it on new databases; one that already ran 0001_healthcare skips it (the migrator applies only entries whose "when" is later than the newest it applied), so apply it there separately. As it is, it cannot be a "setup" file ("setup" runs before the migrations, and it alters their tables); what the migrations need of it (app.current_user_id()) could go in a "setup" file of target "app" in drift-guard.config.json'
    )
    expect(findFinding(report, 'journal_error', { name: '0001_enable_rls' }).fix).toMatch(
      /^If the databases need what it does, make it a migration the journal lists/
    )
  })

  test('a file outside the journal that alters no migrated table: "setup" is the fix, and with it the check passes', async () => {
    const files = {
      'schema.ts': RLS_SCHEMA,
      'drizzle/0000_init.sql': RLS_0000,
      'drizzle/0001_healthcare.sql': RLS_0001,
      'drizzle/0001_helpers.sql': HELPERS
    }
    const dir = writeJournalProject(tempDir('unlisted-setup-'), CONFIG, { ...files, ...targetConfig() }, [
      '0000_init',
      '0001_healthcare'
    ])
    const report = await runCheck({ root: dir, provider })
    const failed = findFinding(report, 'migration_failed', { name: '0001_healthcare' })
    // The schema exists once the file ran; here the error is the schema's, and the file creates it.
    expect(failed.cause).toMatch(
      /^schema "app" is created by drizzle\/0001_helpers\.sql:1, a file of the migrations folder that meta\/_journal\.json does not list: drizzle's migrator never runs it\. /
    )
    expect(failed.fix).toBe(
      'List 0001_helpers in meta/_journal.json before 0001_healthcare, so that drizzle\'s migrator runs it on new databases; one that already ran 0001_healthcare skips it (the migrator applies only entries whose "when" is later than the newest it applied), so apply it there separately; or, if your deployment runs it before the migrations some other way, name "drizzle/0001_helpers.sql" in "setup" of target "app" in drift-guard.config.json, so that the check runs it too'
    )
    // Following the fix: the check runs the file first, the migration applies, and the policy is compared.
    writeFiles(dir, targetConfig(['drizzle/0001_helpers.sql']))
    const fixed = await runCheck({ root: dir, provider })
    expect(fixed.findings.filter((f) => f.kind === 'migration_failed')).toEqual([])
    expect(fixed.targets[0].databases[0]).toMatchObject({ compared: true })
  })

  test('a declared column only a file outside the journal adds, and row level security only such a file enables: that file, not "no migration was generated"', async () => {
    const schema = RLS_SCHEMA.replace("name: text('name') }", "name: text('name'), email: text('email') }").replace(
      "userId: uuid('user_id') })",
      "userId: uuid('user_id') }).enableRLS()"
    )
    const extra = `ALTER TABLE "users" ADD COLUMN "email" text;\nALTER TABLE "notes" ENABLE ROW LEVEL SECURITY;\n`
    const dir = await makeProject({ steps: [RLS_SCHEMA, schema] })
    // The generated migration's statements moved to a file the journal does not list.
    const generated = path.join(dir, 'drizzle', '0001_step_1.sql')
    expect(fs.readFileSync(generated, 'utf8')).toMatch(/ADD COLUMN "email"/)
    fs.writeFileSync(generated, 'SELECT 1;')
    fs.writeFileSync(path.join(dir, 'drizzle', '0001_email.sql'), extra)
    const report = await runCheck({ root: dir, provider })
    const column = findFinding(report, 'missing_column', { table: 'users', column: 'email' })
    expect(column.cause).toBe(
      `declared at src/schema.ts:2; created by drizzle/0001_email.sql:1, a file of the migrations folder that meta/_journal.json does not list: drizzle's migrator never runs it, so the databases it migrates do not have it`
    )
    expect(column.fix).toMatch(
      /^List 0001_email in meta\/_journal\.json as its last entry \(its "when" later than every applied migration's: the migrator skips an entry dated before the newest it applied\), after the migrations that create the tables it alters \(users, notes\)/
    )
    expect(findFinding(report, 'rls_mismatch', { table: 'notes' }).cause).toBe(
      `declared at src/schema.ts:3; row level security enabled by drizzle/0001_email.sql:2, a file of the migrations folder that meta/_journal.json does not list: drizzle's migrator never runs it, so the databases it migrates do not have it`
    )
  })

  test('snapshots stopped, hand-written migrations after them: a column added without a migration is not told to run drizzle-kit generate', async () => {
    const users = `import { integer, pgTable, text } from 'drizzle-orm/pg-core'
export const users = pgTable('users', { id: integer('id').primaryKey() })
`
    const final = `import { integer, pgTable, text } from 'drizzle-orm/pg-core'
export const users = pgTable('users', { id: integer('id').primaryKey(), email: text('email') })
export const tags = pgTable('tags', { id: integer('id').primaryKey() })
`
    const dir = await makeProject({ steps: [users], finalSchema: final })
    appendHandWrittenMigration(dir, 'drizzle', '0001_tags', 'CREATE TABLE "tags" ("id" integer PRIMARY KEY NOT NULL);')
    const report = await runCheck({ root: dir, provider })
    const cause = findFinding(report, 'missing_column', { column: 'email' }).cause
    expect(cause).toBe(
      'declared at src/schema.ts:2, added to the schema after the last snapshot (0000_step_0): no migration was generated for it. Run drift-guard fix --target default, not drizzle-kit generate: migrations after the last snapshot (0000_step_0) have none, so generate would write their work again (see snapshot_out_of_date)'
    )
    expect(findFinding(report, 'snapshot_out_of_date').fix).toMatch(
      /^Run drift-guard fix --target default, not drizzle-kit generate/
    )
    // The run of entries without a snapshot at the end: generate reads the older snapshot.
    expect(findFinding(report, 'journal_error', { name: '0001_tags' }).cause).toBe(
      'drizzle-kit generate diffs the schema against the newest snapshot, which does not record what this migration does: it writes again whatever of that the schema declares (see snapshot_out_of_date, if reported)'
    )
  })

  test('a migration without a snapshot before a later one: generate is not misled, and the cause does not say it is', async () => {
    const users = `import { integer, pgTable } from 'drizzle-orm/pg-core'
export const users = pgTable('users', { id: integer('id').primaryKey() })
`
    const dir = await makeProject({
      steps: [
        users,
        users.replace(
          'primaryKey() })',
          "primaryKey() })\nexport const tags = pgTable('tags', { id: integer('id').primaryKey() })"
        )
      ]
    })
    fs.rmSync(path.join(dir, 'drizzle', 'meta', '0000_snapshot.json'))
    const report = await runCheck({ root: dir, provider })
    expect(findFinding(report, 'journal_error', { name: '0000_step_0' }).cause).toBe(
      "drizzle-kit generate diffs the schema against the newest snapshot only (0001_step_1's, later), so it is not misled: the snapshots just do not record this migration's own changes (hand-written SQL, or snapshots deleted)"
    )
  })

  test('an index whose declaration drizzle-kit does not read, and a snapshot written by hand: neither is "the schema changed without generate" (unlock-auto)', async () => {
    const dir = await makeProject({
      steps: [SESSION('').replace(',\n  (table) => [\n\n  ]', ''), SESSION_INDEX],
      finalSchema: SESSION_INDEX_IN_OBJECT
    })
    const snapshotFile = path.join(dir, 'drizzle', 'meta', '0001_snapshot.json')
    const snapshot = JSON.parse(fs.readFileSync(snapshotFile, 'utf8'))
    snapshot.tables['public.session'].columns.active_branch_id.type = 'uuid'
    fs.writeFileSync(snapshotFile, JSON.stringify(snapshot, null, 2))
    const report = await runCheck({ root: dir, provider })
    const declared = lineOf(SESSION_INDEX_IN_OBJECT, 'activeBranchIdIdx')
    expect(findFinding(report, 'extra_index', { name: 'session_active_branch_id_idx' })).toMatchObject({
      file: 'drizzle/0001_step_1.sql',
      cause: `created by drizzle/0001_step_1.sql:1; its name is still in the schema at src/schema.ts:${declared}, but drizzle-kit does not read that declaration (its schema has no such index: a builder inside an object in the table's array, or code that is commented out or never runs, is not read). drizzle-kit generate would write a DROP for it, and push would drop it`,
      fix: `Write the declaration at src/schema.ts:${declared} as drizzle-kit reads it (the builder itself as an entry of the array the table's third argument returns), then check again; do not run drizzle-kit generate or push before that`
    })
    expect(findFinding(report, 'snapshot_out_of_date').cause).toBe(
      'drizzle-kit does not read the declaration of index session_active_branch_id_idx (see its finding), so generate would drop it; the migrations already build column session.active_branch_id as the schema declares (the check finds no difference there): only the last snapshot (0001_step_1) records it otherwise (a snapshot written or edited by hand, or SQL written by hand without a new snapshot)'
    )
  })

  test('a column a generated migration was edited to add, which its snapshot lacks: generate would add it again, so the fix is drift-guard fix', async () => {
    const dir = await makeProject({
      steps: [USERS_ONLY, `${USERS_ONLY}export const tags = pgTable('tags', { id: integer('id').primaryKey() })\n`],
      finalSchema: `${USERS_ONLY.replace('primaryKey() })', "primaryKey(), email: text('email') })")}export const tags = pgTable('tags', { id: integer('id').primaryKey() })\n`
    })
    fs.appendFileSync(
      path.join(dir, 'drizzle', '0001_step_1.sql'),
      '\n--> statement-breakpoint\nALTER TABLE "users" ADD COLUMN "email" text;'
    )
    const report = await runCheck({ root: dir, provider })
    expect(report.findings.filter((f) => f.kind === 'missing_column')).toEqual([])
    expect(findFinding(report, 'snapshot_out_of_date')).toMatchObject({
      cause:
        'the migrations already build column users.email as the schema declares (the check finds no difference there): only the last snapshot (0001_step_1) records it otherwise (a snapshot written or edited by hand, or SQL written by hand without a new snapshot)',
      fix: 'Run drift-guard fix --target default, not drizzle-kit generate: generate would write SQL for column users.email added that fails on databases these migrations built (it adds what exists, or drops what is gone); fix writes only what the migrations do not build yet, and a snapshot of the schema'
    })
  })

  test('a column a generated migration was edited to add in another form than the schema says: "already created", and drift-guard fix (team reference/sim 0079)', async () => {
    const dir = await makeProject({
      steps: [USERS_ONLY, `${USERS_ONLY}export const tags = pgTable('tags', { id: integer('id').primaryKey() })\n`],
      finalSchema: `${USERS_ONLY.replace('primaryKey() })', "primaryKey(), email: text('email').notNull() })")}export const tags = pgTable('tags', { id: integer('id').primaryKey() })\n`
    })
    fs.appendFileSync(
      path.join(dir, 'drizzle', '0001_step_1.sql'),
      '\n--> statement-breakpoint\nALTER TABLE "users" ADD COLUMN IF NOT EXISTS "email" text;'
    )
    const report = await runCheck({ root: dir, provider })
    expect(findFinding(report, 'column_nullability_mismatch', { column: 'email' })).toBeDefined()
    expect(findFinding(report, 'snapshot_out_of_date')).toMatchObject({
      cause:
        'the migrations already create column users.email, which the last snapshot (0001_step_1) lacks (SQL written by hand without a new snapshot; its own finding says how it differs)',
      fix: expect.stringMatching(
        /^Run drift-guard fix --target default, not drizzle-kit generate: generate would write SQL for column users\.email added that fails/
      )
    })
  })
})
