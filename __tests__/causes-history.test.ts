// Issue 12, classes 2 and 11: causes read from what the migrations' statements did (replayed in journal order),
// then from which snapshots record it. Each case is a small project written as the repositories of
// docs/real-world.md's fifth trial wrote theirs (hand-written migrations after the snapshots stopped, merged
// branches, a migration file lost), checked on both Postgres kinds.
import * as fs from 'node:fs'
import * as path from 'node:path'
import { randomUUID } from 'node:crypto'
import { runCheck } from '../src/engine/check'
import { appendHandWrittenMigration, findFinding, makeProject, tempDir, writeJournalProject } from './helpers/project'
import { EACH_POSTGRES, providerForSuite } from './helpers/postgres'

/** The 1-based line of the schema source that contains `text`. */
const lineOf = (source: string, text: string): number => source.split('\n').findIndex((l) => l.includes(text)) + 1

/** Removes a journal entry's SQL file: the file lost (never committed), its entry kept. */
const loseFile = (dir: string, tag: string): void => fs.rmSync(path.join(dir, 'drizzle', `${tag}.sql`))

const NOT_APPLIED = (gone: string): string =>
  `which was not applied: drizzle's migrator applies no migration while ${gone}'s SQL file is missing, and the check stops there`

const USERS = `import { integer, pgTable, text } from 'drizzle-orm/pg-core'
export const users = pgTable('users', { id: integer('id').primaryKey(), status: text('status') })
`

// Class 2a: a table no snapshot records, created only by a hand-written migration, with another default and index.
const AUDIT_SCHEMA = `import { index, integer, pgTable, text } from 'drizzle-orm/pg-core'
export const users = pgTable('users', { id: integer('id').primaryKey(), status: text('status') })
export const audit = pgTable('audit', {
  id: integer('id').primaryKey(),
  note: text('note').default('n/a')
}, (t) => [index('audit_note_idx').on(t.note)])
`
const AUDIT_SQL = `CREATE TABLE "audit" (
\t"id" integer PRIMARY KEY NOT NULL,
\t"note" text DEFAULT 'none'
);
--> statement-breakpoint
CREATE INDEX "audit_note_idx" ON "audit" USING btree ("id");`

// Class 2b: snapshots stopped; a hand-written migration set a default the schema declares otherwise.
const STATUS_SCHEMA = `import { integer, pgTable, text } from 'drizzle-orm/pg-core'
export const users = pgTable('users', { id: integer('id').primaryKey(), status: text('status').default('pending') })
export const tags = pgTable('tags', { id: integer('id').primaryKey() })
`

// Class 2c: two branches from one parent; one sets a default, the other (merged after it) never had that change.
const DEFAULT_A = `import { integer, pgTable, text } from 'drizzle-orm/pg-core'
export const users = pgTable('users', { id: integer('id').primaryKey(), status: text('status').default('a') })
`
const DEFAULT_B = DEFAULT_A.replace(".default('a')", ".default('b')")
const DEFAULT_A_TAGS = `${DEFAULT_A}export const tags = pgTable('tags', { id: integer('id').primaryKey() })
`

/** A project whose third migration comes from another branch generated on top of the first (merged after the second). */
async function mergedBranches(): Promise<string> {
  const dir = await makeProject({ steps: [DEFAULT_A, DEFAULT_B], finalSchema: DEFAULT_A_TAGS })
  const branch = await makeProject({ steps: [DEFAULT_A, DEFAULT_A_TAGS] })
  const meta = (d: string, n: string): string => path.join(d, 'drizzle', 'meta', `${n}_snapshot.json`)
  appendHandWrittenMigration(
    dir,
    'drizzle',
    '0002_branch',
    fs.readFileSync(path.join(branch, 'drizzle', '0001_step_1.sql'), 'utf8')
  )
  const parent = JSON.parse(fs.readFileSync(meta(dir, '0000'), 'utf8'))
  const snapshot = JSON.parse(fs.readFileSync(meta(branch, '0001'), 'utf8'))
  fs.writeFileSync(meta(dir, '0002'), JSON.stringify({ ...snapshot, id: randomUUID(), prevId: parent.id }, null, 2))
  return dir
}

