// What the schema says against drizzle-kit's own record of it (the last snapshot), and names the schema declares
// that Postgres would cut to the same 63 bytes.
import { createHash } from 'node:crypto'
import * as fs from 'node:fs'
import * as path from 'node:path'
import { ResolvedTarget } from '../config/load-config'
import { Finding, FindingChange, findingObjectPath } from '../core/findings'
import { hashMigration } from '../migrations/folder'
import { PgSnapshot, generateSql } from '../schema/drizzle-kit'
import { readCachedSchema, writeCachedSchema } from '../schema/schema-cache'
import { SourceIndex } from '../schema/source-index'
import { compareV1Snapshot, compareV1States } from './snapshot-v1'
import { Kit1State, generateSql1 } from '../schema/drizzle-kit-1'
import { V1Head } from './snapshot-v1-head'
import { SnapshotChange, SnapshotFile, canonical, compareSnapshots, identifierCollisions } from './snapshots'

type TargetFinding = Omit<Finding, 'target'>

/** `snapshot_out_of_date` when the schema differs from the last snapshot, with what drizzle-kit generate would write. */
export async function snapshotFindings(
  target: ResolvedTarget,
  schema: PgSnapshot,
  snapshots: SnapshotFile[],
  root: string,
  cacheKey?: string,
  kit1?: { state: Kit1State; head: V1Head }
): Promise<TargetFinding[]> {
  if (kit1) return kit1SnapshotFindings(target, kit1.state, kit1.head, root)
  const latest = [...snapshots].reverse().find((s) => s.snapshot || s.v1)
  if (!latest) return []
  const comparison = latest.v1 ? compareV1Snapshot(latest.v1, schema) : compareSnapshots(latest.snapshot!, schema)
  if (comparison.changes.length === 0) return []
  const command = generateCommand(target, root)
  let fix: string
  if (!latest.snapshot) {
    // The bundled 0.31 cannot write what 1.x would: only the project's own drizzle-kit can.
    fix = `Run ${command}${comparison.possibleRenames.length > 0 ? ` and answer its rename questions (possible renames: ${comparison.possibleRenames.join('; ')})` : ''}`
  } else if (comparison.possibleRenames.length > 0) {
    fix = `Run ${command} and answer its rename questions (possible renames: ${comparison.possibleRenames.join('; ')})`
  } else {
    try {
      // What drizzle-kit generate would write, cached with the schema (keyed by the last snapshot's content too).
      const snapshotKey = latest.migration.snapshotFile
        ? hashMigration(fs.readFileSync(latest.migration.snapshotFile, 'utf8'))
        : undefined
      const cached = readCachedSchema(cacheKey)
      const statements =
        (snapshotKey && cached?.generate?.[snapshotKey]) || (await generateSql(latest.snapshot, schema))
      if (cached && snapshotKey && !cached.generate?.[snapshotKey])
        writeCachedSchema(cacheKey, { ...cached, generate: { ...cached.generate, [snapshotKey]: statements } })
      fix = statements.join('\n')
    } catch (error) {
      fix = `Run ${command} (${(error as Error).message.split('\n')[0]})`
    }
  }
  const shown = comparison.changes.slice(0, 12).map((c) => c.description)
  const more = comparison.changes.length > shown.length ? `, and ${comparison.changes.length - shown.length} more` : ''
  // Where generate would do harm (re-create what hand-written migrations built) or refuses to run, it is not the fix.
  const blocked = generateBlocked(snapshots, latest, target)
  const finding: TargetFinding = {
    kind: 'snapshot_out_of_date',
    severity: 'error',
    file: path.relative(root, latest.migration.snapshotFile!),
    line: 1,
    name: latest.migration.tag,
    message: `the schema differs from the last snapshot (${latest.migration.tag}): ${shown.join('; ')}${more}`,
    cause: `the schema was changed without running drizzle-kit generate; \`${command}\` would write a new migration`,
    fix,
    ...(blocked ?? {}),
    changes: findingChanges(comparison.changes)
  }
  judgeable.set(
    finding,
    judgeableChanges(comparison.changes, latest.snapshot ? { last: latest.snapshot, schema } : undefined)
  )
  return [finding]
}

