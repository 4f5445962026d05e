// drizzle-kit 1.x folders (one folder per migration: migration.sql + snapshot.json): the causes read the .sql files
// drizzle-orm 1.x's migrator never applies (beside the folders, or beside a folder's migration.sql), as they read a
// 0.x folder's files its journal does not list; and snapshot_out_of_date tells a change the migrations already build
// (the snapshot's) from a schema change nobody generated. The projects' migrations are written by the real
// drizzle-kit 1.x (the release candidate in vendor-drizzle-1/), installed in the test's own folder; what is "by hand"
// here is what a person writes by hand. Each fix is followed and the real 1.x tools agree with the result.
import * as fs from 'node:fs'
import * as path from 'node:path'
import { checkProject, runCheck } from '../src/engine/check'
import { Finding, Report } from '../src/core/findings'
import { repairProject } from '../src/repair/repair'
import { EACH_POSTGRES, providerForSuite } from './helpers/postgres'
import { drizzleMigrate1, kit1Generate, kit1Install } from './helpers/repair-kit1'
import { REPO } from './helpers/project'

const KIT1_VERSION = JSON.parse(
  fs.readFileSync(path.join(REPO, 'vendor-drizzle-1', 'node_modules', 'drizzle-kit', 'package.json'), 'utf8')
).version

const CONFIG = `import { defineConfig } from 'drizzle-kit'
export default defineConfig({ dialect: 'postgresql', schema: './schema.ts', out: './drizzle' })
`

let made = 0
/**
 * A 1.x project inside the folder holding the real 1.x pair: one `drizzle-kit generate` per schema step, each new
 * folder renamed to a fixed timestamp (10 s apart) so that the tests can name them; then the final schema.
 */
async function kit1Project(name: string, steps: string[], finalSchema?: string): Promise<string> {
  const dir = path.join(kit1Install(), `${name}-${process.pid}-${made++}`)
  fs.mkdirSync(dir, { recursive: true })
  fs.writeFileSync(path.join(dir, 'drizzle.config.ts'), CONFIG)
  fs.writeFileSync(
    path.join(dir, 'package.json'),
    JSON.stringify({
      name,
      private: true,
      devDependencies: { 'drizzle-kit': KIT1_VERSION, 'drizzle-orm': KIT1_VERSION }
    })
  )
  const out = path.join(dir, 'drizzle')
  for (const [i, schema] of steps.entries()) {
    fs.writeFileSync(path.join(dir, 'schema.ts'), schema)
    const before = new Set(fs.existsSync(out) ? fs.readdirSync(out) : [])
    const output = await kit1Generate(dir, 'drizzle.config.ts', ['--name', `step${i}`])
    const created = fs.readdirSync(out).filter((f) => !before.has(f))
    if (created.length !== 1) throw new Error(`generate step${i} made ${created.length} folders:\n${output}`)
    fs.renameSync(path.join(out, created[0]), path.join(out, stamp(i)))
  }
  if (finalSchema) fs.writeFileSync(path.join(dir, 'schema.ts'), finalSchema)
  return dir
}
const stamp = (i: number): string => `202601100000${String(i * 10).padStart(2, '0')}_step${i}`

const find = (report: Report, kind: Finding['kind'], match: Partial<Finding> = {}): Finding => {
  const f = report.findings.find(
    (x) =>
      x.kind === kind && Object.entries(match).every(([k, v]) => (x as unknown as Record<string, unknown>)[k] === v)
  )
  if (!f) throw new Error(`no ${kind} ${JSON.stringify(match)} in ${report.findings.map((x) => `${x.kind}:${x.name}`)}`)
  return f
}
const lineOf = (text: string, needle: string): number => text.split('\n').findIndex((l) => l.includes(needle)) + 1
const NEVER_RUN = `a file of the migrations folder that is no migration folder's migration.sql: drizzle's migrator never runs it`

const NOTES = `import { integer, pgTable, text } from 'drizzle-orm/pg-core'
export const users = pgTable('users', { id: integer().primaryKey() })
export const notes = pgTable('notes', { id: integer().primaryKey(), body: text() })
`
const NOTES_RLS = NOTES.replace('primaryKey() })', 'primaryKey(), name: text() })').replace(
  'body: text() })',
  'body: text() }).enableRLS()'
)
const DOCS = `import { integer, pgTable } from 'drizzle-orm/pg-core'
export const docs = pgTable('docs', { id: integer().primaryKey() })
`
const DOCS_CODE = `import { sql } from 'drizzle-orm'
import { integer, pgTable, text } from 'drizzle-orm/pg-core'
export const docs = pgTable('docs', { id: integer().primaryKey(), code: text().default(sql\`next_code()\`) })
`
const FUNCTIONS = `CREATE FUNCTION next_code() RETURNS text LANGUAGE sql AS $$ SELECT 'c-' || floor(random() * 1000)::text $$;\n`

