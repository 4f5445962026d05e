// Roles belong to a whole server: a migration that creates one, run in tenant_1 and tenant_2, clashes where the two
// share a server. Both Postgres kinds run each database as if alone and report the clash once, the same way.
import * as fs from 'node:fs'
import * as path from 'node:path'
import postgres from 'postgres'
import { runCheck } from '../src/engine/check'
import { createdRole, toleratingRolesCreated } from '../src/sql/roles'
import { Report } from '../src/core/findings'
import { EACH_POSTGRES, SERVER_URL, providerForSuite } from './helpers/postgres'
import { appendHandWrittenMigration, makeProject } from './helpers/project'
import { BASE_SCHEMA } from './helpers/schemas'

const summary = (report: Report): string[] => report.findings.map((f) => `${f.severity} ${f.kind} ${f.name ?? ''}`)

async function project(role: string, databases: string[], statement = `CREATE ROLE ${role} NOLOGIN;`): Promise<string> {
  const dir = await makeProject({ steps: [BASE_SCHEMA] })
  fs.writeFileSync(
    path.join(dir, 'drift-guard.config.json'),
    JSON.stringify({ targets: [{ name: 'tenant', drizzleConfig: 'drizzle.config.ts', databases }] })
  )
  appendHandWrittenMigration(
    dir,
    'drizzle',
    '0001_role',
    `-- the app's read-only role\n${statement}\n--> statement-breakpoint\nGRANT SELECT ON ALL TABLES IN SCHEMA public TO ${role};`,
    { copySnapshot: true }
  )
  return dir
}

test('createdRole reads the statement itself, not a DO block that may create one', () => {
  expect(createdRole('-- c\nCREATE ROLE app NOLOGIN')).toBe('app')
  expect(createdRole('/* x */ create user "Mixed""Case" with login')).toBe('Mixed"Case')
  expect(createdRole('CREATE GROUP Readers')).toBe('readers')
  expect(createdRole('DO $$ BEGIN CREATE ROLE app; EXCEPTION WHEN duplicate_object THEN NULL; END $$')).toBeUndefined()
  expect(createdRole('GRANT app TO other')).toBeUndefined()
})

test('toleratingRolesCreated wraps only the roles asked for, and keeps every line where it was', () => {
  const text = 'CREATE ROLE a NOLOGIN;\nGRANT x TO a;\nCREATE ROLE b;\nSELECT 1;'
  const out = toleratingRolesCreated(text, (r) => r === 'b')
  expect(out.split('\n')).toHaveLength(4)
  expect(out).toMatch(
    /^CREATE ROLE a NOLOGIN;\nGRANT x TO a;\nDO \$dg_role\$ BEGIN CREATE ROLE b; EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END \$dg_role\$;\nSELECT 1;$/
  )
  expect(toleratingRolesCreated(text, () => false)).toBe(text)
})

describe.each(EACH_POSTGRES)('on %s', (_name, createProvider) => {
  const provider = providerForSuite(createProvider)

  test('a role created by the migrations of two tenants: one warning at the statement, both tenants migrated and compared', async () => {
    const role = `dg_test_role_${Math.random().toString(36).slice(2, 8)}`
    const report = await runCheck({ root: await project(role, ['tenant_1', 'tenant_2']), provider })
    expect(summary(report)).toEqual([`warning cross_database_role ${role}`])
    const [finding] = report.findings
    expect(finding).toMatchObject({ file: 'drizzle/0001_role.sql', line: 2, databases: ['tenant_1', 'tenant_2'] })
    expect(finding.cause).toMatch(/roles belong to the whole Postgres server/)
    expect(report.targets[0].databases.map((d) => [d.name, d.compared, d.migrations.every((m) => m.ok)])).toEqual([
      ['tenant_1', true, true],
      ['tenant_2', true, true]
    ])
  })

  test('"severity": { "cross_database_role": "off" } on the target turns it off', async () => {
    const role = `dg_test_role_${Math.random().toString(36).slice(2, 8)}`
    const dir = await project(role, ['tenant_1', 'tenant_2'])
    fs.writeFileSync(
      path.join(dir, 'drift-guard.config.json'),
      JSON.stringify({
        targets: [
          {
            name: 'tenant',
            drizzleConfig: 'drizzle.config.ts',
            databases: ['tenant_1', 'tenant_2'],
            severity: { cross_database_role: 'off' }
          }
        ]
      })
    )
    expect(summary(await runCheck({ root: dir, provider }))).toEqual([])
  })

  test('one database, or a guarded CREATE ROLE: no warning', async () => {
    const role = `dg_test_role_${Math.random().toString(36).slice(2, 8)}`
    expect(summary(await runCheck({ root: await project(role, ['tenant_1']), provider }))).toEqual([])
    const guarded = `DO $$ BEGIN CREATE ROLE ${role} NOLOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;`
    expect(summary(await runCheck({ root: await project(role, ['tenant_1', 'tenant_2'], guarded), provider }))).toEqual(
      []
    )
  })
})

