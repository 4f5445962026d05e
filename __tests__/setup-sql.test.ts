// What the schema's database needs from hand-written SQL (functions that policies, checks and defaults call), SQL
// that a provider runs before the migrations (setup files, preinstalled extensions), and migrations applied
// outside drizzle's single transaction. Real migrations, on the embedded Postgres and the server.
import * as fs from 'node:fs'
import * as path from 'node:path'
import { loadConfig } from '../src/config/load-config'
import { runCheck } from '../src/engine/check'
import { Report, UsageError } from '../src/engine/types'
import { PgliteProvider } from '../src/postgres/pglite'
import { ServerProvider } from '../src/postgres/server'
import postgres from 'postgres'
import { appendHandWrittenMigration, makeProject } from './helpers/project'
import { runAudit } from '../src/engine/audit'
import { applyMigrations } from '../src/migrations/apply'
import { readMigrationFolder } from '../src/migrations/folder'
import { EACH_POSTGRES, SERVER_URL, providerForSuite } from './helpers/postgres'


const dirs: string[] = []
afterAll(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true })
})

const summary = (report: Report): string[] => report.findings.map((f) => `${f.severity} ${f.kind} ${[f.table, f.column ?? f.name].filter(Boolean).join('.')}`)

/** Puts hand-written SQL before the first statement of the generated 0000 migration (as people edit it). */
function prependToFirstMigration(dir: string, sql: string): void {
  const folder = path.join(dir, 'drizzle')
  const file = path.join(folder, fs.readdirSync(folder).find((f) => f.startsWith('0000_') && f.endsWith('.sql'))!)
  fs.writeFileSync(file, `${sql}\n--> statement-breakpoint\n${fs.readFileSync(file, 'utf8')}`)
}

const FUNCTIONS_SCHEMA = `import { pgTable, pgPolicy, integer, text, check, index } from "drizzle-orm/pg-core";
import { sql } from "drizzle-orm";

export const docs = pgTable("docs", {
  id: integer("id").primaryKey(),
  orgId: text("org_id").notNull(),
  code: text("code").default(sql\`next_code()\`).notNull(),
}, (t) => [
  pgPolicy("docs_org_policy", { for: "all", to: "public", using: sql\`org_id = current_org_id()\`, withCheck: sql\`org_id = current_org_id()\` }),
  pgPolicy("docs_read", { for: "select", to: "public", using: sql\`is_member(org_id)\` }),
  check("docs_code_valid", sql\`valid_code(\${t.code})\`),
  index("docs_code_idx").using("btree", sql\`normalise_code(\${t.code})\`),
]);

export const notes = pgTable("notes", {
  id: integer("id").primaryKey(),
  docId: integer("doc_id").references(() => docs.id),
});
`

const FUNCTIONS_SQL = [
  `CREATE FUNCTION current_org_id() RETURNS text AS $$ SELECT current_setting('app.org_id', true) $$ LANGUAGE sql STABLE;`,
  `CREATE FUNCTION is_member(org text) RETURNS boolean AS $$ SELECT org = current_org_id() $$ LANGUAGE sql STABLE;`,
  `CREATE FUNCTION next_code() RETURNS text AS $$ BEGIN RETURN md5(random()::text); END $$ LANGUAGE plpgsql;`,
  `CREATE FUNCTION valid_code(code text) RETURNS boolean AS $$ SELECT length(code) > 0 $$ LANGUAGE sql IMMUTABLE;`,
  `CREATE FUNCTION normalise_code(code text) RETURNS text AS $$ SELECT lower(code) $$ LANGUAGE sql IMMUTABLE;`,
  `CREATE PROCEDURE archive_docs() AS $$ BEGIN DELETE FROM docs; END $$ LANGUAGE plpgsql;`
].join('\n--> statement-breakpoint\n')

/** A body that reads a table the schema creates: in the schema's database that table is built only after it. */
const DOCS_COUNT_SQL = `CREATE FUNCTION docs_count() RETURNS bigint AS $$ SELECT count(*) FROM docs $$ LANGUAGE sql STABLE;`

