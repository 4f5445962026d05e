// The bundled action, run exactly as the runner runs it: `node dist/index.js` from a folder holding only
// action.yml and dist/ (no node_modules anywhere), INPUT_* variables, a pull_request event file, the summary and
// output files, and GITHUB_API_URL pointing at a local stand-in of GitHub's REST API.
import { spawn, spawnSync } from 'node:child_process'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { startGithubStandIn, GithubStandIn } from './helpers/github-api'
import { REPO } from './helpers/project'

const STRIPE_COLUMNS = [
  'logo_url',
  'stripe_customer_id',
  'stripe_subscription_id',
  'subscription_status',
  'current_period_end'
]
const MASTER_SCHEMA = 'packages/database/src/master/schema.ts'

let sandbox: string
let actionDir: string
let api: GithubStandIn

beforeAll(async () => {
  sandbox = fs.mkdtempSync(path.join(os.tmpdir(), 'dg-action-'))
  actionDir = path.join(sandbox, 'action')
  fs.mkdirSync(actionDir)
  fs.copyFileSync(path.join(REPO, 'action.yml'), path.join(actionDir, 'action.yml'))
  fs.cpSync(path.join(REPO, 'dist'), path.join(actionDir, 'dist'), { recursive: true })
  api = await startGithubStandIn()
})
afterAll(async () => {
  await api.close()
  fs.rmSync(sandbox, { recursive: true, force: true })
})

function workspaceWith(example: string): string {
  const dir = fs.mkdtempSync(path.join(sandbox, 'workspace-'))
  fs.cpSync(path.join(REPO, example), dir, { recursive: true, filter: (src) => !src.includes('node_modules') })
  // The example's "run" command uses the project's driver, as a job that ran `npm ci` would have it.
  fs.cpSync(path.join(REPO, 'node_modules', 'postgres'), path.join(dir, 'node_modules', 'postgres'), {
    recursive: true
  })
  return dir
}

interface RunResult {
  status: number | null
  stdout: string
  stderr: string
  summary: string
  outputs: Record<string, string>
  annotations: { level: string; file?: string; line?: number; title?: string; message: string }[]
}

/** Runs the action in a child process; async, because the GitHub stand-in answers from this process. */
async function runAction(
  workspace: string,
  inputs: Record<string, string>,
  event: Record<string, unknown> = pullRequestEvent()
): Promise<RunResult> {
  const temp = fs.mkdtempSync(path.join(sandbox, 'runner-'))
  const eventPath = path.join(temp, 'event.json')
  fs.writeFileSync(eventPath, JSON.stringify(event))
  const summaryPath = path.join(temp, 'summary.md')
  const outputPath = path.join(temp, 'output.txt')
  fs.writeFileSync(summaryPath, '')
  fs.writeFileSync(outputPath, '')
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    GITHUB_ACTIONS: 'true',
    GITHUB_EVENT_NAME: 'pull_request' in event ? 'pull_request' : 'workflow_dispatch',
    GITHUB_EVENT_PATH: eventPath,
    GITHUB_REPOSITORY: 'acme/saas',
    GITHUB_SHA: 'abc123',
    GITHUB_RUN_ID: '42',
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_API_URL: api.url,
    GITHUB_WORKSPACE: workspace,
    GITHUB_STEP_SUMMARY: summaryPath,
    GITHUB_OUTPUT: outputPath,
    RUNNER_TEMP: temp,
    'INPUT_GITHUB-TOKEN': 'ghs_secret_token_value',
    INPUT_COMMENT: 'true',
    'INPUT_FAIL-ON': 'error',
    INPUT_CONFIG: 'drift-guard.config.json',
    'INPUT_WORKING-DIRECTORY': '.'
  }
  for (const [k, v] of Object.entries(inputs)) env[`INPUT_${k.toUpperCase()}`] = v
  const child = spawn(process.execPath, [path.join(actionDir, 'dist', 'index.js')], { cwd: workspace, env })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (d) => (stdout += d))
  child.stderr.on('data', (d) => (stderr += d))
  const status = await new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)))
  const result = { status, stdout, stderr }
  const outputs: Record<string, string> = {}
  const raw = fs.readFileSync(outputPath, 'utf8')
  for (const m of raw.matchAll(/^([\w-]+)<<(ghadelimiter_[\w-]+)\n([\s\S]*?)\n\2$/gm)) outputs[m[1]] = m[3]
  const annotations = [...result.stdout.matchAll(/^::(error|warning|notice)(?: ([^:]*))?::(.*)$/gm)].map((m) => {
    const props = Object.fromEntries(
      (m[2] ?? '')
        .split(',')
        .filter(Boolean)
        .map((p) => p.split('=') as [string, string])
    )
    return {
      level: m[1],
      file: props.file,
      line: props.line ? Number(props.line) : undefined,
      title: props.title?.replace(/%3A/g, ':').replace(/%2C/g, ','),
      message: m[3].replace(/%0A/g, '\n').replace(/%25/g, '%')
    }
  })
  return {
    status: result.status,
    stdout: result.stdout,
    stderr: result.stderr,
    summary: fs.readFileSync(summaryPath, 'utf8'),
    outputs,
    annotations
  }
}

