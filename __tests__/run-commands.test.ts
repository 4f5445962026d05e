// A target's "run": the project's own init commands, run with its own driver (postgres.js) against each migrated
// throwaway database, served over the wire protocol on the embedded Postgres. A failure is a run_failed finding,
// linked to the finding that explains it; a command that hangs is stopped; a command that is not there is said so.
import * as fs from 'node:fs'
import * as path from 'node:path'
import { UsageError } from '../src/core/errors'
import { Report } from '../src/core/findings'
import { loadConfig } from '../src/config/load-config'
import { runCheck } from '../src/engine/check'
import { runFailedFinding } from '../src/run-commands/link'
import { EACH_POSTGRES, providerForSuite } from './helpers/postgres'
import { makeProject } from './helpers/project'

const MIGRATED = `import { pgTable, integer, text } from "drizzle-orm/pg-core";
export const users = pgTable("users", { id: integer("id").primaryKey(), name: text("name").notNull() });
`
// Declared after the last migration: no migration adds it.
const DECLARED = MIGRATED.replace(
  'name: text("name").notNull() }',
  'name: text("name").notNull(),\n  email: text("email") }'
)

// Inserts a row and reads it back through the URL it is given; writes what it saw where the test can read it.
const SEED = `import postgres from 'postgres'
import * as fs from 'node:fs'
const sql = postgres(process.env.APP_DATABASE_URL, { max: 1, onnotice: () => undefined })
await sql\`insert into users (id, name) values (1, 'ada')\`
const [row] = await sql\`select count(*)::int as n from users\`
fs.writeFileSync(\`seen-\${process.env.DRIFT_GUARD_DATABASE}.txt\`, String(row.n))
console.log('seeded')
await sql.end()
`
// What BUG-001's db:init does: writes a column the migrations never created.
const INIT = `import postgres from 'postgres'
const sql = postgres(process.env.DATABASE_URL, { max: 1, onnotice: () => undefined })
try {
  await sql\`insert into users (id, name, email) values (1, 'ada', 'ada@example.com')\`
} catch (error) {
  console.error('init failed: ' + error.message)
  process.exitCode = 1
} finally {
  await sql.end()
}
`

// Stuck in a statement: stopped at its time limit, its statement still running in the database.
const STUCK = `import postgres from 'postgres'
const sql = postgres(process.env.DATABASE_URL, { max: 1, onnotice: () => undefined })
console.log('sleeping')
await sql\`select pg_sleep(100000)\`
`

async function project(): Promise<string> {
  const dir = await makeProject({
    steps: [MIGRATED],
    finalSchema: DECLARED,
    files: {
      'seed.mjs': SEED,
      'init.mjs': INIT,
      'stuck.mjs': STUCK,
      'nopkg.mjs': "import 'drift-guard-no-such-package'\n"
    }
  })
  const target = (name: string, extra: object) => ({ name, drizzleConfig: 'drizzle.config.ts', ...extra })
  fs.writeFileSync(
    path.join(dir, 'drift-guard.config.json'),
    JSON.stringify(
      {
        targets: [
          target('seeded', { databases: ['tenant_1', 'tenant_2'], run: ['node seed.mjs'], urlEnv: 'APP_DATABASE_URL' }),
          target('init', { run: ['node init.mjs', 'node seed.mjs'] }),
          target('slow', { run: ['node -e "setTimeout(() => {}, 60000)"'], runTimeout: 1 }),
          target('stuck', { run: ['node stuck.mjs'], runTimeout: 2 }),
          target('uninstalled', { run: ['node nopkg.mjs'] }),
          target('missing', { run: ['drift-guard-no-such-command --init'] })
        ]
      },
      null,
      2
    )
  )
  return dir
}

