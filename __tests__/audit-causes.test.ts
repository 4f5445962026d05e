// The audit's causes read the project as the check's do (commit 5c17b6f): never "run drizzle-kit generate" where
// hand-written migrations after the last snapshot make generate write their work again, and a column only a SQL
// file outside the journal adds is blamed on that file. On a live database of the server, migrated as drizzle's
// migrator would (the journal's migrations only).
import * as fs from 'node:fs'
import * as path from 'node:path'
import postgres from 'postgres'
import { runAudit } from '../src/engine/audit'
import { Finding, Report } from '../src/core/findings'
import { applyMigrations } from '../src/migrations/apply'
import { readMigrationFolder } from '../src/migrations/folder'
import { PgliteProvider } from '../src/postgres/pglite'
import { SERVER_URL } from './helpers/postgres'
import { appendHandWrittenMigration, makeProject } from './helpers/project'

const USERS = `import { integer, pgTable, text } from 'drizzle-orm/pg-core'
export const users = pgTable('users', { id: integer('id').primaryKey() })
`
const USERS_NAME = USERS.replace('primaryKey() })', "primaryKey(), name: text('name') })")
const FINAL = `import { integer, pgTable, text } from 'drizzle-orm/pg-core'
export const users = pgTable('users', { id: integer('id').primaryKey(), name: text('name'), email: text('email') })
export const tags = pgTable('tags', { id: integer('id').primaryKey() })
`

const find = (report: Report, kind: Finding['kind'], column: string): Finding => {
  const f = report.findings.find((x) => x.kind === kind && x.column === column)
  if (!f) throw new Error(`no ${kind} ${column} in ${report.findings.map((x) => `${x.kind}:${x.column ?? x.name}`)}`)
  return f
}

test('audit: a column added without a migration after hand-written ones is not told to run generate, and one only an unlisted SQL file adds names that file', async () => {
  const dir = await makeProject({ steps: [USERS, USERS_NAME], finalSchema: FINAL })
  // The generated 0001 lost its statement to a file the journal does not list (run by a script of the project's).
  const generated = path.join(dir, 'drizzle', '0001_step_1.sql')
  expect(fs.readFileSync(generated, 'utf8')).toMatch(/ADD COLUMN "name"/)
  fs.writeFileSync(generated, 'SELECT 1;')
  fs.writeFileSync(path.join(dir, 'drizzle', '0001_name.sql'), 'ALTER TABLE "users" ADD COLUMN "name" text;\n')
  // Snapshots stopped: a hand-written migration after the last one.
  appendHandWrittenMigration(dir, 'drizzle', '0002_tags', 'CREATE TABLE "tags" ("id" integer PRIMARY KEY NOT NULL);')

  const live = `dg_audit_causes_${process.pid}`
  const admin = postgres(SERVER_URL, { max: 1, onnotice: () => undefined })
  const scratch = new PgliteProvider()
  await admin.unsafe(`drop database if exists "${live}" with (force)`)
  await admin.unsafe(`create database "${live}"`)
  const liveUrl = SERVER_URL.replace(/\/[^/]*$/, `/${live}`)
  try {
    const sql = postgres(liveUrl, { max: 1, onnotice: () => undefined })
    await applyMigrations(
      {
        label: live,
        query: async <T>(text: string, params?: unknown[]) =>
          (await sql.unsafe(text, (params ?? []) as never[])) as unknown as T[],
        exec: async (text: string) => void (await sql.unsafe(text).simple()),
        close: async () => sql.end()
      },
      readMigrationFolder(path.join(dir, 'drizzle')).migrations,
      { schema: 'drizzle', table: '__drizzle_migrations' }
    )
    await sql.end()
    fs.writeFileSync(
      path.join(dir, 'drift-guard.config.json'),
      JSON.stringify({ targets: [{ name: 'app', drizzleConfig: 'drizzle.config.ts', databases: [live] }] })
    )
    const report = await runAudit({ root: dir, databaseUrl: liveUrl, scratch, timeoutMs: 60_000 })
    expect(report.targets[0].databases[0]).toMatchObject({ name: live, compared: true })

    expect(find(report, 'missing_column', 'email').cause).toBe(
      'declared at src/schema.ts:2, added to the schema after the last snapshot (0001_step_1): no migration was generated for it. Run drift-guard fix --target app, not drizzle-kit generate: migrations after the last snapshot (0001_step_1) have none, so generate would write their work again (see snapshot_out_of_date)'
    )
    expect(find(report, 'missing_column', 'name').cause).toBe(
      `declared at src/schema.ts:2; created by drizzle/0001_name.sql:1, a file of the migrations folder that meta/_journal.json does not list: drizzle's migrator never runs it, so the databases it migrates do not have it`
    )
    expect(find(report, 'missing_column', 'name').fix).toMatch(
      /^List 0001_name in meta\/_journal\.json as its last entry/
    )
  } finally {
    await scratch.dispose()
    await admin.unsafe(`drop database if exists "${live}" with (force)`)
    await admin.end()
  }
})
