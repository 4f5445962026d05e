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

function inventory(dir: string, format: 'markdown' | 'json'): { ms: number; stdout: string } {
  const start = performance.now()
  const stdout = execFileSync(process.execPath, [CLI, 'inventory', '--format', format], {
    cwd: dir,
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024
  })
  return { ms: performance.now() - start, stdout }
}

async function main(): Promise<void> {
  if (!fs.existsSync(CLI)) throw new Error('dist/cli.js is missing: npm run bundle')
  const dir = path.join(REPO, '.tmp', 'bench-inventory-300')
  fs.rmSync(dir, { recursive: true, force: true })
  fs.mkdirSync(dir, { recursive: true })
  process.stderr.write('generating history-300 (300 migrations, 150 tables, 30 enums)…\n')
  await generateHistory(dir, { tables: 150, migrations: 300, enums: 30, handWrittenEvery: 25 })
  const warm = inventory(dir, 'json')
  const document = JSON.parse(warm.stdout) as { targets: { diagrams: { mermaid: string }[]; history: unknown[] }[] }
  const times: number[] = []
  let markdown = ''
  for (let i = 0; i < RUNS; i++) {
    const r = inventory(dir, 'markdown')
    times.push(r.ms)
    markdown = r.stdout
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
    `history-300: inventory median ${(times[Math.floor(times.length / 2)] / 1000).toFixed(2)} s ` +
      `(min ${(times[0] / 1000).toFixed(2)}, max ${(times[times.length - 1] / 1000).toFixed(2)}, ${RUNS} runs, cache warm); ` +
      `first run ${(warm.ms / 1000).toFixed(2)} s; ${document.targets[0].history.length} migrations; ` +
      `markdown ${(markdown.length / 1024).toFixed(0)} KB; ${diagrams.length} diagram(s), ${errors.length} parse error(s)`
  )
  for (const e of errors) console.log(`  ${e.split('\n')[0]}`)
  fs.rmSync(dir, { recursive: true, force: true })
}

void main()
