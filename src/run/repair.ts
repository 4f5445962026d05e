// The run path of `drift-guard fix`: one check (the same provider choice as check), then the repair planned from
// its comparison and written; the provider disposed of also on failure.
import { loadConfigInChild } from '../config/load-config'
import { UsageError } from '../core/errors'
import { checkProject } from '../engine/check'
import { createProvider } from '../postgres/factory'
import { PostgresProvider } from '../postgres/provider'
import { RepairOptions, repairProject } from '../repair/repair'
import { RepairResult } from '../repair/types'
import { RunFailure, failureOf } from './outcome'
import { secretMasker } from './run'
import { RunSettings } from './settings'

export type RepairSettings = Pick<
  RunSettings,
  'root' | 'config' | 'databaseUrl' | 'postgres' | 'concurrency' | 'stubMissingImports'
> &
  RepairOptions

export async function executeRepair(
  settings: RepairSettings,
  log?: (line: string) => void,
  provider?: PostgresProvider
): Promise<{ result: RepairResult } | { failure: RunFailure }> {
  const mask = secretMasker(settings)
  let created: PostgresProvider | undefined
  try {
    // A wrong --target is bad input before any database is made.
    const names = (await loadConfigInChild(settings.root, settings.config)).targets.map((t) => t.name)
    if (settings.target && !names.includes(settings.target))
      throw new UsageError(`--target ${settings.target}: no such target (the config has ${names.join(', ')})`)
    if (settings.name !== undefined && !/^[\w-]+$/.test(settings.name))
      throw new UsageError(`--name ${settings.name}: use letters, digits, _ and - only (it becomes a file name)`)
    created = provider ? undefined : createProvider(settings.postgres, settings.databaseUrl)
    const checked = await checkProject({
      root: settings.root,
      config: settings.config,
      provider: provider ?? created!,
      log,
      concurrency: settings.concurrency,
      stubMissingImports: settings.stubMissingImports
    })
    return { result: repairProject(checked, settings) }
  } catch (error) {
    return { failure: failureOf(error, mask) }
  } finally {
    await created?.dispose().catch(() => undefined)
  }
}

/** 0 written or nothing to fix, 1 something left undone. */
export const exitCodeOfRepair = (result: RepairResult): number => (result.ok ? 0 : 1)
