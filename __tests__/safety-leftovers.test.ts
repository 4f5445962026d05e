// Leftovers of a run killed with SIGKILL (issue 11, point 5): its databases, its owner role and the roles its
// migrations created are found by the next run on this host (their process is gone), named in its notes and
// removed, and they never make one of its findings false ("role … already exists").
import { spawn } from 'node:child_process'
import * as fs from 'node:fs'
import * as path from 'node:path'
import postgres from 'postgres'
import { runCheck } from '../src/engine/check'
import { ServerProvider } from '../src/postgres/server'
import { isDeadRun, newRunId, runOfName } from '../src/postgres/run-names'
import { SERVER_URL } from './helpers/postgres'
import { REPO, tempDir, writeJournalProject } from './helpers/project'

const admin = postgres(SERVER_URL, { max: 1, onnotice: () => undefined })
const ROLE = `dg_test_app_role_${process.pid}`
afterAll(async () => {
  await admin.unsafe(`drop role if exists ${ROLE}`)
  await admin.end()
})

test('a run id says its host, pid and start; only a run of this host whose process is gone is dead', () => {
  const id = newRunId(4242, Date.UTC(2026, 11, 5))
  const run = runOfName(`${id}_3_app_tenant_1`)!
  expect(run).toMatchObject({ runId: id, pid: 4242, startedAt: Date.UTC(2026, 11, 5) })
  expect(runOfName(`${id}_owner`)).toEqual(run)
  expect(isDeadRun(run, run.host, () => false)).toBe(true)
  expect(isDeadRun(run, run.host, () => true)).toBe(false)
  expect(isDeadRun(run, 'ffff' === run.host ? 'eeee' : 'ffff', () => false)).toBe(false)
  // Only the tool's exact form: a user's database that merely starts with dg_ is never taken.
  expect(runOfName('dg_test_untouched_guard')).toBeUndefined()
  expect(runOfName(`${id}_owner_x`)).toBeUndefined()
})

test('kill -9 mid-migration: the next run names and removes what it left, and reports no false finding', async () => {
  const dir = writeJournalProject(
    tempDir('dg-safety-leftovers-'),
    "export default { dialect: 'postgresql', schema: './schema.ts', out: './drizzle' }\n",
    {
      'schema.ts':
        "import { pgTable, integer } from 'drizzle-orm/pg-core'\nexport const t = pgTable('t', { id: integer('id') })\n",
      'drizzle/0000_init.sql': `CREATE TABLE "t" ("id" integer);\n--> statement-breakpoint\nCREATE ROLE ${ROLE} NOLOGIN;\n`,
      'drizzle/0001_slow.sql': 'SELECT pg_sleep(60);\n'
    },
    ['0000_init', '0001_slow']
  )
  fs.writeFileSync(
    path.join(dir, 'drift-guard.config.json'),
    JSON.stringify({ targets: [{ name: 'app', drizzleConfig: 'drizzle.config.ts', databases: ['tenant_1'] }] })
  )
  const child = spawn(
    process.execPath,
    [
      '-r',
      require.resolve('sucrase/register/ts'),
      path.join(REPO, 'src', 'cli.ts'),
      'check',
      '--database-url',
      SERVER_URL
    ],
    { cwd: dir, stdio: 'ignore', env: { ...process.env, DRIFT_GUARD_STATEMENT_TIMEOUT: '0' } }
  )
  const exited = new Promise((resolve) => child.on('exit', resolve))
  const application = `drizzle-drift-guard ${child.pid}`
  const sleeping = async (): Promise<boolean> =>
    (
      await admin.unsafe(
        "select 1 from pg_stat_activity where query like 'SELECT pg_sleep(60)%' and application_name = $1",
        [application]
      )
    ).length > 0
  for (let i = 0; i < 600 && !(await sleeping()); i++) await new Promise((r) => setTimeout(r, 100))
  expect(await sleeping()).toBe(true)
  child.kill('SIGKILL')
  await exited
  const runId = `_${child.pid!.toString(36)}_`
  const leftDatabases = (
    await admin.unsafe<{ datname: string }[]>("select datname from pg_database where datname like 'dg\\_%'")
  )
    .map((r) => r.datname)
    .filter((d) => runOfName(d)?.pid === child.pid)
  const leftRoles = (
    await admin.unsafe<{ rolname: string }[]>("select rolname from pg_roles where rolname like 'dg\\_%'")
  )
    .map((r) => r.rolname)
    .filter((d) => runOfName(d)?.pid === child.pid)
  expect(leftDatabases.length).toBeGreaterThan(0)
  expect(leftRoles).toHaveLength(1)
  expect(leftRoles[0]).toContain(runId)
  expect(await admin.unsafe('select 1 from pg_roles where rolname = $1', [ROLE])).toHaveLength(1)

  // The next run: same migrations, without the slow one.
  fs.writeFileSync(path.join(dir, 'drizzle', '0001_slow.sql'), 'SELECT 1;\n')
  const provider = new ServerProvider(SERVER_URL)
  const report = await runCheck({ root: dir, provider })
  await provider.dispose()
  const notes = report.notes.join('\n')
  for (const name of [...leftDatabases, ...leftRoles, ROLE]) expect(notes).toContain(name)
  expect(report.findings.filter((f) => f.severity === 'error')).toEqual([])
  const remaining = await admin.unsafe<{ name: string }[]>(
    'select datname as name from pg_database where datname = any($1) union all select rolname from pg_roles where rolname = any($1)',
    [[...leftDatabases, ...leftRoles, ROLE]]
  )
  expect(remaining).toEqual([])
})
