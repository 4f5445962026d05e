// Loading projects as they are: monorepo packages run from their own folder, tsconfig path aliases, `.js` imports
// of `.ts` files, configs that need environment variables, schemas spread over a glob, extensions.
import * as fs from 'node:fs'
import * as path from 'node:path'
import { loadConfig } from '../src/config/load-config'
import { runCheck } from '../src/engine/check'
import { PgliteProvider } from '../src/postgres/pglite'
import { appendHandWrittenMigration, tempDir, writeMigrations, writeFiles } from './helpers/project'
import { BASE_SCHEMA } from './helpers/schemas'
import { EACH_POSTGRES, providerForSuite } from './helpers/postgres'

const write = writeFiles

describe.each(EACH_POSTGRES)('on %s', (_name, createProvider) => {
  const provider = providerForSuite(createProvider)

  test('a monorepo package: config deep in apps/api, schema split over files with a tsconfig alias and .js imports', async () => {
    const dir = tempDir('monorepo-')
    const pkg = path.join(dir, 'apps', 'api')
    const enums =
      'import { pgEnum } from "drizzle-orm/pg-core";\nexport const status = pgEnum("status", ["active", "paused", "closed"]);\n'
    const tables = BASE_SCHEMA.replace(
      'export const status = pgEnum("status", ["active", "paused", "closed"]);',
      'import { status } from "@db/enums";'
    )
    write(dir, {
      'package.json': '{ "name": "root", "private": true, "workspaces": ["apps/*"] }',
      'tsconfig.base.json': '{\n  // shared options\n  "compilerOptions": { "strict": true, },\n}\n',
      'apps/api/package.json':
        '{ "name": "api", "type": "module", "scripts": { "db:generate": "drizzle-kit generate --config src/db/drizzle.config.ts" } }',
      'apps/api/tsconfig.json':
        '{ "extends": "../../tsconfig.base.json", "compilerOptions": { "baseUrl": ".", "paths": { "@db/*": ["src/db/schema/*"] } } }',
      'apps/api/src/db/drizzle.config.ts':
        'import { defineConfig } from "drizzle-kit";\nimport "dotenv/config";\nexport default defineConfig({ dialect: "postgresql", schema: "./src/db/schema/index.ts", out: "./drizzle" });\n',
      'apps/api/src/db/schema/enums.ts': enums,
      'apps/api/src/db/schema/tables.ts': tables,
      'apps/api/src/db/schema/index.ts': 'export * from "./enums.js";\nexport * from "./tables.js";\n'
    })
    await writeMigrations(pkg, 'drizzle', [BASE_SCHEMA])
    fs.writeFileSync(
      path.join(dir, 'drift-guard.config.json'),
      JSON.stringify({ targets: [{ name: 'api', drizzleConfig: 'apps/api/src/db/drizzle.config.ts' }] })
    )

    const config = loadConfig(dir)
    expect(config.targets[0].cwd).toBe(pkg) // the nearest package.json above the config
    const report = await runCheck({ root: dir, provider })
    expect(report.findings).toEqual([])
    expect(report.targets[0]).toMatchObject({ migrations: 'apps/api/drizzle', declared: { tables: 2, enums: 1 } })
  })

  test('without a config file, drizzle configs anywhere in the repository are discovered; other dialects are skipped', async () => {
    const dir = tempDir('discover-')
    write(dir, {
      'package.json': '{ "private": true }',
      'packages/db/package.json': '{}',
      'packages/db/drizzle.config.ts':
        'export default { dialect: "postgresql", schema: "./schema.ts", out: "./drizzle" };\n',
      'packages/db/schema.ts': BASE_SCHEMA,
      'packages/analytics/package.json': '{}',
      'packages/analytics/drizzle.config.ts':
        'export default { dialect: "mysql", schema: "./schema.ts", out: "./drizzle" };\n',
      'node_modules/some-lib/drizzle.config.ts': 'throw new Error("never loaded")'
    })
    await writeMigrations(path.join(dir, 'packages', 'db'), 'drizzle', [BASE_SCHEMA])
    const config = loadConfig(dir)
    expect(config.targets.map((t) => t.name)).toEqual(['packages/db'])
    expect(config.notes.join('\n')).toMatch(/skipped packages\/analytics\/drizzle\.config\.ts: dialect is "mysql"/)
    expect(config.notes.join('\n')).toMatch(
      /discovered packages\/db\/drizzle\.config\.ts .*Write drift-guard\.config\.json/
    )
    const report = await runCheck({ root: dir, provider })
    expect(report.findings).toEqual([])
  })

  test('a workspace package that exports TypeScript only under "import"/"types" conditions', async () => {
    const dir = tempDir('workspace-')
    write(dir, {
      'package.json': '{ "private": true, "workspaces": ["packages/*", "apps/*"] }',
      'packages/db-enums/package.json':
        '{ "name": "@acme/db-enums", "type": "module", "exports": { ".": { "types": "./src/index.ts", "import": "./src/index.ts" } } }',
      'packages/db-enums/src/index.ts': 'export { status } from "./status.js";\n',
      'packages/db-enums/src/status.ts':
        'import { pgEnum } from "drizzle-orm/pg-core";\nexport const status = pgEnum("status", ["active", "paused", "closed"]);\n',
      'apps/api/package.json': '{ "name": "api" }',
      'apps/api/drizzle.config.ts':
        'export default { dialect: "postgresql", schema: ["./db/enums.ts", "./db/tables.ts"], out: "./drizzle" };\n',
      'apps/api/db/enums.ts': 'export * from "@acme/db-enums";\n',
      'apps/api/db/tables.ts': BASE_SCHEMA.replace(
        'export const status = pgEnum("status", ["active", "paused", "closed"]);',
        'import { status } from "@acme/db-enums";'
      )
    })
    // npm links workspace packages into node_modules.
    fs.mkdirSync(path.join(dir, 'node_modules', '@acme'), { recursive: true })
    fs.symlinkSync(path.join(dir, 'packages', 'db-enums'), path.join(dir, 'node_modules', '@acme', 'db-enums'))
    await writeMigrations(path.join(dir, 'apps', 'api'), 'drizzle', [BASE_SCHEMA])
    const report = await runCheck({ root: dir, provider })
    expect(report.targets.map((t) => t.name)).toEqual(['apps/api'])
    expect(report.findings).toEqual([])
    expect(report.targets[0].declared.enums).toBe(1)
  })

  test("a config that imports the app's database module (driver not installed) still loads; a schema import can be stood in for on request", async () => {
    const dir = tempDir('config-imports-')
    write(dir, {
      'src/db/index.ts':
        'import postgres from "some-driver-not-installed";\nexport const dbUrl = process.env.DATABASE_URL ?? "postgres://localhost/app";\nexport const client = postgres(dbUrl);\n',
      'drizzle.config.ts':
        'import { dbUrl } from "./src/db";\nexport default { dialect: "postgresql", schema: "./src/schema.ts", out: "./drizzle", dbCredentials: { url: dbUrl } };\n',
      'src/lib/id.ts': 'import { nanoid } from "nanoid-not-installed";\nexport const newId = () => nanoid();\n',
      'src/schema.ts': BASE_SCHEMA.replace(
        'import { sql } from "drizzle-orm";',
        'import { sql } from "drizzle-orm";\nimport { newId } from "./lib/id";\nexport const ids = newId;'
      )
    })
    await writeMigrations(dir, 'drizzle', [BASE_SCHEMA])
    await expect(runCheck({ root: dir, provider })).rejects.toThrow(
      /Cannot resolve "nanoid-not-installed" imported by src\/lib\/id\.ts:1 \(import chain: src\/schema\.ts -> src\/lib\/id\.ts\)/
    )
    const report = await runCheck({ root: dir, provider, stubMissingImports: true })
    expect(report.findings).toEqual([])
    expect(report.targets[0].notes.join(' ')).toMatch(
      /replaced by stand-ins while loading the schema: nanoid-not-installed/
    )
  })

  test('schema or folder not found: the error says where it looked and suggests "cwd"', () => {
    const dir = tempDir('cwd-')
    write(dir, {
      'package.json': '{}',
      'db/drizzle.config.ts':
        'export default { dialect: "postgresql", schema: "./db/schema.ts", out: "./db/migrations" };\n',
      'db/package.json': '{}',
      'db/schema.ts': BASE_SCHEMA
    })
    fs.writeFileSync(
      path.join(dir, 'drift-guard.config.json'),
      JSON.stringify({ targets: [{ name: 'x', drizzleConfig: 'db/drizzle.config.ts' }] })
    )
    expect(() => loadConfig(dir)).toThrow(
      /schema "\.\/db\/schema\.ts" matches no file \(looked in db\)\. Set the target's "cwd"/
    )
  })

  test('a config that throws when an environment variable is unset still loads', async () => {
    const dir = tempDir('env-')
    write(dir, {
      'drizzle.config.ts':
        'if (!process.env.DATABASE_URL_FOR_TEST_ONLY) throw new Error("DATABASE_URL_FOR_TEST_ONLY is not set");\nexport default { dialect: "postgresql", schema: "./schema.ts", out: "./drizzle", dbCredentials: { url: process.env.DATABASE_URL_FOR_TEST_ONLY } };\n',
      'schema.ts': BASE_SCHEMA
    })
    await writeMigrations(dir, 'drizzle', [BASE_SCHEMA])
    const report = await runCheck({ root: dir, provider })
    expect(report.findings).toEqual([])
  })

  test('schemas spread over a glob are one schema', async () => {
    const dir = tempDir('glob-')
    const [enumsPart, rest] = [
      'import { pgEnum } from "drizzle-orm/pg-core";\nexport const status = pgEnum("status", ["active", "paused", "closed"]);\n',
      BASE_SCHEMA.replace(
        'export const status = pgEnum("status", ["active", "paused", "closed"]);',
        'import { status } from "./a-enums";'
      )
    ]
    write(dir, {
      'drizzle.config.ts': 'export default { dialect: "postgresql", schema: "./db/*.ts", out: "./drizzle" };\n',
      'db/a-enums.ts': enumsPart,
      'db/b-tables.ts': rest
    })
    await writeMigrations(dir, 'drizzle', [BASE_SCHEMA])
    const report = await runCheck({ root: dir, provider })
    expect(report.targets[0].schema).toEqual(['db/a-enums.ts', 'db/b-tables.ts'])
    expect(report.findings).toEqual([])
  })
})

