// Causes read from the snapshot history: 1.x snapshots and pgSchema tables, constraints, indexes and policies
// changed after the last snapshot, enum values added where the values of that time put them (failure numbers
// refer to docs/real-world.md). drizzle-kit's own output, then the schema edited without generate, or migrations
// written as the real repositories wrote them.
import * as fs from 'node:fs'
import * as path from 'node:path'
import { runCheck } from '../src/engine/check'
import { Report } from '../src/core/findings'
import { PgliteProvider } from '../src/postgres/pglite'
import { PostgresProvider } from '../src/postgres/provider'
import { REPO, appendHandWrittenMigration, makeProject, tempDir, findFinding } from './helpers/project'

let provider: PostgresProvider
beforeAll(() => {
  provider = new PgliteProvider()
})
afterAll(async () => {
  await provider.dispose()
})

const summary = (report: Report): string[] =>
  report.findings.map((f) => `${f.kind} ${f.table ?? ''} ${f.name ?? f.column ?? ''}: ${f.message} | ${f.cause ?? ''}`)

const find = findFinding

async function project(steps: string[], finalSchema?: string): Promise<string> {
  const dir = await makeProject({ steps, finalSchema })
  return dir
}

describe('21: drizzle-kit 1.x snapshots and tables in a pgSchema', () => {
  test('a partial index on a table in a pgSchema, as 1.x generated it: no finding', async () => {
    const dir = tempDir('kit1-pgschema-')
    fs.cpSync(path.join(REPO, '__fixtures__', 'kit1-pgschema-partial'), dir, { recursive: true })
    const report = await runCheck({ root: dir, provider })
    expect(summary(report)).toEqual([])
  })

  test('the same index with another where in the schema is still "changed"', async () => {
    const dir = tempDir('kit1-pgschema-')
    fs.cpSync(path.join(REPO, '__fixtures__', 'kit1-pgschema-partial'), dir, { recursive: true })
    const schemaFile = path.join(dir, 'schema.ts')
    fs.writeFileSync(schemaFile, fs.readFileSync(schemaFile, 'utf8').replace('${t.done} = false', '${t.done} = true'))
    const report = await runCheck({ root: dir, provider })
    expect(find(report, 'snapshot_out_of_date').message).toMatch(/index items_open_idx on app\.items changed/)
  })
})

const USERS_POSTS = (fk: string, extra = ''): string => `import { sql } from 'drizzle-orm'
import { check, index, integer, pgPolicy, pgTable, text } from 'drizzle-orm/pg-core'
export const users = pgTable('users', { id: integer('id').primaryKey() })
export const posts = pgTable('posts', { id: integer('id').primaryKey(), userId: integer('user_id').references(() => users.id${fk}), title: text('title') }, (t) => [
${extra}])
export const aVeryLongTableNameForForeignKeysToBeCutAtSixtyThreeBytes = pgTable('a_very_long_table_name_for_foreign_keys_to_be_cut', {
  id: integer('id').primaryKey(),
  aVeryLongColumnNameToo: integer('a_very_long_column_name_too').references(() => users.id${fk})
})
`

