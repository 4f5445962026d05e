// Building the schema's database: the on-disk cache of drizzle-kit's serialisation (failure 8 of
// docs/real-world.md), tables in a pgSchema the schema files do not export (7), and drizzle-kit SQL that Postgres
// rejects (6). Real drizzle-kit output, applied on real Postgres.
import * as fs from 'node:fs'
import * as path from 'node:path'
import { spawnSync } from 'node:child_process'
import postgres from 'postgres'
import { runCheck } from '../src/engine/check'
import { Report } from '../src/core/findings'
import { PgliteProvider } from '../src/postgres/pglite'
import { Database, DatabaseOptions, PostgresProvider } from '../src/postgres/provider'
import { ServerProvider } from '../src/postgres/server'
import { runSchemaStatements } from '../src/schema/build-statements'
import { REPO, appendHandWrittenMigration, tempDir, writeMigrations, writeFiles } from './helpers/project'
import { EACH_POSTGRES, SERVER_URL, providerForSuite } from './helpers/postgres'

const KIT_CONFIG = (schema: string): string =>
  `import { defineConfig } from "drizzle-kit";\nexport default defineConfig({ dialect: "postgresql", schema: ${JSON.stringify(schema)}, out: "./drizzle" });\n`

const write = writeFiles

function cliCheck(dir: string): Report {
  const run = spawnSync(
    process.execPath,
    [
      '-r',
      'sucrase/register',
      path.join(REPO, 'src', 'cli.ts'),
      'check',
      '--cwd',
      dir,
      '--format',
      'json',
      '--fail-on',
      'never'
    ],
    {
      cwd: REPO,
      encoding: 'utf8',
      env: { ...process.env, NODE_OPTIONS: '' }
    }
  )
  if (run.status !== 0) throw new Error(`check exited ${run.status}: ${run.stderr}`)
  return JSON.parse(run.stdout) as Report
}

const summary = (report: Report): string[] =>
  report.findings.map((f) => `${f.severity} ${f.kind} ${[f.table, f.column ?? f.name].filter(Boolean).join('.')}`)

/** The reproduction of failures 7 and 8: tables in pgSchema("app"), declared in a helper outside the schema glob. */
const APP_HELPERS = `import { pgSchema } from "drizzle-orm/pg-core";\nexport const appSchema = pgSchema("app");\n`
const APP_ITEMS = `import { integer, text } from "drizzle-orm/pg-core";\nimport { appSchema } from "../helpers";\n\nexport const status = appSchema.enum("status", ["open", "done"]);\nexport const items = appSchema.table("items", {\n  id: integer("id").primaryKey(),\n  title: text("title").notNull(),\n  status: status("status").default("open"),\n});\n`

async function appSchemaProject(prefix: string): Promise<string> {
  const dir = tempDir(prefix)
  write(dir, {
    'package.json': '{ "name": "r", "private": true }\n',
    'drizzle.config.ts': KIT_CONFIG('./src/schema/*.ts'),
    'src/helpers.ts': APP_HELPERS,
    'src/schema/items.ts': APP_ITEMS
  })
  // drizzle-kit generate's own output for it: no CREATE SCHEMA, since no schema file exports appSchema.
  await writeMigrations(dir, 'drizzle', [APP_ITEMS], undefined, 'src/schema/.step.ts')
  return dir
}

function prependToMigration(dir: string, tag: string, sql: string): void {
  const file = path.join(dir, 'drizzle', `${tag}.sql`)
  fs.writeFileSync(file, sql + fs.readFileSync(file, 'utf8'))
}

