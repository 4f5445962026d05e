// A target's `run`, `urlEnv` and `runTimeout`: the project's own commands run against each migrated database.
import { JsonPath } from '../core/json'
import { RunCommandsConfig, TargetConfig, TargetSource } from './target-types'

export const DEFAULT_URL_ENV = 'DATABASE_URL'
export const DEFAULT_RUN_TIMEOUT_SECONDS = 120
/** Node's timers hold at most 2^31-1 ms. */
const MAX_RUN_TIMEOUT_SECONDS = 2_147_483

export function runOptions(
  target: TargetConfig,
  fail: (message: string, at: JsonPath) => never,
  source?: TargetSource
): RunCommandsConfig | undefined {
  const { run, urlEnv, runTimeout } = target as { run?: unknown; urlEnv?: unknown; runTimeout?: unknown }
  if (run === undefined) {
    // Without commands these would silently do nothing.
    if (urlEnv !== undefined) fail('"urlEnv" is the variable the "run" commands get the URL in: add "run"', ['urlEnv'])
    if (runTimeout !== undefined) fail('"runTimeout" limits the "run" commands: add "run"', ['runTimeout'])
    return undefined
  }
  if (!Array.isArray(run) || run.length === 0)
    fail('"run" must be a list of commands, e.g. ["npm run db:init"]', ['run'])
  const commands = run as unknown[]
  const wrong = commands.findIndex((c) => typeof c !== 'string' || c.trim() === '')
  if (wrong !== -1) fail('"run" must be a list of commands (non-empty strings)', ['run', wrong])
  if (urlEnv !== undefined && (typeof urlEnv !== 'string' || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(urlEnv)))
    fail('"urlEnv" must be an environment variable name, e.g. "MASTER_DATABASE_URL"', ['urlEnv'])
  if (
    runTimeout !== undefined &&
    (typeof runTimeout !== 'number' ||
      !Number.isFinite(runTimeout) ||
      runTimeout <= 0 ||
      runTimeout > MAX_RUN_TIMEOUT_SECONDS)
  )
    fail(`"runTimeout" must be a number of seconds (more than 0, at most ${MAX_RUN_TIMEOUT_SECONDS})`, ['runTimeout'])
  return {
    commands: (commands as string[]).map((c) => c.trim()),
    urlEnv: (urlEnv as string | undefined) ?? DEFAULT_URL_ENV,
    timeoutSeconds: (runTimeout as number | undefined) ?? DEFAULT_RUN_TIMEOUT_SECONDS,
    ...(source ? { declared: { file: source.file, lines: commands.map((_, i) => source.line(['run', i])) } } : {})
  }
}
