// Causes read from what the migrations' statements did (object-history), checked against which snapshots record
// the result: the statement that made an object what the database has, whether that migration ran, and whether a
// snapshot recorded it. Each function answers only when the statements tell the story; otherwise the snapshot
// history's causes (explain-difference) speak.
import * as path from 'node:path'
import { Migration } from '../migrations/folder'
import { SchemaDifference } from '../diff/diff-schemas'
import { SERIAL_DEFAULT } from '../model/types'
import { quoteIdentifierIfNeeded } from '../sql/identifiers'
import { postgresObjectName } from '../schema/kit1-names'
import { ExplainContext } from './context'
import {
  ColumnAspect,
  ObjectEvent,
  differenceAspect,
  differenceKey,
  objectHistory,
  objectKey,
  ranOnDatabase
} from './object-history'
import { RecordedSnapshot } from './snapshot-history'
import { notApplied } from './statement-search'

function eventsOf(ctx: ExplainContext, key: string | undefined): ObjectEvent[] {
  return key ? (objectHistory(ctx.root, ctx.migrations).events.get(key) ?? []) : []
}

const ran = (ctx: ExplainContext, m: Migration): boolean => ranOnDatabase(m, ctx.migrations, ctx.stoppedAt, ctx.pending)

const site = (e: ObjectEvent): string => `${e.file}:${e.line}`

/** Why a migration that would build something did not run on the check's database. */
function whyNotRun(ctx: ExplainContext, m: Migration): string {
  if (ctx.pending?.has(m.tag)) return 'which this database has not applied yet (pending)'
  return notApplied(ctx, m) ?? 'which was not applied'
}

/** The events that made the object what it is now (after its last drop): creates, renames, and changes. */
function sinceLastDrop(events: ObjectEvent[]): ObjectEvent[] {
  const lastDrop = events.map((e) => e.action).lastIndexOf('drop')
  return events.slice(lastDrop + 1)
}

/**
 * A declared object the database lacks, which a migration that did not run creates: that migration, and what
 * happened to the object before it (an older DROP that did run is not the reason).
 */
export function missingFromUnrunMigration(
  ctx: ExplainContext,
  d: SchemaDifference,
  declaredAt: string
): string | undefined {
  const events = eventsOf(ctx, differenceKey(d))
  const last = events[events.length - 1]
  if (!last || last.action === 'drop' || ran(ctx, last.migration)) return undefined
  const creator = sinceLastDrop(events).find((e) => e.action === 'create')
  if (!creator || ran(ctx, creator.migration)) return undefined
  const earlierDrop = [...events.slice(0, events.indexOf(creator))].reverse().find((e) => e.action === 'drop')
  const before =
    earlierDrop && ran(ctx, earlierDrop.migration)
      ? ` (after ${site(earlierDrop)} ${earlierDrop.renamed ? 'renamed it away' : 'dropped it'})`
      : ''
  const verb = creator.renamed ? 'renamed back into place' : 'created'
  return `${declaredAt}; ${verb} by ${site(creator)}${before}, ${whyNotRun(ctx, creator.migration)}`
}

/**
 * An object the database has and the schema does not, which a migration that did not run drops or renames away:
 * that statement is the reason, not a schema change.
 */
export function removedByUnrunMigration(ctx: ExplainContext, d: SchemaDifference): ObjectEvent | undefined {
  const events = eventsOf(ctx, differenceKey(d))
  const lastRan = events.map((e) => ran(ctx, e.migration)).lastIndexOf(true)
  if (lastRan < 0 || events[lastRan].action === 'drop') return undefined
  return events.slice(lastRan + 1).find((e) => e.action === 'drop' && !ran(ctx, e.migration))
}

export { whyNotRun }

/** The statement that dropped an object the database lacks: the last DROP that ran, after it was last created. */
export function droppedByRunMigration(ctx: ExplainContext, d: SchemaDifference): ObjectEvent | undefined {
  const events = eventsOf(ctx, differenceKey(d)).filter((e) => ran(ctx, e.migration))
  const last = events[events.length - 1]
  return last?.action === 'drop' ? last : undefined
}

