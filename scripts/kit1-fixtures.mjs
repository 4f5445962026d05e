// Writes __fixtures__/kit1-real-*: drizzle 1.x projects whose migrations and snapshots were made by the real
// drizzle-kit 1.x (the release candidate in vendor-drizzle-1/, installed by npm ci), and one upgraded from 0.x
// with the real 0.31 `generate` and 1.x `drizzle-kit up`. Each project is built in a scratch folder with its own
// node_modules (hard links to the installed packages), then copied without it. Folder timestamps are set to fixed
// values after each generate so that the fixtures are the same on every run; what 1.x wrote is otherwise untouched
// unless the fixture is about a hand edit (then the edit is made here, after generate, as a person would).
// Run: node scripts/kit1-fixtures.mjs [NAME...]   (then commit __fixtures__/kit1-real-*)
// With names, every project is still made (the folder timestamps follow one another), but only those are written:
// the others keep their committed snapshot ids.
import { execFileSync } from 'node:child_process'
import * as fs from 'node:fs'
import * as path from 'node:path'
import { fileURLToPath } from 'node:url'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const kit1Modules = path.join(root, 'vendor-drizzle-1', 'node_modules')
const kit0Modules = path.join(root, 'node_modules')
const work = path.join(root, '.tmp', 'kit1-fixtures-work')
const KIT1_VERSION = JSON.parse(fs.readFileSync(path.join(kit1Modules, 'drizzle-kit', 'package.json'), 'utf8')).version
const KIT0_VERSION = JSON.parse(fs.readFileSync(path.join(kit0Modules, 'drizzle-kit', 'package.json'), 'utf8')).version
const ORM0_VERSION = JSON.parse(fs.readFileSync(path.join(kit0Modules, 'drizzle-orm', 'package.json'), 'utf8')).version

const only = new Set(process.argv.slice(2))

fs.rmSync(work, { recursive: true, force: true })
fs.mkdirSync(work, { recursive: true })

function packageJson(generation) {
  const versions =
    generation === 0
      ? { 'drizzle-kit': KIT0_VERSION, 'drizzle-orm': ORM0_VERSION }
      : { 'drizzle-kit': KIT1_VERSION, 'drizzle-orm': KIT1_VERSION }
  return JSON.stringify({ name: 'fixture', private: true, devDependencies: versions }, null, 2) + '\n'
}

function project(name, files, generation = 1) {
  const dir = path.join(work, name)
  fs.mkdirSync(path.join(dir, 'node_modules'), { recursive: true })
  const modules = generation === 0 ? kit0Modules : kit1Modules
  for (const pkg of ['drizzle-kit', 'drizzle-orm'])
    execFileSync('cp', ['-al', path.join(modules, pkg), path.join(dir, 'node_modules', pkg)])
  write(dir, { 'package.json': packageJson(generation), ...files })
  return dir
}

function write(dir, files) {
  for (const [file, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true })
    fs.writeFileSync(path.join(dir, file), text)
  }
}

function kit(dir, args) {
  return execFileSync(process.execPath, [path.join(dir, 'node_modules', 'drizzle-kit', 'bin.cjs'), ...args], {
    cwd: dir,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe']
  })
}

let stamp = 0
/** `drizzle-kit generate`, then the new folder renamed to the next fixed timestamp. */
function generate(dir, name, config = 'drizzle.config.ts', out = 'drizzle', extra = []) {
  const before = new Set(fs.existsSync(path.join(dir, out)) ? fs.readdirSync(path.join(dir, out)) : [])
  const output = kit(dir, ['generate', '--config', config, '--name', name, ...extra])
  const created = fs.readdirSync(path.join(dir, out)).filter((f) => !before.has(f) && /^\d{14}_/.test(f))
  if (created.length !== 1) throw new Error(`${dir}: generate ${name} made ${created.length} folders\n${output}`)
  const fixed = `202601${String(10 + Math.floor(stamp / 60)).padStart(2, '0')}0000${String(stamp % 60).padStart(2, '0')}_${name}`
  stamp++
  fs.renameSync(path.join(dir, out, created[0]), path.join(dir, out, fixed))
  return fixed
}

