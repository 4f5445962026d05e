#!/usr/bin/env node
// Entry point of the CLI (dist/cli.js). Only the report goes to stdout: anything a library prints while the
// check runs is sent to stderr, so `--format json` output can be piped as is.
//
// With a server, the first CREATE DATABASE is the slowest step on the critical path (35-180 ms), so it is sent
// before the rest of the CLI (sucrase, the engine, the reporters: ~50 ms of start-up) is even evaluated: only the
// server provider is imported here, the rest is required once the statement is on its way.
import { enableCompileCache } from './compile-cache'
import { interruptedBy } from './core/interrupt'
import type { PostgresProvider } from './postgres/provider'
import { ServerProvider } from './postgres/server'

enableCompileCache()
const stdoutWrite = process.stdout.write.bind(process.stdout)
process.stdout.write = process.stderr.write.bind(process.stderr) as typeof process.stdout.write

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
      stdout: (text) => void (interruptedBy() ? undefined : stdoutWrite(text)),
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
    stdoutWrite('', () => process.exit(code))
  },
  (error: unknown) => {
    process.stderr.write(`drift-guard: internal error: ${(error as Error)?.message ?? String(error)}\n`)
    process.exit(2)
  }
)
