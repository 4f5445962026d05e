// The audit of live databases, on a small fleet built on the real server (master + tenants) with planted faults:
// a pending migration, an edited applied migration, a hand-added column, a dropped index, an unreachable tenant.
import * as fs from 'node:fs'
import * as path from 'node:path'
import postgres from 'postgres'
import { runAudit, mergeReports } from '../src/engine/audit'
import { updateBaseline } from '../src/baseline/apply'
import { writeBaseline } from '../src/baseline/file'
import { Finding, Report } from '../src/core/findings'
import { applyMigrations } from '../src/migrations/apply'
import { readMigrationFolder } from '../src/migrations/folder'
import { PgliteProvider } from '../src/postgres/pglite'
import { openLive } from '../src/postgres/live'
import { Database } from '../src/postgres/provider'
import { REPO, tempDir } from './helpers/project'

const ADMIN_URL = process.env.DRIFT_GUARD_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'
const PREFIX = `audit_${process.pid}`
const MASTER = `${PREFIX}_rsm_master`
const TENANTS = [
  'healthy',
  'pending',
  'edited',
  'handcol',
  'noindex',
  'skipped',
  'unknown',
  'reordered',
  'healthy2'
].map((t) => `${PREFIX}_tenant_${t}`)
const GHOST = `${PREFIX}_tenant_ghost`
const url = (db: string): string => ADMIN_URL.replace(/\/[^/]*$/, `/${db}`)

const admin = postgres(ADMIN_URL, { max: 1, onnotice: () => undefined })
const scratch = new PgliteProvider()
let project: string

function writable(db: string): Database & { end(): Promise<void> } {
  const sql = postgres(url(db), { max: 1, onnotice: () => undefined })
  return {
    label: db,
    query: async <T>(text: string, params?: unknown[]) =>
      (await sql.unsafe(text, (params ?? []) as never[])) as unknown as T[],
    exec: async (text: string) => void (await sql.unsafe(text).simple()),
    close: async () => sql.end(),
    end: async () => sql.end()
  }
}

beforeAll(async () => {
  project = tempDir('audit-')
  fs.cpSync(path.join(REPO, 'examples', 'saas'), project, { recursive: true })
  const master = readMigrationFolder(path.join(project, 'drizzle', 'migrations', 'master')).migrations
  const tenant = readMigrationFolder(path.join(project, 'drizzle', 'migrations', 'tenant')).migrations
  const where = { schema: 'drizzle', table: '__drizzle_migrations' }
  for (const db of [MASTER, ...TENANTS]) {
    await admin.unsafe(`drop database if exists "${db}" with (force)`)
    await admin.unsafe(`create database "${db}"`)
  }
  const m = writable(MASTER)
  await applyMigrations(m, master, where)
  // The master lists its tenants, as the user's rsm_master does.
  for (const db of [...TENANTS, GHOST])
    await m.query('insert into organizations (name, slug, database_name) values ($1, $2, $3)', [db, db, db])
  await m.end()
  for (const db of TENANTS) {
    const t = writable(db)
    if (db.endsWith('_pending')) await applyMigrations(t, tenant.slice(0, 1), where)
    else await applyMigrations(t, tenant, where)
    if (db.endsWith('_edited'))
      await t.query('update drizzle.__drizzle_migrations set hash = $1 where created_at = $2', [
        '0'.repeat(64),
        tenant[1].when
      ])
    // Ledger faults, as drizzle's migrator would leave them: a row lost (the migration counts as never applied, and
    // is older than the newest row), a row from a branch, rows written in another order than the journal's.
    const ledger = 'drizzle.__drizzle_migrations'
    if (db.endsWith('_skipped')) await t.query(`delete from ${ledger} where created_at = $1`, [tenant[0].when])
    if (db.endsWith('_unknown'))
      await t.query(`insert into ${ledger} (hash, created_at) values ($1, $2)`, ['f'.repeat(64), tenant[0].when + 1])
    if (db.endsWith('_reordered'))
      await t.exec(
        `update ${ledger} set id = -id; update ${ledger} set id = case when created_at = ${tenant[0].when} then 2 else 1 end`
      )
    if (db.endsWith('_handcol')) await t.exec('ALTER TABLE clients ADD COLUMN notes text')
    if (db.endsWith('_noindex')) await t.exec('DROP INDEX invoices_project_idx')
    await t.end()
  }
})

