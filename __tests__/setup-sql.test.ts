// What the schema's database needs from hand-written SQL (functions that policies, checks and defaults call), SQL
// that a provider runs before the migrations (setup files, preinstalled extensions), and migrations applied
// outside drizzle's single transaction. Real migrations, on the embedded Postgres and the server.
import * as fs from 'node:fs'
import * as path from 'node:path'
import { loadConfig } from '../src/config/load-config'
import { runCheck } from '../src/engine/check'
import { Report } from '../src/core/findings'
import { UsageError } from '../src/core/errors'
import { jsonLines } from '../src/core/json'
import { splitSqlStatements } from '../src/sql/statements'
import { PgliteProvider } from '../src/postgres/pglite'
import { ServerProvider } from '../src/postgres/server'
import postgres from 'postgres'
import { appendHandWrittenMigration, makeProject, removeAfterAll } from './helpers/project'
import { runAudit } from '../src/engine/audit'
import { applyMigrations } from '../src/migrations/apply'
import { readMigrationFolder } from '../src/migrations/folder'
import { EACH_POSTGRES, SERVER_URL, providerForSuite } from './helpers/postgres'

const summary = (report: Report): string[] =>
  report.findings.map((f) => `${f.severity} ${f.kind} ${[f.table, f.column ?? f.name].filter(Boolean).join('.')}`)

/** Puts hand-written SQL before the first statement of the generated 0000 migration (as people edit it). */
function prependToFirstMigration(dir: string, sql: string): void {
  const folder = path.join(dir, 'drizzle')
  const file = path.join(
    folder,
    fs.readdirSync(folder).find((f) => f.startsWith('0000_') && f.endsWith('.sql'))!
  )
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
  prependToFirstMigration(dir, FUNCTIONS_SQL)
  const folder = path.join(dir, 'drizzle')
  const file = path.join(
    folder,
    fs.readdirSync(folder).find((f) => f.startsWith('0000_') && f.endsWith('.sql'))!
  )
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
  appendHandWrittenMigration(
    dir,
    'drizzle',
    '0001_grants',
    'GRANT SELECT ON "profiles" TO authenticated;\n--> statement-breakpoint\nGRANT SELECT ON "profiles" TO anon;',
    { copySnapshot: true }
  )
  if (setup !== undefined) fs.mkdirSync(path.join(dir, 'supabase'))
  if (setup !== undefined) fs.writeFileSync(path.join(dir, 'supabase', 'setup.sql'), setup)
  const target = {
    name: 'app',
    drizzleConfig: 'drizzle.config.ts',
    ...(databases ? { databases } : {}),
    ...(setup !== undefined ? { setup: ['supabase/setup.sql'] } : {})
  }
  fs.writeFileSync(path.join(dir, 'drift-guard.config.json'), JSON.stringify({ targets: [target] }, null, 2))
  return dir
}

/** SQL-standard function and procedure bodies: semicolons inside BEGIN ATOMIC … END, a nested CASE … END, strings. */
const ATOMIC_SQL = `CREATE FUNCTION setup_one() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; SELECT 2; END;
CREATE OR REPLACE FUNCTION setup_sign(x int) RETURNS text
LANGUAGE sql IMMUTABLE
BEGIN ATOMIC
  -- a comment; with a semicolon
  SELECT CASE WHEN x > 0 THEN 'plus;' WHEN x < 0 THEN $$minus;$$ ELSE CASE WHEN x = 0 THEN 'zero' END END;
END;
CREATE TABLE setup_log (msg text);
CREATE PROCEDURE setup_note(m text)
LANGUAGE sql
begin atomic
  INSERT INTO setup_log VALUES (m);
  INSERT INTO setup_log VALUES (m || ';again');
end;
CALL setup_note('hello');
`

