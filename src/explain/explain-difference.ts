// Turns a structural difference into a finding a person can act on: where it is declared (or created), where it
// came from (cause), and the SQL that would fix it. The cause compares three records of the truth: the schema
// source, drizzle-kit's snapshots, and the SQL files.
import * as path from 'node:path'
import { DEFAULT_CONFIG_FILE } from '../config/load-config'
import { Finding } from '../core/findings'
import { Migration } from '../migrations/folder'
import { MAX_IDENTIFIER_BYTES, truncateIdentifier, unquoteIdentifier, quoteIdentifier } from '../sql/identifiers'
import { DatabaseModel, TableModel } from '../model/types'
import { PgSnapshot } from '../schema/drizzle-kit'
import { Declaration, SourceIndex } from '../schema/source-index'
import { EnumValueAddition, SchemaDifference, enumOrderHint, misplacedEnumValues } from '../diff/diff-schemas'
import { SnapshotFile, canonical, snapshotDeclares } from './snapshots'
import { NormModel, normEntry, normaliseDdl, normaliseV7 } from './snapshot-v1'
import { postgresObjectName } from '../schema/kit1-names'

export interface ExplainContext {
  root: string
  target: string
  sources: SourceIndex
  schemaSnapshot: PgSnapshot
  snapshots: SnapshotFile[]
  migrations: Migration[]
  expected: DatabaseModel
  generateCommand: string
  /** audit: migrations this database has not applied yet. */
  pending?: Set<string>
  /** check: the first migration whose SQL file is missing; only the migrations before it were applied. */
  stoppedAt?: Migration
}

/**
 * One recorded snapshot, whichever drizzle-kit wrote it (0.x version 7, or 1.x's ddl), as the causes ask of it:
 * does it declare an object, and what did it record for it (comparable with the schema's own record).
 */
interface RecordedSnapshot {
  migration: Migration
  declares(d: SchemaDifference): boolean
  entry(d: SchemaDifference): string | undefined
  /** The schema's record of the same object, in this snapshot's form. */
  schemaEntry(d: SchemaDifference): string | undefined
}

const recordedCache = new WeakMap<SnapshotFile[], RecordedSnapshot[]>()

function recordedSnapshots(ctx: ExplainContext): RecordedSnapshot[] {
  const cached = recordedCache.get(ctx.snapshots)
  if (cached) return cached
  let schemaNorm: NormModel | undefined
  const recorded: RecordedSnapshot[] = []
  for (const s of ctx.snapshots) {
    if (s.snapshot) {
      const snapshot = s.snapshot
      recorded.push({
        migration: s.migration,
        declares: (d) => snapshotDeclares(snapshot, d),
        entry: (d) => canonical(snapshotEntry(snapshot, d)),
        schemaEntry: (d) => canonical(snapshotEntry(ctx.schemaSnapshot, d))
      })
    } else if (s.v1) {
      const model = normaliseDdl(s.v1)
      recorded.push({
        migration: s.migration,
        declares: (d) => normEntry(model, d) !== undefined,
        entry: (d) => normEntry(model, d),
        schemaEntry: (d) => normEntry((schemaNorm ??= normaliseV7(ctx.schemaSnapshot)), d)
      })
    }
  }
  recordedCache.set(ctx.snapshots, recorded)
  return recorded
}

const q = quoteIdentifier
const tableRef = (schema: string, table: string): string =>
  schema === 'public' ? q(table) : `${q(schema)}.${q(table)}`

