// One of the project's own commands (`npm run db:init`) run in a shell against a migrated throwaway database. Its
// output is captured, never passed through: stdout may be the report (--format json). It runs in a process group
// of its own, so that the time limit and a signal stop everything it started (npm, node, psql…).
import { spawn } from 'node:child_process'
import { onInterrupt } from '../core/interrupt'

export interface CommandRun {
  command: string
  /** undefined when it was stopped (time limit) or could not start. */
  exitCode?: number
  timedOut: boolean
  /** The shell found no such command (exit 127), or the process could not start. */
  notFound: boolean
  /** Its last lines of output (stdout and stderr, as they came). */
  tail: string[]
  /** Lines that read as a Postgres error, wherever they were in the output (the first few). */
  errorLines: string[]
  /** Why it could not start, when it could not. */
  startError?: string
  durationMs: number
}

export interface CommandOptions {
  cwd: string
  env: NodeJS.ProcessEnv
  timeoutMs: number
  /** Each line of output, as it comes (the verbose log). */
  onLine?: (line: string) => void
}

const TAIL_LINES = 12
const ERROR_LINES = 5
/** Lines a Postgres error is reported in, by drivers (postgres.js, node-postgres), psql and ORMs. */
const POSTGRES_ERROR =
  /(does not exist|violates|invalid input (value|syntax)|already exists|syntax error at or near|permission denied|is of type|cannot be cast|value too long|out of range)/i
/** After the time limit: SIGTERM, then SIGKILL if it is still there this much later. */
const KILL_GRACE_MS = 2000

export function runCommand(command: string, options: CommandOptions): Promise<CommandRun> {
  const started = performance.now()
  const tail: string[] = []
  const errorLines: string[] = []
  const take = (line: string): void => {
    const text = line.replace(/\s+$/, '')
    if (!text) return
    options.onLine?.(text)
    tail.push(text)
    if (tail.length > TAIL_LINES) tail.shift()
    if (errorLines.length < ERROR_LINES && POSTGRES_ERROR.test(text)) errorLines.push(text.trim())
  }
  return new Promise((resolve) => {
    let timedOut = false
    let settled = false
    const child = spawn(command, {
      cwd: options.cwd,
      env: options.env,
      shell: true,
      detached: process.platform !== 'win32',
      stdio: ['ignore', 'pipe', 'pipe']
    })
    const killGroup = (signal: NodeJS.Signals): void => {
      if (child.pid === undefined) return
      try {
        if (process.platform === 'win32') child.kill(signal)
        else process.kill(-child.pid, signal)
      } catch {
        // already gone
      }
    }
    const forgetInterrupt = onInterrupt(async () => killGroup('SIGKILL'))
    let killTimer: NodeJS.Timeout | undefined
    const limit = setTimeout(() => {
      timedOut = true
      killGroup('SIGTERM')
      killTimer = setTimeout(() => killGroup('SIGKILL'), KILL_GRACE_MS)
    }, options.timeoutMs)
    for (const stream of [child.stdout, child.stderr]) {
      let partial = ''
      stream.setEncoding('utf8')
      stream.on('data', (chunk: string) => {
        const lines = (partial + chunk).split(/\r?\n/)
        partial = lines.pop() ?? ''
        for (const line of lines) take(line)
      })
      stream.on('end', () => partial && take(partial))
    }
    const finish = (exitCode: number | undefined, startError?: string): void => {
      if (settled) return
      settled = true
      clearTimeout(limit)
      clearTimeout(killTimer)
      forgetInterrupt()
      resolve({
        command,
        ...(exitCode === undefined ? {} : { exitCode }),
        timedOut,
        notFound: exitCode === 127 || startError !== undefined,
        tail,
        errorLines,
        ...(startError ? { startError } : {}),
        durationMs: Math.round(performance.now() - started)
      })
    }
    child.on('error', (error) => finish(undefined, error.message))
    // Whatever it started and left behind (a server, a watcher) goes with it: its pipes would keep 'close' away.
    child.on('exit', () => killGroup('SIGKILL'))
    child.on('close', (code) => finish(timedOut || code === null ? undefined : code))
  })
}
