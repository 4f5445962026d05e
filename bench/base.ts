// The cost of --base (the check run on the base commit too, docs/baseline.md) on the 200-migration history: a plain
// check against `check --base HEAD --new-only` on a change that edits the schema (the base must be checked) and on a
// change outside the checked folder's database files (no worktree), the caches warm. Whole commands timed on the
// bundled CLI (wall and CPU time), median of N alternated runs.
// Run: npm run bundle && node -r sucrase/register bench/base.ts [--runs 5] [--postgres server|embedded] [--cli FILE]
// (--cli: another build of the CLI, e.g. one bundled with DIST_DIR=.tmp/dist-x node scripts/bundle.mjs, to compare)
import { execFileSync, spawnSync } from 'node:child_process'
import * as fs from 'node:fs'
import * as path from 'node:path'
import { generateHistory } from './generate-history'

const REPO = path.resolve(__dirname, '..')
const SERVER = process.env.DRIFT_GUARD_BENCH_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'
const args = process.argv.slice(2)
const CLI = args.includes('--cli') ? path.resolve(args[args.indexOf('--cli') + 1]) : path.join(REPO, 'dist', 'cli.js')
const RUNS = Number(args[args.indexOf('--runs') + 1]) || 5
// --postgres server | embedded (default: both)
const ONLY = args.includes('--postgres') ? args[args.indexOf('--postgres') + 1] : undefined
const TIME = '/usr/bin/time'

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]

/** Wall time, and CPU time (user + sys) of the command's process, read from GNU time: the machine is shared, so
 * the CPU time is the steadier measure of what --base adds (the server's own work shows in the wall time only). */
function timeCheck(dir: string, argv: string[]): { wall: number; cpu: number } {
  const start = performance.now()
  const r = spawnSync(TIME, ['-f', 'cpu %U %S', process.execPath, CLI, 'check', '--format', 'json', ...argv], {
    cwd: dir,
    encoding: 'utf8',
    env: { ...process.env, DRIFT_GUARD_DATABASE_URL: '' },
    maxBuffer: 64 * 1024 * 1024
  })
  const wall = performance.now() - start
  if (r.status !== 0 && r.status !== 1) throw new Error(`check ${argv.join(' ')} exited ${r.status}: ${r.stderr}`)
  const cpu = /cpu ([\d.]+) ([\d.]+)\s*$/.exec(r.stderr)
  if (!cpu) throw new Error(`no CPU time in: ${r.stderr.slice(-300)}`)
  return { wall, cpu: (Number(cpu[1]) + Number(cpu[2])) * 1000 }
}

