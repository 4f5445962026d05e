// Why a migration failed when the SQL is not at fault: where it runs (a transaction, a platform), or a schema the
// schema files use without exporting it.
import { DEFAULT_CONFIG_FILE, ResolvedTarget } from '../config/load-config'
import { Finding } from '../core/findings'
import { PostgresErrorInfo } from '../postgres/provider'
import { unexportedSchemas } from '../schema/declared'
import { PgSnapshot } from '../schema/drizzle-kit'
import * as path from 'node:path'
import { Migration } from '../migrations/folder'
import { SchemaDifference } from '../diff/diff-schemas'
import { platformHint, platformSentence } from './platform'
import { differenceKey, objectHistory, objectKey } from './object-history'
import { neverRun, unlistedEvents, unlistedFix } from './unlisted-files'
import { splitSqlStatements } from '../sql/statements'
import { lineRanges } from './statement-search'
import { recordedSnapshots } from './snapshot-history'
import { SnapshotFile } from './snapshots'

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
export function withUnexportedSchemaCause(
  finding: TargetFinding,
  snapshot: PgSnapshot,
  project?: { root: string; migrations: Migration[] }
): TargetFinding {
  const missing = /schema "([^"]+)" does not exist/.exec(finding.message)?.[1]
  if (!missing || !unexportedSchemas(snapshot).includes(missing)) return finding
  // A migration that does create it (later, or before a DROP) is the story, not the unexported pgSchema.
  const events =
    project && objectHistory(project.root, project.migrations).events.get(objectKey('schema', missing, missing))
  if (events?.some((e) => e.action === 'create')) return finding
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

/** What a migration's SQL uses that does not exist, read from Postgres's error message. */
function missingObject(message: string): SchemaDifference | undefined {
  const split = (written: string): { schema: string; name: string } => {
    const dot = written.indexOf('.')
    return dot > 0
      ? { schema: written.slice(0, dot), name: written.slice(dot + 1) }
      : { schema: 'public', name: written }
  }
  let m: RegExpExecArray | null
  const base = { message: '' }
  if ((m = /column "([^"]+)" of relation "([^"]+)" does not exist/.exec(message))) {
    const t = split(m[2])
    return { ...base, kind: 'missing_column', schema: t.schema, table: t.name, column: m[1] }
  }
  if ((m = /constraint "([^"]+)" of relation "([^"]+)" does not exist/.exec(message))) {
    const t = split(m[2])
    return { ...base, kind: 'missing_constraint', schema: t.schema, table: t.name, name: m[1] }
  }
  if ((m = /relation "([^"]+)" does not exist/.exec(message))) {
    const t = split(m[1])
    return { ...base, kind: 'missing_table', schema: t.schema, table: t.name }
  }
  if ((m = /type "([^"]+)" does not exist/.exec(message))) {
    const t = split(m[1])
    return { ...base, kind: 'missing_enum', schema: t.schema, name: t.name }
  }
  if ((m = /index "([^"]+)" does not exist/.exec(message))) {
    const t = split(m[1])
    return { ...base, kind: 'missing_index', schema: t.schema, name: t.name }
  }
  if ((m = /schema "([^"]+)" does not exist/.exec(message)))
    return { ...base, kind: 'missing_schema', schema: m[1], name: m[1] }
  return undefined
}

/** A function the error says does not exist: `function app.current_user_id() does not exist`. */
function missingFunction(message: string): { schema: string; name: string } | undefined {
  const m = /function ((?:"[^"]+"|[^\s(."]+)(?:\.(?:"[^"]+"|[^\s(."]+))?)\([^)]*\) does not exist/.exec(message)
  if (!m) return undefined
  const parts = m[1].split('.').map((p) => p.replace(/^"|"$/g, ''))
  return parts.length === 2 ? { schema: parts[0], name: parts[1] } : { schema: 'public', name: parts[0] }
}

/** The text of the statement of a migration that holds a line (the failing statement), without comments. */
function statementAt(migration: Migration, line: number | undefined): string {
  if (line === undefined) return ''
  for (const chunk of migration.statements)
    for (const s of splitSqlStatements(chunk.sql)) {
      const first = chunk.chunkLine + s.textLine - 1
      const last = first + (s.sql.match(/\n/g)?.length ?? 0)
      if (line >= first && line <= last) return s.sql.replace(/--[^\n]*/g, '')
    }
  return ''
}

const WHAT: Partial<Record<SchemaDifference['kind'], [string, string]>> = {
  missing_schema: ['schema', 'CREATE SCHEMA'],
  missing_table: ['table', 'CREATE TABLE'],
  missing_column: ['column', 'ADD COLUMN'],
  missing_constraint: ['constraint', 'ADD CONSTRAINT'],
  missing_enum: ['type', 'CREATE TYPE'],
  missing_index: ['index', 'CREATE INDEX']
}

/**
 * A migration that fails because an object it uses does not exist: which migration was meant to create it (the
 * first snapshot that records it, whose SQL lost it), the statement that creates it too late or dropped it before,
 * and a SQL file of the folder outside the journal that creates it (or what the statement uses of a missing schema).
 */
