// A gate that never passes by accident (issue 11, points 1 and 4): the process ends with the verdict of a complete
// run or fails; process.exit() called by the project's code is refused, in the CLI and in the action.
import { spawnSync } from 'node:child_process'
import * as fs from 'node:fs'
import * as net from 'node:net'
import * as path from 'node:path'
import { REPO, tempDir, writeJournalProject } from './helpers/project'
import { SERVER_URL } from './helpers/postgres'
import { runActionSource, runSource } from './helpers/source-run'

function projectWhoseSchemaCalls(exitCall: string): string {
  return writeJournalProject(
    tempDir('dg-safety-exit-'),
    "export default { dialect: 'postgresql', schema: './schema.ts', out: './drizzle' }\n",
    {
      'schema.ts': `import { pgTable, integer } from 'drizzle-orm/pg-core'\n${exitCall}\nexport const t = pgTable('t', { id: integer('id') })\n`,
      'drizzle/0000_init.sql': 'CREATE TABLE "t" ("id" integer);\n'
    }
  )
}

const noUrl = { ...process.env, DRIFT_GUARD_DATABASE_URL: '', DRIFT_GUARD_NO_CACHE: '1' }

describe('process.exit() in a schema', () => {
  test.each([
    ['process.exit(0)', 'embedded'],
    ['process.exit(1)', 'server']
  ])('%s ends the CLI with bad input (exit 2, a JSON error document), never 0 or 1 (%s)', async (call, postgres) => {
    const dir = projectWhoseSchemaCalls(call)
    const args = ['check', '--format', 'json', '--postgres', postgres]
    if (postgres === 'server') args.push('--database-url', SERVER_URL)
    const r = await runSource('cli.ts', args, { cwd: dir, env: noUrl })
    expect(r.status).toBe(2)
    const document = JSON.parse(r.stdout)
    expect(document).toMatchObject({ ok: false, error: { outcome: 'bad-input' } })
    expect(document.error.message).toContain(call)
  })

  test('the action sets outcome bad-input and fails the step', async () => {
    const dir = projectWhoseSchemaCalls('process.exit(0)')
    const r = await runActionSource(dir, { postgres: 'embedded', comment: 'false' }, { DRIFT_GUARD_NO_CACHE: '1' })
    expect(r.status).toBe(1)
    expect(r.outputs.outcome).toBe('bad-input')
    expect(r.stdout).toMatch(/::error.*process\.exit\(0\)/)
  })
})

describe('the exit guard', () => {
  const hook = require.resolve('sucrase/register/ts')
  const guard = path.join(REPO, 'src', 'run', 'exit-guard.ts')
  const script = (body: string): ReturnType<typeof spawnSync> =>
    spawnSync(
      process.execPath,
      [
        '-r',
        hook,
        '-e',
        `const { guardExit } = require(${JSON.stringify(guard)}); const g = guardExit({ failureCode: (o) => (o === 'database-unavailable' ? 3 : 2), report: (r, o) => process.stderr.write('REPORTED ' + o + ' ' + r + '\\n') }); ${body}`
      ],
      { encoding: 'utf8', timeout: 30_000 }
    )

  test('a run whose event loop runs dry before the verdict ends with the failure code, not 0', () => {
    const r = script('new Promise(() => undefined)')
    expect(r.status).toBe(2)
    expect(r.stderr).toMatch(
      /REPORTED internal-error internal error: the process ended \(code 0\) before the run was complete/
    )
  })

  test('a rejected promise before the verdict ends with the failure code, not 1', () => {
    const r = script("Promise.reject(new Error('gone'))")
    expect(r.status).toBe(2)
    expect(r.stderr).toContain('REPORTED internal-error internal error: gone')
  })

  // postgres.js rejects with the server's SQLSTATE or its own code; a query nobody awaited (a session's own type
  // fetch, a cancel) rejects outside any caller.
  test.each([
    ['"too many clients" (53300)', "Object.assign(new Error('sorry, too many clients already'), { code: '53300' })"],
    [
      'a terminated session (57P01)',
      "Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' })"
    ],
    [
      'a connection closed (CONNECTION_CLOSED)',
      "Object.assign(new Error('write CONNECTION_CLOSED'), { code: 'CONNECTION_CLOSED' })"
    ]
  ])('a lost connection that escapes, %s, is database-unavailable (exit 3), not an internal error', (_, error) => {
    const r = script(`Promise.reject(${error})`)
    expect(r.status).toBe(3)
    expect(r.stderr).toMatch(/REPORTED database-unavailable database unavailable: /)
  })

  test('the CLI says database-unavailable in its JSON error document when a connection error escapes', () => {
    // The CLI's own guard, installed by src/cli.ts before anything runs: a rejection nobody awaits, after start-up.
    const r = spawnSync(
      process.execPath,
      [
        '-r',
        hook,
        '-e',
        `process.argv.splice(1, 0, 'cli', 'check', '--format', 'json', '--database-url', 'postgres://u:s3cretpw@127.0.0.1:1/x'); setImmediate(() => Promise.reject(Object.assign(new Error('password s3cretpw: too many clients already'), { code: '53300' }))); require(${JSON.stringify(path.join(REPO, 'src', 'cli.ts'))})`
      ],
      { encoding: 'utf8', timeout: 60_000, env: { ...process.env, DRIFT_GUARD_NO_CACHE: '1' } }
    )
    expect(r.status).toBe(3)
    expect(JSON.parse(r.stdout).error).toMatchObject({
      outcome: 'database-unavailable',
      message: 'database unavailable: password ***: too many clients already'
    })
    expect(r.stdout + r.stderr).not.toContain('s3cretpw')
  })

  test("the action's guard sets outcome database-unavailable and fails the step when a connection error escapes", () => {
    const runner = tempDir('dg-safety-exit-runner-')
    const output = path.join(runner, 'output')
    fs.writeFileSync(output, '')
    const workspace = projectWhoseSchemaCalls('')
    const r = spawnSync(
      process.execPath,
      [
        '-r',
        hook,
        '-e',
        `setImmediate(() => Promise.reject(Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' }))); require(${JSON.stringify(path.join(REPO, 'src', 'index.ts'))})`
      ],
      {
        encoding: 'utf8',
        timeout: 60_000,
        cwd: workspace,
        env: {
          PATH: process.env.PATH,
          HOME: process.env.HOME,
          GITHUB_WORKSPACE: workspace,
          GITHUB_OUTPUT: output,
          RUNNER_TEMP: runner,
          DRIFT_GUARD_NO_CACHE: '1',
          INPUT_POSTGRES: 'embedded',
          INPUT_COMMENT: 'false'
        }
      }
    )
    expect(r.status).toBe(1)
    expect(r.stdout).toContain('::error::drift-guard: database unavailable: terminating connection')
    expect(fs.readFileSync(output, 'utf8')).toMatch(/^outcome<<(.+)\ndatabase-unavailable\n\1$/m)
  })

  test('after the verdict, a stray process.exit(0) or rejection does not change it', () => {
    const r = script("g.finish(1); Promise.reject(new Error('late')); process.exit(0)")
    expect(r.status).toBe(1)
    expect(r.stderr).not.toContain('REPORTED')
  })
})