/**
 * A 1.x project read by the bundled 1.x: its schema state against the head of the folder's snapshots (every leaf
 * of the prevIds graph, see ./snapshot-v1-head.ts), as 1.x generate compares them, with what it would write.
 */
async function kit1SnapshotFindings(
  target: ResolvedTarget,
  state: Kit1State,
  head: V1Head,
  root: string
): Promise<TargetFinding[]> {
  if (head.problems.length > 0) return head.problems
  if (!head.state || !head.file || !head.tag) return []
  const comparison = compareV1States(head.state, state)
  if (comparison.changes.length === 0) return []
  const command = generateCommand(target, root)
  let fix: string
  if (comparison.possibleRenames.length > 0) {
    fix = `Run ${command} and answer its rename questions (possible renames: ${comparison.possibleRenames.join('; ')})`
  } else {
    try {
      const last: Kit1State = {
        version: '8',
        dialect: 'postgres',
        id: '',
        prevIds: [],
        ddl: head.state.ddl,
        renames: []
      }
      fix = (await generateSql1(last, state)).join('\n')
    } catch (error) {
      fix = `Run ${command} (${(error as Error).message.split('\n')[0]})`
    }
  }
  const shown = comparison.changes.slice(0, 12).map((c) => c.description)
  const more = comparison.changes.length > shown.length ? `, and ${comparison.changes.length - shown.length} more` : ''
  const merged = head.leaves.length > 1 ? ` (merged with ${head.leaves.slice(0, -1).join(', ')})` : ''
  const finding: TargetFinding = {
    kind: 'snapshot_out_of_date',
    severity: 'error',
    file: path.relative(root, head.file),
    line: 1,
    name: head.tag,
    message: `the schema differs from the last snapshot (${head.tag}${merged}): ${shown.join('; ')}${more}`,
    cause: `the schema was changed without running drizzle-kit generate; \`${command}\` would write a new migration`,
    fix,
    changes: findingChanges(comparison.changes)
  }
  // 1.x's column text holds only what a database shows (type, dimensions, nullability, default, identity, generated).
  judgeable.set(finding, judgeableChanges(comparison.changes))
  return [finding]
}

const CHANGED_OBJECT =
  /^(column|table|index|foreign key|primary key|unique constraint|check constraint|policy|row level security|enum|schema|sequence|view)\b/

/**
 * Every change as the finding carries it: the baseline and the delta identify each changed object by itself, so that
 * a pull request adding one more un-generated change introduces that change only (docs/baseline.md).
 */
function findingChanges(changes: SnapshotChange[]): FindingChange[] {
  return changes.map((c) => ({
    description: c.description,
    object: [CHANGED_OBJECT.exec(c.description)?.[1], findingObjectPath(c)].filter(Boolean).join(' '),
    digest: createHash('sha256')
      .update(c.definition ?? '')
      .digest('hex')
      .slice(0, 16)
  }))
}

/** A change of the last snapshot that the compared databases can confirm or refute, by the object it is about. */
interface JudgeableChange {
  description: string
  /** schema.table, schema.table.column or schema.table.name: as the difference findings' fields spell it. */
  path: string
  scope: 'table' | 'column' | 'part' | 'rls'
  /** Generate would add or drop it (not alter it): such SQL fails where the migrations already built the schema. */
  addsOrDrops: boolean
}

const judgeable = new WeakMap<object, JudgeableChange[]>()

/** What of a column a database finding would show: a change of only these is confirmed or refuted on the column. */
const COLUMN_ASPECTS = new Set(['type', 'typeSchema', 'notNull', 'default', 'identity', 'generated', 'name'])

/**
 * The changes the compared databases can judge. A 0.x snapshot's column holds more than a database shows (primaryKey,
 * isUnique, …): with `v0`, a changed column is judged only when nothing else of it changed. A 1.x
 * state's column text (src/explain/normalise.ts) holds only what a database shows.
 */