// Class 11a: an enum value added by ALTER TYPE … ADD VALUE.
const MOOD = (values: string): string => `import { integer, pgEnum, pgTable } from 'drizzle-orm/pg-core'
export const mood = pgEnum('mood', [${values}])
export const users = pgTable('users', { id: integer('id').primaryKey(), mood: mood('mood') })
`
const MOOD_TAGS = (values: string): string => `${MOOD(values).replace('pgTable }', 'pgTable, text }')}
export const tags = pgTable('tags', { id: integer('id').primaryKey(), label: text('label') })
`

// Class 11b: posts' CREATE TABLE lost from the migration that generated it; the next one alters posts.
const POSTS = (extra: string): string => `import { integer, pgTable, text } from 'drizzle-orm/pg-core'
export const users = pgTable('users', { id: integer('id').primaryKey() })
export const posts = pgTable('posts', { id: integer('id').primaryKey()${extra} })
`

// Class 11c: snapshots stopped; a hand-written migration renames a column back and adds one, after a lost file.
const PEOPLE = `import { integer, pgTable, text } from 'drizzle-orm/pg-core'
export const users = pgTable('users', { id: integer('id').primaryKey(), name: text('name') })
export const accounts = pgTable('accounts', { id: integer('id').primaryKey(), name: text('name') })
`
const PEOPLE_FINAL = `import { integer, pgTable, text } from 'drizzle-orm/pg-core'
export const users = pgTable('users', { id: integer('id').primaryKey(), name: text('name'), nickname: text('nickname') })
export const accounts = pgTable('accounts', { id: integer('id').primaryKey(), name: text('name'), nickname: text('nickname') })
`

// Issue 12, 39: a hand-written CREATE TABLE (no snapshot records the table) whose REFERENCES is unnamed.
const SHARES_SCHEMA = `import { integer, pgTable, text } from 'drizzle-orm/pg-core'
export const users = pgTable('users', { id: integer('id').primaryKey(), status: text('status') })
export const shares = pgTable('shares', {
  id: integer('id').primaryKey(),
  userId: integer('user_id').notNull().references(() => users.id)
})
`

// Issue 12, 43: a table moved to another schema (SET SCHEMA) whose snapshot dropped a constraint its SQL kept.
const TEMPLATES = (
  unique: boolean
): string => `import { boolean, pgSchema, pgTable, text, unique, uuid } from 'drizzle-orm/pg-core'
${unique ? '' : "export const system = pgSchema('system')\n"}export const templates = ${unique ? 'pgTable' : 'system.table'}('templates', {
  id: uuid('id').primaryKey(),
  kind: text('kind').notNull(),
  active: boolean('active').notNull()
}${unique ? ', (t) => [unique().on(t.kind, t.active)]' : ''})
`