/** The statement that created an object the database has and the schema does not: the last create that ran. */
/** Whether the statements say anything about the object (else the causes fall back to a text search). */
export function hasHistory(ctx: ExplainContext, d: SchemaDifference): boolean {
  return eventsOf(ctx, differenceKey(d)).length > 0
}

export function createdByRunMigration(ctx: ExplainContext, d: SchemaDifference): ObjectEvent | undefined {
  const events = eventsOf(ctx, differenceKey(d)).filter((e) => ran(ctx, e.migration))
  if (events.length === 0 || events[events.length - 1].action === 'drop') return undefined
  return sinceLastDrop(events).find((e) => e.action === 'create')
}

/**
 * An object the database has in another form than the schema: the statement that last set what differs, read from
 * the statements, then judged by whether that migration ran and which snapshots record its result.
 */
export function changedByStatements(
  ctx: ExplainContext,
  d: SchemaDifference,
  declaredAt: string,
  recorded: RecordedSnapshot[]
): string | undefined {
  const aspect = differenceAspect(d)
  const events = sinceLastDrop(eventsOf(ctx, differenceKey(d))).filter(
    // A rename carries the column's definition over (its earlier events come with it); it sets no aspect.
    (e) => (e.action === 'create' && !(aspect && e.renamed)) || !aspect || e.aspects?.includes(aspect)
  )
  if (events.length === 0) return undefined
  const last = events[events.length - 1]
  if (!ran(ctx, last.migration)) return `${declaredAt}; set by ${site(last)}, ${whyNotRun(ctx, last.migration)}`
  const applied = events.filter((e) => ran(ctx, e.migration))
  const setter = applied[applied.length - 1]
  // A DROP and ADD in one migration is how SQL changes a constraint: a change, not a new object.
  const all = eventsOf(ctx, differenceKey(d))
  const previous = all[all.indexOf(setter) - 1]
  const replaced =
    !d.column && previous?.action === 'drop' && previous.migration === setter.migration && !previous.renamed
  const verb = setter.action === 'create' && !setter.renamed && !replaced ? createdAs(d) : 'changed by'
  const retyped = serialRetyped(ctx, d, setter, recorded)
  if (retyped) return `${declaredAt}; ${retyped}`
  if (recorded.length === 0) return `${declaredAt}; ${verb} ${site(setter)}`
  const own = recorded.find((s) => s.migration === setter.migration)
  if (!own || !own.declares(d))
    return `${declaredAt}; ${verb} ${site(setter)}, which the snapshots do not record (hand-written SQL)`
  if (own.entry(d) === own.schemaEntry(d)) {
    // Its snapshot agrees with the schema, the SQL made something else. A snapshot that records the object as the
    // one before it did was not generated for this statement (copied, or hand-written SQL beside it).
    const before = recorded[recorded.indexOf(own) - 1]
    if (before && before.entry(d) === own.entry(d))
      return `${declaredAt}; ${verb} ${site(setter)}, which the snapshots do not record (hand-written SQL)`
    return `${declaredAt}; the snapshots agree with the schema, so the SQL that built it (${site(setter)}) differs from what drizzle-kit generated (edited after generation?)`
  }
  // The migration's own snapshot records the object: a later snapshot records what differs as the schema has it,
  // while no statement after the setter changes it. Compared on what differs only (a type change recorded with its
  // SQL is not the snapshot that took the NOT NULL).
  const value = (entry: string | undefined): string | undefined => aspectValue(entry, aspect)
  const latest = recorded[recorded.length - 1]
  const later = recorded.slice(recorded.indexOf(own) + 1)
  const flip = later.find((s) => value(s.entry(d)) !== value(own.entry(d)))
  if (
    !flip ||
    !ran(ctx, flip.migration) ||
    value(latest.entry(d)) !== value(latest.schemaEntry(d)) ||
    value(own.entry(d)) === value(own.schemaEntry(d))
  )
    return undefined
  const asSchema = value(flip.entry(d)) === value(flip.schemaEntry(d))
  const lead =
    `${declaredAt}; ${verb} ${site(setter)} (snapshot ${own.migration.tag} records it), but snapshot ` +
    `${flip.migration.tag} records it ${asSchema ? `as the schema has it${schemaValue(d)}` : 'otherwise'}`
  const tail = `drizzle-kit generate sees no change (its last snapshot agrees with the schema): change it in a new migration`
  const parents = snapshotParents(recorded, flip)
  // Merged branches only on the prevId chain's word: flip was generated on top of snapshots that do not descend from
  // own's, and that record it otherwise than own does (the branch never had the change).
  if (
    parents &&
    parents.length > 0 &&
    !descendsFrom(recorded, flip, own) &&
    parents.every((p) => value(p.entry(d)) !== value(own.entry(d)))
  )
    return (
      `${lead}, and no migration changes it back: branches were merged, and ${flip.migration.tag}'s snapshot comes ` +
      `from a branch without that change (it was generated on top of ${parents.map((p) => `${p.migration.tag}'s`).join(' and ')}). ${tail}`
    )
  const sql = path.relative(ctx.root, flip.migration.file)
  // Generated on top of a snapshot that records it as own does: drizzle-kit wrote SQL for the change, which the
  // file lacks. Otherwise (its parent unknown) only the facts.
  const generatedOnOwn = parents?.some((p) => value(p.entry(d)) === value(own.entry(d))) ?? false
  return `${lead}, which ${sql} does not do${generatedOnOwn ? ' (hand-written SQL, or edited after generation)' : ''}, nor does any later migration. ${tail}`
}

