// `drift-guard check` (migrations from clean vs the schema) and `drift-guard audit` (live databases, read-only):
// both map their arguments onto the run settings and go through the one run path.
import { UsageError } from '../../core/errors'
import { PostgresKind } from '../../postgres/factory'
import { exitCodeFor, failureOf } from '../../run/outcome'
import { PreparedProvider, executeRun, secretMasker } from '../../run/run'
import { MAX_TIMEOUT_SECONDS, RunSettings, isTimeoutSeconds } from '../../run/settings'
import { ParsedArgv, choice, commonArgs } from '../args'
import { CliIO, formatOfFile, printFailure, renderReport, writeOutputFile } from '../output'
import { CliCommand } from './command'

const RUN_FLAGS = {
  '--database-url': 'value',
  '--postgres': 'value',
  '--concurrency': 'value',
  '--stub-missing-imports': 'switch'
} as const

const AUDIT_FLAGS = {
  '--tenants-query': 'value',
  '--tenants-pattern': 'value',
  '--tenant-url-template': 'value',
  '--tenant-target': 'value',
  '--timeout': 'value',
  '--shard': 'value'
} as const

// check and audit take each other's options (ignored where they mean nothing), as they always have.
export const ALL_RUN_FLAGS = {
  ...RUN_FLAGS,
  ...AUDIT_FLAGS,
  '--base': 'value',
  '--baseline': 'value',
  '--no-baseline': 'switch',
  '--new-only': 'switch'
} as const

/** The run settings the arguments ask for (the URL also from DRIFT_GUARD_DATABASE_URL). */
export function runSettingsOf(mode: RunSettings['mode'], parsed: ParsedArgv, env: NodeJS.ProcessEnv): RunSettings {
  const common = commonArgs(parsed)
  const flag = (name: string): string | undefined => parsed.flags.get(name)
  const concurrencyText = flag('--concurrency')
  const concurrency = concurrencyText === undefined ? undefined : Number(concurrencyText)
  if (concurrency !== undefined && (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 64))
    throw new UsageError('--concurrency must be a whole number from 1 to 64')
  const tenantUrlTemplate = flag('--tenant-url-template')
  if (tenantUrlTemplate !== undefined && !tenantUrlTemplate.includes('{database}'))
    throw new UsageError('--tenant-url-template needs a {database} placeholder')
  const timeoutText = flag('--timeout')
  const timeoutSeconds = timeoutText === undefined ? undefined : Number(timeoutText)
  if (timeoutSeconds !== undefined && !isTimeoutSeconds(timeoutSeconds))
    throw new UsageError(`--timeout must be a number of seconds, at most ${MAX_TIMEOUT_SECONDS}`)
  const shardText = flag('--shard')
  const shard = shardText === undefined ? undefined : /^(\d+)\/(\d+)$/.exec(shardText)
  if (shard === null || (shard && (Number(shard[1]) < 1 || Number(shard[1]) > Number(shard[2]))))
    throw new UsageError('--shard must be I/N with 1 <= I <= N (e.g. 2/4)')
  const settings: RunSettings = {
    mode,
    root: common.cwd,
    config: common.config,
    databaseUrl: flag('--database-url') ?? (env.DRIFT_GUARD_DATABASE_URL || undefined),
    postgres: choice<PostgresKind>('--postgres', flag('--postgres'), ['embedded', 'server', 'local']),
    base: flag('--base'),
    newOnly: parsed.flags.has('--new-only') || undefined,
    baseline: parsed.flags.has('--no-baseline') ? false : flag('--baseline'),
    concurrency,
    stubMissingImports: parsed.flags.has('--stub-missing-imports') || undefined,
    failOn: common.failOn,
    audit: {
      tenantsQuery: flag('--tenants-query'),
      tenantsPattern: flag('--tenants-pattern'),
      tenantUrlTemplate,
      tenantTarget: flag('--tenant-target'),
      timeoutSeconds,
      shard: shard ? [Number(shard[1]), Number(shard[2])] : undefined
    }
  }
  if (mode === 'audit' && !settings.databaseUrl)
    throw new UsageError('audit needs --database-url (the master database, or any database on the server)')
  if (settings.newOnly && !settings.base)
    throw new UsageError('--new-only needs --base REF: the commit whose findings are not new')
  if (parsed.flags.has('--no-baseline') && flag('--baseline') !== undefined)
    throw new UsageError('give --baseline FILE or --no-baseline, not both')
  if (settings.audit.tenantsQuery && settings.audit.tenantsPattern)
    throw new UsageError('give --tenants-query or --tenants-pattern, not both')
  return settings
}

async function runAndPrint(
  mode: RunSettings['mode'],
  parsed: ParsedArgv,
  io: CliIO,
  prepared?: PreparedProvider
): Promise<number> {
  const common = commonArgs(parsed)
  const settings = runSettingsOf(mode, parsed, io.env)
  // Whatever is printed from here on is masked: the URL's password, whatever form the URL was given in.
  const mask = secretMasker(settings)
  const plain = io
  io = { ...plain, stdout: (text) => plain.stdout(mask(text)), stderr: (text) => plain.stderr(mask(text)) }
  const log = common.verbose ? (line: string) => io.stderr(line + '\n') : undefined
  const result = await executeRun(settings, { log, prepared })
  if ('failure' in result) return printFailure(result.failure, common, io)
  const { report } = result
  try {
    if (common.output) writeOutputFile(common.output, renderReport(report, formatOfFile(common.output)))
  } catch (error) {
    return printFailure(failureOf(error, secretMasker(settings)), common, io)
  }
  io.stdout(renderReport(report, common.format))
  if (common.verbose && report.timings)
    io.stderr(
      `timings (ms): ${Object.entries(report.timings)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ')}\n`
    )
  return exitCodeFor(report, common.failOn)
}

export const checkCommand: CliCommand = {
  name: 'check',
  flags: ALL_RUN_FLAGS,
  maxPositionals: 0,
  run: (parsed, io, prepared) => runAndPrint('check', parsed, io, prepared)
}

export const auditCommand: CliCommand = {
  name: 'audit',
  flags: ALL_RUN_FLAGS,
  maxPositionals: 0,
  run: (parsed, io) => runAndPrint('audit', parsed, io)
}
