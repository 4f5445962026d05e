// The cause of a partitioning_mismatch: the migration statement that made the table partitioned, and why neither
// the schema nor drizzle-kit can follow (drizzle has no API for PARTITION BY; push does not see partitioned tables).
import * as path from 'node:path'
import { DEFAULT_CONFIG_FILE } from '../config/load-config'
import { Finding, findingObjectPath } from '../core/findings'
import { Declaration } from '../schema/source-index'
import { SchemaDifference } from '../diff/diff-schemas'
import { ExplainContext } from './context'
import { IDENT } from './statement-search'

type Explained = Pick<Finding, 'file' | 'line' | 'cause' | 'fix'>

export function explainPartitioning(d: SchemaDifference, ctx: ExplainContext, declaration?: Declaration): Explained {
  const partitioned = partitionedBy(ctx, d.schema, d.table!)
  const declaredAt = declaration
    ? `declared as a plain table at ${declaration.file}:${declaration.line}`
    : 'declared as a plain table'
  const where = partitioned ? `partitioned by ${partitioned.file}:${partitioned.line}` : 'partitioned by the migrations'
  const cause =
    `${declaredAt}; ${where}: hand-written SQL, as it must be, since drizzle cannot declare partitioning. ` +
    'The columns, constraints and indexes of the table are compared as usual, and its partitions are its storage, not tables. ' +
    'drizzle-kit generate never sees the difference (its snapshots have no partitioning), but push does: its introspection reads only plain tables, so it plans CREATE TABLE for this one (which fails: it exists) and DROP TABLE … CASCADE for each partition, as tables the schema does not declare'
  const key = `${d.kind}:${findingObjectPath(d)}`
  const fix = `Keep it, and accept it in ${DEFAULT_CONFIG_FILE}: "severity": { "${key}": "notice" } on target "${ctx.target}"; never run drizzle-kit push on these databases (use generate and migrate)`
  return { ...(partitioned ?? declaration ?? {}), cause, fix }
}

/**
 * The line of the last statement that created the table with PARTITION BY: `CREATE TABLE <name> … PARTITION BY`, or a
 * table created partitioned and then renamed to the name (the usual way to partition a table that has rows).
 */
function partitionedBy(ctx: ExplainContext, schema: string, table: string): Declaration | undefined {
  const statements = ctx.migrations
    .filter((m) => m.sql !== undefined)
    .flatMap((migration) => migration.statements.map((statement) => ({ migration, statement })))
    .map((s) => ({
      ...s,
      code: s.statement.sql.replace(/\/\*[\s\S]*?\*\/|--[^\n]*/g, (c) => c.replace(/[^\n]/g, ' '))
    }))
  const createsPartitioned = (code: string, name: string): boolean =>
    new RegExp(
      String.raw`\bcreate\s+(?:unlogged\s+)?table\s+(?:if\s+not\s+exists\s+)?${qualifiedName(schema, name)}[\s\S]*\bpartition\s+by\s+(?:range|list|hash)\b`,
      'i'
    ).test(code)
  const names = new Set([table])
  for (const { code } of statements) {
    const renamed = new RegExp(
      String.raw`\balter\s+table\s+(?:if\s+exists\s+)?(?:only\s+)?(?:${IDENT}\s*\.\s*)?(${IDENT})\s+rename\s+to\s+${qualifiedName(schema, table)}`,
      'i'
    ).exec(code)
    if (renamed) names.add(renamed[1].startsWith('"') ? renamed[1].slice(1, -1).replace(/""/g, '"') : renamed[1])
  }
  const found = statements.filter(({ code }) => [...names].some((name) => createsPartitioned(code, name))).pop()
  if (!found) return undefined
  const lines = found.code.split('\n')
  const at = Math.max(
    0,
    lines.findIndex((l) => /\bpartition\s+by\b/i.test(l))
  )
  return { file: path.relative(ctx.root, found.migration.file), line: found.statement.chunkLine + at }
}

/** The table's name as SQL may write it: quoted or not, bare or qualified with its schema. */
function qualifiedName(schema: string, name: string): string {
  const spelled = (n: string): string => {
    const escaped = n.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
    return String.raw`(?:"${escaped.replace(/"/g, '""')}"|${escaped}(?![\w$]))`
  }
  return String.raw`(?:${spelled(schema)}\s*\.\s*)?${spelled(name)}`
}
