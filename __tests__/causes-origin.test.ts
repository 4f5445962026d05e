// Causes that name where a finding really comes from: an extension the Postgres lacks or no migration creates, an
// object dropped from the schema but not by the SQL, names cut at 63 bytes, a journal entry whose SQL file is
// missing (failure numbers refer to docs/real-world.md). Each project is generated with drizzle-kit's own API, then
// the fault is planted as it happened in a real repository.
import * as fs from 'node:fs'
import * as path from 'node:path'
import { runCheck } from '../src/engine/check'
import { PgliteProvider } from '../src/postgres/pglite'
import { renderText } from '../src/report/render'
import { PostgresProvider } from '../src/postgres/provider'
import { ServerProvider } from '../src/postgres/server'
import { appendHandWrittenMigration, makeProject, findFinding } from './helpers/project'
import { BASE_SCHEMA } from './helpers/schemas'
import { SERVER_URL } from './helpers/postgres'

const providers: PostgresProvider[] = []
afterAll(async () => {
  for (const p of providers) await p.dispose()
})

function embedded(): PostgresProvider {
  const p = new PgliteProvider()
  providers.push(p)
  return p
}
function server(): PostgresProvider {
  const p = new ServerProvider(SERVER_URL)
  providers.push(p)
  return p
}

async function project(steps: string[], finalSchema?: string): Promise<string> {
  const dir = await makeProject({ steps, finalSchema })
  return dir
}

const find = findFinding

const TRGM_SCHEMA = `import { pgTable, serial, text, index } from "drizzle-orm/pg-core";

export const items = pgTable("items", {
  id: serial("id").primaryKey(),
  name: text("name").notNull(),
}, (t) => [index("items_name_trgm_idx").using("gin", t.name.op("gin_trgm_ops"))]);
`

const VECTOR_SCHEMA = `import { pgTable, serial, vector } from "drizzle-orm/pg-core";

export const items = pgTable("items", {
  id: serial("id").primaryKey(),
  embedding: vector("embedding", { dimensions: 3 }),
});
`