describe.each(EACH_POSTGRES)('run on %s', (_name, create) => {
  const provider = providerForSuite(create)
  let dir: string
  let report: Report
  beforeAll(async () => {
    dir = await project()
    report = await runCheck({ root: dir, provider })
  }, 60_000)
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))
  const runFailed = (target: string) => report.findings.filter((f) => f.kind === 'run_failed' && f.target === target)

  test("a command connects with the project's driver to each database, its name in DRIFT_GUARD_DATABASE", () => {
    expect(runFailed('seeded')).toEqual([])
    for (const tenant of ['tenant_1', 'tenant_2'])
      expect(fs.readFileSync(path.join(dir, `seen-${tenant}.txt`), 'utf8')).toBe('1')
  })

  test('a failure names the command, its exit code and output, and links the finding that explains it', () => {
    const [finding] = runFailed('init')
    expect(finding).toMatchObject({ severity: 'error', name: 'node init.mjs', file: 'drift-guard.config.json' })
    expect(fs.readFileSync(path.join(dir, 'drift-guard.config.json'), 'utf8').split('\n')[finding.line! - 1]).toContain(
      'node init.mjs'
    )
    expect(finding.message).toMatch(/exit code 1/)
    expect(finding.output).toMatch(/init failed: column "email" of relation "users" does not exist/)
    expect(finding.cause).toMatch(/^caused by missing_column users\.email, declared at src\/schema\.ts:3/)
    expect(finding.fix).toBe('ALTER TABLE "users" ADD COLUMN "email" text;')
    // The first failure stops the rest: seed.mjs never ran on this database.
    expect(fs.existsSync(path.join(dir, 'seen-init.txt'))).toBe(false)
  })

  test('a command over its time limit is stopped and reported', () => {
    const [finding] = runFailed('slow')
    expect(finding.message).toMatch(/did not finish within 1 s/)
    expect(finding.cause).toMatch(/runTimeout/)
  })

  test('a command stopped inside a statement: the statement does not hold the run (the embedded Postgres running it is ended), and the check goes on', () => {
    const [finding] = runFailed('stuck')
    expect(finding.message).toMatch(/did not finish within 2 s/)
    expect(finding.output).toMatch(/sleeping/)
    // The targets after it were checked.
    expect(runFailed('missing')).toHaveLength(1)
  })

  test('a command whose package is not installed: the dependencies, not the database', () => {
    const [finding] = runFailed('uninstalled')
    expect(finding.message).toMatch(/exit code 1/)
    expect(finding.cause).toBe(
      "the command could not load package 'drift-guard-no-such-package': the project's dependencies must be installed before drift-guard runs (npm ci); nothing says the database is at fault"
    )
  })

  test('a command that is not there is reported as such', () => {
    const [finding] = runFailed('missing')
    expect(finding.message).toMatch(/could not run/)
    expect(finding.output).toMatch(/not found/)
    expect(finding.cause).toMatch(/npm ci/)
  })
})

test('a project file that is not there (a build not run) is not taken for a package to install', () => {
  const failed = (line: string): string =>
    runFailedFinding(
      {
        run: {
          command: 'node dist/seed.js',
          exitCode: 1,
          timedOut: false,
          notFound: false,
          tail: [line],
          errorLines: [],
          durationMs: 1
        },
        databases: ['app'],
        timeoutSeconds: 120
      },
      []
    ).cause!
  expect(failed("Error: Cannot find module '/app/dist/seed.js'")).toMatch(/^the command failed against the database/)
  expect(failed("Error: Cannot find module './seed.js'")).toMatch(/^the command failed against the database/)
  expect(failed("Error [ERR_MODULE_NOT_FOUND]: Cannot find package 'postgres' imported from /app/db/init.mjs")).toMatch(
    /^the command could not load package 'postgres'/
  )
})

test('run, urlEnv and runTimeout are checked, with the file and line of the wrong value', () => {
  const dir = fs.mkdtempSync(path.join(require('node:os').tmpdir(), 'dg-run-config-'))
  fs.mkdirSync(path.join(dir, 'drizzle'))
  fs.writeFileSync(path.join(dir, 'schema.ts'), '')
  const errorFor = (extra: object): UsageError => {
    const target = { name: 'app', schema: 'schema.ts', migrations: 'drizzle', ...extra }
    fs.writeFileSync(path.join(dir, 'drift-guard.config.json'), JSON.stringify({ targets: [target] }, null, 2))
    try {
      loadConfig(dir)
    } catch (error) {
      return error as UsageError
    }
    throw new Error('no error')
  }
  try {
    expect(errorFor({ run: 'npm run db:init' }).message).toMatch(/drift-guard.config.json:7: .*"run" must be a list/)
    expect(errorFor({ run: ['ok', ''] }).message).toMatch(/:9: .*"run" must be a list of commands/)
    expect(errorFor({ run: ['ok'], urlEnv: 'MY URL' }).message).toMatch(/:10: .*"urlEnv" must be/)
    expect(errorFor({ run: ['ok'], runTimeout: 0 }).message).toMatch(/:10: .*"runTimeout" must be/)
    expect(errorFor({ urlEnv: 'X' }).message).toMatch(/"urlEnv" .* add "run"/)
  } finally {
    fs.rmSync(dir, { recursive: true, force: true })
  }
})
