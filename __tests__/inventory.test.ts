// `drift-guard inventory`: one check of the project, then every section from it. The markdown of examples/saas is a
// golden file (docs/examples/inventory.md; UPDATE_GOLDEN=1 rewrites it); the diagrams are parsed by the real mermaid
// parser; lineage and history flags are checked on a project with the faults they describe.
import { spawnSync } from 'node:child_process'
import * as fs from 'node:fs'
import * as path from 'node:path'
import { runCli } from '../src/cli/main'
import { checkProject } from '../src/engine/check'
import { buildInventory } from '../src/inventory/build'
import { MAX_TABLES, targetDiagrams } from '../src/inventory/diagram'
import { Inventory } from '../src/inventory/model'
import { renderInventoryHtml } from '../src/inventory/render-html'
import { renderInventoryMarkdown } from '../src/inventory/render-markdown'
import { PgliteProvider } from '../src/postgres/pglite'
import { SERVER_URL } from './helpers/postgres'
import { REPO, appendHandWrittenMigration, makeProject, removeAfterAll, tempDir } from './helpers/project'

const GOLDEN = path.join(REPO, 'docs', 'examples', 'inventory.md')

/** The parser's error for each source (null: it parses). */
export function mermaidErrors(sources: string[]): (string | null)[] {
  const result = spawnSync(process.execPath, [path.join(__dirname, 'helpers', 'mermaid-parse.mjs')], {
    input: JSON.stringify(sources),
    encoding: 'utf8',
    cwd: REPO
  })
  if (result.status !== 0) throw new Error(result.stderr)
  return JSON.parse(result.stdout)
}

async function inventoryOf(root: string): Promise<Inventory> {
  const provider = new PgliteProvider()
  try {
    return buildInventory(await checkProject({ root, provider }))
  } finally {
    await provider.dispose()
  }
}

describe('examples/saas', () => {
  let inventory: Inventory
  beforeAll(async () => {
    inventory = await inventoryOf(path.join(REPO, 'examples', 'saas'))
  }, 60_000)

  test('the markdown is docs/examples/inventory.md', () => {
    const markdown = renderInventoryMarkdown(inventory)
    if (process.env.UPDATE_GOLDEN === '1') fs.writeFileSync(GOLDEN, markdown)
    expect(markdown).toBe(fs.readFileSync(GOLDEN, 'utf8'))
  })

  test('map: targets, their databases and tables, and init commands', () => {
    expect(inventory.targets.map((t) => [t.name, t.databases.map((d) => d.name), t.run])).toEqual([
      ['master', ['rsm_master'], ['node db/init.mjs']],
      ['tenant', ['tenant_1', 'tenant_2'], []]
    ])
    expect(inventory.targets[1].tables.map((t) => t.name)).toEqual(['clients', 'invoices', 'projects'])
    expect(inventory.shared).toEqual([])
  })

  test('lineage: a column the schema declares and no migration creates carries its finding in place', () => {
    const organizations = inventory.targets[0].tables.find((t) => t.name === 'organizations')!
    const stripe = organizations.columns.find((c) => c.name === 'stripe_customer_id')!
    expect(stripe).toMatchObject({
      type: 'text',
      notNull: false,
      declared: 'packages/database/src/master/schema.ts:12'
    })
    expect(stripe.createdBy).toBeUndefined()
    expect(stripe.snapshots.count).toBe(0)
    expect(stripe.findings.map((f) => f.kind)).toEqual(['missing_column'])
    const slug = organizations.columns.find((c) => c.name === 'slug')!
    const sql = fs.readFileSync(
      path.join(REPO, 'examples/saas/drizzle/migrations/master/0000_massive_zodiak.sql'),
      'utf8'
    )
    expect(sql.split('\n')[Number(slug.createdBy!.split(':').pop()) - 1]).toMatch(/^\s*"slug" varchar\(64\)/)
    const paidAt = inventory.targets[1].tables
      .find((t) => t.name === 'invoices')!
      .columns.find((c) => c.name === 'paid_at')!
    expect(paidAt.createdBy).toBe('drizzle/migrations/tenant/0001_invoice_payments.sql:1')
  })

  test('init process: migrate, then init (where it breaks, and why), then the tooling', () => {
    expect(inventory.initProcess.map((s) => [s.script, s.role, s.target])).toEqual([
      ['db:migrate:master', 'migrate', 'master'],
      ['db:migrate:tenant', 'migrate', 'tenant'],
      ['db:init', 'init', 'master'],
      ['db:generate:master', 'generate', 'master'],
      ['db:generate:tenant', 'generate', 'tenant'],
      ['db:check', 'check', undefined]
    ])
    expect(inventory.initProcess[2].status).toMatch(
      /fails here.*caused by missing_column organizations\.stripe_customer_id/
    )
  })

  test('the diagrams parse with mermaid, drifted columns marked; the HTML page holds them', () => {
    const diagrams = inventory.targets.flatMap((t) => t.diagrams.map((d) => d.mermaid))
    expect(mermaidErrors([...diagrams, 'erDiagram\n  a {{ broken'])).toEqual([
      ...diagrams.map(() => null),
      expect.stringMatching(/Parse error/)
    ])
    expect(diagrams[0]).toMatch(/organizations\["organizations ✖"\]/)
    expect(diagrams[0]).toMatch(/text stripe_customer_id "✖ missing_column"/)
    expect(renderInventoryHtml(inventory)).toContain('<pre class="mermaid">erDiagram')
  })
})