async function functionsProject(finalSchema?: string): Promise<string> {
  const dir = await makeProject({ steps: [FUNCTIONS_SCHEMA], ...(finalSchema ? { finalSchema } : {}) })
  dirs.push(dir)
  prependToFirstMigration(dir, FUNCTIONS_SQL)
  const folder = path.join(dir, 'drizzle')
  const file = path.join(folder, fs.readdirSync(folder).find((f) => f.startsWith('0000_') && f.endsWith('.sql'))!)
  fs.appendFileSync(file, `\n--> statement-breakpoint\n${DOCS_COUNT_SQL}`)
  return dir
}

const SUPABASE_SCHEMA = `import { pgTable, pgPolicy, uuid, text } from "drizzle-orm/pg-core";
import { authUsers, authenticatedRole, authUid } from "drizzle-orm/supabase";

export const profiles = pgTable("profiles", {
  id: uuid("id").primaryKey().references(() => authUsers.id, { onDelete: "cascade" }),
  name: text("name"),
}, (t) => [
  pgPolicy("profiles_own", { for: "select", to: authenticatedRole, using: sql\`\${t.id} = \${authUid}\` }),
]);
`.replace('from "drizzle-orm/supabase";', 'from "drizzle-orm/supabase";\nimport { sql } from "drizzle-orm";')

/** What \`supabase start\` has before the project's migrations: the auth schema, auth.uid() and the API roles. */
const SUPABASE_SETUP = `-- Supabase's platform objects
CREATE SCHEMA IF NOT EXISTS auth;
CREATE TABLE auth.users (id uuid PRIMARY KEY, email varchar(255), note text DEFAULT 'a;b');
CREATE FUNCTION auth.uid() RETURNS uuid LANGUAGE sql STABLE AS $$
  SELECT nullif(current_setting('request.jwt.claim.sub', true), '')::uuid;
$$;
/* the API roles; ; */
CREATE ROLE authenticated NOLOGIN;
CREATE ROLE anon NOLOGIN;
`

async function supabaseProject(setup: string | undefined, databases?: string[]): Promise<string> {
  const dir = await makeProject({ steps: [SUPABASE_SCHEMA] })
  dirs.push(dir)
  appendHandWrittenMigration(dir, 'drizzle', '0001_grants', 'GRANT SELECT ON "profiles" TO authenticated;\n--> statement-breakpoint\nGRANT SELECT ON "profiles" TO anon;', { copySnapshot: true })
  if (setup !== undefined) fs.mkdirSync(path.join(dir, 'supabase'))
  if (setup !== undefined) fs.writeFileSync(path.join(dir, 'supabase', 'setup.sql'), setup)
  const target = { name: 'app', drizzleConfig: 'drizzle.config.ts', ...(databases ? { databases } : {}), ...(setup !== undefined ? { setup: ['supabase/setup.sql'] } : {}) }
  fs.writeFileSync(path.join(dir, 'drift-guard.config.json'), JSON.stringify({ targets: [target] }, null, 2))
  return dir
}

const TRGM_SCHEMA = `import { pgTable, integer, text, index } from "drizzle-orm/pg-core";

export const items = pgTable("items", { id: integer("id").primaryKey(), name: text("name").notNull() }, (t) => [
  index("items_name_trgm_idx").using("gin", t.name.op("gin_trgm_ops")),
]);
`

