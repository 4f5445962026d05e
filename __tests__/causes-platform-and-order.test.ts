// Causes and fixes of drizzle-kit SQL that fails for the platform, enum order after RENAME VALUE, an undeclared
// EXCLUDE constraint, and journal entries in swapped order (failure numbers refer to docs/real-world.md). Each
// project is written file by file, as the repositories wrote theirs, and checked on both Postgres kinds where
// Postgres decides the finding.
import * as fs from 'node:fs'
import * as path from 'node:path'
import { runCheck } from '../src/engine/check'
import { Report } from '../src/core/findings'
import { readSnapshots } from '../src/explain/snapshots'
import { checkFolder } from '../src/explain/journal'
import { readMigrationFolder } from '../src/migrations/folder'
import { tempDir, findFinding, writeJournalProject } from './helpers/project'
import { EACH_POSTGRES, providerForSuite } from './helpers/postgres'

const CONFIG = `import { defineConfig } from 'drizzle-kit'\nexport default defineConfig({ dialect: 'postgresql', schema: './schema.ts', out: './drizzle' })\n`

/** A project written file by file (journal entries by tag, a second apart, in the order given). */
function writeProject(files: Record<string, string>, tags: string[] = ['0000_init']): string {
  const dir = tempDir('dg-fourth-')
  return writeJournalProject(dir, CONFIG, files, tags)
}

const summary = (report: Report): string[] =>
  report.findings.map((f) => `${f.severity} ${f.kind} ${[f.table, f.column ?? f.name].filter(Boolean).join('.')}`)

const find = findFinding

/** Supabase's kind of schema: a policy to the authenticated role calling auth.uid(). */
const NOTES_SCHEMA = `import { sql } from 'drizzle-orm'
import { pgPolicy, pgTable, text, uuid } from 'drizzle-orm/pg-core'
export const notes = pgTable('notes', { id: uuid('id').primaryKey(), owner: uuid('owner').notNull(), body: text('body') }, () => [
  pgPolicy('notes_owner_read', { for: 'select', to: 'authenticated', using: sql\`owner = auth.uid()\` }),
])
`
const NOTES_TABLE =
  'CREATE TABLE "notes" (\n  "id" uuid PRIMARY KEY NOT NULL,\n  "owner" uuid NOT NULL,\n  "body" text\n);\n--> statement-breakpoint\nALTER TABLE "notes" ENABLE ROW LEVEL SECURITY;'

const TRGM_SCHEMA = `import { index, integer, pgTable, text } from 'drizzle-orm/pg-core'
export const items = pgTable('items', { id: integer('id').primaryKey(), name: text('name').notNull() }, (t) => [
  index('items_name_trgm_idx').using('gin', t.name.op('gin_trgm_ops')),
])
`

