// drift-guard fix --database-url (docs/repair.md, "Live databases"): before writing, fix reads every live database
// of the target, read-only, as the audit does. On the real server, throwaway "live" databases made by drizzle-orm's
// own migrator: a clean one; one whose migrations table recorded a created_at a few days ahead (a clock that ran
// fast), where a `when` of now would be skipped by drizzle's migrator for good; and a tenant hot-fixed by hand (it
// already has one of the columns the migration adds). Fix must date the entry after the newest created_at, name the
// databases that differ with what the migration does there, write nothing to any of them, and the migration it
// writes must be applied by the real migrator on every one. Bad URLs: a clear exit 3, never the password.
import * as fs from 'node:fs'
import * as path from 'node:path'
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { randomUUID } from 'node:crypto'
import postgres from 'postgres'
import { runCli } from '../src/cli/main'
import { SERVER_URL } from './helpers/postgres'
import { REPO, makeProject, tempDir } from './helpers/project'

const MIGRATE = path.join(__dirname, 'helpers', 'drizzle-migrate.mjs')
const runAsync = promisify(execFile)

const V0 = `import { pgTable, serial, text } from 'drizzle-orm/pg-core'
export const orgs = pgTable('orgs', {
  id: serial('id').primaryKey(),
  name: text('name').notNull(),
})
`
const V1 = V0.replace("  name: text('name').notNull(),\n", "  name: text('name').notNull(),\n  plan: text('plan'),\n")
// Added to the schema without drizzle-kit generate (BUG-001's first variant).
const FINAL = V1.replace(
  "  plan: text('plan'),\n",
  "  plan: text('plan'),\n  logoUrl: text('logo_url'),\n  stripeCustomerId: text('stripe_customer_id'),\n"
)

const RUN = randomUUID().replace(/-/g, '').slice(0, 10)
const PREFIX = `dg_livefix_${RUN}_`
const CLEAN = `${PREFIX}clean`
const AHEAD = `${PREFIX}ahead`
const HOTFIX = `${PREFIX}hotfix`
const BEHIND = `${PREFIX}behind`
const KIT1 = `${PREFIX}kit1`
const DAY = 24 * 60 * 60 * 1000

const urlOf = (database: string): string => {
  const url = new URL(SERVER_URL)
  url.pathname = `/${database}`
  return url.toString()
}

/** drizzle-orm's real migrator (0.x, or 1.x with drizzle '1') on one database; its public columns afterwards. */
async function migrateWith(database: string, folder: string, drizzle?: '1'): Promise<string[]> {
  const { stdout } = await runAsync(
    process.execPath,
    [MIGRATE, JSON.stringify({ database: urlOf(database), new: folder, drizzle })],
    { cwd: REPO, timeout: 120_000 }
  )
  return (JSON.parse(stdout) as { columns: string[] }).columns
}

/** Everything fix could have changed in a database: its catalog of public objects and its migrations table. */
async function stateOf(database: string): Promise<unknown> {
  const sql = postgres(urlOf(database), { max: 1, onnotice: () => undefined })
  try {
    const columns = await sql`select table_name, column_name, data_type, is_nullable, column_default
      from information_schema.columns where table_schema in ('public', 'drizzle') order by 1, 2`
    const objects = await sql`select c.relname, c.relkind, n.nspname from pg_class c
      join pg_namespace n on n.oid = c.relnamespace where n.nspname in ('public', 'drizzle') order by 1`
    const ledger = await sql`select id, hash, created_at from drizzle.__drizzle_migrations order by id`
    return JSON.parse(JSON.stringify({ columns, objects, ledger }))
  } finally {
    await sql.end()
  }
}

async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = ''
  let stderr = ''
  const code = await runCli(args, {
    stdout: (t: string) => void (stdout += t),
    stderr: (t: string) => void (stderr += t),
    env: {}
  })
  return { code, stdout, stderr }
}

