// Fix hints, causes and locations: enum values appended in another order, journal entries with neither SQL file
// nor snapshot, objects traced through renames, SQL line numbers, stand-ins as enum values, and targets that could
// not be loaded (failure numbers refer to docs/real-world.md). Checked on the embedded Postgres.
import * as fs from 'node:fs'
import * as path from 'node:path'
import { runCheck } from '../src/engine/check'
import { Report } from '../src/core/findings'
import { PgliteProvider } from '../src/postgres/pglite'
import { renderMarkdown, renderText } from '../src/report/render'
import {
  makeProject,
  tempDir,
  writeMigrations,
  findFinding,
  writeJournalProject,
  removeAfterAll
} from './helpers/project'

const provider = new PgliteProvider()
afterAll(async () => {
  await provider.dispose()
})

const CONFIG = `import { defineConfig } from 'drizzle-kit'\nexport default defineConfig({ dialect: 'postgresql', schema: './schema.ts', out: './drizzle' })\n`

/** A project written file by file (journal entries by tag, a second apart, in the order given). */
function writeProject(files: Record<string, string>, tags: string[] = ['0000_init']): string {
  const dir = tempDir('dg-hints-')
  return writeJournalProject(dir, CONFIG, files, tags)
}

const find = findFinding

const check = (dir: string): Promise<Report> => runCheck({ root: dir, provider })

describe('18a: enum values appended in another order', () => {
  test('the hint names, for each misplaced value, a neighbour that existed when it was added; the cause blames the migration that added it', async () => {
    const dir = writeProject(
      {
        'schema.ts': [
          "import { pgTable, pgEnum, integer } from 'drizzle-orm/pg-core'",
          "export const source = pgEnum('source', ['a', 'b', 'c', 'z'])",
          "export const items = pgTable('items', { id: integer('id').primaryKey(), source: source('source') })"
        ].join('\n'),
        'drizzle/0000_init.sql': `CREATE TYPE "public"."source" AS ENUM('a', 'z');\n--> statement-breakpoint\nCREATE TABLE "items" ("id" integer PRIMARY KEY NOT NULL, "source" "source");`,
        'drizzle/0001_more.sql': `ALTER TYPE "public"."source" ADD VALUE 'b';--> statement-breakpoint\nALTER TYPE "public"."source" ADD VALUE 'c';`
      },
      ['0000_init', '0001_more']
    )
    const mismatch = find(await check(dir), 'enum_mismatch', { name: 'source' })
    expect(mismatch).toMatchObject({ file: 'schema.ts', line: 2 })
    expect(mismatch.cause).toContain(`'b', 'c' added by ${path.join('drizzle', '0001_more.sql')}:1-2 after 'z'`)
    expect(mismatch.cause).toContain(
      "ALTER TYPE source ADD VALUE 'b' BEFORE 'z', ADD VALUE 'c' BEFORE 'z' would have kept the schema's order"
    )
    expect(mismatch.cause).not.toContain('0000_init')
  })

  test('a value placed with a BEFORE that was wrong is blamed on its own statement, and the fix uses the values of that time', async () => {
    const dir = writeProject(
      {
        'schema.ts': [
          "import { pgTable, pgEnum, integer } from 'drizzle-orm/pg-core'",
          "export const kind = pgEnum('kind', ['github', 'gitlab', 'bitbucket', 'drop', 'raw'])",
          "export const apps = pgTable('apps', { id: integer('id').primaryKey(), kind: kind('kind') })"
        ].join('\n'),
        'drizzle/0000_init.sql': `CREATE TYPE "kind" AS ENUM('github', 'drop', 'raw');\n--> statement-breakpoint\nCREATE TABLE "apps" ("id" integer PRIMARY KEY NOT NULL, "kind" "kind");`,
        'drizzle/0001_gitlab.sql': `-- gitlab\nALTER TYPE "kind" ADD VALUE 'gitlab' BEFORE 'drop';`,
        'drizzle/0002_bitbucket.sql': `ALTER TYPE "kind" ADD VALUE 'bitbucket' AFTER 'raw';`
      },
      ['0000_init', '0001_gitlab', '0002_bitbucket']
    )
    const mismatch = find(await check(dir), 'enum_mismatch', { name: 'kind' })
    expect(mismatch.message).toContain('database (github, gitlab, drop, raw, bitbucket)')
    expect(mismatch.cause).toContain(`'bitbucket' added by ${path.join('drizzle', '0002_bitbucket.sql')}:1 after 'raw'`)
    expect(mismatch.cause).toContain("ALTER TYPE kind ADD VALUE 'bitbucket' BEFORE 'drop' would have kept")
    expect(mismatch.cause).not.toMatch(/0000_init|0001_gitlab/)
  })
})

