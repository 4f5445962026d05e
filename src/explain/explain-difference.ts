// Turns a structural difference into a finding a person can act on: where it is declared (or created), where it
// came from (cause), and the SQL that would fix it. The cause compares three records of the truth: the schema
// source, drizzle-kit's snapshots, and the SQL files.
import * as path from 'node:path'
import { DEFAULT_CONFIG_FILE } from '../config/load-config'
import { Finding } from '../core/findings'
import { Declaration, TableObjectKind } from '../schema/source-index'
import { SchemaDifference } from '../diff/diff-schemas'
import { ExplainContext } from './context'
import { unexportedEnums } from '../schema/declared'
import { enumOrderCause } from './enum-history'
import { fixSql } from './fix-sql'
import { differenceAspect, differenceKey, objectKey } from './object-history'
import { folderWithoutJournal, neverRun, unlistedEvents, unlistedFix } from './unlisted-files'
import { explainPartitioning } from './partitioning'
import { changedAfterSnapshot, introducedBy, recordedSnapshots, removedIn } from './snapshot-history'
import { findStatement, lostAfter, notApplied } from './statement-search'
import {
  changedByStatements,
  createdAs,
  createdByRunMigration,
  droppedByRunMigration,
  enumValuesCause,
  hasHistory,
  missingFromUnrunMigration,
  removedByUnrunMigration,
  unrecordedTableCause,
  whyNotRun
} from './history-causes'

