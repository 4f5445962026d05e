// The CLI as users run it: dist/cli.js copied to an empty folder (no node_modules anywhere), on projects without
// node_modules. Exit codes, output channels, and every bad input the issue lists.
import { spawnSync } from 'node:child_process'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { REPO, makeProject } from './helpers/project'
import { BASE_SCHEMA } from './helpers/schemas'

let sandbox: string
let cli: string
const projects: string[] = []

beforeAll(() => {
  sandbox = fs.mkdtempSync(path.join(os.tmpdir(), 'dg-cli-'))
  fs.cpSync(path.join(REPO, 'dist'), path.join(sandbox, 'tool', 'dist'), { recursive: true })
  cli = path.join(sandbox, 'tool', 'dist', 'cli.js')
})
afterAll(() => {
  fs.rmSync(sandbox, { recursive: true, force: true })
  for (const p of projects) fs.rmSync(p, { recursive: true, force: true })
})

/** A copy of a project outside the repository, so nothing resolves from the repository's node_modules. */
function isolated(dir: string): string {
  const copy = fs.mkdtempSync(path.join(sandbox, 'project-'))
  fs.cpSync(dir, copy, { recursive: true })
  return copy
}

function run(
  args: string[],
  cwd: string,
  env: NodeJS.ProcessEnv = {}
): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [cli, ...args], {
    cwd,
    encoding: 'utf8',
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
    timeout: 170_000
  })
  return { status: r.status, stdout: r.stdout, stderr: r.stderr }
}

function expectCleanError(r: { stdout: string; stderr: string }): void {
  expect(r.stderr).toMatch(/^drift-guard: /)
  expect(r.stderr).not.toMatch(/\n\s+at /)
  expect(r.stdout).toBe('')
}

test("examples/saas: the user's bug, as JSON on stdout only, exit 1", () => {
  const dir = isolated(path.join(REPO, 'examples', 'saas'))
  // Its db:init ("run") uses the project's driver, as after npm ci.
  fs.cpSync(path.join(REPO, 'node_modules', 'postgres'), path.join(dir, 'node_modules', 'postgres'), {
    recursive: true
  })
  const r = run(['check', '--format', 'json'], dir)
  expect(r.status).toBe(1)
  // The init's own output stays out of stdout: stdout is the report alone.
  const report = JSON.parse(r.stdout)
  expect(report.findings.find((f: { kind: string }) => f.kind === 'run_failed').cause).toMatch(
    /^caused by missing_column organizations\.stripe_customer_id, declared at packages\/database\/src\/master\/schema\.ts:12/
  )
  expect(report.version).toBe(1)
  expect(report.ok).toBe(false)
  const missing = report.findings.filter((f: { kind: string }) => f.kind === 'missing_column')
  expect(missing.map((f: { column: string }) => f.column).sort()).toEqual([
    'current_period_end',
    'logo_url',
    'stripe_customer_id',
    'stripe_subscription_id',
    'subscription_status'
  ])
  for (const f of missing)
    expect(f).toMatchObject({
      target: 'master',
      databases: ['rsm_master'],
      file: 'packages/database/src/master/schema.ts',
      severity: 'error'
    })
  expect(report.findings.filter((f: { target: string }) => f.target === 'tenant')).toEqual([])
  expect(report.targets.map((t: { databases: { name: string }[] }) => t.databases.map((d) => d.name))).toEqual([
    ['rsm_master'],
    ['tenant_1', 'tenant_2']
  ])
})

