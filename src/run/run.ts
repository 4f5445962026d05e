// The one run path of the action and the CLI: pick the Postgres provider from the settings, run the check or the
// audit, dispose of what was created (also on failure), and return a report or a failure with secrets masked.
import { Report } from '../core/findings'
import { runAudit } from '../engine/audit'
import { runCheckWithBase } from '../engine/base-check'
import { CheckedProject, checkProject, runCheck } from '../engine/check'
import { createProvider } from '../postgres/factory'
import type { PostgresProvider } from '../postgres/provider'
import { hideSecretVariables, maskDeep, maskerOf, secretsOfUrl } from '../core/secrets'
import { stopProjectCode } from '../project-code/parent-side'
import { RunFailure, failureOf } from './outcome'
import { RunSettings } from './settings'

export type RunResult = { report: Report } | { failure: RunFailure }

/** A server provider an entry point started early (its first database under way), for the URL it was made for. */
export interface PreparedProvider {
  provider: PostgresProvider
  databaseUrl: string
}

export interface RunHooks {
  log?: (line: string) => void
  prepared?: PreparedProvider
  /** Called once the provider is chosen, before anything runs (the action opens its log group here). */
  onProvider?: (provider: PostgresProvider) => void
  /** A check's reading of the project (the head's, with a base): what the action plans `fix` from. */
  onChecked?: (checked: CheckedProject) => void
}

/** The secrets of the run: the database URL's password, whatever form the URL was written in, and the tenant URL's. */
export function runSecrets(settings: Pick<RunSettings, 'databaseUrl'> & { audit?: RunSettings['audit'] }): string[] {
  return [...secretsOfUrl(settings.databaseUrl), ...secretsOfUrl(settings.audit?.tenantUrlTemplate)]
}

/** Replaces every secret of the run by ***, wherever it stands in the text (a server's echo of it too). */
export function secretMasker(
  settings: Pick<RunSettings, 'databaseUrl'> & { audit?: RunSettings['audit'] }
): (text: string) => string {
  return maskerOf(runSecrets(settings))
}

export async function executeRun(settings: RunSettings, hooks: RunHooks = {}): Promise<RunResult> {
  const mask = secretMasker(settings)
  // Nothing leaves the run unmasked: its log lines, its report, its failure.
  const log = hooks.log
  if (log) hooks = { ...hooks, log: (line) => log(mask(line)) }
  let provider: PostgresProvider
  try {
    provider = chooseProvider(settings, hooks.prepared)
  } catch (error) {
    return { failure: failureOf(error, mask) }
  }
  // The project's code runs during the run (configs, schemas): it sees no token, no input, no database URL.
  const restoreEnvironment = hideSecretVariables([settings.databaseUrl, settings.audit?.tenantUrlTemplate])
  try {
    hooks.onProvider?.(provider)
    const report =
      settings.mode === 'audit'
        ? await runAudit(auditOptions(settings, provider, hooks.log))
        : settings.base
          ? await runCheckWithBase({
              ...checkOptions(settings, provider, hooks.log),
              base: settings.base,
              newOnly: settings.newOnly,
              onHead: hooks.onChecked
            })
          : await checkProject(checkOptions(settings, provider, hooks.log)).then((checked) => {
              hooks.onChecked?.(checked)
              return checked.report
            })
    return { report: maskDeep(report, mask) }
  } catch (error) {
    return { failure: failureOf(error, mask) }
  } finally {
    restoreEnvironment()
    // The project-code process of this run ends with it: the next run's starts afresh, in its own environment.
    stopProjectCode()
    await disposeWithin(provider, hooks.log)
  }
}

/** How long the cleanup may take: a server that stopped answering must not hold the verdict (seconds). */
const DISPOSE_SECONDS = 30

/**
 * Disposes of the provider, waiting at most DISPOSE_SECONDS: the report is complete by then, and a connection that
 * was terminated under the cleanup must not keep the process alive for ever (what is left is named in the log).
 */
export async function disposeWithin(provider: PostgresProvider, log?: (line: string) => void): Promise<void> {
  let timer: NodeJS.Timeout | undefined
  const expired = new Promise<'expired'>(
    (resolve) => (timer = setTimeout(() => resolve('expired'), DISPOSE_SECONDS * 1000))
  )
  const outcome = await Promise.race([provider.dispose().catch(() => 'failed' as const), expired])
  clearTimeout(timer)
  const left = provider.notRemoved?.() ?? []
  const say = log ?? ((line: string) => process.stderr.write(line + '\n'))
  if (outcome === 'expired')
    say(
      `drift-guard: the cleanup of ${provider.description} did not finish within ${DISPOSE_SECONDS} s; ${left.length ? `left behind: ${left.join(', ')}` : 'throwaway databases (dg_*) may be left'}`
    )
  else if (left.length) say(`drift-guard: the cleanup of ${provider.description} left behind: ${left.join(', ')}`)
}

/**
 * An audit only reads the databases at the URL: the schema's own database is built on the embedded Postgres (or a
 * local cluster). A check uses the server the entry point prepared when the settings ask for that same server.
 */
function chooseProvider(settings: RunSettings, prepared?: PreparedProvider): PostgresProvider {
  if (settings.mode === 'audit') return createProvider(settings.postgres === 'local' ? 'local' : 'embedded', undefined)
  if (prepared && (settings.postgres ?? 'server') === 'server' && settings.databaseUrl === prepared.databaseUrl)
    return prepared.provider
  return createProvider(settings.postgres, settings.databaseUrl)
}

function checkOptions(
  settings: RunSettings,
  provider: PostgresProvider,
  log?: (line: string) => void
): Parameters<typeof runCheck>[0] {
  return {
    root: settings.root,
    config: settings.config,
    provider,
    base: settings.base,
    baseline: settings.baseline,
    log,
    concurrency: settings.concurrency,
    stubMissingImports: settings.stubMissingImports
  }
}

function auditOptions(
  settings: RunSettings,
  provider: PostgresProvider,
  log?: (line: string) => void
): Parameters<typeof runAudit>[0] {
  const { audit } = settings
  return {
    root: settings.root,
    config: settings.config,
    databaseUrl: settings.databaseUrl!,
    scratch: provider,
    tenantTarget: audit.tenantTarget,
    tenantsQuery: audit.tenantsQuery,
    tenantsPattern: audit.tenantsPattern,
    tenantUrlTemplate: audit.tenantUrlTemplate,
    concurrency: settings.concurrency,
    timeoutMs: audit.timeoutSeconds === undefined ? undefined : audit.timeoutSeconds * 1000,
    shard: audit.shard,
    stubMissingImports: settings.stubMissingImports,
    baseline: settings.baseline,
    log
  }
}
