// Fixtures written with the real drizzle-kit: clean ones must give no finding, on both Postgres.
import { spawnSync } from 'node:child_process'
import * as fs from 'node:fs'
import * as path from 'node:path'
import { runCheck } from '../src/engine/check'
import { PgliteProvider } from '../src/postgres/pglite'
import { REPO, appendHandWrittenMigration, makeProject, tempDir } from './helpers/project'
import { BASE_SCHEMA } from './helpers/schemas'
import { EACH_POSTGRES } from './helpers/postgres'

const RICH = path.join(REPO, '__fixtures__', 'rich-clean')
const MONOREPO = path.join(REPO, '__fixtures__', 'monorepo')

describe.each(EACH_POSTGRES)('__fixtures__/rich-clean on %s', (_name, createProvider) => {
  test('no finding', async () => {
    const provider = createProvider()
    try {
      const report = await runCheck({ root: RICH, provider })
      expect(report.findings).toEqual([])
      expect(report.targets[0].declared).toEqual({ tables: 5, columns: 54, enums: 2, indexes: 10 })
    } finally {
      await provider.dispose()
    }
  })

  test('__fixtures__/monorepo (config deep in a package, tsconfig paths into another package, .js imports, a hand-written data migration, migrations table in public): no finding; a shared column added without generate is found at its declaration', async () => {
    const provider = createProvider()
    try {
      const clean = await runCheck({ root: MONOREPO, provider })
      expect(clean.findings).toEqual([])
      expect(clean.targets[0]).toMatchObject({
        name: 'apps/api/src/db',
        migrations: 'apps/api/drizzle',
        migrationsTable: 'public.schema_migrations',
        declared: { tables: 2, enums: 1 }
      })
      const copy = tempDir('monorepo-drift-')
      fs.cpSync(MONOREPO, copy, { recursive: true })
      const shared = path.join(copy, 'packages', 'shared', 'src', 'columns.ts')
      fs.writeFileSync(
        shared,
        fs
          .readFileSync(shared, 'utf8')
          .replace('  updatedAt:', '  deletedAt: timestamp("deleted_at", { withTimezone: true }),\n  updatedAt:')
      )
      const drifted = await runCheck({ root: copy, provider })
      const missing = drifted.findings.filter((f) => f.kind === 'missing_column')
      expect(missing.map((f) => `${f.table}.${f.column}`).sort()).toEqual([
        'customers.deleted_at',
        'tickets.deleted_at'
      ])
      const line =
        fs
          .readFileSync(shared, 'utf8')
          .split('\n')
          .findIndex((l) => l.includes('deletedAt')) + 1
      for (const f of missing) expect(f).toMatchObject({ file: 'packages/shared/src/columns.ts', line })
    } finally {
      await provider.dispose()
    }
  })
})

test.each([
  ['__fixtures__/rich-clean', '.', 'drizzle.config.ts'],
  ['__fixtures__/monorepo', 'apps/api', 'src/db/drizzle.config.ts'],
  ['examples/saas', '.', 'drizzle.tenant.config.ts']
])('%s (%s, %s) is clean for drizzle-kit itself: generate says "No schema changes"', (folder, cwd, config) => {
  const copy = tempDir('kit-')
  fs.cpSync(path.join(REPO, folder), copy, { recursive: true })
  const result = spawnSync(
    process.execPath,
    [path.join(REPO, 'node_modules', 'drizzle-kit', 'bin.cjs'), 'generate', '--config', config],
    { cwd: path.join(copy, cwd), encoding: 'utf8' }
  )
  expect(result.stdout).toContain('No schema changes, nothing to migrate')
})

test('severity per finding kind: a team that keeps hand-made indexes makes them warnings, or turns them off', async () => {
  const dir = await makeProject({ steps: [BASE_SCHEMA] })
  appendHandWrittenMigration(
    dir,
    'drizzle',
    '0001_index',
    'CREATE INDEX "accounts_created_idx" ON "accounts" ("created_at");',
    { copySnapshot: true }
  )
  const provider = new PgliteProvider()
  try {
    const write = (severity: Record<string, string>): void =>
      fs.writeFileSync(
        path.join(dir, 'drift-guard.config.json'),
        JSON.stringify({ targets: [{ name: 'app', drizzleConfig: 'drizzle.config.ts', severity }] })
      )
    write({ extra_index: 'warning' })
    const warned = await runCheck({ root: dir, provider })
    expect(warned.findings.map((f) => [f.kind, f.severity])).toEqual([['extra_index', 'warning']])
    expect(warned.ok).toBe(true)
    write({ extra_index: 'off' })
    expect((await runCheck({ root: dir, provider })).findings).toEqual([])
  } finally {
    await provider.dispose()
  }
})

test('the on-disk cache of drizzle-kit results never hides a change to the schema or to a file it imports', async () => {
  const dir = await makeProject({ steps: [BASE_SCHEMA] })
  fs.writeFileSync(
    path.join(dir, 'src', 'columns.ts'),
    'import { text } from "drizzle-orm/pg-core";\nexport const extra = {};\n'
  )
  const schemaFile = path.join(dir, 'src', 'schema.ts')
  fs.writeFileSync(
    schemaFile,
    fs
      .readFileSync(schemaFile, 'utf8')
      .replace(
        'import { sql } from "drizzle-orm";',
        'import { sql } from "drizzle-orm";\nimport { extra } from "./columns";'
      )
      .replace(
        '  createdAt: timestamp("created_at").defaultNow().notNull(),\n}',
        '  createdAt: timestamp("created_at").defaultNow().notNull(),\n  ...extra,\n}'
      )
  )
  const provider = new PgliteProvider()
  try {
    expect((await runCheck({ root: dir, provider })).findings).toEqual([])
    expect((await runCheck({ root: dir, provider })).findings).toEqual([]) // from the cache
    // A change in an imported file only (not in schema.ts itself) must miss the cache.
    fs.writeFileSync(
      path.join(dir, 'src', 'columns.ts'),
      'import { text } from "drizzle-orm/pg-core";\nexport const extra = { nickname: text("nickname") };\n'
    )
    const report = await runCheck({ root: dir, provider })
    expect(report.findings.map((f) => `${f.kind} ${f.column ?? f.name ?? ''}`).sort()).toEqual([
      'missing_column nickname',
      'snapshot_out_of_date 0000_step_0'
    ])
    // The same loaded files with another entry list is another schema: columns.ts exports a table once it is an entry.
    fs.writeFileSync(
      path.join(dir, 'src', 'columns.ts'),
      'import { pgTable, serial, text } from "drizzle-orm/pg-core";\nexport const extra = {};\nexport const notes = pgTable("notes", { id: serial("id").primaryKey(), body: text("body") });\n'
    )
    expect((await runCheck({ root: dir, provider })).findings).toEqual([])
    fs.writeFileSync(
      path.join(dir, 'drizzle.config.ts'),
      'export default { dialect: "postgresql", schema: ["./src/schema.ts", "./src/columns.ts"], out: "./drizzle" };\n'
    )
    expect(
      (await runCheck({ root: dir, provider })).findings.map((f) => `${f.kind} ${f.table ?? f.name ?? ''}`).sort()
    ).toEqual(['missing_table notes', 'snapshot_out_of_date 0000_step_0'])
  } finally {
    await provider.dispose()
  }
})
