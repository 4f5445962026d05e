// Finds where the schema declares a table, column, index, constraint or enum: file and line, for the report and
// the pull-request annotations. The loaded module tells us the export name of each table and the property key of
// each column; the source text then tells us the line.
import * as fs from 'node:fs'
import * as path from 'node:path'

/**
 * Separates an export's name from a number when a later schema file exports the same name for another object
 * (`appointments` in two files): both are kept under distinct keys, as drizzle-kit keeps both tables.
 */
export const DUPLICATE_EXPORT = '\u0000'

export interface Declaration {
  /** Relative to the repository root. */
  file: string
  line: number
}

const NAME = Symbol.for('drizzle:Name')
const SCHEMA = Symbol.for('drizzle:Schema')
const COLUMNS = Symbol.for('drizzle:Columns')
const IS_TABLE = Symbol.for('drizzle:IsDrizzleTable')
const VIEW = Symbol.for('drizzle:ViewBaseConfig')

interface TableEntry {
  exportName: string
  /** db column name -> property key in the TypeScript object. */
  keys: Map<string, string>
  block?: { file: string; start: number; end: number }
}

/** drizzle-orm's `casing: 'snake_case'` of a key (drizzle-orm/casing), which drizzle-kit applies to unnamed columns. */
export function toSnakeCase(input: string): string {
  const words = input.replace(/['\u2019]/g, '').match(/[\da-z]+|[A-Z]+(?![a-z])|[A-Z][\da-z]+/g) ?? []
  return words.map((w) => w.toLowerCase()).join('_')
}

export function toCamelCase(input: string): string {
  const words = input.replace(/['\u2019]/g, '').match(/[\da-z]+|[A-Z]+(?![a-z])|[A-Z][\da-z]+/g) ?? []
  // As drizzle-orm's: the rest of each word is kept as written (`user_ID` -> `userID`).
  return words.map((w, i) => (i === 0 ? w.toLowerCase() : w[0].toUpperCase() + w.slice(1))).join('')
}

/** A SourceIndex as plain data (SourceIndex.toData). */
export interface SourceIndexData {
  root: string
  files: string[]
  tables: [string, { exportName: string; keys: [string, string][] }][]
  enums: [string, string][]
  others: [string, string][]
}

/** What a table-level object is, as far as finding its declaration goes. */
export type TableObjectKind = 'index' | 'unique' | 'primary_key' | 'foreign_key' | 'check' | 'exclusion'

const BUILDERS_OF: Record<TableObjectKind, string[]> = {
  index: ['index', 'uniqueIndex'],
  unique: ['unique'],
  primary_key: ['primaryKey'],
  foreign_key: ['foreignKey'],
  check: [],
  exclusion: []
}

export class SourceIndex {
  private readonly tables = new Map<string, TableEntry>()
  private readonly enums = new Map<string, string>()
  /** Sequences, views and schemas: "kind:schema.name" -> export name. */
  private readonly others = new Map<string, string>()
  private readonly texts = new Map<string, string[]>()

  constructor(
    private readonly root: string,
    exports: Record<string, unknown>,
    private readonly files: string[],
    casing?: string
  ) {
    for (const [exportName, value] of Object.entries(exports)) {
      if (
        value &&
        typeof value === 'object' &&
        (value as Record<symbol, unknown>)[IS_TABLE] !== undefined &&
        (value as Record<symbol, unknown>)[COLUMNS]
      ) {
        const table = value as Record<symbol, unknown>
        const schema = (table[SCHEMA] as string | undefined) ?? 'public'
        const name = table[NAME] as string
        const keys = new Map<string, string>()
        for (const [key, column] of Object.entries(
          table[COLUMNS] as Record<string, { name: string; keyAsName?: boolean }>
        )) {
          const dbName = column.keyAsName
            ? casing === 'snake_case'
              ? toSnakeCase(key)
              : casing === 'camelCase'
                ? toCamelCase(key)
                : key
            : column.name
          keys.set(dbName, key)
        }
        this.tables.set(`${schema}.${name}`, { exportName, keys })
      } else if (typeof value === 'function' && 'enumName' in value && 'enumValues' in value) {
        const e = value as unknown as { enumName: string; schema?: string }
        this.enums.set(`${e.schema ?? 'public'}.${e.enumName}`, exportName)
      } else if (value && typeof value === 'object') {
        const v = value as { seqName?: string; schema?: string; schemaName?: string } & Record<
          symbol,
          { name: string; schema?: string } | undefined
        >
        const view = v[VIEW]
        if (typeof v.seqName === 'string') this.others.set(`sequence:${v.schema ?? 'public'}.${v.seqName}`, exportName)
        else if (view?.name) this.others.set(`view:${view.schema ?? 'public'}.${view.name}`, exportName)
        else if (typeof v.schemaName === 'string') this.others.set(`schema:${v.schemaName}`, exportName)
      }
    }
  }

  /** What the index found in the loaded modules, as plain data (it crosses from the process that loaded them). */
  toData(): SourceIndexData {
    return {
      root: this.root,
      files: this.files,
      tables: [...this.tables].map(([key, t]) => [key, { exportName: t.exportName, keys: [...t.keys] }]),
      enums: [...this.enums],
      others: [...this.others]
    }
  }

  /** The index again from its data: the source files are read here, as they are needed. */
  static fromData(data: SourceIndexData): SourceIndex {
    const index = new SourceIndex(String(data.root), {}, data.files.map(String))
    for (const [key, t] of data.tables)
      index.tables.set(String(key), {
        exportName: String(t.exportName),
        keys: new Map(t.keys.map(([db, key]) => [String(db), String(key)]))
      })
    for (const [key, name] of data.enums) index.enums.set(String(key), String(name))
    for (const [key, name] of data.others) index.others.set(String(key), String(name))
    return index
  }

  private lines(file: string): string[] {
    let lines = this.texts.get(file)
    if (!lines) {
      try {
        lines = fs.readFileSync(file, 'utf8').split('\n')
      } catch {
        lines = []
      }
      this.texts.set(file, lines)
    }
    return lines
  }

  private rel(file: string): string {
    return path.relative(this.root, file)
  }

  /**
   * The file and line range of `const <exportName> = …` up to the next top-level declaration. Two schema files may
   * export one name for different objects (drizzle-kit keeps both): the block that spells the object's own name wins.
   */
  private findBlock(exportName: string, objectName?: string): { file: string; start: number; end: number } | undefined {
    const bare = exportName.split(DUPLICATE_EXPORT)[0]
    const declaration = new RegExp(`^\\s*(export\\s+)?(const|let|var)\\s+${bare.replace(/\$/g, '\\$')}\\b`)
    let first: { file: string; start: number; end: number } | undefined
    for (const file of this.files) {
      const lines = this.lines(file)
      const start = lines.findIndex((l) => declaration.test(l))
      if (start < 0) continue
      let end = lines.length
      for (let i = start + 1; i < lines.length; i++) {
        if (/^(export\s+)?(const|let|var|function|class|type|interface|enum)\b/.test(lines[i])) {
          end = i
          break
        }
      }
      const block = { file, start, end }
      if (objectName === undefined || !exportName.includes(DUPLICATE_EXPORT)) return block
      const spelled = [`'${objectName}'`, `"${objectName}"`, `\`${objectName}\``]
      if (lines.slice(start, end).some((l) => spelled.some((q) => l.includes(q)))) return block
      first ??= block
    }
    return first
  }

  private tableBlock(
    schema: string,
    table: string
  ): { entry: TableEntry; block: { file: string; start: number; end: number } } | undefined {
    const entry = this.tables.get(`${schema}.${table}`)
    if (!entry) return undefined
    entry.block ??= this.findBlock(entry.exportName, table)
    return entry.block ? { entry, block: entry.block } : undefined
  }

  table(schema: string, table: string): Declaration | undefined {
    const found = this.tableBlock(schema, table)
    return found ? { file: this.rel(found.block.file), line: found.block.start + 1 } : undefined
  }

  column(schema: string, table: string, column: string): Declaration | undefined {
    const found = this.tableBlock(schema, table)
    if (!found) return undefined
    const { entry, block } = found
    const lines = this.lines(block.file)
    const key = entry.keys.get(column)
    if (key) {
      const keyPattern = new RegExp(`^\\s*(["']?)${key.replace(/\$/g, '\\$')}\\1\\s*:`)
      for (let i = block.start; i < block.end; i++)
        if (keyPattern.test(lines[i])) return { file: this.rel(block.file), line: i + 1 }
    }
    return (
      this.quoted(block, column) ??
      (key ? this.spreadColumn(key, column) : undefined) ?? { file: this.rel(block.file), line: block.start + 1 }
    )
  }

  /** A column that comes from a spread object (`...timestamps`) declared in another file. */
  private spreadColumn(key: string, column: string): Declaration | undefined {
    const keyPattern = new RegExp(`^\\s*(["']?)${key.replace(/\$/g, '\\$')}\\1\\s*:`)
    for (const file of this.files) {
      const lines = this.lines(file)
      const i = lines.findIndex(
        (l) =>
          keyPattern.test(l) && (l.includes(`"${column}"`) || l.includes(`'${column}'`) || !/["'][a-z_]+["']/.test(l))
      )
      if (i >= 0) return { file: this.rel(file), line: i + 1 }
    }
    return undefined
  }

  /**
   * An index or constraint: the line that names it, else the table-level call on exactly its columns
   * (`uniqueIndex().on(t.fromId, t.toId)`), else the line of its (first) column, else the table.
   */
  tableObject(
    schema: string,
    table: string,
    name: string,
    columns: string[] = [],
    kind?: TableObjectKind
  ): Declaration | undefined {
    const found = this.tableBlock(schema, table)
    if (!found) return undefined
    return (
      this.quoted(found.block, name) ??
      this.builderCall(found.entry, found.block, name, columns, kind) ??
      (kind === 'foreign_key' && columns.length === 1 ? this.references(schema, table, columns[0]) : undefined) ??
      (columns.length > 0 ? this.column(schema, table, columns[0]) : undefined) ?? {
        file: this.rel(found.block.file),
        line: found.block.start + 1
      }
    )
  }

  /** The line of the table's block that spells this name in quotes (a declaration, read or not by drizzle-kit). */
  namedInTable(schema: string, table: string, name: string): Declaration | undefined {
    const found = this.tableBlock(schema, table)
    return found ? this.quoted(found.block, name) : undefined
  }

  /**
   * The line of the first builder call in the table's block whose column arguments are `<param>.<key>` of exactly
   * these columns, in order: `index()`/`uniqueIndex()` `.on(…)`/`.onOnly(…)`/`.using('gin', …)`, `unique().on(…)`,
   * `primaryKey({ columns: […] })`, `foreignKey({ columns: […], … })`. The default name's suffix says which builders
   * can have made it, so a column's unique is not taken for an index on the same column.
   */
  private builderCall(
    entry: TableEntry,
    block: { file: string; start: number; end: number },
    name: string,
    columns: string[],
    kind?: TableObjectKind
  ): Declaration | undefined {
    if (columns.length === 0) return undefined
    const keys = columns.map((c) => entry.keys.get(c))
    if (keys.some((k) => k === undefined)) return undefined
    // What the object is, when known, decides; else the default name's suffix (a custom name says nothing).
    const builders = kind
      ? BUILDERS_OF[kind]
      : /_(index|idx)$/.test(name)
        ? ['index', 'uniqueIndex']
        : /_(unique|key)$/.test(name)
          ? ['unique']
          : /_(pk|pkey)$/.test(name)
            ? ['primaryKey']
            : /_(fk|fkey)$/.test(name)
              ? ['foreignKey']
              : ['index', 'uniqueIndex', 'unique', 'primaryKey', 'foreignKey']
    const lines = this.lines(block.file).slice(block.start, block.end)
    const text = lines.join('\n')
    const code = blankStringsAndComments(text)
    for (const m of code.matchAll(/\b(index|uniqueIndex|unique|primaryKey|foreignKey)\s*\(/g)) {
      if (!builders.includes(m[1])) continue
      const open = m.index + m[0].length - 1
      const close = matchingParen(code, open)
      if (close < 0) continue
      let args: string[] | undefined
      if (m[1] === 'primaryKey' || m[1] === 'foreignKey') {
        const list = /\bcolumns\s*:\s*\[/.exec(code.slice(open, close))
        if (list) {
          const start = open + list.index + list[0].length
          const end = matchingParen(code, start - 1)
          if (end > 0) args = splitArguments(text.slice(start, end))
        } else if (m[1] === 'primaryKey') {
          args = splitArguments(text.slice(open + 1, close)) // the older primaryKey(t.a, t.b)
        }
      } else {
        const call = /^\s*\.\s*(on|onOnly|using)\s*\(/.exec(code.slice(close + 1))
        if (!call) continue
        const start = close + 1 + call[0].length
        const end = matchingParen(code, start - 1)
        if (end < 0) continue
        args = splitArguments(text.slice(start, end))
        if (call[1] === 'using') args = args.slice(1) // the method
      }
      const argKeys = args?.map((a) => /^[A-Za-z_$][\w$]*\s*\.\s*([A-Za-z_$][\w$]*)/.exec(a)?.[1])
      if (argKeys && argKeys.length === keys.length && argKeys.every((k, i) => k === keys[i])) {
        return { file: this.rel(block.file), line: block.start + text.slice(0, m.index).split('\n').length }
      }
    }
    return undefined
  }

  /** A column's foreign key: the line of its `.references(…)`, which may be lines below the column's key. */
  private references(schema: string, table: string, column: string): Declaration | undefined {
    const found = this.tableBlock(schema, table)
    const at = this.column(schema, table, column)
    if (!found || !at || at.file !== this.rel(found.block.file)) return undefined
    const lines = this.lines(found.block.file)
    const nextKey = /^\s*(["']?)[A-Za-z_$][\w$]*\1\s*:/
    for (let i = at.line - 1; i < found.block.end; i++) {
      if (i > at.line - 1 && nextKey.test(lines[i])) break
      if (/\.\s*references\s*\(/.test(blankStringsAndComments(lines[i]))) return { file: at.file, line: i + 1 }
    }
    return undefined
  }

  enum(schema: string, name: string): Declaration | undefined {
    const exportName = this.enums.get(`${schema}.${name}`)
    const block = exportName ? this.findBlock(exportName, name) : undefined
    return block ? { file: this.rel(block.file), line: block.start + 1 } : undefined
  }

  /**
   * Where an enum the module does not export is declared: the line of its `pgEnum('name'` (or a pgSchema's
   * `.enum('name'`) in the schema files, found by its name since no export names it.
   */
  unexportedEnum(name: string): Declaration | undefined {
    const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
    const call = new RegExp(`(?:\\bpgEnum|\\.enum)\\s*\\(\\s*(['"\`])${escaped}\\1`)
    for (const file of this.files) {
      const text = this.lines(file).join('\n')
      const found = call.exec(text)
      if (found) return { file: this.rel(file), line: text.slice(0, found.index).split('\n').length }
    }
    return undefined
  }

  /** A sequence, view or pgSchema: the line of its export. */
  object(kind: 'sequence' | 'view' | 'schema', schema: string, name: string): Declaration | undefined {
    const exportName = this.others.get(kind === 'schema' ? `schema:${name}` : `${kind}:${schema}.${name}`)
    const block = exportName ? this.findBlock(exportName, name) : undefined
    return block ? { file: this.rel(block.file), line: block.start + 1 } : undefined
  }

  private quoted(block: { file: string; start: number; end: number }, text: string): Declaration | undefined {
    const lines = this.lines(block.file)
    for (let i = block.start; i < block.end; i++) {
      if (lines[i].includes(`"${text}"`) || lines[i].includes(`'${text}'`) || lines[i].includes('`' + text + '`')) {
        return { file: this.rel(block.file), line: i + 1 }
      }
    }
    return undefined
  }
}

/** The text with string literals and comments replaced by spaces (same length and lines), to count brackets in. */
function blankStringsAndComments(text: string): string {
  return text.replace(/\/\/[^\n]*|\/\*[\s\S]*?\*\/|'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*"|`(?:[^`\\]|\\.)*`/g, (m) =>
    m.replace(/[^\n]/g, ' ')
  )
}

/** The index of the bracket closing the one at `open` (`(` or `[`) in blanked code, or -1. */
function matchingParen(code: string, open: number): number {
  let depth = 0
  for (let i = open; i < code.length; i++) {
    const ch = code[i]
    if (ch === '(' || ch === '[' || ch === '{') depth++
    else if (ch === ')' || ch === ']' || ch === '}') {
      depth--
      if (depth === 0) return i
    }
  }
  return -1
}

/** Top-level comma-separated arguments of a call's or array's inside, as written and trimmed. */
function splitArguments(inside: string): string[] {
  const code = blankStringsAndComments(inside)
  const out: string[] = []
  let depth = 0
  let from = 0
  for (let i = 0; i <= code.length; i++) {
    const ch = code[i]
    if (ch === '(' || ch === '[' || ch === '{') depth++
    else if (ch === ')' || ch === ']' || ch === '}') depth--
    else if ((ch === ',' && depth === 0) || i === code.length) {
      const arg = inside.slice(from, i).trim()
      if (arg) out.push(arg)
      from = i + 1
    }
  }
  return out
}