describe.each(EACH_POSTGRES)('on %s', (_name, createProvider) => {
  const provider = providerForSuite(createProvider)

  describe('setup SQL and preinstalled extensions (failure 19a)', () => {
    test('a Supabase project: auth.users, auth.uid() and the API roles from setup SQL; nothing reported, setup objects included', async () => {
      const without = await supabaseProject(undefined)
      const failed = await runCheck({ root: without, provider })
      expect(summary(failed)).toEqual(['error migration_failed 0000_step_0'])
      expect(failed.findings[0].cause).toMatch(/expect a Supabase Postgres .*"setup" in drift-guard\.config\.json, or run with --database-url/)
      const dir = await supabaseProject(SUPABASE_SETUP)
      const report = await runCheck({ root: dir, provider })
      expect(summary(report)).toEqual([])
      expect(report.targets[0].databases[0]).toMatchObject({ compared: true })
    })

    test('several databases: the setup runs in each (a role the setup of another created is not an error)', async () => {
      const dir = await supabaseProject(SUPABASE_SETUP, ['tenant_a', 'tenant_b', 'tenant_c'])
      const report = await runCheck({ root: dir, provider })
      expect(summary(report)).toEqual([])
      expect(report.targets[0].databases.map((d) => d.compared)).toEqual([true, true, true])
    })

    test('a failing setup statement is an error naming its file and line', async () => {
      const dir = await supabaseProject(SUPABASE_SETUP.replace('CREATE ROLE anon NOLOGIN;', 'CREATE ROLE anon NOLOGIN;\n\nSELECT no_such_function();'))
      const run = runCheck({ root: dir, provider })
      await expect(run).rejects.toThrow(UsageError)
      await expect(run).rejects.toThrow(/^supabase\/setup\.sql:11: setup SQL of target "app" fails: function no_such_function\(\) does not exist/)
    })

    test('"extensions": created first in every database, as a provider that preinstalls them', async () => {
      const dir = await makeProject({ steps: [TRGM_SCHEMA] })
      dirs.push(dir)
      const config = (extra: object): void =>
        fs.writeFileSync(path.join(dir, 'drift-guard.config.json'), JSON.stringify({ targets: [{ name: 'app', drizzleConfig: 'drizzle.config.ts', databases: ['a', 'b'], ...extra }] }))
      config({})
      const failed = await runCheck({ root: dir, provider })
      expect(summary(failed)).toEqual(['error migration_failed 0000_step_0'])
      expect(failed.findings[0].message).toMatch(/gin_trgm_ops/)
      config({ extensions: ['pg_trgm'] })
      const report = await runCheck({ root: dir, provider })
      expect(summary(report)).toEqual([])
      expect(report.targets[0].databases.map((d) => d.compared)).toEqual([true, true])
    })
  })

  describe('CREATE INDEX CONCURRENTLY (failure 19b)', () => {
    const table = `import { pgTable, integer, text, index } from "drizzle-orm/pg-core";

export const items = pgTable("items", { id: integer("id").primaryKey(), name: text("name").notNull(), code: text("code") }, (t) => [INDEXES]);
`
    async function concurrentlyProject(transaction?: boolean): Promise<string> {
      const dir = await makeProject({ steps: [table.replace('INDEXES', ''), table.replace('INDEXES', 'index("items_name_idx").on(t.name), index("items_code_idx").on(t.code)')] })
      dirs.push(dir)
      const file = path.join(dir, 'drizzle', fs.readdirSync(path.join(dir, 'drizzle')).find((f) => f.startsWith('0001_'))!)
      // As another runner's migrations are written: several statements in one chunk, one that a transaction refuses.
      fs.writeFileSync(file, 'CREATE INDEX CONCURRENTLY "items_name_idx" ON "items" USING btree ("name");\nCREATE INDEX CONCURRENTLY IF NOT EXISTS "items_code_idx" ON "items" USING btree ("code");\n')
      const target = { name: 'app', drizzleConfig: 'drizzle.config.ts', databases: ['a', 'b'], ...(transaction === undefined ? {} : { transaction }) }
      fs.writeFileSync(path.join(dir, 'drift-guard.config.json'), JSON.stringify({ targets: [target] }))
      return dir
    }

    test("drizzle's migrator runs every migration in one transaction: migration_failed, and the cause says so", async () => {
      const report = await runCheck({ root: await concurrentlyProject(), provider })
      expect(summary(report)).toEqual(['error migration_failed 0001_step_1'])
      expect(report.findings[0]).toMatchObject({ file: path.join('drizzle', '0001_step_1.sql'), line: 1 })
      expect(report.findings[0].cause).toMatch(/^drizzle's migrator runs every migration in one transaction; CONCURRENTLY cannot run inside a transaction block: drizzle-kit migrate fails the same way\. If you apply migrations with another runner, set "transaction": false/)
    })

    test('"transaction": false applies each statement on its own: compared, no finding', async () => {
      const report = await runCheck({ root: await concurrentlyProject(false), provider })
      expect(summary(report)).toEqual([])
      expect(report.targets[0].databases.map((d) => d.compared)).toEqual([true, true])
    })

    test('"transaction": false: a failing statement is named by its own line', async () => {
      const dir = await concurrentlyProject(false)
      const file = path.join(dir, 'drizzle', '0001_step_1.sql')
      fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('("code")', '("no_such_column")'))
      const report = await runCheck({ root: dir, provider })
      expect(summary(report)).toEqual(['error migration_failed 0001_step_1'])
      expect(report.findings[0]).toMatchObject({ file: path.join('drizzle', '0001_step_1.sql'), line: 2 })
    })
  })

  describe('functions the migrations create (failure 15)', () => {
    test('policies, checks, defaults and index expressions that call them are built and compared: no finding', async () => {
      const dir = await functionsProject()
      const report = await runCheck({ root: dir, provider })
      expect(summary(report)).toEqual([])
      expect(report.ok).toBe(true)
    })

    test('a policy that calls such a function is compared: a changed one is policy_mismatch, not schema_error', async () => {
      const dir = await functionsProject(FUNCTIONS_SCHEMA.replace('using: sql`is_member(org_id)`', 'using: sql`is_member(org_id) and current_org_id() is not null`'))
      const report = await runCheck({ root: dir, provider })
      expect(summary(report)).toEqual(expect.arrayContaining(['error policy_mismatch docs.docs_read']))
      expect(summary(report).filter((s) => !s.includes('snapshot_out_of_date'))).toEqual(['error policy_mismatch docs.docs_read'])
    })

    test('several databases, one at a time: the schema waits for the first migrated one without holding its slot', async () => {
      const dir = await functionsProject()
      fs.writeFileSync(path.join(dir, 'drift-guard.config.json'), JSON.stringify({ targets: [{ name: 'app', drizzleConfig: 'drizzle.config.ts', databases: ['tenant_a', 'tenant_b'] }] }))
      const report = await runCheck({ root: dir, provider, concurrency: 1 })
      expect(summary(report)).toEqual([])
      expect(report.targets[0].databases.map((d) => d.compared)).toEqual([true, true])
    })

    test('when every migrated database fails, the schema is built without them and the failure is reported', async () => {
      const dir = await functionsProject()
      appendHandWrittenMigration(dir, 'drizzle', '0001_broken', 'ALTER TABLE "nowhere" ADD COLUMN "x" integer;', { copySnapshot: true })
      const report = await runCheck({ root: dir, provider, concurrency: 1 })
      expect(summary(report)).toEqual(['error migration_failed 0001_broken'])
    })

    test('a function the migrations do not create is still a schema_error on the object that calls it', async () => {
      const dir = await functionsProject(FUNCTIONS_SCHEMA.replace('using: sql`is_member(org_id)`', 'using: sql`is_admin(org_id)`'))
      const report = await runCheck({ root: dir, provider })
      const error = report.findings.find((f) => f.kind === 'schema_error')
      expect(error).toMatchObject({ table: 'docs', name: 'docs_read' })
      expect(error?.message).toMatch(/function is_admin\(text\) does not exist/)
    })
  })
})

