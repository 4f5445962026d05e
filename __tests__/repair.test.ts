// drift-guard fix, end to end on both Postgres kinds: each project is repaired, then (1) drift-guard check reports no
// error, (2) the real drizzle-kit generate says "No schema changes", (3) drizzle-orm's real migrator applies the new
// migration to a database migrated with the old folder (rows kept) and to a fresh one, with the same schema, and
// (4) no existing file changed. One project holds many kinds of drift at once, to keep the suite short.
import * as fs from 'node:fs'
import * as path from 'node:path'
import { spawnSync } from 'node:child_process'
import { runCli } from '../src/cli/main'
import { checkProject, runCheck } from '../src/engine/check'
import { PostgresProvider } from '../src/postgres/provider'
import { executeRepair } from '../src/run/repair'
import { parseRename } from '../src/repair/rename'
import { renderRepair } from '../src/repair/render'
import { RepairOptions, repairProject } from '../src/repair/repair'
import { EACH_POSTGRES, SERVER_URL, providerForSuite } from './helpers/postgres'
import { REPO, appendHandWrittenMigration, makeProject, tempDir } from './helpers/project'
import { fileHashes as hashes } from './helpers/files'

const DRIZZLE_KIT = path.join(REPO, 'node_modules', '.bin', 'drizzle-kit')
const MIGRATE = path.join(__dirname, 'helpers', 'drizzle-migrate.mjs')

function unchangedFiles(before: Map<string, string>, dir: string): string[] {
  const after = hashes(dir)
  return [...before].filter(([f, h]) => f !== 'meta/_journal.json' && after.get(f) !== h).map(([f]) => f)
}

/** The journal after fix starts with the journal before it, minus its closing brackets (entries kept as written). */
function journalKept(before: string, after: string): boolean {
  const cut = before.slice(0, before.lastIndexOf('}', before.lastIndexOf(']')) + 1)
  const old = JSON.parse(before).entries
  return after.startsWith(cut) && JSON.stringify(JSON.parse(after).entries.slice(0, old.length)) === JSON.stringify(old)
}

function drizzleKitGenerate(dir: string, config = 'drizzle.config.ts'): string {
  const r = spawnSync(DRIZZLE_KIT, ['generate', '--config', config], { cwd: dir, encoding: 'utf8', timeout: 120_000 })
  return `${r.stdout}\n${r.stderr}`
}

function drizzleMigrate(
  kind: string,
  oldFolder: string,
  newFolder: string,
  seed: string,
  count: string
): { upgraded: unknown; fresh: unknown; rows: number } {
  const r = spawnSync(
    process.execPath,
    [MIGRATE, JSON.stringify({ kind, url: SERVER_URL, old: oldFolder, new: newFolder, seed, count })],
    { cwd: REPO, encoding: 'utf8', timeout: 120_000 }
  )
  if (r.status !== 0) throw new Error(`drizzle's migrator failed: ${r.stderr.slice(-1500)}`)
  return JSON.parse(r.stdout)
}

async function fix(dir: string, provider: PostgresProvider, options: RepairOptions = {}) {
  const result = await executeRepair({ root: dir, ...options }, undefined, provider)
  if ('failure' in result) throw new Error(result.failure.message)
  return result.result
}

const ALL_DRIFT_V0 = `import { pgTable, pgEnum, uuid, text, integer, varchar, index, check } from 'drizzle-orm/pg-core'
import { sql } from 'drizzle-orm'
export const status = pgEnum('status', ['draft', 'sent', 'paid'])
export const orgs = pgTable('orgs', {
  id: uuid('id').primaryKey().defaultRandom(),
  name: text('name').notNull(),
  slug: varchar('slug', { length: 64 }).notNull().unique(),
  seats: integer('seats').default(1),
  plan: text('plan').default('free').notNull(),
}, (t) => [check('seats_positive', sql\`\${t.seats} > 0\`)])
export const invoices = pgTable('invoices', {
  id: uuid('id').primaryKey().defaultRandom(),
  orgId: uuid('org_id').notNull().references(() => orgs.id, { onDelete: 'cascade' }),
  status: status('status').default('draft').notNull(),
  number: text('number').notNull(),
}, (t) => [index('invoices_org_idx').on(t.orgId)])
`

