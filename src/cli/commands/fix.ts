// `drift-guard fix`: writes the corrective migration (SQL + snapshot + journal entry) for every target whose
// migrations do not build its schema. Never prompts: renames are given with --rename. With --database-url (and the
// audit's tenant options, parsed as the audit parses them) it first reads every live database, read-only.
import { PostgresKind } from '../../postgres/factory'
import { parseRename } from '../../repair/rename'
import { RepairFormat, renderRepair } from '../../repair/render'
import { RepairSettings, exitCodeOfRepair, executeRepair, repairSecretMasker } from '../../run/repair'
import { UsageError } from '../../core/errors'
import { choice, commonArgs } from '../args'
import { printFailure, writeOutputFile } from '../output'
import { CliCommand } from './command'
import { runSettingsOf } from './check'

export const fixCommand: CliCommand = {
  name: 'fix',
  flags: {
    '--target': 'value',
    '--name': 'value',
    '--dry-run': 'switch',
    '--allow-destructive': 'switch',
    '--rename': 'value',
    '--database-url': 'value',
    '--tenants-query': 'value',
    '--tenants-pattern': 'value',
    '--tenant-url-template': 'value',
    '--tenant-target': 'value',
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
    // --database-url is the live master (or only) database, read as the audit reads it; the check's throwaway
    // databases follow --postgres, on a server only through DRIFT_GUARD_DATABASE_URL, never on the live one.
    const liveSettings = parsed.flags.has('--database-url') ? runSettingsOf('audit', parsed, {}) : undefined
    for (const tenantFlag of ['--tenants-query', '--tenants-pattern', '--tenant-url-template', '--tenant-target'])
      if (!liveSettings && parsed.flags.has(tenantFlag))
        throw new UsageError(`${tenantFlag} needs --database-url (the live master database fix reads before writing)`)
    const settings: RepairSettings = {
      root: common.cwd,
      config: common.config,
      databaseUrl: io.env.DRIFT_GUARD_DATABASE_URL || undefined,
      postgres: choice<PostgresKind>('--postgres', flag('--postgres'), ['embedded', 'server', 'local']),
      concurrency: Number.isInteger(concurrency) && concurrency! > 0 ? concurrency : undefined,
      stubMissingImports: parsed.flags.has('--stub-missing-imports') || undefined,
      target: flag('--target'),
      name: flag('--name'),
      dryRun: parsed.flags.has('--dry-run'),
      allowDestructive: parsed.flags.has('--allow-destructive'),
      renames,
      ...(liveSettings
        ? {
            live: {
              databaseUrl: liveSettings.databaseUrl!,
              tenantsQuery: liveSettings.audit.tenantsQuery,
              tenantsPattern: liveSettings.audit.tenantsPattern,
              tenantUrlTemplate: liveSettings.audit.tenantUrlTemplate,
              tenantTarget: liveSettings.audit.tenantTarget
            }
          }
        : {})
    }
    if (settings.postgres === 'server' && !settings.databaseUrl)
      throw new UsageError(
        '--postgres server needs DRIFT_GUARD_DATABASE_URL for the throwaway databases (fix reads --database-url, never writes there)'
      )
    // Whatever is printed from here on is masked: every URL's password, whatever form it was given in.
    const mask = repairSecretMasker(settings)
    const plain = io
    io = { ...plain, stdout: (text) => plain.stdout(mask(text)), stderr: (text) => plain.stderr(mask(text)) }
    const result = await executeRepair(settings, common.verbose ? (line) => io.stderr(line + '\n') : undefined)
    if ('failure' in result) return printFailure(result.failure, common, io)
    const text = renderRepair(result.result, format)
    if (common.output) writeOutputFile(common.output, text)
    io.stdout(text)
    return exitCodeOfRepair(result.result)
  }
}
