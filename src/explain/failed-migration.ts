// Why a migration failed when the SQL is not at fault: where it runs (a transaction, a platform), or a schema the
// schema files use without exporting it.
import { DEFAULT_CONFIG_FILE, ResolvedTarget } from '../config/load-config'
import { Finding } from '../core/findings'
import { PostgresErrorInfo } from '../postgres/provider'
import { unexportedSchemas } from '../schema/declared'
import { PgSnapshot } from '../schema/drizzle-kit'
import { platformHint, platformSentence } from './platform'

type TargetFinding = Omit<Finding, 'target'>

/** A migration that fails because of where it runs, not because of what it says. */
export function runnerCause(error: PostgresErrorInfo, target: ResolvedTarget): string | undefined {
  // 25001 active_sql_transaction: CREATE INDEX CONCURRENTLY, ALTER TYPE … ADD VALUE before 12, VACUUM…
  if (target.transaction && (error.code === '25001' || /cannot run inside a transaction block/.test(error.message))) {
    const what = /^(\S+(?: \S+)*?) cannot run inside a transaction block/.exec(error.message)?.[1] ?? 'this statement'
    return (
      `drizzle's migrator runs every migration in one transaction; ${/CONCURRENTLY/.test(what) ? 'CONCURRENTLY' : what} cannot run inside a transaction block: ` +
      `drizzle-kit migrate fails the same way. If you apply migrations with another runner, set "transaction": false on target "${target.name}" in ${DEFAULT_CONFIG_FILE}`
    )
  }
  const platform = platformHint(error, target.name, 'the migrations')
  return platform ? platformSentence(platform) : undefined
}

/** A migration that fails on a schema no migration creates, when the schema files use but do not export it. */
export function withUnexportedSchemaCause(finding: TargetFinding, snapshot: PgSnapshot): TargetFinding {
  const missing = /schema "([^"]+)" does not exist/.exec(finding.message)?.[1]
  if (!missing || !unexportedSchemas(snapshot).includes(missing)) return finding
  return {
    ...finding,
    cause: `no migration creates schema "${missing}": the schema files use pgSchema("${missing}") without exporting it, so drizzle-kit generate writes no CREATE SCHEMA for it`,
    fix: `Add CREATE SCHEMA IF NOT EXISTS "${missing}"; before this statement${finding.file ? ` in ${finding.file}` : ''}, and export the pgSchema object from a schema file so that drizzle-kit records it`
  }
}

/**
 * A migration refused for want of a right the run's owner role does not have (insufficient_privilege): the check
 * runs migrations as a throwaway role that owns its databases and nothing else, as production runs them as an
 * application role; a statement that needs a superuser fails there too, unless production migrates as a superuser.
 */
export function privilegeCause(
  error: PostgresErrorInfo,
  target: ResolvedTarget,
  role: string | undefined
): { cause: string; fix: string } | undefined {
  if (!role || error.code !== '42501') return undefined
  const extension = /permission denied to create extension "([^"]+)"/.exec(error.message)?.[1]
  return {
    cause:
      `the check runs the migrations as ${role}, a throwaway role that owns the run's databases and has no superuser ` +
      `right, as production runs migrations as an application role: this statement needs a right only a superuser ` +
      `(or the object's owner) has, so it fails in production too unless the migrations run there as a superuser`,
    fix: extension
      ? `If the platform preinstalls "${extension}", list it in "extensions" of target "${target.name}" in ${DEFAULT_CONFIG_FILE} (created as the URL's user before the migrations); if production migrates as a superuser, set DRIFT_GUARD_SUPERUSER_MIGRATIONS=1 in the workflow`
      : `Run this statement as the platform's administrator outside the migrations (or in "setup" of target "${target.name}"), or, if production migrates as a superuser, set DRIFT_GUARD_SUPERUSER_MIGRATIONS=1 in the workflow (the check then runs the migrations with the URL's rights)`
  }
}