export type { ExplainContext } from './context'

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
  if (d.kind === 'partitioning_mismatch') return { ...finding, ...explainPartitioning(d, ctx, declaration) }
  const recorded = recordedSnapshots(ctx)
  const latest = recorded[recorded.length - 1]
  const inLatest = latest ? latest.declares(d) : false
  const latestTag = latest?.migration.tag
  const lost = lostAfter(ctx, latest?.migration)
  const declaredAt = declaration ? `declared at ${declaration.file}:${declaration.line}` : 'declared in the schema'
  const causes: string[] = []
  /** audit: an extra object no migration creates (made on the live database itself). */
  let madeOnLive = false
  // A file of the folder outside the journal that creates or changes it: the migrator never ran it.
  const outside = d.kind.startsWith('extra_') ? undefined : unlistedCause(ctx, d)

  if (d.kind.startsWith('missing_')) {
    if (declaration) Object.assign(finding, declaration)
    // A migration that did not run creates it: that statement, whatever the snapshots say.
    const unrun = ctx.stoppedAt ? missingFromUnrunMigration(ctx, d, declaredAt) : undefined
    if (unrun) {
      causes.push(unrun)
      d = { ...d, hint: undefined }
    } else if (outside) {
      causes.push(`${declaredAt}; ${outside.cause}`)
      d = { ...d, hint: undefined }
    } else if (!latest && folderWithoutJournal(ctx.unlisted))
      // No file creates it, and without a journal a generate would write every table again as a new first migration.
      causes.push(
        `${declaredAt}; none of the migrations folder's SQL files creates it, and the folder has no meta/_journal.json (drizzle's migrator runs none of them)`
      )
    else if (!latest)
      causes.push(
        `${declaredAt}; the migrations folder has no usable snapshot, so drizzle-kit never recorded it: ${runGenerate(ctx).replace(/^Run/, 'run')}`
      )
    else if (!inLatest) {
      causes.push(
        `${declaredAt}, added to the schema after the last snapshot (${latestTag}): no migration was generated for it${lost}. ${runGenerate(ctx)}`
      )
    } else {
      const first = recorded.find((s) => s.declares(d))
      const dropped = hasHistory(ctx, d)
        ? droppedByRunMigration(ctx, d)
        : findStatement(ctx, d, 'drop', first?.migration)
      const skipped = first && notApplied(ctx, first.migration)
      if (first && ctx.pending?.has(first.migration.tag))
        causes.push(
          `${declaredAt}; created by ${path.relative(ctx.root, first.migration.file)}, which this database has not applied yet (pending)`
        )
      else if (first && skipped) causes.push(`${declaredAt}; created by ${first.migration.tag}, ${skipped}`)
      else if (dropped)
        causes.push(
          `${declaredAt}; in snapshot ${first?.migration.tag} but ${'renamed' in dropped && dropped.renamed ? 'renamed away' : 'dropped'} by ${dropped.file}:${dropped.line}, which the snapshots do not record (hand-written SQL)`
        )
      else if (first) {
        causes.push(
          `${declaredAt}; in snapshot ${first.migration.tag} but not created by ${path.relative(ctx.root, first.migration.file)}: the SQL was edited after generation (or the migration was written by hand)`
        )
      }
    }
  } else if (d.kind.startsWith('extra_')) {
    const created = hasHistory(ctx, d) ? createdByRunMigration(ctx, d) : findStatement(ctx, d, 'create')
    if (created) Object.assign(finding, { file: created.file, line: created.line })
    const removal = latest && !inLatest ? removedIn(ctx, d) : undefined
    const recreated = removal && findStatement(ctx, d, 'create', removal)
    const unrunRemoval = ctx.stoppedAt ? removedByUnrunMigration(ctx, d) : undefined
    // Its name is in the table's declaration, yet drizzle-kit's reading of the schema lacks it: not a removal.
    const unread =
      !unrunRemoval &&
      d.name &&
      d.table &&
      (d.kind === 'extra_index' || d.kind === 'extra_constraint' || d.kind === 'extra_policy')
        ? ctx.sources.namedInTable(d.schema, d.table, d.name)
        : undefined
    const unexported = d.kind === 'extra_enum' && !unrunRemoval ? unexportedEnum(ctx, d) : undefined
    if (unexported) {
      // It is declared: "not declared in the schema" would send the reader looking for a missing declaration.
      finding.message = d.message.replace(
        / is not declared in the schema$/,
        ' is declared in the schema but not exported, so drizzle-kit does not read it'
      )
      causes.push(`${created ? `created by ${created.file}:${created.line}; ` : ''}${unexported.cause}`)
    } else if (unrunRemoval) {
      // The diff's rename hint guesses at a missing migration; here the migration exists and did not run.
      d = { ...d, hint: undefined }
      const verb = unrunRemoval.renamed ? 'renamed away' : 'dropped'
      causes.push(
        `${created ? `created by ${created.file}:${created.line}; ` : ''}${verb} by ${unrunRemoval.file}:${unrunRemoval.line}, ${whyNotRun(ctx, unrunRemoval.migration)}`
      )
    } else if (unread) {
      d = { ...d, hint: undefined }
      const what = d.kind === 'extra_index' ? 'index' : d.kind === 'extra_policy' ? 'policy' : 'constraint'
      causes.push(
        `${created ? `created by ${created.file}:${created.line}; ` : ''}its name is still in the schema at ${unread.file}:${unread.line}, but drizzle-kit does not read that declaration (its schema has no such ${what}: a builder inside an object in the table's array, or code that is commented out or never runs, is not read). ${inLatest ? 'drizzle-kit generate would write a DROP for it, and push would drop it' : 'drizzle-kit push would drop it'}`
      )
    } else if (latest && inLatest) {
      causes.push(
        `removed from the schema after the last snapshot (${latestTag}): no migration was generated to drop it${lost}. ${runGenerate(ctx)}`
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
    } else if (!created && ctx.live) {
      // No migration creates it, and this database was not built here: it was made on this database itself.
      madeOnLive = true
      causes.push(
        `no migration creates it: it was made on this database outside the migrations (by hand, a script, or drizzle-kit push), so a database the migrations build lacks it`
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
    // The text search only where the statements say nothing of the object: it cannot tell a column from an enum.
    const altered = hasHistory(ctx, d) ? undefined : findStatement(ctx, d, 'alter')
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
    let valuesCause: string | undefined
    let statementsCause: string | undefined
    let unrecordedCause: string | undefined
    if (outside) {
      causes.push(`${declaredAt}; ${outside.cause}`)
      d = { ...d, hint: undefined }
    } else if (enumOrder) {
      const origin = latest
        ? 'not the SQL drizzle-kit generates for the schema (edited after generation, or written by hand)'
        : 'which the snapshots do not record (hand-written SQL)'
      causes.push(`${declaredAt}; ${enumOrder.cause}, ${origin}`)
      if (enumOrder.hint) d = { ...d, hint: enumOrder.hint }
    } else if (d.kind === 'enum_mismatch' && (valuesCause = enumValuesCause(ctx, d, declaredAt, recorded))) {
      causes.push(valuesCause)
    } else if (d.kind !== 'enum_mismatch' && (statementsCause = changedByStatements(ctx, d, declaredAt, recorded))) {
      causes.push(statementsCause)
    } else if (d.kind === 'enum_mismatch' && latest) {
      causes.push(
        enumChanged
          ? `${declaredAt}, changed after the last snapshot (${latestTag}): no migration was generated${lost}`
          : `${declaredAt}; the snapshots agree with the schema, so the SQL that built this enum differs from what drizzle-kit generated`
      )
    } else if (d.kind !== 'enum_mismatch' && (unrecordedCause = unrecordedTableCause(ctx, d, declaredAt, recorded))) {
      causes.push(unrecordedCause)
    } else if (latest && changedAfterSnapshot(latest, d)) {
      causes.push(
        `${declaredAt}, changed after the last snapshot (${latestTag}): no migration was generated${lost}. ${runGenerate(ctx)}`
      )
    } else if (introduced && notApplied(ctx, introduced)) {
      causes.push(`${declaredAt}; set by ${introduced.tag}, ${notApplied(ctx, introduced)}`)
    } else if (altered) {
      const verb = altered.creates ? createdAs(d) : 'changed by'
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
      else causes.push(built ? `${declaredAt}; ${createdAs(d)} ${built.file}:${built.line}` : declaredAt)
    }
  }
  if (d.hint) causes.push(d.hint)
  // A cause that ends with a full stop is not given a second one at the joint; what the causes quote is kept.
  finding.cause = causes.map((c, i) => (i < causes.length - 1 ? c.replace(/\.$/, '') : c)).join('. ')
  const unexportedFix = d.kind === 'extra_enum' ? unexportedEnum(ctx, d)?.fix : undefined
  const liveFix = madeOnLive ? fixSql(d, ctx.expected) : undefined
  const fix = unexportedFix
    ? unexportedFix
    : madeOnLive
      ? `If the application uses it, ${undeclarable(d) ? `create it in a migration (only where it is missing, so that this database keeps it and new ones get it) and accept it in ${DEFAULT_CONFIG_FILE} ("severity": { "${d.kind}": "notice" })` : 'declare it in the schema and add a migration that creates it only where it is missing (IF NOT EXISTS), so that this database keeps it and new ones get it'}${liveFix ? `; otherwise drop it here, with what it holds: ${liveFix}` : ''}`
      : outside
        ? outside.fix
        : unreadFix(d, ctx)
          ? unreadFix(d, ctx)
          : undeclarable(d)
            ? `Keep it, and accept it in ${DEFAULT_CONFIG_FILE}: "severity": { "${d.kind}": "notice" } (or "off") on target "${ctx.target}" (this applies to every ${d.kind} of the target)`
            : fixSql(d, ctx.expected)
  if (fix) finding.fix = fix
  return finding
}

/**
 * The statement of a SQL file outside the journal that creates the missing object or makes what differs (an
 * aspect of a column, row level security as the schema has it): drizzle's migrator never runs that file.
 */
function unlistedCause(ctx: ExplainContext, d: SchemaDifference): { cause: string; fix: string } | undefined {
  const key = d.kind === 'rls_mismatch' && d.table ? objectKey('rls', d.schema, d.table) : differenceKey(d)
  const aspect = differenceAspect(d)
  const events = unlistedEvents(ctx, key).filter((e) => {
    if (d.kind.startsWith('missing_')) return e.action === 'create'
    if (d.kind === 'rls_mismatch') {
      const text = e.migration.sql?.split('\n')[e.line - 1] ?? ''
      return (d.expected === 'enabled') === /\b(enable|force)\s+row\s+level/i.test(text)
    }
    return e.action === 'create' || (e.action === 'change' && (!aspect || e.aspects?.includes(aspect)))
  })
  const by = events[events.length - 1]
  if (!by) return undefined
  const verb = d.kind.startsWith('missing_')
    ? 'created'
    : d.kind === 'rls_mismatch'
      ? `row level security ${d.expected === 'enabled' ? 'enabled' : 'disabled'}`
      : 'changed'
  return {
    cause: `${verb} by ${by.file}:${by.line}, ${neverRun(by.migration)}, so the databases it migrates do not have it`,
    fix: unlistedFix(ctx, by.migration, ctx.target)
  }
}

/**
 * An enum the schema's columns use but the schema files do not export: drizzle-kit does not read it (no CREATE TYPE,
 * no snapshot entry), so it looks undeclared; dropping it would fail while the columns use it.
 */
function unexportedEnum(ctx: ExplainContext, d: SchemaDifference): { cause: string; fix: string } | undefined {
  if (!d.name) return undefined
  const columns = unexportedEnums(ctx.schemaSnapshot).get(`${d.schema}.${d.name}`)
  if (!columns) return undefined
  const at = ctx.sources.unexportedEnum(d.name)
  const where = at ? ` at ${at.file}:${at.line}` : ''
  const users =
    columns.length > 3 ? `${columns.slice(0, 3).join(', ')} and ${columns.length - 3} more` : columns.join(', ')
  return {
    cause: `the schema declares it${where}, used by ${users}, but does not export it: drizzle-kit reads only the enums the schema files export, so its snapshots and generate do not see it (and push would try to drop it)`,
    fix: `Export it${where} (export const … = pgEnum(…)), then check again; do not drop it: ${users} ${columns.length === 1 ? 'uses' : 'use'} it`
  }
}

/** An undeclared index, constraint or policy whose name the table's declaration spells: declare it as drizzle-kit reads it. */
function unreadFix(d: SchemaDifference, ctx: ExplainContext): string | undefined {
  if (!d.name || !d.table || !['extra_index', 'extra_constraint', 'extra_policy'].includes(d.kind)) return undefined
  const at = ctx.sources.namedInTable(d.schema, d.table, d.name)
  if (!at) return undefined
  return `Write the declaration at ${at.file}:${at.line} as drizzle-kit reads it (the builder itself as an entry of the array the table's third argument returns), then check again; do not run drizzle-kit generate or push before that`
}

/** The way to catch the snapshots up: drizzle-kit generate, unless it would do harm or refuses to run here. */
function runGenerate(ctx: ExplainContext): string {
  return ctx.generateAdvice ?? `Run ${ctx.generateCommand}`
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
  // Partitioning is the same: drizzle has no API for it, and the data the table holds is as the schema says.
  return undeclarable(d) || d.kind === 'partitioning_mismatch' ? 'warning' : 'error'
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
  if (d.name) return ctx.sources.tableObject(d.schema, d.table, d.name, d.columns, objectKind(d))
  return ctx.sources.table(d.schema, d.table)
}

/** What the object of a difference is: so a foreign key is not found at an index on the same columns. */
function objectKind(d: SchemaDifference): TableObjectKind | undefined {
  if (d.kind.endsWith('_index') || d.kind === 'index_mismatch') return 'index'
  if (d.constraintKind) return d.constraintKind
  // diffSchemas' messages open with what the constraint is; its definitions with the SQL keyword.
  const starts = [d.message, d.expected ?? '', d.actual ?? '']
  const is = (label: RegExp): boolean => starts.some((text) => label.test(text))
  if (is(/^(foreign key\b|FOREIGN KEY)/)) return 'foreign_key'
  if (is(/^(primary key\b|PRIMARY KEY)/)) return 'primary_key'
  if (is(/^(unique constraint\b|UNIQUE\b)/)) return 'unique'
  if (is(/^(check constraint\b|CHECK\b)/)) return 'check'
  return undefined
}