afterAll(async () => {
  await scratch.dispose()
  for (const db of [MASTER, ...TENANTS]) await admin.unsafe(`drop database if exists "${db}" with (force)`)
  await admin.end()
  fs.rmSync(project, { recursive: true, force: true })
})

const onlyIn = (report: Report, kind: Finding['kind'], match: Partial<Finding> = {}): string[] => {
  const f = report.findings.find(
    (x) =>
      x.kind === kind && Object.entries(match).every(([k, v]) => (x as unknown as Record<string, unknown>)[k] === v)
  )
  if (!f)
    throw new Error(
      `no ${kind} ${JSON.stringify(match)} in ${report.findings.map((x) => `${x.kind}:${x.column ?? x.name ?? ''}@${x.databases}`).join('\n')}`
    )
  return f.databases ?? []
}

const ledgerOf = (report: Report, db: string): unknown =>
  report.targets.find((t) => t.name === 'tenant')!.databases.find((d) => d.name === db)!.ledger

async function audit(extra: Partial<Parameters<typeof runAudit>[0]> = {}): Promise<Report> {
  fs.writeFileSync(
    path.join(project, 'drift-guard.config.json'),
    JSON.stringify({
      targets: [
        { name: 'master', drizzleConfig: 'drizzle.master.config.ts', databases: [MASTER] },
        { name: 'tenant', drizzleConfig: 'drizzle.tenant.config.ts' }
      ]
    })
  )
  return runAudit({
    root: project,
    databaseUrl: url(MASTER),
    scratch,
    tenantsQuery: 'select database_name from organizations order by 1',
    timeoutMs: 60_000,
    ...extra
  })
}

test('each planted fault is reported on the right database, and nothing on the healthy ones', async () => {
  const report = await audit()
  expect(report.mode).toBe('audit')
  const tenant = (s: string): string => `${PREFIX}_tenant_${s}`
  // The user's bug, live: the master database lacks the five Stripe columns.
  expect(onlyIn(report, 'missing_column', { table: 'organizations', column: 'stripe_customer_id' })).toEqual([MASTER])
  expect(onlyIn(report, 'migration_pending', { name: '0001_invoice_payments' })).toEqual([tenant('pending')])
  expect(onlyIn(report, 'missing_column', { table: 'invoices', column: 'paid_at' })).toEqual([tenant('pending')])
  const paidAt = report.findings.find((f) => f.column === 'paid_at')!
  expect(paidAt).toMatchObject({ severity: 'warning' })
  expect(paidAt.cause).toMatch(
    /created by drizzle\/migrations\/tenant\/0001_invoice_payments\.sql, which this database has not applied yet \(pending\)/
  )
  expect(onlyIn(report, 'migration_modified', { name: '0001_invoice_payments' })).toEqual([tenant('edited')])
  expect(onlyIn(report, 'extra_column', { table: 'clients', column: 'notes' })).toEqual([tenant('handcol')])
  // Added on that live database by hand: no migration creates it, so its data is not dropped without a word.
  const handColumn = report.findings.find((f) => f.kind === 'extra_column' && f.column === 'notes')!
  expect(handColumn.cause).toBe(
    'no migration creates it: it was made on this database outside the migrations (by hand, a script, or drizzle-kit push), so a database the migrations build lacks it'
  )
  expect(handColumn.fix).toBe(
    'If the application uses it, declare it in the schema and add a migration that creates it only where it is missing (IF NOT EXISTS), so that this database keeps it and new ones get it; otherwise drop it here, with what it holds: ALTER TABLE "clients" DROP COLUMN "notes";'
  )
  expect(onlyIn(report, 'missing_index', { name: 'invoices_project_idx' })).toEqual([tenant('noindex')])
  expect(onlyIn(report, 'migration_skipped', { name: '0000_brave_tenant' })).toEqual([tenant('skipped')])
  expect(onlyIn(report, 'migration_unknown')).toEqual([tenant('unknown')])
  expect(onlyIn(report, 'migration_out_of_order', { name: '0000_brave_tenant' })).toEqual([tenant('reordered')])
  expect(ledgerOf(report, tenant('skipped'))).toMatchObject({ applied: 1, skipped: ['0000_brave_tenant'], pending: [] })
  expect(ledgerOf(report, tenant('unknown'))).toMatchObject({ applied: 2, unknown: 1 })
  const unreachable = report.findings.find((f) => f.kind === 'database_unreachable')!
  expect(unreachable.databases).toEqual([GHOST])
  expect(unreachable.message).toMatch(/does not exist/)
  expect(unreachable.cause).toMatch(
    /^the server has no database of that name: the audit reads the databases the target lists in "databases"/
  )
  const mentioned = new Set(report.findings.flatMap((f) => f.databases ?? []))
  expect(mentioned.has(tenant('healthy'))).toBe(false)
  expect(mentioned.has(tenant('healthy2'))).toBe(false)
  const tenantResult = report.targets.find((t) => t.name === 'tenant')!
  expect(tenantResult.databases.find((d) => d.name === tenant('pending'))!.ledger).toMatchObject({
    applied: 1,
    pending: ['0001_invoice_payments']
  })
  expect(tenantResult.databases.find((d) => d.name === tenant('healthy'))!.ledger).toMatchObject({
    applied: 2,
    pending: [],
    skipped: [],
    modified: [],
    unknown: 0
  })
})