/**
 * A column whose default is still its sequence's (created as serial) after a later statement changed its type:
 * ALTER COLUMN … SET DATA TYPE keeps the default, and drizzle-kit's SQL for a change from serial is only that.
 */
function serialRetyped(
  ctx: ExplainContext,
  d: SchemaDifference,
  setter: ObjectEvent,
  recorded: RecordedSnapshot[]
): string | undefined {
  if (d.kind !== 'column_default_mismatch' || d.actual !== SERIAL_DEFAULT) return undefined
  const all = eventsOf(ctx, differenceKey(d))
  const retype = all
    .slice(all.indexOf(setter) + 1)
    .find((e) => e.action === 'change' && e.aspects?.includes('type') && ran(ctx, e.migration))
  if (!retype) return undefined
  const text = setter.migration.sql?.split('\n')[setter.line - 1] ?? ''
  const serial = /\b(small|big)?serial[248]?\b/i.exec(text)?.[0].toLowerCase()
  const origin =
    setter.action === 'create'
      ? `created ${serial ? `as ${serial}` : 'with a default of nextval on its own sequence'} by ${site(setter)}`
      : `given its sequence's default by ${site(setter)}`
  const latest = recorded[recorded.length - 1]
  const unseen =
    latest && aspectValue(latest.entry(d), 'default') === aspectValue(latest.schemaEntry(d), 'default')
      ? 'drizzle-kit generate sees no change (its last snapshot agrees with the schema): '
      : ''
  return (
    `${origin}; ${site(retype)} changed its type from ${serial ?? 'that'}, which keeps the default: Postgres changes only ` +
    `the type (drizzle-kit's SQL for a change from serial, ALTER COLUMN … SET DATA TYPE, drops neither the default nor ` +
    `the sequence), so an insert that leaves the column out still gets the sequence's next number. ${unseen}drop the default in a new migration`.replace(
      /\. drop/,
      '. Drop'
    )
  )
}

/** What of a column's snapshot entry a difference is about (the whole entry for anything else). */
function aspectValue(entry: string | undefined, aspect: ColumnAspect | undefined): string | undefined {
  if (entry === undefined || aspect === undefined || aspect === 'other') return entry
  let c: Record<string, unknown>
  try {
    c = JSON.parse(entry) as Record<string, unknown>
  } catch {
    return entry
  }
  if (!c || typeof c !== 'object' || Array.isArray(c)) return entry
  switch (aspect) {
    case 'nullability':
      return String(Boolean(c.notNull || c.primaryKey))
    case 'default':
      // A serial's default (nextval of its sequence) is recorded as its type.
      return JSON.stringify([c.default ?? null, /serial\d?$/i.test(String(c.type ?? ''))])
    case 'type':
      return JSON.stringify([c.type ?? null, c.typeSchema ?? null])
    default:
      return JSON.stringify(c[aspect] ?? null)
  }
}

