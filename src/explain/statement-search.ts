// Finding, in the migrations' SQL, the statement that created, dropped or altered an object, and saying why the
// check's database lacks what a migration would build. Text search over the statements, line numbers kept.
import * as path from 'node:path'
import { Migration } from '../migrations/folder'
import { MAX_IDENTIFIER_BYTES, truncateIdentifier } from '../sql/identifiers'
import { codeOnly, splitSqlStatements } from '../sql/statements'
import { Declaration } from '../schema/source-index'
import { SchemaDifference } from '../diff/diff-schemas'
import { ExplainContext } from './context'

/**
 * The SQL statement that created, dropped or altered an object: a line mentioning its quoted name. For create and
 * alter, only the object that exists now counts: the search starts after the last statement that dropped the name
 * or renamed it away, and a RENAME … TO <name> creates it.
 */
export function findStatement(
  ctx: ExplainContext,
  d: SchemaDifference,
  action: 'create' | 'drop' | 'alter',
  after?: Migration
): (Declaration & { creates?: boolean }) | undefined {
  const object = d.column ?? d.name ?? d.table
  if (!object) return undefined
  const start = after ? ctx.migrations.indexOf(after) + 1 : 0
  const verbs =
    action === 'create'
      ? /\b(create|add)\b/i
      : action === 'drop'
        ? /\bdrop\b/i
        : /\b(alter|set|drop\s+not|drop\s+default|type)\b/i
  const names = [`"${object}"`, ` ${object} `, ` ${object}(`, ` ${object};`, ` ${object}\n`]
  // The database holds names cut to 63 bytes; the SQL spells them in full (drizzle-kit's generated FK names).
  const cut = Buffer.byteLength(object) === MAX_IDENTIFIER_BYTES
  const mentions = (line: string): boolean =>
    names.some((n) => line.includes(n)) ||
    (cut && quotedIdentifiers(line).some((id) => truncateIdentifier(id) === object))
  const statements = ctx.migrations
    .slice(start)
    .filter((m) => m.sql !== undefined)
    .flatMap((migration) => migration.statements.map((statement) => ({ migration, statement })))
    .map(({ migration, statement }) => ({ migration, statement, code: codeOnly(statement.sql) }))
    .filter(({ code }) => !(d.table && d.column && !code.includes(d.table)))
  // A column goes with its table; an index or constraint goes when its table is dropped.
  const removes = (sql: string): boolean =>
    removesName(sql, object) ||
    (d.table !== undefined && object !== d.table && (d.column ? removesName(sql, d.table) : dropsName(sql, d.table)))
  let from = 0
  if (action !== 'drop') statements.forEach(({ code }, i) => removes(code) && (from = i + 1))
  // A column of a CREATE TABLE is found at its own line (`"embedding" vector(1536) NOT NULL`), not the table's.
  const definition = d.column
    ? new RegExp(String.raw`^\s*(?:"${escapeRegExp(d.column.replace(/"/g, '""'))}"|${escapeRegExp(d.column)}\s)`)
    : undefined
  const search = (
    first: number,
    matches: (sql: string) => boolean
  ): (Declaration & { creates?: boolean }) | undefined => {
    for (const { migration, statement, code } of statements.slice(first)) {
      if (!matches(code)) continue
      const lines = code.split('\n')
      const creates = /^\s*create\s+table\b/i.test(code)
      const columnLine = creates && definition ? lines.findIndex((l) => definition.test(l)) : -1
      // A chunk without breakpoints holds several statements: the line is in one that does it, not one that only
      // names the object (a COMMENT ON, an earlier ALTER TABLE of the same table).
      const parts = splitSqlStatements(code)
      const doesIt = (i: number): boolean => {
        if (parts.length < 2) return true
        const part = parts.filter((p) => p.line - 1 <= i).pop()
        return part === undefined || matches(part.sql)
      }
      for (let i = columnLine >= 0 ? columnLine : 0; i < lines.length; i++) {
        if (!mentions(` ${lines[i]}\n`) || !doesIt(i)) continue
        if (action === 'drop' && !/\bdrop\b/i.test(lines[i])) continue
        return {
          file: path.relative(ctx.root, migration.file),
          line: statement.chunkLine + i,
          ...(action === 'alter' && creates ? { creates } : {})
        }
      }
    }
    return undefined
  }
  const createsName = (sql: string): boolean => /\b(create|add)\b/i.test(sql) || renamesInto(sql, object)
  if (action === 'create') return search(from, createsName) ?? (from > 0 ? search(0, createsName) : undefined)
  if (action === 'drop') return search(0, (sql) => verbs.test(sql))
  // Row level security is switched by its own clause: another ALTER TABLE of the table (ADD CONSTRAINT …) does not
  // change it, and only the clause that leaves it as the database has it made the difference.
  const rlsSwitch =
    d.kind === 'rls_mismatch'
      ? new RegExp(String.raw`\b${d.actual === 'enabled' ? 'enable' : 'disable'}\s+row\s+level\s+security\b`, 'i')
      : undefined
  const alters = (sql: string): boolean => (rlsSwitch ? rlsSwitch.test(sql) : verbs.test(sql))
  const altered = search(from, (sql) => alters(sql) || (!rlsSwitch && renamesInto(sql, object)))
  if (altered || from === 0) return altered
  // Dropped or renamed away, then created again: the statement that created the one that exists.
  const recreated = search(from, createsName)
  return recreated ? { ...recreated, creates: true } : search(0, alters)
}

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