describe('18b: journal entries with neither SQL file nor snapshot', () => {
  test('"no migration was generated" also names the entries after the last snapshot whose files are missing', async () => {
    const items =
      "import { pgTable, integer } from 'drizzle-orm/pg-core'\nexport const items = pgTable('items', { id: integer('id').primaryKey() })\n"
    const dir = await makeProject({
      steps: [items],
      finalSchema: items + "export const pins = pgTable('pins', { id: integer('id').primaryKey() })\n"
    })
    removeAfterAll(dir)
    const journalFile = path.join(dir, 'drizzle', 'meta', '_journal.json')
    const journal = JSON.parse(fs.readFileSync(journalFile, 'utf8'))
    journal.entries.push({
      idx: 1,
      version: '7',
      when: journal.entries[0].when + 1000,
      tag: '0001_pins',
      breakpoints: true
    })
    fs.writeFileSync(journalFile, JSON.stringify(journal, null, 2))
    const missing = find(await check(dir), 'missing_table', { table: 'pins' })
    expect(missing.cause).toContain(
      'added to the schema after the last snapshot (0000_step_0): no migration was generated for it, or it is in 0001_pins (after the last snapshot), whose SQL file and snapshot are missing'
    )
  })
})

describe('18c: an object traced through renames', () => {
  test('an index whose name an older index had, renamed away, is traced to the statement that created the one that exists', async () => {
    const sql = [
      'CREATE TABLE "events" ("id" integer NOT NULL, "org_id" integer NOT NULL, "at" timestamp NOT NULL, CONSTRAINT "events_id_at_pk" PRIMARY KEY ("id", "at"));',
      'CREATE INDEX "events_org_idx" ON "events" USING btree ("org_id");',
      'ALTER TABLE "events" RENAME TO "events_legacy";',
      'ALTER INDEX "events_org_idx" RENAME TO "events_legacy_org_idx";',
      'ALTER TABLE "events_legacy" RENAME CONSTRAINT "events_id_at_pk" TO "events_legacy_pk";',
      'CREATE TABLE "events" ("id" integer NOT NULL, "org_id" integer NOT NULL, "at" timestamp NOT NULL, CONSTRAINT "events_id_at_pk" PRIMARY KEY ("id", "at"));',
      'CREATE INDEX "events_org_idx" ON "events" USING btree ("org_id" DESC);'
    ].join('\n--> statement-breakpoint\n')
    const dir = writeProject({
      'schema.ts': [
        "import { pgTable, primaryKey, index, integer, timestamp } from 'drizzle-orm/pg-core'",
        "export const events = pgTable('events', { id: integer('id').notNull(), orgId: integer('org_id').notNull(), at: timestamp('at').notNull() },",
        "  (t) => [primaryKey({ columns: [t.id, t.at] }), index('events_org_idx').on(t.orgId)])"
      ].join('\n'),
      'drizzle/0000_init.sql': sql
    })
    const report = await check(dir)
    const file = path.join('drizzle', '0000_init.sql')
    const mismatch = find(report, 'index_mismatch', { name: 'events_org_idx' })
    expect(mismatch.cause).toBe(`declared at schema.ts:3; created with another definition by ${file}:13`)
    // The table renamed into existence is traced to its RENAME.
    expect(find(report, 'extra_table', { table: 'events_legacy' })).toMatchObject({ file, line: 5 })
  })
})

describe('19c: SQL line numbers', () => {
  test('a column created NOT NULL by a CREATE TABLE after a comment is traced to the column line, not the comment', async () => {
    const schema = [
      "import { pgTable, text } from 'drizzle-orm/pg-core'",
      "export const embedding = pgTable('embedding', { id: text('id').primaryKey(), content: text('content').notNull(), embedding: text('embedding') })"
    ].join('\n')
    const dir = await makeProject({ steps: [schema] })
    const file = path.join(dir, 'drizzle', '0000_step_0.sql')
    const generated = fs.readFileSync(file, 'utf8')
    expect(generated).toMatch(/^CREATE TABLE "embedding"/)
    const edited =
      '-- Create embedding table with optimized vector type\n' +
      generated.replace('"embedding" text', '"embedding" text NOT NULL')
    fs.writeFileSync(file, edited)
    const report = await check(dir)
    const mismatch = find(report, 'column_nullability_mismatch', { table: 'embedding', column: 'embedding' })
    const columnLine = edited.split('\n').findIndex((l) => l.includes('"embedding" text NOT NULL')) + 1
    expect(columnLine).toBeGreaterThan(2)
    expect(mismatch.cause).toContain(
      `the SQL that built it (${path.join('drizzle', '0000_step_0.sql')}:${columnLine}) differs`
    )
  })

  test('row level security enabled by hand is traced to its ENABLE, not to an earlier ALTER TABLE of the table', async () => {
    const dir = writeProject(
      {
        'schema.ts': [
          "import { integer, pgTable, serial } from 'drizzle-orm/pg-core'",
          "export const orgs = pgTable('orgs', { id: serial('id').primaryKey() })",
          "export const shares = pgTable('shares', { id: serial('id').primaryKey(), orgId: integer('org_id').notNull().references(() => orgs.id) })"
        ].join('\n'),
        'drizzle/0000_init.sql': [
          'CREATE TABLE "orgs" ("id" serial PRIMARY KEY NOT NULL);',
          'CREATE TABLE "shares" ("id" serial PRIMARY KEY NOT NULL, "org_id" integer NOT NULL);',
          'ALTER TABLE "shares" ADD CONSTRAINT "shares_org_id_orgs_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."orgs"("id") ON DELETE no action ON UPDATE no action;'
        ].join('\n--> statement-breakpoint\n'),
        'drizzle/0001_rls.sql': [
          '-- RLS for shares (ALTER TABLE shares ENABLE ROW LEVEL SECURITY, see below)',
          'COMMENT ON TABLE "shares" IS \'ALTER TABLE shares ENABLE ROW LEVEL SECURITY\';',
          'ALTER TABLE "shares" ENABLE ROW LEVEL SECURITY;'
        ].join('\n')
      },
      ['0000_init', '0001_rls']
    )
    const mismatch = find(await check(dir), 'rls_mismatch', { table: 'shares' })
    expect(mismatch.cause).toContain(`changed by ${path.join('drizzle', '0001_rls.sql')}:3,`)
  })

  test('a failing statement after comment lines is reported at its own line', async () => {
    const dir = writeProject({
      'schema.ts':
        "import { pgTable, integer } from 'drizzle-orm/pg-core'\nexport const items = pgTable('items', { id: integer('id').primaryKey() })\n",
      'drizzle/0000_init.sql':
        'CREATE TABLE "items" ("id" integer PRIMARY KEY NOT NULL);\n--> statement-breakpoint\n\n-- clean up the old table\n-- (it was renamed)\nDROP TABLE "old_items";'
    })
    const report = await check(dir)
    const failure = report.findings.find((f) => f.kind === 'migration_failed')
    expect(failure).toMatchObject({ file: path.join('drizzle', '0000_init.sql'), line: 6 })
  })
})