function finish(name, readme) {
  if (only.size > 0 && !only.has(name)) return
  const from = path.join(work, name)
  const to = path.join(root, '__fixtures__', `kit1-real-${name}`)
  fs.rmSync(to, { recursive: true, force: true })
  fs.cpSync(from, to, { recursive: true, filter: (f) => !f.split(path.sep).includes('node_modules') })
  fs.writeFileSync(
    path.join(to, 'README.md'),
    `# kit1-real-${name}\n\nMade by scripts/kit1-fixtures.mjs with drizzle-kit ${KIT1_VERSION}` +
      `${name === 'upgrade' ? ` (and drizzle-kit ${KIT0_VERSION} before \`drizzle-kit up\`)` : ''}.\n\n${readme}\n`
  )
  console.log(`__fixtures__/kit1-real-${name}`)
}

const CONFIG = `import { defineConfig } from 'drizzle-kit'
export default defineConfig({
  dialect: 'postgresql',
  schema: './schema.ts',
  out: './drizzle',
  dbCredentials: { url: process.env.DATABASE_URL ?? 'postgres://localhost/unused' }
})
`

// --- clean: a rich schema, two migrations; 1.x generate sees no change ---
const RICH = `import { sql } from 'drizzle-orm'
import {
  bigint, bigserial, boolean, char, check, cidr, date, doublePrecision, foreignKey, index, inet, integer, interval,
  json, jsonb, macaddr, numeric, pgEnum, pgPolicy, pgSchema, pgTable, pgView, primaryKey, real, serial, smallint,
  text, time, timestamp, unique, uniqueIndex, uuid, varchar
} from 'drizzle-orm/pg-core'

export const mood = pgEnum('mood', ['sad', 'ok', 'happy'])
export const billing = pgSchema('billing')
export const plan = billing.enum('plan', ['free', 'pro'])

export const accounts = pgTable(
  'accounts',
  {
    id: integer().primaryKey().generatedAlwaysAsIdentity(),
    big: bigint({ mode: 'number' }).default(0).notNull(),
    small: smallint().default(1),
    name: varchar({ length: 120 }).notNull(),
    code: char({ length: 3 }).default('abc'),
    active: boolean().default(true).notNull(),
    price: numeric({ precision: 10, scale: 2 }).default('9.99'),
    ratio: real().default(0.5),
    score: doublePrecision(),
    meta: jsonb().default({}).notNull(),
    raw: json(),
    tags: text().array().default([]).notNull(),
    matrix: integer().array().array(),
    external: uuid().defaultRandom().notNull(),
    createdAt: timestamp({ precision: 3, withTimezone: true }).defaultNow().notNull(),
    updatedAt: timestamp({ mode: 'string', precision: 6 }),
    day: date().default(sql\`CURRENT_DATE\`),
    at: time({ precision: 0 }),
    span: interval(),
    ip: inet(),
    net: cidr(),
    mac: macaddr(),
    mood: mood().default('ok')
  },
  (t) => [
    index('accounts_name_partial_idx').on(t.name).where(sql\`\${t.active} = true\`),
    index('accounts_lower_name_idx').on(sql\`lower(\${t.name})\`),
    uniqueIndex().on(t.external),
    check('accounts_price_positive', sql\`\${t.price} >= 0\`)
  ]
)

export const subscriptions = billing.table(
  'subscriptions',
  {
    accountId: integer()
      .notNull()
      .references(() => accounts.id, { onDelete: 'cascade' }),
    seq: serial(),
    plan: plan().default('free').notNull(),
    counter: bigserial({ mode: 'number' })
  },
  (t) => [primaryKey({ columns: [t.accountId, t.seq] })]
)

export const members = pgTable.withRLS(
  'members',
  {
    accountId: integer().notNull(),
    email: text().notNull().unique(),
    role: text().default('member').notNull()
  },
  (t) => [
    primaryKey({ columns: [t.accountId, t.email] }),
    foreignKey({ columns: [t.accountId], foreignColumns: [accounts.id] }),
    unique().on(t.role, t.accountId),
    pgPolicy('members_read', { for: 'select', to: 'public', using: sql\`true\` })
  ]
)

export const activeAccounts = pgView('active_accounts').as((qb) =>
  qb.select({ id: accounts.id, name: accounts.name }).from(accounts).where(sql\`\${accounts.active} = true\`)
)
`
{
  const dir = project('clean', {
    'drizzle.config.ts': CONFIG,
    'schema.ts': RICH.replace("    mood: mood().default('ok')\n", '')
  })
  generate(dir, 'init')
  fs.writeFileSync(path.join(dir, 'schema.ts'), RICH)
  generate(dir, 'mood')
  finish(
    'clean',
    'A rich schema (every common column type and default, arrays, identity, a pgSchema with its own enum, composite keys, partial and expression indexes, a check, a view, RLS with a policy) in two migrations. 1.x `generate` sees no change; the check finds nothing.'
  )
}

// --- casing: 1.x casing on the tables; the config still says casing (1.x ignores it) ---
{
  const schema = `import { integer, pgTable, snakeCase, text, timestamp, unique } from 'drizzle-orm/pg-core'

export const guests = snakeCase.table('guests', {
  id: integer().primaryKey(),
  fullName: text().notNull(),
  createdAt: timestamp({ precision: 3 }).defaultNow()
})

export const bookings = snakeCase.table(
  'bookings',
  {
    id: integer().primaryKey(),
    guestId: integer()
      .notNull()
      .references(() => guests.id),
    roomNumber: integer().notNull(),
    confirmationCode: text().unique()
  },
  (t) => [unique().on(t.roomNumber, t.guestId)]
)

// Declared without casing: 1.x keeps the keys as column names, whatever the config says.
export const auditLog = pgTable('audit_log', { id: integer().primaryKey(), eventName: text().notNull() })
`
  const dir = project('casing', {
    'drizzle.config.ts': CONFIG.replace("out: './drizzle',", "out: './drizzle',\n  casing: 'snake_case',"),
    'schema.ts': schema
  })
  generate(dir, 'init')
  finish(
    'casing',
    "Tables declared with `snakeCase.table` and one with plain `pgTable` and camelCase keys; the drizzle config still sets `casing: 'snake_case'`, which 1.x ignores (drizzle-orm #5642). The check must not apply it: no finding."
  )
}

// --- master + tenants: the five Stripe columns added to the tenant schema and never generated ---
{
  const master = `import { integer, pgTable, text } from 'drizzle-orm/pg-core'
export const tenants = pgTable('tenants', { id: integer().primaryKey(), slug: text().notNull().unique() })
`
  const tenant = `import { integer, pgTable, text, timestamp } from 'drizzle-orm/pg-core'
export const organizations = pgTable('organizations', {
  id: integer().primaryKey().generatedByDefaultAsIdentity(),
  name: text().notNull(),
  createdAt: timestamp({ withTimezone: true }).defaultNow().notNull()
})
`
  const config = (schema, out) =>
    CONFIG.replace("schema: './schema.ts'", `schema: './${schema}'`).replace("out: './drizzle'", `out: './${out}'`)
  const dir = project('tenants', {
    'drizzle.master.config.ts': config('master.ts', 'drizzle/master'),
    'drizzle.tenant.config.ts': config('tenant.ts', 'drizzle/tenant'),
    'master.ts': master,
    'tenant.ts': tenant
  })
  generate(dir, 'init', 'drizzle.master.config.ts', 'drizzle/master')
  generate(dir, 'init', 'drizzle.tenant.config.ts', 'drizzle/tenant')
  fs.writeFileSync(
    path.join(dir, 'tenant.ts'),
    tenant.replace(
      '  createdAt:',
      '  stripeCustomerId: text(),\n  stripeSubscriptionId: text(),\n  stripePriceId: text(),\n  stripeStatus: text(),\n  stripeCurrentPeriodEnd: timestamp({ withTimezone: true }),\n  createdAt:'
    )
  )
  finish(
    'tenants',
    'A master and a tenant target. The five Stripe columns were added to the tenant schema and `generate` was never run: 1.x `generate` has changes to write; the check reports the stale snapshot and the five missing columns, and nothing on master.'
  )
}

// --- edited: SQL edited after generation; hand-written index ---
const SMALL = `import { integer, pgEnum, pgTable, text, varchar } from 'drizzle-orm/pg-core'
export const status = pgEnum('status', ['draft', 'published'])
export const posts = pgTable('posts', {
  id: integer().primaryKey().generatedAlwaysAsIdentity(),
  title: varchar({ length: 200 }).notNull(),
  body: text(),
  status: status().default('draft').notNull()
})
`
{
  const dir = project('edited', { 'drizzle.config.ts': CONFIG, 'schema.ts': SMALL })
  const folder = generate(dir, 'init')
  const file = path.join(dir, 'drizzle', folder, 'migration.sql')
  const sql = fs.readFileSync(file, 'utf8')
  const edited = sql.replace('"title" varchar(200) NOT NULL', '"title" varchar(100) NOT NULL')
  if (edited === sql) throw new Error('edited: the statement to edit was not found')
  fs.writeFileSync(file, edited)
  finish(
    'edited',
    'The generated SQL was edited afterwards (`title` varchar(200) became varchar(100)). 1.x `generate` sees no change (the snapshot still says 200); the migrated database differs from the schema: the check reports the column.'
  )
}
{
  const dir = project('hand-index', { 'drizzle.config.ts': CONFIG, 'schema.ts': SMALL })
  const folder = generate(dir, 'init')
  fs.appendFileSync(
    path.join(dir, 'drizzle', folder, 'migration.sql'),
    '\n--> statement-breakpoint\nCREATE INDEX "posts_lower_title_idx" ON "posts" (lower("title"));\n'
  )
  finish(
    'hand-index',
    'An index written by hand into the generated SQL, not declared in the schema: the check reports an extra index.'
  )
}

// --- drift: enum, type and nullability changed in the schema without generate ---
{
  const dir = project('drift', { 'drizzle.config.ts': CONFIG, 'schema.ts': SMALL })
  generate(dir, 'init')
  fs.writeFileSync(
    path.join(dir, 'schema.ts'),
    SMALL.replace("['draft', 'published']", "['draft', 'published', 'archived']")
      .replace('body: text()', 'body: varchar({ length: 5000 })')
      .replace('title: varchar({ length: 200 }).notNull()', 'title: varchar({ length: 200 })')
  )
  finish(
    'drift',
    'After `generate`, the schema gained an enum value, changed a column type and dropped a NOT NULL, without `generate`: 1.x has changes to write; the check reports the stale snapshot and each difference.'
  )
}

// --- no-sql: a migration folder without migration.sql ---
{
  const dir = project('no-sql', { 'drizzle.config.ts': CONFIG, 'schema.ts': SMALL })
  generate(dir, 'init')
  fs.writeFileSync(
    path.join(dir, 'schema.ts'),
    SMALL.replace('  body: text(),\n', '  body: text(),\n  summary: text(),\n')
  )
  const second = generate(dir, 'summary')
  fs.rmSync(path.join(dir, 'drizzle', second, 'migration.sql'))
  finish(
    'no-sql',
    "The second folder's migration.sql was lost (its snapshot.json is there). The 1.x migrator skips the folder; 1.x `generate` sees no change (the snapshot has the column). The check says the SQL is missing and the column is not created, with no snapshot_out_of_date."
  )
}

// --- malformed: merge-conflict markers in the last snapshot.json ---
{
  const dir = project('malformed', { 'drizzle.config.ts': CONFIG, 'schema.ts': SMALL })
  generate(dir, 'init')
  fs.writeFileSync(
    path.join(dir, 'schema.ts'),
    SMALL.replace('  body: text(),\n', '  body: text(),\n  summary: text(),\n')
  )
  const second = generate(dir, 'summary')
  const file = path.join(dir, 'drizzle', second, 'snapshot.json')
  const lines = fs.readFileSync(file, 'utf8').split('\n')
  lines.splice(4, 0, '<<<<<<< HEAD', '=======', '>>>>>>> feature')
  fs.writeFileSync(file, lines.join('\n'))
  finish(
    'malformed',
    'The last snapshot.json has merge-conflict markers. 1.x refuses it; the check reports a journal_error instead of falling back to the older snapshot.'
  )
}

// --- branches: two branches generated from one parent, both merged ---
{
  const dir = project('branches', { 'drizzle.config.ts': CONFIG, 'schema.ts': SMALL })
  generate(dir, 'init')
  const withTags =
    SMALL + "export const tags = pgTable('tags', { id: integer().primaryKey(), label: text().notNull() })\n"
  const withSummary = (s) => s.replace('  body: text(),\n', '  body: text(),\n  summary: text(),\n')
  // Branch A, then branch B from the same parent (A's folder set aside while B generates), then both merged.
  fs.writeFileSync(path.join(dir, 'schema.ts'), withTags)
  const a = generate(dir, 'tags')
  fs.renameSync(path.join(dir, 'drizzle', a), path.join(work, a))
  fs.writeFileSync(path.join(dir, 'schema.ts'), withSummary(SMALL))
  generate(dir, 'summary')
  fs.renameSync(path.join(work, a), path.join(dir, 'drizzle', a))
  fs.writeFileSync(path.join(dir, 'schema.ts'), withSummary(withTags))
  finish(
    'branches',
    'Two branches generated from the same parent snapshot (`tags`, `summary`; both have it in prevIds) and merged. 1.x rebuilds them together: `generate` sees no change, and the check finds nothing.'
  )
}

// --- upgrade: a 0.x journal project (drizzle-kit 0.31) upgraded with 1.x `drizzle-kit up` ---
{
  const schema0 = `import { integer, pgTable, text, timestamp } from 'drizzle-orm/pg-core'
export const users = pgTable('users', {
  id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
  email: text('email').notNull().unique(),
  createdAt: timestamp('created_at').defaultNow().notNull()
})
export const posts = pgTable('posts', {
  id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
  authorId: integer('author_id').notNull().references(() => users.id),
  title: text('title').notNull()
})
`
  const dir = project('upgrade', { 'drizzle.config.ts': CONFIG, 'schema.ts': schema0 }, 0)
  kit(dir, ['generate', '--name', 'init'])
  fs.writeFileSync(
    path.join(dir, 'schema.ts'),
    schema0.replace("  title: text('title').notNull()\n", "  title: text('title').notNull(),\n  body: text('body')\n")
  )
  kit(dir, ['generate', '--name', 'body'])
  // Two generates in the same second give two folders of one timestamp, which 1.x `up` refuses: a minute apart, as
  // the commits of a real project are.
  const journalFile = path.join(dir, 'drizzle', 'meta', '_journal.json')
  const journal = JSON.parse(fs.readFileSync(journalFile, 'utf8'))
  journal.entries[1].when = Math.max(journal.entries[1].when, journal.entries[0].when + 60_000)
  fs.writeFileSync(journalFile, JSON.stringify(journal, null, 2))
  // Now the project moves to 1.x: its packages, then `drizzle-kit up` on the journal.
  fs.rmSync(path.join(dir, 'node_modules'), { recursive: true })
  fs.mkdirSync(path.join(dir, 'node_modules'))
  for (const pkg of ['drizzle-kit', 'drizzle-orm'])
    execFileSync('cp', ['-al', path.join(kit1Modules, pkg), path.join(dir, 'node_modules', pkg)])
  fs.writeFileSync(path.join(dir, 'package.json'), packageJson(1))
  kit(dir, ['up'])
  finish(
    'upgrade',
    `Generated by drizzle-kit ${KIT0_VERSION} (a journal, 0.x names: users_email_unique, posts_author_id_users_id_fk), then upgraded with drizzle-kit ${KIT1_VERSION} \`up\`. The database keeps the 0.x names; 1.x \`generate\` sees no change, and so must the check.`
  )
}

// --- hand-column: a column written by hand into the generated SQL, not declared ---
{
  const dir = project('hand-column', { 'drizzle.config.ts': CONFIG, 'schema.ts': SMALL })
  const folder = generate(dir, 'init')
  fs.appendFileSync(
    path.join(dir, 'drizzle', folder, 'migration.sql'),
    '\n--> statement-breakpoint\nALTER TABLE "posts" ADD COLUMN "legacy_code" text;\n'
  )
  finish(
    'hand-column',
    'A column written by hand into the generated SQL (a hot-fix), not declared in the schema: 1.x `generate` sees no change; the check reports an extra column.'
  )
}

// --- constraints: a unique edited out of the SQL; a check and a foreign key added to the schema without generate ---
{
  const schema = `import { sql } from 'drizzle-orm'
import { check, integer, pgTable, text, unique } from 'drizzle-orm/pg-core'
export const authors = pgTable('authors', {
  id: integer().primaryKey().generatedAlwaysAsIdentity(),
  name: text().notNull()
})
export const books = pgTable(
  'books',
  {
    id: integer().primaryKey().generatedAlwaysAsIdentity(),
    authorId: integer().notNull(),
    isbn: text().notNull(),
    pages: integer().default(1).notNull()
  },
  (t) => [unique('books_isbn_key').on(t.isbn)]
)
`
  const dir = project('constraints', { 'drizzle.config.ts': CONFIG, 'schema.ts': schema })
  const folder = generate(dir, 'init')
  const file = path.join(dir, 'drizzle', folder, 'migration.sql')
  const sql = fs.readFileSync(file, 'utf8')
  const edited = sql.replace(' CONSTRAINT "books_isbn_key" UNIQUE', '')
  if (edited === sql) throw new Error('constraints: the unique constraint to edit out was not found')
  fs.writeFileSync(file, edited)
  fs.writeFileSync(
    path.join(dir, 'schema.ts'),
    schema
      .replace(
        'authorId: integer().notNull(),',
        'authorId: integer()\n      .notNull()\n      .references(() => authors.id),'
      )
      .replace(
        "(t) => [unique('books_isbn_key').on(t.isbn)]",
        "(t) => [unique('books_isbn_key').on(t.isbn), check('books_pages_positive', sql`${t.pages} > 0`)]"
      )
  )
  finish(
    'constraints',
    'The generated SQL was edited (the unique constraint `books_isbn_key` taken out; the snapshot still has it), then a check and a foreign key were added to the schema without `generate`: 1.x `generate` has the check and the foreign key to write; the check reports the three missing constraints.'
  )
}

// --- rename: a table and a column renamed in the schema without generate (1.x generate would ask) ---
{
  const schema = `import { integer, pgTable, text } from 'drizzle-orm/pg-core'
export const teams = pgTable('teams', {
  id: integer().primaryKey().generatedAlwaysAsIdentity(),
  name: text().notNull().unique()
})
export const members = pgTable('members', {
  id: integer().primaryKey().generatedAlwaysAsIdentity(),
  teamId: integer()
    .notNull()
    .references(() => teams.id),
  email: text().notNull()
})
`
  const dir = project('rename', { 'drizzle.config.ts': CONFIG, 'schema.ts': schema })
  generate(dir, 'init')
  fs.writeFileSync(
    path.join(dir, 'schema.ts'),
    schema
      .replace("export const teams = pgTable('teams'", "export const groups = pgTable('groups'")
      .replace('references(() => teams.id)', 'references(() => groups.id)')
      .replace('email: text().notNull()', 'contactEmail: text().notNull()')
  )
  finish(
    'rename',
    'The table `teams` renamed to `groups` and the column `members.email` to `contactEmail` in the schema, without `generate` (1.x `generate` would ask whether each was renamed). `drift-guard fix --rename teams=groups --rename members.email=contactEmail` writes the RENAMEs.'
  )
}

// --- renamed: the rename above generated by 1.x itself (its rename deltas), then a column added without generate ---
{
  const schema = fs.readFileSync(path.join(work, 'rename', 'schema.ts'), 'utf8')
  const dir = project('renamed', { 'drizzle.config.ts': CONFIG })
  fs.cpSync(path.join(work, 'rename', 'drizzle'), path.join(dir, 'drizzle'), { recursive: true })
  fs.writeFileSync(path.join(dir, 'schema.ts'), schema)
  // What a person answers at generate's two rename questions, given as hints (rc.5 takes them instead of a prompt).
  const hints = [
    { type: 'rename', kind: 'table', from: ['public', 'teams'], to: ['public', 'groups'] },
    { type: 'rename', kind: 'column', from: ['public', 'members', 'email'], to: ['public', 'members', 'contactEmail'] }
  ]
  generate(dir, 'renamed', 'drizzle.config.ts', 'drizzle', ['--hints', JSON.stringify(hints)])
  fs.writeFileSync(
    path.join(dir, 'schema.ts'),
    schema.replace('  name: text().notNull().unique()\n', '  name: text().notNull().unique(),\n  color: text()\n')
  )
  finish(
    'renamed',
    "`rename` generated by 1.x with its rename answered (a `rename` delta for the table and one for the column: 1.x moves the table's columns, keys and foreign keys with it), then `groups.color` added to the schema without `generate`: 1.x has the column to write; the check reports the column and the stale snapshot, nothing about the rename."
  )
}

// --- rename-column: one column renamed in the schema without generate, its table kept ---
{
  const schema = `import { integer, pgTable, text } from 'drizzle-orm/pg-core'
export const members = pgTable('members', {
  id: integer().primaryKey().generatedAlwaysAsIdentity(),
  email: text().notNull().unique()
})
`
  const dir = project('rename-column', { 'drizzle.config.ts': CONFIG, 'schema.ts': schema })
  generate(dir, 'init')
  fs.writeFileSync(path.join(dir, 'schema.ts'), schema.replace('email: text()', 'contactEmail: text()'))
  finish(
    'rename-column',
    'The column `members.email` (unique) renamed to `contactEmail` in the schema, without `generate`. `drift-guard fix --rename members.email=contactEmail` writes the RENAME COLUMN, and renames its unique constraint `members_email_key` to the `members_contactEmail_key` 1.x names it after the column.'
  )
}

// --- enum-value-removed: a value taken out of an enum in the schema without generate (Postgres cannot drop one) ---
{
  const schema = SMALL.replace(
    "pgEnum('status', ['draft', 'published'])",
    "pgEnum('status', ['draft', 'published', 'archived'])"
  )
  const dir = project('enum-value-removed', { 'drizzle.config.ts': CONFIG, 'schema.ts': schema })
  generate(dir, 'init')
  fs.writeFileSync(path.join(dir, 'schema.ts'), SMALL)
  finish(
    'enum-value-removed',
    'The value `archived` taken out of the enum `status` in the schema, without `generate`. Postgres has no ALTER TYPE … DROP VALUE: 1.x `generate` re-creates the type (its columns cast through text), and so does `drift-guard fix --allow-destructive` (a row holding the value makes it fail).'
  )
}

// --- default-index: a default changed and an index added in the schema without generate ---
{
  const dir = project('default-index', { 'drizzle.config.ts': CONFIG, 'schema.ts': SMALL })
  generate(dir, 'init')
  fs.writeFileSync(
    path.join(dir, 'schema.ts'),
    SMALL.replace('import { integer,', 'import { index, integer,')
      .replace(
        "status: status().default('draft').notNull()\n})",
        "status: status().default('published').notNull()\n}, (t) => [index('posts_title_idx').on(t.title)])"
      )
      .replace('body: text()', "body: text().default('')")
  )
  finish(
    'default-index',
    "After `generate`, the schema gained a default (`body`), changed one (`status`: 'published') and declared an index (`posts_title_idx`), without `generate`: 1.x has changes to write; the check reports the stale snapshot, the two defaults and the missing index."
  )
}
fs.rmSync(work, { recursive: true, force: true })