describe('the schema cache', () => {
  let provider: PostgresProvider
  beforeAll(() => {
    provider = new PgliteProvider()
  })
  afterAll(async () => {
    await provider.dispose()
  })
  const check = (dir: string): Promise<Report> => runCheck({ root: dir, provider })

  test('other entry files over the same loaded files are another schema (failure 8)', async () => {
    const dir = await appSchemaProject('cache-entries-')
    prependToMigration(dir, '0000_step_0', 'CREATE SCHEMA IF NOT EXISTS "app";\n--> statement-breakpoint\n')
    const first = await check(dir)
    expect(first.findings.filter((f) => f.kind === 'snapshot_out_of_date')).toEqual([])
    // Adding the helper to the entries exports appSchema: drizzle-kit generate would now write CREATE SCHEMA "app".
    write(dir, {
      'drift-guard.config.json': JSON.stringify({
        targets: [
          { name: 'default', drizzleConfig: 'drizzle.config.ts', schema: ['./src/schema/*.ts', './src/helpers.ts'] }
        ]
      })
    })
    const second = await check(dir)
    const outOfDate = second.findings.find((f) => f.kind === 'snapshot_out_of_date')
    expect(outOfDate?.message).toMatch(/schema app added/)
    expect(outOfDate?.fix).toMatch(/CREATE SCHEMA "app"/)
  })

  test('a JSON file the schema imports is part of the key', async () => {
    const dir = tempDir('cache-json-')
    const schema = `import { pgEnum, pgTable, integer } from "drizzle-orm/pg-core";\nimport roles from "./roles.json";\n\nexport const role = pgEnum("role", roles as [string, ...string[]]);\nexport const members = pgTable("members", { id: integer("id").primaryKey(), role: role("role") });\n`
    write(dir, {
      'package.json': '{ "name": "r", "private": true }\n',
      'drizzle.config.ts': KIT_CONFIG('./src/schema.ts'),
      'src/roles.json': '["owner", "member"]',
      'src/schema.ts': schema
    })
    await writeMigrations(dir, 'drizzle', [schema])
    expect((await check(dir)).findings).toEqual([])
    write(dir, { 'src/roles.json': '["owner", "member", "guest"]' })
    const second = await check(dir)
    expect(summary(second)).toEqual(
      expect.arrayContaining(['error snapshot_out_of_date 0000_step_0', 'error enum_mismatch role'])
    )
  })

  test('the environment variables the schema reads are part of the key', async () => {
    const dir = tempDir('cache-env-')
    const schema = `import { pgTable, integer } from "drizzle-orm/pg-core";\n\nexport const plans = pgTable(process.env.DG_TEST_PLANS_TABLE ?? "plans", { id: integer("id").primaryKey() });\n`
    write(dir, {
      'package.json': '{ "name": "r", "private": true }\n',
      'drizzle.config.ts': KIT_CONFIG('./src/schema.ts'),
      'src/schema.ts': schema
    })
    await writeMigrations(dir, 'drizzle', [schema])
    expect((await check(dir)).findings).toEqual([])
    process.env.DG_TEST_PLANS_TABLE = 'billing_plans'
    try {
      const second = await check(dir)
      expect(summary(second)).toEqual(
        expect.arrayContaining([
          'error snapshot_out_of_date 0000_step_0',
          'error missing_table billing_plans',
          'error extra_table plans'
        ])
      )
    } finally {
      delete process.env.DG_TEST_PLANS_TABLE
    }
    expect((await check(dir)).findings).toEqual([])
  })

  test('a schema may assign process.env variables that exist (dotenv override) and spread it; a spread turns the cache off', async () => {
    const dir = tempDir('cache-env-spread-')
    const schema =
      `import { pgTable, integer } from "drizzle-orm/pg-core";\n\nprocess.env.HOME = process.env.HOME;\nObject.assign(process.env, { DG_TEST_ASSIGNED: "1" });\n` +
      `const env = { ...process.env };\nexport const plans = pgTable(env.DG_TEST_SPREAD_TABLE ?? "plans", { id: integer("id").primaryKey() });\n`
    write(dir, {
      'package.json': '{ "name": "r", "private": true }\n',
      'drizzle.config.ts': KIT_CONFIG('./src/schema.ts'),
      'src/schema.ts': schema
    })
    await writeMigrations(dir, 'drizzle', [schema])
    expect((await check(dir)).findings).toEqual([])
    process.env.DG_TEST_SPREAD_TABLE = 'billing_plans'
    try {
      expect(summary(await check(dir))).toEqual(
        expect.arrayContaining(['error missing_table billing_plans', 'error extra_table plans'])
      )
    } finally {
      delete process.env.DG_TEST_SPREAD_TABLE
      delete process.env.DG_TEST_ASSIGNED
    }
  })

  test('an installed package the schema imports is part of the key (its version and entry file)', async () => {
    const dir = tempDir('cache-package-')
    const schema = `import { pgTable, integer } from "drizzle-orm/pg-core";\nimport { DEFAULT_QUOTA } from "quota-consts";\n\nexport const plans = pgTable("plans", { id: integer("id").primaryKey(), quota: integer("quota").default(DEFAULT_QUOTA) });\n`
    write(dir, {
      'package.json': '{ "name": "r", "private": true }\n',
      'drizzle.config.ts': KIT_CONFIG('./src/schema.ts'),
      'node_modules/quota-consts/package.json': '{ "name": "quota-consts", "version": "1.0.0", "main": "v1.js" }',
      'node_modules/quota-consts/v1.js': 'exports.DEFAULT_QUOTA = 10\n',
      'src/schema.ts': schema
    })
    await writeMigrations(dir, 'drizzle', [schema])
    // Two runs of the CLI (from source), as in a local edit-and-check loop: Node caches package.json files and
    // modules for the life of a process, so an upgrade is only seen by a new one.
    expect(cliCheck(dir).findings).toEqual([])
    write(dir, {
      'node_modules/quota-consts/package.json': '{ "name": "quota-consts", "version": "2.0.0", "main": "v2.js" }',
      'node_modules/quota-consts/v2.js': 'exports.DEFAULT_QUOTA = 20\n'
    })
    const second = cliCheck(dir)
    expect(summary(second)).toEqual(
      expect.arrayContaining(['error snapshot_out_of_date 0000_step_0', 'error column_default_mismatch plans.quota'])
    )
  })
})

