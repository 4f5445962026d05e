// What the migrations' statements did to each object, replayed in journal order: which statement created, changed,
// renamed or dropped a table, column, index, constraint, enum (and each of its values), sequence, view, policy or
// schema. The causes read it to name the statement that made an object what the database has, instead of guessing
// from the snapshots (which hand-written SQL and merged branches leave behind). Only DDL is read; a statement it does
// not understand changes nothing here.
import * as path from 'node:path'
import { Migration } from '../migrations/folder'
import { splitSqlStatements, withoutComments } from '../sql/statements'
import { truncateIdentifier, unquoteIdentifier } from '../sql/identifiers'
import { SchemaDifference } from '../diff/diff-schemas'

export type ObjectKind =
  | 'table'
  | 'column'
  | 'index'
  | 'constraint'
  | 'enum'
  | 'enum_value'
  | 'sequence'
  | 'view'
  | 'policy'
  | 'schema'
  | 'function'
  /** A table's ENABLE/DISABLE ROW LEVEL SECURITY (keyed like its table). */
  | 'rls'

/** What of a column a change touches, so that a SET NOT NULL is never blamed for a default. */
export type ColumnAspect = 'default' | 'type' | 'nullability' | 'identity' | 'generated' | 'other'

export interface ObjectEvent {
  migration: Migration
  /** Relative to the project root. */
  file: string
  line: number
  action: 'create' | 'change' | 'drop'
  /** create: the object got this name from a RENAME (of it, or of its table); drop: a RENAME took the name away. */
  renamed?: boolean
  aspects?: ColumnAspect[]
}

export interface ObjectHistory {
  /** Every event of an object, by key (objectKey), in journal order; a renamed object keeps its earlier events. */
  events: Map<string, ObjectEvent[]>
  /** Each table's renames and moves to another schema, in journal order (snapshots before one name it as it was). */
  tableMoves: TableMove[]
}

export interface TableMove {
  migration: Migration
  from: { schema: string; table: string }
  to: { schema: string; table: string }
}

export function objectKey(kind: ObjectKind, schema: string, name: string, parent = ''): string {
  return `${kind}:${schema}\u0000${parent}\u0000${name}`
}

/** The key of a difference's object, or undefined for what the history does not track. */
export function differenceKey(d: SchemaDifference): string | undefined {
  const s = d.schema
  if (d.kind === 'enum_mismatch' || d.kind.endsWith('_enum')) return d.name ? objectKey('enum', s, d.name) : undefined
  if (d.kind.endsWith('_sequence')) return d.name ? objectKey('sequence', s, d.name) : undefined
  if (d.kind.endsWith('_view') || d.kind === 'view_mismatch') return d.name ? objectKey('view', s, d.name) : undefined
  if (d.kind.endsWith('_schema')) return d.name ? objectKey('schema', d.name, d.name) : undefined
  if (!d.table) return undefined
  if (d.column) return objectKey('column', s, d.column, d.table)
  if (d.kind.endsWith('_index') || d.kind === 'index_mismatch')
    return d.name ? objectKey('index', s, d.name) : undefined
  if (d.kind.endsWith('_policy') || d.kind === 'policy_mismatch')
    return d.name ? objectKey('policy', s, d.name, d.table) : undefined
  if (d.kind.endsWith('_constraint') || d.kind === 'constraint_mismatch')
    return d.name ? objectKey('constraint', s, d.name, d.table) : undefined
  if (d.kind.endsWith('_table')) return objectKey('table', s, d.table)
  return undefined
}

/** The aspects of a column a difference is about (undefined: every event counts). */
export function differenceAspect(d: SchemaDifference): ColumnAspect | undefined {
  switch (d.kind) {
    case 'column_default_mismatch':
      return 'default'
    case 'column_type_mismatch':
      return 'type'
    case 'column_nullability_mismatch':
      return 'nullability'
    case 'column_identity_mismatch':
      return 'identity'
    case 'column_generated_mismatch':
      return 'generated'
    default:
      return undefined
  }
}

const cache = new WeakMap<Migration[], ObjectHistory>()

export function objectHistory(root: string, migrations: Migration[]): ObjectHistory {
  const cached = cache.get(migrations)
  if (cached) return cached
  const history = new Replay(root)
  for (const migration of migrations) {
    if (migration.sql === undefined) continue
    for (const chunk of migration.statements) {
      for (const s of splitSqlStatements(chunk.sql)) {
        const code = withoutComments(s.sql)
        history.statement(migration, code, chunk.chunkLine + s.textLine - 1)
      }
    }
  }
  const result = { events: history.events, tableMoves: history.tableMoves }
  cache.set(migrations, result)
  return result
}