/** The schema's side of a column difference, as the cause can say it: " (NOT NULL)", " (no default)". */
function schemaValue(d: SchemaDifference): string {
  if (d.expected === undefined) return ''
  if (d.kind === 'column_nullability_mismatch') return d.expected === 'NOT NULL' ? ' (NOT NULL)' : ' (nullable)'
  if (d.kind === 'column_default_mismatch')
    return d.expected === '(none)' ? ' (no default)' : ` (default ${d.expected})`
  if (d.kind === 'column_type_mismatch') return ` (${d.expected})`
  return ''
}

/** The snapshots a snapshot was generated on top of, by its prevId; undefined when its ids are not all known. */
function snapshotParents(recorded: RecordedSnapshot[], s: RecordedSnapshot): RecordedSnapshot[] | undefined {
  if (!s.prevIds) return undefined
  const parents = s.prevIds.map((id) => recorded.find((r) => r.id === id))
  return parents.every((p): p is RecordedSnapshot => p !== undefined) ? parents : undefined
}

/** Whether `s` was generated, through its prevId chain, on top of `ancestor` (false also when the chain is cut). */
function descendsFrom(recorded: RecordedSnapshot[], s: RecordedSnapshot, ancestor: RecordedSnapshot): boolean {
  if (!ancestor.id) return false
  const seen = new Set<string>()
  const stack = [...(s.prevIds ?? [])]
  while (stack.length > 0) {
    const id = stack.pop()!
    if (id === ancestor.id) return true
    if (seen.has(id)) continue
    seen.add(id)
    stack.push(...(recorded.find((r) => r.id === id)?.prevIds ?? []))
  }
  return false
}

/** The values of an enum a snapshot records (0.x: the enum's entry; 1.x: the normalised list). */
function snapshotValues(s: RecordedSnapshot, d: SchemaDifference): string[] | undefined {
  const entry = s.entry(d)
  if (entry === undefined) return undefined
  try {
    const parsed: unknown = JSON.parse(entry)
    if (Array.isArray(parsed)) return parsed.map(String)
    const values = (parsed as { values?: unknown }).values
    return Array.isArray(values) ? values.map(String) : undefined
  } catch {
    return undefined
  }
}

/**
 * An enum whose values differ (not only their order): for each value the schema has and the database lacks, the
 * ALTER TYPE … ADD VALUE that adds it and whether it ran, or the snapshot that records it while its SQL does not
 * add it; for each value the database has and the schema lacks, the statement that added it.
 */
export function enumValuesCause(
  ctx: ExplainContext,
  d: SchemaDifference,
  declaredAt: string,
  recorded: RecordedSnapshot[]
): string | undefined {
  if (!d.name || d.expected === undefined || d.actual === undefined) return undefined
  const split = (list: string): string[] => (list === '' ? [] : list.split(', '))
  const [expected, actual] = [split(d.expected), split(d.actual)]
  const missing = expected.filter((v) => !actual.includes(v))
  const extra = actual.filter((v) => !expected.includes(v))
  if (missing.length === 0 && extra.length === 0) return undefined
  const label = d.schema === 'public' ? quoteIdentifierIfNeeded(d.name) : `${d.schema}.${d.name}`
  const valueEvents = (v: string): ObjectEvent[] =>
    sinceLastDrop(eventsOf(ctx, objectKey('enum_value', d.schema, v, d.name)))
  const parts: string[] = []
  for (const v of missing) {
    const adds = valueEvents(v).filter((e) => e.action === 'create')
    const unrun = adds.find((e) => !ran(ctx, e.migration))
    if (unrun) {
      parts.push(`'${v}' is added by ${site(unrun)}, ${whyNotRun(ctx, unrun.migration)}`)
      continue
    }
    if (adds.length > 0) return undefined
    const first = recorded.find((s) => snapshotValues(s, d)?.includes(v))
    const created = sinceLastDrop(eventsOf(ctx, differenceKey(d))).find((e) => e.action === 'create')
    if (!first && recorded.length === 0 && created) {
      parts.push(
        `'${v}' is added by no migration (${site(created)} created the type without it). Add it in a new migration: ALTER TYPE ${label} ADD VALUE '${v.replace(/'/g, "''")}'`
      )
      continue
    }
    // In no snapshot: added to the schema after the last one (the snapshot history's cause says so).
    if (!first) return undefined
    if (first.migration.sql === undefined || !ran(ctx, first.migration))
      parts.push(`'${v}' is first in snapshot ${first.migration.tag}, ${whyNotRun(ctx, first.migration)}`)
    else
      parts.push(
        `'${v}' is in snapshot ${first.migration.tag}, but ${path.relative(ctx.root, first.migration.file)} does not add it: the SQL was edited after generation (or written by hand). Add it in a new migration: ALTER TYPE ${label} ADD VALUE '${v.replace(/'/g, "''")}'`
      )
  }
  for (const v of extra) {
    const added = valueEvents(v).filter((e) => e.action === 'create' && ran(ctx, e.migration))
    const by = added[added.length - 1]
    if (!by) return undefined
    const own = recorded.find((s) => s.migration === by.migration)
    const latest = recorded[recorded.length - 1]
    if (latest && snapshotValues(latest, d)?.includes(v))
      parts.push(
        `'${v}' is added by ${site(by)}, and the last snapshot (${latest.migration.tag}) still has it: removed from the schema without a migration`
      )
    else if (own && snapshotValues(own, d)?.includes(v)) parts.push(`'${v}' is added by ${site(by)}`)
    else parts.push(`'${v}' is added by ${site(by)}, which the snapshots do not record (hand-written SQL)`)
  }
  return `${declaredAt}; ${parts.join('; ')}`
}