describe('setup on the server', () => {
  const roleNames = async (): Promise<string[]> => {
    const sql = postgres(SERVER_URL, { max: 1, onnotice: () => undefined })
    try {
      return (await sql<{ rolname: string }[]>`select rolname from pg_roles where rolname in ('authenticated', 'anon')`).map((r) => r.rolname)
    } finally {
      await sql.end()
    }
  }

  test('roles the setup created are dropped when the run ends: nothing is left on the server', async () => {
    expect(await roleNames()).toEqual([])
    const provider = new ServerProvider(SERVER_URL)
    try {
      const dir = await supabaseProject(SUPABASE_SETUP, ['tenant_a', 'tenant_b'])
      expect(summary(await runCheck({ root: dir, provider }))).toEqual([])
      expect((await roleNames()).sort()).toEqual(['anon', 'authenticated'])
    } finally {
      await provider.dispose()
    }
    expect(await roleNames()).toEqual([])
  })

  test('a role another client creates on the server during a run is left alone', async () => {
    const other = `dg_other_client_${process.pid}`
    const admin = postgres(SERVER_URL, { max: 1, onnotice: () => undefined })
    const provider = new ServerProvider(SERVER_URL)
    try {
      const db = await provider.createDatabase('roles')
      await db.exec('CREATE TABLE t (id int)')
      await admin.unsafe(`create role "${other}" nologin`)
      await db.close()
      await provider.dispose()
      expect((await admin.unsafe('select 1 from pg_roles where rolname = $1', [other])).length).toBe(1)
    } finally {
      await provider.dispose()
      await admin.unsafe(`drop role if exists "${other}"`)
      await admin.end()
    }
  })
})