const IDENT = String.raw`(?:"(?:[^"]|"")+"|[A-Za-z_][\w$]*)`
const QNAME = String.raw`(${IDENT}(?:\s*\.\s*${IDENT})?)`
const re = (source: string): RegExp => new RegExp(source, 'i')

const name = (written: string): string => truncateIdentifier(unquoteIdentifier(written.trim()))

function qualified(written: string): { schema: string; name: string } {
  const parts = written.match(new RegExp(IDENT, 'g')) ?? [written]
  return parts.length >= 2
    ? { schema: name(parts[0]), name: name(parts[1]) }
    : { schema: 'public', name: name(parts[0]) }
}

/** The parts of a list separated by top-level commas (not inside parentheses or quotes), with their offsets. */
function splitTopLevel(text: string, offset: number): { text: string; at: number }[] {
  const out: { text: string; at: number }[] = []
  let depth = 0
  let start = 0
  for (let i = 0; i < text.length; i++) {
    const c = text[i]
    if (c === "'" || c === '"') {
      const end = text.indexOf(c, i + 1)
      i = end < 0 ? text.length : end
    } else if (c === '(') depth++
    else if (c === ')') depth--
    else if (c === ',' && depth === 0) {
      out.push({ text: text.slice(start, i), at: offset + start })
      start = i + 1
    }
  }
  out.push({ text: text.slice(start), at: offset + start })
  // Where each part's words start, not the blanks before them.
  return out.map((p) => {
    const lead = /^\s*/.exec(p.text)![0].length
    return { text: p.text.slice(lead), at: p.at + lead }
  })
}

/** The text inside the parentheses that open at `open`. */
function parenthesised(text: string, open: number): string {
  let depth = 0
  for (let i = open; i < text.length; i++) {
    const c = text[i]
    if (c === "'" || c === '"') {
      const end = text.indexOf(c, i + 1)
      i = end < 0 ? text.length : end
    } else if (c === '(') depth++
    else if (c === ')' && --depth === 0) return text.slice(open + 1, i)
  }
  return text.slice(open + 1)
}

const TABLE_CONSTRAINT = /^(constraint|primary\s+key|unique|check|foreign\s+key|exclude|like)\b/i

class Replay {
  events = new Map<string, ObjectEvent[]>()
  tableMoves: TableMove[] = []
  /** Keys that exist after the statements read so far. */
  private live = new Set<string>()
  /** Index key -> the key of its table. */
  private indexTable = new Map<string, string>()

  constructor(private root: string) {}

  private add(key: string, event: Omit<ObjectEvent, 'file'>): void {
    const list = this.events.get(key) ?? []
    list.push({ ...event, file: path.relative(this.root, event.migration.file) })
    this.events.set(key, list)
    if (event.action === 'drop') this.live.delete(key)
    else this.live.add(key)
  }

  /** A rename: the new key takes the old key's events, then a create. */
  private rename(from: string, to: string, event: Omit<ObjectEvent, 'file' | 'action'>): void {
    const earlier = this.events.get(from) ?? []
    this.add(from, { ...event, action: 'drop', renamed: true })
    this.events.set(to, [...earlier, ...(this.events.get(to) ?? [])])
    this.add(to, { ...event, action: 'create', renamed: true })
  }

  /**
   * A move to another schema (SET SCHEMA): the same object under a new key, so its events before the move are its
   * own (unlike a rename's, the drop of the old key is not), and the move is a renamed create.
   */
  private move(from: string, to: string, event: Omit<ObjectEvent, 'file' | 'action'>): void {
    const earlier = [...(this.events.get(from) ?? [])]
    this.add(from, { ...event, action: 'drop', renamed: true })
    this.events.set(to, [...earlier, ...(this.events.get(to) ?? [])])
    this.add(to, { ...event, action: 'create', renamed: true })
  }

  /** The keys that belong to a table (its columns, constraints, policies and indexes). */
  private children(schema: string, table: string): string[] {
    const tableKey = objectKey('table', schema, table)
    return [...this.live].filter((key) => {
      if (this.indexTable.get(key) === tableKey) return true
      const [kind, rest] = [key.slice(0, key.indexOf(':')), key.slice(key.indexOf(':') + 1)]
      const [s, parent] = rest.split('\u0000')
      return (kind === 'column' || kind === 'constraint' || kind === 'policy') && s === schema && parent === table
    })
  }