test('tenants by pattern over pg_database, sharded across a matrix, merged back into one report', async () => {
  const pattern = `${PREFIX}\\_tenant\\_%`
  const whole = await audit({ tenantsQuery: undefined, tenantsPattern: pattern })
  const shards = await Promise.all(
    [1, 2, 3].map((i) => audit({ tenantsQuery: undefined, tenantsPattern: pattern, shard: [i, 3] }))
  )
  const audited = (r: Report): string[] => r.targets.flatMap((t) => t.databases.map((d) => d.name)).sort()
  expect(shards.flatMap(audited).sort()).toEqual(audited(whole))
  expect(new Set(shards.flatMap(audited)).size).toBe(audited(whole).length)
  const merged = mergeReports(shards)
  const key = (r: Report): string[] =>
    r.findings
      .map((f) => `${f.kind}:${f.table ?? ''}.${f.column ?? f.name ?? ''}@${[...(f.databases ?? [])].sort().join(',')}`)
      .sort()
  expect(key(merged)).toEqual(key(whole))
})

test('a target whose config names no databases is the database of --database-url itself', async () => {
  fs.writeFileSync(
    path.join(project, 'drift-guard.config.json'),
    JSON.stringify({ targets: [{ name: 'master', drizzleConfig: 'drizzle.master.config.ts' }] })
  )
  const report = await runAudit({ root: project, databaseUrl: url(MASTER), scratch, timeoutMs: 60_000 })
  expect(report.targets[0].databases.map((d) => d.name)).toEqual([MASTER])
  expect(onlyIn(report, 'missing_column', { table: 'organizations', column: 'logo_url' })).toEqual([MASTER])
})

