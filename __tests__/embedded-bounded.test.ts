// The embedded Postgres is bounded like a server (issue 11, point 3): PGlite runs in a worker thread, so a statement
// that never ends (pg_sleep(600), an endless loop) fails within DRIFT_GUARD_STATEMENT_TIMEOUT as a finding naming the
// migration and its line, and SIGTERM during one ends the CLI at once (the tool's thread is never inside WebAssembly).
import * as fs from 'node:fs'
import * as path from 'node:path'
import { executeRun } from '../src/run/run'
import { runSource } from './helpers/source-run'
import { tempDir, writeJournalProject } from './helpers/project'

const CONFIG = "export default { dialect: 'postgresql', schema: './schema.ts', out: './drizzle' }\n"
const SCHEMA =
  "import { pgTable, integer } from 'drizzle-orm/pg-core'\nexport const t = pgTable('t', { id: integer('id') })\n"

function projectWith(stuck: string): string {
  return writeJournalProject(tempDir('dg-embedded-bounded-'), CONFIG, {
    'schema.ts': SCHEMA,
    'drizzle/0000_init.sql': `CREATE TABLE "t" ("id" integer);\n--> statement-breakpoint\n${stuck}\n`
  })
}

test('a migration stuck in pg_sleep(600) fails as a finding naming it within the statement timeout', async () => {
  const dir = projectWith('SELECT pg_sleep(600);')
  process.env.DRIFT_GUARD_STATEMENT_TIMEOUT = '1'
  const started = Date.now()
  try {
    const result = await executeRun({ mode: 'check', root: dir, postgres: 'embedded', failOn: 'error', audit: {} })
    if (!('report' in result)) throw new Error(result.failure.message)
    const failed = result.report.findings.filter((f) => f.kind === 'migration_failed')
    expect(failed).toHaveLength(1)
    expect(failed[0].message).toMatch(/drizzle\/0000_init\.sql:3: canceling statement due to statement timeout/)
  } finally {
    delete process.env.DRIFT_GUARD_STATEMENT_TIMEOUT
  }
  expect(Date.now() - started).toBeLessThan(30_000)
})

test('an endless loop in a migration: the CLI reports it and exits 1 (drift), within the statement timeout', async () => {
  const dir = projectWith('DO $$ BEGIN LOOP END LOOP; END $$;')
  const runner = tempDir('dg-embedded-bounded-runner-')
  const started = Date.now()
  const result = await runSource('cli.ts', ['check', '--postgres', 'embedded', '--format', 'json'], {
    cwd: dir,
    env: { ...process.env, DRIFT_GUARD_STATEMENT_TIMEOUT: '2', RUNNER_TEMP: runner },
    timeoutMs: 60_000
  })
  expect(result.status).toBe(1)
  const report = JSON.parse(result.stdout) as { ok: boolean; findings: { kind: string; message: string }[] }
  expect(report.ok).toBe(false)
  const failed = report.findings.filter((f) => f.kind === 'migration_failed')
  expect(failed).toHaveLength(1)
  expect(failed[0].message).toMatch(/drizzle\/0000_init\.sql:3: canceling statement due to statement timeout/)
  expect(Date.now() - started).toBeLessThan(45_000)
})

test('SIGTERM during an endless migration (no time limit) ends the CLI at once with 143, nothing left', async () => {
  const dir = projectWith('DO $$ BEGIN LOOP END LOOP; END $$;')
  const runner = tempDir('dg-embedded-bounded-runner-')
  let signalled = 0
  let exitedBefore = false
  const result = await runSource('cli.ts', ['check', '--postgres', 'embedded', '--format', 'json'], {
    cwd: dir,
    env: { ...process.env, DRIFT_GUARD_STATEMENT_TIMEOUT: '0', RUNNER_TEMP: runner },
    timeoutMs: 60_000,
    onStart: (child) => {
      child.on('exit', () => (exitedBefore = signalled === 0))
      // A check of this project takes 1-3 s; a run still going after 8 s is inside the endless statement.
      setTimeout(() => {
        signalled = Date.now()
        child.kill('SIGTERM')
      }, 8_000)
    }
  })
  expect(exitedBefore).toBe(false)
  expect(result.status).toBe(143)
  // Before: the thread stuck in WebAssembly never ran the signal handler (the helper's SIGKILL after 60 s ended it).
  expect(Date.now() - signalled).toBeLessThan(5_000)
  expect(result.stdout).toBe('')
  // The cache folder holds the data directory and no half-written file.
  const cache = path.join(runner, 'drizzle-drift-guard')
  expect(fs.readdirSync(cache).filter((name) => name.endsWith('.tmp'))).toEqual([])
})
