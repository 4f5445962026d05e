// SIGINT/SIGTERM: whatever was created outside this process (throwaway databases, a temporary cluster) is removed
// before exiting with the conventional code (130/143). The run itself is abandoned: no report is printed.
type Cleanup = () => Promise<void>

const cleanups = new Set<Cleanup>()
let installed = false
let interrupted: NodeJS.Signals | undefined

export function onInterrupt(cleanup: Cleanup): () => void {
  install()
  cleanups.add(cleanup)
  return () => cleanups.delete(cleanup)
}

export function interruptedBy(): NodeJS.Signals | undefined {
  return interrupted
}

function install(): void {
  if (installed) return
  installed = true
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      interrupted = signal
      // Dropping databases under sessions still at work makes those sessions fail (a query cut, "database does not
      // exist" on a connection being opened). Those failures are the interruption's own consequences, not errors
      // to report: without this they end the process with code 1 before the cleanup finishes.
      process.on('unhandledRejection', () => undefined)
      process.on('uncaughtException', () => undefined)
      const code = signal === 'SIGINT' ? 130 : 143
      process.stderr.write(`drift-guard: ${signal}: removing the throwaway databases\n`)
      const timer = setTimeout(() => process.exit(code), 15_000)
      void Promise.allSettled([...cleanups].map((c) => c())).then(() => {
        clearTimeout(timer)
        process.exit(code)
      })
    })
  }
}