test('a database over the time limit is a finding, and its session is closed at once (not left to statement_timeout)', async () => {
  const db = TENANTS[0]
  const locker = postgres(url(db), { max: 1, onnotice: () => undefined })
  const reserved = await locker.reserve()
  try {
    await reserved.unsafe('begin')
    await reserved.unsafe('lock table drizzle.__drizzle_migrations in access exclusive mode')
    fs.writeFileSync(
      path.join(project, 'drift-guard.config.json'),
      JSON.stringify({ targets: [{ name: 'tenant', drizzleConfig: 'drizzle.tenant.config.ts', databases: [db] }] })
    )
    const report = await runAudit({
      root: project,
      databaseUrl: url(db),
      scratch,
      timeoutMs: 300,
      live: { statementTimeoutMs: 60_000, lockTimeoutMs: 60_000, connectTimeoutSeconds: 10 }
    })
    expect(report.findings.map((f) => [f.kind, f.message])).toEqual([
      ['database_unreachable', `${db}: the audit did not finish within 0 s`]
    ])
    const auditSessions = async (): Promise<number> =>
      (
        await admin.unsafe(
          "select 1 from pg_stat_activity where application_name = 'drizzle-drift-guard-audit' and datname = $1",
          [db]
        )
      ).length
    for (let i = 0; i < 50 && (await auditSessions()) > 0; i++) await new Promise((r) => setTimeout(r, 100))
    expect(await auditSessions()).toBe(0)
  } finally {
    await reserved.unsafe('rollback')
    reserved.release()
    await locker.end({ timeout: 1 })
  }
})

test('the audit only reads: its sessions refuse writes, and the databases are unchanged afterwards', async () => {
  const session = await openLive(url(TENANTS[0]), 'probe')
  try {
    await expect(session.exec('CREATE TABLE should_not_exist (id int)')).rejects.toThrow(/read-only transaction/)
    await expect(session.query('UPDATE drizzle.__drizzle_migrations SET hash = hash')).rejects.toThrow(
      /read-only transaction/
    )
  } finally {
    await session.close()
  }
  const fingerprint = async (): Promise<string> => {
    const rows: string[] = []
    for (const db of [MASTER, ...TENANTS]) {
      const s = postgres(url(db), { max: 1 })
      const [r] = await s.unsafe<{ f: string }[]>(
        "select md5(string_agg(relname || ':' || relkind::text, ',' order by relname)) || (select count(*) from drizzle.__drizzle_migrations) as f from pg_class where relnamespace = 'public'::regnamespace"
      )
      rows.push(r.f)
      await s.end()
    }
    return rows.join('|')
  }
  const before = await fingerprint()
  await audit()
  expect(await fingerprint()).toBe(before)
})

describe('from the bundle', () => {
  const { spawnSync } = require('node:child_process') as typeof import('node:child_process')
  const cli = path.join(REPO, 'dist', 'cli.js')
  const run = (
    args: string[],
    env: NodeJS.ProcessEnv = {}
  ): { status: number | null; stdout: string; stderr: string } =>
    spawnSync(process.execPath, [cli, ...args], {
      cwd: project,
      encoding: 'utf8',
      env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env }
    })

  test('drift-guard audit: grouped text report, exit 1; shards as JSON merged by drift-guard merge', async () => {
    await audit() // writes drift-guard.config.json
    const text = run([
      'audit',
      '--database-url',
      url(MASTER),
      '--tenants-query',
      'select database_name from organizations order by 1'
    ])
    expect(text.status).toBe(1)
    expect(text.stdout).toMatch(
      /tenant: 10 live database\(s\) audited against drizzle\/migrations\/tenant, 1 unreachable, 1 with pending migrations/
    )
    expect(text.stdout).toMatch(
      new RegExp(`✖ missing_column organizations.stripe_customer_id .*\\n.*\\n\\s+databases: ${MASTER}`)
    )
    const files = [1, 2].map((i) => {
      const out = path.join(project, `shard-${i}.json`)
      const r = run([
        'audit',
        '--database-url',
        url(MASTER),
        '--tenants-pattern',
        `${PREFIX}\\_tenant\\_%`,
        '--shard',
        `${i}/2`,
        '--format',
        'json',
        '--output',
        out
      ])
      expect(r.status).toBe(1)
      return out
    })
    const merged = run(['merge', ...files, '--format', 'json'])
    expect(merged.status).toBe(1)
    const report = JSON.parse(merged.stdout)
    expect(report.targets.find((t: { name: string }) => t.name === 'tenant').databases).toHaveLength(TENANTS.length)
  })

  test('the action in audit mode: the grouped report in the job summary and the outputs, no comment', async () => {
    const temp = tempDir('audit-action-')
    const summary = path.join(temp, 'summary.md')
    const output = path.join(temp, 'output.txt')
    fs.writeFileSync(summary, '')
    fs.writeFileSync(output, '')
    const r = spawnSync(process.execPath, [path.join(REPO, 'dist', 'index.js')], {
      cwd: project,
      encoding: 'utf8',
      env: {
        PATH: process.env.PATH,
        GITHUB_WORKSPACE: project,
        GITHUB_STEP_SUMMARY: summary,
        GITHUB_OUTPUT: output,
        RUNNER_TEMP: temp,
        GITHUB_EVENT_NAME: 'workflow_dispatch',
        INPUT_MODE: 'audit',
        'INPUT_DATABASE-URL': url(MASTER),
        'INPUT_TENANTS-QUERY': 'select database_name from organizations order by 1',
        'INPUT_FAIL-ON': 'error',
        INPUT_COMMENT: 'true'
      }
    })
    expect(r.status).toBe(1)
    const md = fs.readFileSync(summary, 'utf8')
    expect(md).toMatch(/10 live database\(s\) audited/)
    expect(md).toContain(`\`missing_column\` | invoices.paid_at (${TENANTS[1]})`)
    expect(fs.readFileSync(output, 'utf8')).toMatch(/drift<<ghadelimiter_[\w-]+\ntrue\n/)
    fs.rmSync(temp, { recursive: true, force: true })
  })
})