export function explainDifference(d: SchemaDifference, ctx: ExplainContext): Omit<Finding, 'severity' | 'databases'> {
  const finding: Omit<Finding, 'severity' | 'databases'> = {
    kind: d.kind,
    target: ctx.target,
    schema: d.schema,
    ...(d.table ? { table: d.table } : {}),
    ...(d.column ? { column: d.column } : {}),
    ...(d.name ? { name: d.name } : {}),
    message: d.message
  }
  const declaration = declarationOf(d, ctx)
  const recorded = recordedSnapshots(ctx)
  const latest = recorded[recorded.length - 1]
  const inLatest = latest ? latest.declares(d) : false
  const latestTag = latest?.migration.tag
  const lost = lostAfter(ctx, latest?.migration)
  const declaredAt = declaration ? `declared at ${declaration.file}:${declaration.line}` : 'declared in the schema'
  const causes: string[] = []

  if (d.kind.startsWith('missing_')) {
    if (declaration) Object.assign(finding, declaration)
    if (!latest)
      causes.push(
        `${declaredAt}; the migrations folder has no usable snapshot, so drizzle-kit never recorded it: run ${ctx.generateCommand}`
      )
    else if (!inLatest) {
      causes.push(
        `${declaredAt}, added to the schema after the last snapshot (${latestTag}): no migration was generated for it${lost}. Run ${ctx.generateCommand}`
      )
    } else {
      const first = recorded.find((s) => s.declares(d))
      const dropped = findStatement(ctx, d, 'drop', first?.migration)
      const skipped = first && notApplied(ctx, first.migration)
      if (first && ctx.pending?.has(first.migration.tag))
        causes.push(
          `${declaredAt}; created by ${path.relative(ctx.root, first.migration.file)}, which this database has not applied yet (pending)`
        )
      else if (first && skipped) causes.push(`${declaredAt}; created by ${first.migration.tag}, ${skipped}`)
      else if (dropped)
        causes.push(
          `${declaredAt}; in snapshot ${first?.migration.tag} but dropped by ${dropped.file}:${dropped.line}, which the snapshots do not record (hand-written SQL)`
        )
      else if (first) {
        causes.push(
          `${declaredAt}; in snapshot ${first.migration.tag} but not created by ${path.relative(ctx.root, first.migration.file)}: the SQL was edited after generation (or the migration was written by hand)`
        )
      }
    }
  } else if (d.kind.startsWith('extra_')) {
    const created = findStatement(ctx, d, 'create')
    if (created) Object.assign(finding, created)
    const removal = latest && !inLatest ? removedIn(ctx, d) : undefined
    const recreated = removal && findStatement(ctx, d, 'create', removal)
    if (latest && inLatest) {
      causes.push(
        `removed from the schema after the last snapshot (${latestTag}): no migration was generated to drop it${lost}. Run ${ctx.generateCommand}`
      )
    } else if (removal && recreated) {
      Object.assign(finding, recreated)
      causes.push(
        `removed from the schema in ${removal.tag}, then created again by ${recreated.file}:${recreated.line}, which the snapshots do not record (hand-written SQL). Declare it in the schema, or drop it in a migration`
      )
    } else if (removal) {
      // drizzle-kit generate will not drop it: its snapshots already lack it.
      causes.push(
        `${created ? `created by ${created.file}:${created.line}, then` : ''} removed from the schema in ${removal.tag}, ${notApplied(ctx, removal) ?? 'whose SQL does not drop it'}. drizzle-kit generate will not drop it (the snapshots already lack it): drop it in a migration, or declare it in the schema again`.trim()
      )
    } else if (undeclarable(d)) {
      causes.push(
        `${created ? `created by ${created.file}:${created.line}` : 'created by the migrations'}: hand-written SQL, as it must be, since drizzle cannot declare ${CONSTRAINT_KINDS[d.constraintKind!]}s. ` +
          "drizzle-kit does not manage it either: generate never drops it, and push's introspection reads only primary key, unique, check and foreign-key constraints (and skips the indexes constraints own), so push leaves it alone"
      )
    } else {
      causes.push(
        `${created ? `created by ${created.file}:${created.line}` : 'created by the migrations'} but declared neither in the schema nor in any snapshot: hand-written SQL. drizzle-kit push would drop it; declare it in the schema, or drop it in a migration`
      )
    }
  } else {
    if (declaration) Object.assign(finding, declaration)
    const altered = findStatement(ctx, d, 'alter')
    const introduced = ctx.stoppedAt ? introducedBy(ctx, d) : undefined
    const enumKey =
      d.kind === 'enum_mismatch'
        ? Object.keys(ctx.schemaSnapshot.enums).find(
            (k) =>
              ctx.schemaSnapshot.enums[k].name === d.name &&
              (ctx.schemaSnapshot.enums[k].schema || 'public') === d.schema
          )
        : undefined
    const enumChanged = enumKey !== undefined && latest !== undefined && latest.schemaEntry(d) !== latest.entry(d)
    // diffSchemas hints at the order only when both sides hold the same values.
    const enumOrder =
      d.kind === 'enum_mismatch' && d.hint !== undefined && !enumChanged && enumKey !== undefined
        ? enumOrderCause(ctx, d, ctx.schemaSnapshot.enums[enumKey].values)
        : undefined
    if (enumOrder) {
      const origin = latest
        ? 'not the SQL drizzle-kit generates for the schema (edited after generation, or written by hand)'
        : 'which the snapshots do not record (hand-written SQL)'
      causes.push(`${declaredAt}; ${enumOrder.cause}, ${origin}`)
      if (enumOrder.hint) d = { ...d, hint: enumOrder.hint }
    } else if (d.kind === 'enum_mismatch' && latest) {
      causes.push(
        enumChanged
          ? `${declaredAt}, changed after the last snapshot (${latestTag}): no migration was generated${lost}`
          : `${declaredAt}; the snapshots agree with the schema, so the SQL that built this enum differs from what drizzle-kit generated`
      )
    } else if (latest && changedAfterSnapshot(latest, d)) {
      causes.push(
        `${declaredAt}, changed after the last snapshot (${latestTag}): no migration was generated${lost}. Run ${ctx.generateCommand}`
      )
    } else if (introduced && notApplied(ctx, introduced)) {
      causes.push(`${declaredAt}; set by ${introduced.tag}, ${notApplied(ctx, introduced)}`)
    } else if (altered) {
      const verb = altered.creates ? 'created with another definition by' : 'changed by'
      causes.push(
        `${declaredAt}; ${verb} ${altered.file}:${altered.line}, which the snapshots do not record (hand-written SQL)`
      )
    } else {
      const built = findStatement(ctx, d, 'create')
      const site = built ? ` (${built.file}:${built.line})` : ''
      if (latest)
        causes.push(
          `${declaredAt}; the snapshots agree with the schema, so the SQL that built it${site} differs from what drizzle-kit generated (edited after generation?)`
        )
      else
        causes.push(
          built ? `${declaredAt}; created with another definition by ${built.file}:${built.line}` : declaredAt
        )
    }
  }
  if (d.hint) causes.push(d.hint)
  finding.cause = causes.join('. ').replace(/\.\./g, '.')
  const fix = undeclarable(d)
    ? `Keep it, and accept it in ${DEFAULT_CONFIG_FILE}: "severity": { "${d.kind}": "notice" } (or "off") on target "${ctx.target}" (this applies to every ${d.kind} of the target)`
    : fixSql(d, ctx.expected)
  if (fix) finding.fix = fix
  return finding
}