test('text output, --output FILE and --fail-on never', () => {
  const dir = isolated(path.join(REPO, 'examples', 'saas'))
  const r = run(['check', '--output', 'report.md', '--fail-on', 'never'], dir)
  expect(r.status).toBe(0)
  expect(r.stdout).toMatch(
    /✖ missing_column organizations\.stripe_customer_id {2}packages\/database\/src\/master\/schema\.ts:\d+/
  )
  expect(r.stdout).toMatch(/Drift found/)
  expect(fs.readFileSync(path.join(dir, 'report.md'), 'utf8')).toMatch(/^### ❌ drizzle-drift-guard/)
})

test('a clean project exits 0 with a "no drift" verdict', async () => {
  const made = await makeProject({ steps: [BASE_SCHEMA] })
  projects.push(made)
  const r = run(['check'], isolated(made))
  expect(r.stderr).toBe('')
  expect(r.status).toBe(0)
  expect(r.stdout).toMatch(/No drift/)
})

describe('bad input: one clear line, the right exit code', () => {
  let base: string
  beforeAll(async () => {
    const made = await makeProject({ steps: [BASE_SCHEMA] })
    projects.push(made)
    base = made
  })

  test('missing config file: exit 2', () => {
    const r = run(['check', '--config', 'nope.json'], isolated(base))
    expect(r.status).toBe(2)
    expectCleanError(r)
    expect(r.stderr).toMatch(/Config file not found: nope\.json/)
  })

  test('no config and nothing to discover: exit 2', () => {
    const r = run(['check'], fs.mkdtempSync(path.join(sandbox, 'empty-')))
    expect(r.status).toBe(2)
    expectCleanError(r)
    expect(r.stderr).toMatch(
      /No drift-guard\.config\.json and no drizzle config \(drizzle\*\.config\.\{ts,mts,cts,js,mjs,cjs,json\} outside node_modules and build folders, or one a package\.json script passes to drizzle-kit\)/
    )
  })

  test('malformed config JSON: exit 2 with file and line', () => {
    const dir = isolated(base)
    fs.writeFileSync(path.join(dir, 'drift-guard.config.json'), '{\n  "targets": [\n    { "name": "x", }\n  ]\n}\n')
    const r = run(['check'], dir)
    expect(r.status).toBe(2)
    expectCleanError(r)
    expect(r.stderr).toMatch(/drift-guard\.config\.json:3: malformed JSON/)
  })

  test('missing migrations folder: exit 2, says where it looked', () => {
    const dir = isolated(base)
    fs.rmSync(path.join(dir, 'drizzle'), { recursive: true })
    const r = run(['check'], dir)
    expect(r.status).toBe(2)
    expectCleanError(r)
    expect(r.stderr).toMatch(/migrations folder not found: drizzle/)
  })

  test('a schema that throws on import: exit 2, file and line', () => {
    const dir = isolated(base)
    const file = path.join(dir, 'src', 'schema.ts')
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8') + '\nthrow new Error("boom at import");\n')
    const line =
      fs
        .readFileSync(file, 'utf8')
        .split('\n')
        .findIndex((l) => l.includes('boom')) + 1
    const r = run(['check'], dir)
    expect(r.status).toBe(2)
    expectCleanError(r)
    expect(r.stderr).toContain(`src/schema.ts:${line} threw while being imported: boom at import`)
  })

  test('a schema that imports an app module which needs the runtime: exit 2 naming the import chain', () => {
    const dir = isolated(base)
    fs.writeFileSync(
      path.join(dir, 'src', 'db.ts'),
      'if (!process.env.APP_DATABASE_URL) throw new Error("APP_DATABASE_URL is required");\nexport const pool = {};\n'
    )
    fs.writeFileSync(path.join(dir, 'src', 'app.ts'), 'import { pool } from "./db";\nexport const app = { pool };\n')
    const file = path.join(dir, 'src', 'schema.ts')
    fs.writeFileSync(
      file,
      `import { app } from "./app";\n${fs.readFileSync(file, 'utf8')}\nexport const appRef = () => app;\n`
    )
    const r = run(['check'], dir)
    expect(r.status).toBe(2)
    expectCleanError(r)
    expect(r.stderr).toContain(
      'src/db.ts:1 threw while being imported: APP_DATABASE_URL is required (import chain: src/schema.ts -> src/app.ts -> src/db.ts)'
    )
  })

  test('a schema whose imports open connections at import time: the check still ends', () => {
    const dir = isolated(base)
    fs.writeFileSync(
      path.join(dir, 'src', 'queue.ts'),
      'import * as net from "node:net";\nconst connect = () => { const s = net.connect(9, "127.0.0.1"); s.on("error", () => setTimeout(connect, 50)); };\nconnect();\nsetInterval(() => undefined, 1000);\nexport const queue = {};\n'
    )
    const file = path.join(dir, 'src', 'schema.ts')
    fs.writeFileSync(
      file,
      `import { queue } from "./queue";\n${fs.readFileSync(file, 'utf8')}\nexport const q = () => queue;\n`
    )
    const r = run(['check'], dir)
    expect(r.status).toBe(0)
    expect(r.stdout).toMatch(/No drift/)
  })

  test('an import that cannot be resolved: exit 2, names the import and the file', () => {
    const dir = isolated(base)
    const file = path.join(dir, 'src', 'schema.ts')
    fs.writeFileSync(
      file,
      `import { nanoid } from "nanoid";\n${fs.readFileSync(file, 'utf8')}\nexport const makeId = () => nanoid();\n`
    )
    const r = run(['check'], dir)
    expect(r.status).toBe(2)
    expectCleanError(r)
    expect(r.stderr).toMatch(/Cannot resolve "nanoid" imported by src\/schema\.ts:1/)
  })

  test('a dialect other than postgresql: exit 2', () => {
    const dir = isolated(base)
    fs.writeFileSync(
      path.join(dir, 'drizzle.config.ts'),
      'export default { dialect: "mysql", schema: "./src/schema.ts", out: "./drizzle" };\n'
    )
    const r = run(['check'], dir)
    expect(r.status).toBe(2)
    expectCleanError(r)
    expect(r.stderr).toMatch(/dialect is "mysql"; drift-guard checks PostgreSQL projects only/)
  })

  test('malformed journal: a journal_error finding on the file and line, exit 1', () => {
    const dir = isolated(base)
    fs.writeFileSync(
      path.join(dir, 'drizzle', 'meta', '_journal.json'),
      '{\n  "version": "7",\n  "entries": [\n    { "idx": 0,, }\n  ]\n}\n'
    )
    const r = run(['check', '--format', 'json'], dir)
    expect(r.status).toBe(1)
    const journal = JSON.parse(r.stdout).findings.find((f: { kind: string }) => f.kind === 'journal_error')
    expect(journal).toMatchObject({ file: 'drizzle/meta/_journal.json', line: 4, severity: 'error' })
    expect(journal.message).toMatch(/malformed JSON/)
  })

  test('malformed snapshot: a journal_error finding naming it', () => {
    const dir = isolated(base)
    fs.writeFileSync(path.join(dir, 'drizzle', 'meta', '0000_snapshot.json'), '{ "id": ')
    const r = run(['check', '--format', 'json'], dir)
    expect(r.status).toBe(1)
    const finding = JSON.parse(r.stdout).findings.find((f: { kind: string }) => f.kind === 'journal_error')
    expect(finding).toMatchObject({ file: 'drizzle/meta/0000_snapshot.json', line: 1, name: '0000_step_0' })
  })

  test('an empty migrations folder: a journal_error finding, and every table reported missing', () => {
    const dir = isolated(base)
    fs.rmSync(path.join(dir, 'drizzle'), { recursive: true })
    fs.mkdirSync(path.join(dir, 'drizzle'))
    const r = run(['check', '--format', 'json'], dir)
    expect(r.status).toBe(1)
    const findings = JSON.parse(r.stdout).findings
    expect(findings[0]).toMatchObject({ kind: 'journal_error', file: 'drizzle' })
    expect(findings[0].message).toMatch(/holds no migration: run drizzle-kit generate/)
    expect(findings.filter((f: { kind: string }) => f.kind === 'missing_table')).toHaveLength(2)
  })

  test('a journal with no entries (a drizzle-kit push workflow) and of another dialect: journal_error findings', () => {
    const dir = isolated(base)
    fs.writeFileSync(
      path.join(dir, 'drizzle', 'meta', '_journal.json'),
      '{"version":"5","dialect":"mysql","entries":[]}'
    )
    const r = run(['check', '--format', 'json'], dir)
    expect(r.status).toBe(1)
    const journal = JSON.parse(r.stdout)
      .findings.filter((f: { kind: string }) => f.kind === 'journal_error')
      .map((f: { severity: string; message: string }) => `${f.severity}: ${f.message}`)
    expect(journal).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^error: .*the journal lists no migration: .*drizzle-kit push workflow/),
        expect.stringMatching(/^warning: .*the journal's dialect is "mysql"/)
      ])
    )
  })

  test('an unreachable --database-url: exit 3, password never printed', () => {
    const r = run(['check', '--database-url', 'postgres://user:hunter2secret@127.0.0.1:1/postgres'], isolated(base))
    expect(r.status).toBe(3)
    expectCleanError(r)
    expect(r.stderr).toMatch(/cannot connect to postgres:\/\/user:\*\*\*@127\.0\.0\.1:1\/postgres: connection refused/)
    expect(r.stderr).not.toContain('hunter2secret')
  })

  test('with --format json, a run that makes no report prints a JSON error on stdout, never nothing (29)', () => {
    const dir = isolated(base)
    fs.writeFileSync(path.join(dir, 'drift-guard.config.json'), '{\n  "targets": [\n    { "name": "x", }\n  ]\n}\n')
    const bad = run(['check', '--format', 'json'], dir)
    expect(bad.status).toBe(2)
    expect(bad.stderr).toMatch(/^drift-guard: drift-guard\.config\.json:3: malformed JSON/)
    expect(JSON.parse(bad.stdout)).toEqual({
      version: 1,
      ok: false,
      error: {
        outcome: 'bad-input',
        message: expect.stringMatching(/malformed JSON/),
        file: 'drift-guard.config.json',
        line: 3
      }
    })
    const usage = run(['check', '--format', 'json', '--bogus'], dir)
    expect(usage.status).toBe(2)
    expect(JSON.parse(usage.stdout)).toEqual({
      version: 1,
      ok: false,
      error: { outcome: 'bad-input', message: expect.stringMatching(/--bogus/) }
    })
    const unreachable = run(
      ['check', '--format', 'json', '--database-url', 'postgres://user:hunter2secret@127.0.0.1:1/postgres'],
      isolated(base)
    )
    expect(unreachable.status).toBe(3)
    expect(JSON.parse(unreachable.stdout).error).toMatchObject({
      outcome: 'database-unavailable',
      message: expect.stringMatching(/user:\*\*\*@/)
    })
    expect(unreachable.stdout).not.toContain('hunter2secret')
  })

  test('--config naming a folder: exit 2, says so', () => {
    const dir = isolated(base)
    const r = run(['check', '--config', 'drizzle'], dir)
    expect(r.status).toBe(2)
    expectCleanError(r)
    expect(r.stderr).toMatch(/drizzle is a folder, not a config file/)
  })

  test('--config in another folder: its paths are relative to that file, not to where the CLI runs', () => {
    const dir = isolated(base)
    fs.writeFileSync(
      path.join(dir, 'drift-guard.config.json'),
      JSON.stringify({ targets: [{ name: 'app', drizzleConfig: 'drizzle.config.ts' }] })
    )
    const r = run(['check', '--config', path.join(dir, 'drift-guard.config.json'), '--format', 'json'], sandbox)
    expect(r.stderr).not.toMatch(/not found/)
    expect(r.status).toBe(0)
    expect(JSON.parse(r.stdout).targets.map((t: { name: string }) => t.name)).toEqual(['app'])
  })

  test('--output that cannot be written: exit 2 before printing a report', () => {
    const dir = isolated(base)
    const r = run(['check', '--format', 'json', '--output', path.join(dir, 'drizzle.config.ts', 'report.json')], dir)
    expect(r.status).toBe(2)
    expectCleanError({ stderr: r.stderr, stdout: '' })
    expect(r.stderr).toMatch(/cannot write --output .*report\.json/)
    // No report on stdout: only the error document of --format json.
    expect(JSON.parse(r.stdout)).toEqual({
      version: 1,
      ok: false,
      error: { outcome: 'bad-input', message: expect.stringMatching(/cannot write --output/) }
    })
  })

  test('merge of a JSON file that is not a report: exit 2 naming it', () => {
    const file = path.join(fs.mkdtempSync(path.join(sandbox, 'merge-')), 'partial.json')
    fs.writeFileSync(file, '{"version":1}')
    const r = run(['merge', file], sandbox)
    expect(r.status).toBe(2)
    expectCleanError(r)
    expect(r.stderr).toMatch(/partial\.json: not a drift-guard JSON report/)
  })

  test('unknown option: exit 2 with usage', () => {
    const r = run(['check', '--frobnicate'], isolated(base))
    expect(r.status).toBe(2)
    expect(r.stderr).toMatch(/unknown option --frobnicate/)
  })
})