describe('extensions on the embedded Postgres', () => {
  const provider = new PgliteProvider()
  afterAll(async () => {
    await provider.dispose()
  })

  const schemaWith = (extra: string): string =>
    `import { pgTable, serial, uuid, customType } from "drizzle-orm/pg-core";\nimport { sql } from "drizzle-orm";\n${extra}`

  test('contrib extensions a migration creates are loaded (pgcrypto, citext)', async () => {
    const schema = schemaWith(
      'const citext = customType<{ data: string }>({ dataType: () => "citext" });\nexport const users = pgTable("users", { id: serial("id").primaryKey(), token: uuid("token").default(sql`gen_random_uuid()`), email: citext("email") });\n'
    )
    const dir = tempDir('ext-')
    write(dir, {
      'drizzle.config.ts': 'export default { dialect: "postgresql", schema: "./schema.ts", out: "./drizzle" };\n',
      'schema.ts': schema
    })
    fs.mkdirSync(path.join(dir, 'drizzle', 'meta'), { recursive: true })
    fs.writeFileSync(
      path.join(dir, 'drizzle', 'meta', '_journal.json'),
      JSON.stringify({ version: '7', dialect: 'postgresql', entries: [] })
    )
    appendHandWrittenMigrationFirst(
      dir,
      '0000_extensions',
      'CREATE EXTENSION IF NOT EXISTS pgcrypto;\n--> statement-breakpoint\nCREATE EXTENSION IF NOT EXISTS "citext";'
    )
    await writeMigrations(dir, 'drizzle-gen', [schema])
    const generated = fs.readFileSync(path.join(dir, 'drizzle-gen', '0000_step_0.sql'), 'utf8')
    appendHandWrittenMigration(dir, 'drizzle', '0001_tables', generated)
    const report = await runCheck({ root: dir, provider })
    expect(report.findings.filter((f) => f.kind !== 'journal_error' && f.kind !== 'snapshot_out_of_date')).toEqual([])
    expect(report.targets[0].databases[0].migrations.map((m) => m.ok)).toEqual([true, true])
  })

  test('an extension the embedded Postgres lacks: migration_failed naming it, with the way out', async () => {
    const dir = tempDir('ext-missing-')
    write(dir, {
      'drizzle.config.ts': 'export default { dialect: "postgresql", schema: "./schema.ts", out: "./drizzle" };\n',
      'schema.ts': BASE_SCHEMA
    })
    await writeMigrations(dir, 'drizzle', [BASE_SCHEMA])
    appendHandWrittenMigration(dir, 'drizzle', '0001_search', 'CREATE EXTENSION IF NOT EXISTS pg_search;')
    const report = await runCheck({ root: dir, provider })
    const failed = report.findings.find((f) => f.kind === 'migration_failed')
    expect(failed).toMatchObject({ file: path.join('drizzle', '0001_search.sql'), line: 1 })
    expect(failed!.cause).toMatch(/the embedded Postgres has no extension "pg_search"; run with --database-url/)
  })

  test('pgvector on the embedded Postgres: CREATE EXTENSION vector and a vector column compare clean', async () => {
    const schema =
      'import { pgTable, serial, vector, index } from "drizzle-orm/pg-core";\nexport const items = pgTable("items", { id: serial("id").primaryKey(), embedding: vector("embedding", { dimensions: 3 }) }, (t) => [index("items_embedding_idx").using("hnsw", t.embedding.op("vector_cosine_ops"))]);\n'
    const dir = tempDir('vector-')
    write(dir, {
      'drizzle.config.ts': 'export default { dialect: "postgresql", schema: "./schema.ts", out: "./drizzle" };\n',
      'schema.ts': schema
    })
    await writeMigrations(dir, 'drizzle', [schema])
    const first = path.join(dir, 'drizzle', '0000_step_0.sql')
    fs.writeFileSync(
      first,
      'CREATE EXTENSION IF NOT EXISTS vector;\n--> statement-breakpoint\n' + fs.readFileSync(first, 'utf8')
    )
    const report = await runCheck({ root: dir, provider })
    expect(report.findings).toEqual([])
    expect(report.targets[0].databases[0].migrations[0].ok).toBe(true)
  })
})

