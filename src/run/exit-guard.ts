// A required status check must never pass by accident. The process may end only with the verdict of a complete run
// (or a signal's code): `process.exit()` called by a config, a schema or a module they import is refused (it throws,
// and the run reports bad input after its cleanup), and any other way out — the event loop running dry while the run
// waits on a connection that is gone, an uncaught error or rejected promise before the verdict — ends the process
// with the failure code and one line saying why, never with 0 or 1 (which a caller reads as clean or drift). A lost or
// refused connection that escapes that way ("too many clients", a session terminated, a server restarting) is the
// database's doing: `database-unavailable` (the CLI's exit 3), as when the run catches it itself.
import { DatabaseUnavailableError, UsageError, describeError, isConnectionError } from '../core/errors'
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

/** How a run that ended without its verdict is named: the database's doing, or the tool's. */
export type EscapedOutcome = 'database-unavailable' | 'internal-error'

/** The outcome of an error that escaped the run (an uncaught exception, a rejected promise nobody awaited). */
export function escapedOutcome(error: unknown): EscapedOutcome {
  return error instanceof DatabaseUnavailableError || isConnectionError(error)
    ? 'database-unavailable'
    : 'internal-error'
}

export interface ExitGuardOptions {
  /**
   * The code of a run that ended without its verdict, by outcome: the CLI's 3 (database unavailable) or 2 (internal
   * error); the action's 1 for both (fails the step; the `outcome` output tells them apart).
   */
  failureCode: (outcome: EscapedOutcome) => number
  /** Says why, synchronously (the process is exiting): a line on stderr, the action's outcome and error. */
  report: (reason: string, outcome: EscapedOutcome) => void
}

let installed: ExitGuard | undefined

export function guardExit(options: ExitGuardOptions): ExitGuard {
  if (installed) return installed
  const realExit = process.exit.bind(process) as (code?: number) => never
  let verdict: number | undefined
  /** The failure code of an error that escaped: the exit code, whatever process.exit() it goes through. */
  let escapedCode: number | undefined
  let reported = false
  const fail = (reason: string, outcome: EscapedOutcome): void => {
    if (reported) return
    reported = true
    options.report(reason, outcome)
  }
  process.exit = ((code?: number | string | null) => {
    if (verdict !== undefined || interruptedBy()) return realExit(code === null ? undefined : Number(code ?? 0))
    throw new ProcessExitCalledError(code)
  }) as typeof process.exit
  const unexpected = (error: unknown): void => {
    // After the verdict the report is complete: a connection failing during the cleanup does not change it.
    if (verdict !== undefined || interruptedBy()) return
    const outcome = escapedOutcome(error)
    fail(
      `${outcome === 'internal-error' ? 'internal error' : 'database unavailable'}: ${describeError(error)}`,
      outcome
    )
    escapedCode = options.failureCode(outcome)
    realExit(escapedCode)
  }
  process.on('uncaughtException', unexpected)
  process.on('unhandledRejection', unexpected)
  process.on('exit', (code) => {
    if (interruptedBy()) return
    if (escapedCode !== undefined) process.exitCode = escapedCode
    else if (verdict === undefined) {
      fail(
        `internal error: the process ended (code ${code}) before the run was complete; no verdict was reached`,
        'internal-error'
      )
      process.exitCode = options.failureCode('internal-error')
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
