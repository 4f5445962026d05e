// The project's code (drizzle configs, schemas) runs in a child process (issue 11, points 3, 4 and 10): it sees no
// secret, cannot hold the run (a time limit names the file), cannot end it (process.exit() is bad input, exit 2),
// cannot issue GitHub workflow commands through its output, and dies with the tool.
import * as fs from 'node:fs'
import * as path from 'node:path'
import postgres from 'postgres'
import { executeRun } from '../src/run/run'
import { RunSettings } from '../src/run/settings'
import { ServerProvider } from '../src/postgres/server'
import { SERVER_URL } from './helpers/postgres'
import { tempDir, writeJournalProject } from './helpers/project'
import { runActionSource, runSource } from './helpers/source-run'

const CONFIG = "export default { dialect: 'postgresql', schema: './schema.ts', out: './drizzle' }\n"
const SCHEMA =
  "import { pgTable, integer } from 'drizzle-orm/pg-core'\nexport const t = pgTable('t', { id: integer('id') })\n"
const MIGRATION = 'CREATE TABLE "t" ("id" integer);\n'

function project(files: { config?: string; schema?: string; extra?: Record<string, string> }): string {
  return writeJournalProject(tempDir('dg-safety-child-'), files.config ?? CONFIG, {
    'schema.ts': files.schema ?? SCHEMA,
    'drizzle/0000_init.sql': MIGRATION,
    ...files.extra
  })
}

