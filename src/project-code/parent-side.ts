// The tool's side: the project's code (drizzle configs, schemas) runs in a child process, one per run, started on the
// first request and reused. The child's environment holds no action input, token or database URL; each request has a
// time limit (DRIFT_GUARD_LOAD_TIMEOUT); the child's process.exit() or death is bad input; its output never reaches
// the runner's log raw (./neutralise.ts); only plain data comes back (./protocol.ts). SIGINT/SIGTERM end it at once.
import { ChildProcess, spawn } from 'node:child_process'
import * as fs from 'node:fs'
import { createRequire } from 'node:module'
import * as path from 'node:path'
import { UsageError } from '../core/errors'
import { onInterrupt } from '../core/interrupt'
import { childEnvironment } from '../core/secrets'
import { MAX_SHOWN_BYTES, neutralisedLines } from './neutralise'
import { ChildMessage, reviveError } from './protocol'

/** Seconds a request may take (loading a big schema and drizzle-kit's serialiser on a slow runner takes seconds). */
export const DEFAULT_LOAD_TIMEOUT_SECONDS = 120

export interface ProjectCodeCall {
  /** The handler that answers (see src/project-child.ts). */
  kind: string
  input: unknown
  /** Repository root: files are named relative to it. */
  root: string
  /** What is loaded, for messages: "the drizzle config drizzle.config.ts", "the schema of target app". */
  what: string
  /** The file blamed when no project file was being evaluated (an absolute path). */
  file: string
}

/** DRIFT_GUARD_LOAD_TIMEOUT in seconds (0: none). */
export function loadTimeoutSeconds(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.DRIFT_GUARD_LOAD_TIMEOUT
  if (raw === undefined || raw.trim() === '') return DEFAULT_LOAD_TIMEOUT_SECONDS
  const seconds = Number(raw)
  if (!Number.isFinite(seconds) || seconds < 0)
    throw new UsageError(`DRIFT_GUARD_LOAD_TIMEOUT must be a number of seconds (0: no limit), not "${raw}"`)
  return seconds
}

/** How the child is started: the bundle's dist/project-child.js, or src/project-child.ts with sucrase's hook. */
function childArguments(): string[] {
  const bundled = path.join(__dirname, 'project-child.js')
  if (fs.existsSync(bundled)) return [bundled]
  // A require ncc does not follow: the hook exists only when running from the sources.
  const hook = createRequire(__filename).resolve('sucrase/register/ts')
  return ['-r', hook, path.join(__dirname, '..', 'project-child.ts')]
}

interface Pending {
  id: number
  call: ProjectCodeCall
  resolve: (value: unknown) => void
  reject: (error: Error) => void
  /** The project files being evaluated, innermost last. */
  evaluating: string[]
  timer?: NodeJS.Timeout
}

class ProjectCodeProcess {
  private readonly child: ChildProcess
  private pending?: Pending
  private output = ''
  private truncated = false
  private ended = false
  private nextId = 1
  private readonly ready: Promise<void>

  constructor(
    /** The child's environment (childEnvironment of the tool's at its start). */
    readonly env: NodeJS.ProcessEnv,
    private readonly onEnd: () => void
  ) {
    this.child = spawn(process.execPath, childArguments(), {
      env,
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      serialization: 'json'
    })
    const collect = (chunk: Buffer): void => {
      if (this.output.length >= MAX_SHOWN_BYTES) {
        this.truncated = true
        return
      }
      this.output += chunk.toString('utf8')
    }
    this.child.stdout!.on('data', collect)
    this.child.stderr!.on('data', collect)
    let readied: () => void = () => undefined
    this.ready = new Promise((resolve) => (readied = resolve))
    this.child.on('message', (message: ChildMessage) => {
      if (message?.type === 'ready') readied()
      else this.onMessage(message)
    })
    this.child.on('error', (error) => this.end(`could not be started: ${error.message}`))
    this.child.on('exit', (code, signal) => this.end(signal ? `was killed (${signal})` : `exited with code ${code}`))
    this.idle()
  }

  get alive(): boolean {
    return !this.ended
  }

  async request(call: ProjectCodeCall): Promise<unknown> {
    this.busy()
    const seconds = loadTimeoutSeconds()
    try {
      return await new Promise<unknown>((resolve, reject) => {
        const pending: Pending = { id: this.nextId++, call, resolve, reject, evaluating: [] }
        this.pending = pending
        // The limit counts from the request: the child's own start-up is part of the first one.
        if (seconds > 0)
          pending.timer = setTimeout(() => {
            const file = this.blamed(pending)
            this.fail(
              new UsageError(
                `${file}: ${call.what} did not finish loading within ${seconds} s (the code is stuck, in a loop say); it was stopped. ` +
                  `DRIFT_GUARD_LOAD_TIMEOUT sets the limit (seconds)`,
                file
              )
            )
            this.kill()
          }, seconds * 1000)
        void this.ready.then(() => {
          if (this.pending === pending && !this.ended)
            this.child.send({ id: pending.id, kind: call.kind, input: call.input })
        })
      })
    } finally {
      this.showOutput(call)
      this.idle()
    }
  }

