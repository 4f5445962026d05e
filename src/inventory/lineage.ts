// What each migration does to each table, column and enum, read once from the SQL text of its statements: the
// lineage of every object (created by file:line, changed by which later migrations) and each migration's summary.
// Text patterns over drizzle-kit's own DDL (and the hand-written SQL around it); a statement no pattern knows is
// counted as "other".
import * as path from 'node:path'
import { Migration } from '../migrations/folder'

const ID = String.raw`(?:"(?:[^"]|"")+"|[A-Za-z_][\w$]*)`
const QUALIFIED = String.raw`(${ID}(?:\s*\.\s*${ID})?)`

/** `"public"."users"` -> { schema: public, name: users }. */
export function splitName(text: string): { schema: string; name: string } {
  const parts = (text.match(new RegExp(ID, 'g')) ?? []).map((p) =>
    p.startsWith('"') ? p.slice(1, -1).replace(/""/g, '"') : p.toLowerCase()
  )
  return parts.length > 1 ? { schema: parts[0], name: parts[1] } : { schema: 'public', name: parts[0] ?? '' }
}
const bare = (text: string): string => splitName(text).name

export type Action =
  | 'create table'
  | 'drop table'
  | 'rename table'
  | 'add column'
  | 'drop column'
  | 'alter column'
  | 'rename column'
  | 'create enum'
  | 'alter enum'
  | 'drop enum'
  | 'create index'
  | 'drop index'
  | 'add constraint'
  | 'drop constraint'
  | 'data'
  | 'function'
  | 'other'

export interface LineageEvent {
  action: Action
  schema?: string
  table?: string
  column?: string
  /** enum, index or constraint name; the new name of a rename. */
  name?: string
  migration: string
  /** file:line, relative to the root. */
  at: string
}

const CREATE_TABLE = new RegExp(
  String.raw`^\s*CREATE\s+(?:UNLOGGED\s+)?TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?${QUALIFIED}`,
  'i'
)
const ALTER_TABLE = new RegExp(
  String.raw`^\s*ALTER\s+TABLE\s+(?:IF\s+EXISTS\s+)?(?:ONLY\s+)?${QUALIFIED}\s+([\s\S]*)$`,
  'i'
)
const DROP_TABLE = new RegExp(String.raw`^\s*DROP\s+TABLE\s+(?:IF\s+EXISTS\s+)?${QUALIFIED}`, 'i')
const CREATE_TYPE = new RegExp(String.raw`^\s*CREATE\s+TYPE\s+${QUALIFIED}\s+AS\s+ENUM`, 'i')
const ALTER_TYPE = new RegExp(String.raw`^\s*ALTER\s+TYPE\s+${QUALIFIED}`, 'i')
const DROP_TYPE = new RegExp(String.raw`^\s*DROP\s+TYPE\s+(?:IF\s+EXISTS\s+)?${QUALIFIED}`, 'i')
const CREATE_INDEX = new RegExp(
  String.raw`^\s*CREATE\s+(?:UNIQUE\s+)?INDEX\s+(?:CONCURRENTLY\s+)?(?:IF\s+NOT\s+EXISTS\s+)?(${ID})\s+ON\s+(?:ONLY\s+)?${QUALIFIED}`,
  'i'
)
const DROP_INDEX = new RegExp(String.raw`^\s*DROP\s+INDEX\s+(?:CONCURRENTLY\s+)?(?:IF\s+EXISTS\s+)?${QUALIFIED}`, 'i')
const DATA = /^\s*(INSERT|UPDATE|DELETE|COPY|TRUNCATE)\b/i
const FUNCTION = /^\s*(CREATE\s+(OR\s+REPLACE\s+)?(FUNCTION|PROCEDURE|TRIGGER)|DO\b)/i

function withoutComments(sql: string): string {
  return sql.replace(/--[^\n]*/g, (m) => ' '.repeat(m.length))
}

