// The throwaway owner role of a run on a server (issue 11, point 6). Production applies migrations as an
// application role, not as a superuser; the check does the same, so that migration SQL from a pull request cannot
// use the rights of the URL's superuser (COPY … TO PROGRAM, ALTER ROLE of another role, dblink into another
// database, ALTER SYSTEM, DROP DATABASE of another database). The role owns the run's databases and nothing else;
// the extensions and setup SQL run before it takes over, as the URL's user (they are the platform's, as a hosted
// Postgres preinstalls them). docs/threat-model.md says why it is a login role and not SET ROLE.
import { randomBytes } from 'node:crypto'
import postgres from 'postgres'
import { quoteIdentifier } from '../sql/identifiers'
import { ownerRoleOf } from './run-names'

type Sql = ReturnType<typeof postgres>

/** The environment variable that keeps the URL's own role for the migrations (the workflow's choice, not the PR's). */
export const SUPERUSER_MIGRATIONS_VARIABLE = 'DRIFT_GUARD_SUPERUSER_MIGRATIONS'

export interface OwnerRole {
  name: string
  password: string
  /** PostgreSQL 16+: CREATEROLE only administers the roles it creates, so the role gets it (migrations create roles). */
  createRole: boolean
  /** PostgreSQL 14+ has pg_database_owner (the owner of public in a fresh database from 15). */
  databaseOwnerRole: boolean
}

/** Why the migrations run as the URL's role (no owner role), for the report; undefined when an owner role is made. */
export type OwnerDecision = { role: OwnerRole } | { none: string }

/**
 * Creates the run's owner role when the URL's user is a superuser (a user without superuser rights is already
 * what production would use, and may not be allowed to create roles).
 */
export async function createOwnerRole(admin: Sql, runId: string, env = process.env): Promise<OwnerDecision> {
  const [me] = await admin.unsafe<{ superuser: boolean; version: number; user: string }[]>(
    `select rolsuper as superuser, current_setting('server_version_num')::int as version, current_user as user
       from pg_roles where rolname = current_user`
  )
  if (env[SUPERUSER_MIGRATIONS_VARIABLE] === '1')
    return { none: `migrations ran as "${me.user}", the URL's role (${SUPERUSER_MIGRATIONS_VARIABLE}=1)` }
  if (!me.superuser) return { none: `migrations ran as "${me.user}", the URL's role (not a superuser)` }
  const role: OwnerRole = {
    name: ownerRoleOf(runId),
    password: randomBytes(24).toString('hex'),
    createRole: me.version >= 160000,
    databaseOwnerRole: me.version >= 140000
  }
  await admin.unsafe(
    `create role ${quoteIdentifier(role.name)} login nosuperuser nocreatedb noreplication nobypassrls ` +
      `${role.createRole ? 'createrole' : 'nocreaterole'} password '${role.password}'`
  )
  return { role }
}

/**
 * Gives the owner role the rights a platform gives its application role on what the setup SQL created as the URL's
 * user (Supabase's `auth.users`, say): usage and every privilege on those schemas, their tables, sequences and
 * functions, so that migrations may reference them. Run as the URL's user, in the database, before the role takes
 * over. Ownership stays with the URL's user: ALTER of a platform's table fails, as in production.
 */
export function grantSetupObjectsSql(role: string, schemas: string[]): string {
  const r = quoteIdentifier(role)
  return schemas
    .map((s) => {
      const q = quoteIdentifier(s)
      return [
        `GRANT ALL ON SCHEMA ${q} TO ${r};`,
        `GRANT ALL ON ALL TABLES IN SCHEMA ${q} TO ${r};`,
        `GRANT ALL ON ALL SEQUENCES IN SCHEMA ${q} TO ${r};`,
        `GRANT ALL ON ALL FUNCTIONS IN SCHEMA ${q} TO ${r};`
      ].join('\n')
    })
    .join('\n')
}

/**
 * Before PostgreSQL 16, CREATEROLE lets a role alter every other role and grant itself pg_execute_server_program:
 * the owner role does not get it. The roles the migrations create are made beforehand, as the URL's user, with
 * nothing but their name (NOLOGIN), and given to the owner role with ADMIN OPTION (it may grant them); the
 * migrations' CREATE ROLE of them is then skipped, as for a role another database of the run created.
 * @returns the roles created
 */
export async function precreateRoles(admin: Sql, owner: OwnerRole, roles: string[]): Promise<string[]> {
  const created: string[] = []
  for (const role of roles) {
    const q = quoteIdentifier(role)
    try {
      await admin.unsafe(`CREATE ROLE ${q} NOLOGIN`)
      created.push(role)
    } catch (error) {
      // Made by another database of the run (or there before: then the migration's CREATE ROLE fails, as there).
      const code = (error as { code?: string }).code
      if (code !== '42710' && code !== '23505') throw error
    }
    await admin.unsafe(`GRANT ${q} TO ${quoteIdentifier(owner.name)} WITH ADMIN OPTION`)
  }
  return created
}

/** Roles the owner role administers and that are not the platform's: those it created, or that were made for it. */
export async function rolesAdministeredBy(admin: Sql, owner: string): Promise<string[]> {
  const rows = await admin.unsafe<{ rolname: string }[]>(
    `select r.rolname from pg_auth_members m
       join pg_roles r on r.oid = m.roleid
       join pg_roles o on o.oid = m.member
      where o.rolname = $1 and m.admin_option and not r.rolsuper and r.rolname !~ '^pg_'`,
    [owner]
  )
  return rows.map((r) => r.rolname)
}

/** Drops the owner role: what it still owns in the URL's database and its grants first. Never throws. */
export async function dropOwnerRole(admin: Sql, owner: string): Promise<boolean> {
  const q = quoteIdentifier(owner)
  await admin.unsafe(`drop owned by ${q}`).catch(() => undefined)
  return admin.unsafe(`drop role if exists ${q}`).then(
    () => true,
    () => false
  )
}

/** What the report says about the role the migrations ran as, when it is not a login role of the run's own. */
export function ownerNotes(decision: OwnerDecision | undefined, loginRefused: string | undefined): string[] {
  if (decision && 'none' in decision) return [decision.none]
  if (decision && loginRefused)
    return [
      `migrations ran as the throwaway role ${decision.role.name} through SET ROLE, which migration SQL could undo: ` +
        `the server refused its login (${loginRefused}); allow it in pg_hba.conf for a real separation`
    ]
  return []
}