const env = (extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv => ({
  ...process.env,
  DRIFT_GUARD_DATABASE_URL: '',
  DRIFT_GUARD_NO_CACHE: '1',
  ...extra
})

const cli = (dir: string, extraEnv: NodeJS.ProcessEnv = {}) =>
  runSource('cli.ts', ['check', '--format', 'json', '--postgres', 'embedded'], { cwd: dir, env: env(extraEnv) })

describe('a time limit on loading the project code', () => {
  test('a config stuck in while (true) {} ends with exit 2 and an error naming the config', async () => {
    const dir = project({ config: `while (true) {}\n${CONFIG}` })
    const r = await cli(dir, { DRIFT_GUARD_LOAD_TIMEOUT: '2' })
    expect(r.status).toBe(2)
    const document = JSON.parse(r.stdout)
    expect(document).toMatchObject({ ok: false, error: { outcome: 'bad-input' } })
    expect(document.error.message).toMatch(/^drizzle\.config\.ts: .*did not finish loading within 2 s/)
    expect(document.error.message).toContain('DRIFT_GUARD_LOAD_TIMEOUT')
  })

  test('a schema module stuck in a loop is named (not the schema file that imports it)', async () => {
    const dir = project({
      schema: `import './tables/stuck'\n${SCHEMA}`,
      extra: { 'tables/stuck.ts': 'export const x = 1\nfor (;;) {}\n' }
    })
    const r = await cli(dir, { DRIFT_GUARD_LOAD_TIMEOUT: '2' })
    expect(r.status).toBe(2)
    const document = JSON.parse(r.stdout)
    expect(document.error.outcome).toBe('bad-input')
    expect(document.error.message).toMatch(
      /^tables\/stuck\.ts: the schema of target .* did not finish loading within 2 s/
    )
  })

  test('a bad DRIFT_GUARD_LOAD_TIMEOUT is bad input', async () => {
    const r = await cli(project({}), { DRIFT_GUARD_LOAD_TIMEOUT: 'soon' })
    expect(r.status).toBe(2)
    expect(JSON.parse(r.stdout).error.message).toContain('DRIFT_GUARD_LOAD_TIMEOUT must be a number of seconds')
  })

  test.each(['SIGTERM', 'SIGINT'] as const)(
    '%s ends the tool while a config is stuck in a loop, and the child with it',
    async (signal) => {
      const marker = path.join(tempDir('dg-safety-marker-'), 'pid')
      const dir = project({
        config: `import { writeFileSync } from 'node:fs'\nwriteFileSync(${JSON.stringify(marker)}, String(process.pid))\nwhile (true) {}\n${CONFIG}`
      })
      let killed = false
      const r = await runSource('cli.ts', ['check', '--format', 'json', '--postgres', 'embedded'], {
        cwd: dir,
        env: env({ DRIFT_GUARD_LOAD_TIMEOUT: '600' }),
        timeoutMs: 60_000,
        onStart: (child) => {
          const poll = setInterval(() => {
            if (!fs.existsSync(marker) || killed) return
            killed = true
            clearInterval(poll)
            child.kill(signal)
          }, 100)
          child.on('exit', () => clearInterval(poll))
        }
      })
      expect(killed).toBe(true)
      // Ended by its own signal handling (not by the helper's SIGKILL after 60 s).
      expect(r.status).toBe(signal === 'SIGTERM' ? 143 : 130)
      expect(await gone(Number(fs.readFileSync(marker, 'utf8')))).toBe(true)
    }
  )

  test('the child ends by itself when the tool is killed with SIGKILL', async () => {
    const marker = path.join(tempDir('dg-safety-marker-'), 'pid')
    const dir = project({
      config: `import { writeFileSync } from 'node:fs'\nwriteFileSync(${JSON.stringify(marker)}, String(process.pid))\nwhile (true) {}\n${CONFIG}`
    })
    const r = await runSource('cli.ts', ['check', '--postgres', 'embedded'], {
      cwd: dir,
      env: env({ DRIFT_GUARD_LOAD_TIMEOUT: '600' }),
      timeoutMs: 60_000,
      onStart: (child) => {
        const poll = setInterval(() => {
          if (!fs.existsSync(marker)) return
          clearInterval(poll)
          child.kill('SIGKILL')
        }, 100)
        child.on('exit', () => clearInterval(poll))
      }
    })
    expect(r.status).toBe(null)
    expect(await gone(Number(fs.readFileSync(marker, 'utf8')))).toBe(true)
  })
})

/** Whether the process has ended, waiting for it up to 20 s. */
async function gone(pid: number): Promise<boolean> {
  for (let i = 0; i < 200; i++) {
    try {
      process.kill(pid, 0)
    } catch {
      return true
    }
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  return false
}

describe('process.exit() in a config', () => {
  test.each(['process.exit(0)', 'process.exit(1)'])(
    '%s ends the CLI with bad input (exit 2, a JSON error document naming it)',
    async (call) => {
      const r = await cli(project({ config: `${call}\n${CONFIG}` }))
      expect(r.status).toBe(2)
      const document = JSON.parse(r.stdout)
      expect(document).toMatchObject({ ok: false, error: { outcome: 'bad-input' } })
      expect(document.error.message).toContain(call)
      expect(document.error.message).toMatch(/^drizzle\.config\.ts:1/)
    }
  )

  test('a schema that ends its process another way (process.reallyExit) is bad input naming it', async () => {
    const r = await cli(project({ schema: `;(process as any).reallyExit(0)\n${SCHEMA}` }))
    expect(r.status).toBe(2)
    const document = JSON.parse(r.stdout)
    expect(document.error.outcome).toBe('bad-input')
    expect(document.error.message).toMatch(
      /^schema\.ts: the process loading the schema of target .* exited with code 0/
    )
  })

  test.each([
    ['config', { config: `process.exit(0)\n${CONFIG}` }],
    ['schema', { schema: `process.exit(1)\n${SCHEMA}` }]
  ])('on a server, process.exit() in the %s leaves no database behind (the warm-up one included)', async (_, files) => {
    const provider = new ServerProvider(SERVER_URL)
    const settings: RunSettings = {
      mode: 'check',
      root: project(files),
      databaseUrl: SERVER_URL,
      postgres: 'server',
      failOn: 'error',
      audit: {}
    }
    const result = await executeRun(settings, { prepared: { provider, databaseUrl: SERVER_URL } })
    expect('failure' in result && result.failure.outcome).toBe('bad-input')
    const admin = postgres(SERVER_URL, { max: 1, onnotice: () => undefined })
    try {
      const left = await admin.unsafe('select datname from pg_database where starts_with(datname, $1)', [
        provider.runId
      ])
      expect(left).toEqual([])
    } finally {
      await admin.end()
    }
  })
})

describe('what the project code prints', () => {
  const printing = project({
    schema: [
      "console.log('::add-mask::probe-mask')",
      "console.log('::set-output name=outcome::clean')",
      "console.error('::error file=x.ts::forged annotation')",
      "console.log('::stop-commands::probe-token')",
      "console.log('text ##[set-output name=outcome;]clean')",
      "console.log('  \\r::warning::after a carriage return')",
      SCHEMA
    ].join('\n')
  })

  test('cannot issue workflow commands in the action, and is shown neutralised', async () => {
    const r = await runActionSource(printing, { postgres: 'embedded', comment: 'false' }, { DRIFT_GUARD_NO_CACHE: '1' })
    // The action fails on the journal's warnings (no snapshot): the run itself is complete.
    expect(['clean', 'drift']).toContain(r.outputs.outcome)
    for (const line of (r.stdout + '\n' + r.stderr).split('\n')) {
      expect(line.trim()).not.toMatch(/^::(add-mask|set-output|error file=x|stop-commands|warning::after)/)
      expect(line).not.toContain('##[')
    }
    expect(r.stderr).toContain('printed: "::add-mask::probe-mask"')
    expect(r.stderr).toContain('printed: "text #\\u0023[set-output name=outcome;]clean"')
  })

  test('stays out of the CLI report on stdout', async () => {
    const r = await cli(printing)
    expect(r.status).toBe(0)
    expect(JSON.parse(r.stdout).ok).toBe(true)
    expect(r.stderr).toContain('printed: "::stop-commands::probe-token"')
  })
})

test('the child process environment holds no input, token or database URL', async () => {
  const seen = path.join(tempDir('dg-safety-env-'), 'env.json')
  const dir = project({
    config: `import { writeFileSync } from 'node:fs'\nwriteFileSync(${JSON.stringify(seen)}, JSON.stringify(process.env))\n${CONFIG}`
  })
  const planted = {
    'INPUT_GITHUB-TOKEN': 'ghs_probe',
    'INPUT_DATABASE-URL': SERVER_URL,
    GITHUB_TOKEN: 'ghs_probe',
    GH_TOKEN: 'ghs_probe',
    ACTIONS_RUNTIME_TOKEN: 'probe',
    ACTIONS_ID_TOKEN_REQUEST_URL: 'https://probe',
    ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'probe',
    DATABASE_URL: 'postgres://app:pw@db.example/app',
    APP_DB: 'postgresql://app:pw@db.example/app',
    KEEP_ME: 'visible'
  }
  const r = await runActionSource(
    dir,
    { postgres: 'embedded', comment: 'false' },
    {
      DRIFT_GUARD_NO_CACHE: '1',
      ...planted
    }
  )
  expect(['clean', 'drift']).toContain(r.outputs.outcome)
  const childEnv = JSON.parse(fs.readFileSync(seen, 'utf8')) as Record<string, string>
  for (const name of Object.keys(planted)) if (name !== 'KEEP_ME') expect(childEnv[name]).toBeUndefined()
  expect(Object.keys(childEnv).filter((n) => /^INPUT_/.test(n))).toEqual([])
  expect(childEnv.KEEP_ME).toBe('visible')
})
