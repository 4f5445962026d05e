// The migrations folder on its own and against the base branch: what drizzle's migrator silently gets wrong.
import { execFileSync } from 'node:child_process'
import * as fs from 'node:fs'
import * as path from 'node:path'
import { runCheck } from '../src/engine/check'
import { Finding, Report } from '../src/core/findings'
import { applyMigrations } from '../src/migrations/apply'
import { readMigrationFolder, splitStatements } from '../src/migrations/folder'
import { appendHandWrittenMigration, makeProject, writeMigrations, removeAfterAll } from './helpers/project'
import { BASE_SCHEMA, BASE_SCHEMA_AHEAD } from './helpers/schemas'
import { EACH_POSTGRES, providerForSuite } from './helpers/postgres'

const kinds = (report: Report, kind: Finding['kind']): Finding[] => report.findings.filter((f) => f.kind === kind)
const journalOf = (dir: string): { entries: { idx: number; when: number; tag: string }[] } =>
  JSON.parse(fs.readFileSync(path.join(dir, 'drizzle', 'meta', '_journal.json'), 'utf8'))
const writeJournal = (dir: string, journal: unknown): void =>
  fs.writeFileSync(path.join(dir, 'drizzle', 'meta', '_journal.json'), JSON.stringify(journal, null, 2))

async function twoStepProject(): Promise<string> {
  const dir = await makeProject({ steps: [BASE_SCHEMA, BASE_SCHEMA_AHEAD] })
  return dir
}

