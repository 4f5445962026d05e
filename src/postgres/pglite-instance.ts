// The tool's side of one embedded Postgres instance running in a worker thread (./pglite-thread.ts): the same
// query/exec a PGlite instance offers, each statement under the statement time limit a server has
// (DRIFT_GUARD_STATEMENT_TIMEOUT). A statement over the limit ends the thread, and with it the instance: it fails
// as Postgres fails a statement that times out (57014), so a migration stuck in `pg_sleep(600)` or an endless loop
// is a finding naming it, and SIGINT/SIGTERM are answered at once (this thread is never inside WebAssembly).
import * as fs from 'node:fs'
import { createRequire } from 'node:module'
import * as path from 'node:path'
import { Worker } from 'node:worker_threads'
import { ServedDatabase } from './provider'
import { ErrorFields, ThreadAnswer, ThreadRequest, ThreadStart } from './pglite-thread'

/** Clients at once on a served instance: an init script may open a pool; PGlite still runs one message at a time. */
const MAX_CLIENTS = 16
/** How long a served instance may take to stop serving once the commands have ended (it answers in milliseconds). */
const UNSERVE_GRACE_MS = 5_000

type Request = ThreadRequest extends infer R ? (R extends { id: number } ? Omit<R, 'id'> : never) : never

interface Pending {
  resolve(answer: ThreadAnswer): void
  reject(error: Error): void
  timer?: NodeJS.Timeout
}

/** How the thread is started: the bundle's dist/pglite-worker.js, or src/pglite-worker.ts with sucrase's hook. */
function newWorker(start: ThreadStart): Worker {
  const bundled = path.join(__dirname, 'pglite-worker.js')
  if (fs.existsSync(bundled)) return new Worker(bundled, { workerData: start })
  // A require ncc does not follow: the hook exists only when running from the sources.
  const hook = createRequire(__filename).resolve('sucrase/register/ts')
  const entry = path.join(__dirname, '..', 'pglite-worker.ts')
  return new Worker(`require(${JSON.stringify(hook)}); require(${JSON.stringify(entry)})`, {
    eval: true,
    workerData: start
  })
}

function asError(fields: ErrorFields): Error {
  return Object.assign(new Error(fields.message), fields)
}

export class PgliteThreadInstance {
  private readonly pending = new Map<number, Pending>()
  private nextId = 1
  /** Why the thread is gone (then every call fails with it). */
  private ended?: Error

  private constructor(
    private readonly worker: Worker,
    /** 0: no limit. */
    private readonly statementTimeoutMs: number
  ) {
    worker.on('message', (answer: ThreadAnswer) => {
      const waiting = this.pending.get(answer.id)
      if (!waiting) return
      this.settle(answer.id)
      if (answer.error) waiting.reject(asError(answer.error))
      else waiting.resolve(answer)
    })
    worker.on('error', (error) => this.end(new Error(`embedded Postgres failed: ${error.message}`)))
    worker.on('exit', () => this.end(new Error('embedded Postgres stopped')))
  }

  /** Starts the thread and its instance; resolves once it answers queries. */
  static async start(start: ThreadStart, statementTimeoutMs: number): Promise<PgliteThreadInstance> {
    const instance = new PgliteThreadInstance(newWorker(start), statementTimeoutMs)
    // id 0: the thread's first message says whether the instance started.
    try {
      await new Promise<ThreadAnswer>((resolve, reject) => instance.track(0, { resolve, reject }))
    } catch (error) {
      await instance.terminate()
      throw error
    }
    return instance
  }

  get alive(): boolean {
    return !this.ended
  }

  async query<T>(sql: string, params?: unknown[]): Promise<{ rows: T[] }> {
    const answer = await this.request({ op: 'query', sql, ...(params ? { params } : {}) }, true)
    return { rows: (answer.rows ?? []) as T[] }
  }

  async exec(sql: string): Promise<void> {
    await this.request({ op: 'exec', sql }, true)
  }

  /** Serves the instance over the wire protocol on a local port (the project's init commands connect to it). */
  async serve(): Promise<ServedDatabase> {
    const { url } = await this.request({ op: 'serve', maxClients: MAX_CLIENTS }, false)
    return {
      url: url!,
      close: async () => {
        // Closed once the commands have ended. A statement one of them left running (stopped at its time limit in
        // a pg_sleep or an endless loop) still holds the thread, which then never answers: it is ended with the
        // instance, as a statement over the time limit is, instead of holding the run.
        const unserved = this.request({ op: 'unserve' }, false).then(
          () => true,
          () => true
        )
        let timer: NodeJS.Timeout | undefined
        const answered = await Promise.race([
          unserved,
          new Promise<false>((resolve) => {
            timer = setTimeout(() => resolve(false), UNSERVE_GRACE_MS)
          })
        ])
        clearTimeout(timer)
        if (!answered) await this.terminate()
      }
    }
  }

  /** Ends the thread, busy or not: the instance lives only in its memory, nothing is left behind. */
  async terminate(): Promise<void> {
    this.end(new Error('embedded Postgres stopped'))
    await this.worker.terminate().catch(() => undefined)
  }

  private request(message: Request, timed: boolean): Promise<ThreadAnswer> {
    if (this.ended) return Promise.reject(this.ended)
    const id = this.nextId++
    return new Promise<ThreadAnswer>((resolve, reject) => {
      const pending: Pending = { resolve, reject }
      if (timed && this.statementTimeoutMs > 0)
        pending.timer = setTimeout(() => this.timedOut(id, message), this.statementTimeoutMs)
      this.track(id, pending)
      this.worker.postMessage({ ...message, id } as ThreadRequest)
    })
  }

  private track(id: number, pending: Pending): void {
    this.pending.set(id, pending)
    // An idle thread never keeps the process alive; one with work does (the run awaits its answer).
    this.worker.ref()
  }

  private settle(id: number): void {
    const pending = this.pending.get(id)
    if (pending?.timer) clearTimeout(pending.timer)
    this.pending.delete(id)
    if (!this.pending.size) this.worker.unref()
  }

  private timedOut(id: number, message: Request): void {
    const waiting = this.pending.get(id)
    if (!waiting) return
    this.settle(id)
    const seconds = this.statementTimeoutMs / 1000
    // As a server reports it (statement_timeout): the migration fails as a finding naming the statement.
    waiting.reject(
      Object.assign(new Error('canceling statement due to statement timeout'), {
        code: '57014',
        hint: `the embedded Postgres gives each statement ${seconds} s (DRIFT_GUARD_STATEMENT_TIMEOUT, 0: no limit)`,
        sql: 'sql' in message ? message.sql : undefined
      })
    )
    // The instance cannot be interrupted short of ending its thread: it is gone with the statement.
    void this.terminate()
  }

  private end(reason: Error): void {
    this.ended ??= reason
    for (const [id, pending] of [...this.pending]) {
      this.settle(id)
      pending.reject(this.ended)
    }
    this.worker.unref()
  }
}