describe.each(EACH_POSTGRES)('drizzle-kit 1.x folders, on %s', (name, createProvider) => {
  const provider = providerForSuite(createProvider)
  const kind = name.startsWith('embedded') ? 'pglite' : 'server'

  test('a .sql file beside the migration folders, and one beside a migration.sql: the file and line, not "no migration was generated"', async () => {
    const dir = await kit1Project('unlisted-after', [NOTES, NOTES_RLS])
    // The generated step1's statements moved by hand to files the migrator never applies.
    const migration = path.join(dir, 'drizzle', stamp(1), 'migration.sql')
    const statements = fs
      .readFileSync(migration, 'utf8')
      .split('--> statement-breakpoint')
      .map((s) => s.trim())
    const addColumn = statements.find((s) => /ADD COLUMN "name"/.test(s))!
    const enableRls = statements.find((s) => /ENABLE ROW LEVEL SECURITY/.test(s))!
    expect([addColumn, enableRls].every(Boolean)).toBe(true)
    fs.writeFileSync(migration, 'SELECT 1;')
    fs.writeFileSync(path.join(dir, 'drizzle', 'name.sql'), `${addColumn}\n`)
    fs.writeFileSync(path.join(dir, 'drizzle', stamp(1), 'rls.sql'), `${enableRls}\n`)

    const report = await runCheck({ root: dir, provider })
    const target = report.targets[0].name
    const column = find(report, 'missing_column', { table: 'users', column: 'name' })
    expect(column.cause).toBe(
      `declared at schema.ts:${lineOf(NOTES_RLS, "pgTable('users'")}; created by drizzle/name.sql:1, ${NEVER_RUN}, so the databases it migrates do not have it`
    )
    expect(column.fix).toBe(
      `Make "drizzle/name.sql" a migration: a folder of its own named to sort after the others (\`drizzle-kit generate --custom\` writes an empty one), after the migrations that create the tables it alters (users), holding it as migration.sql, so that drizzle's migrator runs it. As it is, it cannot be a "setup" file ("setup" runs before the migrations, and it alters their tables)`
    )
    expect(find(report, 'rls_mismatch', { table: 'notes' }).cause).toBe(
      `declared at schema.ts:${lineOf(NOTES_RLS, "pgTable('notes'")}; row level security enabled by drizzle/${stamp(1)}/rls.sql:1, ${NEVER_RUN}, so the databases it migrates do not have it`
    )
    // Each file is also said once on its own.
    expect(find(report, 'journal_error', { name: 'name' })).toMatchObject({
      severity: 'warning',
      file: 'drizzle/name.sql',
      message:
        "drizzle/name.sql: name.sql is in no migration folder: drizzle's migrator applies only each folder's migration.sql, never this file"
    })
    expect(find(report, 'journal_error', { name: 'rls' }).message).toBe(
      `drizzle/${stamp(1)}/rls.sql: ${stamp(1)}/rls.sql is not its folder's migration.sql: drizzle's migrator never applies it`
    )
    expect(target).toBeTruthy()
  })

  test('a migration calling a function only a .sql file beside the folders creates: named, and with the file made a folder that sorts before it, the check, 1.x generate and the 1.x migrator agree', async () => {
    const dir = await kit1Project('unlisted-before', [DOCS, DOCS_CODE])
    expect(fs.readFileSync(path.join(dir, 'drizzle', stamp(1), 'migration.sql'), 'utf8')).toMatch(/next_code\(\)/)
    fs.writeFileSync(path.join(dir, 'drizzle', 'functions.sql'), FUNCTIONS)
    const report = await runCheck({ root: dir, provider })
    const target = report.targets[0].name
    const failed = find(report, 'migration_failed', { name: stamp(1) })
    expect(failed.cause).toMatch(
      new RegExp(
        `^function next_code\\(\\) is created by drizzle/functions\\.sql:1, ${NEVER_RUN.replace(/[.()]/g, '\\$&')}\\. `
      )
    )
    expect(failed.fix).toBe(
      `Make "drizzle/functions.sql" a migration: a folder of its own named to sort before ${stamp(1)} (a 14-digit timestamp earlier than its own), holding it as migration.sql, so that drizzle's migrator runs it; databases that already ran ${stamp(1)} run it too (the migrator applies every folder whose name it has not recorded); or, if your deployment runs it before the migrations some other way, name "drizzle/functions.sql" in "setup" of target "${target}" in drift-guard.config.json, so that the check runs it too`
    )
    // Following the fix: a folder that sorts between the two, holding the file as its migration.sql.
    const old = path.join(dir, 'migrations-old')
    fs.mkdirSync(old)
    fs.cpSync(path.join(dir, 'drizzle', stamp(0)), path.join(old, stamp(0)), { recursive: true })
    const between = path.join(dir, 'drizzle', '20260110000005_functions')
    fs.mkdirSync(between)
    fs.renameSync(path.join(dir, 'drizzle', 'functions.sql'), path.join(between, 'migration.sql'))
    const [fixed, generated, migrated] = await Promise.all([
      runCheck({ root: dir, provider }),
      kit1Generate(dir, 'drizzle.config.ts'),
      drizzleMigrate1(
        kind,
        old,
        path.join(dir, 'drizzle'),
        'INSERT INTO docs (id) VALUES (1)',
        'SELECT count(*) FROM docs'
      )
    ])
    // The migration applies now and the databases are compared (the schema's own database still lacks the function
    // its default calls: that is a "setup" file's job, as in the 0.x tests).
    expect(fixed.findings.filter((f) => f.kind === 'migration_failed' || f.kind === 'journal_error')).toEqual([])
    expect(fixed.targets[0].databases[0]).toMatchObject({ compared: true })
    expect(generated).toContain('No schema changes')
    // A database that ran step0 gets the function, then the column (its row kept), as a fresh one does.
    expect(migrated.rows).toBe(1)
    expect(migrated.upgraded).toEqual(migrated.fresh)
  })

  test("a column a hand-written migration folder adds, which the last snapshot lacks: the snapshot's, and drift-guard fix, not generate, which would add it again", async () => {
    const dir = await kit1Project(
      'snapshot-only',
      [NOTES],
      NOTES.replace('primaryKey() })', 'primaryKey(), email: text() })')
    )
    // SQL written by hand in a folder of its own, without a snapshot (as `generate --custom` would leave it, minus the snapshot).
    const hand = path.join(dir, 'drizzle', '20260110000010_email')
    fs.mkdirSync(hand)
    fs.writeFileSync(path.join(hand, 'migration.sql'), 'ALTER TABLE "users" ADD COLUMN "email" text;\n')
    const checked = await checkProject({ root: dir, provider })
    const report = await runCheck({ root: dir, provider })
    const target = report.targets[0].name
    expect(report.findings.filter((f) => f.kind === 'missing_column' || f.kind === 'extra_column')).toEqual([])
    const stale = find(report, 'snapshot_out_of_date')
    expect(stale.cause).toBe(
      `the migrations already build column users.email as the schema declares (the check finds no difference there): only the last snapshot (${stamp(0)}) records it otherwise (a snapshot written or edited by hand, or SQL written by hand without a new snapshot)`
    )
    expect(stale.fix).toBe(
      `Run drift-guard fix --target ${target}, not drizzle-kit generate: generate would write SQL for column users.email added that fails on databases these migrations built (it adds what exists, or drops what is gone); fix writes only what the migrations do not build yet, and a snapshot of the schema`
    )
    // What the real 1.x generate would write: the column again (it fails where the hand-written folder ran).
    const scratch = path.join(kit1Install(), `snapshot-only-generate-${kind}-${process.pid}`)
    fs.cpSync(dir, scratch, { recursive: true })
    await kit1Generate(scratch, 'drizzle.config.ts', ['--name', 'again'])
    const again = fs.readdirSync(path.join(scratch, 'drizzle')).find((f) => f.endsWith('_again'))!
    expect(fs.readFileSync(path.join(scratch, 'drizzle', again, 'migration.sql'), 'utf8')).toMatch(
      /ALTER TABLE "users" ADD COLUMN "email" text/
    )
    fs.rmSync(scratch, { recursive: true, force: true })
    // The fix: a snapshot of the schema and no SQL of the column; then 1.x generate has nothing to write.
    const result = repairProject(checked, { name: 'repair' })
    expect(result.ok).toBe(true)
    const [after, generated] = await Promise.all([
      runCheck({ root: dir, provider }),
      kit1Generate(dir, 'drizzle.config.ts')
    ])
    expect(after.findings.filter((f) => f.severity === 'error')).toEqual([])
    expect(generated).toContain('No schema changes')
  })
})
