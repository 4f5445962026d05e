// Findings about several targets or databases at once: a table two targets create, a migrations table two targets
// share, a role created in several databases of one server, and a discovered config that cannot be resolved.
import * as path from 'node:path'
import { DEFAULT_CONFIG_FILE, FailedTarget, ResolvedTarget } from '../config/load-config'
import { Finding, TargetResult } from '../core/findings'
import { MigrationFolder } from '../migrations/folder'
import { RoleCreation, roleCreations } from '../migrations/roles'
import { LoadedSchema } from '../schema/load-schema'

/** A discovered config that could not be resolved: its own error, so that the other targets are still checked. */
export function failedTargetResult(failed: FailedTarget, root: string): { result: TargetResult; finding: Finding } {
  const config = path.relative(root, failed.drizzleConfig)
  const reason = failed.error.message.replace(`target "${failed.name}": `, '')
  return {
    result: {
      name: failed.name,
      drizzleConfig: config,
      schema: [],
      migrations: '',
      migrationsFormat: 'journal',
      migrationsTable: '',
      databases: [],
      declared: { tables: 0, columns: 0, enums: 0, indexes: 0 },
      notes: ['not checked: its drizzle config cannot be resolved']
    },
    finding: {
      kind: 'schema_error',
      severity: 'error',
      target: failed.name,
      file: failed.error.file ?? config,
      ...(failed.error.line ? { line: failed.error.line } : {}),
      message: `${config} cannot be checked: ${reason}`,
      cause: `found by discovery (no ${DEFAULT_CONFIG_FILE}); the other targets were checked`,
      fix: `Fix or delete ${config}, or write ${DEFAULT_CONFIG_FILE} naming the targets to check`
    }
  }
}

/**
 * A role that the migrations create in more than one database: roles belong to the whole server, so where those
 * databases share one, the second CREATE ROLE fails. Each database is checked as if alone on its server.
 */
export function crossDatabaseRoleFindings(
  prepared: { target: ResolvedTarget; folder: MigrationFolder }[],
  root: string
): Finding[] {
  const byRole = new Map<string, { target: ResolvedTarget; creation: RoleCreation }[]>()
  for (const { target, folder } of prepared) {
    const seen = new Set<string>()
    for (const creation of roleCreations(folder.migrations)) {
      if (seen.has(creation.role)) continue
      seen.add(creation.role)
      byRole.set(creation.role, [...(byRole.get(creation.role) ?? []), { target, creation }])
    }
  }
  const out: Finding[] = []
  for (const [role, creators] of byRole) {
    const runs = creators.flatMap(({ target }) => target.databases.map((db) => `${target.name}/${db}`))
    if (runs.length < 2) continue
    const { creation } = creators[0]
    const databases = [...new Set(creators.flatMap(({ target }) => target.databases))]
    const by = creators.map(({ target, creation: c }) => `${c.migration.tag} (${target.name})`).join(' and ')
    out.push({
      kind: 'cross_database_role',
      severity: 'warning',
      target: [...new Set(creators.map(({ target }) => target.name))].join(', '),
      databases,
      name: role,
      file: path.relative(root, creation.migration.file),
      line: creation.line,
      message: `role "${role}" is created by ${by} in each of ${databases.join(', ')}`,
      cause: `roles belong to the whole Postgres server, not to one database: where these databases share a server (as a master and its tenants usually do), the second CREATE ROLE fails with 'role "${role}" already exists' and drizzle's migrator rolls that database's migrations back. The check runs each database as if it had a server of its own`,
      fix: `Create the role once, outside the per-database migrations (your provisioning; a "setup" script for this check), or guard it: DO $$ BEGIN <the CREATE ROLE statement>; EXCEPTION WHEN duplicate_object THEN NULL; END $$;`
    })
  }
  return out
}

export function crossTargetFindings(targets: ResolvedTarget[], schemas: Map<string, LoadedSchema>): Finding[] {
  const out: Finding[] = []
  const owners = new Map<string, ResolvedTarget[]>()
  for (const target of targets) {
    const schema = schemas.get(target.name)
    if (!schema) continue
    for (const key of Object.keys(schema.snapshot.tables)) owners.set(key, [...(owners.get(key) ?? []), target])
  }
  for (const [key, owning] of owners) {
    // Targets that apply the same migrations folder create the table once, from the same history.
    if (new Set(owning.map((t) => `${t.migrationsDir}|${t.migrationsSchema}.${t.migrationsTable}`)).size < 2) continue
    const names = owning.map((t) => t.name)
    const [schemaName, table] = key.split('.')
    const first = schemas.get(names[0])!.sources.table(schemaName, table)
    out.push({
      kind: 'cross_target_table',
      severity: 'warning',
      target: names.join(', '),
      schema: schemaName,
      table,
      ...(first ? first : {}),
      message: `table ${key} is declared by ${names.join(' and ')}`,
      cause:
        'each target creates it in its own databases; if they share a database, the second CREATE TABLE fails, and if not, the two definitions can drift apart'
    })
  }
  const byDatabase = new Map<string, ResolvedTarget[]>()
  for (const target of targets) {
    for (const db of target.databases) {
      const key = `${db}|${target.migrationsSchema}.${target.migrationsTable}`
      byDatabase.set(key, [...(byDatabase.get(key) ?? []), target])
    }
  }
  for (const [key, sharing] of byDatabase) {
    if (sharing.length < 2) continue
    const [db, table] = key.split('|')
    out.push({
      kind: 'shared_migrations_table',
      severity: 'error',
      target: sharing.map((t) => t.name).join(', '),
      databases: [db],
      name: table,
      message: `targets ${sharing.map((t) => t.name).join(' and ')} both record their migrations in ${table} of database ${db}`,
      cause:
        "drizzle's migrator reads only the newest entry of that table, so each side skips the other's older migrations (drizzle-orm issue #1365)",
      fix: `Give each drizzle config its own migrations: { table: "__drizzle_migrations_${sharing[1].name}" }`
    })
  }
  return out
}
