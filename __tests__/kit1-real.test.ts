// drizzle 1.x projects made by the real drizzle-kit 1.x (__fixtures__/kit1-real-*, scripts/kit1-fixtures.mjs),
// checked bare (no node_modules: the bundled 1.x reads the schema) and with the project's own drizzle 1.x installed
// (one shared installation), and the real 1.x tools run on the same projects: `generate` must agree with
// snapshot_out_of_date, and `migrate` + `push --explain` with the database findings.
import { execFile, execFileSync } from 'node:child_process'
import * as fs from 'node:fs'
import * as path from 'node:path'
import { promisify } from 'node:util'
import postgres from 'postgres'
import { runCheck } from '../src/engine/check'
import { runAudit } from '../src/engine/audit'
import { Report } from '../src/core/findings'
import { PgliteProvider } from '../src/postgres/pglite'
import { ServerProvider } from '../src/postgres/server'
import { REPO, tempDir } from './helpers/project'
import { SERVER_URL } from './helpers/postgres'

const run = promisify(execFile)
const KIT1 = path.join(REPO, 'vendor-drizzle-1', 'node_modules')

interface Expected {
  /** drift-guard's findings (kind table name/column), per target. */
  findings: Record<string, string[]>
  /** 1.x `generate` has something to write (per target config). */
  generates: boolean
  /** 1.x `push --explain` on the database 1.x `migrate` built has statements (undefined: migrate refuses). */
  pushes?: boolean
}

const DB_KINDS = new Set(['snapshot_out_of_date', 'journal_error'])
const FIXTURES: Record<string, Expected> = {
  clean: { findings: { default: [] }, generates: false, pushes: false },
  casing: { findings: { default: [] }, generates: false, pushes: false },
  tenants: {
    findings: {
      master: [],
      tenant: [
        'snapshot_out_of_date',
        'missing_column organizations stripeCustomerId',
        'missing_column organizations stripeSubscriptionId',
        'missing_column organizations stripePriceId',
        'missing_column organizations stripeStatus',
        'missing_column organizations stripeCurrentPeriodEnd'
      ]
    },
    generates: true,
    pushes: true
  },
  edited: { findings: { default: ['column_type_mismatch posts title'] }, generates: false, pushes: true },
  'hand-index': { findings: { default: ['extra_index posts posts_lower_title_idx'] }, generates: false, pushes: true },
  drift: {
    findings: {
      default: [
        'snapshot_out_of_date',
        'enum_mismatch status',
        'column_nullability_mismatch posts title',
        'column_type_mismatch posts body'
      ]
    },
    generates: true,
    pushes: true
  },
  'no-sql': {
    findings: { default: ['journal_error', 'missing_column posts summary'] },
    generates: false,
    pushes: true
  },
  malformed: { findings: { default: ['journal_error'] }, generates: true },
  branches: { findings: { default: [] }, generates: false, pushes: false },
  'rename-column': {
    findings: {
      default: [
        'snapshot_out_of_date',
        'extra_column members email',
        'extra_constraint members members_email_key',
        'missing_column members contactEmail',
        'missing_constraint members members_contactEmail_key'
      ]
    },
    generates: true
  },
  'enum-value-removed': {
    findings: { default: ['snapshot_out_of_date', 'enum_mismatch status'] },
    generates: true,
    pushes: true
  },
  upgrade: { findings: { default: [] }, generates: false, pushes: false }
}

const summary = (report: Report, target: string): string[] =>
  report.findings
    .filter((f) => f.target === target)
    .map((f) => (DB_KINDS.has(f.kind) ? f.kind : [f.kind, f.table, f.column ?? f.name].filter(Boolean).join(' ')))
    .sort()

