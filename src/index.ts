// Entry point of the GitHub Action (dist/index.js).
import { enableCompileCache } from './compile-cache'
import { run } from './action/main'
import { interruptedBy } from './core/interrupt'

enableCompileCache()
// Exits once the run is done, with the code core.setFailed set: a schema module that started a timer or opened a
// connection at import (an app's db module) would otherwise keep the step running until the job's time limit.
void run()
  .catch((error: unknown) => {
    // run() reports its own failures; anything that still escapes fails the step rather than exiting 0.
    process.exitCode = 1
    process.stdout.write(
      `::error::drift-guard: internal error: ${String((error as Error)?.message ?? error).split('\n')[0]}\n`
    )
  })
  .finally(() => {
    // The signal handler exits once the cleanup is done.
    if (interruptedBy()) return
    process.stdout.write('', () => process.exit())
  })