describe('12b: an extension the Postgres does not have', () => {
  test('on a server: the cause names the server and pg_available_extensions, and the ways past it', async () => {
    const dir = await project([BASE_SCHEMA])
    appendHandWrittenMigration(dir, 'drizzle', '0001_vector', 'CREATE EXTENSION IF NOT EXISTS vector;')
    const report = await runCheck({ root: dir, provider: server() })
    const failed = find(report, 'migration_failed', { name: '0001_vector' })
    expect(failed.cause).not.toMatch(/embedded Postgres has no/)
    expect(failed.cause).toMatch(
      /^the server 127\.0\.0\.1:5432 has no extension "vector" available \(it is not in pg_available_extensions\)/
    )
    expect(failed.cause).toMatch(/install it on that server \(pgvector: /)
    expect(failed.cause).toMatch(/run without --database-url: the embedded Postgres has it/)
  })

  test('on the embedded Postgres: the cause says so, and points to --database-url', async () => {
    const dir = await project([BASE_SCHEMA])
    appendHandWrittenMigration(dir, 'drizzle', '0001_postgis', 'CREATE EXTENSION IF NOT EXISTS postgis;')
    const report = await runCheck({ root: dir, provider: embedded() })
    const failed = find(report, 'migration_failed', { name: '0001_postgis' })
    expect(failed.cause).toBe(
      'the embedded Postgres has no extension "postgis"; run with --database-url against a server that has it'
    )
  })
})

describe('13c: a migration that uses an extension no migration creates', () => {
  test('gin_trgm_ops (embedded): names pg_trgm, says no migration creates it, and gives the CREATE EXTENSION', async () => {
    const dir = await project([TRGM_SCHEMA])
    const report = await runCheck({ root: dir, provider: embedded() })
    const failed = find(report, 'migration_failed', { name: '0000_step_0' })
    expect(failed.message).toMatch(/operator class "gin_trgm_ops" does not exist/)
    expect(failed.cause).toMatch(
      /^operator class "gin_trgm_ops" comes from the extension "pg_trgm", and no migration creates it/
    )
    expect(failed.cause).toMatch(/before 0000_step_0/)
    expect(failed.fix).toBe('CREATE EXTENSION IF NOT EXISTS pg_trgm;')
  })

  test('a vector column on a server without pgvector: names vector, and that the server lacks it too', async () => {
    const dir = await project([VECTOR_SCHEMA])
    const report = await runCheck({ root: dir, provider: server() })
    const failed = find(report, 'migration_failed', { name: '0000_step_0' })
    expect(failed.message).toMatch(/type "vector" does not exist/)
    expect(failed.cause).toMatch(/^type "vector" comes from the extension "vector", and no migration creates it/)
    expect(failed.cause).toMatch(/the server 127\.0\.0\.1:5432 has no extension "vector" available/)
    expect(failed.fix).toBe('CREATE EXTENSION IF NOT EXISTS vector;')
  })

  test('a function of an extension created only by a later migration (server): says to move it earlier', async () => {
    const dir = await project([BASE_SCHEMA])
    appendHandWrittenMigration(
      dir,
      'drizzle',
      '0001_search',
      'CREATE INDEX "accounts_email_sim" ON "accounts" ((similarity("email", \'x\')));'
    )
    appendHandWrittenMigration(dir, 'drizzle', '0002_trgm', 'CREATE EXTENSION IF NOT EXISTS "pg_trgm";')
    const report = await runCheck({ root: dir, provider: server() })
    const failed = find(report, 'migration_failed', { name: '0001_search' })
    expect(failed.cause).toMatch(
      /^function similarity\(\) comes from the extension "pg_trgm", and only the later 0002_trgm creates it/
    )
  })
})

const LEGACY_SCHEMA = `import { pgTable, serial, text, index } from "drizzle-orm/pg-core";

export const items = pgTable("items", {
  id: serial("id").primaryKey(),
  name: text("name").notNull(),
  legacy: text("legacy"),
}, (t) => [index("items_name_idx").on(t.name)]);
`
const LEGACY_DROPPED = `import { pgTable, serial, text } from "drizzle-orm/pg-core";

export const items = pgTable("items", {
  id: serial("id").primaryKey(),
  name: text("name").notNull(),
});
`

describe('12a: dropped from the schema, but not by the SQL', () => {
  test('a column and an index that a later snapshot lacks: the cause names the migration whose SQL does not drop them', async () => {
    const dir = await project([LEGACY_SCHEMA, LEGACY_DROPPED])
    const sqlFile = path.join(dir, 'drizzle', '0001_step_1.sql')
    expect(fs.readFileSync(sqlFile, 'utf8')).toMatch(/DROP COLUMN "legacy"/)
    fs.writeFileSync(sqlFile, 'SELECT 1;')
    const report = await runCheck({ root: dir, provider: embedded() })
    const column = find(report, 'extra_column', { table: 'items', column: 'legacy' })
    expect(column.file).toBe(path.join('drizzle', '0000_step_0.sql'))
    expect(column.cause).toMatch(
      /^created by drizzle\/0000_step_0\.sql:\d+, then removed from the schema in 0001_step_1, whose SQL does not drop it/
    )
    expect(column.cause).not.toMatch(/neither in the schema nor in any snapshot/)
    expect(column.fix).toBe('ALTER TABLE "items" DROP COLUMN "legacy";')
    const index = find(report, 'extra_index', { name: 'items_name_idx' })
    expect(index.cause).toMatch(/removed from the schema in 0001_step_1, whose SQL does not drop it/)
  })

  test('an object no snapshot ever had keeps the hand-written cause', async () => {
    const dir = await project([LEGACY_DROPPED])
    appendHandWrittenMigration(dir, 'drizzle', '0001_hand', 'ALTER TABLE "items" ADD COLUMN "legacy" text;')
    const report = await runCheck({ root: dir, provider: embedded() })
    expect(find(report, 'extra_column', { column: 'legacy' }).cause).toMatch(
      /declared neither in the schema nor in any snapshot: hand-written SQL/
    )
  })
})

const LONG_FK_SCHEMA = `import { pgTable, serial, integer } from "drizzle-orm/pg-core";

export const workflowDeploymentOperation = pgTable("workflow_deployment_operation", {
  id: serial("id").primaryKey(),
});

export const workflowSchedule = pgTable("workflow_schedule", {
  id: serial("id").primaryKey(),
  deploymentOperationId: integer("deployment_operation_id").references(() => workflowDeploymentOperation.id, { onDelete: "cascade" }),
  ownerId: integer("owner_id").references(() => workflowDeploymentOperation.id, { onDelete: "cascade" }),
});
`

describe('12d: names longer than 63 bytes', () => {
  test('a foreign key whose generated name Postgres cuts is traced to the statement that created it, like a short one', async () => {
    const dir = await project([LONG_FK_SCHEMA])
    const sqlFile = path.join(dir, 'drizzle', '0000_step_0.sql')
    const sql = fs.readFileSync(sqlFile, 'utf8')
    expect(sql).toContain('"workflow_schedule_deployment_operation_id_workflow_deployment_operation_id_fk"')
    fs.writeFileSync(sqlFile, sql.replace(/ON DELETE cascade/g, 'ON DELETE no action'))
    const lineOf = (text: string): number => sql.split('\n').findIndex((l) => l.includes(text)) + 1
    const report = await runCheck({ root: dir, provider: embedded() })
    const short = find(report, 'constraint_mismatch', {
      name: 'workflow_schedule_owner_id_workflow_deployment_operation_id_fk'
    })
    expect(short.cause).toContain(
      `the SQL that built it (drizzle/0000_step_0.sql:${lineOf('workflow_schedule_owner_id_workflow')}) differs from what drizzle-kit generated (edited after generation?)`
    )
    const long = find(report, 'constraint_mismatch', {
      name: 'workflow_schedule_deployment_operation_id_workflow_deployment_o'
    })
    expect(long.cause).toContain(
      `the SQL that built it (drizzle/0000_step_0.sql:${lineOf('workflow_schedule_deployment_operation_id_workflow')}) differs from what drizzle-kit generated (edited after generation?)`
    )
  })
})

const DONE_SCHEMA = `import { pgTable, serial, boolean, text } from "drizzle-orm/pg-core";

export const items = pgTable("items", {
  id: serial("id").primaryKey(),
  done: boolean("done").notNull(),
});
`
const DONE_DEFAULT = DONE_SCHEMA.replace('boolean("done").notNull()', 'boolean("done").default(false).notNull()')
const DONE_TITLE = DONE_DEFAULT.replace('  done:', '  title: text("title"),\n  done:')

describe('12c: a journal entry whose SQL file is missing', () => {
  test('says that drizzle applies none, counts only what ran, and names the missing migration in the causes', async () => {
    const dir = await project([DONE_SCHEMA, DONE_DEFAULT, DONE_TITLE])
    const sqlFile = path.join(dir, 'drizzle', '0001_step_1.sql')
    expect(fs.readFileSync(sqlFile, 'utf8')).toMatch(/ALTER COLUMN "done" SET DEFAULT false/)
    fs.rmSync(sqlFile)
    const report = await runCheck({ root: dir, provider: embedded() })

    const journal = find(report, 'journal_error', { name: '0001_step_1' })
    expect(journal.message).toMatch(
      /reads every SQL file before it applies any, so it throws "No file .*0001_step_1\.sql found" and applies none of the 3 migrations/
    )
    expect(journal.cause).toMatch(/the check applies the 1 migration\(s\) before it/)
    // The migrations before the missing one were applied for the comparison; the missing one and later ones were not.
    expect(report.targets[0].databases[0].migrations.map((m) => [m.tag, m.ok])).toEqual([
      ['0000_step_0', true],
      ['0001_step_1', false],
      ['0002_step_2', false]
    ])
    expect(renderText(report)).toContain('(1/3 migrations)')

    const defaultMismatch = find(report, 'column_default_mismatch', { table: 'items', column: 'done' })
    expect(defaultMismatch.cause).toMatch(/; set by 0001_step_1, whose SQL file is missing$/)
    const title = find(report, 'missing_column', { table: 'items', column: 'title' })
    expect(title.cause).toMatch(
      /; created by drizzle\/0002_step_2\.sql:1, which was not applied: drizzle's migrator applies no migration while 0001_step_1's SQL file is missing/
    )
  })
})

test('a boolean default(false) added without generate is a schema change drizzle-kit sees (snapshot default false is a value)', async () => {
  const dir = await project([DONE_SCHEMA], DONE_DEFAULT)
  const report = await runCheck({ root: dir, provider: embedded() })
  expect(find(report, 'snapshot_out_of_date').message).toMatch(/column items\.done changed/)
  expect(find(report, 'column_default_mismatch', { column: 'done' }).cause).toMatch(
    /changed after the last snapshot \(0000_step_0\): no migration was generated/
  )
})
