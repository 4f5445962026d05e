// Database names with spaces and non-ASCII letters (issue 11, point 12): reached by their name, never by its
// percent-encoded form, in the audit (tenant databases found by pattern) and in the check (databases of a target).
import * as fs from 'node:fs'
import * as path from 'node:path'
import postgres from 'postgres'
import { runAudit } from '../src/engine/audit'
import { runCheck } from '../src/engine/check'
import { PgliteProvider } from '../src/postgres/pglite'
import { ServerProvider } from '../src/postgres/server'
import { SERVER_URL } from './helpers/postgres'
import { tempDir, writeJournalProject } from './helpers/project'

const TENANT = `acme tenant ü ${process.pid}`
const admin = postgres(SERVER_URL, { max: 1, onnotice: () => undefined })
const scratch = new PgliteProvider()
let project: string

beforeAll(async () => {
  await admin.unsafe(`drop database if exists "${TENANT}"`)
  await admin.unsafe(`create database "${TENANT}"`)
  const tenant = postgres(SERVER_URL, { database: TENANT, max: 1, onnotice: () => undefined })
  await tenant.unsafe('create table "t" ("id" integer)')
  await tenant.end()
  project = writeJournalProject(
    tempDir('dg-safety-names-'),
    "export default { dialect: 'postgresql', schema: './schema.ts', out: './drizzle' }\n",
    {
      'schema.ts':
        "import { pgTable, integer } from 'drizzle-orm/pg-core'\nexport const t = pgTable('t', { id: integer('id') })\n",
      'drizzle/0000_init.sql': 'CREATE TABLE "t" ("id" integer);\n'
    }
  )
})
afterAll(async () => {
  await admin.unsafe(`drop database if exists "${TENANT}" with (force)`)
  await admin.end()
  await scratch.dispose()
})

test('the audit reaches a tenant database named "acme tenant ü …" found by its pattern', async () => {
  const report = await runAudit({
    root: project,
    databaseUrl: SERVER_URL,
    scratch,
    concurrency: 1,
    tenantsPattern: `acme tenant ü ${process.pid}`
  })
  expect(report.findings.filter((f) => f.kind === 'database_unreachable' || f.kind === 'config_error')).toEqual([])
  const audited = report.targets[0].databases.map((d) => d.name)
  expect(audited).toEqual([TENANT])
  // Reached and read: its table is there as the schema declares, only the ledger is missing.
  expect(report.findings.some((f) => /missing|extra/.test(f.kind) && f.table === 't')).toBe(false)
})

test('the check names a database "acme tenant ü" of a target and migrates it like any other', async () => {
  const dir = tempDir('dg-safety-names-check-')
  fs.cpSync(project, dir, { recursive: true })
  fs.writeFileSync(
    path.join(dir, 'drift-guard.config.json'),
    JSON.stringify({ targets: [{ name: 'app', drizzleConfig: 'drizzle.config.ts', databases: [TENANT, 'plain'] }] })
  )
  const provider = new ServerProvider(SERVER_URL)
  const report = await runCheck({ root: dir, provider })
  await provider.dispose()
  expect(report.ok).toBe(true)
  expect(report.targets[0].databases.map((d) => [d.name, d.compared])).toEqual([
    [TENANT, true],
    ['plain', true]
  ])
})
