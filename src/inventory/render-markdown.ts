// The inventory as a markdown document meant to be committed (docs/database.md) and kept current with --check:
// the map, the tables and columns with their lineage and drift, the history, the diagrams, the init process and
// the live state.
import { Finding } from '../core/findings'
import { Inventory, InventoryTable, InventoryTarget, Lineage } from './model'

const cell = (text: string | undefined): string => (text ?? '').replace(/\|/g, '\\|').replace(/\r?\n/g, '<br>')
const code = (text: string | undefined): string => (text ? `\`${text.replace(/`/g, "'")}\`` : '')
const ICON: Record<Finding['severity'], string> = { error: '✖', warning: '⚠', notice: 'ℹ' }

function drift(findings: Finding[]): string {
  return findings.map((f) => `${ICON[f.severity]} \`${f.kind}\`: ${f.cause ?? f.message}`).join('<br>')
}

function snapshots(s: Lineage['snapshots'], total: number): string {
  if (s.count === 0) return total ? 'none' : ''
  return s.first === s.last ? `${s.first} (${s.count} of ${total})` : `${s.first} … ${s.last} (${s.count} of ${total})`
}

function mapSection(inventory: Inventory): string[] {
  const out = ['## 1. Map', '']
  out.push('| Target | Drizzle config | Schema | Migrations | Migrations table | Databases | Tables | Init (`run`) |')
  out.push('|---|---|---|---|---|---|---|---|')
  for (const t of inventory.targets) {
    const declared = t.tables.filter((x) => x.origin === 'declared')
    out.push(
      `| **${t.name}** | ${code(t.drizzleConfig)} | ${t.schemaFiles.map(code).join('<br>')} | ${code(t.migrations)} (${t.migrationsFormat}, ${t.history.length}) | ${code(t.migrationsTable)} | ${t.databases.map((d) => code(d.name)).join(', ')} | ${declared.length}: ${cell(declared.map((x) => x.name).join(', '))} | ${t.run.map(code).join('<br>')} |`
    )
  }
  out.push('')
  for (const f of inventory.findings)
    out.push(
      `- ${ICON[f.severity]} \`${f.kind}\` ${f.target}: ${cell(f.message)}${f.cause ? ` — ${cell(f.cause)}` : ''}`
    )
  if (inventory.findings.length) out.push('')
  if (inventory.shared.length) {
    out.push('Created by several targets:', '')
    for (const s of inventory.shared) out.push(`- ${s.kind} ${code(s.name)}: ${s.targets.join(', ')}`)
    out.push('')
  } else out.push('No table or enum is created by more than one target.', '')
  if (inventory.crossReferences.length) {
    out.push('References across targets (by name: no foreign key can cross databases):', '')
    for (const r of inventory.crossReferences)
      out.push(
        `- ${r.target} ${code(`${r.table}.${r.column}`)} holds the id of ${r.referencedTarget} ${code(r.referencedTable)}`
      )
    out.push('')
  }
  return out
}

function tableSection(t: InventoryTarget, table: InventoryTable): string[] {
  const total = t.history.length
  const mark =
    table.findings.length || table.origin === 'migrations-only' || table.columns.some((c) => c.findings.length)
  const facts = [
    table.origin === 'migrations-only' ? 'created by the migrations, **not declared in the schema**' : '',
    table.declared ? `declared at ${code(table.declared)}` : '',
    table.createdBy ? `created by ${code(table.createdBy)}` : '**no migration creates it**',
    `snapshots: ${snapshots(table.snapshots, total)}`
  ].filter(Boolean)
  const out = [`#### ${mark ? '✖ ' : ''}${table.schema === 'public' ? '' : `${table.schema}.`}${table.name}`, '']
  out.push(facts.join('; ') + '.', '')
  if (table.changedBy.length) out.push(`Changed by: ${table.changedBy.map(cell).join('; ')}`, '')
  out.push('| Column | Type | Null | Default | Declared | Created by | Changed by | Snapshots | Drift |')
  out.push('|---|---|---|---|---|---|---|---|---|')
  for (const c of table.columns) {
    out.push(
      `| ${c.primaryKey ? '🔑 ' : ''}${c.name} | ${code(c.type) || '?'} | ${c.notNull ? 'not null' : 'null'} | ${code(c.default)} | ${c.declared ? code(c.declared) : c.origin === 'migrations-only' ? 'not in the schema' : ''} | ${c.createdBy ? code(c.createdBy) : '**none**'} | ${cell(c.changedBy.join('; '))} | ${snapshots(c.snapshots, total)} | ${drift(c.findings)} |`
    )
  }
  out.push('')
  if (table.findings.length) out.push(`Drift of the table: ${drift(table.findings)}`, '')
  return out
}