/** A journal whose first entry is hand-written (extensions before any table). */
function appendHandWrittenMigrationFirst(dir: string, tag: string, sql: string): void {
  const journalFile = path.join(dir, 'drizzle', 'meta', '_journal.json')
  const journal = JSON.parse(fs.readFileSync(journalFile, 'utf8'))
  journal.entries.push({ idx: 0, version: '7', when: Date.UTC(2024, 0, 1), tag, breakpoints: true })
  fs.writeFileSync(journalFile, JSON.stringify(journal))
  fs.writeFileSync(path.join(dir, 'drizzle', `${tag}.sql`), sql)
}

describe.each(EACH_POSTGRES)('on %s', (_name, createProvider) => {
  const provider = providerForSuite(createProvider)

  describe('migration folders as they are', () => {
    test('a custom migrations table in public is never reported; migrations with their own BEGIN/COMMIT and DO blocks apply', async () => {
      const dir = tempDir('folders-')
      write(dir, {
        'drizzle.config.ts':
          'export default { dialect: "postgresql", schema: "./schema.ts", out: "./drizzle", migrations: { table: "schema_migrations", schema: "public" } };\n',
        'schema.ts': BASE_SCHEMA
      })
      await writeMigrations(dir, 'drizzle', [BASE_SCHEMA])
      appendHandWrittenMigration(
        dir,
        'drizzle',
        '0001_data',
        "BEGIN;\nUPDATE accounts SET credits = 0 WHERE credits IS NULL;\nCOMMIT;\n--> statement-breakpoint\nDO $$\nBEGIN\n  IF NOT EXISTS (SELECT 1 FROM accounts) THEN\n    RAISE NOTICE 'empty';\n  END IF;\nEND $$;",
        { copySnapshot: true }
      )
      const report = await runCheck({ root: dir, provider })
      expect(report.targets[0].migrationsTable).toBe('public.schema_migrations')
      expect(report.targets[0].databases[0].migrations.map((m) => m.ok)).toEqual([true, true])
      expect(report.findings).toEqual([])
    })
  })
})