/** Constraint kinds drizzle has no API for, named as people write them. */
const CONSTRAINT_KINDS: Partial<Record<NonNullable<SchemaDifference['constraintKind']>, string>> = {
  exclusion: 'exclusion (EXCLUDE) constraint'
}

/** An undeclared constraint of a kind the schema cannot declare: accepted or dropped, never "declared in the schema". */
function undeclarable(d: SchemaDifference): boolean {
  return (
    d.kind === 'extra_constraint' && d.constraintKind !== undefined && CONSTRAINT_KINDS[d.constraintKind] !== undefined
  )
}

/**
 * The severity of a difference. An undeclared constraint that drizzle cannot declare is a warning: it is not drift
 * the schema could ever fix, drizzle-kit neither writes nor drops it (generate and push leave it alone), and the
 * team usually wants it (an integrity rule). An error would fail every run of such a project until the severity
 * is lowered by hand; a warning still shows a constraint that nobody meant to keep.
 */
export function defaultSeverity(d: SchemaDifference): Finding['severity'] {
  return undeclarable(d) ? 'warning' : 'error'
}

function declarationOf(d: SchemaDifference, ctx: ExplainContext): Declaration | undefined {
  if (d.kind.endsWith('_enum') || d.kind === 'enum_mismatch')
    return d.name ? ctx.sources.enum(d.schema, d.name) : undefined
  if (d.kind.endsWith('_sequence')) return d.name ? ctx.sources.object('sequence', d.schema, d.name) : undefined
  if (d.kind.endsWith('_view') || d.kind === 'view_mismatch')
    return d.name ? ctx.sources.object('view', d.schema, d.name) : undefined
  if (d.kind.endsWith('_schema')) return d.name ? ctx.sources.object('schema', d.schema, d.name) : undefined
  if (!d.table) return undefined
  if (d.column) return ctx.sources.column(d.schema, d.table, d.column)
  if (d.name) return ctx.sources.tableObject(d.schema, d.table, d.name, d.columns)
  return ctx.sources.table(d.schema, d.table)
}