/** What the user does to fix it: `drizzle-kit generate` (the real CLI; node_modules linked only while it runs). */
function generateWithDrizzleKit(workspace: string, config: string): void {
  const link = path.join(workspace, 'node_modules')
  // The workspace's own node_modules (the example's driver) is set aside while the repository's is linked.
  const own = `${link}.own`
  if (fs.existsSync(link)) fs.renameSync(link, own)
  fs.symlinkSync(path.join(REPO, 'node_modules'), link)
  try {
    const result = spawnSync(
      process.execPath,
      [
        path.join(REPO, 'node_modules', 'drizzle-kit', 'bin.cjs'),
        'generate',
        '--config',
        config,
        '--name',
        'stripe_columns'
      ],
      { cwd: workspace, encoding: 'utf8' }
    )
    expect(result.stdout).toMatch(/Your SQL migration file/)
  } finally {
    fs.unlinkSync(link)
    if (fs.existsSync(own)) fs.renameSync(own, link)
  }
}

function pullRequestEvent(): Record<string, unknown> {
  return {
    pull_request: { number: 7, base: { sha: 'does-not-exist' }, head: { sha: 'abc123' } },
    repository: { name: 'saas', owner: { login: 'acme' } }
  }
}

test("the user's bug: five error annotations on the five schema lines, a summary naming them, drift=true, one comment", async () => {
  const workspace = workspaceWith('examples/saas')
  const schemaLines = fs.readFileSync(path.join(workspace, MASTER_SCHEMA), 'utf8').split('\n')
  const first = await runAction(workspace, {})
  expect(first.status).toBe(1)
  expect(first.stdout).not.toContain('ghs_secret_token_value')

  const columnAnnotations = first.annotations.filter(
    (a) => a.level === 'error' && a.title?.startsWith('drift-guard missing_column')
  )
  expect(columnAnnotations).toHaveLength(5)
  for (const column of STRIPE_COLUMNS) {
    const annotation = columnAnnotations.find((a) => a.title === `drift-guard missing_column: organizations.${column}`)
    expect(annotation).toBeDefined()
    expect(annotation!.file).toBe(MASTER_SCHEMA)
    expect(schemaLines[annotation!.line! - 1]).toContain(`"${column}"`)
    expect(annotation!.message).toMatch(/no migration was generated/)
    expect(annotation!.message).toMatch(/Databases: rsm_master/)
  }
  for (const column of STRIPE_COLUMNS) expect(first.summary).toContain(`organizations.${column}`)
  expect(first.summary).toMatch(/#### ✅ tenant/)
  expect(first.summary).toContain('Migrations applied to <code>tenant_2</code>')
  expect(first.outputs).toMatchObject({ outcome: 'drift', drift: 'true' })
  expect(Number(first.outputs.findings)).toBeGreaterThanOrEqual(6)
  const report = JSON.parse(fs.readFileSync(first.outputs.report, 'utf8'))
  expect(
    report.findings
      .filter((f: { kind: string }) => f.kind === 'missing_column')
      .map((f: { column: string }) => f.column)
      .sort()
  ).toEqual([...STRIPE_COLUMNS].sort())

  // The corrective migration, collapsed, with the command that writes it; nothing written without fix: true.
  expect(first.summary).toMatch(/### Corrective migration\n[\s\S]*```sh\nnpx drizzle-drift-guard fix\n```/)
  expect(first.summary).toMatch(/<details><summary>0001_\w+: 5 statement\(s\)<\/summary>/)
  expect(first.outputs['fix-patch']).toBeUndefined()
  expect(
    fs.readdirSync(path.join(workspace, 'drizzle', 'migrations', 'master')).filter((f) => f.endsWith('.sql'))
  ).toHaveLength(1)

  expect(api.comments).toHaveLength(1)
  const commentId = api.comments[0].id
  expect(api.comments[0].body).toContain('<!-- drizzle-drift-guard:')
  expect(api.comments[0].body).toContain('stripe_customer_id')
  expect(api.comments[0].body).toContain('ADD COLUMN IF NOT EXISTS "stripe_customer_id" text;')
  expect(api.comments[0].body).toContain('npx drizzle-drift-guard fix')
  expect(api.requests.every((r) => r.authorization === 'token ghs_secret_token_value')).toBe(true)

  // A second run updates the same comment.
  const second = await runAction(workspace, {})
  expect(second.status).toBe(1)
  expect(api.comments).toHaveLength(1)
  expect(api.comments[0].id).toBe(commentId)
  expect(api.requests.some((r) => r.method === 'PATCH')).toBe(true)

  // The fix lands (drizzle-kit generate's migration): the run passes and the comment says the drift is gone.
  generateWithDrizzleKit(workspace, 'drizzle.master.config.ts')
  const third = await runAction(workspace, {})
  expect(third.status).toBe(0)
  expect(third.outputs).toMatchObject({ outcome: 'clean', drift: 'false' })
  expect(third.annotations.filter((a) => a.level === 'error')).toEqual([])
  expect(api.comments).toHaveLength(1)
  expect(api.comments[0].body).toMatch(/no drift/)
})

test('two jobs (or configs) in one pull request keep separate sticky comments', async () => {
  const workspace = workspaceWith('examples/saas')
  const before = api.comments.map((c) => ({ ...c }))
  await runAction(workspace, { 'comment-id': 'job-a' })
  await runAction(workspace, { 'comment-id': 'job-b' })
  await runAction(workspace, { 'comment-id': 'job-a' })
  const added = api.comments.filter((c) => !before.some((b) => b.id === c.id))
  expect(added.map((c) => c.body.split('\n')[0])).toEqual([
    '<!-- drizzle-drift-guard:job-a -->',
    '<!-- drizzle-drift-guard:job-b -->'
  ])
  for (const b of before) expect(api.comments.find((c) => c.id === b.id)?.body).toBe(b.body)
})

test('a 403 on commenting (fork) warns once and leaves the verdict unchanged', async () => {
  const workspace = workspaceWith('examples/saas')
  api.failWritesWith = 403
  try {
    const result = await runAction(workspace, { 'comment-id': 'fork' })
    expect(result.status).toBe(1)
    expect(result.outputs.drift).toBe('true')
    const warnings = result.annotations.filter((a) => a.level === 'warning' && a.message.includes('could not comment'))
    expect(warnings).toHaveLength(1)
    expect(result.stdout).toMatch(/drift-guard: \d+ error\(s\)/)
  } finally {
    api.failWritesWith = undefined
  }
})

test('workflow_dispatch: same check, no comment, SARIF written, fail-on never keeps the step green', async () => {
  const workspace = workspaceWith('examples/saas')
  const before = api.requests.length
  const sarif = path.join(workspace, 'out', 'drift.sarif')
  const result = await runAction(workspace, { 'fail-on': 'never', 'sarif-path': sarif }, { inputs: {} })
  expect(result.status).toBe(0)
  expect(result.outputs.drift).toBe('true')
  expect(api.requests.length).toBe(before)
  const parsed = JSON.parse(fs.readFileSync(sarif, 'utf8'))
  expect(parsed.version).toBe('2.1.0')
  const uris = parsed.runs[0].results
    .filter((r: { ruleId: string }) => r.ruleId === 'missing_column')
    .map(
      (r: { locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }) =>
        r.locations[0].physicalLocation.artifactLocation.uri
    )
  expect(uris).toEqual(Array(5).fill(MASTER_SCHEMA))
})

test('bad input fails the step with one clear line, no stack trace', async () => {
  const workspace = workspaceWith('examples/saas')
  const result = await runAction(workspace, { config: 'nope.json' })
  expect(result.status).toBe(1)
  expect(result.stdout).toMatch(/::error::drift-guard: bad input: Config file not found: nope\.json/)
  expect(result.stdout + result.stderr).not.toMatch(/\n\s+at /)
  // A later step can tell "no report" from drift, and the job summary says why.
  expect(result.outputs).toEqual({ outcome: 'bad-input' })
  expect(result.summary).toMatch(/^### drift-guard: bad input\n\nNo report: Config file not found: nope\.json/)
})

test('stub-missing-imports: a schema importing a package that is not installed still gets checked (no npm ci)', async () => {
  const workspace = workspaceWith('examples/saas')
  const tenantSchema = path.join(workspace, 'packages/database/src/tenant/schema.ts')
  fs.writeFileSync(
    tenantSchema,
    `import { nanoid } from "nanoid";\nexport const newId = () => nanoid();\n` + fs.readFileSync(tenantSchema, 'utf8')
  )
  const stopped = await runAction(workspace, { comment: 'false' }, { inputs: {} })
  expect(stopped.status).toBe(1)
  expect(stopped.stdout).toMatch(
    /::error::drift-guard: .*Cannot resolve "nanoid" imported by packages\/database\/src\/tenant\/schema\.ts:1/
  )
  const stubbed = await runAction(
    workspace,
    { comment: 'false', 'stub-missing-imports': 'true', 'fail-on': 'never' },
    { inputs: {} }
  )
  expect(stubbed.status).toBe(0)
  expect(stubbed.outputs.findings).toBe('7')
  expect(stubbed.summary).toMatch(/nanoid/)
})

test('a schema module that starts a timer at import (an app module) does not keep the step running', async () => {
  const workspace = workspaceWith('examples/saas')
  const tenantSchema = path.join(workspace, 'packages/database/src/tenant/schema.ts')
  fs.writeFileSync(tenantSchema, `setInterval(() => undefined, 1000);\n` + fs.readFileSync(tenantSchema, 'utf8'))
  // Without an explicit exit the child never closes, and the test ends at its time limit.
  const result = await runAction(workspace, { comment: 'false' }, { inputs: {} })
  expect(result.status).toBe(1) // the user's bug, reported
  expect(result.outputs.outcome).toBe('drift')
}, 60_000)

test('a report file that cannot be written fails the step and still says drift (never exit 0)', async () => {
  const workspace = workspaceWith('examples/saas')
  fs.writeFileSync(path.join(workspace, 'not-a-folder'), '')
  const result = await runAction(
    workspace,
    { comment: 'false', 'report-path': path.join(workspace, 'not-a-folder', 'report.json') },
    { inputs: {} }
  )
  expect(result.status).toBe(1)
  expect(result.outputs).toMatchObject({ outcome: 'drift', drift: 'true' })
  expect(result.stdout).toMatch(
    /::error::drift-guard: cannot write the report \(report-path \/ sarif-path\): .*; 7 error\(s\)/
  )
})

test('fix: true writes the corrective migration into the workspace and its git diff to fix-patch; nothing is committed or pushed', async () => {
  const workspace = workspaceWith('examples/saas')
  const git = (...args: string[]): string => spawnSync('git', ['-C', workspace, ...args], { encoding: 'utf8' }).stdout
  git('init', '--quiet')
  git('add', '.')
  git('-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '--quiet', '-m', 'pr')
  const head = git('rev-parse', 'HEAD')
  const result = await runAction(workspace, { fix: 'true', 'comment-id': 'fix' }, { inputs: {} })
  // The verdict is the check's: the drift is still there in the commit under review.
  expect(result.status).toBe(1)
  expect(result.outputs.drift).toBe('true')
  const patch = fs.readFileSync(result.outputs['fix-patch'], 'utf8')
  const master = 'drizzle/migrations/master'
  const sqlFile = fs.readdirSync(path.join(workspace, master)).find((f) => /^0001_\w+\.sql$/.test(f))!
  expect(patch).toContain(`diff --git a/${master}/${sqlFile} b/${master}/${sqlFile}\nnew file mode`)
  expect(patch).toContain('+ALTER TABLE "organizations" ADD COLUMN IF NOT EXISTS "stripe_customer_id" text;')
  expect(patch).toMatch(new RegExp(`diff --git a/${master}/meta/_journal.json[\\s\\S]*\\+\\s+"tag": "0001_`))
  expect(result.summary).toContain('The action wrote the migration below into the workspace')
  // The patch applies to the commit under review (what a later step would do with it), and nothing was committed:
  // the index is as it was, HEAD did not move.
  expect(git('diff', '--cached', '--name-only')).toBe('')
  expect(git('rev-parse', 'HEAD')).toBe(head)
  git('stash', '--include-untracked', '--quiet')
  expect(spawnSync('git', ['-C', workspace, 'apply', '--check', result.outputs['fix-patch']]).status).toBe(0)
})

test('gate: new on a repository that already drifts: the delta opens the summary and the comment, only what the pull request introduces fails; baseline: the accepted section, none ignores it', async () => {
  const workspace = workspaceWith('examples/saas')
  const git = (...args: string[]): string =>
    spawnSync('git', ['-C', workspace, '-c', 'user.name=T', '-c', 'user.email=t@t', ...args], { encoding: 'utf8' })
      .stdout
  git('init', '-q')
  fs.writeFileSync(path.join(workspace, '.gitignore'), 'node_modules\n')
  git('add', '-A')
  git('commit', '-qm', 'drifting already')
  const baseSha = git('rev-parse', 'HEAD').trim()
  const event = {
    pull_request: { number: 8, base: { sha: baseSha }, head: { sha: 'abc123' } },
    repository: { name: 'saas', owner: { login: 'acme' } }
  }
  const comment = (): string => api.comments.find((c) => c.body.includes('drizzle-drift-guard:gate'))!.body

  // Nothing introduced: the old drift stays in the report and fails nothing.
  const same = await runAction(workspace, { gate: 'new', 'comment-id': 'gate' }, event)
  expect(same.status).toBe(0)
  expect(same.outputs).toMatchObject({ outcome: 'drift', drift: 'true' })
  expect(same.summary).toContain('this pull request introduces 0, fixes 0, 7 were already there')
  expect(comment()).toContain('this pull request introduces 0, fixes 0, 7 were already there')

  // One column declared without a migration: it fails, and only what is new does.
  const schema = path.join(workspace, MASTER_SCHEMA)
  fs.writeFileSync(
    schema,
    fs
      .readFileSync(schema, 'utf8')
      .replace(/(pgTable\("organizations", \{\n)/, '$1  billingEmail: text("billing_email"),\n')
  )
  const one = await runAction(workspace, { gate: 'new', 'comment-id': 'gate' }, event)
  expect(one.status).toBe(1)
  const report = JSON.parse(fs.readFileSync(one.outputs.report, 'utf8')) as {
    findings: { kind: string; column?: string; severity: string; new?: boolean }[]
  }
  const fresh = report.findings.filter((f) => f.new && f.severity === 'error')
  // The last snapshot's list of changes grew by that column: the snapshot check says the same change, and only it.
  expect(fresh.map((f) => `${f.kind} ${f.column ?? ''}`.trim()).sort()).toEqual([
    'missing_column billing_email',
    'snapshot_out_of_date'
  ])
  expect(one.summary).toMatch(/this pull request introduces 2, fixes 0, 6 were already there/)
  expect(comment()).toMatch(/this pull request introduces 2, fixes 0, 6 were already there/)
  expect(comment()).toContain('new in this change: column organizations.billing_email added')
  expect(api.comments.filter((c) => c.body.includes('drizzle-drift-guard:gate'))).toHaveLength(1)

  // gate: all (the default) fails on the old drift too.
  expect((await runAction(workspace, { 'comment-id': 'gate' }, event)).status).toBe(1)

  // A baseline accepting today's drift: the summary and the comment list it in its own section; none ignores it.
  fs.copyFileSync(path.join(REPO, 'docs', 'examples', 'saas.baseline.json'), path.join(workspace, 'accepted.json'))
  const withBaseline = await runAction(workspace, { baseline: 'accepted.json', 'comment-id': 'gate' }, event)
  for (const text of [withBaseline.summary, comment()]) {
    expect(text).toContain('Accepted in the baseline: 5 finding(s)')
    expect(text).toContain('stripe_customer_id')
  }
  const ignored = await runAction(workspace, { baseline: 'none', 'comment-id': 'gate' }, event)
  expect(ignored.summary).not.toContain('Accepted in the baseline')
}, 300_000)
