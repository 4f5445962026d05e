// Objects that a target's setup SQL creates and that the schema also declares, to reference them (Supabase's
// auth.users): the migrations never create them, so the schema's database takes the setup's version too (failure
// 20). And the cause of a missing extension naming the "extensions" option (failure 23a). Real migrations, on the
// embedded Postgres and the server.
import * as fs from 'node:fs'
import * as path from 'node:path'
import { runCheck } from '../src/engine/check'
import { Report } from '../src/core/findings'
import { runSchemaStatements } from '../src/schema/build-statements'
import { REPO, makeProject, removeAfterAll } from './helpers/project'
import { EACH_POSTGRES, providerForSuite } from './helpers/postgres'

const summary = (report: Report): string[] =>
  report.findings.map((f) => `${f.severity} ${f.kind} ${[f.table, f.column ?? f.name].filter(Boolean).join('.')}`)

/**
 * What Supabase has before the project's migrations (docs/real-world.md §20), without its roles: roles are the
 * server's, and __tests__/setup-sql.test.ts checks that none is left while this file may run beside it.
 */
const SETUP = `CREATE SCHEMA auth;
CREATE TABLE auth.users (id uuid PRIMARY KEY, email varchar(255));
CREATE FUNCTION auth.uid() RETURNS uuid LANGUAGE sql STABLE AS $$ SELECT nullif(current_setting('request.jwt.claim.sub', true), '')::uuid $$;
`

const REPRO_SCHEMA = `import { pgSchema, pgTable, text, uuid } from "drizzle-orm/pg-core";
export const authSchema = pgSchema("auth");
export const authUsers = authSchema.table("users", { id: uuid("id").primaryKey() });
export const profiles = pgTable("profiles", { id: uuid("id").primaryKey().references(() => authUsers.id), name: text("name") });
`

/** The declared auth.users differs from the setup's (phone, an index on it); auth.user_notes is the project's own. */
const WIDER_SCHEMA = `import { pgSchema, pgTable, text, uuid, index } from "drizzle-orm/pg-core";
export const authSchema = pgSchema("auth");
export const authUsers = authSchema.table("users", { id: uuid("id").primaryKey(), phone: text("phone") }, (t) => [index("users_phone_idx").on(t.phone)]);
export const userNotes = authSchema.table("user_notes", { id: uuid("id").primaryKey(), userId: uuid("user_id").notNull().references(() => authUsers.id)NOTE_BODY });
export const profiles = pgTable("profiles", { id: uuid("id").primaryKey().references(() => authUsers.id), name: text("name") });
`

/** As Supabase projects do: drizzle-kit's statements for what Supabase has are deleted from the generated SQL. */
function dropStatements(dir: string, pattern: RegExp): void {
  const folder = path.join(dir, 'drizzle')
  const file = path.join(
    folder,
    fs.readdirSync(folder).find((f) => f.startsWith('0000_') && f.endsWith('.sql'))!
  )
  const chunks = fs.readFileSync(file, 'utf8').split('--> statement-breakpoint')
  const kept = chunks.filter((c) => !pattern.test(c))
  expect(kept.length).toBeLessThan(chunks.length)
  fs.writeFileSync(file, kept.map((c) => c.trim()).join('\n--> statement-breakpoint\n'))
}

async function supabaseProject(
  steps: string[],
  options: { schemaFilter?: string[]; finalSchema?: string }
): Promise<string> {
  const filter = options.schemaFilter ? `, schemaFilter: ${JSON.stringify(options.schemaFilter)}` : ''
  const dir = await makeProject({
    steps,
    ...(options.finalSchema ? { finalSchema: options.finalSchema } : {}),
    config: `import { defineConfig } from "drizzle-kit";\nexport default defineConfig({ dialect: "postgresql", schema: "./src/schema.ts", out: "./drizzle"${filter} });\n`,
    files: { 'supabase/setup.sql': SETUP }
  })
  removeAfterAll(dir)
  dropStatements(dir, /CREATE SCHEMA "auth"|CREATE TABLE "auth"\."users"|ON "auth"\."users"/)
  fs.writeFileSync(
    path.join(dir, 'drift-guard.config.json'),
    JSON.stringify({ targets: [{ name: 'app', drizzleConfig: 'drizzle.config.ts', setup: ['supabase/setup.sql'] }] })
  )
  return dir
}

