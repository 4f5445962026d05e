// Why SQL fails because of the Postgres it runs on, not because of what it says: a role, schema or function that
// the platform provides (Supabase's auth schema and auth.uid(), its authenticated/anon/service_role roles), or an
// object of an extension nobody created. One wording for both sides that run SQL: a migration that fails
// (migration_failed) and drizzle-kit's SQL for the schema (schema_error), whose declaration is then right as it is.
import { DEFAULT_CONFIG_FILE } from '../config/load-config'
import { PostgresErrorInfo } from '../postgres/provider'
import { ExtensionContext, schemaExtensionCause } from './extensions'

/** What the platform lacks, and what to do about it (a sentence each, without the final full stop). */
export interface PlatformHint {
  cause: string
  remedy: string
}

/** Schemas only Supabase creates, before any migration runs. */
const SUPABASE_SCHEMAS = ['auth', 'storage', 'realtime', 'vault']
const SUPABASE_ROLES = ['authenticated', 'anon', 'service_role']

/**
 * When SQL fails for want of what the platform provides: a Supabase schema, table or function, or a role (roles
 * belong to the server; drizzle-kit creates only the ones the schema declares with pgRole, without .existing()).
 * `subject` is what expects it: "the migrations" or "the schema".
 */
export function platformHint(
  error: PostgresErrorInfo,
  target: string,
  subject: 'the migrations' | 'the schema'
): PlatformHint | undefined {
  const needs = subject === 'the schema' ? 'it needs' : 'they need'
  const setup = `name a SQL file that creates what ${needs} in target "${target}"'s "setup" in ${DEFAULT_CONFIG_FILE}`
  const schemas = SUPABASE_SCHEMAS.join('|')
  const supabase = new RegExp(
    String.raw`schema "(?:${schemas})" does not exist|relation "(?:${schemas})\.|function (?:${schemas})\.|role "(?:${SUPABASE_ROLES.join('|')})" does not exist`
  )
  if (supabase.test(error.message)) {
    return {
      cause: `${subject} expect${subject === 'the schema' ? 's' : ''} a Supabase Postgres (its auth schema, auth.uid(), the authenticated/anon/service_role roles)`,
      remedy: `${setup}, or run with --database-url against a Supabase Postgres (e.g. supabase start)`
    }
  }
  // The schema calls a function, or a function in a schema, that nothing here creates (midday: policies calling
  // private.get_teams_for_authenticated_user(), made by SQL applied outside the migrations).
  const missing =
    subject === 'the schema'
      ? /^(?:schema "([^"]+)"|function ([^\s(]+)\([^)]*\)) does not exist/.exec(error.message)
      : undefined
  if (missing) {
    const what = missing[1] !== undefined ? `schema "${missing[1]}"` : `function ${missing[2]}()`
    return {
      cause: `the schema uses ${what}, which neither the schema files nor the migrations create (it is made outside them: SQL applied by hand, the platform, provisioning)`,
      remedy: `${setup} (the SQL your other environments get it from), or create it in a migration`
    }
  }
  const role = /role "([^"]+)" does not exist/.exec(error.message)?.[1]
  if (role) {
    const uses =
      subject === 'the schema'
        ? `the schema uses role "${role}", which drizzle-kit does not create (only roles declared with pgRole, without .existing(), are)`
        : `the migrations use role "${role}" before any of them creates it`
    return {
      cause: `${uses}: roles belong to the server (the platform's, or made by provisioning)`,
      remedy: `${setup} (e.g. CREATE ROLE "${role}" NOLOGIN;), or run with --database-url against a Postgres that has it`
    }
  }
  return undefined
}

/** The failure's hint as one sentence, as a migration_failed's cause says it. */
export function platformSentence(hint: PlatformHint): string {
  return `${hint.cause}: ${hint.remedy}`
}

/**
 * Why drizzle-kit's SQL for the schema fails on this Postgres when the declaration is right for the platform it is
 * written for: an extension's object, or what the platform provides. Undefined when the SQL itself is at fault.
 */
export function schemaPlatformCause(
  error: PostgresErrorInfo,
  ctx: ExtensionContext
): { cause: string; fix: string } | undefined {
  const extension = schemaExtensionCause(error, ctx)
  if (extension) return extension
  const hint = platformHint(error, ctx.target, 'the schema')
  if (!hint) return undefined
  return { cause: hint.cause, fix: hint.remedy.charAt(0).toUpperCase() + hint.remedy.slice(1) }
}