// Added to the schema without drizzle-kit generate: the seed's five Stripe columns and a whole table.
const ALL_DRIFT_FINAL = ALL_DRIFT_V0.replace('import { pgTable,', 'import { serial, timestamp, pgTable,')
  .replace(
    "  plan: text('plan').default('free').notNull(),\n",
    `  plan: text('plan').default('free').notNull(),
  logoUrl: text('logo_url'),
  stripeCustomerId: text('stripe_customer_id'),
  stripeSubscriptionId: text('stripe_subscription_id'),
  subscriptionStatus: text('subscription_status'),
  currentPeriodEnd: timestamp('current_period_end', { withTimezone: true }),
`
  )
  .concat(
    `export const auditLog = pgTable('audit_log', {
  id: serial('id').primaryKey(),
  orgId: uuid('org_id').references(() => orgs.id),
  note: text('note'),
}, (t) => [index('audit_log_org_idx').on(t.orgId)])
`
  )

/** Replaces each `from` in the text (it must be there): the SQL edited after generation. */
function edit(file: string, edits: [string, string][]): void {
  let text = fs.readFileSync(file, 'utf8')
  for (const [from, to] of edits) {
    if (!text.includes(from)) throw new Error(`not in ${file}: ${from}`)
    text = text.replace(from, to)
  }
  fs.writeFileSync(file, text)
}

