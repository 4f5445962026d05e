// Benchmarks: drift-guard against the way users check drift today, on the same projects and the same server, in
// one run, as ratios. The drizzle-kit way = `drizzle-kit migrate` into a fresh database per logical database +
// `drizzle-kit generate` per target + `git diff --exit-code`. Both sides are timed as whole commands (node
// start-up included), median of N runs. Run: npm run bench [-- --runs 5 --quick]
import { execFileSync, spawnSync } from 'node:child_process'
import * as fs from 'node:fs'
import * as path from 'node:path'
import postgres from 'postgres'
import { generateHistory } from './generate-history'

const REPO = path.resolve(__dirname, '..')
const SERVER =
  process.env.DRIFT_GUARD_BENCH_URL ??
  process.env.DRIFT_GUARD_TEST_DATABASE_URL ??
  'postgres://postgres@127.0.0.1:5432/postgres'
const args = process.argv.slice(2)
const RUNS = Number(args[args.indexOf('--runs') + 1]) || 3
const QUICK = args.includes('--quick')
const ONLY = args.includes('--only') ? args[args.indexOf('--only') + 1] : undefined
const KIT = path.join(REPO, 'node_modules', 'drizzle-kit', 'bin.cjs')
const CLI = path.join(REPO, 'dist', 'cli.js')

interface Project {
  name: string
  dir: string
  /** drizzle config -> logical databases and the env variable its dbCredentials reads */
  targets: { config: string; databases: string[]; env: string }[]
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]

function time(fn: () => void): number {
  const start = performance.now()
  fn()
  return performance.now() - start
}

function run(command: string, argv: string[], cwd: string, env: NodeJS.ProcessEnv = {}, okCodes = [0]): void {
  const r = spawnSync(command, argv, {
    cwd,
    env: { ...process.env, ...env },
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024
  })
  if (!okCodes.includes(r.status ?? -1))
    throw new Error(`${command} ${argv.join(' ')} exited ${r.status}: ${r.stderr.slice(-800)}${r.stdout.slice(-800)}`)
}

function withDatabase(url: string, db: string): string {
  const u = new URL(url)
  u.pathname = `/${db}`
  return u.toString()
}

async function drizzleKitWay(project: Project, admin: ReturnType<typeof postgres>): Promise<number> {
  // A fresh database per logical database, as the check needs, then migrate + generate + git diff.
  const names = project.targets.flatMap((t) => t.databases.map((d) => `bench_kit_${d}`))
  for (const n of names) await admin.unsafe(`drop database if exists "${n}" with (force)`)
  const start = performance.now()
  for (const n of names) await admin.unsafe(`create database "${n}"`)
  for (const t of project.targets) {
    for (const d of t.databases)
      run(process.execPath, [KIT, 'migrate', '--config', t.config], project.dir, {
        [t.env]: withDatabase(SERVER, `bench_kit_${d}`)
      })
    run(process.execPath, [KIT, 'generate', '--config', t.config], project.dir, { [t.env]: 'postgres://unused' })
  }
  run('git', ['add', '-N', '.'], project.dir)
  run('git', ['diff', '--exit-code', '--quiet'], project.dir, {}, [0, 1])
  for (const n of names) await admin.unsafe(`drop database if exists "${n}" with (force)`)
  const elapsed = performance.now() - start
  // Leave the working tree as it was (generate may have written a migration).
  // `git add -N` made the new files tracked (intent to add): unstage them first, or clean would keep them and every
  // later run would measure the project with the fix migration in it.
  run('git', ['reset', '-q'], project.dir)
  run('git', ['checkout', '--', '.'], project.dir)
  run('git', ['clean', '-fdq'], project.dir)
  return elapsed
}

function driftGuard(project: Project, postgresArgs: string[], env: NodeJS.ProcessEnv = {}): number {
  return time(() =>
    run(process.execPath, [CLI, 'check', '--format', 'json', ...postgresArgs], project.dir, env, [0, 1])
  )
}

function prepare(name: string, source: string | undefined, targets: Project['targets']): Project {
  const dir = path.join(REPO, '.tmp', `bench-${name}`)
  fs.rmSync(dir, { recursive: true, force: true })
  fs.mkdirSync(dir, { recursive: true })
  if (source) fs.cpSync(source, dir, { recursive: true })
  return { name, dir, targets }
}

function gitInit(dir: string): void {
  execFileSync('git', ['init', '-q'], { cwd: dir })
  execFileSync('git', ['-c', 'user.email=b@b', '-c', 'user.name=b', 'add', '-A'], { cwd: dir })
  execFileSync('git', ['-c', 'user.email=b@b', '-c', 'user.name=b', 'commit', '-qm', 'bench'], { cwd: dir })
}