/**
 * The SQL statement that created, dropped or altered an object: a line mentioning its quoted name. For create and
 * alter, only the object that exists now counts: the search starts after the last statement that dropped the name
 * or renamed it away, and a RENAME … TO <name> creates it.
 */
function findStatement(
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
    .map(({ migration, statement }) => ({ migration, statement, code: withoutComments(statement.sql) }))
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
      for (let i = columnLine >= 0 ? columnLine : 0; i < lines.length; i++) {
        if (!mentions(` ${lines[i]}\n`)) continue
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
  const altered = search(from, (sql) => verbs.test(sql) || renamesInto(sql, object))
  if (altered || from === 0) return altered
  // Dropped or renamed away, then created again: the statement that created the one that exists.
  const recreated = search(from, createsName)
  return recreated ? { ...recreated, creates: true } : search(0, (sql) => verbs.test(sql))
}

/** SQL without its comments, line for line (so that line numbers still hold): a comment is not a statement's words. */
function withoutComments(sql: string): string {
  return sql.replace(/\/\*[\s\S]*?\*\/|--[^\n]*/g, (comment) => comment.replace(/[^\n]/g, ' '))
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
const IDENT = String.raw`(?:"(?:[^"]|"")+"|[A-Za-z_][\w$]*)`
const TYPE_STATEMENT = new RegExp(
  String.raw`\b(create|alter|drop)\s+type\s+(?:if\s+exists\s+)?(${IDENT}(?:\s*\.\s*${IDENT})?)`,
  'gi'
)
const unquote = unquoteIdentifier
const STRING = /^\s*'((?:[^']|'')*)'/

/** Where each value of an enum came from, replayed from the SQL's CREATE TYPE and ALTER TYPE … ADD/RENAME VALUE. */
interface EnumEvent {
  kind: 'create' | 'add' | 'rename'
  file: string
  line: number
  /** The values as they are named now (a later RENAME VALUE renames them here too). */
  additions: EnumValueAddition[]
  /** rename: the value's name before and after. */
  from?: string
  to?: string
}