describe.each(EACH_POSTGRES)('drift-guard fix on %s', (name, create) => {
  const provider = providerForSuite(create)
  const kind = name.startsWith('embedded') ? 'pglite' : 'server'

  test('never generated + SQL edited + hand-written SQL + type, nullability, default, unique, check, FK, index, enum values: one migration repairs them all', async () => {
    const dir = await makeProject({ steps: [ALL_DRIFT_V0], finalSchema: ALL_DRIFT_FINAL, name: 'fix-all' })
    const folder = path.join(dir, 'drizzle')
    edit(path.join(folder, '0000_step_0.sql'), [
      ["ENUM('draft', 'sent', 'paid')", "ENUM('draft', 'paid')"],
      ['"name" text NOT NULL', '"name" text'],
      ['"seats" integer DEFAULT 1', '"seats" bigint DEFAULT 1'],
      [`"plan" text DEFAULT 'free' NOT NULL`, '"plan" text NOT NULL'],
      ['\tCONSTRAINT "orgs_slug_unique" UNIQUE("slug"),\n', ''],
      [',\n\tCONSTRAINT "seats_positive" CHECK ("orgs"."seats" > 0)', ''],
      [
        'ALTER TABLE "invoices" ADD CONSTRAINT "invoices_org_id_orgs_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."orgs"("id") ON DELETE cascade ON UPDATE no action;\n--> statement-breakpoint\n',
        ''
      ],
      ['CREATE INDEX "invoices_org_idx" ON "invoices" USING btree ("org_id");', 'SELECT 1;']
    ])
    appendHandWrittenMigration(
      dir,
      'drizzle',
      '0001_hotfix',
      'CREATE INDEX "orgs_name_idx" ON "orgs" ("name");--> statement-breakpoint\nALTER TABLE "orgs" ADD COLUMN "legacy_code" text;'
    )
    const old = path.join(dir, 'drizzle-old')
    fs.cpSync(folder, old, { recursive: true })
    const before = hashes(folder)
    const journalBefore = fs.readFileSync(path.join(folder, 'meta', '_journal.json'), 'utf8')

    // Without --allow-destructive: the safe part planned, the rest listed with why, nothing written on a dry run.
    // One check serves both plans (the repair is planned from the check's comparison).
    const checked = await checkProject({ root: dir, provider })
    const dry = repairProject(checked, { dryRun: true })
    expect(dry.ok).toBe(false)
    expect(hashes(folder)).toEqual(before)
    const target = dry.targets[0]
    const skipped = target.skipped.map((s) => s.finding)
    expect(skipped).toEqual(
      expect.arrayContaining([
        'column_type_mismatch orgs.seats',
        'column_nullability_mismatch orgs.name',
        'extra_index orgs.orgs_name_idx',
        'extra_column orgs.legacy_code'
      ])
    )
    expect(target.skipped.find((s) => s.finding === 'extra_column orgs.legacy_code')!.reason).toMatch(
      /deletes data.*--allow-destructive/
    )
    expect(target.declarations).toContainEqual({
      finding: 'extra_column orgs.legacy_code',
      at: expect.stringMatching(/^src\/schema\.ts:\d+$/),
      code: "legacyCode: text('legacy_code'),"
    })
    const planned = target.statements.map((s) => s.sql)
    expect(planned).toEqual(
      expect.arrayContaining([
        'ALTER TABLE "orgs" ADD COLUMN IF NOT EXISTS "stripe_customer_id" text;',
        `ALTER TYPE "public"."status" ADD VALUE IF NOT EXISTS 'sent' BEFORE 'paid';`,
        `ALTER TABLE "orgs" ALTER COLUMN "plan" SET DEFAULT 'free'::text;`,
        'CREATE INDEX IF NOT EXISTS "invoices_org_idx" ON public.invoices USING btree (org_id);'
      ])
    )
    expect(
      planned.some((s) => s.startsWith('CREATE TABLE IF NOT EXISTS "audit_log" (\n\t"id" serial PRIMARY KEY'))
    ).toBe(true)
    // Dependency order: the enum value and the table before what uses them, drops last.
    expect(planned.findIndex((s) => s.startsWith('ALTER TYPE'))).toBe(0)
    expect(target.sql).toMatch(/-- hazard: builds an index[^\n]*\nCREATE INDEX IF NOT EXISTS "invoices_org_idx"/)

    const json = JSON.parse(renderRepair(dry, 'json'))
    // A dry run lists the files it would write.
    expect(json).toMatchObject({ version: 1, ok: false, dryRun: true, targets: [{ target: 'default' }] })
    expect(json.targets[0].files).toHaveLength(3)
    expect(json.targets[0].skipped).toContainEqual({
      finding: 'column_type_mismatch orgs.seats',
      reason: expect.stringContaining('--allow-destructive')
    })
    expect(json.targets[0].statements[0]).toEqual({
      sql: expect.stringMatching(/^ALTER TYPE/),
      hazards: [expect.stringMatching(/same transaction/)],
      finding: 'enum_mismatch status'
    })
    expect(renderRepair(dry, 'markdown')).toMatch(/<details><summary>0002_\w+: \d+ statement\(s\)<\/summary>/)

    const result = repairProject(checked, { allowDestructive: true, name: 'repair', now: Date.UTC(2024, 0, 1) })
    expect(result.ok).toBe(true)
    expect(result.targets[0].files).toEqual([
      'drizzle/0002_repair.sql',
      'drizzle/meta/0002_snapshot.json',
      'drizzle/meta/_journal.json'
    ])
    const sql = fs.readFileSync(path.join(folder, '0002_repair.sql'), 'utf8')
    expect(sql).toMatch(
      /-- hazard: deletes data[^\n]*\n(-- [^\n]*\n)*ALTER TABLE "orgs" DROP COLUMN IF EXISTS "legacy_code";/
    )
    const journal = JSON.parse(fs.readFileSync(path.join(folder, 'meta', '_journal.json'), 'utf8'))
    const entry = journal.entries[2]
    expect(entry).toMatchObject({ idx: 2, version: '7', tag: '0002_repair', breakpoints: true })
    // `when` newer than every earlier entry even when the clock says otherwise.
    expect(entry.when).toBeGreaterThan(journal.entries[1].when)
    const snapshot = JSON.parse(fs.readFileSync(path.join(folder, 'meta', '0002_snapshot.json'), 'utf8'))
    const previous = JSON.parse(fs.readFileSync(path.join(folder, 'meta', '0000_snapshot.json'), 'utf8'))
    expect(snapshot.prevId).toBe(previous.id)
    expect(Object.keys(snapshot.tables)).toContain('public.audit_log')

    // (4) nothing existing changed; the journal only gained an entry.
    expect(unchangedFiles(before, folder)).toEqual([])
    expect(journalKept(journalBefore, fs.readFileSync(path.join(folder, 'meta', '_journal.json'), 'utf8'))).toBe(true)
    // (1) the check is clean (the hand-written 0001 keeps its warning: it has no snapshot, and fix edits no history).
    const report = await runCheck({ root: dir, provider })
    expect(report.findings.filter((f) => f.severity === 'error')).toEqual([])
    // (2) drizzle-kit agrees.
    expect(drizzleKitGenerate(dir)).toContain('No schema changes')
    expect(fs.readdirSync(folder).filter((f) => f.endsWith('.sql'))).toHaveLength(3)
    // (3) drizzle's migrator: production (old folder, then the new one) keeps its rows and ends like a fresh database.
    const migrated = drizzleMigrate(
      kind,
      old,
      folder,
      `INSERT INTO orgs (name, slug, seats, plan, legacy_code) VALUES ('acme', 'acme', 3, 'pro', 'x');
       INSERT INTO invoices (org_id, number) SELECT id, 'A-1' FROM orgs;`,
      'SELECT (SELECT count(*) FROM orgs WHERE seats = 3) + (SELECT count(*) FROM invoices)'
    )
    expect(migrated.rows).toBe(2)
    expect(migrated.upgraded).toEqual(migrated.fresh)
  })

  test('BUG-001, SQL edited after generation: the new snapshot is the last one with a new id; only the SQL repairs', async () => {
    const schema = ALL_DRIFT_FINAL.split('export const invoices')[0]
    const dir = await makeProject({ steps: [schema], name: 'fix-edited' })
    const folder = path.join(dir, 'drizzle')
    edit(path.join(folder, '0000_step_0.sql'), [
      [
        '\t"logo_url" text,\n\t"stripe_customer_id" text,\n\t"stripe_subscription_id" text,\n\t"subscription_status" text,\n\t"current_period_end" timestamp with time zone,\n',
        ''
      ]
    ])
    const old = path.join(dir, 'drizzle-old')
    fs.cpSync(folder, old, { recursive: true })
    const before = hashes(folder)
    const result = await fix(dir, provider)
    expect(result.ok).toBe(true)
    const target = result.targets[0]
    expect(target.statements.map((s) => s.sql)).toEqual([
      'ALTER TABLE "orgs" ADD COLUMN IF NOT EXISTS "logo_url" text;',
      'ALTER TABLE "orgs" ADD COLUMN IF NOT EXISTS "stripe_customer_id" text;',
      'ALTER TABLE "orgs" ADD COLUMN IF NOT EXISTS "stripe_subscription_id" text;',
      'ALTER TABLE "orgs" ADD COLUMN IF NOT EXISTS "subscription_status" text;',
      'ALTER TABLE "orgs" ADD COLUMN IF NOT EXISTS "current_period_end" timestamp with time zone;'
    ])
    const last = JSON.parse(fs.readFileSync(path.join(folder, 'meta', '0000_snapshot.json'), 'utf8'))
    const written = JSON.parse(fs.readFileSync(path.join(dir, target.files[1]), 'utf8'))
    expect(written.prevId).toBe(last.id)
    expect(written.id).not.toBe(last.id)
    expect({ ...written, id: 0, prevId: 0 }).toEqual({ ...last, id: 0, prevId: 0 })
    expect(unchangedFiles(before, folder)).toEqual([])
    const report = await runCheck({ root: dir, provider })
    expect(report.findings.filter((f) => f.severity !== 'notice')).toEqual([])
    expect(drizzleKitGenerate(dir)).toContain('No schema changes')
    const migrated = drizzleMigrate(
      kind,
      old,
      folder,
      "INSERT INTO orgs (name, slug) VALUES ('a', 'a')",
      'SELECT count(*) FROM orgs'
    )
    expect(migrated.rows).toBe(1)
    expect(migrated.upgraded).toEqual(migrated.fresh)
  })

  test("a serial's default edited out of the SQL: the fix gives it back with its sequence, started after the rows' ids", async () => {
    const schema = `import { pgTable, serial, text } from 'drizzle-orm/pg-core'
export const packs = pgTable('packs', { id: serial('id').primaryKey(), name: text('name') })
`
    const dir = await makeProject({ steps: [schema], name: 'fix-serial' })
    const folder = path.join(dir, 'drizzle')
    edit(path.join(folder, '0000_step_0.sql'), [
      ['"id" serial PRIMARY KEY NOT NULL', '"id" integer PRIMARY KEY NOT NULL']
    ])
    const old = path.join(dir, 'drizzle-old')
    fs.cpSync(folder, old, { recursive: true })
    const result = await fix(dir, provider)
    expect(result.ok).toBe(true)
    expect(result.targets[0].statements.map((s) => s.sql)).toEqual([
      'CREATE SEQUENCE IF NOT EXISTS "packs_id_seq" AS integer;',
      'ALTER SEQUENCE "packs_id_seq" OWNED BY "packs"."id";',
      `ALTER TABLE "packs" ALTER COLUMN "id" SET DEFAULT nextval('"packs_id_seq"');`,
      `SELECT setval('"packs_id_seq"', COALESCE(max("id"), 0) + 1, false) FROM "packs";`
    ])
    const report = await runCheck({ root: dir, provider })
    expect(report.findings.filter((f) => f.severity !== 'notice')).toEqual([])
    expect(drizzleKitGenerate(dir)).toContain('No schema changes')
    // A database migrated with the edited SQL (rows given their ids by hand) upgraded: its rows kept, its schema a
    // fresh one's.
    const migrated = drizzleMigrate(
      kind,
      old,
      folder,
      "INSERT INTO packs (id, name) VALUES (1, 'a'), (7, 'b')",
      'SELECT count(*) FROM packs WHERE id IN (1, 7)'
    )
    expect(migrated.rows).toBe(2)
    expect(migrated.upgraded).toEqual(migrated.fresh)
  })

  test('enum values reordered and one dropped: the type is re-created only with --allow-destructive, rows converted and kept', async () => {
    const v0 = `import { pgTable, pgEnum, serial } from 'drizzle-orm/pg-core'
export const status = pgEnum('status', ['draft', 'sent', 'paid'])
export const invoices = pgTable('invoices', { id: serial('id').primaryKey(), status: status('status').default('draft').notNull() })
`
    const final = v0.replace("['draft', 'sent', 'paid']", "['paid', 'draft']")
    const dir = await makeProject({ steps: [v0], finalSchema: final, name: 'fix-enum' })
    const folder = path.join(dir, 'drizzle')
    const old = path.join(dir, 'drizzle-old')
    fs.cpSync(folder, old, { recursive: true })
    const before = hashes(folder)
    const checked = await checkProject({ root: dir, provider })
    const safe = repairProject(checked, { dryRun: true })
    expect(safe.ok).toBe(false)
    expect(safe.targets[0].skipped.map((s) => s.finding)).toEqual(['enum_mismatch status'])
    expect(safe.targets[0].statements).toEqual([])
    const result = repairProject(checked, { allowDestructive: true, name: 'status_order' })
    expect(result.ok).toBe(true)
    expect(result.targets[0].statements.map((s) => s.sql)).toEqual([
      'ALTER TYPE "public"."status" RENAME TO "status_old";',
      `CREATE TYPE "public"."status" AS ENUM('paid', 'draft');`,
      'ALTER TABLE "invoices" ALTER COLUMN "status" DROP DEFAULT;',
      'ALTER TABLE "invoices" ALTER COLUMN "status" SET DATA TYPE "public"."status" USING "status"::text::"public"."status";',
      `ALTER TABLE "invoices" ALTER COLUMN "status" SET DEFAULT 'draft'::status;`,
      'DROP TYPE "public"."status_old";'
    ])
    expect(unchangedFiles(before, folder)).toEqual([])
    const report = await runCheck({ root: dir, provider })
    expect(report.findings.filter((f) => f.severity === 'error')).toEqual([])
    expect(drizzleKitGenerate(dir)).toContain('No schema changes')
    const migrated = drizzleMigrate(
      kind,
      old,
      folder,
      "INSERT INTO invoices (status) VALUES ('draft'), ('paid')",
      "SELECT count(*) FROM invoices WHERE status IN ('draft', 'paid')"
    )
    expect(migrated.rows).toBe(2)
    expect(migrated.upgraded).toEqual(migrated.fresh)
  })

  test('renames with --rename (a column and a table): RENAME keeps the data, constraints named after them follow; without it, add + drop is left undone', async () => {
    const before0 = `import { pgTable, serial, text } from 'drizzle-orm/pg-core'
export const users = pgTable('users', { id: serial('id').primaryKey(), email: text('email').notNull().unique() })
export const teams = pgTable('teams', { id: serial('id').primaryKey(), name: text('name').notNull().unique() })
`
    const after = before0
      .replace("email: text('email')", "contactEmail: text('contact_email')")
      .replace("export const teams = pgTable('teams'", "export const groups = pgTable('groups'")
    const dir = await makeProject({ steps: [before0], finalSchema: after, name: 'fix-rename' })
    const folder = path.join(dir, 'drizzle')
    const old = path.join(dir, 'drizzle-old')
    fs.cpSync(folder, old, { recursive: true })
    const before = hashes(folder)

    const checked = await checkProject({ root: dir, provider })
    const guessed = repairProject(checked, { dryRun: true })
    expect(guessed.ok).toBe(false)
    expect(guessed.targets[0].skipped.find((s) => s.finding === 'extra_column users.email')!.reason).toContain(
      '--rename TABLE.OLD=NEW'
    )

    const result = repairProject(checked, {
      renames: [parseRename('users.email=contact_email'), parseRename('teams=groups')]
    })
    expect(result.ok).toBe(true)
    expect(result.targets[0].statements.map((s) => s.sql)).toEqual([
      'ALTER TABLE "users" RENAME COLUMN "email" TO "contact_email";',
      'ALTER TABLE "users" RENAME CONSTRAINT "users_email_unique" TO "users_contact_email_unique";',
      'ALTER TABLE "teams" RENAME TO "groups";',
      'ALTER TABLE "groups" RENAME CONSTRAINT "teams_pkey" TO "groups_pkey";',
      'ALTER TABLE "groups" RENAME CONSTRAINT "teams_name_unique" TO "groups_name_unique";',
      'ALTER SEQUENCE IF EXISTS "teams_id_seq" RENAME TO "groups_id_seq";'
    ])
    expect(unchangedFiles(before, folder)).toEqual([])
    const report = await runCheck({ root: dir, provider })
    expect(report.findings.filter((f) => f.severity === 'error')).toEqual([])
    expect(drizzleKitGenerate(dir)).toContain('No schema changes')
    const migrated = drizzleMigrate(
      kind,
      old,
      folder,
      "INSERT INTO users (email) VALUES ('a@x.io'); INSERT INTO teams (name) VALUES ('red')",
      "SELECT (SELECT count(*) FROM users WHERE contact_email = 'a@x.io') + (SELECT count(*) FROM groups WHERE name = 'red')"
    )
    expect(migrated.rows).toBe(2)
    expect(migrated.upgraded).toEqual(migrated.fresh)
  })

  test('a tenant target (--target tenant): one migration in the tenant folder reaches every tenant database; the master is left alone; a failed migration is not papered over', async () => {
    const dir = tempDir('fix-saas-')
    fs.cpSync(path.join(REPO, 'examples', 'saas'), dir, { recursive: true })
    // The master's init command is not what this test is about: without it the check is quicker.
    edit(path.join(dir, 'drift-guard.config.json'), [[',\n      "run": ["node db/init.mjs"]', '']])
    const schemaFile = path.join(dir, 'packages', 'database', 'src', 'tenant', 'schema.ts')
    edit(schemaFile, [['  email: text("email"),\n', '  email: text("email"),\n  phone: text("phone"),\n']])
    const tenantFolder = path.join(dir, 'drizzle', 'migrations', 'tenant')
    const masterFolder = path.join(dir, 'drizzle', 'migrations', 'master')
    const old = path.join(dir, 'tenant-old')
    fs.cpSync(tenantFolder, old, { recursive: true })
    const masterBefore = hashes(masterFolder)
    const before = hashes(tenantFolder)
    const result = await fix(dir, provider, { target: 'tenant', name: 'client_phone' })
    expect(result.targets.map((t) => t.target)).toEqual(['tenant'])
    expect(result.targets[0].statements.map((s) => s.sql)).toEqual([
      'ALTER TABLE "clients" ADD COLUMN IF NOT EXISTS "phone" text;'
    ])
    expect(result.targets[0].files[0]).toBe('drizzle/migrations/tenant/0002_client_phone.sql')
    expect(hashes(masterFolder)).toEqual(masterBefore)
    expect(unchangedFiles(before, tenantFolder)).toEqual([])
    const report = await runCheck({ root: dir, provider })
    expect(report.findings.filter((f) => f.target === 'tenant' && f.severity === 'error')).toEqual([])
    expect(drizzleKitGenerate(dir, 'drizzle.tenant.config.ts')).toContain('No schema changes')
    const migrated = drizzleMigrate(
      kind,
      old,
      tenantFolder,
      "INSERT INTO clients (name) VALUES ('acme')",
      'SELECT count(*) FROM clients'
    )
    expect(migrated.rows).toBe(1)
    expect(migrated.upgraded).toEqual(migrated.fresh)

    // A migration that fails is not schema drift: fix says what to do, writes nothing, exits 1.
    appendHandWrittenMigration(
      dir,
      'drizzle/migrations/tenant',
      '0003_broken',
      'ALTER TABLE "nope" ADD COLUMN "x" int;'
    )
    const afterBroken = hashes(tenantFolder)
    const blocked = await fix(dir, provider, { target: 'tenant' })
    expect(blocked.ok).toBe(false)
    expect(blocked.targets[0].files).toEqual([])
    expect(blocked.targets[0].skipped[0]).toMatchObject({
      finding: 'migration_failed 0003_broken',
      reason: expect.stringMatching(/^not schema drift/)
    })
    expect(hashes(tenantFolder)).toEqual(afterBroken)
  })
})