describe('drift-guard fix --database-url: live databases read before writing (the PostgreSQL server)', () => {
  const admin = postgres(SERVER_URL, { max: 1, onnotice: () => undefined })
  let dir: string
  let oldFolder: string
  let ahead: number

  beforeAll(async () => {
    dir = await makeProject({ steps: [V0, V1], finalSchema: FINAL, name: 'fix-live' })
    oldFolder = path.join(dir, 'drizzle-old')
    fs.cpSync(path.join(dir, 'drizzle'), oldFolder, { recursive: true })
    for (const db of [CLEAN, AHEAD, HOTFIX]) {
      await admin.unsafe(`create database ${db}`)
      await migrateWith(db, oldFolder)
    }
    // A database behind: it ran only the first migration, and that one before its file was edited (another hash).
    const firstOnly = path.join(dir, 'drizzle-first')
    fs.cpSync(oldFolder, firstOnly, { recursive: true })
    const journalFile = path.join(firstOnly, 'meta', '_journal.json')
    const journal = JSON.parse(fs.readFileSync(journalFile, 'utf8'))
    fs.writeFileSync(journalFile, JSON.stringify({ ...journal, entries: journal.entries.slice(0, 1) }))
    await admin.unsafe(`create database ${BEHIND}`)
    await migrateWith(BEHIND, firstOnly)
    const behind = postgres(urlOf(BEHIND), { max: 1, onnotice: () => undefined })
    await behind.unsafe(`update drizzle.__drizzle_migrations set hash = 'an-older-edit'`)
    await behind.end()
    // A clock days ahead when this database last migrated: drizzle's migrator compares journal `when`s with it.
    ahead = Date.now() + 3 * DAY
    const aheadSql = postgres(urlOf(AHEAD), { max: 1, onnotice: () => undefined })
    await aheadSql.unsafe(`update drizzle.__drizzle_migrations set created_at = ${ahead}`)
    await aheadSql.end()
    // A tenant hot-fixed in production: one of the columns added by hand, with a row using it.
    const hot = postgres(urlOf(HOTFIX), { max: 1, onnotice: () => undefined })
    await hot.unsafe(
      `alter table orgs add column logo_url text; insert into orgs (name, logo_url) values ('acme', 'x')`
    )
    await hot.end()
  }, 180_000)

  afterAll(async () => {
    for (const db of [CLEAN, AHEAD, HOTFIX, BEHIND, KIT1])
      await admin.unsafe(`drop database if exists ${db} with (force)`)
    await admin.end()
  })

  test('the `when` is after the newest created_at; the hot-fixed tenant is named with what the migration does there; nothing is written to them; the real migrator applies the migration on each', async () => {
    const before = await Promise.all([CLEAN, AHEAD, HOTFIX, BEHIND].map(stateOf))
    // A dry run in text: the database that differs is named, with what the migration does there.
    const live = ['--database-url', SERVER_URL, '--tenants-pattern', `${PREFIX}%`]
    const text = await cli(['fix', '--cwd', dir, ...live, '--dry-run'])
    expect(text.code).toBe(0)
    expect(text.stdout).toContain('live databases (read, never written): 4')
    expect(text.stdout).toContain(`✔ ${CLEAN}: as the migrations build it; 2 migration(s) recorded`)
    expect(text.stdout).toMatch(
      new RegExp(
        `! ${HOTFIX}: differs from what the migrations build; .*\\n +has column orgs\\.logo_url, which the migrations do not build\\n +no-op: missing_column orgs\\.logo_url: already as the schema says here`
      )
    )
    const run = await cli(['fix', '--cwd', dir, ...live, '--name', 'stripe', '--format', 'json'])
    expect(run.stderr).toBe('')
    expect(run.code).toBe(0)
    const json = JSON.parse(run.stdout)
    const target = json.targets[0]
    expect(target.statements.map((s: { sql: string }) => s.sql)).toEqual([
      'ALTER TABLE "orgs" ADD COLUMN IF NOT EXISTS "logo_url" text;',
      'ALTER TABLE "orgs" ADD COLUMN IF NOT EXISTS "stripe_customer_id" text;'
    ])
    // Nothing was written to any live database.
    expect(await Promise.all([CLEAN, AHEAD, HOTFIX, BEHIND].map(stateOf))).toEqual(before)

    // The journal entry is dated after the newest created_at any database recorded, which is after now: a `when`
    // of now (what fix wrote without reading them) would be older, and drizzle's migrator would skip it there.
    const journal = JSON.parse(fs.readFileSync(path.join(dir, 'drizzle', 'meta', '_journal.json'), 'utf8'))
    const entry = journal.entries[journal.entries.length - 1]
    expect(entry.tag).toBe('0002_stripe')
    expect(ahead).toBeGreaterThan(Date.now())
    expect(entry.when).toBeGreaterThan(ahead)

    const byName = new Map(target.databases.map((d: { database: string }) => [d.database, d]))
    expect([...byName.keys()].sort()).toEqual([AHEAD, BEHIND, CLEAN, HOTFIX].sort())
    expect(byName.get(CLEAN)).toMatchObject({ clean: true, differs: [], effects: [], remaining: [], applies: true })
    expect(byName.get(AHEAD)).toMatchObject({ clean: true, newestCreatedAt: ahead, applies: true })
    expect(byName.get(HOTFIX)).toMatchObject({
      clean: false,
      applies: true,
      differs: ['has column orgs.logo_url, which the migrations do not build'],
      effects: [
        {
          finding: 'missing_column orgs.logo_url',
          effect: 'already-done',
          reason: expect.stringContaining('IF [NOT] EXISTS form leaves it alone')
        }
      ],
      remaining: []
    })
    expect(byName.get(BEHIND)).toMatchObject({
      clean: false,
      applies: true,
      recorded: 1,
      pending: ['0001_step_1'],
      modified: ['0000_step_0'],
      differs: ['lacks column orgs.plan, which the migrations build'],
      notes: [
        expect.stringMatching(
          /^1 earlier migration\(s\) are pending here \(0001_step_1\): the migrator runs them first/
        ),
        expect.stringMatching(/^0000_step_0 ran here in an earlier form/)
      ]
    })
    expect(target.notes).toEqual(
      expect.arrayContaining([
        expect.stringContaining(`the newest: ${AHEAD}`),
        expect.stringContaining(`2 of 4 live database(s) differ from what the migrations build: ${BEHIND}, ${HOTFIX}`),
        expect.stringContaining('is in the future')
      ])
    )

    // drizzle-orm's real migrator applies the new migration on each of them, the one dated ahead included.
    for (const db of [CLEAN, AHEAD, HOTFIX, BEHIND])
      expect(await migrateWith(db, path.join(dir, 'drizzle'))).toEqual(
        expect.arrayContaining(['orgs.plan', 'orgs.logo_url', 'orgs.stripe_customer_id'])
      )
    const hot = postgres(urlOf(HOTFIX), { max: 1, onnotice: () => undefined })
    expect(await hot`select logo_url from orgs`).toEqual([{ logo_url: 'x' }])
    await hot.end()
  }, 240_000)

  test('drizzle-kit 1.x folders: the migrator records folders by name, so the new folder applies even where a created_at is ahead', async () => {
    // The real 1.x pair, as the project's own (hard links), and the 1.x tenants fixture (five columns never generated).
    const project = tempDir('fix-live-kit1-')
    fs.mkdirSync(path.join(project, 'node_modules'))
    for (const pkg of ['drizzle-kit', 'drizzle-orm'])
      fs.cpSync(path.join(REPO, 'vendor-drizzle-1', 'node_modules', pkg), path.join(project, 'node_modules', pkg), {
        recursive: true
      })
    fs.cpSync(path.join(REPO, '__fixtures__', 'kit1-real-tenants'), project, { recursive: true })
    const folder = path.join(project, 'drizzle', 'tenant')
    await admin.unsafe(`create database ${KIT1}`)
    await migrateWith(KIT1, folder, '1')
    const ahead1 = Date.now() + 3 * DAY
    const k1 = postgres(urlOf(KIT1), { max: 1, onnotice: () => undefined })
    await k1.unsafe(`update drizzle.__drizzle_migrations set created_at = ${ahead1}`)
    await k1.end()
    const before = await stateOf(KIT1)
    const run = await cli([
      'fix',
      '--cwd',
      project,
      '--target',
      'tenant',
      '--database-url',
      SERVER_URL,
      '--tenants-pattern',
      KIT1,
      '--name',
      'stripe',
      '--format',
      'json'
    ])
    expect(run.code).toBe(0)
    const target = JSON.parse(run.stdout).targets[0]
    expect(target.files[0]).toMatch(/^drizzle\/tenant\/\d{14}_stripe\/migration\.sql$/)
    expect(target.databases).toEqual([
      expect.objectContaining({ database: KIT1, clean: true, applies: true, newestCreatedAt: ahead1 })
    ])
    expect(target.notes).toContainEqual(
      expect.stringContaining(
        "drizzle-orm 1.x's migrator records each folder by name and runs every folder it has not recorded"
      )
    )
    expect(await stateOf(KIT1)).toEqual(before)
    // The folder is dated now, before the recorded created_at: 1.x's migrator applies it all the same (by name).
    expect(await migrateWith(KIT1, folder, '1')).toEqual(
      expect.arrayContaining(['organizations.stripeCustomerId', 'organizations.stripeCurrentPeriodEnd'])
    )
  }, 180_000)

  test('an unreachable server is a clear exit 3 before any check; a malformed URL never prints its password', async () => {
    const unreachable = await cli([
      'fix',
      '--cwd',
      dir,
      '--database-url',
      'postgres://postgres:Hunter2Secret@127.0.0.1:1/postgres',
      '--format',
      'json'
    ])
    expect(unreachable.code).toBe(3)
    expect(unreachable.stdout + unreachable.stderr).not.toContain('Hunter2Secret')
    expect(JSON.parse(unreachable.stdout).error).toMatchObject({
      outcome: 'database-unavailable',
      message: expect.stringContaining('connection refused')
    })
    for (const url of [
      'postgres://postgres:Hunter2Secret@127.0.0.1:notaport/postgres',
      'postgres:Hunter2Secret@127.0.0.1',
      'postgres:/postgres:Hunter2Secret@127.0.0.1/postgres',
      'host=127.0.0.1 password=Hunter2Secret'
    ]) {
      const malformed = await cli(['fix', '--cwd', dir, '--database-url', url])
      expect(malformed.code).toBe(2)
      expect(malformed.stderr).toContain('--database-url is not a postgres://user:password@host[:port]/database URL')
      expect(malformed.stdout + malformed.stderr).not.toContain('Hunter2Secret')
    }
    // Tenant options need the live URL.
    const orphan = await cli(['fix', '--cwd', dir, '--tenants-pattern', 'x%'])
    expect(orphan.code).toBe(2)
    expect(orphan.stderr).toContain('--tenants-pattern needs --database-url')
  }, 120_000)
})
