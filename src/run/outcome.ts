// How a run ends, for every adapter: the outcome's name (the action's `outcome` output, the CLI's JSON error
// document), the exit code, and whether `fail-on` fails it. One module, so the CLI and the action cannot disagree.
import { DatabaseUnavailableError, UsageError, describeError, isConnectionError } from '../core/errors'
import { Report } from '../core/findings'
import { failingErrors, failingWarnings } from '../baseline/delta'

export type Outcome = 'clean' | 'drift' | 'bad-input' | 'database-unavailable' | 'internal-error'

export type FailOn = 'error' | 'warning' | 'never'

export const FAIL_ON_LEVELS: readonly FailOn[] = ['error', 'warning', 'never']

/** A run that made no report, as the adapters print it. */
export interface RunFailure {
  outcome: Exclude<Outcome, 'clean' | 'drift'>
  /** One line, secrets masked. */
  message: string
  file?: string
  line?: number
  error: unknown
}

/** A report's outcome: drift when anything was found at warning or error severity. */
export function reportOutcome(report: Report): Outcome {
  return report.summary.errors + report.summary.warnings > 0 ? 'drift' : 'clean'
}

/** Whether `fail-on` fails a run with this report. */
export function failsOn(report: Report, failOn: FailOn): boolean {
  if (failOn === 'never') return false
  // With --new-only, findings the base commit had already stay in the report and fail nothing.
  if (failingErrors(report) > 0) return true
  return failOn === 'warning' && failingWarnings(report) > 0
}

/** 0 no failing finding; 1 drift or integrity errors; 2 bad config, usage or input (or a bug); 3 database unavailable. */
export function exitCodeFor(report: Report, failOn: FailOn): number {
  return failsOn(report, failOn) ? 1 : 0
}

export function exitCodeOfFailure(failure: Pick<RunFailure, 'outcome'>): number {
  return failure.outcome === 'database-unavailable' ? 3 : 2
}

/** The failure an error stands for, its message with every secret given replaced by its masked form. */
export function failureOf(error: unknown, mask: (text: string) => string = (t) => t): RunFailure {
  const outcome =
    error instanceof DatabaseUnavailableError || isConnectionError(error)
      ? 'database-unavailable'
      : error instanceof UsageError
        ? 'bad-input'
        : 'internal-error'
  const where =
    error instanceof UsageError
      ? { ...(error.file ? { file: error.file } : {}), ...(error.line ? { line: error.line } : {}) }
      : {}
  return { outcome, message: mask(describeError(error)), ...where, error }
}