describe('drift-guard fix, bad input (exit 2, before any database)', () => {
  const run = async (args: string[]) => {
    let stdout = ''
    let stderr = ''
    const code = await runCli(args, {
      stdout: (t: string) => void (stdout += t),
      stderr: (t: string) => void (stderr += t),
      env: {}
    })
    return { code, stdout, stderr }
  }
  test('a --rename that is not TABLE.OLD=NEW, an unknown --target, a --name that is no file name', async () => {
    const dir = path.join(REPO, 'examples', 'saas')
    const rename = await run(['fix', '--cwd', dir, '--rename', 'users.email'])
    expect(rename.code).toBe(2)
    expect(rename.stderr).toContain('--rename users.email: write TABLE.OLD=NEW for a column or OLD=NEW for a table')
    const target = await run(['fix', '--cwd', dir, '--target', 'tenants', '--format', 'json'])
    expect(target.code).toBe(2)
    expect(JSON.parse(target.stdout).error).toMatchObject({
      outcome: 'bad-input',
      message: '--target tenants: no such target (the config has master, tenant)'
    })
    const name = await run(['fix', '--cwd', dir, '--name', '../escape'])
    expect(name.code).toBe(2)
    expect(name.stderr).toContain('--name ../escape: use letters, digits, _ and - only')
  })
})