// One installation of the project's own drizzle 1.x for every fixture (hard links to the installed packages: the
// folder is not this tool's, so it counts as the project's).
let installed: string
const pglite = new PgliteProvider()
beforeAll(() => {
  installed = tempDir('kit1-installed-')
  fs.writeFileSync(path.join(installed, 'package.json'), '{ "name": "kit1-projects", "private": true }\n')
  fs.mkdirSync(path.join(installed, 'node_modules'))
  // Hard links: a copy of 126 MB in a moment (a file has no other "real" path, so it is the project's own).
  for (const pkg of ['drizzle-kit', 'drizzle-orm'])
    execFileSync('cp', ['-al', path.join(KIT1, pkg), path.join(installed, 'node_modules', pkg)])
})
afterAll(async () => {
  await pglite.dispose()
})

function copyFixture(name: string, into: string, as = name): string {
  const dir = path.join(into, as)
  fs.cpSync(path.join(REPO, '__fixtures__', `kit1-real-${name}`), dir, { recursive: true })
  return dir
}

const configsOf = (dir: string): string[] => fs.readdirSync(dir).filter((f) => /^drizzle(\.\w+)?\.config\.ts$/.test(f))

async function kit(dir: string, args: string[], env: Record<string, string> = {}): Promise<string> {
  try {
    // The project's own drizzle-kit (the shared installation), resolving the project's drizzle-orm as it runs.
    const bin = path.join(installed, 'node_modules', 'drizzle-kit', 'bin.cjs')
    const { stdout, stderr } = await run(process.execPath, [bin, ...args], {
      cwd: dir,
      env: { ...process.env, ...env }
    })
    return stdout + stderr
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string }
    return `${e.stdout ?? ''}${e.stderr ?? ''}`
  }
}

describe.each(Object.entries(FIXTURES))('__fixtures__/kit1-real-%s', (name, expected) => {
  test('bare and with its own drizzle 1.x installed: the findings expected, on embedded Postgres', async () => {
    for (const where of [tempDir(`kit1-bare-${name}-`), installed]) {
      const dir = copyFixture(name, where)
      const report = await runCheck({ root: dir, provider: pglite })
      // `default`: the one target, whatever discovery names it.
      const nameOf = (key: string): string =>
        key === 'default' && report.targets.length === 1 ? report.targets[0].name : key
      for (const [key, findings] of Object.entries(expected.findings))
        expect({
          where: where === installed ? 'installed' : 'bare',
          target: key,
          findings: summary(report, nameOf(key))
        }).toEqual({ where: where === installed ? 'installed' : 'bare', target: key, findings: [...findings].sort() })
      for (const target of report.targets) expect(target.drizzle?.generation).toBe('1.x')
      // The column's migration was generated and lost, not "never generated" only.
      if (name === 'no-sql')
        expect(report.findings.find((f) => f.kind === 'missing_column')?.cause).toMatch(
          /_summary, whose snapshot\.json is there but whose migration\.sql is missing/
        )
      // Installed: the project's drizzle-orm loads the schema, no bundled copy.
      const notes = report.targets.flatMap((t) => t.notes).join('\n')
      if (where === installed) expect(notes).not.toMatch(/no drizzle-orm installed/)
    }
  })

  test('the real drizzle-kit 1.x agrees: generate with snapshot_out_of_date, migrate + push --explain with the database findings (server)', async () => {
    // Three copies, worked on at once: the check on the server, 1.x generate, and 1.x migrate + push --explain.
    const checked = copyFixture(name, installed, `check-${name}`)
    const generated = copyFixture(name, installed, `generate-${name}`)
    const server = new ServerProvider(SERVER_URL)
    const admin = postgres(SERVER_URL, { max: 2, onnotice: () => undefined })
    const database = (config: string): string =>
      `kit1_real_${name.replace(/\W/g, '_')}_${configsOf(checked).indexOf(config)}_${process.pid}`
    const pushOne = async (config: string): Promise<boolean> => {
      await admin.unsafe(`DROP DATABASE IF EXISTS ${database(config)}`)
      await admin.unsafe(`CREATE DATABASE ${database(config)}`)
      const url = SERVER_URL.replace(/\/[^/]*$/, `/${database(config)}`)
      const migrated = copyFixture(name, installed, `migrate-${name}-${config}`)
      expect(await kit(migrated, ['migrate', '--config', config], { DATABASE_URL: url })).toMatch(
        /applied successfully/
      )
      const out = await kit(migrated, ['push', '--explain', '--output', 'json', '--config', config], {
        DATABASE_URL: url
      })
      const plan = JSON.parse(out.split('\n').find((l) => l.startsWith('{"status"'))!) as { status: string }
      return plan.status !== 'no_changes'
    }
    try {
      const [report, generates, pushes] = await Promise.all([
        runCheck({ root: checked, provider: server }),
        Promise.all(configsOf(generated).map((config) => kit(generated, ['generate', '--config', config]))).then(
          (outputs) => {
            for (const out of outputs) expect(out).not.toMatch(/Error: Cannot find module|TypeError/)
            return outputs.some((out) => !/No schema changes/.test(out))
          }
        ),
        expected.pushes === undefined
          ? Promise.resolve(undefined)
          : Promise.all(configsOf(checked).map(pushOne)).then((each) => each.some(Boolean))
      ])
      expect(generates).toBe(expected.generates)
      expect(report.findings.some((f) => f.kind === 'snapshot_out_of_date' || f.kind === 'journal_error')).toBe(
        expected.generates || expected.findings.default?.includes('journal_error') === true
      )
      if (expected.pushes === undefined) return
      expect(pushes).toBe(expected.pushes)
      expect(report.findings.some((f) => !DB_KINDS.has(f.kind))).toBe(expected.pushes)
    } finally {
      await server.dispose()
      for (const config of configsOf(checked))
        await admin.unsafe(`DROP DATABASE IF EXISTS ${database(config)} WITH (FORCE)`).catch(() => undefined)
      await admin.end()
    }
  })
})

