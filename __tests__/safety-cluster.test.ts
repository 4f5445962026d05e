// A second PostgreSQL cluster of the test's own (issue 11, points 1, 2 and "too many clients"): a server that
// refuses connections, restarts near the end of a run, or terminates the tool's sessions must end the CLI with
// exit 3 (no database) or a complete report, never exit 0 with errors found, never a hang; the action always sets
// `outcome` and fails the step unless it wrote a complete report. One cluster for the file (initdb costs seconds).
import * as fs from 'node:fs'
import * as path from 'node:path'
import postgres from 'postgres'
import { TestCluster, clusterSkipped, clusterTest, startCluster } from './helpers/cluster'
import { runActionSource, runSource } from './helpers/source-run'
import { tempDir, writeJournalProject } from './helpers/project'

// Without initdb the file fails, naming what is missing (skipped, saying why, with DRIFT_GUARD_TEST_WITHOUT_CLUSTER=skip).
const maybe = clusterTest()

function project(lastMigration: string, databases = ['a', 'b']): string {
  const dir = writeJournalProject(
    tempDir('dg-safety-cluster-'),
    "export default { dialect: 'postgresql', schema: './schema.ts', out: './drizzle' }\n",
    {
      'schema.ts':
        "import { pgTable, integer } from 'drizzle-orm/pg-core'\nexport const t = pgTable('t', { id: integer('id') })\n",
      'drizzle/0000_init.sql': 'CREATE TABLE "t" ("id" integer);\n',
      'drizzle/0001_last.sql': `${lastMigration}\n`
    },
    ['0000_init', '0001_last']
  )
  fs.writeFileSync(
    path.join(dir, 'drift-guard.config.json'),
    JSON.stringify({ targets: [{ name: 'app', drizzleConfig: 'drizzle.config.ts', databases }] })
  )
  return dir
}

/** A complete report with errors exits 1; no report exits 3; never 0 with errors, never 2 for the server's doing. */
function expectHonestEnd(result: { status: number | null; stdout: string; stderr: string }): void {
  if (result.status === 0 || result.status === 1) {
    const report = JSON.parse(result.stdout)
    expect(report.ok).toBe(result.status === 0)
    expect(report.summary.errors > 0).toBe(result.status === 1)
  } else {
    expect(result.status).toBe(3)
    expect(JSON.parse(result.stdout).error.outcome).toBe('database-unavailable')
  }
}

/** Databases and roles of the tool on the cluster (the runs' throwaway ones). */
async function leftOnCluster(): Promise<string[]> {
  const sql = postgres(cluster!.url, { max: 1, onnotice: () => undefined })
  try {
    const rows = await sql.unsafe<{ name: string }[]>(
      "select datname as name from pg_database where datname like 'dg\\_%' union all select rolname from pg_roles where rolname like 'dg\\_%'"
    )
    return rows.map((r) => r.name)
  } finally {
    await sql.end({ timeout: 1 })
  }
}

/** Waits until a session of the cluster runs the last migration's pg_sleep(3). */
async function untilSleeping(): Promise<void> {
  const watcher = postgres(cluster!.url, { max: 1, onnotice: () => undefined })
  const sleeping = async (): Promise<boolean> =>
    (await watcher.unsafe("select 1 from pg_stat_activity where query like 'SELECT pg_sleep(3)%'")).length > 0
  for (let i = 0; i < 600 && !(await sleeping().catch(() => false)); i++) await new Promise((r) => setTimeout(r, 50))
  await watcher.end({ timeout: 1 })
}

const MAX_CONNECTIONS = 12
let cluster: TestCluster | undefined
beforeAll(async () => {
  if (!clusterSkipped())
    cluster = await startCluster({ max_connections: MAX_CONNECTIONS, superuser_reserved_connections: 0 })
}, 120_000)
afterAll(() => cluster?.remove())
afterEach(async () => {
  // Whatever a run did, it left nothing on the server.
  if (cluster) expect(await leftOnCluster()).toEqual([])
})

maybe('"too many clients" is exit 3 (database unavailable), not an internal error', async () => {
  // All connections but 3 held by the test: as on a server with max_connections = 3.
  const held = Array.from({ length: MAX_CONNECTIONS - 3 }, () =>
    postgres(cluster!.url, { max: 1, onnotice: () => undefined })
  )
  try {
    await Promise.all(held.map((sql) => sql.unsafe('select 1')))
    const result = await runSource('cli.ts', ['check', '--database-url', cluster!.url, '--format', 'json'], {
      cwd: project('SELECT 1;', ['a', 'b', 'c', 'd'])
    })
    expect(result.stderr).toMatch(/too many clients/)
    expect(result.status).toBe(3)
    expect(JSON.parse(result.stdout).error.outcome).toBe('database-unavailable')
  } finally {
    await Promise.all(held.map((sql) => sql.end({ timeout: 1 })))
  }
})

maybe('a server restarted near the end of a run: exit 3 or a complete report, never 0 with errors', async () => {
  const running = runSource('cli.ts', ['check', '--database-url', cluster!.url, '--format', 'json'], {
    cwd: project('SELECT pg_sleep(3);')
  })
  await untilSleeping()
  cluster!.restart()
  const result = await running
  expectHonestEnd(result)
  expect(result.status).toBe(3)
})

maybe(
  'the action, the server restarted near the end: outcome set, the step failed, no report taken for one',
  async () => {
    const dir = project('SELECT pg_sleep(3);')
    const running = runActionSource(
      dir,
      { 'database-url': cluster!.url, comment: 'false' },
      { DRIFT_GUARD_NO_CACHE: '1' }
    )
    await untilSleeping()
    cluster!.restart()
    const result = await running
    // Never a step that passes without a complete report; the outcome says why.
    expect(result.outputs.outcome).toBe('database-unavailable')
    expect(result.status).toBe(1)
    expect(result.stdout).toMatch(/::error::drift-guard: database unavailable: /)
    expect(result.summary).toMatch(/### drift-guard: database unavailable\n\nNo report: /)
    expect(result.outputs.report).toBeUndefined()
  }
)

maybe("terminating the tool's own sessions at the end of a run ends it (exit 3), without a hang", async () => {
  const running = runSource('cli.ts', ['check', '--database-url', cluster!.url, '--format', 'json'], {
    cwd: project('SELECT pg_sleep(3);'),
    timeoutMs: 60_000
  })
  await untilSleeping()
  const killer = postgres(cluster!.url, { max: 1, onnotice: () => undefined })
  await killer.unsafe(
    "select pg_terminate_backend(pid) from pg_stat_activity where application_name like 'drizzle-drift-guard%'"
  )
  await killer.end({ timeout: 1 })
  const result = await running
  // Killed by the test's time limit, it would have no status.
  expect(result.status).not.toBeNull()
  expectHonestEnd(result)
  // Nothing of the run is left on the cluster once it ended (afterEach).
})