describe.each(EACH_POSTGRES)('on %s', (_name, createProvider) => {
  const provider = providerForSuite(createProvider)

  describe('2: causes from what the statements did, not only from the snapshots', () => {
    test('a table in no snapshot, created by a hand-written migration: the cause names its CREATE TABLE, not "the snapshots agree"', async () => {
      const dir = await makeProject({ steps: [USERS], finalSchema: AUDIT_SCHEMA })
      appendHandWrittenMigration(dir, 'drizzle', '0001_audit', AUDIT_SQL)
      const report = await runCheck({ root: dir, provider })
      expect(findFinding(report, 'column_default_mismatch', { table: 'audit', column: 'note' }).cause).toBe(
        `declared at src/schema.ts:${lineOf(AUDIT_SCHEMA, "note: text('note')")}; created with another definition by drizzle/0001_audit.sql:3, which the snapshots do not record (hand-written SQL)`
      )
      expect(findFinding(report, 'index_mismatch', { name: 'audit_note_idx' }).cause).toBe(
        `declared at src/schema.ts:${lineOf(AUDIT_SCHEMA, "index('audit_note_idx')")}; created with another definition by drizzle/0001_audit.sql:6, which the snapshots do not record (hand-written SQL)`
      )
    })

    test('a table in no snapshot whose hand-written REFERENCES is unnamed: Postgres named the foreign key, not "the snapshots agree"', async () => {
      const dir = await makeProject({ steps: [USERS], finalSchema: SHARES_SCHEMA })
      appendHandWrittenMigration(
        dir,
        'drizzle',
        '0001_shares',
        '-- hand-written\nCREATE TABLE "shares" ("id" integer PRIMARY KEY NOT NULL, "user_id" integer NOT NULL REFERENCES "users"("id"));'
      )
      const report = await runCheck({ root: dir, provider })
      expect(findFinding(report, 'constraint_mismatch', { table: 'shares' }).cause).toBe(
        `declared at src/schema.ts:${lineOf(SHARES_SCHEMA, "userId: integer('user_id')")}; table shares is in no snapshot (the last is 0000_step_0): it was created by drizzle/0001_shares.sql:2, hand-written SQL drizzle-kit never generated; that SQL leaves the constraint unnamed, so Postgres named it "shares_user_id_fkey"`
      )
    })

    test('a constraint its table took along into another schema (SET SCHEMA): its snapshots are followed there, not "in no snapshot"', async () => {
      const dir = await makeProject({ steps: [TEMPLATES(true)], finalSchema: TEMPLATES(false) })
      appendHandWrittenMigration(
        dir,
        'drizzle',
        '0001_move',
        'CREATE SCHEMA "system";\n--> statement-breakpoint\nALTER TABLE "public"."templates" SET SCHEMA "system";'
      )
      // Its snapshot is the schema's (drizzle-kit's record of the move and of the constraint's removal).
      const meta = (n: string): string => path.join(dir, 'drizzle', 'meta', `${n}_snapshot.json`)
      const moved = await makeProject({ steps: [TEMPLATES(false)] })
      const parent = JSON.parse(fs.readFileSync(meta('0000'), 'utf8'))
      const snapshot = JSON.parse(fs.readFileSync(path.join(moved, 'drizzle', 'meta', '0000_snapshot.json'), 'utf8'))
      fs.writeFileSync(meta('0001'), JSON.stringify({ ...snapshot, id: randomUUID(), prevId: parent.id }, null, 2))
      const report = await runCheck({ root: dir, provider })
      expect(findFinding(report, 'extra_constraint', { table: 'templates' }).cause).toBe(
        'created by drizzle/0000_step_0.sql:5, then removed from the schema in 0001_move, whose SQL does not drop it. drizzle-kit generate will not drop it (the snapshots already lack it): drop it in a migration, or declare it in the schema again'
      )
    })

    test('a default set by a hand-written migration after the snapshots stopped: that statement, not "no migration was generated"', async () => {
      const dir = await makeProject({ steps: [USERS], finalSchema: STATUS_SCHEMA })
      appendHandWrittenMigration(
        dir,
        'drizzle',
        '0001_tags',
        'CREATE TABLE "tags" ("id" integer PRIMARY KEY NOT NULL);'
      )
      appendHandWrittenMigration(
        dir,
        'drizzle',
        '0002_status_default',
        `-- every new user starts active\nALTER TABLE "users" ALTER COLUMN "status" SET DEFAULT 'active';`
      )
      const report = await runCheck({ root: dir, provider })
      expect(findFinding(report, 'column_default_mismatch', { column: 'status' }).cause).toBe(
        'declared at src/schema.ts:2; changed by drizzle/0002_status_default.sql:2, which the snapshots do not record (hand-written SQL)'
      )
    })

    test('merged branches: the value set by a generated migration its snapshot records, and the later snapshot that lost it', async () => {
      const dir = await mergedBranches()
      const report = await runCheck({ root: dir, provider })
      expect(findFinding(report, 'column_default_mismatch', { column: 'status' }).cause).toBe(
        "declared at src/schema.ts:2; changed by drizzle/0001_step_1.sql:1 (snapshot 0001_step_1 records it), but snapshot 0002_branch records it as the schema has it (default 'a'::text), and no migration changes it back: branches were merged, and 0002_branch's snapshot comes from a branch without that change (it was generated on top of 0000_step_0's). drizzle-kit generate sees no change (its last snapshot agrees with the schema): change it in a new migration"
      )
      // The prevId break names the parent both branches were generated on.
      expect(findFinding(report, 'journal_error', { name: '0002_branch' })).toMatchObject({
        message: expect.stringMatching(
          /^snapshot of 0002_branch was generated on top of 0000_step_0's \(its prevId [-0-9a-f]+\), not of the previous snapshot \(0001_step_1, id [-0-9a-f]+\)$/
        ),
        cause:
          "the prevId chain is broken: 0001_step_1 and 0002_branch were both generated on top of 0000_step_0 (two branches, merged), so 0002_branch's snapshot lacks what 0001_step_1 changed",
        // Never "regenerate" alone: a migration that already ran, generated again, runs twice on those databases.
        fix: expect.stringMatching(
          /^If 0002_branch has not run on any database yet, delete it \(its \.sql, snapshot and journal entry\) and run drizzle-kit generate again; if it has, keep it and set its snapshot's prevId to 0001_step_1's id \([-0-9a-f]+\), then check again/
        )
      })
    })

    test('a snapshot that records NOT NULL its own SQL never sets, its chain unbroken: that SQL, not "branches were merged"', async () => {
      const nullable = `import { boolean, integer, pgTable } from 'drizzle-orm/pg-core'
export const users = pgTable('users', { id: integer('id').primaryKey(), verified: boolean('verified') })
`
      const dir = await makeProject({
        steps: [nullable, nullable.replace("boolean('verified')", "boolean('verified').notNull()")]
      })
      const sql = path.join(dir, 'drizzle', '0001_step_1.sql')
      expect(fs.readFileSync(sql, 'utf8')).toMatch(/SET NOT NULL/)
      fs.writeFileSync(sql, 'UPDATE "users" SET "verified" = false WHERE "verified" IS NULL;')
      const report = await runCheck({ root: dir, provider })
      expect(findFinding(report, 'column_nullability_mismatch', { column: 'verified' }).cause).toBe(
        'declared at src/schema.ts:2; created nullable by drizzle/0000_step_0.sql:3 (snapshot 0000_step_0 records it), but snapshot 0001_step_1 records it as the schema has it (NOT NULL), which drizzle/0001_step_1.sql does not do (hand-written SQL, or edited after generation), nor does any later migration. drizzle-kit generate sees no change (its last snapshot agrees with the schema): change it in a new migration'
      )
    })

    test('a serial column changed to text keeps its sequence default: the type change, not "branches were merged"', async () => {
      const serialId = `import { pgTable, serial, text } from 'drizzle-orm/pg-core'
export const packs = pgTable('packs', { id: serial('id').primaryKey(), name: text('name') })
`
      const dir = await makeProject({ steps: [serialId, serialId.replace("serial('id')", "text('id')")] })
      expect(fs.readFileSync(path.join(dir, 'drizzle', '0001_step_1.sql'), 'utf8')).toMatch(
        /^ALTER TABLE "packs" ALTER COLUMN "id" SET DATA TYPE text;\s*$/
      )
      const report = await runCheck({ root: dir, provider })
      expect(findFinding(report, 'column_default_mismatch', { table: 'packs', column: 'id' }).cause).toBe(
        "declared at src/schema.ts:2; created as serial by drizzle/0000_step_0.sql:2; drizzle/0001_step_1.sql:1 changed its type from serial, which keeps the default: Postgres changes only the type (drizzle-kit's SQL for a change from serial, ALTER COLUMN … SET DATA TYPE, drops neither the default nor the sequence), so an insert that leaves the column out still gets the sequence's next number. drizzle-kit generate sees no change (its last snapshot agrees with the schema): drop the default in a new migration"
      )
      const finding = findFinding(report, 'column_default_mismatch', { table: 'packs', column: 'id' })
      expect(finding.message).toBe(
        `column packs.id defaults to the next value of its own sequence (a serial's default), the schema says no default`
      )
      // The fix, run as a new migration, leaves no drift.
      appendHandWrittenMigration(dir, 'drizzle', '0002_fix', finding.fix!, { copySnapshot: true })
      const fixed = await runCheck({ root: dir, provider })
      expect(fixed.findings.filter((f) => f.kind !== 'journal_error')).toEqual([])
    })

    test("a serial whose default a migration dropped (its sequence still owned): the fix gives it back, started after the rows' values, and leaves no drift", async () => {
      const serialId = `import { pgTable, serial, text } from 'drizzle-orm/pg-core'
export const packs = pgTable('packs', { id: serial('id').primaryKey(), name: text('name') })
`
      const dir = await makeProject({ steps: [serialId] })
      // The default dropped by hand, rows written with their own ids: the sequence stays, owned by the column.
      appendHandWrittenMigration(
        dir,
        'drizzle',
        '0001_rows',
        `ALTER TABLE "packs" ALTER COLUMN "id" DROP DEFAULT;\nINSERT INTO "packs" ("id", "name") VALUES (1, 'a'), (7, 'b');`,
        { copySnapshot: true }
      )
      const report = await runCheck({ root: dir, provider })
      const finding = findFinding(report, 'column_default_mismatch', { table: 'packs', column: 'id' })
      expect(finding.message).toBe(
        `column packs.id defaults to nothing, the schema says the next value of its own sequence (a serial's default)`
      )
      expect(finding.fix).toBe(
        [
          'CREATE SEQUENCE IF NOT EXISTS "packs_id_seq" AS integer;',
          'ALTER SEQUENCE "packs_id_seq" OWNED BY "packs"."id";',
          `ALTER TABLE "packs" ALTER COLUMN "id" SET DEFAULT nextval('"packs_id_seq"');`,
          `SELECT setval('"packs_id_seq"', COALESCE(max("id"), 0) + 1, false) FROM "packs";`
        ].join('\n')
      )
      // Run as a new migration, then a row that takes the sequence's next value (8: after the rows' 7).
      appendHandWrittenMigration(
        dir,
        'drizzle',
        '0002_fix',
        `${finding.fix!}\nINSERT INTO "packs" ("name") VALUES ('c');\nDO $$ BEGIN IF (SELECT max("id") FROM "packs") <> 8 THEN RAISE EXCEPTION 'sequence not after the rows'; END IF; END $$;`,
        { copySnapshot: true }
      )
      const fixed = await runCheck({ root: dir, provider })
      expect(fixed.findings.filter((f) => f.kind !== 'journal_error')).toEqual([])
    })

    test('an enum a column uses but the schema does not export: named at its declaration, to export, never to drop', async () => {
      const schema = `import { integer, pgEnum, pgTable } from 'drizzle-orm/pg-core'
const availabilityEnum = pgEnum('availability', ['in_stock', 'out_of_stock'])
export const items = pgTable('items', { id: integer('id').primaryKey(), availability: availabilityEnum('availability') })
`
      const dir = writeJournalProject(
        tempDir('unexported-enum-'),
        `import { defineConfig } from 'drizzle-kit'\nexport default defineConfig({ dialect: 'postgresql', schema: './schema.ts', out: './drizzle' })\n`,
        {
          'schema.ts': schema,
          'drizzle/0000_init.sql': `CREATE TYPE "availability" AS ENUM('in_stock', 'out_of_stock');\n--> statement-breakpoint\nCREATE TABLE "items" ("id" integer PRIMARY KEY NOT NULL, "availability" "availability");`
        },
        ['0000_init']
      )
      const report = await runCheck({ root: dir, provider })
      expect(findFinding(report, 'extra_enum', { name: 'availability' })).toMatchObject({
        message: 'enum availability is declared in the schema but not exported, so drizzle-kit does not read it',
        cause:
          'created by drizzle/0000_init.sql:1; the schema declares it at schema.ts:2, used by items.availability, but does not export it: drizzle-kit reads only the enums the schema files export, so its snapshots and generate do not see it (and push would try to drop it)',
        fix: 'Export it at schema.ts:2 (export const … = pgEnum(…)), then check again; do not drop it: items.availability uses it'
      })
      const error = findFinding(report, 'schema_error', { table: 'items', column: 'availability' })
      // The reason before the statement, a CREATE TABLE of every column.
      expect(error.cause).toMatch(
        /^enum availability is declared at schema\.ts:2 but not exported: drizzle-kit writes CREATE TYPE only for the enums the schema files export; .*; statement: CREATE TABLE "items"/
      )
      expect(error.fix).toBe(
        'Export the enum at schema.ts:2 (export const … = pgEnum(…)), then check again; this column is left out of the comparison'
      )
    })

    test('an enum is not blamed on a migration that adds a column of the same name', async () => {
      const schema = MOOD("'happy', 'sad', 'ok'")
      const dir = writeJournalProject(
        tempDir('enum-column-'),
        `import { defineConfig } from 'drizzle-kit'\nexport default defineConfig({ dialect: 'postgresql', schema: './schema.ts', out: './drizzle' })\n`,
        {
          'schema.ts': schema,
          'drizzle/0000_init.sql': `CREATE TYPE "public"."mood" AS ENUM('happy', 'sad');\n--> statement-breakpoint\nCREATE TABLE "users" ("id" integer PRIMARY KEY NOT NULL);`,
          'drizzle/0001_mood.sql': 'ALTER TABLE "users" ADD COLUMN "mood" "mood";'
        },
        ['0000_init', '0001_mood']
      )
      const report = await runCheck({ root: dir, provider })
      expect(findFinding(report, 'enum_mismatch', { name: 'mood' }).cause).toBe(
        "declared at schema.ts:2; 'ok' is added by no migration (drizzle/0000_init.sql:1 created the type without it). Add it in a new migration: ALTER TYPE mood ADD VALUE 'ok'"
      )
    })
  })

  describe('11: causes when a migration did not run, or failed', () => {
    test('an enum value whose ALTER TYPE … ADD VALUE was edited out: the migration whose snapshot has it', async () => {
      const dir = await makeProject({ steps: [MOOD("'happy', 'sad'"), MOOD("'happy', 'sad', 'ok'")] })
      const sql = path.join(dir, 'drizzle', '0001_step_1.sql')
      expect(fs.readFileSync(sql, 'utf8')).toMatch(/ALTER TYPE "public"\."mood" ADD VALUE 'ok'/)
      fs.writeFileSync(sql, 'SELECT 1;')
      const report = await runCheck({ root: dir, provider })
      expect(findFinding(report, 'enum_mismatch', { name: 'mood' }).cause).toBe(
        "declared at src/schema.ts:2; 'ok' is in snapshot 0001_step_1, but drizzle/0001_step_1.sql does not add it: the SQL was edited after generation (or written by hand). Add it in a new migration: ALTER TYPE mood ADD VALUE 'ok'"
      )
    })

    test('an enum value whose ADD VALUE never ran (a lost file stopped the run): that statement, and why', async () => {
      const dir = await makeProject({
        steps: [MOOD("'happy', 'sad'"), MOOD_TAGS("'happy', 'sad'"), MOOD_TAGS("'happy', 'sad', 'ok'")]
      })
      loseFile(dir, '0001_step_1')
      const report = await runCheck({ root: dir, provider })
      expect(findFinding(report, 'enum_mismatch', { name: 'mood' }).cause).toBe(
        `declared at src/schema.ts:2; 'ok' is added by drizzle/0002_step_2.sql:1, ${NOT_APPLIED('0001_step_1')}`
      )
    })

    test('a migration fails on a table that does not exist: the cause names the migration whose SQL lost its CREATE TABLE', async () => {
      const dir = await makeProject({
        steps: [POSTS('').replace(/\nexport const posts.*\n/, '\n'), POSTS(''), POSTS(", title: text('title')")]
      })
      const sql = path.join(dir, 'drizzle', '0001_step_1.sql')
      expect(fs.readFileSync(sql, 'utf8')).toMatch(/^CREATE TABLE "posts"/)
      fs.writeFileSync(sql, 'SELECT 1;')
      const report = await runCheck({ root: dir, provider })
      expect(findFinding(report, 'migration_failed', { name: '0002_step_2' }).cause).toMatch(
        /^snapshot 0001_step_1 is the first to record table posts, but drizzle\/0001_step_1\.sql does not create it: the SQL was edited after generation \(or written by hand\)\. Restore its CREATE TABLE there\. drizzle's migrator would stop here/
      )
    })

    test('after a lost file stops the run: causes name the migrations that did not run, not an old rename or another table', async () => {
      const dir = await makeProject({ steps: [PEOPLE], finalSchema: PEOPLE_FINAL })
      appendHandWrittenMigration(
        dir,
        'drizzle',
        '0001_rename',
        'ALTER TABLE "users" RENAME COLUMN "name" TO "full_name";\n--> statement-breakpoint\nALTER TABLE "accounts" ADD COLUMN "nickname" text;'
      )
      appendHandWrittenMigration(dir, 'drizzle', '0002_gone', 'SELECT 1;')
      loseFile(dir, '0002_gone')
      appendHandWrittenMigration(
        dir,
        'drizzle',
        '0003_back',
        'ALTER TABLE "users" RENAME COLUMN "full_name" TO "name";\n--> statement-breakpoint\nALTER TABLE "users" ADD COLUMN "nickname" text;'
      )
      const report = await runCheck({ root: dir, provider })
      const declared = (text: string): string => `declared at src/schema.ts:${lineOf(PEOPLE_FINAL, text)}`
      expect(findFinding(report, 'missing_column', { table: 'users', column: 'name' }).cause).toBe(
        `${declared('users')}; renamed back into place by drizzle/0003_back.sql:1 (after drizzle/0001_rename.sql:1 renamed it away), ${NOT_APPLIED('0002_gone')}`
      )
      expect(findFinding(report, 'missing_column', { table: 'users', column: 'nickname' }).cause).toBe(
        `${declared('users')}; created by drizzle/0003_back.sql:3, ${NOT_APPLIED('0002_gone')}`
      )
      expect(findFinding(report, 'extra_column', { table: 'users', column: 'full_name' })).toMatchObject({
        file: 'drizzle/0001_rename.sql',
        line: 1,
        cause: `created by drizzle/0001_rename.sql:1; renamed away by drizzle/0003_back.sql:1, ${NOT_APPLIED('0002_gone')}`
      })
    })

    test('after a lost file stops the run: an old DROP that ran is not the reason, the ADD that did not run is', async () => {
      const dir = await makeProject({ steps: [PEOPLE] })
      appendHandWrittenMigration(dir, 'drizzle', '0001_drop', 'ALTER TABLE "users" DROP COLUMN "name";')
      appendHandWrittenMigration(dir, 'drizzle', '0002_gone', 'SELECT 1;')
      loseFile(dir, '0002_gone')
      appendHandWrittenMigration(dir, 'drizzle', '0003_back', 'ALTER TABLE "users" ADD COLUMN "name" text;')
      const report = await runCheck({ root: dir, provider })
      expect(findFinding(report, 'missing_column', { table: 'users', column: 'name' }).cause).toBe(
        `declared at src/schema.ts:2; created by drizzle/0003_back.sql:1 (after drizzle/0001_drop.sql:1 dropped it), ${NOT_APPLIED('0002_gone')}`
      )
    })
  })
})