test('history flags, lineage of changed columns, migrations-only tables, shared tables and references by name', async () => {
  const master = `import { pgTable, integer, text } from "drizzle-orm/pg-core";
export const organizations = pgTable("organizations", { id: integer("id").primaryKey(), name: text("name") });
export const plans = pgTable("plans", { id: integer("id").primaryKey() });
`
  const tenant = `import { pgTable, integer, text } from "drizzle-orm/pg-core";
export const organizations = pgTable("organizations", { id: integer("id").primaryKey(), name: text("name") });
export const members = pgTable("members", { id: integer("id").primaryKey(), planId: integer("plan_id"), email: text("email") });
`
  const dir = await makeProject({ steps: [master] })
  removeAfterAll(dir)
  // A hand-written migration (its snapshot is the previous one), a hand-edited one, one out of order, one with no
  // snapshot; and a table only the migrations create.
  appendHandWrittenMigration(dir, 'drizzle', '0001_backfill', `UPDATE "organizations" SET "name" = 'x';`, {
    copySnapshot: true
  })
  appendHandWrittenMigration(
    dir,
    'drizzle',
    '0002_rename',
    `ALTER TABLE "organizations" ALTER COLUMN "name" SET NOT NULL;\n--> statement-breakpoint\nCREATE TABLE "legacy" (\n\t"id" integer\n);`,
    { when: Date.UTC(2024, 0, 1) }
  )
  fs.mkdirSync(path.join(dir, 'tenant', 'src'), { recursive: true })
  fs.writeFileSync(path.join(dir, 'tenant', 'src', 'schema.ts'), tenant)
  const { writeMigrations } = await import('./helpers/project')
  await writeMigrations(path.join(dir, 'tenant'), 'drizzle', [tenant])
  fs.writeFileSync(
    path.join(dir, 'drift-guard.config.json'),
    JSON.stringify({
      targets: [
        { name: 'master', drizzleConfig: 'drizzle.config.ts' },
        { name: 'tenant', schema: 'tenant/src/schema.ts', migrations: 'tenant/drizzle' }
      ]
    })
  )
  const inventory = await inventoryOf(dir)
  const [m] = inventory.targets
  expect(m.history.map((h) => [h.tag, h.flags])).toEqual([
    ['0000_step_0', []],
    ['0001_backfill', ['hand-written']],
    ['0002_rename', ['no snapshot', 'out of order']]
  ])
  expect(m.history[1].summary).toBe('runs 1 hand-written data statement')
  expect(m.history[2].summary).toBe('creates 1 table (legacy), alters 1 column (organizations.name)')
  const name = m.tables.find((t) => t.name === 'organizations')!.columns.find((c) => c.name === 'name')!
  expect(name.changedBy).toEqual(['0002_rename: alter column (drizzle/0002_rename.sql:1)'])
  expect(name.findings.map((f) => f.kind)).toEqual(['column_nullability_mismatch'])
  const legacy = m.tables.find((t) => t.name === 'legacy')!
  expect(legacy).toMatchObject({ origin: 'migrations-only', createdBy: 'drizzle/0002_rename.sql:3' })
  expect(legacy.columns.map((c) => c.name)).toEqual(['id'])
  expect(inventory.shared).toEqual([{ kind: 'table', name: 'public.organizations', targets: ['master', 'tenant'] }])
  expect(inventory.crossReferences).toEqual([
    { target: 'tenant', table: 'members', column: 'plan_id', referencedTarget: 'master', referencedTable: 'plans' }
  ])
  expect(mermaidErrors(inventory.targets.flatMap((t) => t.diagrams.map((d) => d.mermaid)))).toEqual([null, null])
}, 60_000)

test('inventory --check: 0 when the committed file is current, 1 when it is not', async () => {
  const file = path.join(REPO, '.tmp', `inventory-${process.pid}.md`)
  fs.mkdirSync(path.dirname(file), { recursive: true })
  fs.copyFileSync(GOLDEN, file)
  const io = { stdout: () => undefined, stderr: (t: string) => void (messages += t), env: {} }
  let messages = ''
  const args = ['inventory', '--cwd', path.join(REPO, 'examples', 'saas'), '--output', file, '--check']
  try {
    expect(await runCli(args, io)).toBe(0)
    fs.appendFileSync(file, 'edited by hand\n')
    expect(await runCli(args, io)).toBe(1)
    expect(messages).toMatch(/is out of date: run drift-guard inventory --output/)
  } finally {
    fs.rmSync(file, { force: true })
  }
}, 60_000)