describe.each(EACH_POSTGRES)('building the schema on %s', (_name, createProvider) => {
  const provider = providerForSuite(createProvider)
  const check = (dir: string): Promise<Report> => runCheck({ root: dir, provider })

  test('tables and enums in a pgSchema the schema files do not export are built and compared (failure 7)', async () => {
    const dir = await appSchemaProject('pgschema-')
    // What latitude does: CREATE SCHEMA by hand in the first migration. And a planted difference, to see the
    // comparison run.
    prependToMigration(dir, '0000_step_0', 'CREATE SCHEMA IF NOT EXISTS "app";\n--> statement-breakpoint\n')
    const sql = path.join(dir, 'drizzle', '0000_step_0.sql')
    fs.writeFileSync(sql, fs.readFileSync(sql, 'utf8').replace('"title" text NOT NULL', '"title" text'))
    const report = await check(dir)
    // Nothing about the schema itself: drizzle-kit generate reports no change either (it writes no CREATE SCHEMA
    // for an unexported pgSchema, and the snapshot has none).
    expect(summary(report)).toEqual(['error column_nullability_mismatch items.title'])
    expect(report.findings[0]).toMatchObject({ schema: 'app', file: path.join('src', 'schema', 'items.ts'), line: 7 })
    expect(report.targets[0].databases[0].compared).toBe(true)
  })

  test("drizzle-kit's own SQL for an unexported pgSchema fails to migrate, and the cause says why", async () => {
    const dir = await appSchemaProject('pgschema-plain-')
    const report = await check(dir)
    expect(summary(report)).toEqual(['error migration_failed 0000_step_0'])
    expect(report.findings[0].message).toMatch(/schema "app" does not exist/)
    expect(report.findings[0].cause).toMatch(/pgSchema\("app"\) without exporting it/)
    expect(report.findings[0].fix).toMatch(/CREATE SCHEMA IF NOT EXISTS "app"/)
  })

  test('an unexported pgSchema that a later migration creates: that migration, not "no migration creates schema" (causes review)', async () => {
    const dir = await appSchemaProject('pgschema-later-')
    appendHandWrittenMigration(dir, 'drizzle', '0001_app_schema', 'CREATE SCHEMA IF NOT EXISTS "app";')
    const report = await check(dir)
    const failed = report.findings.find((f) => f.kind === 'migration_failed')!
    expect(failed.cause).toMatch(
      /^schema "app" does not exist yet: it is first created by drizzle\/0001_app_schema\.sql:1, a later migration\. /
    )
    expect(failed.cause).not.toMatch(/no migration creates/)
  })
})