export function withMissingObjectOrigin(
  finding: TargetFinding,
  project: {
    root: string
    target: string
    migrations: Migration[]
    unlisted?: Migration[]
    snapshots: SnapshotFile[]
    schemaSnapshot: PgSnapshot
  }
): TargetFinding {
  const failing = project.migrations.findIndex((m) => m.tag === finding.name)
  if (failing < 0) return finding
  const fn = missingFunction(finding.message)
  const object = fn ? undefined : missingObject(finding.message)
  if (!object && !fn) return finding
  const qualified = (schema: string, name: string): string => `${schema === 'public' ? '' : `${schema}.`}${name}`
  const label = fn
    ? `function ${qualified(fn.schema, fn.name)}()`
    : object!.kind === 'missing_schema'
      ? `schema "${object!.name}"`
      : `${WHAT[object!.kind]![0]} ${qualified(object!.schema, object!.column ? `${object!.table}.${object!.column}` : (object!.name ?? object!.table!))}`
  const key = fn ? objectKey('function', fn.schema, fn.name) : differenceKey(object!)
  const events = (key && objectHistory(project.root, project.migrations).events.get(key)) || []
  const position = (m: Migration): number => project.migrations.indexOf(m)
  const before = events.filter((e) => position(e.migration) < failing)
  const last = before[before.length - 1]
  const later = events.find((e) => position(e.migration) > failing && e.action === 'create')
  const origins: string[] = []
  if (last?.action === 'drop')
    origins.push(
      `${label} was ${last.renamed ? 'renamed away' : 'dropped'} by ${last.file}:${last.line}, before this migration`
    )
  else if (!last && later)
    origins.push(`${label} does not exist yet: it is first created by ${later.file}:${later.line}, a later migration`)
  else if (!last && object) {
    const first = recordedSnapshots(project).find((s) => position(s.migration) < failing && s.declares(object))
    if (first && first.migration.sql !== undefined && WHAT[object.kind])
      origins.push(
        `snapshot ${first.migration.tag} is the first to record ${label}, but ${path.relative(project.root, first.migration.file)} does not create it: the SQL was edited after generation (or written by hand). Restore its ${WHAT[object.kind]![1]} there`
      )
  }
  // A file of the folder outside the journal that creates it, or (a missing schema) what the statement uses of it.
  let fix: string | undefined
  if (!last || last.action === 'drop') {
    const wanted: { key: string; label: string }[] = key ? [{ key, label }] : []
    if (object?.kind === 'missing_schema') {
      const statement = statementAt(project.migrations[failing], finding.line)
      const schema = object.name!
      const member = new RegExp(String.raw`(?:"${schema}"|\b${schema})\s*\.\s*("[^"]+"|[A-Za-z_][\w$]*)(\s*\()?`, 'g')
      for (const m of statement.matchAll(member)) {
        const name = m[1].replace(/^"|"$/g, '')
        const kinds = m[2] ? (['function'] as const) : (['table', 'view', 'sequence', 'enum'] as const)
        for (const kind of kinds)
          wanted.push({
            key: objectKey(kind, schema, name),
            label: `${schema}.${name}${kind === 'function' ? '()' : ''}`
          })
      }
    }
    const found = wanted.flatMap((w) => {
      const create = unlistedEvents(project, w.key).find((e) => e.action === 'create')
      return create ? [{ ...w, create }] : []
    })
    if (found.length > 0) {
      const { create } = found[0]
      const itself = found[0].key === key
      const needs = [...new Set(found.filter((f) => f.create.migration === create.migration).map((f) => f.label))]
      // A missing schema that no file creates: listing the file alone would not be enough.
      const schemaMissing = object?.kind === 'missing_schema' && !itself && !later
      const lines = itself
        ? `${create.line}`
        : lineRanges(found.filter((f) => f.create.migration === create.migration).map((f) => f.create.line))
      const what = itself
        ? `${label} is`
        : `${needs.length > 1 ? `${needs.slice(0, -1).join(', ')} and ${needs[needs.length - 1]}` : needs[0]}, which this statement uses, ${needs.length === 1 ? 'is' : 'are'}`
      origins.push(
        `${what} created by ${/\D/.test(lines) ? `${create.file} (lines ${lines})` : `${create.file}:${lines}`}, ${neverRun(create.migration)}` +
          (schemaMissing ? ` (nor does it, or any other file, create schema "${object.name}")` : '')
      )
      fix =
        (schemaMissing
          ? `Add CREATE SCHEMA IF NOT EXISTS "${object.name}"; at the top of ${create.migration.tag}. `
          : '') +
        unlistedFix(project, create.migration, project.target, {
          before: finding.name,
          needs: itself ? [label] : needs
        })
    }
  }
  if (origins.length === 0) return finding
  const origin = origins.join('. ')
  return {
    ...finding,
    cause: finding.cause ? `${origin}. ${finding.cause}` : origin,
    ...(fix && !finding.fix ? { fix } : {})
  }
}
