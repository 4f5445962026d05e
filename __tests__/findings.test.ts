// Every schema finding kind, produced for real: drizzle-kit-generated migrations, faults planted the way they
// happen (hand-written SQL, edited SQL, schema changed without generate), applied on the embedded Postgres.
import * as fs from 'node:fs'
import * as path from 'node:path'
import { runCheck } from '../src/engine/check'
import { Report } from '../src/core/findings'
import { appendHandWrittenMigration, makeProject, findFinding } from './helpers/project'
import { BASE_SCHEMA, BASE_SCHEMA_AHEAD, OBJECTS_SCHEMA } from './helpers/schemas'
import { EACH_POSTGRES, providerForSuite } from './helpers/postgres'

const find = findFinding

describe.each(EACH_POSTGRES)('on %s', (_name, createProvider) => {
  const provider = providerForSuite(createProvider)
  const check = (dir: string): Promise<Report> => runCheck({ root: dir, provider })

  test('a clean project has no finding', async () => {
    const dir = await makeProject({ steps: [BASE_SCHEMA] })
    const report = await check(dir)
    expect(report.findings).toEqual([])
    expect(report.ok).toBe(true)
    expect(report.targets[0].declared.tables).toBe(2)
  })

  test('hand-written SQL that the schema does not declare: extra and mismatched objects, each located in the SQL', async () => {
    const dir = await makeProject({ steps: [BASE_SCHEMA] })
    appendHandWrittenMigration(
      dir,
      'drizzle',
      '0001_hand_written',
      [
        'CREATE TABLE "legacy" ("id" integer);',
        'ALTER TABLE "accounts" ADD COLUMN "notes" text;',
        'ALTER TABLE "projects" ALTER COLUMN "name" TYPE varchar(100);',
        'ALTER TABLE "accounts" ALTER COLUMN "email" DROP NOT NULL;',
        'ALTER TABLE "accounts" ALTER COLUMN "credits" SET DEFAULT 10;',
        'CREATE INDEX "accounts_created_idx" ON "accounts" ("created_at");',
        'DROP INDEX "projects_account_idx";',
        'ALTER TABLE "accounts" DROP CONSTRAINT "credits_positive";',
        'ALTER TABLE "projects" ADD CONSTRAINT "name_not_empty" CHECK (length(name) > 0);',
        'ALTER TABLE "projects" DROP CONSTRAINT "projects_account_id_accounts_id_fk";',
        'ALTER TABLE "projects" ADD CONSTRAINT "projects_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "accounts"("id");',
        'ALTER TYPE "status" ADD VALUE \'archived\';',
        'CREATE TYPE "mood" AS ENUM (\'happy\');',
        'DROP INDEX "accounts_email_idx";',
        'CREATE INDEX "accounts_email_idx" ON "accounts" (lower("email"));'
      ].join('\n--> statement-breakpoint\n')
    )
    const report = await check(dir)
    const sql = path.join('drizzle', '0001_hand_written.sql')

    const extraTable = find(report, 'extra_table', { table: 'legacy' })
    expect(extraTable).toMatchObject({ file: sql, line: 1, severity: 'error' })
    expect(extraTable.cause).toMatch(/hand-written SQL/)
    expect(find(report, 'extra_column', { table: 'accounts', column: 'notes' })).toMatchObject({
      file: sql,
      line: 3,
      fix: 'ALTER TABLE "accounts" DROP COLUMN "notes";'
    })
    expect(find(report, 'column_type_mismatch', { column: 'name' })).toMatchObject({
      table: 'projects',
      file: 'src/schema.ts'
    })
    expect(find(report, 'column_type_mismatch', { column: 'name' }).message).toMatch(/character varying\(100\).*text/)
    expect(find(report, 'column_nullability_mismatch', { column: 'email' }).fix).toBe(
      'ALTER TABLE "accounts" ALTER COLUMN "email" SET NOT NULL; -- fails while rows hold NULL in "email": fill them first (UPDATE "accounts" SET "email" = … WHERE "email" IS NULL)'
    )
    expect(find(report, 'column_default_mismatch', { column: 'credits' }).message).toMatch(/10.*0/)
    expect(find(report, 'extra_index', { name: 'accounts_created_idx' })).toMatchObject({
      table: 'accounts',
      file: sql
    })
    const missingIndex = find(report, 'missing_index', { name: 'projects_account_idx' })
    expect(missingIndex.cause).toMatch(/dropped by drizzle\/0001_hand_written\.sql:13/)
    expect(missingIndex.fix).toBe('CREATE INDEX "projects_account_idx" ON public.projects USING btree (account_id);')
    expect(find(report, 'missing_constraint', { name: 'credits_positive' }).fix).toMatch(
      /ADD CONSTRAINT "credits_positive" CHECK/
    )
    expect(find(report, 'extra_constraint', { name: 'name_not_empty' })).toMatchObject({ table: 'projects' })
    expect(find(report, 'constraint_mismatch', { name: 'projects_account_id_accounts_id_fk' }).message).toMatch(
      /ON DELETE CASCADE/
    )
    expect(find(report, 'enum_mismatch', { name: 'status' }).message).toMatch(/extra value\(s\) 'archived'/)
    expect(find(report, 'extra_enum', { name: 'mood' })).toBeDefined()
    const indexMismatch = find(report, 'index_mismatch', { name: 'accounts_email_idx' })
    expect(indexMismatch.message).toMatch(/lower\(email\)/)
    expect(indexMismatch.file).toBe('src/schema.ts')
    expect(indexMismatch.line).toBe(
      fs
        .readFileSync(path.join(dir, 'src/schema.ts'), 'utf8')
        .split('\n')
        .findIndex((l) => l.includes('"accounts_email_idx"')) + 1
    )
    // The schema and the last snapshot agree: nothing to generate.
    expect(report.findings.some((f) => f.kind === 'snapshot_out_of_date')).toBe(false)
  })

  test('schema changed after the last snapshot: missing objects at their declaration line, and the SQL drizzle-kit would write', async () => {
    const dir = await makeProject({ steps: [BASE_SCHEMA], finalSchema: BASE_SCHEMA_AHEAD })
    const report = await check(dir)
    const lines = BASE_SCHEMA_AHEAD.split('\n')
    const lineOf = (text: string): number => lines.findIndex((l) => l.includes(text)) + 1

    const column = find(report, 'missing_column', { table: 'accounts', column: 'plan' })
    expect(column).toMatchObject({
      file: 'src/schema.ts',
      line: lineOf('plan: text("plan")'),
      fix: 'ALTER TABLE "accounts" ADD COLUMN "plan" text;'
    })
    expect(column.cause).toMatch(
      /added to the schema after the last snapshot \(0000_step_0\): no migration was generated/
    )
    expect(find(report, 'missing_table', { table: 'invoices' })).toMatchObject({
      line: lineOf('export const invoices')
    })
    expect(find(report, 'missing_enum', { name: 'tier' })).toMatchObject({
      line: lineOf('export const tier'),
      fix: "CREATE TYPE \"tier\" AS ENUM ('a', 'b');"
    })
    const snapshot = find(report, 'snapshot_out_of_date')
    expect(snapshot.file).toBe(path.join('drizzle', 'meta', '0000_snapshot.json'))
    expect(snapshot.fix).toContain('ALTER TABLE "accounts" ADD COLUMN "plan" text;')
    expect(snapshot.fix).toContain('CREATE TYPE "public"."tier" AS ENUM')
    expect(snapshot.fix).toContain('CREATE TABLE "invoices"')
  })

  test('SQL edited after generation: the cause names the migration whose SQL does not build its own snapshot', async () => {
    const dir = await makeProject({ steps: [BASE_SCHEMA] })
    const file = path.join(dir, 'drizzle', '0000_step_0.sql')
    fs.writeFileSync(
      file,
      fs.readFileSync(file, 'utf8').replace('\t"created_at" timestamp DEFAULT now() NOT NULL,\n', '')
    )
    const report = await check(dir)
    const missing = find(report, 'missing_column', { column: 'created_at' })
    expect(missing.cause).toMatch(
      /in snapshot 0000_step_0 but not created by drizzle\/0000_step_0\.sql: the SQL was edited after generation/
    )
    expect(missing.line).toBe(BASE_SCHEMA.split('\n').findIndex((l) => l.includes('createdAt:')) + 1)
    expect(report.findings.map((f) => f.kind)).toEqual(['missing_column'])
  })

  test('a renamed column is reported as missing + extra with a hint, never a prompt', async () => {
    const renamed = BASE_SCHEMA.replace('name: text("name").notNull(),', 'title: text("title").notNull(),').replace(
      't.accountId, t.name',
      't.accountId, t.title'
    )
    const dir = await makeProject({ steps: [BASE_SCHEMA], finalSchema: renamed })
    const report = await check(dir)
    expect(find(report, 'missing_column', { column: 'title' }).cause).toMatch(/if "name" was renamed to "title"/)
    expect(find(report, 'extra_column', { column: 'name' })).toBeDefined()
    expect(find(report, 'snapshot_out_of_date').fix).toMatch(/answer its rename questions/)
  })

  test('a failing migration names the SQL file and line, and the comparison is skipped for that database', async () => {
    const dir = await makeProject({ steps: [BASE_SCHEMA] })
    appendHandWrittenMigration(
      dir,
      'drizzle',
      '0001_broken',
      'ALTER TABLE "accounts" ADD COLUMN "a" text;\n--> statement-breakpoint\nALTER TABLE "accounts"\n  ADD COLUMN "b" nosuchtype;'
    )
    const report = await check(dir)
    const failed = find(report, 'migration_failed')
    expect(failed).toMatchObject({ file: path.join('drizzle', '0001_broken.sql'), line: 4, name: '0001_broken' })
    expect(failed.message).toMatch(/type "nosuchtype" does not exist/)
    expect(report.targets[0].databases[0].compared).toBe(false)
    expect(report.findings.filter((f) => f.kind.startsWith('missing_') || f.kind.startsWith('extra_'))).toEqual([])
  })

  test('casing: snake_case, identity, generated, arrays, jsonb and a custom schema with its own enum compare clean', async () => {
    const schema = `import { pgTable, pgSchema, integer, text, jsonb, timestamp, uuid, varchar, numeric, primaryKey, index, boolean } from "drizzle-orm/pg-core";
  import { sql } from "drizzle-orm";
  export const billing = pgSchema("billing");
  export const currency = billing.enum("currency", ["eur", "usd"]);
  export const users = pgTable("users", {
    id: integer().primaryKey().generatedAlwaysAsIdentity(),
    publicId: uuid().defaultRandom().notNull(),
    displayName: varchar({ length: 120 }).notNull(),
    tags: text().array().default(sql\`'{}'::text[]\`).notNull(),
    settings: jsonb().default({}).notNull(),
    isAdmin: boolean().default(false),
    createdAt: timestamp({ withTimezone: true, precision: 3 }).defaultNow().notNull(),
    searchName: text().generatedAlwaysAs(sql\`lower(display_name)\`),
  }, (t) => [index().on(t.displayName).where(sql\`is_admin\`), index("users_lower_name_idx").on(sql\`lower(\${t.displayName})\`)]);
  export const payments = billing.table("payments", {
    userId: integer().notNull().references(() => users.id),
    number: integer().notNull(),
    amount: numeric({ precision: 12, scale: 2 }).notNull(),
    currency: currency().default("eur").notNull(),
  }, (t) => [primaryKey({ columns: [t.userId, t.number] })]);
  `
    const dir = await makeProject({ steps: [schema], casing: 'snake_case' })
    const report = await check(dir)
    expect(report.findings).toEqual([])
    expect(report.targets[0].declared).toMatchObject({ tables: 2, enums: 1 })
  })

  test('identity, generated columns, RLS, policies, views, sequences and schemas changed by hand-written SQL', async () => {
    const dir = await makeProject({ steps: [OBJECTS_SCHEMA] })
    appendHandWrittenMigration(
      dir,
      'drizzle',
      '0001_by_hand',
      [
        'ALTER TABLE "projects" ALTER COLUMN "seq" DROP IDENTITY;',
        'ALTER TABLE "accounts" DROP COLUMN "email_lower";',
        'ALTER TABLE "accounts" ADD COLUMN "email_lower" text GENERATED ALWAYS AS (upper(email)) STORED;',
        'ALTER TABLE "projects" DISABLE ROW LEVEL SECURITY;',
        'DROP POLICY "projects_read" ON "projects";',
        'ALTER POLICY "projects_owner" ON "projects" USING (owner_id > 10);',
        'CREATE POLICY "accounts_all" ON "accounts" USING (true);',
        'DROP VIEW "account_emails";',
        'CREATE OR REPLACE VIEW "project_owners" AS SELECT owner_id FROM projects WHERE owner_id > 0;',
        'CREATE VIEW "stray_view" AS SELECT 1 AS one;',
        'DROP SEQUENCE "ticket_seq";',
        'CREATE SEQUENCE "stray_seq";',
        'DROP TABLE "audit"."events";',
        'DROP SCHEMA "audit";',
        'CREATE SCHEMA "legacy";'
      ].join('\n--> statement-breakpoint\n')
    )
    const report = await check(dir)
    const got = report.findings
      .filter((f) => f.kind !== 'journal_error') // the hand-written migration has no snapshot: a warning of its own
      .map((f) => [f.kind, `${f.table ?? ''}${f.column ? `.${f.column}` : ''}`, f.name ?? ''].filter(Boolean).join(' '))
    expect(got.sort()).toEqual(
      [
        'column_identity_mismatch projects.seq',
        'column_generated_mismatch accounts.email_lower',
        'rls_mismatch projects',
        'missing_policy projects projects_read',
        'policy_mismatch projects projects_owner',
        'extra_policy accounts accounts_all',
        'missing_view account_emails',
        'view_mismatch project_owners',
        'extra_view stray_view',
        'missing_sequence ticket_seq',
        'extra_sequence stray_seq',
        'missing_table events',
        'missing_schema audit',
        'extra_schema legacy'
      ].sort()
    )
    expect(find(report, 'column_generated_mismatch').message).toMatch(/upper\(email\).*lower\(email\)/)
    const line = (text: string): number => OBJECTS_SCHEMA.split('\n').findIndex((l) => l.includes(text)) + 1
    expect(find(report, 'missing_sequence')).toMatchObject({
      file: 'src/schema.ts',
      line: line('export const ticketSeq')
    })
    expect(find(report, 'missing_view')).toMatchObject({
      file: 'src/schema.ts',
      line: line('export const accountEmails')
    })
    expect(find(report, 'missing_schema')).toMatchObject({ file: 'src/schema.ts', line: line('export const audit') })
    expect(find(report, 'missing_policy')).toMatchObject({
      file: 'src/schema.ts',
      line: line('pgPolicy("projects_read"')
    })
    expect(find(report, 'extra_view')).toMatchObject({ file: path.join('drizzle', '0001_by_hand.sql') })
  })

  test('identifiers over 63 bytes: cut names compare equal; two names cut to one are a finding of their own', async () => {
    const long = 'organization_membership_invitations_pending_review'
    const schema = `import { pgTable, serial, integer, text, index } from "drizzle-orm/pg-core";
export const organizations = pgTable("organizations_with_a_rather_long_descriptive_name", { id: serial("id").primaryKey() });
export const invites = pgTable("${long}", {
  id: serial("id").primaryKey(),
  organizationId: integer("organization_id_reference_column").notNull().references(() => organizations.id),
  email: text("email").notNull(),
  name: text("name").notNull(),
}, (t) => [
  index("${long}_lookup_by_email_address_idx").on(t.email),
]);
`
    const clean = await makeProject({ steps: [schema] })
    const cleanReport = await check(clean)
    expect(cleanReport.findings).toEqual([])

    const colliding = schema.replace(
      'index("' + long + '_lookup_by_email_address_idx").on(t.email),',
      'index("' +
        long +
        '_lookup_by_email_address_idx").on(t.email),\n  index("' +
        long +
        '_lookup_by_email_address_and_name_idx").on(t.email, t.name),'
    )
    const dir = await makeProject({ steps: [colliding] })
    const report = await check(dir)
    const collision = find(report, 'identifier_collision')
    expect(collision).toMatchObject({
      table: long,
      name: (long + '_lookup_by_email_address_idx').slice(0, 63),
      file: 'src/schema.ts'
    })
    expect(collision.line).toBe(colliding.split('\n').findIndex((l) => l.includes('_and_name_idx')) + 1)
    expect(find(report, 'migration_failed').message).toMatch(/already exists/)
  })

  test('a schema whose own SQL cannot run (a type no migration provides): schema_error, not a crash', async () => {
    const withType = BASE_SCHEMA.replace(
      'import { sql } from "drizzle-orm";',
      'import { sql } from "drizzle-orm";\nimport { customType } from "drizzle-orm/pg-core";\nconst ltree = customType<{ data: string }>({ dataType: () => "ltree" });'
    ).replace('  name: text("name").notNull(),\n}', '  name: text("name").notNull(),\n  path: ltree("path"),\n}')
    const dir = await makeProject({ steps: [BASE_SCHEMA], finalSchema: withType })
    const report = await check(dir)
    const error = find(report, 'schema_error')
    expect(error.message).toMatch(/type "ltree" does not exist/)
    expect(error.file).toBe('src/schema.ts')
    expect(find(report, 'snapshot_out_of_date').fix).toContain('ADD COLUMN "path" "ltree"')
  })

  test('SQL written by hand that means the same as the schema: no finding (defaults by value, PK declared either way, NOT VALID, ON ONLY indexes of a partitioned table)', async () => {
    const schema = `import { pgTable, serial, text, jsonb, timestamp, numeric, integer, primaryKey, check, index } from "drizzle-orm/pg-core";
import { sql } from "drizzle-orm";
export const things = pgTable("things", {
  id: serial("id").primaryKey(),
  tags: text("tags").array().default(sql\`'{}'::text[]\`).notNull(),
  settings: jsonb("settings").default(sql\`'{"a": 2, "b": 1}'::jsonb\`).notNull(),
  price: numeric("price", { precision: 10, scale: 2 }).default("9.90").notNull(),
  createdAt: timestamp("created_at", { withTimezone: true }).defaultNow().notNull(),
});
export const pairs = pgTable("pairs", {
  left: integer("left").notNull(),
}, (t) => [primaryKey({ columns: [t.left] }), check("pairs_left_positive", sql\`\${t.left} > 0\`)]);
export const events = pgTable("events", {
  id: integer("id").notNull(),
  at: timestamp("at").notNull(),
}, (t) => [primaryKey({ columns: [t.id, t.at] }), index("events_at_idx").on(t.at)]);
`
    const dir = await makeProject({ steps: [schema] })
    fs.writeFileSync(
      path.join(dir, 'drizzle', '0000_step_0.sql'),
      [
        'CREATE TABLE things (',
        '  id serial,',
        '  tags text[] NOT NULL DEFAULT ARRAY[]::text[],',
        `  settings jsonb NOT NULL DEFAULT '{"b":1,"a":2}',`,
        '  price numeric(10,2) NOT NULL DEFAULT 9.90,',
        '  created_at timestamptz NOT NULL DEFAULT CURRENT_TIMESTAMP,',
        '  CONSTRAINT things_pkey PRIMARY KEY (id)',
        ');',
        '--> statement-breakpoint',
        'CREATE TABLE pairs ("left" integer PRIMARY KEY);',
        '--> statement-breakpoint',
        '-- zero-downtime pattern: added NOT VALID, validated later (or never): the same constraint',
        'ALTER TABLE pairs ADD CONSTRAINT pairs_left_positive CHECK ("left" > 0) NOT VALID;',
        '--> statement-breakpoint',
        '-- partitioning is not expressible in a Drizzle schema; Postgres prints its indexes "ON ONLY"',
        'CREATE TABLE events (id integer NOT NULL, at timestamp NOT NULL, CONSTRAINT events_id_at_pk PRIMARY KEY (id, at)) PARTITION BY RANGE (at);',
        '--> statement-breakpoint',
        'CREATE INDEX events_at_idx ON events USING btree (at);'
      ].join('\n')
    )
    const report = await check(dir)
    // Partitioning itself is its own warning (partitioning.test.ts); its indexes, printed "ON ONLY", are no finding.
    expect(report.findings.map((f) => `${f.severity} ${f.kind} ${f.table}`)).toEqual([
      'warning partitioning_mismatch events'
    ])
  })

  test('enum values added in the middle of the schema but appended by ALTER TYPE: enum_mismatch on order, with the BEFORE that keeps it', async () => {
    const before = BASE_SCHEMA
    const after = BASE_SCHEMA.replace('["active", "paused", "closed"]', '["active", "trial", "paused", "closed"]')
    const dir = await makeProject({ steps: [before], finalSchema: after })
    appendHandWrittenMigration(dir, 'drizzle', '0001_trial', 'ALTER TYPE "status" ADD VALUE \'trial\';', {
      copySnapshot: true
    })
    // The snapshot is updated to the schema, as drizzle-kit would have written it.
    const snap = path.join(dir, 'drizzle', 'meta', '0001_snapshot.json')
    const json = JSON.parse(fs.readFileSync(snap, 'utf8'))
    json.enums['public.status'].values = ['active', 'trial', 'paused', 'closed']
    fs.writeFileSync(snap, JSON.stringify(json))
    const report = await check(dir)
    const mismatch = find(report, 'enum_mismatch', { name: 'status' })
    expect(mismatch.message).toMatch(
      /same values in another order: schema \(active, trial, paused, closed\), database \(active, paused, closed, trial\)/
    )
    expect(mismatch.cause).toMatch(
      /ALTER TYPE status ADD VALUE 'trial' BEFORE 'paused' would have kept the schema's order/
    )
    expect(mismatch.line).toBe(after.split('\n').findIndex((l) => l.includes('export const status')) + 1)
  })
})