  kill(): void {
    if (!this.ended) this.child.kill('SIGKILL')
  }

  private onMessage(message: ChildMessage): void {
    const pending = this.pending
    if (!pending || !message || typeof message !== 'object') return
    if (message.type === 'enter' && typeof message.file === 'string') pending.evaluating.push(message.file)
    else if (message.type === 'leave') pending.evaluating.pop()
    else if (message.type === 'result' && message.id === pending.id)
      this.settle(pending, () => pending.resolve(message.value))
    else if (message.type === 'error' && message.id === pending.id)
      this.settle(pending, () => pending.reject(reviveError(message.error)))
  }

  private settle(pending: Pending, finish: () => void): void {
    clearTimeout(pending.timer)
    this.pending = undefined
    // What the child printed just before answering may still be in its pipes: read it first.
    setImmediate(finish)
  }

  private fail(error: Error): void {
    const pending = this.pending
    if (!pending) return
    clearTimeout(pending.timer)
    this.pending = undefined
    pending.reject(error)
  }

  private end(why: string): void {
    if (this.ended) return
    this.ended = true
    this.onEnd()
    const pending = this.pending
    if (!pending) return
    const file = this.blamed(pending)
    // Give the pipes their last output before the error is shown.
    setImmediate(() =>
      this.fail(
        new UsageError(
          `${file}: the process loading ${pending.call.what} ${why} before it answered (the project's code ended it: process.exit(), process.kill(), an abort)`,
          file
        )
      )
    )
  }

  private blamed(pending: Pending): string {
    const file = pending.evaluating[pending.evaluating.length - 1] ?? pending.call.file
    const rel = path.relative(pending.call.root, file)
    return rel.startsWith('..') ? file : rel
  }

  /** What the project's code printed during the request, on stderr, neutralised. */
  private showOutput(call: ProjectCodeCall): void {
    if (!this.output) return
    const output = this.output + (this.truncated ? '\n(output cut here)' : '')
    this.output = ''
    this.truncated = false
    const lines = neutralisedLines(output, `drift-guard: loading ${call.what} printed: `)
    process.stderr.write(lines.join('\n') + '\n')
  }

  // While no request is under way the child does not keep the tool's process alive (it is killed on exit).
  private idle(): void {
    this.child.unref()
    this.child.channel?.unref()
    for (const stream of [this.child.stdout, this.child.stderr]) (stream as unknown as { unref?: () => void }).unref?.()
  }

  private busy(): void {
    this.child.ref()
    this.child.channel?.ref()
    for (const stream of [this.child.stdout, this.child.stderr]) (stream as unknown as { ref?: () => void }).ref?.()
  }
}

let current: ProjectCodeProcess | undefined
let queue: Promise<unknown> = Promise.resolve()
let hooked = false

/**
 * Runs a request in the project-code process (started on first use, started again after one was stopped), one request
 * at a time, and returns its plain-data answer. Throws the child's error (UsageError: bad input), or a UsageError
 * naming the file when the time limit is up or the child ended.
 */
export function runProjectCode(call: ProjectCodeCall): Promise<unknown> {
  const run = async (): Promise<unknown> => {
    if (!hooked) {
      hooked = true
      // SIGINT/SIGTERM (the project's code may be stuck in a loop: only the tool's process answers signals) and any
      // end of the tool's process end the child.
      onInterrupt(async () => stopProjectCode())
      process.on('exit', () => stopProjectCode())
    }
    // The environment the project's code sees is the tool's of now (cleaned): a process started for another run,
    // with another environment, is not reused.
    const env = childEnvironment(process.env)
    if (current?.alive && !sameEnvironment(current.env, env)) stopProjectCode()
    if (!current?.alive) {
      const started: ProjectCodeProcess = new ProjectCodeProcess(env, () => {
        if (current === started) current = undefined
      })
      current = started
    }
    return current.request(call)
  }
  const result = queue.then(run, run)
  queue = result.catch(() => undefined)
  return result
}

function sameEnvironment(a: NodeJS.ProcessEnv, b: NodeJS.ProcessEnv): boolean {
  const keys = Object.keys(a)
  return keys.length === Object.keys(b).length && keys.every((key) => a[key] === b[key])
}

/** Ends the project-code process, if any (the next request starts another). */
export function stopProjectCode(): void {
  current?.kill()
  current = undefined
}