function peakMemoryMb(project: Project, postgresArgs: string[]): number | undefined {
  const r = spawnSync(
    '/usr/bin/time',
    ['-f', '%M', process.execPath, CLI, 'check', '--format', 'json', ...postgresArgs],
    { cwd: project.dir, encoding: 'utf8' }
  )
  const kb = Number(r.stderr.trim().split('\n').pop())
  return Number.isFinite(kb) ? Math.round(kb / 1024) : undefined
}

async function main(): Promise<void> {
  if (!fs.existsSync(CLI)) throw new Error('dist/cli.js is missing: npm run bundle')
  const admin = postgres(SERVER, { max: 1, onnotice: () => undefined })
  const projects: Project[] = []
  projects.push(
    prepare('saas', path.join(REPO, 'examples', 'saas'), [
      { config: 'drizzle.master.config.ts', databases: ['rsm_master'], env: 'MASTER_DATABASE_URL' },
      { config: 'drizzle.tenant.config.ts', databases: ['tenant_1', 'tenant_2'], env: 'TENANT_DATABASE_URL' }
    ])
  )
  const shapes =
    ONLY === 'saas'
      ? []
      : QUICK
        ? [{ name: 'history-60', tables: 30, migrations: 60, enums: 6, handWrittenEvery: 15 }]
        : [
            { name: 'history-200', tables: 130, migrations: 200, enums: 30, handWrittenEvery: 25 },
            { name: 'history-300', tables: 150, migrations: 300, enums: 30, handWrittenEvery: 25 }
          ]
  for (const shape of shapes) {
    const project = prepare(shape.name, undefined, [
      { config: 'drizzle.config.ts', databases: ['main'], env: 'DATABASE_URL' }
    ])
    process.stderr.write(
      `generating ${shape.name} (${shape.migrations} migrations, ${shape.tables} tables, ${shape.enums} enums)…\n`
    )
    await generateHistory(project.dir, shape)
    projects.push(project)
  }
  for (const p of projects) gitInit(p.dir)

  const rows: string[][] = []
  for (const project of projects) {
    process.stderr.write(`${project.name}: `)
    const timings: number[] = []
    for (let i = 0; i < RUNS; i++) {
      timings.push(await drizzleKitWay(project, admin))
      process.stderr.write('k')
    }
    const kit = median(timings)
    const server: number[] = []
    const cold: number[] = []
    const embedded: number[] = []
    // Warm the caches once (PGlite's data directory, drizzle-kit's results for this schema), as a local re-run or
    // a CI job that restores $RUNNER_TEMP/drizzle-drift-guard has them; "cold" runs without the schema cache.
    driftGuard(project, [])
    for (let i = 0; i < RUNS; i++) {
      server.push(driftGuard(project, ['--database-url', SERVER]))
      cold.push(driftGuard(project, ['--database-url', SERVER], { DRIFT_GUARD_NO_CACHE: '1' }))
      embedded.push(driftGuard(project, []))
      process.stderr.write('d')
    }
    process.stderr.write('\n')
    const dbs = project.targets.reduce((n, t) => n + t.databases.length, 0)
    const sqlFiles = (folder: string): number =>
      fs.readdirSync(path.join(project.dir, folder)).filter((f) => f.endsWith('.sql')).length
    rows.push([
      project.name,
      `${dbs}`,
      project.name === 'saas'
        ? `${sqlFiles('drizzle/migrations/master')} + ${sqlFiles('drizzle/migrations/tenant')}`
        : `${sqlFiles('drizzle')}`,
      `${(kit / 1000).toFixed(2)} s`,
      `${(median(server) / 1000).toFixed(2)} s`,
      `${((median(server) / kit) * 100).toFixed(1)} %`,
      `${(median(cold) / 1000).toFixed(2)} s (${((median(cold) / kit) * 100).toFixed(1)} %)`,
      `${(median(embedded) / 1000).toFixed(2)} s`,
      `${((median(embedded) / kit) * 100).toFixed(1)} %`,
      `${peakMemoryMb(project, ['--database-url', SERVER]) ?? '?'} / ${peakMemoryMb(project, []) ?? '?'} MB`
    ])
  }
  await admin.end()
  const header = [
    'project',
    'databases',
    'migrations',
    'drizzle-kit way',
    'drift-guard (server)',
    'ratio',
    'server, no schema cache',
    'drift-guard (embedded)',
    'ratio',
    'peak RSS (server / embedded)'
  ]
  const table = [header, header.map(() => '---'), ...rows].map((r) => `| ${r.join(' | ')} |`).join('\n')
  process.stdout.write(
    `\nMedian of ${RUNS} runs, ${new Date().toISOString()}, node ${process.version}, server ${new URL(SERVER).host}\n\n${table}\n`
  )
  for (const p of projects) fs.rmSync(p.dir, { recursive: true, force: true })
}

main().catch((error) => {
  process.stderr.write(`bench failed: ${(error as Error).message}\n`)
  process.exit(1)
})
