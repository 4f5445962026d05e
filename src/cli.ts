#!/usr/bin/env node
// Entry point of the CLI (dist/cli.js). Only the report goes to stdout: anything a library prints while the
// check runs is sent to stderr, so `--format json` output can be piped as is.
//
// With a server, the first CREATE DATABASE is the slowest step on the critical path (35-180 ms), so it is sent
// before the rest of the CLI (sucrase, the engine, the reporters: ~50 ms of start-up) is even evaluated: only the
// server provider is imported here, the rest is required once the statement is on its way.
import { enableCompileCache } from './compile-cache'
import { interruptedBy } from './core/interrupt'
import { maskerOf, secretsOfUrl } from './core/secrets'
import type { PostgresProvider } from './postgres/provider'
import { ServerProvider } from './postgres/server'
import { escapedOutcome, guardExit } from './run/exit-guard'
import { describeError } from './core/errors'

enableCompileCache()
const stdoutWrite = process.stdout.write.bind(process.stdout)
process.stdout.write = process.stderr.write.bind(process.stderr) as typeof process.stdout.write
let printed = false
const wantsJson = process.argv.some((a, i, all) => a === '--format=json' || (a === '--format' && all[i + 1] === 'json'))
// Installed before anything of the project can run: its process.exit() is refused, and no way out but the verdict's
// ends with 0 or 1.
// A connection lost that way is exit 3 (database unavailable), as when the run catches it.
const guard = guardExit({
  failureCode: (outcome) => (outcome === 'database-unavailable' ? 3 : 2),
  report: (reason, outcome) => {
    const message = maskUrlsGiven(reason)
    process.stderr.write(`drift-guard: ${message}\n`)
    if (wantsJson && !printed)
      stdoutWrite(JSON.stringify({ version: 1, ok: false, error: { outcome, message } }, null, 2) + '\n')
  }
})

/** The text without the passwords of the URLs given (a server may echo one in an error). */
function maskUrlsGiven(text: string): string {
  const argv = process.argv.slice(2)
  const urls = [process.env.DRIFT_GUARD_DATABASE_URL]
  for (let i = 0; i < argv.length; i++) {
    const option = /^--(database-url|tenant-url-template)(=(.*))?$/.exec(argv[i])
    if (option) urls.push(option[2] ? option[3] : argv[++i])
  }
  return maskerOf(urls.flatMap((url) => secretsOfUrl(url)))(text)
}

/** `check` with a server URL (option or environment) and no other --postgres: the URL; else undefined. */
function serverUrlOfCheck(argv: string[], env: NodeJS.ProcessEnv): string | undefined {
  if (argv[0] !== 'check' || argv.some((a) => ['-h', '--help', '-v', '--version'].includes(a))) return undefined
  let url = env.DRIFT_GUARD_DATABASE_URL || undefined
  for (let i = 1; i < argv.length; i++) {
    const arg = argv[i]
    if (arg === '--database-url') url = argv[++i]
    else if (arg.startsWith('--database-url=')) url = arg.slice('--database-url='.length)
    else if (
      (arg === '--postgres' && argv[i + 1] !== 'server') ||
      (arg.startsWith('--postgres=') && arg !== '--postgres=server')
    )
      return undefined
  }
  return url
}

async function earlyServer(
  argv: string[],
  env: NodeJS.ProcessEnv
): Promise<{ provider: PostgresProvider; databaseUrl: string } | undefined> {
  const databaseUrl = serverUrlOfCheck(argv, env)
  if (!databaseUrl) return undefined
  let provider: ServerProvider
  try {
    provider = new ServerProvider(databaseUrl)
  } catch {
    return undefined // a URL that is not one: the full run reports it
  }
  await provider.warm(['check'])
  return { provider, databaseUrl }
}

void (async () => {
  const argv = process.argv.slice(2)
  const prepared = await earlyServer(argv, process.env)
  // Evaluated only now, after the early CREATE DATABASE.
  const { runCli } = require('./cli/main') as typeof import('./cli/main')
  return runCli(
    argv,
    {
      // After SIGINT/SIGTERM the run is abandoned: its (partial) report is not printed.
      stdout: (text) => void (interruptedBy() ? undefined : ((printed = true), stdoutWrite(text))),
      stderr: (text) => void process.stderr.write(text),
      env: process.env
    },
    prepared
  )
})().then(
  (code) => {
    // The signal handler exits once the cleanup is done.
    if (interruptedBy()) return
    // Let stdout drain before exiting: a piped report must arrive whole.
    guard.finish(code, (done) => void stdoutWrite('', done))
  },
  (error: unknown) => {
    const outcome = escapedOutcome(error)
    process.stderr.write(`drift-guard: ${outcome.replace('-', ' ')}: ${maskUrlsGiven(describeError(error))}\n`)
    guard.finish(outcome === 'database-unavailable' ? 3 : 2)
  }
)
