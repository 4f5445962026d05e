// The child process's side (src/project-child.ts): answers the tool's requests by running the project's code
// (configs, schemas) with the handlers it is given. It holds no secret (its environment was cleaned by the tool),
// refuses process.exit(), and ends when the tool does, even when stuck in the project's code.
import { Worker } from 'node:worker_threads'
import { UsageError } from '../core/errors'
import { onEvaluation } from './evaluation'
import { ChildMessage, ProjectCodeRequest, serialiseError } from './protocol'

export type ProjectCodeHandlers = Record<string, (input: never) => unknown>

/** process.exit() called by the project's code in the child: refused, as the tool's own exit guard refuses it. */
export class ChildExitCalledError extends UsageError {
  constructor(code: unknown) {
    super(
      `process.exit(${code === undefined ? '' : String(code)}) was called while the project's code was loading (by the config, a schema or a module they import): the check cannot end that way`
    )
    this.name = 'ProcessExitCalledError'
  }
}

export function serveProjectCode(handlers: ProjectCodeHandlers): void {
  const send = process.send?.bind(process)
  if (!send) throw new Error('the project-code process must be started by drizzle-drift-guard (no IPC channel)')
  const realExit = process.exit.bind(process) as (code?: number) => never
  const post = (message: ChildMessage): void => void send(message)
  process.exit = ((code?: number | string | null) => {
    throw new ChildExitCalledError(code)
  }) as typeof process.exit
  watchForOrphaning()
  process.on('disconnect', () => realExit(0))

  let current: number | undefined
  // Thrown or rejected outside the request's own call chain (a timer, a promise nobody awaits): the request fails.
  const stray = (error: unknown): void => {
    if (current === undefined) return
    const id = current
    current = undefined
    post({ type: 'error', id, error: serialiseError(error) })
  }
  process.on('uncaughtException', stray)
  process.on('unhandledRejection', stray)
  onEvaluation((file, entering) => post({ type: entering ? 'enter' : 'leave', file }))

  process.on('message', (raw: unknown) => {
    const request = raw as ProjectCodeRequest
    const handler = handlers[request.kind]
    current = request.id
    void (async () => {
      try {
        if (!handler) throw new Error(`unknown request ${JSON.stringify(request.kind)}`)
        const value = await handler(request.input as never)
        // Plain data only: what cannot be written as JSON does not cross (the channel would throw on a cycle).
        const plain = value === undefined ? undefined : (JSON.parse(JSON.stringify(value)) as unknown)
        if (current === request.id) post({ type: 'result', id: request.id, value: plain })
      } catch (error) {
        if (current === request.id) post({ type: 'error', id: request.id, error: serialiseError(error) })
      } finally {
        if (current === request.id) current = undefined
      }
    })()
  })
  post({ type: 'ready' })
}

/**
 * A thread that ends this process when the tool is gone (killed with SIGKILL, say) even while the project's code
 * holds the main thread in a loop, where no 'disconnect' handler can run.
 */
function watchForOrphaning(): void {
  try {
    const worker = new Worker(
      `const { workerData } = require('node:worker_threads')
       setInterval(() => { if (process.ppid !== workerData.ppid) process.kill(workerData.pid, 'SIGKILL') }, 500)`,
      { eval: true, workerData: { ppid: process.ppid, pid: process.pid } }
    )
    worker.unref()
    worker.on('error', () => undefined)
  } catch {
    // No worker threads: the tool kills this process itself on every way out it controls.
  }
}