// Every check of this file on both Postgres kinds: the migrator's bookkeeping and the folder checks must not
// depend on which one applies the migrations.
describe.each(EACH_POSTGRES)('on %s', (_name, createProvider) => {
  const provider = providerForSuite(createProvider)

  test('statements split at every breakpoint (as drizzle does, whatever the breakpoints flag) keep their line numbers', () => {
    const sql = 'CREATE TABLE a (id int);\n--> statement-breakpoint\n\nCREATE TABLE b (\n  id int\n);'
    expect(splitStatements(sql).map((s) => s.line)).toEqual([1, 4])
  })

  test('a hand-written migration without breakpoints that fails on a schema nothing created: the line of the statement that names it, not of the chunk', async () => {
    const dir = await makeProject({ steps: [BASE_SCHEMA] })
    const sql = [
      'CREATE INDEX "accounts_created_idx" ON "accounts" USING btree ("created_at");',
      '',
      '-- Enable RLS (app.current_user_id() comes from a script outside the journal)',
      'ALTER TABLE "accounts" ENABLE ROW LEVEL SECURITY;',
      'CREATE POLICY accounts_own ON accounts',
      '  FOR SELECT',
      '  USING (',
      '    id = app.current_user_id()',
      '  );'
    ].join('\n')
    appendHandWrittenMigration(dir, 'drizzle', '0001_rls', sql, { copySnapshot: true })
    const failed = kinds(await runCheck({ root: dir, provider }), 'migration_failed')
    expect(failed.map((f) => [f.name, f.file, f.line])).toEqual([['0001_rls', path.join('drizzle', '0001_rls.sql'), 8]])
    expect(failed[0].message).toMatch(/schema "app" does not exist/)
  })

  test('a DO block that fails on a missing table: the line of the statement that uses it, not of a string literal naming it', async () => {
    const dir = await makeProject({ steps: [BASE_SCHEMA] })
    const sql = [
      '-- Defensive: add a primary key to climbs if missing',
      'DO $$',
      'BEGIN',
      '    IF NOT EXISTS (',
      '        SELECT 1 FROM information_schema.table_constraints',
      "        WHERE table_name = 'climbs' AND constraint_type = 'PRIMARY KEY'",
      '    ) THEN',
      "        RAISE NOTICE 'adding the primary key of climbs';",
      '        ALTER TABLE climbs ADD PRIMARY KEY (uuid);',
      '    END IF;',
      'END $$;'
    ].join('\n')
    appendHandWrittenMigration(dir, 'drizzle', '0001_pk', sql, { copySnapshot: true })
    const failed = kinds(await runCheck({ root: dir, provider }), 'migration_failed')
    expect(failed.map((f) => [f.name, f.file, f.line])).toEqual([['0001_pk', path.join('drizzle', '0001_pk.sql'), 9]])
    expect(failed[0].message).toMatch(/relation "climbs" does not exist/)
  })

  test("applying records drizzle's bookkeeping: one row per migration with the file's sha256 and the journal's when", async () => {
    const dir = await twoStepProject()
    const folder = readMigrationFolder(path.join(dir, 'drizzle'))
    const db = await provider.createDatabase('bookkeeping')
    try {
      const result = await applyMigrations(db, folder.migrations, { schema: 'drizzle', table: '__drizzle_migrations' })
      expect(result.applied.map((a) => a.ok)).toEqual([true, true])
      const rows = await db.query<{ hash: string; created_at: string }>(
        'select hash, created_at from drizzle.__drizzle_migrations order by id'
      )
      expect(rows.map((r) => [r.hash, Number(r.created_at)])).toEqual(folder.migrations.map((m) => [m.hash, m.when]))
      // Run again: like drizzle's migrator, nothing newer than the last created_at, nothing applied.
      const again = await applyMigrations(db, folder.migrations, { schema: 'drizzle', table: '__drizzle_migrations' })
      expect(again.applied).toEqual([])
    } finally {
      await db.close()
    }
  })

  test('journal entry with an older when: migration_out_of_order at its journal line', async () => {
    const dir = await twoStepProject()
    const journal = journalOf(dir)
    journal.entries[1].when = journal.entries[0].when - 1000
    writeJournal(dir, journal)
    const report = await runCheck({ root: dir, provider })
    const [finding] = kinds(report, 'migration_out_of_order')
    expect(finding).toMatchObject({
      name: '0001_step_1',
      file: path.join('drizzle', 'meta', '_journal.json'),
      severity: 'error'
    })
    expect(finding.line).toBe(
      fs
        .readFileSync(path.join(dir, 'drizzle', 'meta', '_journal.json'), 'utf8')
        .split('\n')
        .findIndex((l) => l.includes('"0001_step_1"')) + 1
    )
    expect(finding.cause).toMatch(/silently skips 0001_step_1/)
  })

  test('missing SQL, SQL not in the journal, duplicate idx, missing snapshot, broken prevId chain', async () => {
    const dir = await twoStepProject()
    fs.writeFileSync(path.join(dir, 'drizzle', '0005_orphan.sql'), 'SELECT 1;')
    appendHandWrittenMigration(dir, 'drizzle', '0002_gone', 'SELECT 1;')
    fs.rmSync(path.join(dir, 'drizzle', '0002_gone.sql'))
    const journal = journalOf(dir)
    journal.entries[2].idx = 1
    writeJournal(dir, journal)
    const snap1 = path.join(dir, 'drizzle', 'meta', '0001_snapshot.json')
    fs.writeFileSync(
      snap1,
      JSON.stringify({ ...JSON.parse(fs.readFileSync(snap1, 'utf8')), prevId: 'aaaaaaaa-0000-0000-0000-000000000000' })
    )
    const report = await runCheck({ root: dir, provider })
    const messages = kinds(report, 'journal_error').map((f) => `${f.severity}: ${f.message}`)
    expect(messages).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^error: .*journal entry "0002_gone" has no SQL file/),
        expect.stringMatching(
          /^warning: .*0005_orphan\.sql is not in meta\/_journal\.json: drizzle's migrator never applies it/
        ),
        expect.stringMatching(/^error: journal entries "0001_step_1" and "0002_gone" share idx 1/),
        expect.stringMatching(/^warning: no snapshot for 0002_gone/),
        expect.stringMatching(/^error: snapshot of 0001_step_1 has prevId aaaaaaaa/)
      ])
    )
    expect(kinds(report, 'journal_error').find((f) => f.message.includes('0005_orphan'))).toMatchObject({
      file: path.join('drizzle', '0005_orphan.sql'),
      line: 1
    })
  })

  describe('against the base branch (--base)', () => {
    let dir: string
    const git = (...args: string[]): string => execFileSync('git', ['-C', dir, ...args], { encoding: 'utf8' })
    beforeEach(async () => {
      dir = await makeProject({ steps: [BASE_SCHEMA] })
      removeAfterAll(dir)
      git('init', '-q', '-b', 'main')
      git('-c', 'user.email=t@t', '-c', 'user.name=t', 'add', '-A')
      git('-c', 'user.email=t@t', '-c', 'user.name=t', 'commit', '-qm', 'base')
      git('checkout', '-qb', 'feature')
    })

    test('an applied migration edited on the branch: migration_modified at the first changed line', async () => {
      const file = path.join(dir, 'drizzle', '0000_step_0.sql')
      const lines = fs.readFileSync(file, 'utf8').split('\n')
      const at = lines.findIndex((l) => l.includes('"email" text NOT NULL'))
      lines[at] = '\t"email" varchar(320) NOT NULL,'
      fs.writeFileSync(file, lines.join('\n'))
      const report = await runCheck({ root: dir, provider, base: 'main' })
      const [finding] = kinds(report, 'migration_modified')
      expect(finding).toMatchObject({
        file: path.join('drizzle', '0000_step_0.sql'),
        line: at + 1,
        name: '0000_step_0'
      })
      expect(finding.cause).toMatch(/never run it again/)
    })

    test('a new migration dated before the newest one on the base: migration_out_of_order', async () => {
      await writeMigrations(dir, 'drizzle', [BASE_SCHEMA, BASE_SCHEMA_AHEAD])
      const journal = journalOf(dir)
      const baseWhen = journal.entries[0].when
      // The branch was generated before main's migration was merged: its timestamp is older.
      journal.entries[0].when = baseWhen
      journal.entries[1].when = baseWhen - 60_000
      writeJournal(dir, journal)
      fs.writeFileSync(path.join(dir, 'src', 'schema.ts'), BASE_SCHEMA_AHEAD)
      const report = await runCheck({ root: dir, provider, base: 'main' })
      const fromBase = kinds(report, 'migration_out_of_order').find((f) => f.message.startsWith('new migration'))
      expect(fromBase).toMatchObject({ name: '0001_step_1' })
      expect(fromBase!.cause).toMatch(/skips 0001_step_1 for good/)
    })

    test('an unknown base ref is a usage error', async () => {
      await expect(runCheck({ root: dir, provider, base: 'no-such-branch' })).rejects.toThrow(
        /--base no-such-branch: not a commit/
      )
    })
  })

  test('two targets recording migrations in the same table of one database, and a table both declare', async () => {
    const dir = await makeProject({ steps: [BASE_SCHEMA] })
    await writeMigrations(dir, 'drizzle-tenant', [BASE_SCHEMA.replace(/projects/g, 'tenant_projects')])
    fs.writeFileSync(path.join(dir, 'src', 'tenant.ts'), BASE_SCHEMA.replace(/projects/g, 'tenant_projects'))
    fs.writeFileSync(
      path.join(dir, 'drift-guard.config.json'),
      JSON.stringify({
        targets: [
          { name: 'master', schema: 'src/schema.ts', migrations: 'drizzle', databases: ['main'] },
          { name: 'tenant', schema: 'src/tenant.ts', migrations: 'drizzle-tenant', databases: ['main'] }
        ]
      })
    )
    const report = await runCheck({ root: dir, provider })
    expect(kinds(report, 'shared_migrations_table')[0]).toMatchObject({
      severity: 'error',
      databases: ['main'],
      name: 'drizzle.__drizzle_migrations'
    })
    expect(kinds(report, 'cross_target_table')[0]).toMatchObject({
      severity: 'warning',
      table: 'accounts',
      target: 'master, tenant'
    })
  })

  test('drizzle-kit 1.x folder layout (<timestamp>_<name>/migration.sql): applied in name order and compared with the schema', async () => {
    const dir = await makeProject({ steps: [BASE_SCHEMA, BASE_SCHEMA_AHEAD] })
    const old = path.join(dir, 'drizzle')
    const v1 = path.join(dir, 'drizzle-v1')
    for (const entry of journalOf(dir).entries) {
      const stamp = new Date(entry.when).toISOString().replace(/[-:T]/g, '').slice(0, 14)
      const folder = path.join(v1, `${stamp}_${entry.tag.slice(5)}`)
      fs.mkdirSync(folder, { recursive: true })
      // drizzle-kit 1.x names the unnamed foreign key `_fkey`; snapshots are left out (an empty ddl would be a stale one).
      fs.writeFileSync(
        path.join(folder, 'migration.sql'),
        fs.readFileSync(path.join(old, `${entry.tag}.sql`), 'utf8').replace(/_fk"/g, '_fkey"')
      )
    }
    fs.rmSync(old, { recursive: true })
    fs.writeFileSync(
      path.join(dir, 'drizzle.config.ts'),
      'export default { dialect: "postgresql", schema: "./src/schema.ts", out: "./drizzle-v1" };\n'
    )
    const report = await runCheck({ root: dir, provider })
    expect(report.targets[0].migrationsFormat).toBe('folders')
    expect(report.targets[0].databases[0].migrations.map((m) => m.file)).toEqual([
      path.join('drizzle-v1', '20250101000000_step_0', 'migration.sql'),
      path.join('drizzle-v1', '20250102000000_step_1', 'migration.sql')
    ])
    expect(report.findings).toEqual([])
    expect(report.targets[0].notes.join(' ')).toMatch(/drizzle-kit 1\.x project/)
    // The schema is still compared with what the SQL builds: remove a statement and the drift shows.
    const second = path.join(v1, '20250102000000_step_1', 'migration.sql')
    fs.writeFileSync(
      second,
      fs.readFileSync(second, 'utf8').replace(/ALTER TABLE "accounts" ADD COLUMN "plan" text;/, 'SELECT 1;')
    )
    const drifted = await runCheck({ root: dir, provider })
    expect(drifted.findings.map((f) => `${f.kind} ${f.column}`)).toEqual(['missing_column plan'])
  })
})
