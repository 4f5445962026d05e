// The hand-over of --base (src/engine/shared-databases.ts) when the side that builds the shared database fails: the
// head announces that it applies the base's migrations and one more, then waits for the base's database to go on
// from; the base fails while building it (a setup that fails, a migration that fails). The head must not wait for
// ever: it builds its own database, and the run ends as a plain check of the head ends, without a hang.
import { execFileSync } from 'node:child_process'
import * as fs from 'node:fs'
import * as path from 'node:path'
import { runCheckWithBase } from '../src/engine/base-check'
import { Report } from '../src/core/findings'
import { runCheck } from '../src/engine/check'
import { EACH_POSTGRES, providerForSuite } from './helpers/postgres'
import { makeProject } from './helpers/project'

const SCHEMA = `import { pgTable, serial, text } from "drizzle-orm/pg-core";

export const users = pgTable("users", {
  id: serial("id").primaryKey(),
  email: text("email").notNull(),
});
`

/** A hand-written migration appended to the journal (what a pull request adding a migration does). */
function addMigration(dir: string, name: string, sql: string): void {
  const journalFile = path.join(dir, 'drizzle', 'meta', '_journal.json')
  const journal = JSON.parse(fs.readFileSync(journalFile, 'utf8'))
  const last = journal.entries[journal.entries.length - 1]
  const tag = `${String(journal.entries.length).padStart(4, '0')}_${name}`
  journal.entries.push({ idx: journal.entries.length, version: '7', when: last.when + 1000, tag, breakpoints: true })
  fs.writeFileSync(journalFile, JSON.stringify(journal, null, 2))
  fs.writeFileSync(path.join(dir, 'drizzle', `${tag}.sql`), sql)
}

/** The project committed as the base, then one migration added on top (the head's). */
function baseAndHead(dir: string): void {
  const git = (...args: string[]): string =>
    execFileSync('git', ['-C', dir, '-c', 'user.name=T', '-c', 'user.email=t@t', ...args], { encoding: 'utf8' })
  git('init', '-q')
  git('add', '-A')
  git('commit', '-qm', 'base')
  addMigration(dir, 'email_index', 'CREATE INDEX "users_email_idx" ON "users" ("email");\n')
}

/** The run's end, or "hung" when it has not ended within a minute (a plain check of these takes about a second). */
async function ended<T>(run: Promise<T>): Promise<{ value: T } | { error: string } | 'hung'> {
  let timer: NodeJS.Timeout | undefined
  const hung = new Promise<'hung'>((resolve) => (timer = setTimeout(() => resolve('hung'), 60_000)))
  try {
    return await Promise.race([
      run.then(
        (value) => ({ value }),
        (error: unknown) => ({ error: (error as Error).message })
      ),
      hung
    ])
  } finally {
    clearTimeout(timer)
  }
}

const outcome = (report: Report): unknown => ({
  findings: report.findings.map(({ new: _new, ...f }) => f),
  databases: report.targets.map((t) => t.databases),
  summary: report.summary
})

describe.each(EACH_POSTGRES)('--base on %s', (_name, createProvider) => {
  const provider = providerForSuite(createProvider)

  test("the base's setup fails while it builds the database the head waits for: the head's own error, no hang", async () => {
    const dir = await makeProject({ steps: [SCHEMA], name: 'handover-setup' })
    fs.writeFileSync(path.join(dir, 'setup.sql'), 'CREATE SCHEMA auth;\nSELECT 1/0;\n')
    fs.writeFileSync(
      path.join(dir, 'drift-guard.config.json'),
      JSON.stringify({ targets: [{ name: 'app', drizzleConfig: 'drizzle.config.ts', setup: ['setup.sql'] }] })
    )
    baseAndHead(dir)
    const logs: string[] = []
    const withBase = await ended(runCheckWithBase({ root: dir, provider, base: 'HEAD', log: (l) => logs.push(l) }))
    const plain = await ended(runCheck({ root: dir, provider }))
    expect(plain).toEqual({
      error: expect.stringMatching(/setup\.sql:2: setup SQL of target "app" fails: division by zero/)
    })
    // The setup fails on both sides: it is this commit's failure, said as a plain check says it (not the base's).
    expect(withBase).toEqual(plain)
    expect(logs.some((l) => l.startsWith('base: '))).toBe(true)
  })

  test("the base's migration fails in the database the head would go on from: the head builds its own, as a plain check", async () => {
    const dir = await makeProject({ steps: [SCHEMA], name: 'handover-migration' })
    addMigration(dir, 'broken', 'SELECT 1/0;\n')
    baseAndHead(dir)
    const logs: string[] = []
    const withBase = await ended(runCheckWithBase({ root: dir, provider, base: 'HEAD', log: (l) => logs.push(l) }))
    expect(withBase).not.toBe('hung')
    expect(withBase).not.toHaveProperty('error')
    const report = (withBase as { value: Report }).value
    expect(logs).toContain('base:   default: 0001_broken failed: division by zero')
    expect(logs.some((l) => l.includes('went on from'))).toBe(false)
    expect(outcome(report)).toEqual(outcome(await runCheck({ root: dir, provider, base: 'HEAD' })))
    expect(report.findings.find((f) => f.kind === 'migration_failed')?.message).toMatch(
      /0001_broken failed at drizzle\/0001_broken\.sql:1: division by zero/
    )
  })
})