test('on the server, a database that creates the same role twice still fails, as on a server of its own', async () => {
  const role = `dg_test_role_twice_${Math.random().toString(36).slice(2, 8)}`
  const { ServerProvider } = await import('../src/postgres/server')
  const provider = new ServerProvider(SERVER_URL)
  try {
    const twice = `CREATE ROLE ${role} NOLOGIN;\n--> statement-breakpoint\nCREATE ROLE ${role} NOLOGIN;`
    const report = await runCheck({ root: await project(role, ['tenant_1', 'tenant_2'], twice), provider })
    const failed = report.findings.find((f) => f.kind === 'migration_failed')
    expect(failed?.message).toMatch(/already exists/)
    expect(failed?.databases).toEqual(['tenant_1', 'tenant_2'])
  } finally {
    await provider.dispose()
  }
})

test('on the server, a role that existed before the run is not hidden: its CREATE ROLE fails as it would there', async () => {
  const role = `dg_test_role_pre_${Math.random().toString(36).slice(2, 8)}`
  const admin = postgres(SERVER_URL, { max: 1, onnotice: () => undefined })
  await admin.unsafe(`create role ${role} nologin`)
  const { ServerProvider } = await import('../src/postgres/server')
  const provider = new ServerProvider(SERVER_URL)
  try {
    const report = await runCheck({ root: await project(role, ['tenant_1']), provider })
    expect(summary(report)).toEqual(['error migration_failed 0001_role'])
    expect(report.findings[0].message).toMatch(/already exists/)
  } finally {
    await provider.dispose()
    expect((await admin.unsafe('select 1 from pg_roles where rolname = $1', [role])).length).toBe(1)
    await admin.unsafe(`drop role ${role}`)
    await admin.end()
  }
})

describe.each(EACH_POSTGRES)('a policy for a role the migrations create, on %s', (_name, createProvider) => {
  const provider = providerForSuite(createProvider)
  const role = `dg_test_reader_${Math.random().toString(36).slice(2, 8)}`
  const schema = (using: string): string =>
    `import { sql } from "drizzle-orm";\nimport { integer, pgPolicy, pgTable } from "drizzle-orm/pg-core";\n\n` +
    `export const notes = pgTable("notes", { id: integer("id").primaryKey(), owner: integer("owner").notNull() }, () => [\n` +
    `  pgPolicy("notes_read", { for: "select", to: "${role}", using: sql\`${using}\` }),\n]);\n`

  async function policyProject(using: string, policyInMigration: string): Promise<string> {
    const dir = await makeProject({ steps: [schema('true')] })
    fs.writeFileSync(path.join(dir, 'src', 'schema.ts'), schema(using))
    // The role comes from a hand-written migration before the generated one uses it: move it first.
    const sqlFile = fs.readdirSync(path.join(dir, 'drizzle')).find((f) => f.endsWith('.sql'))!
    const generated = fs.readFileSync(path.join(dir, 'drizzle', sqlFile), 'utf8')
    fs.writeFileSync(
      path.join(dir, 'drizzle', sqlFile),
      `CREATE ROLE ${role} NOLOGIN;\n--> statement-breakpoint\n` +
        generated.replace(/CREATE POLICY[^;]*;/, policyInMigration)
    )
    return dir
  }

  test('built and compared in full: the same policy is no finding, another one is policy_mismatch', async () => {
    const same = await runCheck({
      root: await policyProject(
        'true',
        `CREATE POLICY "notes_read" ON "notes" AS PERMISSIVE FOR SELECT TO "${role}" USING (true);`
      ),
      provider
    })
    expect(summary(same)).toEqual([])
    const other = await runCheck({
      root: await policyProject(
        'owner = 1',
        `CREATE POLICY "notes_read" ON "notes" AS PERMISSIVE FOR SELECT TO "${role}" USING (true);`
      ),
      provider
    })
    expect(summary(other)).toEqual(expect.arrayContaining(['error policy_mismatch notes_read']))
    expect(other.findings.find((f) => f.kind === 'policy_mismatch')?.message).not.toMatch(/by name only/)
  })
})
