// The README's example of the job summary and the pull-request comment is exact: docs/examples/ holds what the
// action renders for examples/saas, compared here with a fresh run (UPDATE_GOLDEN=1 rewrites the files).
import { execFileSync } from 'node:child_process'
import * as fs from 'node:fs'
import * as path from 'node:path'
import { commentMarker } from '../src/action/comment'
import { COMMENT_MAX_LENGTH } from '../src/action/constants'
import { runCheckWithBase } from '../src/engine/base-check'
import { checkProject, runCheck } from '../src/engine/check'
import { repairInAction, repairMarkdown } from '../src/action/fix'
import { PgliteProvider } from '../src/postgres/pglite'
import { renderMarkdown } from '../src/report/render'
import { REPO, tempDir } from './helpers/project'

const FILE_URL = 'https://github.com/OWNER/REPO/blob/SHA/'
const golden = (name: string): string => path.join(REPO, 'docs', 'examples', name)

function expectGolden(name: string, actual: string): void {
  if (process.env.UPDATE_GOLDEN === '1') {
    fs.mkdirSync(path.dirname(golden(name)), { recursive: true })
    fs.writeFileSync(golden(name), actual)
  }
  expect(actual).toBe(fs.readFileSync(golden(name), 'utf8'))
}

test('the job summary and the sticky comment for examples/saas are exactly docs/examples/summary.md and comment.md (the corrective migration and its command included)', async () => {
  const provider = new PgliteProvider()
  try {
    const root = path.join(REPO, 'examples', 'saas')
    const checked = await checkProject({ root, provider })
    const { report } = checked
    // As src/action/main.ts renders them (the comment body is prefixed with its marker by upsertComment).
    const repair = repairInAction(checked, { workspace: root, fix: false, run: { root } }, '', Date.UTC(2026, 0, 1))
    expect(repair?.command).toBe('npx drizzle-drift-guard fix')
    expectGolden(
      'summary.md',
      renderMarkdown(report, { fileUrl: FILE_URL, details: true }) + `\n${repairMarkdown(repair!)}`
    )
    const fixSection = `\n${repairMarkdown(repair!, COMMENT_MAX_LENGTH / 2)}`
    const comment = renderMarkdown(report, {
      fileUrl: FILE_URL,
      maxLength: COMMENT_MAX_LENGTH - fixSection.length,
      fullReportHint: 'See the job summary of run 42 for the full report.'
    })
    expectGolden('comment.md', `${commentMarker('.:drift-guard.config.json')}\n${comment}${fixSection}`)
  } finally {
    await provider.dispose()
  }
})

test('with a baseline accepting the five missing columns, the summary lists them in their own collapsed section: docs/examples/summary-accepted.md', async () => {
  const provider = new PgliteProvider()
  try {
    const report = await runCheck({
      root: path.join(REPO, 'examples', 'saas'),
      provider,
      baseline: path.join('..', '..', 'docs', 'examples', 'saas.baseline.json')
    })
    expect(report.baseline).toMatchObject({ entries: 5, accepted: 5, stale: 0 })
    expectGolden('summary-accepted.md', renderMarkdown(report, { fileUrl: FILE_URL, details: true }))
  } finally {
    await provider.dispose()
  }
})

test('a pull request against its base: the summary and the comment open with the delta line, docs/examples/summary-delta.md and comment-delta.md', async () => {
  const dir = tempDir('golden-delta-')
  fs.cpSync(path.join(REPO, 'examples', 'saas'), dir, { recursive: true, filter: (s) => !s.includes('node_modules') })
  const git = (...args: string[]): string =>
    execFileSync('git', ['-C', dir, '-c', 'user.name=T', '-c', 'user.email=t@t', ...args], { encoding: 'utf8' })
  git('init', '-q', '-b', 'main')
  git('add', '-A')
  git('commit', '-qm', 'drifting already')
  git('checkout', '-qb', 'pull-request')
  // The pull request declares one more column and generates no migration for it.
  const schema = path.join(dir, 'packages', 'database', 'src', 'master', 'schema.ts')
  fs.writeFileSync(
    schema,
    fs
      .readFileSync(schema, 'utf8')
      .replace(/(pgTable\("organizations", \{\n)/, '$1  billingEmail: text("billing_email"),\n')
  )
  const provider = new PgliteProvider()
  try {
    const report = await runCheckWithBase({ root: dir, provider, base: 'main', newOnly: true })
    expect(report.base).toMatchObject({ introduced: 2, fixed: 0, existing: 6 })
    expectGolden('summary-delta.md', renderMarkdown(report, { fileUrl: FILE_URL, details: true }))
    const comment = renderMarkdown(report, {
      fileUrl: FILE_URL,
      maxLength: COMMENT_MAX_LENGTH,
      fullReportHint: 'See the job summary of run 42 for the full report.'
    })
    expectGolden('comment-delta.md', `${commentMarker('.:drift-guard.config.json')}\n${comment}`)
  } finally {
    await provider.dispose()
  }
})