describe("drizzle-orm 1.x's migrator rules: applied by folder name", () => {
  test('an older folder merged late is pending (not skipped, not out of order) in the audit, and the real 1.x migrate applies it', async () => {
    // kit1-real-branches: init, then tags (older) and summary (newer) from two branches. This database ran the
    // summary branch first (the real 1.x migrate on a copy without the tags folder), then tags is merged.
    const dir = copyFixture('branches', installed, 'ledger-branches')
    const early = copyFixture('branches', installed, 'ledger-branches-early')
    const tags = fs.readdirSync(path.join(early, 'drizzle')).find((f) => f.endsWith('_tags'))!
    fs.rmSync(path.join(early, 'drizzle', tags), { recursive: true })
    const admin = postgres(SERVER_URL, { max: 1, onnotice: () => undefined })
    const database = `kit1_ledger_${process.pid}`
    const url = SERVER_URL.replace(/\/[^/]*$/, `/${database}`)
    try {
      await admin.unsafe(`DROP DATABASE IF EXISTS ${database}`)
      await admin.unsafe(`CREATE DATABASE ${database}`)
      expect(await kit(early, ['migrate'], { DATABASE_URL: url })).toMatch(/applied successfully/)
      fs.writeFileSync(
        path.join(dir, 'drift-guard.config.json'),
        JSON.stringify({ targets: [{ name: 'app', drizzleConfig: 'drizzle.config.ts', databases: [database] }] })
      )
      const report = await runAudit({ root: dir, databaseUrl: url, scratch: pglite, timeoutMs: 60_000 })
      const kinds = report.findings.map((f) => `${f.kind} ${f.name ?? ''}`.trim())
      expect(kinds).toContain(`migration_pending ${tags}`)
      expect(kinds.filter((k) => /skipped|out_of_order|unknown|modified/.test(k))).toEqual([])
      expect(report.targets[0].databases[0].ledger).toMatchObject({ applied: 2, pending: [tags], skipped: [] })
      // The real 1.x migrate agrees: it applies the older folder.
      expect(await kit(dir, ['migrate'], { DATABASE_URL: url })).toMatch(/applied successfully/)
      const live = postgres(url, { max: 1, onnotice: () => undefined })
      try {
        const rows = await live.unsafe('select name from drizzle.__drizzle_migrations order by id')
        expect(rows.map((r) => r.name)).toContain(tags)
      } finally {
        await live.end()
      }
      const after = await runAudit({ root: dir, databaseUrl: url, scratch: pglite, timeoutMs: 60_000 })
      expect(after.findings.filter((f) => f.kind.startsWith('migration_'))).toEqual([])
    } finally {
      await admin.unsafe(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`).catch(() => undefined)
      await admin.end()
    }
  })

  test('folders named otherwise than drizzle-kit names them, as the real 1.x migrate takes them: one whose name begins with a timestamp is applied; one that does not fails the whole migrate (its created_at is NaN), on both Postgres kinds', async () => {
    const dir = copyFixture('clean', installed, 'odd-folders')
    const folder = (name: string, sql: string): void => {
      fs.mkdirSync(path.join(dir, 'drizzle', name))
      fs.writeFileSync(path.join(dir, 'drizzle', name, 'migration.sql'), sql)
    }
    // No underscore after the timestamp: drizzle-kit never writes such a name, the migrator applies it all the same.
    folder('20260110000002-notes', 'CREATE TABLE "notes" ("id" integer);\n')
    const admin = postgres(SERVER_URL, { max: 1, onnotice: () => undefined })
    const database = `kit1_odd_${process.pid}`
    const url = SERVER_URL.replace(/\/[^/]*$/, `/${database}`)
    const server = new ServerProvider(SERVER_URL)
    const kinds = (report: Report): string[] => report.findings.map((f) => `${f.kind} ${f.table ?? f.name ?? ''}`)
    try {
      const fresh = async (): Promise<void> => {
        await admin.unsafe(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`)
        await admin.unsafe(`CREATE DATABASE ${database}`)
      }
      await fresh()
      expect(await kit(dir, ['migrate'], { DATABASE_URL: url })).toMatch(/applied successfully/)
      const live = postgres(url, { max: 1, onnotice: () => undefined })
      try {
        const rows = await live.unsafe('select name from drizzle.__drizzle_migrations order by id')
        expect(rows.map((r) => r.name)).toContain('20260110000002-notes')
      } finally {
        await live.end()
      }
      for (const provider of [pglite, server]) {
        const report = await runCheck({ root: dir, provider })
        // The migrations build the table the schema does not declare: the folder was applied, as production does.
        expect(kinds(report)).toEqual(['extra_table notes'])
        expect(report.targets[0].databases[0].migrations.map((m) => m.ok)).toEqual([true, true, true])
      }

      // A folder whose name does not begin with a timestamp: the real migrate runs it, cannot record it, rolls back.
      folder('seed', 'CREATE TABLE "seeded" ("id" integer);\n')
      await fresh()
      expect(await kit(dir, ['migrate'], { DATABASE_URL: url })).toMatch(/invalid input syntax for type bigint: "NaN"/)
      for (const provider of [pglite, server]) {
        const report = await runCheck({ root: dir, provider })
        expect(kinds(report).sort()).toEqual(['journal_error seed', 'migration_failed seed'])
        const failed = report.findings.find((f) => f.kind === 'migration_failed')!
        expect(failed.message).toBe(
          'seed ran, then recording it in drizzle.__drizzle_migrations failed: invalid input syntax for type bigint: "NaN"'
        )
        expect(failed.cause).toMatch(
          /"seed" does not begin with a timestamp \(NaN\).*rolls back every migration of this run/
        )
        expect(failed.fix).toBe(
          'Rename seed/ to <YYYYMMDDHHmmss>_seed, the timestamp placing it where it belongs in the order'
        )
      }
    } finally {
      await server.dispose()
      await admin.unsafe(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`).catch(() => undefined)
      await admin.end()
    }
  })
})
