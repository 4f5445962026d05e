// Secrets never printed (issue 11, point 9): the database URL's password is masked whatever form the URL was
// written in, also in the server's echo of it, in the CLI's output and the action's log, summary and outputs.
import { maskerOf, secretsOfUrl } from '../src/core/secrets'
import { tempDir, writeJournalProject } from './helpers/project'
import { runActionSource, runSource } from './helpers/source-run'

const PW = 'Pw9secretX'

describe('secretsOfUrl', () => {
  test.each([
    [`postgres://u:${PW}@h:5432/db`],
    [`postgres:/u:${PW}@h:5432/db`],
    [`postgres:u:${PW}@h`],
    [`u:${PW}@h/db`],
    [`host=h user=u password=${PW}`],
    [`host=h user=u password='${PW}'`],
    [`postgres://u@h/db?password=${PW}`],

    [`hello:${PW}`]
  ])('the password of %s is masked in any text that quotes it', (url) => {
    const mask = maskerOf(secretsOfUrl(url))
    const text = `cannot connect to ${url}: database "${PW}" does not exist (${decodeURIComponent(url)})`
    expect(mask(text)).not.toContain(PW)
    expect(mask(text)).toContain('cannot connect to')
  })

  test('a percent-encoded password is masked encoded and decoded', () => {
    const secret = `${PW}/@`
    const url = `postgres://u:${encodeURIComponent(secret)}@h/db`
    const mask = maskerOf(secretsOfUrl(url))
    expect(mask(`${url} or "${secret}"`)).toBe('postgres://u:***@h/db or "***"')
  })

  test('a well-formed URL keeps its host and user readable', () => {
    const mask = maskerOf(secretsOfUrl(`postgres://app:${PW}@db.example:5432/main`))
    expect(mask(`postgres://app:${PW}@db.example:5432/main`)).toBe('postgres://app:***@db.example:5432/main')
  })
})

describe('end to end', () => {
  const project = (): string =>
    writeJournalProject(
      tempDir('dg-safety-secrets-'),
      "export default { dialect: 'postgresql', schema: './schema.ts', out: './drizzle' }\n",
      {
        'schema.ts':
          "import { pgTable, integer } from 'drizzle-orm/pg-core'\nexport const t = pgTable('t', { id: integer('id') })\n",
        'drizzle/0000_init.sql': 'CREATE TABLE "t" ("id" integer);\n'
      }
    )
  const env = { ...process.env, DRIFT_GUARD_DATABASE_URL: '' }

  test.each([
    // The server's echo: trust auth ignores the password, and the database named by it does not exist.
    [`postgres://postgres:${PW}@127.0.0.1:5432/${PW}`, 3],
    [`postgres:/u:${PW}@127.0.0.1:5432/db`, 3],
    // No slash at all: the driver reads "ostgres:PW@127.0.0.1" as the database name, the server echoes it.
    [`postgres:postgres:${PW}@127.0.0.1`, 3]
  ])('the CLI prints no password of %s (exit %d)', async (url, status) => {
    const r = await runSource('cli.ts', ['check', '--format', 'json', '--database-url', url], { cwd: project(), env })
    expect(r.status).toBe(status)
    expect(r.stdout + r.stderr).not.toContain(PW)
    expect(JSON.parse(r.stdout).error.outcome).toBe('database-unavailable')
  })

  test('the action registers the password with the runner and prints it nowhere else', async () => {
    const r = await runActionSource(project(), {
      'database-url': `host=127.0.0.1 user=u password=${PW}`,
      comment: 'false'
    })
    expect(r.status).toBe(1)
    expect(r.stdout).toContain(`::add-mask::${PW}`)
    const elsewhere = r.stdout.split('\n').filter((l) => !l.startsWith('::add-mask::'))
    expect(elsewhere.join('\n') + r.stderr + r.summary + JSON.stringify(r.outputs)).not.toContain(PW)
    expect(r.outputs.outcome).toBe('database-unavailable')
  })
})
