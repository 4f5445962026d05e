// The final cleanup of a run on a server, disturbed (issue 11, points 2 and 14). A signal during it: a cleanup that
// cannot finish ends at its time limit, a second signal ends the process at once, and whatever is not dropped by then
// is named. The tool's sessions terminated during it (pg_terminate_backend): the complete report stands, and the drops
// are sent again (WITH (FORCE): a session of someone else on the database does not keep it). Each test asserts what
// the code before its fix did not do (a leftover named, a database dropped), never how long it took. The test holds a lock that blocks the DROP DATABASE of one of
// the run's databases, so that what it does happens while the run's own cleanup is under way (the run is complete).
import { ChildProcess } from 'node:child_process'
import * as fs from 'node:fs'
import * as path from 'node:path'
import postgres from 'postgres'
import { SERVER_URL } from './helpers/postgres'
import { tempDir, writeJournalProject } from './helpers/project'
import { ProcessResult, runSource } from './helpers/source-run'

const admin = postgres(SERVER_URL, { max: 2, onnotice: () => undefined })
afterAll(() => admin.end({ timeout: 5 }))

function project(): string {
  const dir = writeJournalProject(
    tempDir('dg-safety-signals-'),
    "export default { dialect: 'postgresql', schema: './schema.ts', out: './drizzle' }\n",
    {
      'schema.ts':
        "import { pgTable, integer } from 'drizzle-orm/pg-core'\nexport const t = pgTable('t', { id: integer('id') })\n",
      'drizzle/0000_init.sql': 'CREATE TABLE "t" ("id" integer);\n'
    }
  )
  fs.writeFileSync(
    path.join(dir, 'drift-guard.config.json'),
    JSON.stringify({ targets: [{ name: 'app', drizzleConfig: 'drizzle.config.ts', databases: ['a'] }] })
  )
  return dir
}

