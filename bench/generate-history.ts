// Generates a Drizzle project with a long migration history, the way a real one grows: each step changes the
// schema and drizzle-kit's own API writes the migration (as `drizzle-kit generate` would). Some hand-written SQL
// (data updates, a DO block) is mixed in. Used by the benchmarks; no file of it is committed.
import * as fs from 'node:fs'
import * as path from 'node:path'
import { randomUUID } from 'node:crypto'
import { ModuleLoader } from '../src/config/module-loader'
import { PgSnapshot, emptySnapshot, generateSql, serializeSchema } from '../src/schema/drizzle-kit'

export interface HistoryShape {
  tables: number
  migrations: number
  enums: number
  /** Every n-th migration is a hand-written data migration. */
  handWrittenEvery: number
}

interface Table {
  name: string
  columns: string[]
  indexes: string[]
  enumColumn?: string
}

function schemaSource(tables: Table[], enums: number): string {
  const lines = [
    'import { pgTable, pgEnum, serial, integer, text, varchar, boolean, timestamp, jsonb, numeric, index, uniqueIndex } from "drizzle-orm/pg-core";',
    ''
  ]
  for (let e = 0; e < enums; e++)
    lines.push(`export const enum${e} = pgEnum("enum_${e}", ["a${e}", "b${e}", "c${e}"]);`)
  for (const [i, t] of tables.entries()) {
    lines.push(`export const ${t.name} = pgTable("${t.name}", {`)
    lines.push('  id: serial("id").primaryKey(),')
    if (i > 0)
      lines.push(
        `  parentId: integer("parent_id").references(() => ${tables[i - 1].name}.id, { onDelete: "cascade" }),`
      )
    lines.push('  name: varchar("name", { length: 200 }).notNull(),')
    lines.push('  createdAt: timestamp("created_at", { withTimezone: true }).defaultNow().notNull(),')
    if (t.enumColumn)
      lines.push(`  kind: ${t.enumColumn}("kind").default("${t.enumColumn.replace('enum', 'a')}").notNull(),`)
    for (const c of t.columns)
      lines.push(
        `  ${c}: ${c.startsWith('flag') ? `boolean("${c}").default(false)` : c.startsWith('meta') ? `jsonb("${c}").default({})` : c.startsWith('amount') ? `numeric("${c}", { precision: 12, scale: 2 })` : `text("${c}")`},`
      )
    lines.push('}, (t) => [')
    lines.push(`  index("${t.name}_name_idx").on(t.name),`)
    for (const ix of t.indexes) lines.push(`  index("${t.name}_${ix}_idx").on(t.${ix}),`)
    lines.push(']);')
    lines.push('')
  }
  return lines.join('\n')
}

/** Writes a project (drizzle.config.ts, src/schema.ts, drizzle/) into dir. */
export async function generateHistory(dir: string, shape: HistoryShape): Promise<void> {
  fs.mkdirSync(path.join(dir, 'src'), { recursive: true })
  fs.mkdirSync(path.join(dir, 'drizzle', 'meta'), { recursive: true })
  fs.writeFileSync(
    path.join(dir, 'drizzle.config.ts'),
    'import { defineConfig } from "drizzle-kit";\nexport default defineConfig({ dialect: "postgresql", schema: "./src/schema.ts", out: "./drizzle", dbCredentials: { url: process.env.DATABASE_URL! } });\n'
  )
  const tables: Table[] = []
  let previous: PgSnapshot = emptySnapshot()
  const entries: unknown[] = []
  const start = Date.UTC(2024, 0, 1)
  const schemaFile = path.join(dir, 'src', 'schema.ts')
  let handWritten = 0
  for (let step = 0; step < shape.migrations; step++) {
    const tag = `${String(step).padStart(4, '0')}_step_${step}`
    const snapshotFile = path.join(dir, 'drizzle', 'meta', `${String(step).padStart(4, '0')}_snapshot.json`)
    if (shape.handWrittenEvery > 0 && step > 0 && step % shape.handWrittenEvery === 0 && tables.length > 0) {
      // A data migration written by hand: the snapshot is copied forward unchanged, as drizzle-kit generate --custom does.
      const t = tables[handWritten++ % tables.length].name
      const sql = `UPDATE "${t}" SET "name" = trim("name") WHERE "name" <> trim("name");\n--> statement-breakpoint\nDO $$ BEGIN\n  IF NOT EXISTS (SELECT 1 FROM "${t}" WHERE false) THEN\n    PERFORM 1;\n  END IF;\nEND $$;`
      fs.writeFileSync(path.join(dir, 'drizzle', `${tag}.sql`), sql)
      const copy = { ...previous, id: randomUUID(), prevId: previous.id }
      fs.writeFileSync(snapshotFile, JSON.stringify(copy, null, 2))
      previous = copy
    } else {
      const remainingSteps = shape.migrations - step
      const remainingTables = shape.tables - tables.length
      if (remainingTables > 0 && (remainingTables >= remainingSteps || step % 2 === 0 || tables.length === 0)) {
        const enumIndex = tables.length < shape.enums ? tables.length : undefined
        tables.push({
          name: `table_${tables.length}`,
          columns: [],
          indexes: [],
          enumColumn: enumIndex === undefined ? undefined : `enum${enumIndex}`
        })
      } else {
        const t = tables[step % tables.length]
        const kinds = ['note', 'flag', 'meta', 'amount']
        const column = `${kinds[t.columns.length % kinds.length]}${t.columns.length}`
        t.columns.push(column)
        if (t.columns.length % 2 === 1) t.indexes.push(column)
      }
      fs.writeFileSync(schemaFile, schemaSource(tables, shape.enums))
      const exports = new ModuleLoader({ root: dir }).load(schemaFile)
      const current = { ...serializeSchema(exports), id: randomUUID(), prevId: previous.id }
      const statements = await generateSql(previous, current)
      fs.writeFileSync(path.join(dir, 'drizzle', `${tag}.sql`), statements.join('\n--> statement-breakpoint\n'))
      fs.writeFileSync(snapshotFile, JSON.stringify(current, null, 2))
      previous = current
    }
    entries.push({ idx: step, version: '7', when: start + step * 3_600_000, tag, breakpoints: true })
  }
  fs.writeFileSync(
    path.join(dir, 'drizzle', 'meta', '_journal.json'),
    JSON.stringify({ version: '7', dialect: 'postgresql', entries }, null, 2)
  )
}