describe.each(EACH_POSTGRES)('on %s', (_name, createProvider) => {
  const provider = providerForSuite(createProvider)
  const check = (dir: string): Promise<Report> => runCheck({ root: dir, provider })

  describe('26: drizzle-kit SQL that fails for the platform', () => {
    test('a Supabase policy: the fix is the setup (as for a failed migration), and a policy no migration creates is still missing_policy', async () => {
      const dir = writeProject({ 'schema.ts': NOTES_SCHEMA, 'drizzle/0000_init.sql': NOTES_TABLE })
      const report = await check(dir)
      expect(summary(report)).toEqual([
        'error schema_error notes.notes_owner_read',
        'error missing_policy notes.notes_owner_read',
        'warning journal_error 0000_init'
      ])
      const error = find(report, 'schema_error')
      expect(error.cause).toMatch(
        /^the schema expects a Supabase Postgres \(its auth schema, auth\.uid\(\), the authenticated\/anon\/service_role roles\); statement: CREATE POLICY "notes_owner_read" /
      )
      expect(error.fix).toBe(
        'Name a SQL file that creates what it needs in target "default"\'s "setup" in drift-guard.config.json, or run with --database-url against a Supabase Postgres (e.g. supabase start). ' +
          'Until then this object is compared by name only: a migrated database that lacks it is reported, its definition is not compared'
      )
      expect(error.fix).not.toMatch(/Change the declaration/)
      const missing = find(report, 'missing_policy')
      expect(missing).toMatchObject({ table: 'notes', file: 'schema.ts', line: 4, databases: ['default'] })
      expect(missing.message).toBe(
        'policy "notes_owner_read" on notes does not exist (compared by name only: drizzle-kit\'s SQL for it fails on this Postgres, see its schema_error)'
      )
      expect(missing.cause).toMatch(/^declared at schema\.ts:4; the migrations folder has no usable snapshot/)
    })

    test('a migration that creates the policy (another role): found by name, so not reported; its definition is not compared', async () => {
      const dir = writeProject({
        'schema.ts': NOTES_SCHEMA,
        'drizzle/0000_init.sql': `${NOTES_TABLE}\n--> statement-breakpoint\nCREATE POLICY "notes_owner_read" ON "notes" AS PERMISSIVE FOR SELECT TO public USING (true);`
      })
      expect(summary(await check(dir))).toEqual([
        'error schema_error notes.notes_owner_read',
        'warning journal_error 0000_init'
      ])
    })

    test('a role the server lacks: the schema_error and a migration failing on it give the same way out', async () => {
      const role = 'dg_fourth_reader'
      const schema = NOTES_SCHEMA.replace(
        "to: 'authenticated', using: sql`owner = auth.uid()`",
        `to: '${role}', using: sql\`true\``
      )
      const report = await check(writeProject({ 'schema.ts': schema, 'drizzle/0000_init.sql': NOTES_TABLE }))
      expect(summary(report)).toEqual([
        'error schema_error notes.notes_owner_read',
        'error missing_policy notes.notes_owner_read',
        'warning journal_error 0000_init'
      ])
      const remedy = `name a SQL file that creates what it needs in target "default"'s "setup" in drift-guard.config.json (e.g. CREATE ROLE "${role}" NOLOGIN;), or run with --database-url against a Postgres that has it`
      const error = find(report, 'schema_error')
      expect(error.cause).toMatch(
        new RegExp(
          `^the schema uses role "${role}", which drizzle-kit does not create \\(only roles declared with pgRole, without \\.existing\\(\\), are\\): roles belong to the server`
        )
      )
      expect(error.fix).toContain(remedy.charAt(0).toUpperCase() + remedy.slice(1))

      const granted = writeProject({
        'schema.ts': schema,
        'drizzle/0000_init.sql': `${NOTES_TABLE}\n--> statement-breakpoint\nGRANT SELECT ON "notes" TO ${role};`
      })
      const failed = find(await check(granted), 'migration_failed')
      expect(failed.cause).toBe(
        `the migrations use role "${role}" before any of them creates it: roles belong to the server (the platform's, or made by provisioning): ${remedy.replace('what it needs', 'what they need')}`
      )
    })

    test('an operator class of an extension no migration creates: the fix names "extensions" and CREATE EXTENSION, and the index no migration builds is missing_index', async () => {
      const dir = writeProject({
        'schema.ts': TRGM_SCHEMA,
        'drizzle/0000_init.sql': 'CREATE TABLE "items" ("id" integer PRIMARY KEY NOT NULL, "name" text NOT NULL);'
      })
      const report = await check(dir)
      expect(summary(report)).toEqual([
        'error schema_error items.items_name_trgm_idx',
        'error missing_index items.items_name_trgm_idx',
        'warning journal_error 0000_init'
      ])
      const error = find(report, 'schema_error')
      expect(error.message).toMatch(/operator class "gin_trgm_ops" does not exist/)
      expect(error.cause).toMatch(
        /^operator class "gin_trgm_ops" comes from the extension "pg_trgm", which no migration, setup file or "extensions" entry creates; statement: CREATE INDEX /
      )
      expect(error.fix).toMatch(
        /^If the provider preinstalls it \(a managed Postgres, a CI image\), add "extensions": \["pg_trgm"\] to target "default" in drift-guard\.config\.json, or create it in a migration before the first that needs it \(drizzle-kit generate --custom\): CREATE EXTENSION IF NOT EXISTS pg_trgm;\. Until then/
      )
      expect(find(report, 'missing_index')).toMatchObject({ file: 'schema.ts', line: 3 })
    })

    test('a function in a schema that nothing here creates (made by SQL applied outside the migrations): the fix is a setup file (spot check, 26)', async () => {
      const schema = NOTES_SCHEMA.replace(
        "to: 'authenticated', using: sql`owner = auth.uid()`",
        'using: sql`owner = any (private.my_team_members())`'
      )
      const report = await check(writeProject({ 'schema.ts': schema, 'drizzle/0000_init.sql': NOTES_TABLE }))
      const error = find(report, 'schema_error')
      expect(error.message).toMatch(/schema "private" does not exist/)
      expect(error.cause).toMatch(
        /^the schema uses schema "private", which neither the schema files nor the migrations create \(it is made outside them/
      )
      expect(error.fix).toMatch(
        /^Name a SQL file that creates what it needs in target "default"'s "setup" in drift-guard\.config\.json \(the SQL your other environments get it from\), or create it in a migration/
      )
      expect(summary(report)).toContain('error missing_policy notes.notes_owner_read')
    })

    test('a table literally named "auth.users" in public whose key collides: one schema_error, its index folded in, no Supabase hint (34)', async () => {
      const schema = `import { index, pgTable, primaryKey, text, uuid } from 'drizzle-orm/pg-core'
export const users = pgTable('users', { id: uuid('id').primaryKey() })
export const authUsers = pgTable('auth.users', { id: uuid('id').notNull(), email: text('email') }, (t) => [
  primaryKey({ columns: [t.id], name: 'users_pkey' }),
  index('auth_users_email_idx').on(t.email),
])
`
      const report = await check(
        writeProject({
          'schema.ts': schema,
          'drizzle/0000_init.sql': 'CREATE TABLE "users" ("id" uuid PRIMARY KEY NOT NULL);'
        })
      )
      const errors = report.findings.filter((f) => f.kind === 'schema_error')
      expect(errors).toHaveLength(1)
      expect(errors[0].message).toMatch(/table auth\.users fails on Postgres: relation "users_pkey" already exists/)
      expect(errors[0].cause).toMatch(/also not built, as they depend on it: index "auth_users_email_idx"/)
      expect(errors[0].fix).not.toMatch(/Supabase/)
    })

    test('SQL at fault (a type nobody provides): still "Change the declaration", and nothing compared by name', async () => {
      const schema = `import { customType, integer, pgTable } from 'drizzle-orm/pg-core'
const handle = customType<{ data: string }>({ dataType: () => 'handle_t' })
export const users = pgTable('users', { id: integer('id').primaryKey(), handle: handle('handle') })
`
      const report = await check(writeProject({ 'schema.ts': schema, 'drizzle/0000_init.sql': 'SELECT 1;' }))
      // users is built without the failing column (issue 12, class 5), so that no migration creates it is seen.
      expect(summary(report)).toEqual([
        'error schema_error users.handle',
        'error missing_table users',
        'warning journal_error 0000_init'
      ])
      expect(find(report, 'schema_error').fix).toMatch(
        /^Change the declaration so that drizzle-kit writes SQL Postgres accepts; this column is left out of the comparison$/
      )
    })
  })

  describe('27: enum order after ALTER TYPE … RENAME VALUE', () => {
    const schema =
      "import { pgEnum } from 'drizzle-orm/pg-core'\nexport const status = pgEnum('status', ['pending', 'failed', 'done'])\n"

    test('the cause names the RENAME VALUE, and no ADD VALUE is proposed for values the type has', async () => {
      const dir = writeProject(
        {
          'schema.ts': schema,
          'drizzle/0000_init.sql': `CREATE TYPE "public"."status" AS ENUM('completed', 'pending', 'failed');\n`,
          'drizzle/0001_rename.sql': `-- completed is called done now\nALTER TYPE "public"."status" RENAME VALUE 'completed' TO 'done';\n`
        },
        ['0000_init', '0001_rename']
      )
      const mismatch = find(await check(dir), 'enum_mismatch', { name: 'status' })
      expect(mismatch.message).toBe(
        'enum status: same values in another order: schema (pending, failed, done), database (done, pending, failed)'
      )
      expect(mismatch.cause).toBe(
        "declared at schema.ts:2; 'done' has the place of 'completed': renamed by drizzle/0001_rename.sql:2 (RENAME VALUE keeps the position of the old value), which the snapshots do not record (hand-written SQL). " +
          "Postgres keeps enum values in the order they were created and added. Recreate the type to reorder it, or declare the values in the schema in the database's order (done, pending, failed)"
      )
      expect(mismatch.cause).not.toMatch(/ADD VALUE|0000_init/)
    })

    test('a value renamed twice names both renames; a CREATE TYPE in another order is blamed without an ADD VALUE', async () => {
      const renamedTwice = writeProject(
        {
          'schema.ts': schema,
          'drizzle/0000_init.sql': `CREATE TYPE "status" AS ENUM('completed', 'pending', 'failed');\n`,
          'drizzle/0001_rename.sql': `ALTER TYPE "status" RENAME VALUE 'completed' TO 'finished';\n`,
          'drizzle/0002_rename.sql': `ALTER TYPE status RENAME VALUE 'finished' TO 'done';\n`
        },
        ['0000_init', '0001_rename', '0002_rename']
      )
      const twice = find(await check(renamedTwice), 'enum_mismatch', { name: 'status' })
      expect(twice.cause).toContain(
        "'done' has the place of 'completed': renamed by drizzle/0001_rename.sql:1, then drizzle/0002_rename.sql:1 (RENAME VALUE keeps the position of the old value)"
      )

      const created = writeProject({
        'schema.ts': schema,
        'drizzle/0000_init.sql': `CREATE TYPE "status" AS ENUM('done', 'pending', 'failed');\n`
      })
      const mismatch = find(await check(created), 'enum_mismatch', { name: 'status' })
      expect(mismatch.cause).toMatch(
        /^declared at schema\.ts:2; created by drizzle\/0000_init\.sql:1 with its values in another order, which the snapshots do not record \(hand-written SQL\)\. Postgres keeps enum values in the order they were created and added\. Recreate the type/
      )
      expect(mismatch.cause).not.toMatch(/ADD VALUE/)
    })
  })

  describe('31: an undeclared EXCLUDE constraint', () => {
    const schema = `import { check, integer, pgTable } from 'drizzle-orm/pg-core'
// EXCLUDE constraints cannot be declared with drizzle: added by hand in 0000_init.sql
export const slots = pgTable('slots', { id: integer('id').primaryKey(), room: integer('room').notNull() })
`
    const sql = [
      'CREATE TABLE "slots" (\n  "id" integer PRIMARY KEY NOT NULL,\n  "room" integer NOT NULL\n);',
      'ALTER TABLE "slots" ADD CONSTRAINT "slots_room_excl" EXCLUDE USING btree ("room" WITH =);',
      'ALTER TABLE "slots" ADD CONSTRAINT "slots_room_check" CHECK ("room" > 0);'
    ].join('\n--> statement-breakpoint\n')

    test('says drizzle cannot declare it and push leaves it alone; a warning whose fix is the severity setting, not a DROP', async () => {
      const report = await check(writeProject({ 'schema.ts': schema, 'drizzle/0000_init.sql': sql }))
      const exclusion = find(report, 'extra_constraint', { name: 'slots_room_excl' })
      expect(exclusion).toMatchObject({ severity: 'warning', file: 'drizzle/0000_init.sql', line: 6 })
      expect(exclusion.cause).toBe(
        'created by drizzle/0000_init.sql:6: hand-written SQL, as it must be, since drizzle cannot declare exclusion (EXCLUDE) constraints. ' +
          "drizzle-kit does not manage it either: generate never drops it, and push's introspection reads only primary key, unique, check and foreign-key constraints (and skips the indexes constraints own), so push leaves it alone"
      )
      expect(exclusion.fix).toBe(
        'Keep it, and accept it in drift-guard.config.json: "severity": { "extra_constraint": "notice" } (or "off") on target "default" (this applies to every extra_constraint of the target)'
      )
      expect(exclusion.fix).not.toMatch(/DROP/)
      // A hand-written CHECK can be declared: still an error, declared or dropped.
      const checkConstraint = find(report, 'extra_constraint', { name: 'slots_room_check' })
      expect(checkConstraint.severity).toBe('error')
      expect(checkConstraint.cause).toMatch(
        /drizzle-kit push would drop it; declare it in the schema, or drop it in a migration$/
      )
      expect(checkConstraint.fix).toBe('ALTER TABLE "slots" DROP CONSTRAINT "slots_room_check";')
    })

    test('"severity": { "extra_constraint": "notice" } accepts it', async () => {
      const dir = writeProject({
        'schema.ts': schema,
        'drizzle/0000_init.sql': sql
          .split('\n--> statement-breakpoint\n')
          .slice(0, 2)
          .join('\n--> statement-breakpoint\n'),
        'drift-guard.config.json': JSON.stringify({
          targets: [{ name: 'default', drizzleConfig: 'drizzle.config.ts', severity: { extra_constraint: 'notice' } }]
        })
      })
      const report = await check(dir)
      expect(report.ok).toBe(true)
      expect(summary(report)).toEqual([
        'warning journal_error 0000_init',
        'notice extra_constraint slots.slots_room_excl'
      ])
    })
  })
})

describe('30: two journal entries in swapped order', () => {
  /** Migrations whose snapshots form one chain in `chain` order, listed in the journal in `listed` order. */
  function swappedProject(chain: string[], listed: string[]): string {
    const files: Record<string, string> = {
      'schema.ts':
        "import { integer, pgTable } from 'drizzle-orm/pg-core'\nexport const a = pgTable('a', { id: integer('id').primaryKey() })\n"
    }
    const id = (i: number): string => `00000000-0000-4000-8000-00000000000${i + 1}`
    chain.forEach((tag, i) => {
      files[`drizzle/${tag}.sql`] = i === 0 ? 'CREATE TABLE "a" ("id" integer PRIMARY KEY NOT NULL);' : 'SELECT 1;'
      const table = {
        name: 'a',
        schema: '',
        columns: { id: { name: 'id', type: 'integer', primaryKey: true, notNull: true } },
        indexes: {},
        foreignKeys: {},
        compositePrimaryKeys: {},
        uniqueConstraints: {},
        policies: {},
        checkConstraints: {},
        isRLSEnabled: false
      }
      const snapshot = {
        id: id(i),
        prevId: i === 0 ? '00000000-0000-0000-0000-000000000000' : id(i - 1),
        version: '7',
        dialect: 'postgresql',
        tables: { 'public.a': table },
        enums: {},
        schemas: {},
        sequences: {},
        roles: {},
        policies: {},
        views: {},
        _meta: { columns: {}, schemas: {}, tables: {} }
      }
      files[`drizzle/meta/${tag.slice(0, 4)}_snapshot.json`] = JSON.stringify(snapshot, null, 2)
    })
    const dir = writeProject(files, listed)
    // Each entry keeps the `when` it was generated with (its place in the chain), as a merge of the journal leaves it.
    const journalFile = path.join(dir, 'drizzle', 'meta', '_journal.json')
    const journal = JSON.parse(fs.readFileSync(journalFile, 'utf8'))
    for (const entry of journal.entries) entry.when = 1700000000000 + chain.indexOf(entry.tag) * 100_000
    fs.writeFileSync(journalFile, JSON.stringify(journal, null, 2))
    return dir
  }
  const folderFindings = (dir: string): ReturnType<typeof checkFolder> => {
    const folder = readMigrationFolder(path.join(dir, 'drizzle'))
    return checkFolder(folder, readSnapshots(folder.migrations), dir)
  }

  test('one journal_error on the journal line, whose cause says they were reordered and whose fix swaps them back', () => {
    const dir = swappedProject(['0000_init', '0001_b', '0002_c'], ['0000_init', '0002_c', '0001_b'])
    const findings = folderFindings(dir)
    expect(findings.map((f) => `${f.kind} ${f.name}`)).toEqual(['journal_error 0002_c'])
    const [swap] = findings
    expect(swap).toMatchObject({ severity: 'error', file: path.join('drizzle', 'meta', '_journal.json'), line: 16 })
    expect(swap.message).toBe(
      "the journal lists 0002_c (idx 1) before 0001_b (idx 2), but 0002_c's snapshot was generated on top of 0001_b's (its prevId 00000000-0000-4000-8000-000000000002 is the id of 0001_b's)"
    )
    expect(swap.cause).toMatch(
      /^the two entries were reordered, as a merge of _journal\.json that kept both sides leaves them: the snapshots' prevId chain is intact with 0001_b first/
    )
    expect(swap.fix).toBe(
      'In meta/_journal.json, swap the two entries back: 0001_b first with idx 1, then 0002_c with idx 2'
    )
  })

  test('with entries after them (three broken links), and two entries apart: still one finding each', () => {
    const chain = ['0000_a', '0001_b', '0002_c', '0003_d', '0004_e']
    expect(
      folderFindings(swappedProject(chain, ['0000_a', '0002_c', '0001_b', '0003_d', '0004_e'])).map(
        (f) => `${f.kind} ${f.name}`
      )
    ).toEqual(['journal_error 0002_c'])
    const apart = folderFindings(swappedProject(chain, ['0000_a', '0003_d', '0002_c', '0001_b', '0004_e']))
    expect(apart.map((f) => `${f.kind} ${f.name}`)).toEqual(['journal_error 0003_d'])
    expect(apart[0].fix).toBe(
      'In meta/_journal.json, swap the two entries back: 0001_b first with idx 1, then 0003_d with idx 3'
    )
  })

  test('two migrations generated from the same parent are not a swap: the broken prevId is reported as before', () => {
    const dir = swappedProject(['0000_init', '0001_b', '0002_c'], ['0000_init', '0001_b', '0002_c'])
    const snapshotFile = path.join(dir, 'drizzle', 'meta', '0002_snapshot.json')
    fs.writeFileSync(
      snapshotFile,
      JSON.stringify({
        ...JSON.parse(fs.readFileSync(snapshotFile, 'utf8')),
        prevId: '00000000-0000-4000-8000-000000000001'
      })
    )
    expect(folderFindings(dir).map((f) => `${f.kind} ${f.name}: ${f.cause}`)).toEqual([
      "journal_error 0002_c: the prevId chain is broken: 0001_b and 0002_c were both generated on top of 0000_init (two branches, merged), so 0002_c's snapshot lacks what 0001_b changed"
    ])
  })
})