test('the baseline in an audit: an entry accepts its drift on the databases it was seen on; the same drift on one more tenant is new', async () => {
  const handcol = `${PREFIX}_tenant_handcol`
  const healthy2 = `${PREFIX}_tenant_healthy2`
  const baselineFile = path.join(project, 'drift-guard.baseline.json')
  const notes = (r: Report): Finding => r.findings.find((f) => f.kind === 'extra_column' && f.column === 'notes')!
  try {
    // What `drift-guard baseline --audit` writes: one entry per finding, with the databases it was seen on.
    const today = await audit({ baseline: false })
    const { entries } = updateBaseline([], today.findings, {
      mode: 'audit',
      reason: 'hand-added, see #7',
      prune: false
    })
    writeBaseline(baselineFile, entries)
    expect(entries.find((e) => e.object === 'column public.clients.notes')).toMatchObject({ databases: [handcol] })

    const accepted = await audit()
    expect(notes(accepted)).toMatchObject({ severity: 'notice', accepted: { reason: 'hand-added, see #7' } })
    expect(accepted.baseline).toMatchObject({ stale: 0 })
    expect(accepted.findings.filter((f) => f.severity === 'error' && !f.accepted)).toEqual([])

    // The same hand-added column on one more tenant: it spread, so it is not accepted.
    const t = writable(healthy2)
    await t.exec('ALTER TABLE clients ADD COLUMN notes text')
    await t.end()
    const spread = await audit()
    expect(notes(spread).accepted).toBeUndefined()
    expect(notes(spread).severity).not.toBe('notice')
    expect(notes(spread).databases).toEqual([handcol, healthy2])
    expect(notes(spread).message).toContain(`on ${handcol} only, now also on ${healthy2}`)
    // Its entry matched (it is the same drift), so it is not stale; the other entries still accept theirs.
    expect(spread.findings.filter((f) => f.kind === 'baseline_stale')).toEqual([])
    expect(spread.findings.filter((f) => f.severity !== 'notice').map((f) => `${f.kind} ${f.column}`)).toEqual([
      'extra_column notes'
    ])
  } finally {
    fs.rmSync(baselineFile, { force: true })
    const t = writable(healthy2)
    await t.exec('ALTER TABLE clients DROP COLUMN IF EXISTS notes')
    await t.end()
  }
})