// Failure 6: giselle's index (drizzle-kit writes the cast expression unparenthesised), and a table Postgres cannot
// build at all (a custom type that does not exist), which an index and a foreign key of another table depend on.
const REJECTED_SCHEMA = `import { sql } from "drizzle-orm";
import { customType, index, integer, pgTable, text } from "drizzle-orm/pg-core";

const handle = customType<{ data: string }>({ dataType: () => "handle_t" });

export const docs = pgTable("docs", { id: integer("id").primaryKey(), title: text("title").notNull(), body: text("body") }, (t) => [
  index("docs_title_idx").using("btree", sql\`\${t.title}::varchar(64) varchar_ops\`),
]);

export const authors = pgTable("authors", { id: integer("id").primaryKey(), handle: handle("handle").notNull() }, (t) => [
  index("authors_handle_idx").on(t.handle),
]);

export const posts = pgTable("posts", {
  id: integer("id").primaryKey(),
  authorId: integer("author_id").references(() => authors.id),
  docId: integer("doc_id").references(() => docs.id),
});
`

describe.each(EACH_POSTGRES)('statements of the schema that Postgres rejects, on %s', (_name, createProvider) => {
  const provider = providerForSuite(createProvider)

  test('are reported on their object, and everything else is built and compared (failure 6)', async () => {
    const dir = tempDir('rejected-')
    write(dir, {
      'package.json': '{ "name": "r", "private": true }\n',
      'drizzle.config.ts': KIT_CONFIG('./src/schema.ts'),
      'src/schema.ts': REJECTED_SCHEMA
    })
    await writeMigrations(dir, 'drizzle', [REJECTED_SCHEMA])
    const sqlFile = path.join(dir, 'drizzle', '0000_step_0.sql')
    const generated = fs.readFileSync(sqlFile, 'utf8')
    // drizzle-kit's own output really has the unparenthesised expression.
    expect(generated).toContain('USING btree ("title"::varchar(64) varchar_ops)')
    fs.writeFileSync(
      sqlFile,
      generated
        // fixed by hand, as giselle did
        .replace('USING btree ("title"::varchar(64) varchar_ops)', 'USING btree (("title"::varchar(64)) varchar_ops)')
        .replace('"handle" "handle_t"', '"handle" text')
        // a planted difference in a table next to the index, to see the comparison run
        .replace('"body" text', '"body" varchar(10)')
    )
    const report = await runCheck({ root: dir, provider })
    expect(summary(report).sort()).toEqual([
      'error column_type_mismatch docs.body',
      'error schema_error authors.handle',
      'warning schema_error docs.docs_title_idx'
    ])

    const index = report.findings.find((f) => f.kind === 'schema_error' && f.severity === 'warning')!
    expect(index).toMatchObject({ file: path.join('src', 'schema.ts'), line: 7, table: 'docs' })
    expect(index.message).toMatch(/syntax error at or near "::"/)
    expect(index.fix).toBe('CREATE INDEX "docs_title_idx" ON "docs" USING btree (("title"::varchar(64)) varchar_ops);')

    const table = report.findings.find((f) => f.kind === 'schema_error' && f.severity === 'error')!
    expect(table).toMatchObject({ file: path.join('src', 'schema.ts'), line: 10, table: 'authors' })
    expect(table.message).toMatch(/type "handle_t" does not exist/)
    // The reason first, the statement (a whole CREATE TABLE) last.
    expect(table.cause).toMatch(/^the table was built without this column, and everything else of it is compared; /)
    expect(table.cause).toMatch(/; statement: CREATE TABLE "authors"[^;]*$/)
    // authors is built without the column whose type fails (issue 12, class 5: its other drift stays visible), so
    // the foreign key to it is built; what needs the column is named once, here, and not compared.
    expect(table.column).toBe('handle')
    expect(table.cause).toMatch(
      /also not built, as they depend on it: index "authors_handle_idx" on authors; statement: /
    )
  })
})