  statement(migration: Migration, sql: string, firstLine: number): void {
    const lineAt = (offset: number): number => firstLine + (sql.slice(0, offset).match(/\n/g)?.length ?? 0)
    const lead = /^\s*/.exec(sql)![0].length
    const at = (offset = lead): { migration: Migration; line: number } => ({ migration, line: lineAt(offset) })
    let m: RegExpExecArray | null
    if (
      (m = re(
        String.raw`^\s*create\s+(?:(?:global|local)\s+)?(?:(?:temporary|temp|unlogged)\s+)?table\s+(if\s+not\s+exists\s+)?${QNAME}\s*\(`
      ).exec(sql))
    ) {
      const t = qualified(m[2])
      const tableKey = objectKey('table', t.schema, t.name)
      if (m[1] && this.live.has(tableKey)) return
      this.add(tableKey, { ...at(), action: 'create' })
      const open = m.index + m[0].length - 1
      for (const part of splitTopLevel(parenthesised(sql, open), open + 1)) {
        const constraint = new RegExp(String.raw`^constraint\s+(${IDENT})`, 'i').exec(part.text)
        if (constraint) {
          this.add(objectKey('constraint', t.schema, name(constraint[1]), t.name), { ...at(part.at), action: 'create' })
          continue
        }
        if (TABLE_CONSTRAINT.test(part.text)) continue
        const column = new RegExp(`^${IDENT}`).exec(part.text)
        if (!column) continue
        this.add(objectKey('column', t.schema, name(column[0]), t.name), { ...at(part.at), action: 'create' })
        const inline = new RegExp(String.raw`\bconstraint\s+(${IDENT})`, 'i').exec(part.text)
        if (inline)
          this.add(objectKey('constraint', t.schema, name(inline[1]), t.name), {
            ...at(part.at + inline.index),
            action: 'create'
          })
      }
      return
    }
    if ((m = re(String.raw`^\s*alter\s+table\s+(?:if\s+exists\s+)?(?:only\s+)?${QNAME}\s*\*?\s*`).exec(sql))) {
      this.alterTable(migration, sql, m, at)
      return
    }
    if ((m = re(String.raw`^\s*drop\s+table\s+(?:if\s+exists\s+)?`).exec(sql))) {
      const list = sql.slice(m[0].length).replace(/\b(cascade|restrict)\b[\s;]*$/i, '')
      for (const part of splitTopLevel(list, m[0].length)) {
        const t = qualified(part.text)
        for (const key of this.children(t.schema, t.name)) this.add(key, { ...at(), action: 'drop' })
        this.add(objectKey('table', t.schema, t.name), { ...at(), action: 'drop' })
      }
      return
    }
    if (
      (m = re(
        String.raw`^\s*create\s+(?:unique\s+)?index\s+(?:concurrently\s+)?(if\s+not\s+exists\s+)?(${IDENT})?\s*on\s+(?:only\s+)?${QNAME}`
      ).exec(sql))
    ) {
      if (!m[2]) return
      const t = qualified(m[3])
      const key = objectKey('index', t.schema, name(m[2]))
      if (m[1] && this.live.has(key)) return
      this.indexTable.set(key, objectKey('table', t.schema, t.name))
      this.add(key, { ...at(), action: 'create' })
      return
    }
    const dropped = (kind: ObjectKind, keyword: string, withChildren = false): boolean => {
      const found = re(String.raw`^\s*drop\s+${keyword}\s+(?:concurrently\s+)?(?:if\s+exists\s+)?`).exec(sql)
      if (!found) return false
      const list = sql.slice(found[0].length).replace(/\b(cascade|restrict)\b[\s;]*$/i, '')
      for (const part of splitTopLevel(list, found[0].length)) {
        // A function is dropped with its argument types: `DROP FUNCTION app.f(uuid)`.
        const o = qualified(part.text.replace(/\([\s\S]*$/, ''))
        if (withChildren)
          for (const key of [...this.live].filter((k) => k.startsWith(`enum_value:${o.schema}\u0000${o.name}\u0000`)))
            this.add(key, { ...at(), action: 'drop' })
        this.add(objectKey(kind, o.schema, o.name), { ...at(), action: 'drop' })
      }
      return true
    }
    if (dropped('index', 'index')) return
    if ((m = re(String.raw`^\s*alter\s+index\s+(?:if\s+exists\s+)?${QNAME}\s+rename\s+to\s+(${IDENT})`).exec(sql))) {
      const o = qualified(m[1])
      const to = objectKey('index', o.schema, name(m[2]))
      const from = objectKey('index', o.schema, o.name)
      const table = this.indexTable.get(from)
      if (table) this.indexTable.set(to, table)
      this.rename(from, to, at())
      return
    }
    if ((m = re(String.raw`^\s*create\s+type\s+${QNAME}\s+as\s+enum\s*\(`).exec(sql))) {
      const o = qualified(m[1])
      this.add(objectKey('enum', o.schema, o.name), { ...at(), action: 'create' })
      const open = m.index + m[0].length - 1
      for (const part of splitTopLevel(parenthesised(sql, open), open + 1)) {
        const value = /^'((?:[^']|'')*)'/.exec(part.text)
        if (value)
          this.add(objectKey('enum_value', o.schema, value[1].replace(/''/g, "'"), o.name), {
            ...at(part.at),
            action: 'create'
          })
      }
      return
    }
    if ((m = re(String.raw`^\s*alter\s+type\s+${QNAME}\s+`).exec(sql))) {
      const o = qualified(m[1])
      const rest = sql.slice(m[0].length)
      const value = (v: string): string => objectKey('enum_value', o.schema, v.replace(/''/g, "'"), o.name)
      const add = /^add\s+value\s+(if\s+not\s+exists\s+)?'((?:[^']|'')*)'/i.exec(rest)
      const renameValue = /^rename\s+value\s+'((?:[^']|'')*)'\s+to\s+'((?:[^']|'')*)'/i.exec(rest)
      const renameType = new RegExp(String.raw`^rename\s+to\s+(${IDENT})`, 'i').exec(rest)
      if (add) {
        if (!(add[1] && this.live.has(value(add[2])))) this.add(value(add[2]), { ...at(), action: 'create' })
      } else if (renameValue) this.rename(value(renameValue[1]), value(renameValue[2]), at())
      else if (renameType) {
        const to = name(renameType[1])
        for (const key of [...this.live].filter((k) => k.startsWith(`enum_value:${o.schema}\u0000${o.name}\u0000`)))
          this.rename(key, objectKey('enum_value', o.schema, key.split('\u0000')[2], to), at())
        this.rename(objectKey('enum', o.schema, o.name), objectKey('enum', o.schema, to), at())
      } else this.add(objectKey('enum', o.schema, o.name), { ...at(), action: 'change' })
      return
    }
    if (dropped('enum', 'type', true)) return
    for (const [kind, create, keyword] of [
      [
        'sequence',
        String.raw`create\s+(?:(?:temporary|temp|unlogged)\s+)?sequence\s+(?:if\s+not\s+exists\s+)?`,
        'sequence'
      ],
      [
        'view',
        String.raw`create\s+(?:or\s+replace\s+)?(?:(?:temporary|temp)\s+)?(?:materialized\s+)?view\s+(?:if\s+not\s+exists\s+)?`,
        '(?:materialized\\s+)?view'
      ],
      ['schema', String.raw`create\s+schema\s+(?:if\s+not\s+exists\s+)?`, 'schema']
    ] as const) {
      if ((m = re(String.raw`^\s*${create}${QNAME}`).exec(sql))) {
        const o = qualified(m[1])
        if (kind === 'schema') this.add(objectKey('schema', o.name, o.name), { ...at(), action: 'create' })
        else this.add(objectKey(kind, o.schema, o.name), { ...at(), action: 'create' })
        return
      }
      if (kind !== 'schema' && dropped(kind, keyword)) return
    }
    // Functions by name only (an overload is the same function here): what a failing call needs is its creator.
    if ((m = re(String.raw`^\s*create\s+(?:or\s+replace\s+)?(?:function|procedure)\s+${QNAME}\s*\(`).exec(sql))) {
      const o = qualified(m[1])
      this.add(objectKey('function', o.schema, o.name), { ...at(), action: 'create' })
      return
    }
    if (dropped('function', '(?:function|procedure)')) return
    if (
      (m = re(String.raw`^\s*(create|alter|drop)\s+policy\s+(?:if\s+exists\s+)?(${IDENT})\s+on\s+${QNAME}`).exec(sql))
    ) {
      const t = qualified(m[3])
      const verb = m[1].toLowerCase()
      this.add(objectKey('policy', t.schema, name(m[2]), t.name), {
        ...at(),
        action: verb === 'create' ? 'create' : verb === 'drop' ? 'drop' : 'change'
      })
    }
  }

  private alterTable(
    migration: Migration,
    sql: string,
    m: RegExpExecArray,
    at: (offset?: number) => { migration: Migration; line: number }
  ): void {
    const t = qualified(m[1])
    const offset = m[0].length
    const rest = sql.slice(offset)
    const column = (c: string): string => objectKey('column', t.schema, name(c), t.name)
    const constraint = (c: string): string => objectKey('constraint', t.schema, name(c), t.name)
    let r: RegExpExecArray | null
    // A rename keeps the schema; SET SCHEMA keeps the name and takes the table's indexes along.
    const renamed = re(String.raw`^rename\s+to\s+(${IDENT})`).exec(rest)
    const moved = re(String.raw`^set\s+schema\s+(${IDENT})`).exec(rest)
    if (renamed || moved) {
      const to = renamed ? name(renamed[1]) : t.name
      const schema = moved ? name(moved[1]) : t.schema
      for (const key of this.children(t.schema, t.name)) {
        const [kind, tail] = [key.slice(0, key.indexOf(':')), key.slice(key.indexOf(':') + 1)]
        if (kind === 'index') {
          const index = moved ? objectKey('index', schema, tail.split('\u0000')[2]) : key
          if (moved) this.move(key, index, at(offset))
          this.indexTable.set(index, objectKey('table', schema, to))
          continue
        }
        const shift = moved ? this.move.bind(this) : this.rename.bind(this)
        shift(key, objectKey(kind as ObjectKind, schema, tail.split('\u0000')[2], to), at(offset))
      }
      const shift = moved ? this.move.bind(this) : this.rename.bind(this)
      shift(objectKey('table', t.schema, t.name), objectKey('table', schema, to), at(offset))
      this.tableMoves.push({ migration, from: { schema: t.schema, table: t.name }, to: { schema, table: to } })
      return
    }
    if ((r = re(String.raw`^rename\s+constraint\s+(${IDENT})\s+to\s+(${IDENT})`).exec(rest))) {
      this.rename(constraint(r[1]), constraint(r[2]), at(offset))
      return
    }
    if ((r = re(String.raw`^rename\s+(?:column\s+)?(${IDENT})\s+to\s+(${IDENT})`).exec(rest))) {
      this.rename(column(r[1]), column(r[2]), at(offset))
      return
    }
    for (const action of splitTopLevel(rest, offset)) {
      const here = at(action.at)
      const text = action.text
      if (/^(enable|disable|force|no\s+force)\s+row\s+level\s+security\b/i.test(text)) {
        this.add(objectKey('rls', t.schema, t.name), { ...here, action: 'change' })
      } else if ((r = re(String.raw`^add\s+constraint\s+(${IDENT})`).exec(text))) {
        this.add(constraint(r[1]), { ...here, action: 'create' })
      } else if ((r = re(String.raw`^add\s+(?:column\s+)?(if\s+not\s+exists\s+)?(${IDENT})`).exec(text))) {
        if (!r[1] && TABLE_CONSTRAINT.test(text.slice(3).trim())) continue
        if (r[1] && this.live.has(column(r[2]))) continue
        this.add(column(r[2]), { ...here, action: 'create' })
      } else if ((r = re(String.raw`^drop\s+constraint\s+(?:if\s+exists\s+)?(${IDENT})`).exec(text))) {
        if (this.live.has(constraint(r[1])) || !/if\s+exists/i.test(text))
          this.add(constraint(r[1]), { ...here, action: 'drop' })
      } else if ((r = re(String.raw`^drop\s+(?:column\s+)?(?:if\s+exists\s+)?(${IDENT})`).exec(text))) {
        if (this.live.has(column(r[1])) || !/if\s+exists/i.test(text))
          this.add(column(r[1]), { ...here, action: 'drop' })
      } else if ((r = re(String.raw`^alter\s+(?:column\s+)?(${IDENT})\s+`).exec(text))) {
        const change = text.slice(r[0].length)
        const aspects: ColumnAspect[] = []
        if (/^(set|drop)\s+default\b/i.test(change)) aspects.push('default')
        else if (/^(set\s+data\s+)?type\b/i.test(change)) aspects.push('type')
        else if (/^(set|drop)\s+not\s+null\b/i.test(change)) aspects.push('nullability')
        else if (
          /^(add\s+generated|set\s+generated|drop\s+identity|restart|set\s+(increment|start|minvalue|maxvalue|cycle|no))/i.test(
            change
          )
        )
          aspects.push('identity')
        else if (/^(set|drop)\s+expression\b/i.test(change)) aspects.push('generated')
        else aspects.push('other')
        this.add(column(r[1]), { ...here, action: 'change', aspects })
      }
    }
  }
}

/** Whether a migration ran on the check's database: not pending, and not at or after a missing SQL file. */
export function ranOnDatabase(
  migration: Migration,
  migrations: Migration[],
  stoppedAt: Migration | undefined,
  pending: Set<string> | undefined
): boolean {
  if (migration.sql === undefined || pending?.has(migration.tag)) return false
  return !stoppedAt || migrations.indexOf(migration) < migrations.indexOf(stoppedAt)
}