/** The events of one statement (`line`: where it starts in the file). */
function statementEvents(sql: string, line: number, at: (line: number) => string, migration: string): LineageEvent[] {
  // `line` is where the statement's text starts: its leading blank lines (after a breakpoint) are not counted.
  const code = withoutComments(sql).replace(/^\s*\n/, '')
  const ev = (e: Omit<LineageEvent, 'migration' | 'at'>, offset = 0): LineageEvent => ({
    ...e,
    migration,
    at: at(line + offset)
  })
  let m = CREATE_TABLE.exec(code)
  if (m) {
    const { schema, name: table } = splitName(m[1])
    const out = [ev({ action: 'create table', schema, table })]
    // Each column at its own line: `"email" varchar(255) NOT NULL,`
    const body = code.slice(code.indexOf('(') + 1)
    const lines = code.split('\n')
    const start = code.slice(0, code.indexOf('(')).split('\n').length - 1
    for (let i = start; i < lines.length; i++) {
      const text = i === start ? lines[i].slice(lines[i].indexOf('(') + 1) : lines[i]
      const col = new RegExp(String.raw`^\s*(${ID})\s+(?!KEY\b)[A-Za-z"]`, 'i').exec(text)
      if (!col || /^\s*(CONSTRAINT|PRIMARY|UNIQUE|FOREIGN|CHECK|EXCLUDE|LIKE)\b/i.test(text)) continue
      out.push(ev({ action: 'add column', schema, table, column: bare(col[1]) }, i))
    }
    void body
    return out
  }
  m = ALTER_TABLE.exec(code)
  if (m) {
    const { schema, name: table } = splitName(m[1])
    const rest = m[2]
    const out: LineageEvent[] = []
    for (const clause of rest.split(/,(?![^(]*\))/)) {
      let c: RegExpExecArray | null
      if (
        (c = new RegExp(String.raw`^\s*ADD\s+(?:COLUMN\s+)?(?:IF\s+NOT\s+EXISTS\s+)?(?!CONSTRAINT\b)(${ID})`, 'i').exec(
          clause
        ))
      )
        out.push(ev({ action: 'add column', schema, table, column: bare(c[1]) }))
      else if (
        (c = new RegExp(String.raw`^\s*DROP\s+(?:COLUMN\s+)?(?:IF\s+EXISTS\s+)?(?!CONSTRAINT\b)(${ID})`, 'i').exec(
          clause
        ))
      )
        out.push(ev({ action: 'drop column', schema, table, column: bare(c[1]) }))
      else if ((c = new RegExp(String.raw`^\s*ALTER\s+(?:COLUMN\s+)?(${ID})`, 'i').exec(clause)))
        out.push(ev({ action: 'alter column', schema, table, column: bare(c[1]) }))
      else if (
        (c = new RegExp(String.raw`^\s*RENAME\s+(?:COLUMN\s+)?(?!TO\b)(${ID})\s+TO\s+(${ID})`, 'i').exec(clause))
      )
        out.push(ev({ action: 'rename column', schema, table, column: bare(c[1]), name: bare(c[2]) }))
      else if ((c = new RegExp(String.raw`^\s*RENAME\s+TO\s+(${ID})`, 'i').exec(clause)))
        out.push(ev({ action: 'rename table', schema, table, name: bare(c[1]) }))
      else if ((c = new RegExp(String.raw`^\s*ADD\s+CONSTRAINT\s+(${ID})`, 'i').exec(clause)))
        out.push(ev({ action: 'add constraint', schema, table, name: bare(c[1]) }))
      else if ((c = new RegExp(String.raw`^\s*DROP\s+CONSTRAINT\s+(?:IF\s+EXISTS\s+)?(${ID})`, 'i').exec(clause)))
        out.push(ev({ action: 'drop constraint', schema, table, name: bare(c[1]) }))
      else out.push(ev({ action: 'other', schema, table }))
    }
    return out
  }
  if ((m = DROP_TABLE.exec(code))) return [ev({ action: 'drop table', ...tableOf(m[1]) })]
  if ((m = CREATE_TYPE.exec(code))) return [ev({ action: 'create enum', ...enumOf(m[1]) })]
  if ((m = ALTER_TYPE.exec(code))) return [ev({ action: 'alter enum', ...enumOf(m[1]) })]
  if ((m = DROP_TYPE.exec(code))) return [ev({ action: 'drop enum', ...enumOf(m[1]) })]
  if ((m = CREATE_INDEX.exec(code))) return [ev({ action: 'create index', name: bare(m[1]), ...tableOf(m[2]) })]
  if ((m = DROP_INDEX.exec(code))) return [ev({ action: 'drop index', name: splitName(m[1]).name })]
  if (DATA.test(code)) return [ev({ action: 'data' })]
  if (FUNCTION.test(code)) return [ev({ action: 'function' })]
  return [ev({ action: 'other' })]
}

const tableOf = (text: string): { schema: string; table: string } => {
  const { schema, name } = splitName(text)
  return { schema, table: name }
}
const enumOf = (text: string): { schema: string; name: string } => splitName(text)

/** Every event of every migration, in journal order. */
export function migrationEvents(migrations: Migration[], root: string): Map<string, LineageEvent[]> {
  const out = new Map<string, LineageEvent[]>()
  for (const migration of migrations) {
    const file = path.relative(root, migration.file)
    const at = (line: number): string => `${file}:${line}`
    out.set(
      migration.tag,
      migration.sql === undefined
        ? []
        : migration.statements.flatMap((s) => statementEvents(s.sql, s.line, at, migration.tag))
    )
  }
  return out
}