const TRGM_SCHEMA = `import { pgTable, integer, text, index } from "drizzle-orm/pg-core";
export const items = pgTable("items", { id: integer("id").primaryKey(), name: text("name").notNull() }, (t) => [index("items_name_trgm_idx").using("gin", t.name.op("gin_trgm_ops"))]);
`

describe.each(EACH_POSTGRES)('on %s', (_name, createProvider) => {
  const provider = providerForSuite(createProvider)

  describe('the schema declares what the setup created (failure 20)', () => {
    test('docs/real-world.md §20: pgSchema("auth").table("users") with a Supabase setup and schemaFilter ["public"]: no finding', async () => {
      const dir = await supabaseProject([REPRO_SCHEMA], { schemaFilter: ['public'] })
      const report = await runCheck({ root: dir, provider })
      expect(summary(report)).toEqual([])
      expect(report.targets[0].databases[0]).toMatchObject({ compared: true })
    })

    test("auth compared: the declared auth.users (other columns, an index) is the setup's on both sides, not reported; auth's own tables are built and compared", async () => {
      const clean = await supabaseProject([WIDER_SCHEMA.replace('NOTE_BODY', '')], {})
      expect(summary(await runCheck({ root: clean, provider }))).toEqual([])
      // A column added to auth.user_notes without generate is still found: only the setup's objects are skipped.
      const drifted = await supabaseProject([WIDER_SCHEMA.replace('NOTE_BODY', '')], {
        finalSchema: WIDER_SCHEMA.replace('NOTE_BODY', ', body: text("body")')
      })
      expect(summary(await runCheck({ root: drifted, provider }))).toEqual([
        'error snapshot_out_of_date 0000_step_0',
        'error missing_column user_notes.body'
      ])
    })
  })

  test('a schema_error on a schema names it once ("schema auth", not "auth.auth")', async () => {
    const db = await provider.createDatabase('schema_wording')
    try {
      // Without what the database had before (no setup given), the CREATE SCHEMA fails as in §20's report.
      await db.exec('CREATE SCHEMA auth')
      const built = await runSchemaStatements(db, ['CREATE SCHEMA "auth";\n'], {
        root: REPO,
        fallbackFile: path.join(REPO, 'schema.ts')
      })
      expect(built.problems.map((p) => p.message)).toEqual([
        'drizzle-kit\'s SQL for schema auth fails on Postgres: schema "auth" already exists'
      ])
    } finally {
      await db.close()
    }
  })

  test('a migration using an extension no migration creates (autumn, pg_trgm): the cause also names "extensions": ["pg_trgm"] for a provider that preinstalls it (failure 23a)', async () => {
    const dir = await makeProject({ steps: [TRGM_SCHEMA] })
    fs.writeFileSync(
      path.join(dir, 'drift-guard.config.json'),
      JSON.stringify({ targets: [{ name: 'app', drizzleConfig: 'drizzle.config.ts' }] })
    )
    const failed = (await runCheck({ root: dir, provider })).findings.find((f) => f.kind === 'migration_failed')!
    expect(failed.cause).toMatch(
      /^operator class "gin_trgm_ops" comes from the extension "pg_trgm", and no migration creates it/
    )
    expect(failed.cause).toMatch(
      /: CREATE EXTENSION IF NOT EXISTS pg_trgm; If the provider preinstalls it \(a managed Postgres, a CI image\), add "extensions": \["pg_trgm"\] to target "app" in drift-guard\.config\.json instead$/
    )
    expect(failed.fix).toBe('CREATE EXTENSION IF NOT EXISTS pg_trgm;')
  })
})
