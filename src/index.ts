// Entry point of the GitHub Action (dist/index.js).
import * as core from '@actions/core'
import { enableCompileCache } from './compile-cache'
import { run } from './action/main'
import { Outputs } from './action/constants'
import { interruptedBy } from './core/interrupt'
import { guardExit } from './run/exit-guard'

enableCompileCache()
// A step that ends without its verdict fails, with the `outcome` output set: a required check never passes because
// the project's code called process.exit(0) or the process ran dry while a connection was gone.
// The password of the URL is registered with setSecret before the run: the runner masks it in this line too.
const guard = guardExit({
  failureCode: () => 1,
  report: (reason, outcome) => {
    core.setOutput(Outputs.Outcome, outcome)
    process.stdout.write(`::error::drift-guard: ${reason.split('\n')[0]}\n`)
  }
})
// Exits once the run is done, with the code core.setFailed set: a schema module that started a timer or opened a
// connection at import (an app's db module) would otherwise keep the step running until the job's time limit.
void run()
  .catch((error: unknown) => {
    // run() reports its own failures; anything that still escapes fails the step rather than exiting 0.
    process.exitCode = 1
    core.setOutput(Outputs.Outcome, 'internal-error')
    process.stdout.write(
      `::error::drift-guard: internal error: ${String((error as Error)?.message ?? error).split('\n')[0]}\n`
    )
  })
  .finally(() => {
    // The signal handler exits once the cleanup is done.
    if (interruptedBy()) return
    guard.finish(Number(process.exitCode ?? 0))
  })