function enumHistory(ctx: ExplainContext, schema: string, name: string): EnumEvent[] {
  let events: EnumEvent[] = []
  let order: string[] = []
  for (const migration of ctx.migrations) {
    if (migration.sql === undefined) continue
    for (const statement of migration.statements) {
      for (const m of statement.sql.matchAll(TYPE_STATEMENT)) {
        const parts = m[2].split(/\s*\.\s*(?=["A-Za-z_])/).map(unquote)
        const [s, n] = parts.length === 2 ? parts : ['public', parts[0]]
        if (s !== schema || n !== name) continue
        const line = statement.chunkLine + (statement.sql.slice(0, m.index).match(/\n/g)?.length ?? 0)
        const file = path.relative(ctx.root, migration.file)
        const rest = statement.sql.slice(m.index! + m[0].length)
        const verb = m[1].toLowerCase()
        if (verb === 'drop') {
          events = []
          order = []
        } else if (verb === 'create') {
          const body = /^\s*as\s+enum\s*\(/i.exec(rest)
          if (!body) continue
          order = []
          let text = rest.slice(body[0].length)
          for (let v = STRING.exec(text); v; v = STRING.exec(text)) {
            order.push(v[1].replace(/''/g, "'"))
            text = text.slice(v[0].length).replace(/^\s*,/, '')
          }
          events = [
            {
              kind: 'create',
              file,
              line,
              additions: order.map((value, i) => ({ value, order: order.slice(0, i + 1) }))
            }
          ]
        } else {
          const add =
            /^\s*add\s+value\s+(?:if\s+not\s+exists\s+)?'((?:[^']|'')*)'(?:\s+(before|after)\s+'((?:[^']|'')*)')?/i.exec(
              rest
            )
          const rename = /^\s*rename\s+value\s+'((?:[^']|'')*)'\s+to\s+'((?:[^']|'')*)'/i.exec(rest)
          if (add) {
            const value = add[1].replace(/''/g, "'")
            if (order.includes(value)) continue
            const neighbour = add[3]?.replace(/''/g, "'")
            const at =
              neighbour !== undefined && order.includes(neighbour)
                ? order.indexOf(neighbour) + (add[2].toLowerCase() === 'after' ? 1 : 0)
                : order.length
            order = [...order.slice(0, at), value, ...order.slice(at)]
            const placement =
              neighbour === undefined || !order.includes(neighbour)
                ? undefined
                : add[2].toLowerCase() === 'after'
                  ? { after: neighbour }
                  : { before: neighbour }
            events.push({ kind: 'add', file, line, additions: [{ value, order, ...(placement ? { placement } : {}) }] })
          } else if (rename) {
            const [from, to] = [rename[1].replace(/''/g, "'"), rename[2].replace(/''/g, "'")]
            const swap = (v: string): string => (v === from ? to : v)
            order = order.map(swap)
            for (const e of events) {
              for (const a of e.additions) {
                const placement =
                  a.placement &&
                  ('before' in a.placement ? { before: swap(a.placement.before) } : { after: swap(a.placement.after) })
                Object.assign(a, {
                  value: swap(a.value),
                  order: a.order.map(swap),
                  ...(placement ? { placement } : {})
                })
              }
              if (e.kind === 'rename' && e.to === from) e.to = to
            }
            // The value keeps its place under its new name: the rename is what put that name there.
            events.push({ kind: 'rename', file, line, additions: [], from, to })
          }
        }
      }
    }
  }
  return events
}

/** The statements that put an enum's values out of the schema's order, and the ADD VALUE clauses that would not have. */
function enumOrderCause(
  ctx: ExplainContext,
  d: SchemaDifference,
  schemaValues: string[]
): { cause: string; hint?: string } | undefined {
  const events = enumHistory(ctx, d.schema, d.name!)
  const created = events.find((e) => e.kind === 'create')
  if (!created) return undefined
  const quoteName = (n: string): string => (/^[a-z_][a-z0-9_$]*$/.test(n) ? n : q(n))
  const label = d.schema === 'public' ? quoteName(d.name!) : `${quoteName(d.schema)}.${quoteName(d.name!)}`
  const databaseValues = d.actual?.split(', ') ?? []
  // Values that exist cannot be added again: where the CREATE TYPE or a rename put them, only recreating the type
  // (or declaring the database's order) helps.
  const recreate = `Postgres keeps enum values in the order they were created and added. Recreate the type to reorder it, or declare the values in the schema in the database's order (${databaseValues.join(', ')})`
  const renamed = renamedEnumValues(events, schemaValues, databaseValues)
  if (renamed.length > 0) {
    const cause = renamed
      .map(
        ({ value, renames }) =>
          `'${value}' has the place of '${renames[0].from}': renamed by ${renames.map((r) => `${r.file}:${r.line}`).join(', then ')} (RENAME VALUE keeps the position of the old value)`
      )
      .join('; ')
    return { cause, hint: recreate }
  }
  const sites = new Map<string, { file: string; line: number }>()
  for (const e of events) for (const a of e.additions) sites.set(a.value, e)
  const fromCreate = misplacedEnumValues(schemaValues, created.additions)
  if (fromCreate.length > 0)
    return { cause: `created by ${created.file}:${created.line} with its values in another order`, hint: recreate }
  const misplaced = misplacedEnumValues(
    schemaValues,
    events.filter((e) => e.kind === 'add').flatMap((e) => e.additions)
  )
  if (misplaced.length === 0) return undefined
  // Values appended one after another by one file read as one run: "'b', 'c' added by 0001.sql:1-2 after 'z'".
  const runs: Array<{ file: string; lines: number[]; values: string[]; after?: string }> = []
  for (const m of misplaced) {
    const site = sites.get(m.value)!
    const run = runs[runs.length - 1]
    if (run && run.file === site.file && m.after === run.values[run.values.length - 1]) {
      run.values.push(m.value)
      run.lines.push(site.line)
    } else
      runs.push({
        file: site.file,
        lines: [site.line],
        values: [m.value],
        ...(m.after !== undefined ? { after: m.after } : {})
      })
  }
  const cause = runs
    .map(
      (r) =>
        `${r.values.map((v) => `'${v}'`).join(', ')} added by ${r.file}:${lineRanges(r.lines)} ${r.after !== undefined ? `after '${r.after}'` : 'first'}`
    )
    .join('; ')
  // An ADD VALUE clause is only proposed for a value an ADD VALUE added under the name it has now.
  const addedAsNamed = misplaced.every((m) => !events.some((e) => e.kind === 'rename' && e.to === m.value))
  return { cause, hint: addedAsNamed ? enumOrderHint(label, misplaced) : recreate }
}

/**
 * The values a RENAME VALUE put out of the schema's order: the other values are in the schema's order, and the
 * renamed one, which took the old value's place, is not. Each with its renames, first to last.
 */
function renamedEnumValues(
  events: EnumEvent[],
  schemaValues: string[],
  databaseValues: string[]
): { value: string; renames: EnumEvent[] }[] {
  const renames = new Map<string, EnumEvent[]>()
  for (const e of events) {
    if (e.kind !== 'rename') continue
    // e.to is the value's name now; a chain a -> b -> c is one value renamed twice.
    renames.set(e.to!, [...(renames.get(e.to!) ?? []), e])
  }
  const values = [...renames.keys()].filter((v) => databaseValues.includes(v) && schemaValues.includes(v))
  if (values.length === 0) return []
  const others = (list: string[]): string[] =>
    list.filter((v) => !renames.has(v) && databaseValues.includes(v) && schemaValues.includes(v))
  if (others(databaseValues).join('\u0000') !== others(schemaValues).join('\u0000')) return []
  const inPlace = (value: string): boolean => {
    const keep = (list: string[]): string => list.filter((v) => v === value || others([v]).length > 0).join('\u0000')
    return keep(databaseValues) === keep(schemaValues)
  }
  return values.filter((v) => !inPlace(v)).map((value) => ({ value, renames: renames.get(value)! }))
}

/**
 * The schema's record of a column, constraint, index or policy differs from the last snapshot's: the schema changed
 * and no migration was generated. A named object counts only when the snapshot records it (by the name the database
 * has) and differently, so drizzle-kit's own SQL for an unchanged object is never blamed this way.
 */
function changedAfterSnapshot(latest: RecordedSnapshot, d: SchemaDifference): boolean {
  if (!d.table) return false
  if (d.column) return latest.schemaEntry(d) !== latest.entry(d)
  if (!d.name) return false
  const recorded = latest.entry(d)
  const schema = latest.schemaEntry(d)
  return recorded !== undefined && schema !== undefined && recorded !== schema
}

/** 1, 2, 3, 7 -> "1-3, 7". */
function lineRanges(lines: number[]): string {
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
function lostAfter(ctx: ExplainContext, latest: Migration | undefined): string {
  const lost = ctx.migrations
    .slice(latest ? ctx.migrations.indexOf(latest) + 1 : 0)
    .filter((m) => m.sql === undefined && !m.snapshotFile)
  if (lost.length === 0) return ''
  const tags = lost.map((m) => m.tag).join(', ')
  return lost.length === 1
    ? `, or it is in ${tags} (after the last snapshot), whose SQL file and snapshot are missing: restore them, or remove the entry from the journal`
    : `, or it is in one of ${tags} (after the last snapshot), whose SQL files and snapshots are missing: restore them, or remove the entries from the journal`
}

/** Why the check's database lacks what a migration's SQL would build, when the check did not run it. */
function notApplied(ctx: ExplainContext, migration: Migration): string | undefined {
  if (!ctx.stoppedAt) return undefined
  if (migration.sql === undefined) return 'whose SQL file is missing'
  if (ctx.migrations.indexOf(migration) > ctx.migrations.indexOf(ctx.stoppedAt)) {
    return `which was not applied: drizzle's migrator applies no migration while ${ctx.stoppedAt.tag}'s SQL file is missing, and the check stops there`
  }
  return undefined
}

/** The migration whose snapshot dropped an object that earlier snapshots have (the last time it was dropped). */
function removedIn(ctx: ExplainContext, d: SchemaDifference): Migration | undefined {
  let removal: Migration | undefined
  let had = false
  for (const s of recordedSnapshots(ctx)) {
    if (s.declares(d)) {
      had = true
      removal = undefined
    } else if (had) removal ??= s.migration
  }
  return removal
}

/** The migration whose snapshot first records the object as the last snapshot has it. */
function introducedBy(ctx: ExplainContext, d: SchemaDifference): Migration | undefined {
  const recorded = recordedSnapshots(ctx)
  if (recorded.length === 0) return undefined
  const last = recorded[recorded.length - 1].entry(d)
  let first: Migration | undefined
  for (let i = recorded.length - 1; i >= 0 && recorded[i].entry(d) === last; i--) first = recorded[i].migration
  return first
}

function snapshotEntry(snapshot: PgSnapshot, d: SchemaDifference): unknown {
  const bySchemaAndName = (v: { name: string; schema: string }): boolean =>
    (v.schema || 'public') === d.schema && v.name === d.name
  if (d.kind === 'enum_mismatch') return Object.values(snapshot.enums ?? {}).find(bySchemaAndName)
  if (d.kind === 'view_mismatch') return Object.values(snapshot.views ?? {}).find(bySchemaAndName)
  const table = d.table ? snapshot.tables[`${d.schema}.${d.table}`] : undefined
  if (!table || d.column) return table?.columns[d.column!]
  if (!d.name) return table
  // The database holds names cut to 63 bytes, the snapshot the full ones; two full names cut alike are ambiguous.
  const found: unknown[] = []
  for (const group of [
    table.indexes,
    table.foreignKeys,
    table.compositePrimaryKeys,
    table.uniqueConstraints,
    table.checkConstraints,
    table.policies
  ]) {
    for (const [name, entry] of Object.entries(group ?? {})) if (truncateIdentifier(name) === d.name) found.push(entry)
  }
  // A column's own `.unique()` and `.primaryKey()` are recorded on the column.
  for (const c of Object.values(table.columns))
    if (c.isUnique && c.uniqueName && truncateIdentifier(c.uniqueName) === d.name)
      found.push({ unique: [c.name], nullsNotDistinct: c.nullsNotDistinct })
  const pkColumns = Object.values(table.columns)
    .filter((c) => c.primaryKey)
    .map((c) => c.name)
  if (pkColumns.length > 0 && postgresObjectName(table.name, undefined, 'pkey') === d.name)
    found.push({ primaryKey: pkColumns })
  return found.length === 1 ? found[0] : undefined
}

function fixSql(d: SchemaDifference, expected: DatabaseModel): string | undefined {
  const t = d.table ? tableRef(d.schema, d.table) : ''
  const table: TableModel | undefined = d.table ? expected.tables.get(`${d.schema}.${d.table}`) : undefined
  switch (d.kind) {
    case 'missing_column': {
      const c = table?.columns.get(d.column!)
      if (!c) return undefined
      const serial = c.default === 'nextval(<owned sequence>)'
      const type = serial
        ? (({ integer: 'serial', bigint: 'bigserial', smallint: 'smallserial' } as Record<string, string>)[c.type] ??
          c.type)
        : c.type
      const parts = [`ALTER TABLE ${t} ADD COLUMN ${q(c.name)} ${type}`]
      if (c.identity) parts.push(`GENERATED ${c.identity.toUpperCase()} AS IDENTITY`)
      if (c.generated) parts.push(`GENERATED ALWAYS AS (${c.generated}) STORED`)
      if (c.default && !serial) parts.push(`DEFAULT ${c.default}`)
      if (c.notNull && !serial) parts.push('NOT NULL')
      return parts.join(' ') + ';'
    }
    case 'extra_column':
      return `ALTER TABLE ${t} DROP COLUMN ${q(d.column!)};`
    case 'column_type_mismatch':
      return `ALTER TABLE ${t} ALTER COLUMN ${q(d.column!)} SET DATA TYPE ${d.expected};`
    case 'column_nullability_mismatch':
      return `ALTER TABLE ${t} ALTER COLUMN ${q(d.column!)} ${d.expected === 'NOT NULL' ? 'SET' : 'DROP'} NOT NULL;`
    case 'column_default_mismatch':
      return d.expected === '(none)'
        ? `ALTER TABLE ${t} ALTER COLUMN ${q(d.column!)} DROP DEFAULT;`
        : `ALTER TABLE ${t} ALTER COLUMN ${q(d.column!)} SET DEFAULT ${d.expected};`
    case 'extra_table':
      return `DROP TABLE ${t};`
    case 'missing_index': {
      const i = table?.indexes.get(d.name!)
      return i ? i.definition.replace(/ INDEX ON /, ` INDEX ${q(i.name)} ON `) + ';' : undefined
    }
    case 'extra_index':
      return `DROP INDEX ${d.schema === 'public' ? q(d.name!) : `${q(d.schema)}.${q(d.name!)}`};`
    case 'missing_constraint': {
      const c =
        table?.constraints.get(d.name!) ??
        [...(table?.constraints.values() ?? [])].find((x) => x.kind === 'primary_key' && x.name === d.name)
      return c ? `ALTER TABLE ${t} ADD CONSTRAINT ${q(c.name)} ${c.definition};` : undefined
    }
    case 'extra_constraint':
      return `ALTER TABLE ${t} DROP CONSTRAINT ${q(d.name!)};`
    case 'missing_enum': {
      const e = expected.enums.get(`${d.schema}.${d.name}`)
      return e
        ? `CREATE TYPE ${tableRef(e.schema, e.name)} AS ENUM (${e.values.map((v) => `'${v.replace(/'/g, "''")}'`).join(', ')});`
        : undefined
    }
    case 'missing_schema':
      return `CREATE SCHEMA ${q(d.name!)};`
    default:
      return undefined
  }
}
