// `drift-guard inventory` on the largest generated project (300 migrations, 150 tables, 30 enums), with the schema
// cache warm (one run first), on the bundled CLI and the embedded Postgres, as a user runs it; and its diagrams
// parsed by the real mermaid parser (they must render, not only be written).
//   npm run bench:inventory [-- --runs 5]
import { execFileSync, spawnSync } from 'node:child_process'
import * as fs from 'node:fs'
import * as path from 'node:path'
import { generateHistory } from './generate-history'

const REPO = path.resolve(__dirname, '..')
const CLI = path.join(REPO, 'dist', 'cli.js')
const runsArg = process.argv.indexOf('--runs')
const RUNS = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 5

function timed(dir: string, args: string[]): { ms: number; stdout: string } {
  const start = performance.now()
  let stdout: string
  try {
    stdout = execFileSync(process.execPath, [CLI, ...args], {
      cwd: dir,
      encoding: 'utf8',
      maxBuffer: 256 * 1024 * 1024
    })
  } catch (error) {
    // check exits 1 on drift (the generated history has none, but a report is a report).
    stdout = String((error as { stdout?: string }).stdout ?? '')
  }
  return { ms: performance.now() - start, stdout }
}
const inventory = (dir: string, format: 'markdown' | 'json') => timed(dir, ['inventory', '--format', format])
const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]

async function main(): Promise<void> {
  if (!fs.existsSync(CLI)) throw new Error('dist/cli.js is missing: npm run bundle')
  const dir = path.join(REPO, '.tmp', 'bench-inventory-300')
  fs.rmSync(dir, { recursive: true, force: true })
  fs.mkdirSync(dir, { recursive: true })
  process.stderr.write('generating history-300 (300 migrations, 150 tables, 30 enums)…\n')
  await generateHistory(dir, { tables: 150, migrations: 300, enums: 30, handWrittenEvery: 25 })
  const warm = inventory(dir, 'json')
  const document = JSON.parse(warm.stdout) as { targets: { diagrams: { mermaid: string }[]; history: unknown[] }[] }
  // Alternated with the check of the same project, so that both see the same load on the machine.
  const times: number[] = []
  const checks: number[] = []
  let markdown = ''
  for (let i = 0; i < RUNS; i++) {
    const r = inventory(dir, 'markdown')
    times.push(r.ms)
    markdown = r.stdout
    checks.push(timed(dir, ['check', '--format', 'json']).ms)
  }
  times.sort((a, b) => a - b)
  const diagrams = document.targets.flatMap((t) => t.diagrams.map((d) => d.mermaid))
  const parsed = spawnSync(process.execPath, [path.join(REPO, '__tests__', 'helpers', 'mermaid-parse.mjs')], {
    input: JSON.stringify(diagrams),
    encoding: 'utf8',
    cwd: REPO
  })
  const errors = (JSON.parse(parsed.stdout) as (string | null)[]).filter((e) => e !== null)
  console.log(
    `history-300: inventory median ${(median(times) / 1000).toFixed(2)} s ` +
      `(min ${(times[0] / 1000).toFixed(2)}, max ${(times[times.length - 1] / 1000).toFixed(2)}, ${RUNS} runs, cache warm); ` +
      `first run ${(warm.ms / 1000).toFixed(2)} s; ${document.targets[0].history.length} migrations; ` +
      `markdown ${(markdown.length / 1024).toFixed(0)} KB; ${diagrams.length} diagram(s), ${errors.length} parse error(s); ` +
      `check of the same project median ${(median(checks) / 1000).toFixed(2)} s`
  )
  for (const e of errors) console.log(`  ${e.split('\n')[0]}`)
  fs.rmSync(dir, { recursive: true, force: true })
}

void main()
