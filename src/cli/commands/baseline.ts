// `drift-guard baseline`: accept today's drift, reviewed, so that the gate can be switched on in a repository that
// already drifts (docs/baseline.md). One check (or audit, with --audit) without the baseline, then the file written:
// existing entries keep their reasons and dates, new ones take --reason, those that match nothing stay until --prune.
import { execFileSync } from 'node:child_process'
import * as path from 'node:path'
import { MissingReason, today, updateBaseline } from '../../baseline/apply'
import { defaultBaselineFile, isDate, readBaseline, writeBaseline } from '../../baseline/file'
import { UsageError } from '../../core/errors'
import { failureOf } from '../../run/outcome'
import { executeRun } from '../../run/run'
import { commonArgs } from '../args'
import { printFailure } from '../output'
import { ALL_RUN_FLAGS, runSettingsOf } from './check'
import { CliCommand } from './command'

/** git's user.name in the repository, else the login name: who accepted the drift. */
function gitUser(root: string, env: NodeJS.ProcessEnv): string | undefined {
  try {
    const name = execFileSync('git', ['config', 'user.name'], { cwd: root, encoding: 'utf8', timeout: 10_000 }).trim()
    if (name) return name
  } catch {
    // not a repository, or no user configured
  }
  return env.USER || env.USERNAME || undefined
}

export const baselineCommand: CliCommand = {
  name: 'baseline',
  flags: { ...ALL_RUN_FLAGS, '--reason': 'value', '--expires': 'value', '--prune': 'switch', '--audit': 'switch' },
  maxPositionals: 0,
  validate: (parsed) => {
    const reason = parsed.flags.get('--reason')
    if (reason !== undefined && reason.trim() === '') throw new UsageError('--reason must not be empty')
    if (reason === undefined && !parsed.flags.has('--prune'))
      throw new UsageError('drift-guard baseline needs --reason TEXT: why this drift is accepted (a reviewer reads it)')
    const expires = parsed.flags.get('--expires')
    if (expires !== undefined && !isDate(expires)) throw new UsageError('--expires must be a date written YYYY-MM-DD')
    if (expires !== undefined && expires < today()) throw new UsageError(`--expires ${expires} is in the past`)
    if (parsed.flags.has('--baseline') || parsed.flags.has('--no-baseline'))
      throw new UsageError('drift-guard baseline writes the baseline: name it with --output, not --baseline')
  },
  run: async (parsed, io) => {
    const common = commonArgs(parsed)
    const mode = parsed.flags.has('--audit') ? 'audit' : 'check'
    const settings = { ...runSettingsOf(mode, parsed, io.env), baseline: false as const, failOn: 'never' as const }
    const configFile = common.config ? path.resolve(common.cwd, common.config) : undefined
    const log = common.verbose ? (line: string) => io.stderr(line + '\n') : undefined
    try {
      const file = common.output ? path.resolve(common.cwd, common.output) : defaultBaselineFile(common.cwd, configFile)
      const existing = readBaseline(file, common.cwd)
      const result = await executeRun(settings, { log })
      if ('failure' in result) return printFailure(result.failure, common, io)
      const update = updateBaseline(existing?.entries ?? [], result.report.findings, {
        mode,
        reason: parsed.flags.get('--reason'),
        expires: parsed.flags.get('--expires'),
        acceptedBy: gitUser(common.cwd, io.env),
        prune: parsed.flags.has('--prune')
      })
      writeBaseline(file, update.entries)
      const rel = path.relative(common.cwd, file) || file
      io.stdout(
        `${rel}: ${update.entries.length} accepted finding(s): ${update.added} added, ${update.kept} kept` +
          `${update.pruned ? `, ${update.pruned} pruned (fixed)` : ''}` +
          `${update.stale ? `, ${update.stale} no longer found (drift-guard baseline --prune removes them)` : ''}\n`
      )
      return 0
    } catch (error) {
      if (error instanceof MissingReason) return printFailure(failureOf(new UsageError(error.message)), common, io)
      return printFailure(failureOf(error), common, io)
    }
  }
}
