// Limits on what the project's code and migrations can take (issue 11, points 3 and 10): a migration stuck in a
// statement fails within DRIFT_GUARD_STATEMENT_TIMEOUT; a schema cannot read the action's inputs, tokens or the URL.
import { executeRun } from '../src/run/run'
import { RunSettings } from '../src/run/settings'
import { SERVER_URL } from './helpers/postgres'
import { tempDir, writeJournalProject } from './helpers/project'

const settings = (root: string, databaseUrl?: string): RunSettings => ({
  mode: 'check',
  root,
  databaseUrl,
  postgres: databaseUrl ? 'server' : 'embedded',
  failOn: 'error',
  audit: {}
})

test('a migration stuck in pg_sleep fails as a finding within the statement timeout', async () => {
  const dir = writeJournalProject(
    tempDir('dg-safety-limits-'),
    "export default { dialect: 'postgresql', schema: './schema.ts', out: './drizzle' }\n",
    {
      'schema.ts':
        "import { pgTable, integer } from 'drizzle-orm/pg-core'\nexport const t = pgTable('t', { id: integer('id') })\n",
      'drizzle/0000_init.sql': 'CREATE TABLE "t" ("id" integer);\n--> statement-breakpoint\nSELECT pg_sleep(600);\n'
    }
  )
  process.env.DRIFT_GUARD_STATEMENT_TIMEOUT = '1'
  const started = Date.now()
  try {
    const result = await executeRun(settings(dir, SERVER_URL))
    if (!('report' in result)) throw new Error(result.failure.message)
    const failed = result.report.findings.find((f) => f.kind === 'migration_failed')
    expect(failed?.message).toMatch(/statement timeout/)
  } finally {
    delete process.env.DRIFT_GUARD_STATEMENT_TIMEOUT
  }
  expect(Date.now() - started).toBeLessThan(60_000)
})

test('a schema reads no INPUT_*, no token and no database URL from the environment', async () => {
  const dir = writeJournalProject(
    tempDir('dg-safety-env-'),
    "export default { dialect: 'postgresql', schema: './schema.ts', out: './drizzle' }\n",
    {
      'schema.ts': [
        "import { pgTable, integer } from 'drizzle-orm/pg-core'",
        "const seen = ['INPUT_GITHUB-TOKEN', 'GITHUB_TOKEN', 'ACTIONS_RUNTIME_TOKEN', 'DRIFT_GUARD_DATABASE_URL', 'APP_DB']",
        '  .filter((name) => process.env[name] !== undefined)',
        "export const t = pgTable(seen.length ? 'leaked_' + seen.join('_') : 't', { id: integer('id') })"
      ].join('\n'),
      'drizzle/0000_init.sql': 'CREATE TABLE "t" ("id" integer);\n'
    }
  )
  const planted = {
    'INPUT_GITHUB-TOKEN': 'ghs_probe',
    GITHUB_TOKEN: 'ghs_probe',
    ACTIONS_RUNTIME_TOKEN: 'probe',
    DRIFT_GUARD_DATABASE_URL: SERVER_URL,
    APP_DB: SERVER_URL
  }
  Object.assign(process.env, planted)
  try {
    const result = await executeRun(settings(dir, SERVER_URL))
    if (!('report' in result)) throw new Error(result.failure.message)
    // Any variable seen would name the table leaked_…: a missing and an undeclared table.
    expect(JSON.stringify(result.report.findings)).not.toMatch(/leaked/)
    expect(result.report.findings.filter((f) => f.kind !== 'journal_error')).toEqual([])
    // Restored after the run.
    expect(process.env.GITHUB_TOKEN).toBe('ghs_probe')
  } finally {
    for (const name of Object.keys(planted)) delete process.env[name]
  }
})

test('--output under /proc or /sys is refused at once', () => {
  const { writeOutputFile } = require('../src/cli/output') as typeof import('../src/cli/output')
  expect(() => writeOutputFile('/proc/self/fd/0', 'x')).toThrow(/\/proc and \/sys hold no files/)
  expect(() => writeOutputFile('/sys/kernel/x.json', 'x')).toThrow(/\/proc and \/sys hold no files/)
})

test('COPY … TO PROGRAM on the embedded Postgres is a failed migration naming it, at once (PGlite spun on it)', async () => {
  const dir = writeJournalProject(
    tempDir('dg-safety-limits-'),
    "export default { dialect: 'postgresql', schema: './schema.ts', out: './drizzle' }\n",
    {
      'schema.ts':
        "import { pgTable, integer } from 'drizzle-orm/pg-core'\nexport const t = pgTable('t', { id: integer('id') })\n",
      'drizzle/0000_init.sql':
        'CREATE TABLE "t" ("id" integer);\n--> statement-breakpoint\nCOPY (select 1) TO PROGRAM \'sleep 600\';\n'
    }
  )
  const result = await executeRun(settings(dir))
  if (!('report' in result)) throw new Error(result.failure.message)
  const failed = result.report.findings.find((f) => f.kind === 'migration_failed')
  expect(failed?.message).toMatch(
    /drizzle\/0000_init\.sql:3: COPY … PROGRAM runs a shell command on the database server/
  )
})
