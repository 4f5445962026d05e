// The inventory of a project, built from one check (its report and what it read of each target): the map of
// targets, the lineage of every table and column, each target's history and diagrams, the init process, and with a
// URL the live state. Nothing is migrated again per section.
import * as path from 'node:path'
import { Finding } from '../core/findings'
import { TOOL_VERSION } from '../core/version'
import { CheckedProject } from '../engine/check'
import { targetDiagrams } from './diagram'
import { migrationHistory } from './history'
import { initProcess } from './init-process'
import { migrationEvents } from './lineage'
import { Inventory, InventoryTarget, LiveDatabase } from './model'
import { inventoryTables } from './tables'

export function buildInventory(checked: CheckedProject, live?: LiveDatabase[]): Inventory {
  const { report, targets: checks } = checked
  const root = report.root
  const rel = (file: string): string => path.relative(root, file)
  const targets: InventoryTarget[] = checks.map((check) => {
    const { target, folder, snapshots } = check
    const findings = report.findings.filter((f) => f.target === target.name)
    const byMigration = migrationEvents(folder.migrations, root)
    const events = folder.migrations.flatMap((m) => byMigration.get(m.tag) ?? [])
    const { tables, enums, placed } = inventoryTables(check, events, findings)
    const result = report.targets.find((t) => t.name === target.name)
    return {
      name: target.name,
      ...(target.drizzleConfig ? { drizzleConfig: rel(target.drizzleConfig) } : {}),
      schemaFiles: target.schemaFiles.map(rel),
      migrations: rel(target.migrationsDir),
      migrationsFormat: folder.format,
      migrationsTable: `${target.migrationsSchema}.${target.migrationsTable}`,
      databases: (result?.databases ?? []).map((d) => ({
        name: d.name,
        applied: d.migrations.filter((m) => m.ok).length,
        of: folder.migrations.length,
        compared: d.compared
      })),
      run: target.run?.commands ?? [],
      tables,
      enums,
      history: migrationHistory(folder.migrations, snapshots, byMigration, root),
      diagrams: targetDiagrams(tables),
      findings: findings.filter((f) => !placed.has(f))
    }
  })
  return {
    version: 1,
    tool: { name: 'drizzle-drift-guard', version: report.tool.version ?? TOOL_VERSION },
    targets,
    shared: sharedObjects(targets),
    crossReferences: crossReferences(targets),
    initProcess: initProcess(root, checked.config.targets, report),
    ...(live ? { live } : {}),
    summary: report.summary,
    findings: report.findings.filter((f: Finding) => !targets.some((t) => t.name === f.target))
  }
}

function sharedObjects(targets: InventoryTarget[]): Inventory['shared'] {
  const out: Inventory['shared'] = []
  for (const kind of ['table', 'enum'] as const) {
    const owners = new Map<string, string[]>()
    for (const t of targets)
      for (const o of kind === 'table' ? t.tables.filter((x) => x.origin === 'declared') : t.enums) {
        const name = `${o.schema}.${o.name}`
        owners.set(name, [...(owners.get(name) ?? []), t.name])
      }
    for (const [name, names] of owners) if (names.length > 1) out.push({ kind, name, targets: names })
  }
  return out
}

/** `organization_id` -> organizations, organization, organizationes; `tenantId` too. */
function candidatesFor(column: string): string[] {
  const stem = column
    .replace(/([a-z])Id$/, '$1_id')
    .replace(/_id$/i, '')
    .toLowerCase()
  if (stem === column.toLowerCase()) return []
  return [stem, `${stem}s`, `${stem}es`, stem.replace(/y$/, 'ies')]
}

/** Columns that hold the id of a table only another target has: a reference across databases, by name only. */
function crossReferences(targets: InventoryTarget[]): Inventory['crossReferences'] {
  const out: Inventory['crossReferences'] = []
  for (const t of targets)
    for (const table of t.tables)
      for (const column of table.columns) {
        if (table.references.some((r) => r.columns.includes(column.name))) continue
        const names = candidatesFor(column.name)
        if (names.length === 0 || t.tables.some((o) => names.includes(o.name))) continue
        for (const other of targets) {
          if (other === t) continue
          const referenced = other.tables.find((o) => names.includes(o.name))
          if (referenced)
            out.push({
              target: t.name,
              table: table.name,
              column: column.name,
              referencedTarget: other.name,
              referencedTable: referenced.name
            })
        }
      }
  return out
}