test('with a URL, the live state of each database, read as the audit reads it', async () => {
  const { default: postgres } = await import('postgres')
  const { applyMigrations } = await import('../src/migrations/apply')
  const { readMigrationFolder } = await import('../src/migrations/folder')
  const { executeInventory } = await import('../src/run/inventory')
  const admin = postgres(SERVER_URL, { max: 1, onnotice: () => undefined })
  const prefix = `inventory_${process.pid}`
  const databases = [`${prefix}_master`, `${prefix}_tenant_a`, `${prefix}_tenant_b`]
  const url = (db: string): string => SERVER_URL.replace(/\/[^/]*$/, `/${db}`)
  // The example, its master database named as the live one is (the audit finds named databases by name).
  const saas = tempDir('inventory-live-')
  removeAfterAll(saas)
  fs.cpSync(path.join(REPO, 'examples', 'saas'), saas, { recursive: true })
  const configFile = path.join(saas, 'drift-guard.config.json')
  fs.writeFileSync(configFile, fs.readFileSync(configFile, 'utf8').replace('"rsm_master"', `"${databases[0]}"`))
  try {
    for (const db of databases) {
      await admin.unsafe(`drop database if exists "${db}"`)
      await admin.unsafe(`create database "${db}"`)
    }
    const where = { schema: 'drizzle', table: '__drizzle_migrations' }
    const apply = async (db: string, folder: string, count: number): Promise<void> => {
      const sql = postgres(url(db), { max: 1, onnotice: () => undefined })
      const session = {
        label: db,
        query: async <T>(text: string, params?: unknown[]) =>
          (await sql.unsafe(text, (params ?? []) as never[])) as unknown as T[],
        exec: async (text: string) => void (await sql.unsafe(text).simple()),
        close: async () => sql.end()
      }
      const migrations = readMigrationFolder(path.join(saas, 'drizzle', 'migrations', folder)).migrations
      await applyMigrations(session, migrations.slice(0, count), where)
      await sql.end()
    }
    await apply(databases[0], 'master', 1)
    await apply(databases[1], 'tenant', 2)
    // tenant_b was never given 0001_invoice_payments.
    await apply(databases[2], 'tenant', 1)
    const result = await executeInventory({
      root: saas,
      databaseUrl: url(databases[0]),
      audit: { tenantsPattern: `${prefix}_tenant_%` }
    })
    if (!('inventory' in result)) throw new Error(result.failure.message)
    const live = result.inventory.live!
    expect(live.map((d) => [d.target, d.name, d.ledger?.pending])).toEqual([
      ['master', databases[0], []],
      ['tenant', databases[1], []],
      ['tenant', databases[2], ['0001_invoice_payments']]
    ])
    expect(live[0].findings).toEqual([{ kind: 'missing_column', count: 5 }])
    expect(renderInventoryMarkdown(result.inventory)).toContain('## 6. Live state')
  } finally {
    for (const db of databases)
      await admin.unsafe(`drop database if exists "${db}" with (force)`).catch(() => undefined)
    await admin.end()
  }
}, 60_000)

test('a large schema is split into diagrams of related tables that each parse', () => {
  // Two chains of 40 tables each (every table references the previous one), and a table in another schema.
  const table = (schema: string, name: string, parent?: string) => ({
    schema,
    name,
    origin: 'declared' as const,
    changedBy: [],
    snapshots: { count: 0 },
    findings: [],
    columns: [
      {
        name: 'id',
        type: 'integer',
        notNull: true,
        primaryKey: true,
        origin: 'declared' as const,
        changedBy: [],
        snapshots: { count: 0 },
        findings: []
      },
      ...(parent
        ? [
            {
              name: 'parent_id',
              type: 'integer',
              notNull: false,
              primaryKey: false,
              origin: 'declared' as const,
              changedBy: [],
              snapshots: { count: 0 },
              findings: []
            }
          ]
        : [])
    ],
    references: parent ? [{ columns: ['parent_id'], table: parent, columnsTo: ['id'] }] : []
  })
  const tables = ['a', 'b'].flatMap((chain) =>
    Array.from({ length: 40 }, (_, i) => table('public', `${chain}${i}`, i ? `${chain}${i - 1}` : undefined))
  )
  tables.push(table('audit', 'log'))
  const diagrams = targetDiagrams(tables)
  expect(diagrams.map((d) => d.title.split(' (')[0])).toEqual([
    'schema public, part 1 of 4',
    'schema public, part 2 of 4',
    'schema public, part 3 of 4',
    'schema public, part 4 of 4',
    'schema audit'
  ])
  for (const d of diagrams) expect((d.mermaid.match(/^ {2}\w+\[/gm) ?? []).length).toBeLessThanOrEqual(MAX_TABLES)
  expect(mermaidErrors(diagrams.map((d) => d.mermaid))).toEqual(diagrams.map(() => null))
})
