#!/usr/bin/env node
// Entry point of the CLI (dist/cli.js). Only the report goes to stdout: anything a library prints while the
// check runs is sent to stderr, so `--format json` output can be piped as is.
import { enableCompileCache } from './compile-cache'
import { runCli } from './cli/main'
import { interruptedBy } from './engine/interrupt'

enableCompileCache()
const stdoutWrite = process.stdout.write.bind(process.stdout)
process.stdout.write = process.stderr.write.bind(process.stderr) as typeof process.stdout.write

runCli(process.argv.slice(2), {
  // After SIGINT/SIGTERM the run is abandoned: its (partial) report is not printed.
  stdout: (text) => void (interruptedBy() ? undefined : stdoutWrite(text)),
  stderr: (text) => void process.stderr.write(text),
  env: process.env
}).then(
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