// The same table name in two schemas, public.users failing to build: a statement that fails on auth.users (here
// declared only to be referenced, as Supabase's is, with no setup SQL creating it) is its own error, not folded into
// public.users'. Failed objects are told apart by schema, kind and name.
const SAME_NAME_SCHEMA = `import { customType, integer, pgSchema, pgTable } from "drizzle-orm/pg-core";

const handle = customType<{ data: string }>({ dataType: () => "handle_t" });
export const auth = pgSchema("auth");
const authUsers = auth.table("users", { id: integer("id").primaryKey() });

export const users = pgTable("users", { id: integer("id").primaryKey(), handle: handle("handle") });
export const posts = pgTable("posts", { id: integer("id").primaryKey(), authorId: integer("author_id").references(() => users.id) });
export const sessions = auth.table("sessions", { id: integer("id").primaryKey(), userId: integer("user_id").references(() => authUsers.id) });
`

describe.each(EACH_POSTGRES)('failed objects of the same name, on %s', (_name, createProvider) => {
  const provider = providerForSuite(createProvider)

  test('public.users fails: what fails on auth.users is its own schema_error, what needs public.users is folded into it', async () => {
    const dir = tempDir('same-name-')
    write(dir, {
      'package.json': '{ "name": "r", "private": true }\n',
      'drizzle.config.ts': KIT_CONFIG('./src/schema.ts'),
      'src/schema.ts': SAME_NAME_SCHEMA
    })
    await writeMigrations(dir, 'drizzle', [SAME_NAME_SCHEMA])
    // The migrations build (the type fixed by hand, auth.users created by hand-written SQL); the schema's SQL does not.
    const sqlFile = path.join(dir, 'drizzle', '0000_step_0.sql')
    const generated = fs.readFileSync(sqlFile, 'utf8')
    expect(generated).toContain('CREATE SCHEMA "auth";\n')
    fs.writeFileSync(
      sqlFile,
      generated
        .replace('"handle" "handle_t"', '"handle" text')
        .replace(
          'CREATE SCHEMA "auth";\n',
          'CREATE SCHEMA "auth";\nCREATE TABLE "auth"."users" ("id" integer PRIMARY KEY);\n'
        )
    )
    const report = await runCheck({ root: dir, provider })
    const errors = report.findings.filter((f) => f.kind === 'schema_error')
    expect(errors.map((f) => `${f.schema}.${[f.table, f.name].filter(Boolean).join('.')}`).sort()).toEqual([
      'auth.sessions.sessions_user_id_users_id_fk',
      'public.users'
    ])
    const table = errors.find((f) => f.table === 'users')!
    expect(table.message).toMatch(/type "handle_t" does not exist/)
    // users is built without its failing column (issue 12, class 5), so the foreign key from posts is built too.
    expect(table.cause).toMatch(
      /the table was built without this column, and everything else of it is compared; statement: /
    )
    const fk = errors.find((f) => f.table === 'sessions')!
    expect(fk.message).toMatch(/relation "auth\.users" does not exist/)
  })

  test('a failed index named like a failed table: what needs the table is folded into the table', async () => {
    const db = await provider.createDatabase('same_name_index')
    try {
      const built = await runSchemaStatements(
        db,
        [
          'CREATE TABLE "accounts" ("id" integer, "owner_id" integer);',
          // fails as a whole (its only column's type): a table failing for one of several columns is built without it
          'CREATE TABLE "users" ("id" "handle_t" PRIMARY KEY);',
          'CREATE INDEX "users" ON "accounts" USING btree ("nope");',
          'ALTER TABLE "accounts" ADD CONSTRAINT "accounts_owner_id_users_id_fk" FOREIGN KEY ("owner_id") REFERENCES "public"."users"("id");'
        ],
        { root: REPO, fallbackFile: path.join(REPO, 'schema.ts') }
      )
      expect(built.problems.map((p) => [p.name ?? p.table, p.message, p.cause])).toEqual([
        [
          'users',
          expect.stringMatching(/table users fails on Postgres: type "handle_t" does not exist$/),
          expect.stringMatching(
            /^also not built, as they depend on it: constraint "accounts_owner_id_users_id_fk" on accounts; statement: CREATE TABLE "users"/
          )
        ],
        [
          'users',
          expect.stringMatching(/index "users" on accounts fails on Postgres: column "nope" does not exist$/),
          'statement: CREATE INDEX "users" ON "accounts" USING btree ("nope")'
        ]
      ])
    } finally {
      await db.close()
    }
  })
})

