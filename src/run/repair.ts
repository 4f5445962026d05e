// The run path of `drift-guard fix`: one check (the same provider choice as check), then the repair planned from
// its comparison and written; the provider disposed of also on failure.
import { loadConfigInChild } from '../config/load-config'
import { UsageError } from '../core/errors'
import { checkProject } from '../engine/check'
import { createProvider } from '../postgres/factory'
import { PostgresProvider } from '../postgres/provider'
import { LiveReadOptions, listLiveDatabases, readLiveDatabases } from '../repair/live'
import { RepairOptions, repairProject } from '../repair/repair'
import { RepairResult } from '../repair/types'
import { hideSecretVariables, maskDeep, maskerOf, secretsOfUrl } from '../core/secrets'
import { RunFailure, failureOf } from './outcome'
import { RunSettings } from './settings'

export type RepairSettings = Pick<
  RunSettings,
  'root' | 'config' | 'databaseUrl' | 'postgres' | 'concurrency' | 'stubMissingImports'
> &
  Omit<RepairOptions, 'liveDatabases'> & {
    /**
     * The live databases to read before writing (`fix --database-url`, with the audit's tenant options): only read,
     * never where the check's throwaway databases are made (those follow `postgres` / `databaseUrl`).
     */
    live?: LiveReadOptions
  }

/** Every secret of a repair run: the throwaway server's URL, the live URL and the tenant URL template. */
export function repairSecretMasker(settings: RepairSettings): (text: string) => string {
  return maskerOf([
    ...secretsOfUrl(settings.databaseUrl),
    ...secretsOfUrl(settings.live?.databaseUrl),
    ...secretsOfUrl(settings.live?.tenantUrlTemplate)
  ])
}

export async function executeRepair(
  settings: RepairSettings,
  log?: (line: string) => void,
  provider?: PostgresProvider
): Promise<{ result: RepairResult } | { failure: RunFailure }> {
  const mask = repairSecretMasker(settings)
  let created: PostgresProvider | undefined
  // The project's code runs during the check (configs, schemas): it sees no database URL.
  const restoreEnvironment = hideSecretVariables([
    settings.databaseUrl,
    settings.live?.databaseUrl,
    settings.live?.tenantUrlTemplate
  ])
  try {
    // A wrong --target is bad input before any database is made.
    const config = await loadConfigInChild(settings.root, settings.config)
    const names = config.targets.map((t) => t.name)
    if (settings.target && !names.includes(settings.target))
      throw new UsageError(`--target ${settings.target}: no such target (the config has ${names.join(', ')})`)
    if (settings.name !== undefined && !/^[\w-]+$/.test(settings.name))
      throw new UsageError(`--name ${settings.name}: use letters, digits, _ and - only (it becomes a file name)`)
    // The live databases are listed first: a server that does not answer is exit 3 before any check runs.
    const chosen = config.targets.filter((t) => !settings.target || t.name === settings.target)
    const liveDatabases = settings.live ? await listLiveDatabases(chosen, config.targets, settings.live) : undefined
    if (liveDatabases)
      log?.(
        `live databases to read: ${[...liveDatabases].map(([t, dbs]) => `${t}: ${dbs.map((d) => d.name).join(', ') || 'none'}`).join('; ')}`
      )
    created = provider ? undefined : createProvider(settings.postgres, settings.databaseUrl)
    const checked = await checkProject({
      root: settings.root,
      config: settings.config,
      provider: provider ?? created!,
      log,
      concurrency: settings.concurrency,
      stubMissingImports: settings.stubMissingImports
    })
    const live = liveDatabases
      ? await readLiveDatabases(
          checked.targets.filter((t) => !settings.target || t.target.name === settings.target),
          liveDatabases,
          { live: settings.live?.live, concurrency: settings.concurrency }
        )
      : undefined
    return { result: maskDeep(repairProject(checked, { ...settings, liveDatabases: live }), mask) }
  } catch (error) {
    return { failure: failureOf(error, mask) }
  } finally {
    restoreEnvironment()
    await created?.dispose().catch(() => undefined)
  }
}

/** 0 written or nothing to fix, 1 something left undone. */
export const exitCodeOfRepair = (result: RepairResult): number => (result.ok ? 0 : 1)
