// `drift-guard fix`: writes the corrective migration (SQL + snapshot + journal entry) for every target whose
// migrations do not build its schema. Never prompts: renames are given with --rename.
import { PostgresKind } from '../../postgres/factory'
import { parseRename } from '../../repair/rename'
import { RepairFormat, renderRepair } from '../../repair/render'
import { exitCodeOfRepair, executeRepair } from '../../run/repair'
import { choice, commonArgs } from '../args'
import { printFailure, writeOutputFile } from '../output'
import { CliCommand } from './command'

export const fixCommand: CliCommand = {
  name: 'fix',
  flags: {
    '--target': 'value',
    '--name': 'value',
    '--dry-run': 'switch',
    '--allow-destructive': 'switch',
    '--rename': 'value',
    '--database-url': 'value',
    '--postgres': 'value',
    '--concurrency': 'value',
    '--stub-missing-imports': 'switch'
  },
  maxPositionals: 0,
  run: async (parsed, io) => {
    const common = commonArgs(parsed)
    const flag = (name: string): string | undefined => parsed.flags.get(name)
    const format: RepairFormat = common.format
    const renames = (parsed.repeated.get('--rename') ?? []).map(parseRename)
    const concurrency = flag('--concurrency') === undefined ? undefined : Number(flag('--concurrency'))
    const result = await executeRepair(
      {
        root: common.cwd,
        config: common.config,
        databaseUrl: flag('--database-url') ?? (io.env.DRIFT_GUARD_DATABASE_URL || undefined),
        postgres: choice<PostgresKind>('--postgres', flag('--postgres'), ['embedded', 'server', 'local']),
        concurrency: Number.isInteger(concurrency) && concurrency! > 0 ? concurrency : undefined,
        stubMissingImports: parsed.flags.has('--stub-missing-imports') || undefined,
        target: flag('--target'),
        name: flag('--name'),
        dryRun: parsed.flags.has('--dry-run'),
        allowDestructive: parsed.flags.has('--allow-destructive'),
        renames
      },
      common.verbose ? (line) => io.stderr(line + '\n') : undefined
    )
    if ('failure' in result) return printFailure(result.failure, common, io)
    const text = renderRepair(result.result, format)
    if (common.output) writeOutputFile(common.output, text)
    io.stdout(text)
    return exitCodeOfRepair(result.result)
  }
}
