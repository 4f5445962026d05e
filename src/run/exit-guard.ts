// A required status check must never pass by accident. The process may end only with the verdict of a complete run
// (or a signal's code): `process.exit()` called by a config, a schema or a module they import is refused (it throws,
// and the run reports bad input after its cleanup), and any other way out — the event loop running dry while the run
// waits on a connection that is gone, an uncaught error or rejected promise before the verdict — ends the process
// with the failure code and one line saying why, never with 0 or 1 (which a caller reads as clean or drift).
import { UsageError, describeError } from '../core/errors'
import { interruptedBy } from '../core/interrupt'

/** process.exit() called while the run was under way: the project's code tried to end the check. */
export class ProcessExitCalledError extends UsageError {
  constructor(code: unknown) {
    super(
      `process.exit(${code === undefined ? '' : String(code)}) was called while the run was under way (by the config, a schema or a module they import): the check cannot end that way`
    )
    this.name = 'ProcessExitCalledError'
  }
}

export interface ExitGuard {
  /** The run is complete: exit with its verdict once `drain` (stdout's) calls back. */
  finish(code: number, drain?: (done: () => void) => void): void
}

export interface ExitGuardOptions {
  /** The code of a run that ended without its verdict: 2 for the CLI (internal error), 1 for the action (fails the step). */
  failureCode: number
  /** Says why, synchronously (the process is exiting): a line on stderr, the action's outcome and error. */
  report: (reason: string) => void
}

let installed: ExitGuard | undefined

export function guardExit(options: ExitGuardOptions): ExitGuard {
  if (installed) return installed
  const realExit = process.exit.bind(process) as (code?: number) => never
  let verdict: number | undefined
  let reported = false
  const fail = (reason: string): void => {
    if (reported) return
    reported = true
    options.report(reason)
  }
  process.exit = ((code?: number | string | null) => {
    if (verdict !== undefined || interruptedBy()) return realExit(code === null ? undefined : Number(code ?? 0))
    throw new ProcessExitCalledError(code)
  }) as typeof process.exit
  const unexpected = (error: unknown): void => {
    // After the verdict the report is complete: a connection failing during the cleanup does not change it.
    if (verdict !== undefined || interruptedBy()) return
    fail(`internal error: ${describeError(error)}`)
    realExit(options.failureCode)
  }
  process.on('uncaughtException', unexpected)
  process.on('unhandledRejection', unexpected)
  process.on('exit', (code) => {
    if (interruptedBy()) return
    if (verdict === undefined) {
      fail(`internal error: the process ended (code ${code}) before the run was complete; no verdict was reached`)
      process.exitCode = options.failureCode
    } else if (code !== verdict) process.exitCode = verdict
  })
  installed = {
    finish(code: number, drain = (done: () => void) => void process.stdout.write('', done)): void {
      verdict = code
      drain(() => realExit(code))
    }
  }
  return installed
}
