// The one settings type every adapter fills in: the CLI from its arguments, the action from its inputs. The run
// path (run.ts) takes nothing else.
import { PostgresKind } from '../postgres/factory'
import { FailOn } from './outcome'

/** Node's timers hold at most 2^31-1 ms; a longer (or infinite) limit would fire at once. */
export const MAX_TIMEOUT_SECONDS = 2_147_483

/** Whether a per-database time limit in seconds is usable (the CLI and the action both check it). */
export function isTimeoutSeconds(value: number): boolean {
  return Number.isFinite(value) && value > 0 && value <= MAX_TIMEOUT_SECONDS
}

export interface AuditSettings {
  /** SQL run on the --database-url database; its first column lists the tenant databases. */
  tenantsQuery?: string
  /** LIKE pattern over pg_database, e.g. tenant_%. */
  tenantsPattern?: string
  /** URL of a tenant database, with {database} (tenants on other hosts). */
  tenantUrlTemplate?: string
  /** The target the tenant options apply to. */
  tenantTarget?: string
  /** Time limit per database, in seconds. */
  timeoutSeconds?: number
  /** [i, n]: the i-th of n shards (1-based) of the database list. */
  shard?: [number, number]
}

export interface RunSettings {
  /** check: migrations from clean (pull requests); audit: the live databases at databaseUrl, read-only. */
  mode: 'check' | 'audit'
  /** Absolute repository root. */
  root: string
  /** Config file relative to root; undefined: the default name, or discovery when absent. */
  config?: string
  databaseUrl?: string
  postgres?: PostgresKind
  /** Git ref of the base branch (check). */
  base?: string
  /** With base: fail only on findings the base commit did not have (--new-only, the action's gate: new). */
  newOnly?: boolean
  /** The baseline file (relative to root); false: none; undefined: drift-guard.baseline.json next to the config. */
  baseline?: string | false
  concurrency?: number
  stubMissingImports?: boolean
  failOn: FailOn
  audit: AuditSettings
}
