// What the CLI prints at the end of a run: the report in the format asked (and to --output), or the failure.
import * as fs from 'node:fs'
import * as path from 'node:path'
import { UsageError, describeError } from '../core/errors'
import { Report } from '../core/findings'
import { interruptedBy } from '../core/interrupt'
import { renderJson, renderMarkdown, renderText } from '../report/render'
import { RunFailure, exitCodeOfFailure } from '../run/outcome'
import { OutputFormat } from './args'

export interface CliIO {
  stdout: (text: string) => void
  stderr: (text: string) => void
  env: NodeJS.ProcessEnv
}

export function renderReport(report: Report, format: OutputFormat): string {
  return format === 'json' ? renderJson(report) : format === 'markdown' ? renderMarkdown(report) : renderText(report)
}

/** The format of an --output file, from its extension. */
export function formatOfFile(file: string, fallback: OutputFormat = 'text'): OutputFormat {
  return file.endsWith('.json') ? 'json' : file.endsWith('.md') ? 'markdown' : fallback
}

/** The file first: when it cannot be written, the run fails before anything is printed as if it had succeeded. */
export function writeOutputFile(file: string, content: string): void {
  const out = path.resolve(file)
  // Pseudo-files of the kernel: a write there can block for ever or change the system, never keep a report.
  if (/^\/(proc|sys)(\/|$)/.test(out))
    throw new UsageError(`cannot write --output ${file}: /proc and /sys hold no files`)
  try {
    fs.mkdirSync(path.dirname(out), { recursive: true })
    fs.writeFileSync(out, content)
  } catch (error) {
    throw new UsageError(`cannot write --output ${file}: ${describeError(error)}`)
  }
}

/**
 * A run that made no report: one line on stderr, the exit code, and with --format json a small JSON document on
 * stdout (`ok: false` and the error), so that a consumer parsing stdout gets JSON rather than nothing.
 */
export function printFailure(
  failure: RunFailure,
  options: { format?: string; verbose?: boolean },
  io: Pick<CliIO, 'stdout' | 'stderr'>
): number {
  // After SIGINT/SIGTERM the run is abandoned: the signal handler has said so, the errors it caused are not news.
  if (interruptedBy()) return 2
  io.stderr(`drift-guard: ${failure.message}\n`)
  if (failure.outcome === 'internal-error' && options.verbose) io.stderr(`${(failure.error as Error)?.stack ?? ''}\n`)
  if (options.format === 'json') {
    const where = { ...(failure.file ? { file: failure.file } : {}), ...(failure.line ? { line: failure.line } : {}) }
    io.stdout(
      JSON.stringify(
        { version: 1, ok: false, error: { outcome: failure.outcome, message: failure.message, ...where } },
        null,
        2
      ) + '\n'
    )
  }
  return exitCodeOfFailure(failure)
}