function judgeableChanges(changes: SnapshotChange[], v0?: { last: PgSnapshot; schema: PgSnapshot }): JudgeableChange[] {
  const out: JudgeableChange[] = []
  for (const c of changes) {
    if (!c.schema || !c.table) continue
    const table = `${c.schema}.${c.table}`
    const addsOrDrops = !/ changed$/.test(c.description)
    if (c.column) {
      if (!addsOrDrops && v0) {
        const { last, schema } = v0
        const before = (last.tables[table]?.columns[c.column] ?? {}) as Record<string, unknown>
        const after = (schema.tables[table]?.columns[c.column] ?? {}) as Record<string, unknown>
        const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])]
        const differs = keys.filter((k) => canonical(before[k]) !== canonical(after[k]))
        if (!differs.every((k) => COLUMN_ASPECTS.has(k))) continue
      }
      out.push({ description: c.description, path: `${table}.${c.column}`, scope: 'column', addsOrDrops })
    } else if (c.name) out.push({ description: c.description, path: `${table}.${c.name}`, scope: 'part', addsOrDrops })
    else if (/^row level security /.test(c.description))
      out.push({ description: c.description, path: table, scope: 'rls', addsOrDrops: false })
    else if (/^table /.test(c.description))
      out.push({ description: c.description, path: table, scope: 'table', addsOrDrops })
  }
  return out
}

const DIFFERENCE_KINDS = /^(missing_|extra_)|_mismatch$/

/**
 * snapshot_out_of_date once the databases were compared: a change the migrations already build as the schema
 * declares it (no difference found on that object) is not a schema change nobody generated, but a snapshot that
 * records the object otherwise (written or edited by hand, or SQL written by hand without a new snapshot). Said so;
 * and where generate would then write SQL that fails on the migrated databases (adding what exists, dropping what
 * is gone), drift-guard fix is the way, not generate. Only when every database was compared and nothing hid a
 * comparison (a failed migration, SQL of the schema that Postgres refused).
 */