const ITEMS_SCHEMA = `import { pgTable, integer, text } from "drizzle-orm/pg-core";

export const items = pgTable("items", { id: integer("id").primaryKey(), name: text("name").notNull() });
`

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
      expect(failed.findings[0].cause).toMatch(
        /expect a Supabase Postgres .*"setup" in drift-guard\.config\.json, or run with --database-url/
      )
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
      const dir = await supabaseProject(
        SUPABASE_SETUP.replace('CREATE ROLE anon NOLOGIN;', 'CREATE ROLE anon NOLOGIN;\n\nSELECT no_such_function();')
      )
      const run = runCheck({ root: dir, provider })
      await expect(run).rejects.toThrow(UsageError)
      await expect(run).rejects.toThrow(
        /^supabase\/setup\.sql:11: setup SQL of target "app" fails: function no_such_function\(\) does not exist/
      )
    })

    test('"extensions": created first in every database, as a provider that preinstalls them', async () => {
      const dir = await makeProject({ steps: [TRGM_SCHEMA] })
      const config = (extra: object): void =>
        fs.writeFileSync(
          path.join(dir, 'drift-guard.config.json'),
          JSON.stringify({
            targets: [{ name: 'app', drizzleConfig: 'drizzle.config.ts', databases: ['a', 'b'], ...extra }]
          })
        )
      config({})
      const failed = await runCheck({ root: dir, provider })
      expect(summary(failed)).toEqual(['error migration_failed 0000_step_0'])
      expect(failed.findings[0].message).toMatch(/gin_trgm_ops/)
      config({ extensions: ['pg_trgm'] })
      const report = await runCheck({ root: dir, provider })
      expect(summary(report)).toEqual([])
      expect(report.targets[0].databases.map((d) => d.compared)).toEqual([true, true])
    })

    test('an "extensions" name this Postgres lacks (a typo) is a config_error warning at its line in the config, with the closest name; the run goes on', async () => {
      const dir = await makeProject({ steps: [ITEMS_SCHEMA] })
      fs.writeFileSync(
        path.join(dir, 'drift-guard.config.json'),
        JSON.stringify(
          {
            targets: [
              {
                name: 'app',
                drizzleConfig: 'drizzle.config.ts',
                extensions: ['pgcrypto', 'pg_trgrm', 'no_such_extension']
              }
            ]
          },
          null,
          2
        )
      )
      const report = await runCheck({ root: dir, provider })
      expect(summary(report)).toEqual(['warning config_error pg_trgrm', 'warning config_error no_such_extension'])
      expect(report.findings[0]).toMatchObject({ file: 'drift-guard.config.json', line: 8, target: 'app' })
      expect(report.findings[0].message).toMatch(
        /^extension "pg_trgrm" in "extensions" of target "app" is not available on .*: not created \(did you mean "pg_trgm"\?\)$/
      )
      expect(report.findings[1]).toMatchObject({ file: 'drift-guard.config.json', line: 9 })
      expect(report.findings[1].message).not.toMatch(/did you mean/)
      expect(report.ok).toBe(true)
      expect(report.targets[0].databases[0]).toMatchObject({ compared: true })
      expect(report.targets[0].notes.join('\n')).not.toMatch(/pg_trgrm/)
    })

    test('an "extensions" entry whose CREATE EXTENSION fails is an error at its line in the config', async () => {
      const dir = await makeProject({ steps: [TRGM_SCHEMA] })
      // earthdistance needs cube: a provider would have created both.
      fs.writeFileSync(
        path.join(dir, 'drift-guard.config.json'),
        JSON.stringify(
          { targets: [{ name: 'app', drizzleConfig: 'drizzle.config.ts', extensions: ['pg_trgm', 'earthdistance'] }] },
          null,
          2
        )
      )
      const run = runCheck({ root: dir, provider })
      await expect(run).rejects.toThrow(
        /^drift-guard\.config\.json:8: target "app": "extensions": CREATE EXTENSION "earthdistance" fails: required extension "cube" is not installed/
      )
      await expect(run).rejects.toMatchObject({ name: 'UsageError', file: 'drift-guard.config.json', line: 8 })
    })

    test('CREATE EXTENSION in a setup file: created (the embedded Postgres loads it); one this Postgres lacks fails at the setup file and line', async () => {
      const dir = await makeProject({ steps: [TRGM_SCHEMA] })
      fs.mkdirSync(path.join(dir, 'sql'))
      fs.writeFileSync(
        path.join(dir, 'sql', 'setup.sql'),
        '-- what the provider has\nCREATE EXTENSION IF NOT EXISTS pg_trgm;\n'
      )
      fs.writeFileSync(
        path.join(dir, 'drift-guard.config.json'),
        JSON.stringify({
          targets: [
            { name: 'app', drizzleConfig: 'drizzle.config.ts', databases: ['a', 'b'], setup: ['sql/setup.sql'] }
          ]
        })
      )
      const report = await runCheck({ root: dir, provider })
      expect(summary(report)).toEqual([])
      expect(report.targets[0].databases.map((d) => d.compared)).toEqual([true, true])
      fs.appendFileSync(path.join(dir, 'sql', 'setup.sql'), '\nCREATE EXTENSION no_such_extension;\n')
      const run = runCheck({ root: dir, provider })
      await expect(run).rejects.toThrow(
        /^sql\/setup\.sql:4: setup SQL of target "app" fails: extension "no_such_extension" is not available/
      )
      await expect(run).rejects.toMatchObject({ name: 'UsageError', file: 'sql/setup.sql', line: 4 })
    })

    test('SQL-standard bodies (BEGIN ATOMIC … END) in a setup file and in "transaction": false migrations are one statement each', async () => {
      const dir = await makeProject({ steps: [ITEMS_SCHEMA] })
      fs.mkdirSync(path.join(dir, 'sql'))
      fs.writeFileSync(path.join(dir, 'sql', 'setup.sql'), ATOMIC_SQL)
      // The migration's routines write to the setup's table (on both sides, so never drift).
      const migrationSql = ATOMIC_SQL.replace(/setup_(one|sign|note)/g, 'migrated_$1').replace(
        'CREATE TABLE setup_log (msg text);\n',
        ''
      )
      appendHandWrittenMigration(dir, 'drizzle', '0001_atomic', migrationSql, { copySnapshot: true })
      fs.writeFileSync(
        path.join(dir, 'drift-guard.config.json'),
        JSON.stringify({
          targets: [{ name: 'app', drizzleConfig: 'drizzle.config.ts', setup: ['sql/setup.sql'], transaction: false }]
        })
      )
      const report = await runCheck({ root: dir, provider })
      expect(summary(report)).toEqual([])
      expect(report.targets[0].databases[0]).toMatchObject({ compared: true })
      // The statement after the bodies is still on its own, named by its own line.
      fs.appendFileSync(path.join(dir, 'sql', 'setup.sql'), 'SELECT setup_sign(1);\nSELECT no_such_function();\n')
      await expect(runCheck({ root: dir, provider })).rejects.toMatchObject({
        name: 'UsageError',
        file: 'sql/setup.sql',
        line: ATOMIC_SQL.split('\n').length + 1
      })
    })
  })

  describe('CREATE INDEX CONCURRENTLY (failure 19b)', () => {
    const table = `import { pgTable, integer, text, index } from "drizzle-orm/pg-core";

export const items = pgTable("items", { id: integer("id").primaryKey(), name: text("name").notNull(), code: text("code") }, (t) => [INDEXES]);
`
    async function concurrentlyProject(transaction?: boolean): Promise<string> {
      const dir = await makeProject({
        steps: [
          table.replace('INDEXES', ''),
          table.replace('INDEXES', 'index("items_name_idx").on(t.name), index("items_code_idx").on(t.code)')
        ]
      })
      removeAfterAll(dir)
      const file = path.join(
        dir,
        'drizzle',
        fs.readdirSync(path.join(dir, 'drizzle')).find((f) => f.startsWith('0001_'))!
      )
      // As another runner's migrations are written: several statements in one chunk, one that a transaction refuses.
      fs.writeFileSync(
        file,
        'CREATE INDEX CONCURRENTLY "items_name_idx" ON "items" USING btree ("name");\nCREATE INDEX CONCURRENTLY IF NOT EXISTS "items_code_idx" ON "items" USING btree ("code");\n'
      )
      const target = {
        name: 'app',
        drizzleConfig: 'drizzle.config.ts',
        databases: ['a', 'b'],
        ...(transaction === undefined ? {} : { transaction })
      }
      fs.writeFileSync(path.join(dir, 'drift-guard.config.json'), JSON.stringify({ targets: [target] }))
      return dir
    }

    test("drizzle's migrator runs every migration in one transaction: migration_failed, and the cause says so", async () => {
      const report = await runCheck({ root: await concurrentlyProject(), provider })
      expect(summary(report)).toEqual(['error migration_failed 0001_step_1'])
      expect(report.findings[0]).toMatchObject({ file: path.join('drizzle', '0001_step_1.sql'), line: 1 })
      expect(report.findings[0].cause).toMatch(
        /^drizzle's migrator runs every migration in one transaction; CONCURRENTLY cannot run inside a transaction block: drizzle-kit migrate fails the same way\. If you apply migrations with another runner, set "transaction": false/
      )
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
      const dir = await functionsProject(
        FUNCTIONS_SCHEMA.replace(
          'using: sql`is_member(org_id)`',
          'using: sql`is_member(org_id) and current_org_id() is not null`'
        )
      )
      const report = await runCheck({ root: dir, provider })
      expect(summary(report)).toEqual(expect.arrayContaining(['error policy_mismatch docs.docs_read']))
      expect(summary(report).filter((s) => !s.includes('snapshot_out_of_date'))).toEqual([
        'error policy_mismatch docs.docs_read'
      ])
    })

    test('several databases, one at a time: the schema waits for the first migrated one without holding its slot', async () => {
      const dir = await functionsProject()
      fs.writeFileSync(
        path.join(dir, 'drift-guard.config.json'),
        JSON.stringify({
          targets: [{ name: 'app', drizzleConfig: 'drizzle.config.ts', databases: ['tenant_a', 'tenant_b'] }]
        })
      )
      const report = await runCheck({ root: dir, provider, concurrency: 1 })
      expect(summary(report)).toEqual([])
      expect(report.targets[0].databases.map((d) => d.compared)).toEqual([true, true])
    })

    test('when every migrated database fails, the schema is built without them and the failure is reported', async () => {
      const dir = await functionsProject()
      appendHandWrittenMigration(dir, 'drizzle', '0001_broken', 'ALTER TABLE "nowhere" ADD COLUMN "x" integer;', {
        copySnapshot: true
      })
      const report = await runCheck({ root: dir, provider, concurrency: 1 })
      expect(summary(report)).toEqual(['error migration_failed 0001_broken'])
    })

    // The schema's database is otherwise kept between runs (on a server in the same state too).
    test("a schema built with the migrations' functions is built again on every run (they may change)", async () => {
      const dir = await functionsProject()
      for (let i = 0; i < 2; i++) {
        const fresh = createProvider()
        const labels: string[] = []
        const create = fresh.createDatabase.bind(fresh)
        fresh.createDatabase = (label, options) => (labels.push(label), create(label, options))
        try {
          expect(summary(await runCheck({ root: dir, provider: fresh }))).toEqual([])
          expect(labels).toContain('default_schema')
        } finally {
          await fresh.dispose()
        }
      }
    })

    test('a function the migrations do not create is still a schema_error on the object that calls it', async () => {
      const dir = await functionsProject(
        FUNCTIONS_SCHEMA.replace('using: sql`is_member(org_id)`', 'using: sql`is_admin(org_id)`')
      )
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
      return (
        await sql<{ rolname: string }[]>`select rolname from pg_roles where rolname in ('authenticated', 'anon')`
      ).map((r) => r.rolname)
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
    const session = {
      label: live,
      query: async <T>(text: string, params?: unknown[]) =>
        (await sql.unsafe(text, (params ?? []) as never[])) as unknown as T[],
      exec: async (text: string) => void (await sql.unsafe(text).simple()),
      close: async () => sql.end()
    }
    await applyMigrations(session, readMigrationFolder(path.join(dir, 'drizzle')).migrations, {
      schema: 'drizzle',
      table: '__drizzle_migrations'
    })
    await sql.end()
    fs.writeFileSync(
      path.join(dir, 'drift-guard.config.json'),
      JSON.stringify({ targets: [{ name: 'app', drizzleConfig: 'drizzle.config.ts', databases: [live] }] })
    )
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
  /** The UsageError loadConfig throws, as { message, file, line }. */
  const configError = (dir: string): { message: string; file?: string; line?: number } => {
    try {
      loadConfig(dir)
    } catch (error) {
      expect(error).toBeInstanceOf(UsageError)
      const { message, file, line } = error as UsageError
      return { message, file, line }
    }
    throw new Error('loadConfig did not throw')
  }

  test('a bad "setup", "transaction" or "extensions" value is a config error at its file and line', async () => {
    const dir = await supabaseProject(SUPABASE_SETUP)
    const write = (target: object): void =>
      fs.writeFileSync(
        path.join(dir, 'drift-guard.config.json'),
        JSON.stringify(
          {
            targets: [
              { name: 'other', migrations: 'drizzle', schema: 'src/schema.ts' },
              { name: 'app', drizzleConfig: 'drizzle.config.ts', ...target }
            ]
          },
          null,
          2
        )
      )
    const file = 'drift-guard.config.json'
    write({ setup: ['supabase/setup.sql', 'supabase/missing.sql'] })
    expect(configError(dir)).toEqual({
      file,
      line: 13,
      message: 'drift-guard.config.json:13: target "app": setup file not found: supabase/missing.sql'
    })
    write({ setup: 'supabase/setup.sql' })
    expect(configError(dir)).toEqual({
      file,
      line: 11,
      message: 'drift-guard.config.json:11: target "app": "setup" must be a list of SQL file paths'
    })
    write({ setup: ['supabase/setup.sql', 7] })
    expect(configError(dir)).toMatchObject({ file, line: 13 })
    write({ transaction: 'no' })
    expect(configError(dir)).toEqual({
      file,
      line: 11,
      message: 'drift-guard.config.json:11: target "app": "transaction" must be true or false'
    })
    write({ extensions: ['pg_trgm', ''] })
    expect(configError(dir)).toEqual({
      file,
      line: 13,
      message: 'drift-guard.config.json:13: target "app": "extensions" must be a list of extension names'
    })
    write({ extensions: { pg_trgm: true } })
    expect(configError(dir)).toMatchObject({ file, line: 11 })
    write({ severity: { extra_index: 'warning', extra_table: 'warnign' } })
    expect(configError(dir)).toEqual({
      file,
      line: 13,
      message:
        'drift-guard.config.json:13: target "app": "severity" of "extra_table" must be "error", "warning", "notice" or "off"'
    })
    write({ severity: 'warning' })
    expect(configError(dir)).toMatchObject({ file, line: 11 })
    write({ severity: { extra_index: 'warning', extra_indx: 'off' } })
    expect(configError(dir)).toEqual({
      file,
      line: 13,
      message:
        'drift-guard.config.json:13: target "app": "severity" names "extra_indx", which is not a finding kind (did you mean "extra_index"?); the kinds are listed in the README, an object is written kind:schema.table.name'
    })
    // A value written on the target's own line is found there too (minified config).
    fs.writeFileSync(
      path.join(dir, 'drift-guard.config.json'),
      `{ "targets": [\n  { "name": "app", "drizzleConfig": "drizzle.config.ts", "setup": ["nowhere.sql"] }\n] }`
    )
    expect(configError(dir)).toMatchObject({ file, line: 2 })
  })

  test('the other target errors name their line too: an unknown key, a repeated name, a missing drizzle config', async () => {
    const dir = await supabaseProject(SUPABASE_SETUP)
    const write = (targets: object[]): void =>
      fs.writeFileSync(path.join(dir, 'drift-guard.config.json'), JSON.stringify({ targets }, null, 2))
    write([{ name: 'app', drizzleConfig: 'drizzle.config.ts', setupp: [] }])
    expect(configError(dir)).toMatchObject({
      line: 6,
      message: expect.stringMatching(
        /^drift-guard\.config\.json:6: targets\[0\] \("app"\) has an unknown key "setupp" \(did you mean "setup"\?\)$/
      )
    })
    write([
      { name: 'app', drizzleConfig: 'drizzle.config.ts' },
      { name: 'app', drizzleConfig: 'drizzle.config.ts' }
    ])
    expect(configError(dir)).toMatchObject({
      line: 8,
      message: 'drift-guard.config.json:8: two targets are named "app"'
    })
    write([{ name: 'app', drizzleConfig: 'drizzle.nowhere.ts' }])
    expect(configError(dir)).toMatchObject({
      line: 5,
      message: 'drift-guard.config.json:5: target "app": drizzle config not found: drizzle.nowhere.ts'
    })
  })
})

describe('jsonLines', () => {
  test('the line of each value and key, by path; strings with brackets, commas and escaped quotes are skipped whole', () => {
    const text = '{\n  "a": "x\\"]},{",\n  "list": [\n    1,\n    { "b": [true,\n null] }\n  ],\n  "a": 2\n}'
    expect(JSON.parse(text)).toEqual({ a: 2, list: [1, { b: [true, null] }] })
    const lines = jsonLines(text)
    expect(lines.value([])).toBe(1)
    expect(lines.value(['list'])).toBe(3)
    expect(lines.value(['list', 0])).toBe(4)
    expect(lines.value(['list', 1, 'b'])).toBe(5)
    expect(lines.value(['list', 1, 'b', 1])).toBe(6)
    // JSON.parse keeps the last of a repeated key: so does the locator.
    expect(lines.value(['a'])).toBe(8)
    expect(lines.key(['list', 1, 'b'])).toBe(5)
    expect(lines.value(['nowhere'])).toBeUndefined()
  })
})

describe('splitSqlStatements', () => {
  const split = (text: string): [number, string][] => splitSqlStatements(text).map((s) => [s.line, s.sql.trim()])

  test('BEGIN ATOMIC … END bodies of functions and procedures stay one statement, nested CASE … END included', () => {
    expect(
      split('CREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; SELECT 2; END;\nSELECT 3;')
    ).toEqual([
      [1, 'CREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; SELECT 2; END;'],
      [2, 'SELECT 3;']
    ])
    expect(split(ATOMIC_SQL).map(([line]) => line)).toEqual([1, 2, 8, 9, 15])
    expect(split(ATOMIC_SQL)[1][1]).toMatch(/^CREATE OR REPLACE FUNCTION setup_sign[\s\S]*END END;\nEND;$/)
    expect(split(ATOMIC_SQL)[3][1]).toMatch(/^CREATE PROCEDURE setup_note[\s\S]*\nend;$/)
  })

  test('BEGIN elsewhere is no body: a parameter named begin, a transaction, a plpgsql body in dollar quotes', () => {
    expect(split('CREATE FUNCTION g(begin int) RETURNS int RETURN begin + 1; SELECT 1;').map(([, sql]) => sql)).toEqual(
      ['CREATE FUNCTION g(begin int) RETURNS int RETURN begin + 1;', 'SELECT 1;']
    )
    expect(split('BEGIN; SELECT 1; END;').map(([, sql]) => sql)).toEqual(['BEGIN;', 'SELECT 1;', 'END;'])
    expect(
      split('CREATE FUNCTION h() RETURNS void AS $$ BEGIN PERFORM 1; END $$ LANGUAGE plpgsql;\nSELECT 2;')
    ).toHaveLength(2)
    // Words in strings, quoted names and comments open nothing.
    expect(
      split(
        `CREATE FUNCTION k() RETURNS text LANGUAGE sql RETURN 'begin atomic'; /* begin atomic */ SELECT "begin atomic"; SELECT 3;`
      )
    ).toHaveLength(3)
  })

  test("a rule's actions in parentheses are one statement", () => {
    expect(
      split(
        'CREATE RULE r AS ON INSERT TO t DO INSTEAD (INSERT INTO u VALUES (1); INSERT INTO u VALUES (2));\nSELECT 1;'
      )
    ).toHaveLength(2)
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
