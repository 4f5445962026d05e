// Migrations run as the run's throwaway owner role, not with the URL's superuser rights (issue 11, point 6): each
// attack a pull request's migration could make with a superuser URL fails, is reported as a migration that needs
// a superuser, and changes nothing outside the run's databases; the role is gone afterwards. On a second cluster
// the test starts (initdb/pg_ctl): should the protection regress, the attacks (ALTER SYSTEM, a password change,
// DROP DATABASE…) hit a throwaway server, never the machine's shared one. One cluster for the file.
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import postgres from 'postgres'
import { runCheck } from '../src/engine/check'
import { ServerProvider } from '../src/postgres/server'
import { TestCluster, clusterSkipped, clusterTest, startCluster } from './helpers/cluster'
import { tempDir, writeJournalProject } from './helpers/project'

const VICTIM_ROLE = 'dg_test_victim'
const VICTIM_DB = 'dg_test_victim_db'
const CREATED_DB = 'dg_test_created'
const PROBE_FILE = path.join(os.tmpdir(), `dg-owner-probe-${process.pid}`)
const clustered = clusterTest()

let cluster: TestCluster | undefined
let admin: postgres.Sql
/** The cluster's URL (its superuser), the URL a workflow would give. */
const clusterUrl = (): string => cluster!.url

beforeAll(async () => {
  if (clusterSkipped()) return
  cluster = await startCluster()
  admin = postgres(cluster.url, { max: 1, onnotice: () => undefined })
  await admin.unsafe(`create role ${VICTIM_ROLE} login password 'original'`)
  await admin.unsafe(`create database ${VICTIM_DB}`)
}, 120_000)
afterAll(async () => {
  try {
    await admin?.end({ timeout: 1 })
  } finally {
    cluster?.remove()
    fs.rmSync(PROBE_FILE, { force: true })
  }
})

/** What an attack could change outside the run's databases. */
async function outside(): Promise<unknown> {
  const [state] = await admin.unsafe(
    `select (select rolpassword from pg_authid where rolname = $1) as password,
            (select shobj_description(oid, 'pg_database') from pg_database where datname = $2) as comment,
            (select count(*)::int from pg_database where datname in ($2, $3)) as databases,
            (select count(*)::int from pg_file_settings where sourcefile like '%postgresql.auto.conf') as auto_conf`,
    [VICTIM_ROLE, VICTIM_DB, CREATED_DB]
  )
  const victim = postgres(clusterUrl(), { database: VICTIM_DB, max: 1, onnotice: () => undefined })
  const [tables] = await victim.unsafe("select count(*)::int as n from pg_class where relname = 'pwned'")
  await victim.end()
  return { ...state, pwned: tables.n, probe: fs.existsSync(PROBE_FILE) }
}

function project(attack: string, options: { transaction?: boolean; extensions?: readonly string[] } = {}): string {
  const dir = writeJournalProject(
    tempDir('dg-safety-owner-'),
    "export default { dialect: 'postgresql', schema: './schema.ts', out: './drizzle' }\n",
    {
      'schema.ts':
        "import { pgTable, integer } from 'drizzle-orm/pg-core'\nexport const t = pgTable('t', { id: integer('id') })\n",
      'drizzle/0000_init.sql': 'CREATE TABLE "t" ("id" integer);\n',
      'drizzle/0001_attack.sql': `${attack}\n`
    },
    ['0000_init', '0001_attack']
  )
  fs.writeFileSync(
    path.join(dir, 'drift-guard.config.json'),
    JSON.stringify({
      targets: [
        {
          name: 'app',
          drizzleConfig: 'drizzle.config.ts',
          ...(options.transaction === false ? { transaction: false } : {}),
          ...(options.extensions ? { extensions: options.extensions } : {})
        }
      ]
    })
  )
  return dir
}