export function withSnapshotOnlyChanges<F extends TargetFinding>(
  findings: F[],
  compared: boolean,
  target: string
): F[] {
  if (!compared || findings.some((f) => f.kind === 'schema_error' || f.kind === 'migration_failed')) return findings
  const differences = findings.filter((f) => DIFFERENCE_KINDS.test(f.kind) && f.schema && f.table)
  const at = (f: TargetFinding): string => [f.schema, f.table, f.column ?? f.name].filter(Boolean).join('.')
  const paths = new Set(differences.map(at))
  const tables = new Set(differences.map((f) => `${f.schema}.${f.table}`))
  const wholeTables = new Set(
    differences
      .filter((f) => f.kind === 'missing_table' || f.kind === 'extra_table')
      .map((f) => `${f.schema}.${f.table}`)
  )
  return findings.map((f) => {
    const changes = judgeable.get(f)
    if (f.kind !== 'snapshot_out_of_date' || !changes || !f.cause?.startsWith('the schema was changed without'))
      return f
    const agrees = (c: JudgeableChange): boolean => {
      const table = c.path.split('.').slice(0, 2).join('.')
      if (c.scope === 'table') return !tables.has(table)
      if (c.scope === 'rls') return !paths.has(table) && !wholeTables.has(table)
      return !paths.has(c.path) && !wholeTables.has(table)
    }
    const only = changes.filter(agrees)
    // Added in the schema and the snapshot lacks it, yet the migrations create it (in another form: its own finding
    // says how): generate would add it again, which fails where they ran.
    const missing = new Set(differences.filter((d) => d.kind.startsWith('missing_')).map(at))
    const created = changes.filter(
      (c) =>
        !agrees(c) &&
        / added$/.test(c.description) &&
        (c.scope === 'column' || c.scope === 'table') &&
        !missing.has(c.path) &&
        !wholeTables.has(c.path.split('.').slice(0, 2).join('.'))
    )
    if (only.length === 0 && created.length === 0) return f
    const onlySet = new Set([...only, ...created].map((c) => c.description))
    // A removal whose declaration is in the source but unread by drizzle-kit (see the extra_ finding's cause).
    const unread = new Set(
      differences.filter((d) => d.kind.startsWith('extra_') && d.fix?.startsWith('Write the declaration at')).map(at)
    )
    const pathOf = new Map(changes.map((c) => [c.description, c.path]))
    const rest = (f.changes ?? []).map((c) => c.description).filter((d) => !onlySet.has(d))
    const isUnread = (d: string): boolean => unread.has(pathOf.get(d) ?? '')
    const real = rest.filter((d) => !isUnread(d))
    const unreadNames = rest.filter(isUnread).map((d) => d.replace(/ (removed from|on) \S+( changed)?$/, ''))
    const list = (items: string[]): string =>
      items.length <= 4 ? items.join('; ') : `${items.slice(0, 4).join('; ')}, and ${items.length - 4} more`
    const label = (c: JudgeableChange): string =>
      c.description.replace(/ (added|removed)( (to|from) \S+)?$| on \S+ changed$| changed$/, '')
    const named = (items: JudgeableChange[]): string => {
      const names = items.map(label)
      return names.length <= 4 ? names.join(', ') : `${names.slice(0, 4).join(', ')} and ${names.length - 4} more`
    }
    const snapshotOnly = only.length
      ? `the migrations already build ${named(only)} as the schema declares (the check finds no difference there): ` +
        `only the last snapshot (${f.name}) records ${only.length === 1 ? 'it' : 'them'} otherwise (a snapshot written or edited by hand, or SQL written by hand without a new snapshot)`
      : undefined
    const createdToo = created.length
      ? `the migrations already create ${named(created)}, which the last snapshot (${f.name}) lacks (SQL written by hand without a new snapshot; ${created.length === 1 ? 'its' : 'their'} own finding says how ${created.length === 1 ? 'it differs' : 'they differ'})`
      : undefined
    const cause = [
      ...(real.length ? [`the schema was changed without running drizzle-kit generate (${list(real)})`] : []),
      ...(unreadNames.length
        ? [
            `drizzle-kit does not read the declaration of ${unreadNames.join(', ')} (see its finding), so generate would drop it`
          ]
        : []),
      ...(createdToo ? [createdToo] : []),
      ...(snapshotOnly ? [snapshotOnly] : [])
    ].join('; ')
    const harmful = [...created, ...only.filter((c) => c.addsOrDrops)]
    const fix = harmful.length
      ? `Run drift-guard fix --target ${target}, not drizzle-kit generate: generate would write SQL for ${list(harmful.map((c) => c.description))} that fails on databases these migrations built (it adds what exists, or drops what is gone); fix writes only what the migrations do not build yet, and a snapshot of the schema`
      : f.fix
    return { ...f, cause, ...(fix ? { fix } : {}) }
  })
}

/**
 * Why `drizzle-kit generate` is not the way to catch the snapshots up, if it is not: migrations after the last
 * snapshot that have none (hand-written: generate diffs against that snapshot and writes their work again), or two
 * snapshots with one parent (generate reports the collision and writes nothing). Then the repair is `drift-guard fix`,
 * which writes only the real difference and a snapshot of the schema.
 */
