// Finds where the schema declares a table, column, index, constraint or enum: file and line, for the report and
// the pull-request annotations. The loaded module tells us the export name of each table and the property key of
// each column; the source text then tells us the line.
import * as fs from 'node:fs'
import * as path from 'node:path'

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

export function toSnakeCase(input: string): string {
  const words = input.replace(/['\u2019]/g, '').match(/[\da-z]+|[A-Z]+(?![a-z])|[A-Z][\da-z]+/g) ?? []
  return words.map((w) => w.toLowerCase()).join('_')
}

export function toCamelCase(input: string): string {
  const words = input.replace(/['\u2019]/g, '').match(/[\da-z]+|[A-Z]+(?![a-z])|[A-Z][\da-z]+/g) ?? []
  return words.map((w, i) => (i === 0 ? w.toLowerCase() : w[0].toUpperCase() + w.slice(1).toLowerCase())).join('')
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
      if (value && typeof value === 'object' && (value as Record<symbol, unknown>)[IS_TABLE] !== undefined && (value as Record<symbol, unknown>)[COLUMNS]) {
        const table = value as Record<symbol, unknown>
        const schema = (table[SCHEMA] as string | undefined) ?? 'public'
        const name = table[NAME] as string
        const keys = new Map<string, string>()
        for (const [key, column] of Object.entries(table[COLUMNS] as Record<string, { name: string; keyAsName?: boolean }>)) {
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
        const v = value as { seqName?: string; schema?: string; schemaName?: string } & Record<symbol, { name: string; schema?: string } | undefined>
        const view = v[VIEW]
        if (typeof v.seqName === 'string') this.others.set(`sequence:${v.schema ?? 'public'}.${v.seqName}`, exportName)
        else if (view?.name) this.others.set(`view:${view.schema ?? 'public'}.${view.name}`, exportName)
        else if (typeof v.schemaName === 'string') this.others.set(`schema:${v.schemaName}`, exportName)
      }
    }
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

  /** The file and line range of `const <exportName> = …` up to the next top-level declaration. */
  private findBlock(exportName: string): { file: string; start: number; end: number } | undefined {
    const declaration = new RegExp(`^\\s*(export\\s+)?(const|let|var)\\s+${exportName.replace(/\$/g, '\\$')}\\b`)
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
      return { file, start, end }
    }
    return undefined
  }

  private tableBlock(schema: string, table: string): { entry: TableEntry; block: { file: string; start: number; end: number } } | undefined {
    const entry = this.tables.get(`${schema}.${table}`)
    if (!entry) return undefined
    entry.block ??= this.findBlock(entry.exportName)
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
      for (let i = block.start; i < block.end; i++) if (keyPattern.test(lines[i])) return { file: this.rel(block.file), line: i + 1 }
    }
    return this.quoted(block, column) ?? (key ? this.spreadColumn(key, column) : undefined) ?? { file: this.rel(block.file), line: block.start + 1 }
  }

  /** A column that comes from a spread object (`...timestamps`) declared in another file. */
  private spreadColumn(key: string, column: string): Declaration | undefined {
    const keyPattern = new RegExp(`^\\s*(["']?)${key.replace(/\$/g, '\\$')}\\1\\s*:`)
    for (const file of this.files) {
      const lines = this.lines(file)
      const i = lines.findIndex((l) => keyPattern.test(l) && (l.includes(`"${column}"`) || l.includes(`'${column}'`) || !/["'][a-z_]+["']/.test(l)))
      if (i >= 0) return { file: this.rel(file), line: i + 1 }
    }
    return undefined
  }

  /** An index or constraint: the line that names it, else the line of its (first) column, else the table. */
  tableObject(schema: string, table: string, name: string, columns: string[] = []): Declaration | undefined {
    const found = this.tableBlock(schema, table)
    if (!found) return undefined
    return (
      this.quoted(found.block, name) ??
      (columns.length > 0 ? this.column(schema, table, columns[0]) : undefined) ?? {
        file: this.rel(found.block.file),
        line: found.block.start + 1
      }
    )
  }

  enum(schema: string, name: string): Declaration | undefined {
    const exportName = this.enums.get(`${schema}.${name}`)
    const block = exportName ? this.findBlock(exportName) : undefined
    return block ? { file: this.rel(block.file), line: block.start + 1 } : undefined
  }

  /** A sequence, view or pgSchema: the line of its export. */
  object(kind: 'sequence' | 'view' | 'schema', schema: string, name: string): Declaration | undefined {
    const exportName = this.others.get(kind === 'schema' ? `schema:${name}` : `${kind}:${schema}.${name}`)
    const block = exportName ? this.findBlock(exportName) : undefined
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
