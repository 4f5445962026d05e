// What a schema's snapshot declares, counted for the report, and the schemas it uses without exporting them.
import { TargetResult } from '../core/findings'
import { PgSnapshot } from './drizzle-kit'

export function declaredCounts(snapshot: PgSnapshot): TargetResult['declared'] {
  const tables = Object.values(snapshot.tables)
  return {
    tables: tables.length,
    columns: tables.reduce((n, t) => n + Object.keys(t.columns).length, 0),
    enums: Object.keys(snapshot.enums ?? {}).length,
    indexes: tables.reduce((n, t) => n + Object.keys(t.indexes ?? {}).length, 0)
  }
}

/** Schemas that declared objects live in but that the schema files do not export (drizzle-kit does not create them). */
export function unexportedSchemas(snapshot: PgSnapshot): string[] {
  const used = new Set<string>()
  for (const table of Object.values(snapshot.tables)) {
    used.add(table.schema || 'public')
    for (const column of Object.values(table.columns)) if (column.typeSchema) used.add(column.typeSchema)
  }
  for (const group of [snapshot.enums, snapshot.sequences, snapshot.views ?? {}])
    for (const o of Object.values(group)) used.add(o.schema || 'public')
  const exported = new Set(Object.values(snapshot.schemas ?? {}))
  return [...used].filter((s) => s !== 'public' && !exported.has(s)).sort()
}

/**
 * Enums the schema's columns use that the schema files do not export (drizzle-kit reads only exported enums: it
 * writes no CREATE TYPE for them, and its snapshots lack them), by "schema.name", with the columns that use them.
 */
export function unexportedEnums(snapshot: PgSnapshot): Map<string, string[]> {
  const out = new Map<string, string[]>()
  for (const table of Object.values(snapshot.tables))
    for (const column of Object.values(table.columns)) {
      if (!column.typeSchema) continue
      const key = `${column.typeSchema}.${column.type.replace(/(\[\d*\])+$/, '')}`
      if (snapshot.enums?.[key]) continue
      out.set(key, [...(out.get(key) ?? []), `${table.name}.${column.name}`])
    }
  return out
}