describe('a stand-in (--stub-missing-imports) as the values of an enum', () => {
  const schema = (values: string): string =>
    [
      "import { pgTable, pgEnum, integer } from 'drizzle-orm/pg-core'",
      "import { ROLES } from '@r/not-installed'",
      `export const role = pgEnum('role', ${values})`,
      "export const members = pgTable('members', { id: integer('id').primaryKey(), role: role('role') })"
    ].join('\n')
  const migration = `CREATE TYPE "public"."role" AS ENUM('owner', 'member');\n--> statement-breakpoint\nCREATE TABLE "members" ("id" integer PRIMARY KEY NOT NULL, "role" "role");`

  test('an enum left without values is a clear error at its declaration, not an empty enum', async () => {
    const dir = writeProject({ 'schema.ts': schema('ROLES'), 'drizzle/0000_init.sql': migration })
    await expect(runCheck({ root: dir, provider, stubMissingImports: true })).rejects.toMatchObject({
      message: expect.stringMatching(
        /^schema\.ts:3: enum role has no values, and a stand-in was used for @r\/not-installed \(--stub-missing-imports\)/
      ),
      line: 3
    })
  })

  test('an enum whose values are stand-ins names the package', async () => {
    const dir = writeProject({ 'schema.ts': schema('[ROLES.OWNER, ROLES.MEMBER]'), 'drizzle/0000_init.sql': migration })
    await expect(runCheck({ root: dir, provider, stubMissingImports: true })).rejects.toThrow(
      /^schema\.ts:3: the values of enum role are a stand-in for @r\/not-installed \(--stub-missing-imports\), so the schema cannot be built as declared/
    )
  })
})

describe('a discovered target that could not be loaded, in the report', () => {
  test('text and markdown say it was not checked, instead of an empty migrations folder and "no database"', async () => {
    const schema =
      "import { pgTable, integer } from 'drizzle-orm/pg-core'\nexport const items = pgTable('items', { id: integer('id').primaryKey() })\n"
    const dir = tempDir('dg-hints-')
    const files: Record<string, string> = {
      'package.json': '{ "name": "r", "private": true }',
      'packages/db/package.json': '{ "name": "db" }',
      'packages/db/drizzle.config.ts':
        'export default { dialect: "postgresql", schema: "./schema.ts", out: "./migrations" };\n',
      'packages/db/schema.ts': schema,
      'packages/auth/package.json': '{ "name": "auth" }',
      'packages/auth/drizzle.config.ts':
        'export default { dialect: "postgresql", schema: "./src/auth-schema.ts", out: "./migrations" };\n'
    }
    for (const [file, content] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true })
      fs.writeFileSync(path.join(dir, file), content)
    }
    await writeMigrations(path.join(dir, 'packages', 'db'), 'migrations', [schema])
    const report = await check(dir)
    expect(report.targets.map((t) => t.name)).toEqual(['packages/db', 'packages/auth'])

    const text = renderText(report)
    expect(text).toContain(
      '\npackages/auth: not checked: its drizzle config cannot be resolved (see the finding below)\n  ✖ schema_error'
    )
    expect(text).toContain('packages/db: packages/db/migrations -> packages/db (1/1 migrations)')
    expect(text).not.toContain('no database')
    const markdown = renderMarkdown(report)
    expect(markdown).toContain(
      '`packages/auth/drizzle.config.ts`: not checked: its drizzle config cannot be resolved (see the finding below).'
    )
    expect(markdown).not.toMatch(/Migrations `` applied|no database/)
  })
})