const until = async (condition: () => Promise<boolean>, what: string): Promise<void> => {
  for (let i = 0; i < 600; i++) {
    if (await condition()) return
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  throw new Error(`never happened: ${what}`)
}

/** Databases and roles of the run with this prefix still on the server. */
async function leftOf(runId: string): Promise<string[]> {
  const rows = await admin.unsafe<{ name: string }[]>(
    `select datname as name from pg_database where starts_with(datname, $1)
     union all select rolname from pg_roles where starts_with(rolname, $1) order by 1`,
    [runId]
  )
  return rows.map((r) => r.name)
}

/**
 * Runs the CLI on the server; once one of its databases exists, a transaction of the test takes a lock on it that
 * its DROP DATABASE waits for. `whileBlocked` runs once the run's cleanup waits on that lock, with the lock's
 * release; the lock is released when the process has ended in any case.
 */
async function cleanupBlocked(
  whileBlocked: (child: ChildProcess, release: () => void, stderr: () => string, application: string) => Promise<void>,
  options: { visitor?: boolean } = {}
): Promise<{ result: ProcessResult; locked: string; runId: string }> {
  let child: ChildProcess | undefined
  let stderr = ''
  const running = runSource('cli.ts', ['check', '--database-url', SERVER_URL, '--format', 'json'], {
    cwd: project(),
    env: { ...process.env, DRIFT_GUARD_NO_CACHE: '1' },
    timeoutMs: 90_000,
    onStart: (c) => {
      child = c
      c.stderr?.on('data', (d) => (stderr += d))
    }
  })
  const application = (): string => `drizzle-drift-guard ${child!.pid}`
  let locked = ''
  await until(async () => {
    const [row] = await admin.unsafe<{ datname: string }[]>(
      "select datname from pg_stat_activity where application_name = $1 and datname like 'dg\\_%' limit 1",
      [application()]
    )
    locked = row?.datname ?? ''
    return locked !== ''
  }, 'a database of the run')
  // Someone else's session on the database (a monitoring tool, a developer's psql): only DROP … WITH (FORCE) ends it.
  // Connected before the lock is taken: a connection waits behind a DROP DATABASE waiting for its lock.
  const visitor = options.visitor
    ? postgres(SERVER_URL, {
        database: locked,
        max: 1,
        onnotice: () => undefined,
        connection: { application_name: 'dg-test-visitor' }
      })
    : undefined
  await visitor?.unsafe('select 1')
  let release = (): void => undefined
  const holding = admin.begin(async (tx) => {
    // COMMENT ON DATABASE takes a lock on the database that DROP DATABASE waits for; sessions may still connect.
    await tx.unsafe(`comment on database "${locked}" is 'held by the test'`)
    await new Promise<void>((resolve) => (release = resolve))
    throw new Error('rolled back')
  })
  const ended = running.then((result) => (release(), result))
  const runId = /^(dg_[a-z0-9]+_[0-9a-f]{4}_[a-z0-9]+_[0-9a-f]{4})_/.exec(locked)![1]
  // Its other databases dropped: only the DROP of the locked one is left, waiting.
  await until(
    async () =>
      (
        await admin.unsafe(
          "select 1 from pg_stat_activity where application_name = $1 and query ilike 'drop database%' and wait_event_type = 'Lock'",
          [application()]
        )
      ).length > 0 && (await leftOf(runId)).filter((name) => !name.endsWith('_owner')).length === 1,
    'the DROP DATABASE waiting for the lock'
  )
  await whileBlocked(
    child!,
    () => release(),
    () => stderr,
    application()
  )
  const result = await ended
  await holding.catch(() => undefined)
  await visitor?.end({ timeout: 1 }).catch(() => undefined)
  return { result, locked, runId }
}

/** The run's database and role left behind are a dead run's, which the next run on this host removes. */
async function removedAsDeadRun(runId: string, locked: string): Promise<void> {
  const { removeDeadRunLeftovers } = await import('../src/postgres/leftovers')
  const { isDeadRun } = await import('../src/postgres/run-names')
  const removed = await removeDeadRunLeftovers(admin, (run) => run.runId === runId && isDeadRun(run))
  expect(removed).toEqual({ databases: [locked], roles: [`${runId}_owner`], kept: [] })
  expect(await leftOf(runId)).toEqual([])
}

test('a signal during a final cleanup that cannot finish: the time limit ends it with its code, naming what it left', async () => {
  const { result, locked, runId } = await cleanupBlocked(async (child, _release, stderr) => {
    child.kill('SIGTERM')
    await until(async () => stderr().includes('SIGTERM: removing the throwaway databases'), 'the signal handled')
    // The lock is held until the process has ended: the DROP cannot finish, only the cleanup's time limit ends it.
  })
  // Ended by its own handling (not by the helper's SIGKILL), with the signal's code.
  expect(result.status).toBe(143)
  const owner = `${runId}_owner`
  expect(result.stderr).toMatch(/the cleanup did not finish within \d+ s; left behind: /)
  expect(result.stderr).toContain(`left behind: database ${locked}, role ${owner}`)
  // What could be dropped was: only the database the lock held and the role owning it are left.
  expect(await leftOf(runId)).toEqual([locked, owner].sort())
  await removedAsDeadRun(runId, locked)
})

test('a second signal during the cleanup ends the process at once, naming what it left', async () => {
  const { result, locked, runId } = await cleanupBlocked(async (child, _release, stderr) => {
    child.kill('SIGTERM')
    await until(async () => stderr().includes('SIGTERM: removing the throwaway databases'), 'the signal handled')
    // The lock is held until the process has ended: only the second signal can end it before the time limit.
    child.kill('SIGINT')
  })
  // Ended by its own handling (not by the helper's SIGKILL), with the first signal's code.
  expect(result.status).toBe(143)
  const owner = `${runId}_owner`
  expect(result.stderr).toContain(`SIGINT again: exiting now; left behind: database ${locked}, role ${owner}`)
  // Only the database the lock held and the role owning it are left: what could be dropped was.
  expect(await leftOf(runId)).toEqual([locked, owner].sort())
  // Named as a dead run's: the next run on this host removes them.
  await removedAsDeadRun(runId, locked)
})

test("the tool's sessions terminated during its final cleanup: the complete report, the drop sent again with FORCE", async () => {
  const { result, runId } = await cleanupBlocked(
    async (_child, release, _stderr, application) => {
      // What the probe of issue 11 did at the end of runs (here only this run's sessions: other tests share the server).
      const terminated = await admin.unsafe(
        'select pg_terminate_backend(pid) from pg_stat_activity where application_name = $1',
        [application]
      )
      expect(terminated.length).toBeGreaterThan(0)
      release()
    },
    // Another session on the database: a DROP sent again without FORCE would fail ("being accessed by other users").
    { visitor: true }
  )
  // The run was complete before its cleanup: its verdict stands (a clean project).
  expect(result.status).toBe(0)
  expect(JSON.parse(result.stdout)).toMatchObject({ ok: true, summary: { errors: 0 } })
  expect(result.stderr).not.toContain('left behind')
  expect(await leftOf(runId)).toEqual([])
})