clustered.each([
  ['COPY … TO PROGRAM', `COPY (SELECT 1) TO PROGRAM 'touch ${PROBE_FILE}';`, {}, /pg_execute_server_program|superuser/],
  ['ALTER ROLE of another role', `ALTER ROLE ${VICTIM_ROLE} PASSWORD 'owned';`, {}, /permission denied/],
  [
    'dblink created by the migration',
    'CREATE EXTENSION IF NOT EXISTS dblink;',
    {},
    /permission denied to create extension "dblink"/
  ],
  [
    'dblink preinstalled by "extensions"',
    `SELECT dblink_exec('host=127.0.0.1 port=CLUSTER_PORT dbname=${VICTIM_DB} user=postgres', 'CREATE TABLE pwned (x int)');`,
    { extensions: ['dblink'] },
    /password|superuser/
  ],
  ['ALTER SYSTEM', "ALTER SYSTEM SET work_mem = '77MB';", { transaction: false }, /permission denied|superuser/],
  ['DROP DATABASE of another database', `DROP DATABASE ${VICTIM_DB};`, { transaction: false }, /must be owner/],
  ['CREATE DATABASE', `CREATE DATABASE ${CREATED_DB};`, { transaction: false }, /permission denied to create database/],
  ['COMMENT ON DATABASE of another database', `COMMENT ON DATABASE ${VICTIM_DB} IS 'owned';`, {}, /must be owner/]
] as const)(
  '%s fails, is reported, and changes nothing outside the run',
  async (_name, attackOnAnyPort, options, message) => {
    // dblink must reach the cluster's port: the shared server must not be its target even when the protection fails.
    const attack = attackOnAnyPort.replace('CLUSTER_PORT', String(cluster!.port))
    const before = await outside()
    const provider = new ServerProvider(clusterUrl())
    const report = await runCheck({ root: project(attack, options), provider })
    await provider.dispose()
    const failed = report.findings.find((f) => f.kind === 'migration_failed')
    expect(failed?.message).toMatch(message)
    expect(report.ok).toBe(false)
    if (!/dblink_exec/.test(attack)) {
      expect(failed?.cause).toMatch(/throwaway role .* no superuser right/)
      expect(failed?.fix).toMatch(/DRIFT_GUARD_SUPERUSER_MIGRATIONS=1/)
    }
    expect(await outside()).toEqual(before)
    const left = await admin.unsafe("select rolname from pg_roles where rolname like $1 || '%'", [provider.runId])
    expect(left).toEqual([])
  }
)

clustered(
  'a clean project migrates as the owner role, whose name says the run, and which is dropped after',
  async () => {
    const provider = new ServerProvider(clusterUrl())
    const root = project('CREATE INDEX "t_id" ON "t" ("id");')
    fs.writeFileSync(
      path.join(root, 'schema.ts'),
      "import { pgTable, integer, index } from 'drizzle-orm/pg-core'\nexport const t = pgTable('t', { id: integer('id') }, (t) => [index('t_id').on(t.id)])\n"
    )
    let owners: string[] = []
    const check = runCheck({ root, provider, log: () => undefined })
    // While it runs: its databases are owned by the run's role.
    for (let i = 0; i < 200 && owners.length === 0; i++) {
      owners = (
        await admin.unsafe<{ owner: string }[]>(
          `select distinct pg_get_userbyid(datdba) as owner from pg_database where datname like $1 || '\\_%'`,
          [provider.runId]
        )
      ).map((r) => r.owner)
      await new Promise((r) => setTimeout(r, 25))
    }
    const report = await check
    await provider.dispose()
    expect(report.findings.filter((f) => f.kind !== 'journal_error')).toEqual([])
    expect(owners).toEqual([`${provider.runId}_owner`])
    expect(await admin.unsafe("select rolname from pg_roles where rolname like $1 || '%'", [provider.runId])).toEqual(
      []
    )
  }
)

clustered('DRIFT_GUARD_SUPERUSER_MIGRATIONS=1 keeps the URL role, and the report says so', async () => {
  process.env.DRIFT_GUARD_SUPERUSER_MIGRATIONS = '1'
  try {
    const provider = new ServerProvider(clusterUrl())
    const report = await runCheck({ root: project('CREATE EXTENSION IF NOT EXISTS dblink;'), provider })
    await provider.dispose()
    expect(report.findings.filter((f) => f.kind !== 'journal_error')).toEqual([])
    expect(report.notes.join('\n')).toMatch(
      /migrations ran as "postgres", the URL's role \(DRIFT_GUARD_SUPERUSER_MIGRATIONS=1\)/
    )
  } finally {
    delete process.env.DRIFT_GUARD_SUPERUSER_MIGRATIONS
  }
})
