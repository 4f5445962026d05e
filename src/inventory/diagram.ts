// Mermaid erDiagram sources of one target's tables (GitHub renders them in markdown files and comments). Drifted
// tables and columns are marked in the attribute comments. Large schemas stay readable: one diagram per Postgres
// schema, and past MAX_TABLES tables, one per group of tables related by foreign keys (a group that is still too
// large is cut, with a note).
import { Finding } from '../core/findings'
import { InventoryTable } from './model'

export const MAX_TABLES = 25

/** Mermaid's entity and attribute names: letters, digits, _ and - only. */
const ident = (text: string): string => text.replace(/[^A-Za-z0-9_-]/g, '_').replace(/^([^A-Za-z_])/, '_$1') || '_'
/** A comment in double quotes: no double quote inside. */
const comment = (text: string): string => `"${text.replace(/"/g, "'").replace(/[\r\n]+/g, ' ')}"`

const mark = (findings: Finding[]): string | undefined =>
  findings.length ? `✖ ${[...new Set(findings.map((f) => f.kind))].join(', ')}` : undefined

function entityName(table: InventoryTable, qualified: boolean): string {
  return ident(qualified ? `${table.schema}_${table.name}` : table.name)
}

function diagram(tables: InventoryTable[], all: InventoryTable[]): string {
  const qualified = new Set(all.map((t) => t.schema)).size > 1
  const lines = ['erDiagram']
  const inChart = new Set(tables.map((t) => `${t.schema}.${t.name}`))
  for (const table of tables) {
    const name = entityName(table, qualified)
    const label = `${qualified ? `${table.schema}.` : ''}${table.name}${table.findings.length || table.origin === 'migrations-only' || table.columns.some((c) => c.findings.length) ? ' ✖' : ''}`
    lines.push(`  ${name}["${label.replace(/"/g, "'")}"] {`)
    const fkColumns = new Set(table.references.flatMap((r) => r.columns))
    for (const column of table.columns) {
      const keys = [column.primaryKey ? 'PK' : '', fkColumns.has(column.name) ? 'FK' : ''].filter(Boolean).join(', ')
      const note =
        mark(column.findings) ??
        (column.origin === 'migrations-only' ? '✖ not in the schema' : undefined) ??
        (column.notNull || column.primaryKey ? undefined : 'null')
      lines.push(
        `    ${ident(column.type || 'unknown')} ${ident(column.name)}${keys ? ` ${keys}` : ''}${note ? ` ${comment(note)}` : ''}`
      )
    }
    if (table.findings.length) lines.push(`    drift _ ${comment(mark(table.findings)!)}`)
    if (table.columns.length === 0) lines.push(`    none _`)
    lines.push('  }')
  }
  for (const table of tables) {
    for (const ref of table.references) {
      const target = all.find((t) => t.name === ref.table && inChart.has(`${t.schema}.${t.name}`))
      if (!target) continue
      const nullable = ref.columns.some((c) => !table.columns.find((col) => col.name === c)?.notNull)
      lines.push(
        `  ${entityName(table, qualified)} }o--${nullable ? 'o|' : '||'} ${entityName(target, qualified)} : ${comment(ref.columns.join(', '))}`
      )
    }
  }
  return lines.join('\n')
}

/** Groups of tables related by foreign keys (connected components), largest first. */
function related(tables: InventoryTable[]): InventoryTable[][] {
  const id = (t: InventoryTable): string => `${t.schema}.${t.name}`
  const parent = new Map(tables.map((t) => [id(t), id(t)]))
  const find = (x: string): string => {
    while (parent.get(x) !== x) x = parent.get(x)!
    return x
  }
  for (const t of tables)
    for (const ref of t.references) {
      const to = tables.find((o) => o.name === ref.table)
      if (to) parent.set(find(id(t)), find(id(to)))
    }
  const groups = new Map<string, InventoryTable[]>()
  for (const t of tables) groups.set(find(id(t)), [...(groups.get(find(id(t))) ?? []), t])
  return [...groups.values()].sort((a, b) => b.length - a.length)
}

export function targetDiagrams(tables: InventoryTable[]): { title: string; mermaid: string }[] {
  const out: { title: string; mermaid: string }[] = []
  const schemas = [...new Set(tables.map((t) => t.schema))]
  for (const schema of schemas) {
    const ofSchema = tables.filter((t) => t.schema === schema)
    const title = schemas.length > 1 ? `schema ${schema}` : 'all tables'
    if (ofSchema.length <= MAX_TABLES) {
      out.push({ title: `${title} (${ofSchema.length})`, mermaid: diagram(ofSchema, tables) })
      continue
    }
    // Related tables together, packed into charts of at most MAX_TABLES.
    const charts: InventoryTable[][] = []
    for (const group of related(ofSchema)) {
      for (let i = 0; i < group.length; i += MAX_TABLES) {
        const part = group.slice(i, i + MAX_TABLES)
        const room = charts.find((c) => c.length + part.length <= MAX_TABLES && part.length < MAX_TABLES)
        if (room) room.push(...part)
        else charts.push([...part])
      }
    }
    charts.forEach((chart, i) =>
      out.push({
        title: `${title}, part ${i + 1} of ${charts.length} (${chart.length} tables; at most ${MAX_TABLES} a diagram, related tables together: a reference to a table of another part is not drawn)`,
        mermaid: diagram(chart, tables)
      })
    )
  }
  return out
}
