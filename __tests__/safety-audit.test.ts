// The audit cannot write (issue 11, points 7 and 11): its tenants query is one query inside the read-only
// transaction (extended protocol), anything else is refused; a superuser connection is warned about; a tenant
// pattern that matches nothing is a finding, not "no drift". On a second cluster the test starts (initdb/pg_ctl):
// should the refusal regress, the queries (pg_terminate_backend of every session, COPY … TO PROGRAM, writes) hit a
// throwaway server, never the machine's shared one.
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import postgres from 'postgres'
import { runAudit } from '../src/engine/audit'
import { openLive } from '../src/postgres/live'
import { PgliteProvider } from '../src/postgres/pglite'
import { readOnlyQueryProblem } from '../src/sql/read-only-query'
import { TestCluster, clusterSkipped, clusterTest, startCluster } from './helpers/cluster'
import { tempDir, writeJournalProject } from './helpers/project'

const PROBE = `safety_probe_${process.pid}`
const scratch = new PgliteProvider()
const clustered = clusterTest()
let project: string
let cluster: TestCluster | undefined
let admin: postgres.Sql

beforeAll(async () => {
  if (clusterSkipped()) return
  cluster = await startCluster()
  admin = postgres(cluster.url, { max: 1, onnotice: () => undefined })
  await admin.unsafe(`create table if not exists ${PROBE} (v text)`)
  project = writeJournalProject(
    tempDir('dg-safety-audit-'),
    "export default { dialect: 'postgresql', schema: './schema.ts', out: './drizzle' }\n",
    {
      'schema.ts':
        "import { pgTable, integer } from 'drizzle-orm/pg-core'\nexport const t = pgTable('t', { id: integer('id') })\n",
      'drizzle/0000_init.sql': 'CREATE TABLE "t" ("id" integer);\n'
    }
  )
}, 120_000)
afterAll(async () => {
  try {
    await admin?.end({ timeout: 1 })
    await scratch.dispose()
  } finally {
    cluster?.remove()
  }
})

const audit = (options: { tenantsQuery?: string; tenantsPattern?: string; tenantTarget?: string }) =>
  runAudit({ root: project, databaseUrl: cluster!.url, scratch, concurrency: 1, ...options })

clustered.each([
  [`rollback; begin read write; insert into ${PROBE} values ('x'); commit; select 'tenant_1'`, /one statement/],
  ["copy (select 'x') to program 'touch /tmp/dg-safety-probe'", /must be a query.*not COPY/],
  ["select dblink_exec('dbname=postgres', 'drop table x')", /dblink_exec\(\)/],
  ['select pg_terminate_backend(pid) from pg_stat_activity', /pg_terminate_backend\(\)/],
  [`with gone as (delete from ${PROBE} returning v) select v from gone`, /data-modifying WITH/]
])('the tenants query %s is refused before it runs', async (query, why) => {
  expect(readOnlyQueryProblem(query)).toMatch(why)
  await expect(audit({ tenantsQuery: query })).rejects.toThrow(/--tenants-query is refused/)
  expect((await admin.unsafe(`select count(*)::int as n from ${PROBE}`))[0].n).toBe(0)
})

clustered('the audit session refuses two statements in one query (extended protocol) and any write', async () => {
  const session = await openLive(cluster!.url, 'probe')
  try {
    await expect(session.query(`select 1; insert into ${PROBE} values ('y')`)).rejects.toThrow(/multiple commands/)
    await expect(session.query(`insert into ${PROBE} values ('y')`)).rejects.toThrow(/read-only transaction/)
  } finally {
    await session.close()
  }
  expect((await admin.unsafe(`select count(*)::int as n from ${PROBE}`))[0].n).toBe(0)
})

clustered(
  'a pattern that matches nothing is a finding (an error for a named tenant target); a superuser is warned about',
  async () => {
    const pattern = `dg_no_such_tenant_${process.pid}_%`
    const byDefault = await audit({ tenantsPattern: pattern })
    const empty = byDefault.findings.find((f) => f.kind === 'config_error')
    expect(empty).toMatchObject({ severity: 'warning' })
    expect(empty!.message).toMatch(/matched no database/)
    expect(byDefault.notes.join('\n')).toMatch(/superuser.*pg_read_all_data/)
    const named = await audit({ tenantsPattern: pattern, tenantTarget: byDefault.targets[0].name })
    expect(named.findings.find((f) => f.kind === 'config_error')).toMatchObject({ severity: 'error' })
    expect(named.ok).toBe(false)
    expect(fs.existsSync(path.join(os.tmpdir(), 'dg-safety-probe'))).toBe(false)
  }
)
