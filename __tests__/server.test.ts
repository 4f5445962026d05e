// A real server: the tool creates its own throwaway databases, works only in them, and drops them — after a
// clean run, after a failing migration, and when the process is interrupted (SIGINT/SIGTERM).
import { spawn } from 'node:child_process'
import * as fs from 'node:fs'
import * as path from 'node:path'
import postgres from 'postgres'
import { runCheck } from '../src/engine/check'
import { LocalClusterProvider } from '../src/postgres/local-cluster'
import { ServerProvider } from '../src/postgres/server'
import { REPO, appendHandWrittenMigration, makeProject } from './helpers/project'
import { BASE_SCHEMA } from './helpers/schemas'

const ADMIN_URL = process.env.DRIFT_GUARD_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'
const admin = postgres(ADMIN_URL, { max: 1, onnotice: () => undefined })
afterAll(async () => {
  await admin.end()
})

async function throwawayDatabases(): Promise<string[]> {
  const rows = await admin.unsafe<{ datname: string }[]>("select datname from pg_database where datname like 'dg\\_%'")
  return rows.map((r) => r.datname)
}

async function project(target = 'tenant'): Promise<string> {
  const dir = await makeProject({ steps: [BASE_SCHEMA] })
  fs.writeFileSync(
    path.join(dir, 'drift-guard.config.json'),
    JSON.stringify({
      targets: [{ name: target, drizzleConfig: 'drizzle.config.ts', databases: ['tenant_1', 'tenant_2', 'tenant_3'] }]
    })
  )
  return dir
}

test('a clean run drops every database it created, and touches nothing else', async () => {
  const before = await throwawayDatabases()
  let runId = ''
  const otherDb = 'dg_test_untouched_guard'
  await admin.unsafe(`drop database if exists ${otherDb}`)
  await admin.unsafe(`create database ${otherDb}`)
  const other = postgres(ADMIN_URL.replace(/\/[^/]*$/, `/${otherDb}`), { max: 1, onnotice: () => undefined })
  try {
    const objects = async (): Promise<number> =>
      Number(
        (
          await other.unsafe<{ n: string }[]>(
            "select count(*) as n from pg_class where relnamespace = 'public'::regnamespace"
          )
        )[0].n
      )
    const objectsBefore = await objects()
    const provider = new ServerProvider(ADMIN_URL.replace(/\/[^/]*$/, `/${otherDb}`))
    runId = provider.runId
    const report = await runCheck({ root: await project(), provider })
    await provider.dispose()
    expect(report.ok).toBe(true)
    expect(report.targets[0].databases.map((d) => d.name)).toEqual(['tenant_1', 'tenant_2', 'tenant_3'])
    expect(await objects()).toBe(objectsBefore)
  } finally {
    await other.end()
    await admin.unsafe(`drop database if exists ${otherDb} with (force)`)
  }
  expect((await throwawayDatabases()).filter((d) => !before.includes(d) && d.startsWith(`${runId}_`))).toEqual([])
})

test('a failing migration still leaves no database behind, and the finding is grouped across tenants', async () => {
  const dir = await project()
  appendHandWrittenMigration(dir, 'drizzle', '0001_bad', 'ALTER TABLE "nope" ADD COLUMN "x" int;')
  const provider = new ServerProvider(ADMIN_URL)
  const report = await runCheck({ root: dir, provider })
  await provider.dispose()
  const failed = report.findings.filter((f) => f.kind === 'migration_failed')
  expect(failed).toHaveLength(1)
  expect(failed[0].databases).toEqual(['tenant_1', 'tenant_2', 'tenant_3'])
  expect(failed[0].message).toMatch(/relation "nope" does not exist/)
  // This run's own databases: other test files use the same server at the same time.
  expect((await throwawayDatabases()).filter((d) => d.startsWith(`${provider.runId}_`))).toEqual([])
})