describe('22a: a constraint, index or policy changed after the last snapshot', () => {
  test('foreign keys (one named past 63 bytes): "changed after the last snapshot", not drizzle-kit\'s own SQL as hand-written', async () => {
    const dir = await project([USERS_POSTS('')], USERS_POSTS(", { onDelete: 'cascade' }"))
    const report = await runCheck({ root: dir, provider })
    const fks = report.findings.filter((f) => f.kind === 'constraint_mismatch')
    expect(fks.map((f) => f.name).sort()).toEqual([
      'a_very_long_table_name_for_foreign_keys_to_be_cut_a_very_long_c',
      'posts_user_id_users_id_fk'
    ])
    for (const fk of fks) {
      expect(fk.cause).toMatch(
        /^declared at src\/schema\.ts:\d+, changed after the last snapshot \(0000_step_0\): no migration was generated\. Run npx drizzle-kit generate/
      )
      expect(fk.cause).not.toMatch(/hand-written/)
    }
  })

  test("an index, a check, a policy and a column's unique: the same cause", async () => {
    const before =
      "  index('posts_title_idx').on(t.title),\n  check('posts_title_check', sql`${t.title} <> ''`),\n  pgPolicy('posts_read', { for: 'select', using: sql`true` }),\n  unique('posts_title_key').on(t.title),\n"
    const after =
      "  index('posts_title_idx').on(t.title).where(sql`${t.title} is not null`),\n  check('posts_title_check', sql`length(${t.title}) > 1`),\n  pgPolicy('posts_read', { for: 'select', using: sql`false` }),\n  unique('posts_title_key').on(t.title).nullsNotDistinct(),\n"
    const imports = (schema: string): string => schema.replace('pgTable, text }', 'pgTable, text, unique }')
    const dir = await project([imports(USERS_POSTS('', before))], imports(USERS_POSTS('', after)))
    const report = await runCheck({ root: dir, provider })
    for (const [kind, name] of [
      ['index_mismatch', 'posts_title_idx'],
      ['constraint_mismatch', 'posts_title_check'],
      ['policy_mismatch', 'posts_read'],
      ['constraint_mismatch', 'posts_title_key']
    ] as const) {
      expect(find(report, kind, { name }).cause).toMatch(
        /^declared at src\/schema\.ts:\d+, changed after the last snapshot \(0000_step_0\): no migration was generated\. Run npx drizzle-kit generate/
      )
    }
  })

  test('a foreign key a hand-written migration changed (the snapshots agree with the schema): still the hand-written SQL', async () => {
    const dir = await project([USERS_POSTS('')])
    appendHandWrittenMigration(
      dir,
      'drizzle',
      '0001_cascade',
      'ALTER TABLE "posts" DROP CONSTRAINT "posts_user_id_users_id_fk";\n--> statement-breakpoint\nALTER TABLE "posts" ADD CONSTRAINT "posts_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE;'
    )
    const report = await runCheck({ root: dir, provider })
    expect(find(report, 'constraint_mismatch', { name: 'posts_user_id_users_id_fk' }).cause).toBe(
      'declared at src/schema.ts:4; changed by drizzle/0001_cascade.sql:3, which the snapshots do not record (hand-written SQL)'
    )
  })

  test('drizzle-kit 1.x snapshots: foreign keys (1.x names, one hashed past 63 bytes), a check, an index and a policy changed without generate', async () => {
    const dir = tempDir('kit1-changed-')
    fs.cpSync(path.join(REPO, '__fixtures__', 'kit1-clean', 'v8'), dir, { recursive: true })
    const schemaFile = path.join(dir, 'schema.ts')
    const source = fs.readFileSync(schemaFile, 'utf8')
    const edited = source
      .replace(
        "references(() => users.id, { onDelete: 'cascade' })",
        "references(() => users.id, { onDelete: 'restrict' })"
      )
      .replace(
        "parentId: integer('parent_id').references(() => users.id)",
        "parentId: integer('parent_id').references(() => users.id, { onDelete: 'cascade' })"
      )
      .replace('sql`${t.balance} >= 0`', 'sql`${t.balance} >= 1`')
      .replace('sql`${t.active} = true`', 'sql`${t.active} = false`')
      .replace('using: sql`true`', 'using: sql`false`')
    expect(edited.split('\n').filter((l, i) => l !== source.split('\n')[i])).toHaveLength(5)
    fs.writeFileSync(schemaFile, edited)
    const report = await runCheck({ root: dir, provider })
    const changed = report.findings.filter((f) =>
      ['constraint_mismatch', 'index_mismatch', 'policy_mismatch'].includes(f.kind)
    )
    // 1.x hashes a foreign key name past 63 bytes (a_really_long_table_name_…_parent_id_users_id_fkey).
    expect(changed.map((f) => `${f.table} ${f.name}`).sort()).toEqual([
      expect.stringMatching(/^a_really_long_table_name_that_is_more_than_fifty_eight_chars_x \w+_fkey$/),
      'memberships memberships_read',
      'posts posts_user_id_users_id_fkey',
      'users users_active_idx',
      'users users_balance_check'
    ])
    for (const f of changed)
      expect(f.cause).toMatch(
        /^declared at schema\.ts:\d+, changed after the last snapshot \(\d{14}_add_nickname\): no migration was generated\. Run npx drizzle-kit generate/
      )
  })
})

