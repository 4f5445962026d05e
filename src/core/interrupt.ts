// SIGINT/SIGTERM: whatever was created outside this process (throwaway databases, a temporary cluster) is removed
// before exiting with the conventional code (130/143). The run itself is abandoned: no report is printed.
//
// The removal is bounded: it ends when the cleanups are done, after CLEANUP_SECONDS at most, or at once on a second
// signal (someone pressing Ctrl-C again wants out now). What was not removed by then is named on stderr, so nothing
// is left silently; a run on a server leaves names its next run on the same host recognises and removes (a dead
// run's leftovers, src/postgres/leftovers.ts).
type Cleanup = () => Promise<void>
/** What a cleanup has not removed (yet): `database dg_…`, `role …`, a folder. */
type Remaining = () => string[]

const cleanups = new Map<Cleanup, Remaining | undefined>()
let installed = false
let interrupted: NodeJS.Signals | undefined

/** How long the cleanup after a first signal may take before the process exits anyway (seconds). */
export const CLEANUP_SECONDS = 10

/**
 * Runs `cleanup` on SIGINT/SIGTERM (also when the signal arrives while the normal end of the run is cleaning up: the
 * cleanup should then stop waiting for what it can skip); `remaining` says what it has not removed yet.
 * @returns forgets it (once removed for good)
 */
export function onInterrupt(cleanup: Cleanup, remaining?: Remaining): () => void {
  install()
  cleanups.set(cleanup, remaining)
  return () => cleanups.delete(cleanup)
}

export function interruptedBy(): NodeJS.Signals | undefined {
  return interrupted
}

/** What the cleanups have not removed, one message line; empty when nothing is left. */
function leftLine(): string {
  const left = [...cleanups.values()].flatMap((remaining) => {
    try {
      return remaining?.() ?? []
    } catch {
      return []
    }
  })
  return left.length
    ? `left behind: ${left.join(', ')} (drop them by hand; the next run on this host removes a dead run's dg_* databases and roles)`
    : ''
}

function install(): void {
  if (installed) return
  installed = true
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      if (interrupted) {
        // A second signal: no more waiting.
        const left = leftLine()
        process.stderr.write(`drift-guard: ${signal} again: exiting now${left ? `; ${left}` : ''}\n`)
        process.exit(exitCode(interrupted))
      }
      interrupted = signal
      // Dropping databases under sessions still at work makes those sessions fail (a query cut, "database does not
      // exist" on a connection being opened). Those failures are the interruption's own consequences, not errors
      // to report: without this they end the process with code 1 before the cleanup finishes.
      process.on('unhandledRejection', () => undefined)
      process.on('uncaughtException', () => undefined)
      process.stderr.write(`drift-guard: ${signal}: removing the throwaway databases\n`)
      const timer = setTimeout(() => {
        const left = leftLine()
        process.stderr.write(
          `drift-guard: the cleanup did not finish within ${CLEANUP_SECONDS} s${left ? `; ${left}` : ''}\n`
        )
        process.exit(exitCode(signal))
      }, CLEANUP_SECONDS * 1000)
      void Promise.allSettled([...cleanups.keys()].map((c) => c())).then(() => {
        clearTimeout(timer)
        const left = leftLine()
        if (left) process.stderr.write(`drift-guard: ${left}\n`)
        process.exit(exitCode(signal))
      })
    })
  }
}

function exitCode(signal: NodeJS.Signals): number {
  return signal === 'SIGINT' ? 130 : 143
}