function generateBlocked(
  snapshots: SnapshotFile[],
  latest: SnapshotFile,
  target: ResolvedTarget
): { cause: string; fix: string } | undefined {
  const repair = `drift-guard fix --target ${target.name}`
  const byParent = new Map<string, string[]>()
  for (const s of snapshots)
    if (s.snapshot?.prevId)
      byParent.set(s.snapshot.prevId, [...(byParent.get(s.snapshot.prevId) ?? []), s.migration.tag])
  const collision = [...byParent.values()].find((tags) => tags.length > 1)
  if (collision) {
    return {
      cause: `the schema differs from the last snapshot, but drizzle-kit generate refuses to run here: the snapshots of ${collision.join(' and ')} have the same prevId (two branches generated from one parent), a collision it reports and stops on`,
      fix: `Chain the snapshots again (regenerate ${collision[collision.length - 1]} on top of ${collision[0]}, or set its prevId to the id of the snapshot before it), then run ${repair}: it writes the migration and a snapshot of the schema, without re-creating anything`
    }
  }
  const after = snapshots.slice(snapshots.indexOf(latest) + 1)
  const handWritten = after.filter((s) => !s.snapshot && !s.v1 && s.migration.statements.length > 0)
  if (handWritten.length === 0) return undefined
  const recorded = new Set(Object.keys(latest.snapshot?.tables ?? {}).map((k) => k.replace(/^public\./, '')))
  const created = [
    ...new Set(
      handWritten.flatMap((s) =>
        [
          ...(s.migration.sql ?? '').matchAll(
            /CREATE\s+TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?((?:"[^"]+"|\w+)(?:\.(?:"[^"]+"|\w+))?)/gi
          )
        ].map((m) => m[1].replace(/"/g, '').replace(/^public\./, ''))
      )
    )
  ].filter((t) => !recorded.has(t))
  const tags = handWritten.map((s) => s.migration.tag)
  const listed = tags.length <= 4 ? tags.join(', ') : `${tags[0]} … ${tags[tags.length - 1]}`
  const tables =
    created.length <= 6 ? created.join(', ') : `${created.slice(0, 6).join(', ')} and ${created.length - 6} more`
  return {
    cause: `the last snapshot is ${latest.migration.tag}'s, and the ${tags.length} migration(s) after it have none (${listed}: hand-written SQL drizzle-kit never recorded). drizzle-kit generate diffs the schema against ${latest.migration.tag}'s snapshot, so it would write again what they already do${created.length > 0 ? ` (CREATE TABLE ${tables}, which they create)` : ''}, and that migration fails on every database that ran them`,
    fix: `Run ${repair}, not drizzle-kit generate: it writes only what the migrations do not build yet, and a snapshot of the schema chained to ${latest.migration.tag}'s, so generate works again afterwards`
  }
}

/**
 * What the causes of other findings say instead of "Run drizzle-kit generate" where generate would do harm or
 * refuses to run (undefined where it is the way).
 */
export function generateAdvice(snapshots: SnapshotFile[], target: ResolvedTarget): string | undefined {
  const latest = [...snapshots].reverse().find((s) => s.snapshot || s.v1)
  if (!latest)
    return snapshots.some((s) => s.migration.statements.length > 0)
      ? `Run drift-guard fix --target ${target.name}, not drizzle-kit generate: with no snapshot, generate diffs the schema against nothing and would write every table the migrations already create again`
      : undefined
  if (latest.v1) return undefined
  const blocked = generateBlocked(snapshots, latest, target)
  if (!blocked) return undefined
  return blocked.cause.includes('refuses to run')
    ? `drizzle-kit generate refuses to run here (two snapshots have one prevId: see snapshot_out_of_date)`
    : `Run drift-guard fix --target ${target.name}, not drizzle-kit generate: migrations after the last snapshot (${latest.migration.tag}) have none, so generate would write their work again (see snapshot_out_of_date)`
}

export function generateCommand(target: ResolvedTarget, root: string): string {
  const config = target.drizzleConfig ? ` --config ${path.relative(target.cwd, target.drizzleConfig)}` : ''
  const cd = path.relative(root, target.cwd)
  return `${cd ? `cd ${cd} && ` : ''}npx drizzle-kit generate${config}`
}

/** Names the schema declares that Postgres cuts to the same 63 bytes. */
export function identifierCollisionFindings(snapshot: PgSnapshot, sources: SourceIndex): TargetFinding[] {
  const out: TargetFinding[] = []
  for (const c of identifierCollisions(snapshot)) {
    const table =
      c.table ??
      Object.values(snapshot.tables).find((t) => Object.keys(t.indexes ?? {}).some((n) => c.names.includes(n)))?.name
    const where = table ? sources.tableObject(c.schema, table, c.names[1]) : undefined
    out.push({
      kind: 'identifier_collision',
      severity: 'error',
      schema: c.schema,
      ...(table ? { table } : {}),
      name: c.cut,
      ...(where ?? {}),
      message: `${c.names.map((n) => `"${n}"`).join(' and ')} are both cut to "${c.cut}" (63 bytes)`,
      cause: `Postgres cuts identifiers to 63 bytes, so these ${c.what === 'constraint' ? 'constraints of one table' : 'relations of one schema'} get the same name: creating the second fails, or it silently does not exist`,
      fix: 'Give one of them a shorter explicit name in the schema'
    })
  }
  return out
}