test.each(['SIGINT', 'SIGTERM'] as const)(
  '%s while migrating: the CLI drops its databases and exits',
  async (signal) => {
    const target = `sig${signal.toLowerCase()}`
    const dir = await project(target)
    appendHandWrittenMigration(dir, 'drizzle', '0001_slow', 'SELECT pg_sleep(30);')
    const child = spawn(process.execPath, [path.join(REPO, 'dist', 'cli.js'), 'check', '--database-url', ADMIN_URL], {
      cwd: dir,
      stdio: 'pipe'
    })
    let stderr = ''
    child.stdout.resume()
    child.stderr.on('data', (d) => (stderr += d))
    const exited = new Promise<string>((resolve) =>
      child.on('exit', (code, sig) => resolve(`${code ?? sig}: ${stderr}`))
    )
    // The child's sessions say its pid (application_name): their databases are its throwaway databases.
    const application = `drizzle-drift-guard ${child.pid}`
    const databasesOfChild = async (): Promise<string[]> =>
      (
        await admin.unsafe<{ datname: string }[]>(
          "select distinct datname from pg_stat_activity where application_name = $1 and datname like 'dg\\_%'",
          [application]
        )
      ).map((r) => r.datname)
    const sleeping = async (): Promise<boolean> =>
      (
        await admin.unsafe(
          "select 1 from pg_stat_activity where query = 'SELECT pg_sleep(30);' and application_name = $1",
          [application]
        )
      ).length > 0
    for (let i = 0; i < 300 && !(await sleeping()); i++) await new Promise((r) => setTimeout(r, 100))
    const ours = await databasesOfChild()
    expect(ours.length).toBeGreaterThan(0)
    child.kill(signal)
    const output = await exited
    expect(output).toMatch(new RegExp(`^${signal === 'SIGINT' ? 130 : 143}: `))
    // One line says what happens; the errors the cleanup causes in the abandoned run are not printed.
    expect(output).toMatch(new RegExp(`drift-guard: ${signal}: removing the throwaway databases`))
    expect(output).not.toMatch(/interrupted: the throwaway databases were dropped/)
    expect((await throwawayDatabases()).filter((d) => ours.includes(d))).toEqual([])
  }
)

const hasInitdb =
  ['/usr/local/bin/initdb', '/usr/bin/initdb'].some((f) => fs.existsSync(f)) || fs.existsSync('/usr/lib/postgresql')
;(hasInitdb ? test : test.skip)(
  'a temporary cluster from initdb/pg_ctl on PATH: runs the check, then is removed',
  async () => {
    const provider = new LocalClusterProvider()
    try {
      const report = await runCheck({ root: await project(), provider })
      expect(report.ok).toBe(true)
      expect(report.postgres.version).toMatch(/^PostgreSQL \d+/)
    } finally {
      await provider.dispose()
    }
  }
)

describe('the pool of throwaway databases', () => {
  const databasesOf = async (provider: ServerProvider): Promise<string[]> =>
    (await throwawayDatabases()).filter((d) => d.startsWith(provider.runId))

  test('a database returned after use is reset and handed to the next, instead of creating another', async () => {
    const provider = new ServerProvider(ADMIN_URL)
    const nameOf = async (db: { query<T>(sql: string): Promise<T[]> }): Promise<string> =>
      (await db.query<{ name: string }>('select current_database() as name'))[0].name
    try {
      const first = await provider.createDatabase('pool_a')
      await first.exec("CREATE TABLE left_behind (id int); CREATE SCHEMA extra; CREATE TYPE extra.mood AS ENUM ('ok')")
      const firstName = await nameOf(first)
      // Two at once: two databases.
      const second = await provider.createDatabase('pool_b')
      expect(await nameOf(second)).not.toBe(firstName)
      await first.close()
      const reused = await provider.createDatabase('pool_c')
      expect(await nameOf(reused)).toBe(firstName)
      const relations = await reused.query<{ n: string }>(
        "select count(*) as n from pg_class c join pg_namespace n on n.oid = c.relnamespace where n.nspname not in ('pg_catalog', 'information_schema', 'pg_toast')"
      )
      expect(Number(relations[0].n)).toBe(0)
      expect(await reused.query("select 1 from pg_namespace where nspname = 'extra'")).toEqual([])
      expect(await databasesOf(provider)).toHaveLength(2)
      await second.close()
      await reused.close()
    } finally {
      await provider.dispose()
    }
    expect(await databasesOf(provider)).toEqual([])
  })

  test('a CREATE DATABASE still running when the run ends is cancelled or dropped: nothing is left', async () => {
    const provider = new ServerProvider(ADMIN_URL)
    await provider.warm(['cancelled'])
    await provider.dispose()
    expect(await databasesOf(provider)).toEqual([])
    await expect(provider.createDatabase('late')).rejects.toThrow(/interrupted/)
  })

  test('a database that cannot be created is an error for the work waiting, not a hang', async () => {
    const role = 'dg_test_nocreatedb'
    await admin.unsafe(`drop role if exists ${role}`)
    await admin.unsafe(`create role ${role} login nocreatedb`)
    const provider = new ServerProvider(ADMIN_URL.replace('//postgres@', `//${role}@`))
    try {
      await provider.warm(['denied'])
      await expect(
        Promise.all([provider.createDatabase('denied_1'), provider.createDatabase('denied_2')])
      ).rejects.toThrow(/cannot create a database on .*permission denied/)
    } finally {
      await provider.dispose()
      await admin.unsafe(`drop role if exists ${role}`)
    }
  })
})

