// A second PostgreSQL cluster of the test's own (issue 11, points 1, 2 and "too many clients"): a server that
// refuses connections, restarts near the end of a run, or terminates the tool's sessions must end the CLI with
// exit 3 (no database) or a complete report, never exit 0 with errors found, never a hang.
import * as fs from 'node:fs'
import * as path from 'node:path'
import postgres from 'postgres'
import { TestCluster, postgresBin, startCluster } from './helpers/cluster'
import { runSource } from './helpers/source-run'
import { tempDir, writeJournalProject } from './helpers/project'

const haveBinaries = postgresBin() !== undefined
const maybe = haveBinaries ? test : test.skip

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

let cluster: TestCluster | undefined
afterEach(() => {
  cluster?.remove()
  cluster = undefined
})

maybe('"too many clients" is exit 3 (database unavailable), not an internal error', async () => {
  cluster = await startCluster({ max_connections: 3, superuser_reserved_connections: 0 })
  const result = await runSource('cli.ts', ['check', '--database-url', cluster.url, '--format', 'json'], {
    cwd: project('SELECT 1;', ['a', 'b', 'c', 'd'])
  })
  expect(result.stderr).toMatch(/too many clients/)
  expect(result.status).toBe(3)
  expect(JSON.parse(result.stdout).error.outcome).toBe('database-unavailable')
})

maybe('a server restarted near the end of a run: exit 3 or a complete report, never 0 with errors', async () => {
  cluster = await startCluster()
  const running = runSource('cli.ts', ['check', '--database-url', cluster.url, '--format', 'json'], {
    cwd: project('SELECT pg_sleep(3);')
  })
  const watcher = postgres(cluster.url, { max: 1, onnotice: () => undefined })
  const sleeping = async (): Promise<boolean> =>
    (await watcher.unsafe("select 1 from pg_stat_activity where query like 'SELECT pg_sleep(3)%'")).length > 0
  for (let i = 0; i < 600 && !(await sleeping().catch(() => false)); i++) await new Promise((r) => setTimeout(r, 50))
  await watcher.end({ timeout: 1 })
  cluster.restart()
  const result = await running
  expectHonestEnd(result)
  expect(result.status).toBe(3)
})

maybe("terminating the tool's own sessions at the end of a run ends it (exit 3), without a hang", async () => {
  cluster = await startCluster()
  const running = runSource('cli.ts', ['check', '--database-url', cluster.url, '--format', 'json'], {
    cwd: project('SELECT pg_sleep(3);'),
    timeoutMs: 60_000
  })
  const killer = postgres(cluster.url, { max: 1, onnotice: () => undefined })
  const sleeping = async (): Promise<boolean> =>
    (await killer.unsafe("select 1 from pg_stat_activity where query like 'SELECT pg_sleep(3)%'")).length > 0
  for (let i = 0; i < 600 && !(await sleeping().catch(() => false)); i++) await new Promise((r) => setTimeout(r, 50))
  await killer.unsafe(
    "select pg_terminate_backend(pid) from pg_stat_activity where application_name like 'drizzle-drift-guard%'"
  )
  const result = await running
  // Killed by the test's time limit, it would have no status.
  expect(result.status).not.toBeNull()
  expectHonestEnd(result)
  // Nothing of the run is left on the cluster once it ended.
  const left = await killer.unsafe("select datname from pg_database where datname like 'dg\\_%'")
  await killer.end({ timeout: 1 })
  expect(left).toEqual([])
})