/** The real provider, recording the label of every database it creates (the schema's is `<target>_schema`). */
function recordingLabels<P extends PostgresProvider>(provider: P): P & { labels: string[] } {
  const labels: string[] = []
  const create = provider.createDatabase.bind(provider)
  return Object.assign(provider, {
    labels,
    createDatabase: (label: string, options?: DatabaseOptions): Promise<Database> => {
      labels.push(label)
      return create(label, options)
    }
  })
}

describe("the schema's database, kept between runs", () => {
  let cacheDir: string
  let runnerTemp: string | undefined
  beforeEach(() => {
    runnerTemp = process.env.RUNNER_TEMP
    cacheDir = tempDir('built-cache-')
    process.env.RUNNER_TEMP = cacheDir
  })
  afterEach(() => {
    if (runnerTemp === undefined) delete process.env.RUNNER_TEMP
    else process.env.RUNNER_TEMP = runnerTemp
  })
  const rejectedProject = async (): Promise<string> => {
    const dir = tempDir('built-')
    write(dir, {
      'package.json': '{ "name": "r", "private": true }\n',
      'drizzle.config.ts': KIT_CONFIG('./src/schema.ts'),
      'src/schema.ts': REJECTED_SCHEMA
    })
    await writeMigrations(dir, 'drizzle', [REJECTED_SCHEMA])
    const sqlFile = path.join(dir, 'drizzle', '0000_step_0.sql')
    fs.writeFileSync(
      sqlFile,
      fs
        .readFileSync(sqlFile, 'utf8')
        .replace('USING btree ("title"::varchar(64) varchar_ops)', 'USING btree (("title"::varchar(64)) varchar_ops)')
        .replace('"handle" "handle_t"', '"handle" text')
        .replace('"body" text', '"body" varchar(10)')
    )
    return dir
  }
  const withoutTimings = ({ timings: _timings, ...report }: Report): Omit<Report, 'timings'> => report

  test('embedded: built once, then the same model and schema errors come from the cache, with no database for it', async () => {
    const dir = await rejectedProject()
    const runs: { report: Report; labels: string[] }[] = []
    for (let i = 0; i < 2; i++) {
      const provider = recordingLabels(new PgliteProvider())
      try {
        runs.push({ report: await runCheck({ root: dir, provider }), labels: provider.labels })
      } finally {
        await provider.dispose()
      }
    }
    expect(runs[0].labels).toEqual(['r_schema', 'r_r'])
    expect(
      fs.readdirSync(path.join(cacheDir, 'drizzle-drift-guard', 'schemas')).filter((f) => f.endsWith('.built'))
    ).toHaveLength(1)
    expect(runs[1].labels).toEqual(['r_r'])
    // Schema errors (their file:line, fix, cause), the comparison's findings: the same report.
    expect(summary(runs[1].report)).toEqual(
      expect.arrayContaining([
        'error column_type_mismatch docs.body',
        'error schema_error authors.handle',
        'warning schema_error docs.docs_title_idx'
      ])
    )
    expect(withoutTimings(runs[1].report)).toEqual(withoutTimings(runs[0].report))

    // A change of the schema's SQL (here the index the warning was about) is another entry.
    write(dir, { 'src/schema.ts': REJECTED_SCHEMA.replace('varchar(64) varchar_ops', 'varchar(32) varchar_ops') })
    const changed = recordingLabels(new PgliteProvider())
    try {
      const report = await runCheck({ root: dir, provider: changed })
      expect(changed.labels).toEqual(['r_schema', 'r_r'])
      expect(report.findings.find((f) => f.name === 'docs_title_idx' && f.kind === 'schema_error')?.fix).toMatch(
        /varchar\(32\)/
      )
    } finally {
      await changed.dispose()
    }

    // DRIFT_GUARD_NO_CACHE=1: built every time.
    process.env.DRIFT_GUARD_NO_CACHE = '1'
    const uncached = recordingLabels(new PgliteProvider())
    try {
      await runCheck({ root: dir, provider: uncached })
      expect(uncached.labels).toEqual(['r_schema', 'r_r'])
    } finally {
      delete process.env.DRIFT_GUARD_NO_CACHE
      await uncached.dispose()
    }
  })

  test("a server: kept while the server's state is the same; a role created on it since builds it again", async () => {
    const dir = await rejectedProject()
    // A GRANT to a role the server does not have fails; once someone creates that role it succeeds: the database
    // built before must not be reused then.
    const role = `built_cache_${process.pid}_${Date.now().toString(36)}`
    const runs: { report: Report; labels: string[]; identity?: string }[] = []
    const run = async (): Promise<void> => {
      const provider = recordingLabels(new ServerProvider(SERVER_URL))
      try {
        const report = await runCheck({ root: dir, provider })
        runs.push({ report, labels: provider.labels, identity: await provider.buildIdentity() })
      } finally {
        await provider.dispose()
      }
    }
    const admin = postgres(SERVER_URL, { max: 1, onnotice: () => undefined })
    try {
      await run()
      expect(runs[0].labels).toContain('r_schema')
      expect(runs[0].identity).toMatch(/^[0-9a-f]{64}$/)
      // The same server, nothing changed on it: the schema's database comes from the cache, with the same report.
      // (Other test files share the server: a role one of their migrations creates for a moment changes its state;
      // then the pair is run again.)
      for (let attempt = 0; attempt < 3; attempt++) {
        await run()
        if (runs.at(-1)!.identity === runs.at(-2)!.identity) break
      }
      const [before, after] = runs.slice(-2)
      expect(after.identity).toBe(before.identity)
      expect(after.labels).toEqual(['r_r'])
      expect(withoutTimings(after.report)).toEqual(withoutTimings(runs[0].report))
      await admin.unsafe(`create role "${role}" nologin`)
      await run()
      expect(runs.at(-1)!.identity).not.toBe(after.identity)
      expect(runs.at(-1)!.labels).toContain('r_schema')
    } finally {
      await admin.unsafe(`drop role if exists "${role}"`)
      await admin.end({ timeout: 5 })
    }
  })
})