describe("the CLI's early server (its first CREATE DATABASE sent before the rest of the CLI loads)", () => {
  const io = () => {
    const out = { stdout: '', stderr: '' }
    return {
      out,
      io: { stdout: (t: string) => void (out.stdout += t), stderr: (t: string) => void (out.stderr += t), env: {} }
    }
  }
  const ofRun = async (provider: ServerProvider): Promise<string[]> =>
    (await throwawayDatabases()).filter((d) => d.startsWith(`${provider.runId}_`))

  test('a config that cannot load: exit 2, and the database warmed for it is dropped', async () => {
    const { runCli } = await import('../src/cli/main')
    const dir = await project()
    fs.writeFileSync(path.join(dir, 'drift-guard.config.json'), '{ "targets": [ { "name": "x", } ] }')
    const provider = new ServerProvider(ADMIN_URL)
    await provider.warm(['check'])
    const { out, io: cli } = io()
    expect(
      await runCli(['check', '--cwd', dir, '--database-url', ADMIN_URL], cli, { provider, databaseUrl: ADMIN_URL })
    ).toBe(2)
    expect(out.stderr).toMatch(/malformed JSON/)
    expect(await ofRun(provider)).toEqual([])
  })

  test('used for the run when the options ask for that server; disposed unused when they ask for another Postgres', async () => {
    const { runCli } = await import('../src/cli/main')
    const dir = await project()
    const used = new ServerProvider(ADMIN_URL)
    await used.warm(['check'])
    const first = io()
    expect(
      await runCli(['check', '--cwd', dir, '--database-url', ADMIN_URL, '--format', 'json'], first.io, {
        provider: used,
        databaseUrl: ADMIN_URL
      })
    ).toBe(0)
    expect(JSON.parse(first.out.stdout).postgres.provider).toMatch(/^server /)
    expect(await ofRun(used)).toEqual([])

    const unused = new ServerProvider(ADMIN_URL)
    await unused.warm(['check'])
    const second = io()
    expect(
      await runCli(['check', '--cwd', dir, '--postgres', 'embedded', '--format', 'json'], second.io, {
        provider: unused,
        databaseUrl: ADMIN_URL
      })
    ).toBe(0)
    expect(JSON.parse(second.out.stdout).postgres.provider).toMatch(/^embedded/)
    expect(await ofRun(unused)).toEqual([])
  })
})

test('a server that accepts connections and closes them at once: a bad config is still exit 2, a good one exit 3, never a hang', async () => {
  const net = await import('node:net')
  const closer = net.createServer((socket) => socket.destroy())
  await new Promise<void>((resolve) => closer.listen(0, '127.0.0.1', resolve))
  const port = (closer.address() as { port: number }).port
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`
  const runCliChild = (args: string[], cwd: string): Promise<{ code: number | null; stdout: string; stderr: string }> =>
    new Promise((resolve) => {
      const child = spawn(process.execPath, [path.join(REPO, 'dist', 'cli.js'), ...args], { cwd, stdio: 'pipe' })
      let stdout = ''
      let stderr = ''
      child.stdout.on('data', (d) => (stdout += d))
      child.stderr.on('data', (d) => (stderr += d))
      child.on('exit', (code) => resolve({ code, stdout, stderr }))
    })
  try {
    const dir = await project()
    const good = await runCliChild(['check', '--database-url', url], dir)
    expect(good.code).toBe(3)
    expect(good.stderr).toMatch(/cannot connect to postgres:\/\/postgres@127\.0\.0\.1:\d+\/postgres/)
    fs.writeFileSync(path.join(dir, 'drift-guard.config.json'), '{ "targets": [ { "name": "x", } ] }')
    const bad = await runCliChild(['check', '--database-url', url, '--format', 'json'], dir)
    expect(bad.code).toBe(2)
    expect(JSON.parse(bad.stdout).error.outcome).toBe('bad-input')
  } finally {
    closer.close()
  }
}, 60_000)

test('a role another run creates while ours names it too: ours skips it, and never drops it', async () => {
  const role = `dg_test_shared_role_${process.pid}`
  await admin.unsafe(`drop role if exists ${role}`)
  const provider = new ServerProvider(ADMIN_URL)
  try {
    const db = await provider.createDatabase('roles_other_run')
    // The other run's role appears after this run started: on a server of its own this CREATE ROLE would succeed.
    await admin.unsafe(`create role ${role} nologin`)
    await db.exec(`CREATE ROLE ${role} NOLOGIN;`)
    await db.close()
    const mine = `dg_test_own_role_${process.pid}`
    const second = await provider.createDatabase('roles_own')
    await second.exec(`CREATE ROLE ${mine} NOLOGIN;`)
    await second.close()
    await provider.dispose()
    expect(
      (await admin.unsafe('select rolname from pg_roles where rolname = any($1) order by 1', [[role, mine]])).map(
        (r) => r.rolname
      )
    ).toEqual([role])
  } finally {
    await provider.dispose()
    await admin.unsafe(`drop role if exists ${role}`)
  }
})