async function main(): Promise<void> {
  if (!fs.existsSync(CLI)) throw new Error(`${path.relative(REPO, CLI)} is missing: npm run bundle`)
  const dir = path.join(REPO, '.tmp', 'bench-base-history-200')
  fs.rmSync(dir, { recursive: true, force: true })
  fs.mkdirSync(dir, { recursive: true })
  process.stderr.write('generating history-200…\n')
  await generateHistory(dir, { tables: 130, migrations: 200, enums: 30, handWrittenEvery: 25 })
  const git = (...a: string[]): string =>
    execFileSync('git', ['-C', dir, '-c', 'user.name=bench', '-c', 'user.email=b@b', ...a], { encoding: 'utf8' })
  git('init', '-q')
  git('add', '-A')
  git('commit', '-qm', 'history')
  const schema = path.join(dir, 'src', 'schema.ts')
  const original = fs.readFileSync(schema, 'utf8')
  // The pull request: one column declared and no migration generated for it (one new finding).
  const edited = original.replace(/pgTable\("([^"]+)", \{\n/, (m) => `${m}  prColumn: text("pr_column"),\n`)
  if (edited === original) throw new Error('could not edit the schema')
  fs.writeFileSync(schema, edited)
  const kinds: [string, string[]][] = [
    ['server', ['--database-url', SERVER]],
    ['embedded', ['--postgres', 'embedded']]
  ].filter(([kind]) => !ONLY || kind === ONLY) as [string, string[]][]
  // Another pull request: the column and a hand-written migration adding it (both sides differ: nothing shared).
  const journalFile = path.join(dir, 'drizzle', 'meta', '_journal.json')
  const journalText = fs.readFileSync(journalFile, 'utf8')
  const table = /pgTable\("([^"]+)"/.exec(original)![1]
  const withMigration = (): void => {
    const journal = JSON.parse(journalText)
    const last = journal.entries[journal.entries.length - 1]
    const tag = `${String(journal.entries.length).padStart(4, '0')}_pr_column`
    journal.entries.push({
      idx: journal.entries.length,
      version: '7',
      when: last.when + 3_600_000,
      tag,
      breakpoints: true
    })
    fs.writeFileSync(journalFile, JSON.stringify(journal, null, 2))
    fs.writeFileSync(path.join(dir, 'drizzle', `${tag}.sql`), `ALTER TABLE "${table}" ADD COLUMN "pr_column" text;\n`)
  }
  const withoutMigration = (): void => {
    fs.writeFileSync(journalFile, journalText)
    git('clean', '-fdq', 'drizzle')
  }
  type Timing = { wall: number; cpu: number }
  const rows: string[] = []
  const sec = (ms: number): string => `${(ms / 1000).toFixed(2)}`
  // "wall s / CPU s", and the ratio of each to the plain check's.
  const cell = (xs: Timing[], against?: Timing[]): string => {
    const wall = median(xs.map((x) => x.wall))
    const cpu = median(xs.map((x) => x.cpu))
    if (!against) return `${sec(wall)} / ${sec(cpu)}`
    const w = wall / median(against.map((x) => x.wall))
    const c = cpu / median(against.map((x) => x.cpu))
    return `${sec(wall)} / ${sec(cpu)} (${w.toFixed(2)}× / ${c.toFixed(2)}×)`
  }
  const withBase = (pg: string[]): string[] => [...pg, '--base', 'HEAD', '--new-only']
  for (const [kind, pg] of kinds) {
    for (const argv of [pg, withBase(pg)]) timeCheck(dir, argv) // warm the caches
    // Alternated, so that both see the same load.
    const plain: Timing[] = []
    const base: Timing[] = []
    for (let i = 0; i < RUNS; i++) {
      plain.push(timeCheck(dir, pg))
      base.push(timeCheck(dir, withBase(pg)))
      process.stderr.write('.')
    }
    // A change outside the database files: nothing under the folder differs (here: the same tree), no worktree.
    fs.writeFileSync(schema, original)
    const unchanged: Timing[] = []
    const unchangedPlain: Timing[] = []
    for (let i = 0; i < RUNS; i++) {
      unchangedPlain.push(timeCheck(dir, pg))
      unchanged.push(timeCheck(dir, withBase(pg)))
    }
    fs.writeFileSync(schema, edited)
    withMigration()
    const plainMigration: Timing[] = []
    const baseMigration: Timing[] = []
    timeCheck(dir, withBase(pg))
    for (let i = 0; i < RUNS; i++) {
      plainMigration.push(timeCheck(dir, pg))
      baseMigration.push(timeCheck(dir, withBase(pg)))
    }
    withoutMigration()
    rows.push(
      `| ${kind} | ${cell(plain)} | ${cell(base, plain)} | ${cell(plainMigration)} | ${cell(baseMigration, plainMigration)} | ${cell(unchanged, unchangedPlain)} |`
    )
    process.stderr.write(`\n${rows[rows.length - 1]}\n`)
  }
  process.stderr.write('\n')
  console.log(
    '| Postgres | plain check | --base, schema edited (migrations shared) | plain, schema and a migration added | --base, schema and a migration added | --base, nothing changed (no worktree) |'
  )
  console.log('| --- | --- | --- | --- | --- | --- |')
  for (const row of rows) console.log(row)
  fs.rmSync(dir, { recursive: true, force: true })
}

main().catch((error) => {
  console.error(error)
  process.exit(1)
})