/** Whether a name is one Postgres chooses for an unnamed constraint of these columns (`<table>_<columns>_fkey`, …). */
function postgresChoseName(table: string, columns: string[] | undefined, name: string): boolean {
  const chosen = [postgresObjectName(table, undefined, 'pkey')]
  if (columns?.length)
    for (const label of ['fkey', 'key', 'excl', 'check'])
      chosen.push(postgresObjectName(table, columns.join('_'), label))
  // A name already taken gets a number after its label (`…_fkey1`).
  return chosen.some((base) => name === base || new RegExp(`^${base.replace(/[^\w]/g, '\\$&')}\\d+$`).test(name))
}

/**
 * An object of a table that no snapshot records, which the snapshots can therefore not agree with: the table was
 * built by SQL drizzle-kit never generated (hand-written after, or without, a snapshot). A constraint left unnamed
 * there got the name Postgres chooses, not drizzle's.
 */
export function unrecordedTableCause(
  ctx: ExplainContext,
  d: SchemaDifference,
  declaredAt: string,
  recorded: RecordedSnapshot[]
): string | undefined {
  if (!d.table || recorded.length === 0) return undefined
  const asTable: SchemaDifference = { ...d, kind: 'missing_table', column: undefined, name: undefined }
  if (recorded.some((s) => s.declares(asTable))) return undefined
  const events = eventsOf(ctx, objectKey('table', d.schema, d.table)).filter((e) => ran(ctx, e.migration))
  const creator = sinceLastDrop(events).find((e) => e.action === 'create')
  const latest = recorded[recorded.length - 1]
  const table = d.schema === 'public' ? quoteIdentifierIfNeeded(d.table) : `${d.schema}.${d.table}`
  const built = creator ? `created by ${site(creator)}` : 'built by the migrations'
  const named =
    d.kind === 'constraint_mismatch' &&
    d.expected === d.name &&
    d.actual &&
    postgresChoseName(d.table, d.columns, d.actual)
      ? `; that SQL leaves the constraint unnamed, so Postgres named it "${d.actual}"`
      : ''
  return `${declaredAt}; table ${table} is in no snapshot (the last is ${latest.migration.tag}): it was ${built}, hand-written SQL drizzle-kit never generated${named}`
}

/**
 * How the statement that created the object left it, in words, for "<this> by file:line": the aspect that differs
 * when the finding says which (nullable, a type), "with another definition" otherwise.
 */
export function createdAs(d: SchemaDifference): string {
  if (d.kind === 'column_nullability_mismatch' && d.actual)
    return `created ${d.actual === 'NOT NULL' ? 'NOT NULL' : 'nullable'} by`
  if (d.kind === 'column_type_mismatch' && d.actual) return `created as ${d.actual} by`
  return 'created with another definition by'
}
