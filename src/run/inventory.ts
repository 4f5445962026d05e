// The run path of `drift-guard inventory`: one check on the embedded Postgres (or the kind asked), and with a URL
// the audit of the live databases (read-only); the providers disposed of also on failure.
import { runAudit } from '../engine/audit'
import { checkProject } from '../engine/check'
import { buildInventory } from '../inventory/build'
import { liveDatabases } from '../inventory/live'
import { Inventory } from '../inventory/model'
import { PostgresKind, createProvider } from '../postgres/factory'
import { PostgresProvider } from '../postgres/provider'
import { RunFailure, failureOf } from './outcome'
import { secretMasker } from './run'
import { AuditSettings } from './settings'

export interface InventorySettings {
  root: string
  config?: string
  /** Live databases to read (as audit): the check itself never runs there. */
  databaseUrl?: string
  postgres?: Exclude<PostgresKind, 'server'>
  audit: AuditSettings
  stubMissingImports?: boolean
}

export async function executeInventory(
  settings: InventorySettings,
  log?: (line: string) => void
): Promise<{ inventory: Inventory } | { failure: RunFailure }> {
  const mask = secretMasker(settings)
  const providers: PostgresProvider[] = []
  const provider = (): PostgresProvider => {
    const created = createProvider(settings.postgres ?? 'embedded', undefined)
    providers.push(created)
    return created
  }
  try {
    const checked = await checkProject({
      root: settings.root,
      config: settings.config,
      provider: provider(),
      log,
      stubMissingImports: settings.stubMissingImports
    })
    let live
    if (settings.databaseUrl) {
      const { audit } = settings
      const report = await runAudit({
        root: settings.root,
        config: settings.config,
        databaseUrl: settings.databaseUrl,
        scratch: provider(),
        tenantTarget: audit.tenantTarget,
        tenantsQuery: audit.tenantsQuery,
        tenantsPattern: audit.tenantsPattern,
        tenantUrlTemplate: audit.tenantUrlTemplate,
        timeoutMs: audit.timeoutSeconds === undefined ? undefined : audit.timeoutSeconds * 1000,
        stubMissingImports: settings.stubMissingImports,
        log
      })
      live = liveDatabases(report)
    }
    return { inventory: buildInventory(checked, live) }
  } catch (error) {
    return { failure: failureOf(error, mask) }
  } finally {
    await Promise.all(providers.map((p) => p.dispose().catch(() => undefined)))
  }
}