/** The name as SQL writes it, quoted or not, optionally schema-qualified; not followed by more of an identifier. */
const nameRe = (name: string): string =>
  String.raw`(?:${IDENT}\s*\.\s*)?(?:"${escapeRegExp(name.replace(/"/g, '""'))}"|${escapeRegExp(name)}(?![\w$]))`

function dropsName(sql: string, name: string): boolean {
  return new RegExp(
    String.raw`\bdrop\s+(?:table|index|constraint|column|type|sequence|view|materialized\s+view|policy)\s+(?:concurrently\s+)?(?:if\s+exists\s+)?${nameRe(name)}`,
    'i'
  ).test(sql)
}

/** DROP … <name>, or RENAME <name> TO …, ALTER INDEX/TABLE/… <name> RENAME TO …: the name stops existing. */
function removesName(sql: string, name: string): boolean {
  const n = nameRe(name)
  return (
    dropsName(sql, name) ||
    new RegExp(String.raw`\brename\s+(?:column\s+|constraint\s+)?${n}\s+to\b`, 'i').test(sql) ||
    new RegExp(
      String.raw`\balter\s+(?:table|index|sequence|view|materialized\s+view|type)\s+(?:if\s+exists\s+)?(?:only\s+)?${n}\s+rename\s+to\b`,
      'i'
    ).test(sql)
  )
}

/** RENAME … TO <name>: the name starts existing. */
function renamesInto(sql: string, name: string): boolean {
  return new RegExp(String.raw`\brename\b[^;]*?\bto\s+${nameRe(name)}`, 'i').test(sql)
}

// An identifier as SQL writes it, quoted or not, optionally schema-qualified.
export const IDENT = String.raw`(?:"(?:[^"]|"")+"|[A-Za-z_][\w$]*)`

/** 1, 2, 3, 7 -> "1-3, 7". */
export function lineRanges(lines: number[]): string {
  const sorted = [...new Set(lines)].sort((a, b) => a - b)
  const out: string[] = []
  for (let i = 0; i < sorted.length; i++) {
    let j = i
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j] + 1) j++
    out.push(i === j ? `${sorted[i]}` : `${sorted[i]}-${sorted[j]}`)
    i = j
  }
  return out.join(', ')
}

function quotedIdentifiers(line: string): string[] {
  return [...line.matchAll(/"((?:[^"]|"")+)"/g)].map((m) => m[1].replace(/""/g, '"'))
}

/**
 * Journal entries after the last snapshot with neither SQL file nor snapshot: the change may be in one of them
 * (files lost or never committed), so "no migration was generated" alone could be wrong.
 */
export function lostAfter(ctx: ExplainContext, latest: Migration | undefined): string {
  const lost = ctx.migrations
    .slice(latest ? ctx.migrations.indexOf(latest) + 1 : 0)
    .filter((m) => m.sql === undefined && !m.snapshotFile)
  // A v1 folder after the last migration the check applied, whose migration.sql is gone: generated, then lost.
  const withoutSql = (ctx.foldersWithoutSql ?? []).filter((tag) => !latest || tag > latest.tag)
  if (withoutSql.length > 0)
    return `, unless it is in ${withoutSql.join(', ')}, whose snapshot.json is there but whose migration.sql is missing (drizzle's migrator skips the folder): restore the file from git, or generate the migration again`
  if (lost.length === 0) return ''
  const tags = lost.map((m) => m.tag).join(', ')
  return lost.length === 1
    ? `, or it is in ${tags} (after the last snapshot), whose SQL file and snapshot are missing: restore them, or remove the entry from the journal`
    : `, or it is in one of ${tags} (after the last snapshot), whose SQL files and snapshots are missing: restore them, or remove the entries from the journal`
}

/** Why the check's database lacks what a migration's SQL would build, when the check did not run it. */
export function notApplied(ctx: ExplainContext, migration: Migration): string | undefined {
  if (!ctx.stoppedAt) return undefined
  if (migration.sql === undefined) return 'whose SQL file is missing'
  if (ctx.migrations.indexOf(migration) > ctx.migrations.indexOf(ctx.stoppedAt)) {
    return `which was not applied: drizzle's migrator applies no migration while ${ctx.stoppedAt.tag}'s SQL file is missing, and the check stops there`
  }
  return undefined
}