// postgres.js fetches the server's array types as a connection opens, in a query nobody awaits: a connection lost
// during it rejected outside any caller (exit 2, internal-error, on "too many clients" and restarts), and one closed
// during it made postgres.js reconnect for ever. The tool's sessions no longer fetch them: one connection per server
// reads them, within the connecting time limit, and a loss there is the database's (exit 3).
describe("postgres.js's types query", () => {
  /** A relay on loopback to the test server that counts the connections sending the types query, and may cut them. */
  async function typesQueryRelay(
    cut?: 'reset' | 'close'
  ): Promise<{ url: string; typesQueries: () => number; close: () => void }> {
    const target = new URL(SERVER_URL)
    let typesQueries = 0
    const sockets = new Set<net.Socket>()
    const relay = net.createServer((client) => {
      const upstream = net.connect(Number(target.port || 5432), target.hostname)
      sockets.add(client).add(upstream)
      const end = (): void => void (client.destroy(), upstream.destroy())
      client.on('data', (chunk) => {
        if (chunk.toString('latin1').includes('b.typarray')) {
          typesQueries++
          // RST: the client sees ECONNRESET (the query is rejected); FIN: it sees the connection closed.
          if (cut === 'reset') return void (client.resetAndDestroy(), upstream.destroy())
          if (cut === 'close') return end()
        }
        upstream.write(chunk)
      })
      upstream.pipe(client)
      client.on('error', end).on('close', end)
      upstream.on('error', end).on('close', end)
    })
    await new Promise<void>((resolve) => relay.listen(0, '127.0.0.1', resolve))
    const url = new URL(SERVER_URL)
    url.port = String((relay.address() as net.AddressInfo).port)
    return {
      url: url.toString(),
      typesQueries: () => typesQueries,
      close: () => {
        for (const s of sockets) s.destroy()
        relay.close()
      }
    }
  }

  const check = (url: string): ReturnType<typeof runSource> =>
    runSource('cli.ts', ['check', '--format', 'json', '--database-url', url], {
      cwd: projectWhoseSchemaCalls(''),
      env: noUrl,
      timeoutMs: 60_000
    })

  test('one connection of a run asks for the types, however many sessions the run opens', async () => {
    const relay = await typesQueryRelay()
    try {
      const r = await check(relay.url)
      expect(r.status).toBe(0)
      // The admin session, the migrated database's, the schema's database's, the owner role's: one asks.
      expect(relay.typesQueries()).toBe(1)
    } finally {
      relay.close()
    }
  })

  test.each(['reset', 'close'] as const)(
    'a connection %s during it ends the run with exit 3 (database-unavailable), never 2, never a hang',
    async (cut) => {
      const relay = await typesQueryRelay(cut)
      try {
        const r = await check(relay.url)
        expect(r.status).toBe(3)
        expect(JSON.parse(r.stdout).error.outcome).toBe('database-unavailable')
        expect(r.stderr).not.toMatch(/internal error/)
      } finally {
        relay.close()
      }
    }
  )
})