/** The reproduction of §22b (and 18a's schema and 0000): one SQL file per journal entry, no snapshots. */
function enumProject(migrations: Record<string, string>): string {
  const dir = tempDir('enum-order-')
  const tags = ['0000_init', ...Object.keys(migrations)]
  const files: Record<string, string> = {
    'package.json': '{ "name": "r", "private": true }\n',
    'drizzle.config.ts':
      "import { defineConfig } from 'drizzle-kit'\nexport default defineConfig({ dialect: 'postgresql', schema: './schema.ts', out: './drizzle' })\n",
    'schema.ts':
      "import { pgTable, pgEnum, integer } from 'drizzle-orm/pg-core'\nexport const source = pgEnum('source', ['a', 'b', 'c', 'z'])\nexport const items = pgTable('items', { id: integer('id').primaryKey(), source: source('source') })\n",
    'drizzle/0000_init.sql': `CREATE TYPE "public"."source" AS ENUM('a', 'z');\n--> statement-breakpoint\nCREATE TABLE "items" ("id" integer PRIMARY KEY NOT NULL, "source" "source");\n`,
    'drizzle/meta/_journal.json': JSON.stringify({
      version: '7',
      dialect: 'postgresql',
      entries: tags.map((tag, idx) => ({ idx, version: '7', when: 1700000000000 + idx * 1000, tag, breakpoints: true }))
    }),
    ...Object.fromEntries(Object.entries(migrations).map(([tag, sql]) => [`drizzle/${tag}.sql`, sql]))
  }
  for (const [file, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true })
    fs.writeFileSync(path.join(dir, file), content)
  }
  return dir
}

describe('22b: enum values added where the values that existed then put them', () => {
  test("'c' added BEFORE 'z' after 'b' was appended: only 'b' is blamed, and the hint has only its clause", async () => {
    const dir = enumProject({
      '0001_b': `ALTER TYPE "public"."source" ADD VALUE 'b';\n`,
      '0002_c': `ALTER TYPE "public"."source" ADD VALUE 'c' BEFORE 'z';\n`
    })
    const mismatch = find(await runCheck({ root: dir, provider }), 'enum_mismatch', { name: 'source' })
    expect(mismatch.message).toBe(
      'enum source: same values in another order: schema (a, b, c, z), database (a, c, z, b)'
    )
    expect(mismatch.cause).toBe(
      "declared at schema.ts:2; 'b' added by drizzle/0001_b.sql:1 after 'z', which the snapshots do not record (hand-written SQL). Postgres keeps enum values in the order they were added; ALTER TYPE source ADD VALUE 'b' BEFORE 'z' would have kept the schema's order. Recreate the type to reorder it."
    )
  })

  test("'c' added AFTER 'a' instead: had 'b' gone before 'z', 'c' would still land before 'b', so both are blamed", async () => {
    const dir = enumProject({
      '0001_b': `ALTER TYPE "public"."source" ADD VALUE 'b';\n`,
      '0002_c': `ALTER TYPE "public"."source" ADD VALUE 'c' AFTER 'a';\n`
    })
    const mismatch = find(await runCheck({ root: dir, provider }), 'enum_mismatch', { name: 'source' })
    expect(mismatch.cause).toContain(
      "'b' added by drizzle/0001_b.sql:1 after 'z'; 'c' added by drizzle/0002_c.sql:1 after 'a'"
    )
    expect(mismatch.cause).toContain(
      "ALTER TYPE source ADD VALUE 'b' BEFORE 'z', ADD VALUE 'c' BEFORE 'z' would have kept the schema's order"
    )
  })
})