test('schema modules load in the folder drizzle-kit runs from: a schema reading a file relative to it', async () => {
  const dir = tempDir('schema-cwd-')
  const schema =
    'import { readFileSync } from "node:fs";\nimport { pgEnum, pgTable, integer } from "drizzle-orm/pg-core";\n\n' +
    'const roles = JSON.parse(readFileSync("config/roles.json", "utf8")) as [string, ...string[]];\n' +
    'export const role = pgEnum("role", roles);\nexport const members = pgTable("members", { id: integer("id").primaryKey(), role: role("role") });\n'
  write(dir, {
    'package.json': '{ "name": "root", "private": true, "workspaces": ["packages/*"] }',
    'packages/db/package.json': '{ "name": "db", "scripts": { "generate": "drizzle-kit generate" } }',
    'packages/db/drizzle.config.ts':
      'export default { dialect: "postgresql", schema: "./src/schema.ts", out: "./drizzle" };\n',
    'packages/db/config/roles.json': '["owner", "member"]',
    'packages/db/src/schema.ts': schema
  })
  const pkg = path.join(dir, 'packages', 'db')
  const previous = process.cwd()
  process.chdir(pkg) // drizzle-kit generate, as the package's script runs it
  try {
    await writeMigrations(pkg, 'drizzle', [schema])
  } finally {
    process.chdir(previous)
  }
  const provider = new PgliteProvider()
  try {
    const report = await runCheck({ root: dir, provider })
    expect(report.findings).toEqual([])
    expect(process.cwd()).toBe(previous)
  } finally {
    await provider.dispose()
  }
})
