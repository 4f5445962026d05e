// An enum's values replayed from the SQL (CREATE TYPE, ALTER TYPE … ADD/RENAME VALUE): which statement put each
// value where it is, and why the database's order differs from the schema's.
import * as path from 'node:path'
import { quoteIdentifierIfNeeded, unquoteIdentifier } from '../sql/identifiers'
import { EnumValueAddition, SchemaDifference, enumOrderHint, misplacedEnumValues } from '../diff/diff-schemas'
import { ExplainContext } from './context'
import { IDENT, lineRanges } from './statement-search'

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
export function enumOrderCause(
  ctx: ExplainContext,
  d: SchemaDifference,
  schemaValues: string[]
): { cause: string; hint?: string } | undefined {
  const events = enumHistory(ctx, d.schema, d.name!)
  const created = events.find((e) => e.kind === 'create')
  if (!created) return undefined
  // Keywords (user, order) need quotes too: the shared rule, as diffSchemas' own hint uses.
  const quoteName = quoteIdentifierIfNeeded
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