function targetSection(t: InventoryTarget): string[] {
  const out = [`### ${t.name}`, '']
  for (const table of t.tables) out.push(...tableSection(t, table))
  if (t.enums.length) {
    out.push('| Enum | Values | Declared | Created by | Changed by | Drift |', '|---|---|---|---|---|---|')
    for (const e of t.enums)
      out.push(
        `| ${e.schema === 'public' ? '' : `${e.schema}.`}${e.name} | ${cell(e.values.join(', '))} | ${code(e.declared)} | ${e.createdBy ? code(e.createdBy) : '**none**'} | ${cell(e.changedBy.join('; '))} | ${drift(e.findings)} |`
      )
    out.push('')
  }
  if (t.findings.length) {
    out.push('Other findings of the check:', '')
    for (const f of t.findings)
      out.push(
        `- ${ICON[f.severity]} \`${f.kind}\`${f.file ? ` ${code(`${f.file}${f.line ? `:${f.line}` : ''}`)}` : ''}: ${cell(f.message)}${f.cause ? ` — ${cell(f.cause)}` : ''}`
      )
    out.push('')
  }
  return out
}

function historySection(t: InventoryTarget): string[] {
  const out = [`### ${t.name}`, '', '| # | Migration | What it does | Flags |', '|---|---|---|---|']
  t.history.forEach((h, i) => out.push(`| ${i} | ${code(h.file)} | ${cell(h.summary)} | ${h.flags.join(', ')} |`))
  out.push('')
  return out
}

export function renderInventoryMarkdown(inventory: Inventory): string {
  const { errors, warnings } = inventory.summary
  const out = [
    '# Database inventory',
    '',
    `> Written by \`drift-guard inventory\` (${inventory.tool.name}) from the repository and one check of its migrations from clean: ${errors} error(s), ${warnings} warning(s). \`drift-guard inventory --check\` fails when this file is out of date.`,
    '',
    ...mapSection(inventory),
    '## 2. Tables and columns',
    '',
    ...inventory.targets.flatMap(targetSection),
    '## 3. History',
    '',
    "Flags: *hand-written*: its snapshot equals the previous one (drizzle-kit did not write it); *hand-edited*: data or function statements drizzle-kit never writes; *out of order*: its time is before the previous migration's; *no snapshot*.",
    '',
    ...inventory.targets.flatMap(historySection),
    '## 4. Diagrams',
    '',
    ...inventory.targets.flatMap((t) =>
      t.diagrams.flatMap((d) => [`### ${t.name}: ${d.title}`, '', '```mermaid', d.mermaid, '```', ''])
    ),
    '## 5. Init process',
    '',
    ...(inventory.initProcess.length
      ? [
          '| # | Script | Runs | Role | Target | What the check saw |',
          '|---|---|---|---|---|---|',
          ...inventory.initProcess.map(
            (s, i) =>
              `| ${i + 1} | ${code(s.script)} (${code(s.packageJson)}) | ${code(s.command)} | ${s.role} | ${s.target ?? ''} | ${cell(s.status)} |`
          ),
          ''
        ]
      : ['No package.json script touches the database.', '']),
    ...(inventory.live ? liveSection(inventory) : [])
  ]
  return out
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .replace(/\n*$/, '\n')
}

function liveSection(inventory: Inventory): string[] {
  const out = [
    '## 6. Live state',
    '',
    '| Target | Database | Applied | Pending | Skipped | Modified | Drift |',
    '|---|---|---|---|---|---|---|'
  ]
  for (const d of inventory.live ?? [])
    out.push(
      d.error
        ? `| ${d.target} | ${d.name} | ✖ ${cell(d.error)} | | | | |`
        : `| ${d.target} | ${d.name} | ${d.ledger?.applied ?? ''} | ${cell(d.ledger?.pending.join(', '))} | ${cell(d.ledger?.skipped.join(', '))} | ${cell(d.ledger?.modified.join(', '))} | ${d.findings.map((f) => `${f.kind} ×${f.count}`).join(', ')} |`
    )
  out.push('')
  return out
}
