// Audit benchmark: a fleet of tenant databases on the local server (copies of one migrated tenant, a few with
// planted drift), audited by the bundled CLI with the tenants found by pattern. Prints the wall time, the cost per
// tenant, and how it grows with the number of tenants. Run: npm run bench:audit [-- --tenants 1000]
import { spawnSync } from 'node:child_process'
import * as fs from 'node:fs'
import * as path from 'node:path'
import postgres from 'postgres'
import { applyMigrations } from '../src/migrations/apply'
import { readMigrationFolder } from '../src/migrations/folder'
import { generateHistory } from './generate-history'

const REPO = path.resolve(__dirname, '..')
const SERVER =
  process.env.DRIFT_GUARD_BENCH_URL ??
  process.env.DRIFT_GUARD_TEST_DATABASE_URL ??
  'postgres://postgres@127.0.0.1:5432/postgres'
const args = process.argv.slice(2)
const MAX = Number(args[args.indexOf('--tenants') + 1]) || 1000
const SIZES = [...new Set([100, 300, MAX].filter((n) => n <= MAX))]
/** --schema history: a 130-table, 200-migration tenant schema instead of the example's 3 tables. */
const BIG = args.includes('--schema') && args[args.indexOf('--schema') + 1] === 'history'
const PREFIX = 'dgbench'
const url = (db: string): string => {
  const u = new URL(SERVER)
  u.pathname = `/${db}`
  return u.toString()
}

async function main(): Promise<void> {
  const admin = postgres(SERVER, { max: 4, onnotice: () => undefined })
  const project = path.join(REPO, '.tmp', 'bench-audit')
  fs.rmSync(project, { recursive: true, force: true })
  let tenantFolder: string
  if (BIG) {
    await generateHistory(project, { tables: 130, migrations: 200, enums: 30, handWrittenEvery: 25 })
    fs.writeFileSync(
      path.join(project, 'drift-guard.config.json'),
      JSON.stringify({ targets: [{ name: 'tenant', drizzleConfig: 'drizzle.config.ts' }] })
    )
    tenantFolder = path.join(project, 'drizzle')
  } else {
    fs.cpSync(path.join(REPO, 'examples', 'saas'), project, { recursive: true })
    // The master's own drift is the user's bug; here only the tenants matter.
    fs.writeFileSync(
      path.join(project, 'drift-guard.config.json'),
      JSON.stringify({ targets: [{ name: 'tenant', drizzleConfig: 'drizzle.tenant.config.ts' }] })
    )
    tenantFolder = path.join(project, 'drizzle', 'migrations', 'tenant')
  }
  const tenant = readMigrationFolder(tenantFolder).migrations

  const existing = (
    await admin.unsafe<{ datname: string }[]>(`select datname from pg_database where datname like '${PREFIX}\\_%'`)
  ).map((r) => r.datname)
  for (const db of existing) await admin.unsafe(`drop database "${db}" with (force)`)
  const template = `${PREFIX}_template`
  await admin.unsafe(`create database "${template}"`)
  const t = postgres(url(template), { max: 1, onnotice: () => undefined })
  const session = {
    label: template,
    query: async <T>(text: string, params?: unknown[]) =>
      (await t.unsafe(text, (params ?? []) as never[])) as unknown as T[],
    exec: async (text: string) => void (await t.unsafe(text).simple()),
    close: async () => t.end()
  }
  await applyMigrations(session, tenant, { schema: 'drizzle', table: '__drizzle_migrations' })
  await t.end()

  process.stderr.write(`creating ${MAX} tenant databases…`)
  const created = performance.now()
  const names = Array.from({ length: MAX }, (_, i) => `${PREFIX}_tenant_${String(i + 1).padStart(5, '0')}`)
  for (let i = 0; i < names.length; i += 4) {
    await Promise.all(names.slice(i, i + 4).map((n) => admin.unsafe(`create database "${n}" template "${template}"`)))
  }
  process.stderr.write(` ${((performance.now() - created) / 1000).toFixed(0)} s\n`)
  // Planted drift in 1% of the fleet, so the report has groups to build.
  for (const n of names.filter((_, i) => i % 100 === 7)) {
    const s = postgres(url(n), { max: 1, onnotice: () => undefined })
    await s.unsafe(BIG ? 'ALTER TABLE table_0 ADD COLUMN notes text' : 'ALTER TABLE clients ADD COLUMN notes text')
    await s.end()
  }

  const rows: string[][] = []
  for (const size of SIZES) {
    // The first `size` tenants: the pattern selects them by their zero-padded number.
    const keep = new Set(names.slice(0, size))
    const pattern = size === MAX ? `${PREFIX}\\_tenant\\_%` : undefined
    const query = pattern
      ? undefined
      : `select datname from pg_database where datname like '${PREFIX}\\_tenant\\_%' order by 1 limit ${size}`
    const start = performance.now()
    const r = spawnSync(
      process.execPath,
      [
        path.join(REPO, 'dist', 'cli.js'),
        'audit',
        '--database-url',
        url(template),
        ...(pattern ? ['--tenants-pattern', pattern] : ['--tenants-query', query!]),
        '--format',
        'json'
      ],
      { cwd: project, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 }
    )
    const elapsed = performance.now() - start
    const report = JSON.parse(r.stdout)
    const audited = report.targets[0].databases.length
    if (audited !== keep.size) throw new Error(`audited ${audited}, expected ${keep.size}`)
    const groups = report.findings.length
    rows.push([`${size}`, `${(elapsed / 1000).toFixed(1)} s`, `${(elapsed / size).toFixed(1)} ms`, `${groups}`])
    process.stderr.write(`audited ${size} tenants in ${(elapsed / 1000).toFixed(1)} s\n`)
  }
  for (const n of [...names, template]) await admin.unsafe(`drop database if exists "${n}" with (force)`)
  await admin.end()
  fs.rmSync(project, { recursive: true, force: true })
  const header = ['tenants', 'wall time', 'per tenant', 'finding groups']
  process.stdout.write(
    `\nAudit of a tenant fleet (${BIG ? '130-table' : '3-table'} tenant schema) on ${new URL(SERVER).host}, concurrency 8 (default), node ${process.version}\n\n`
  )
  process.stdout.write([header, header.map(() => '---'), ...rows].map((r) => `| ${r.join(' | ')} |`).join('\n') + '\n')
}

main().catch((error) => {
  process.stderr.write(`bench failed: ${(error as Error).message}\n`)
  process.exit(1)
})
