// The target's `run` commands (the project's init: `npm run db:init`) against each migrated throwaway database, and
// their failures as run_failed findings, grouped across databases and linked to the findings that explain them.
import { Finding } from '../core/findings'
import { ResolvedTarget } from '../config/load-config'
import { Database } from '../postgres/provider'
import { runFailedFinding } from '../run-commands/link'
import { CommandRun, runCommand } from '../run-commands/run-command'
import { RunContext } from './run-context'

type TargetFinding = Omit<Finding, 'target'>

/** A command that failed on one database. */
export interface DatabaseCommandFailure {
  database: string
  index: number
  run: CommandRun
}

/**
 * Runs the commands in order against this database, as a new developer runs them after `db:migrate`; the first
 * that fails stops the rest (they build on it). The database's URL is in `urlEnv`; its name in the config (the
 * tenant's, e.g. tenant_1) in DRIFT_GUARD_DATABASE; the server URL drift-guard itself was given is not passed on.
 */
export async function runInitCommands(
  db: Database,
  target: ResolvedTarget,
  database: string,
  { timed, log }: RunContext
): Promise<DatabaseCommandFailure | undefined> {
  const run = target.run
  if (!run || !db.serve) return undefined
  const served = await db.serve()
  try {
    const env: NodeJS.ProcessEnv = { ...process.env }
    delete env.DRIFT_GUARD_DATABASE_URL
    Object.assign(env, {
      [run.urlEnv]: served.url,
      DRIFT_GUARD_TARGET: target.name,
      DRIFT_GUARD_DATABASE: database
    })
    for (const [index, command] of run.commands.entries()) {
      const result = await timed('run', () =>
        runCommand(command, {
          cwd: target.cwd,
          env,
          timeoutMs: run.timeoutSeconds * 1000,
          onLine: (line) => log(`    ${database} | ${line}`)
        })
      )
      const ok = result.exitCode === 0 && !result.timedOut
      log(
        `  ${database}: ${command}: ${ok ? 'ok' : result.timedOut ? 'stopped (time limit)' : `exit code ${result.exitCode ?? '-'}`} (${result.durationMs} ms)`
      )
      if (!ok) return { database, index, run: result }
    }
    return undefined
  } finally {
    await served.close()
  }
}

/** One run_failed finding per command and failure, with the databases it failed on in config order. */
export function runFailedFindings(
  target: ResolvedTarget,
  failures: DatabaseCommandFailure[],
  findings: TargetFinding[]
): TargetFinding[] {
  const run = target.run
  if (!run) return []
  const groups = new Map<string, DatabaseCommandFailure[]>()
  for (const failure of failures) {
    const { run: r } = failure
    const key = JSON.stringify([failure.index, r.exitCode, r.timedOut, r.notFound, r.errorLines[0] ?? r.tail.at(-1)])
    groups.set(key, [...(groups.get(key) ?? []), failure])
  }
  return [...groups.values()].map((group) => ({
    ...runFailedFinding(
      {
        run: group[0].run,
        databases: target.databases.filter((d) => group.some((g) => g.database === d)),
        timeoutSeconds: run.timeoutSeconds,
        file: run.declared?.file,
        line: run.declared?.lines[group[0].index]
      },
      findings
    ),
    databases: target.databases.filter((d) => group.some((g) => g.database === d))
  }))
}
