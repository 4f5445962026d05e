// `drift-guard init`: writes drift-guard.config.json and the GitHub workflow for the discovered targets (src/init/),
// then runs the first check and says what to do next. It asks nothing: every choice is a flag, so it runs in CI too.
import * as path from 'node:path'
import { executeRun } from '../../run/run'
import { exitCodeFor } from '../../run/outcome'
import { FileOutcome, initProject } from '../../init/init'
import { ParsedArgv, commonArgs } from '../args'
import { CliIO, printFailure } from '../output'
import { ALL_RUN_FLAGS, runSettingsOf } from './check'
import { CliCommand } from './command'

const SAID: Record<FileOutcome, string> = {
  written: 'wrote',
  overwritten: 'overwrote (--force)',
  unchanged: 'unchanged',
  kept: 'kept (it exists; --force overwrites it)'
}

async function runInit(parsed: ParsedArgv, io: CliIO): Promise<number> {
  const common = commonArgs(parsed)
  const say = (line: string): void => io.stderr(line + '\n')
  const result = initProject({ root: common.cwd, configFile: common.config, force: parsed.flags.has('--force') })
  const shown = (file: string): string => path.relative(process.cwd(), file) || file
  const targets = result.targets.length ? ` (targets: ${result.targets.join(', ')})` : ''
  say(`${SAID[result.config.outcome]} ${shown(result.config.file)}${targets}`)
  say(`${SAID[result.workflow.outcome]} ${shown(result.workflow.file)}`)
  for (const note of result.notes) say(`note: ${note}`)
  if (result.targets.length)
    say(
      'note: no target lists its "databases" yet: a check names its one database after the target. List the real ' +
        'names there (e.g. "databases": ["rsm_master"], or the tenants: ["tenant_1", "tenant_2"]) to have findings ' +
        "name them; `drift-guard audit --database-url URL` reads the databases listed (else the URL's own), and " +
        'the tenants with --tenants-query SQL or --tenants-pattern.'
    )
  if (parsed.flags.has('--no-check')) return 0

  say('first check:')
  const settings = runSettingsOf('check', parsed, io.env)
  const run = await executeRun({ ...settings, config: path.relative(settings.root, result.config.file) })
  if ('failure' in run) return printFailure(run.failure, common, io)
  const { summary } = run.report
  const count = summary.errors + summary.warnings + summary.notices
  if (count === 0) {
    say('no findings: the migrations build what the schema declares. Commit the two files.')
    return 0
  }
  say(
    `${count} finding(s): ${summary.errors} error(s), ${summary.warnings} warning(s), ${summary.notices} notice(s). ` +
      'See them with `drift-guard check`.'
  )
  say(
    "next: fix them (`drift-guard fix` writes the corrective migration), or accept today's drift so that pull " +
      'requests are judged on what they change: `drift-guard baseline --reason "adopting drift-guard"`, and commit ' +
      'drift-guard.baseline.json with the two files.'
  )
  // Setting up succeeded; the drift is reported, not a failure of init (the workflow's check will fail on it).
  return exitCodeFor(run.report, 'never')
}

export const initCommand: CliCommand = {
  name: 'init',
  flags: { ...ALL_RUN_FLAGS, '--force': 'switch', '--yes': 'switch', '--no-check': 'switch' },
  maxPositionals: 0,
  run: (parsed, io) => runInit(parsed, io)
}