test('the audit builds the schema with the functions of the live database: policies calling them compare equal', async () => {
  const dir = await functionsProject()
  const live = `dg_audit_functions_${process.pid}`
  const admin = postgres(SERVER_URL, { max: 1, onnotice: () => undefined })
  const scratch = new PgliteProvider()
  await admin.unsafe(`drop database if exists "${live}" with (force)`)
  await admin.unsafe(`create database "${live}"`)
  const liveUrl = SERVER_URL.replace(/\/[^/]*$/, `/${live}`)
  try {
    const sql = postgres(liveUrl, { max: 1, onnotice: () => undefined })
    const session = { label: live, query: async <T>(text: string, params?: unknown[]) => (await sql.unsafe(text, (params ?? []) as never[])) as unknown as T[], exec: async (text: string) => void (await sql.unsafe(text).simple()), close: async () => sql.end() }
    await applyMigrations(session, readMigrationFolder(path.join(dir, 'drizzle')).migrations, { schema: 'drizzle', table: '__drizzle_migrations' })
    await sql.end()
    fs.writeFileSync(path.join(dir, 'drift-guard.config.json'), JSON.stringify({ targets: [{ name: 'app', drizzleConfig: 'drizzle.config.ts', databases: [live] }] }))
    const report = await runAudit({ root: dir, databaseUrl: liveUrl, scratch, timeoutMs: 60_000 })
    expect(summary(report)).toEqual([])
    expect(report.targets[0].databases[0]).toMatchObject({ name: live, compared: true })
  } finally {
    await scratch.dispose()
    await admin.unsafe(`drop database if exists "${live}" with (force)`)
    await admin.end()
  }
})

describe('config', () => {
  test('a setup file that does not exist, or a setup that is not a list, is a config error', async () => {
    const dir = await supabaseProject(SUPABASE_SETUP)
    const write = (target: object): void => fs.writeFileSync(path.join(dir, 'drift-guard.config.json'), JSON.stringify({ targets: [{ name: 'app', drizzleConfig: 'drizzle.config.ts', ...target }] }))
    write({ setup: ['supabase/missing.sql'] })
    expect(() => loadConfig(dir)).toThrow('drift-guard.config.json: target "app": setup file not found: supabase/missing.sql')
    write({ setup: 'supabase/setup.sql' })
    expect(() => loadConfig(dir)).toThrow('"setup" must be a list of SQL file paths')
    write({ transaction: 'no' })
    expect(() => loadConfig(dir)).toThrow('"transaction" must be true or false')
  })
})

test('a session cut short (a signal, a failure elsewhere) still has its new roles dropped by dispose', async () => {
  const role = `dg_cut_short_${process.pid}`
  const admin = postgres(SERVER_URL, { max: 1, onnotice: () => undefined })
  const provider = new ServerProvider(SERVER_URL)
  try {
    const db = await provider.createDatabase('cut')
    await db.exec(`CREATE ROLE ${role} NOLOGIN`)
    // No db.close(): the run is abandoned here.
    await provider.dispose(true)
    expect(await admin.unsafe('select 1 from pg_roles where rolname = $1', [role])).toHaveLength(0)
  } finally {
    await provider.dispose()
    await admin.unsafe(`drop role if exists "${role}"`)
    await admin.end()
  }
})
