// The output of `drift-guard fix`: text for people (the files, the SQL, what was left undone and why), markdown for
// a job summary or a comment (the SQL collapsed), JSON for machines (version 1).
import { LiveDatabaseRepair, RepairResult, TargetRepair } from './types'

export type RepairFormat = 'text' | 'json' | 'markdown'

export function renderRepair(result: RepairResult, format: RepairFormat): string {
  if (format === 'json') return renderRepairJson(result)
  if (format === 'markdown') return renderRepairMarkdown(result)
  return renderRepairText(result)
}

export function renderRepairJson(result: RepairResult): string {
  const targets = result.targets.map((t) => ({
    target: t.target,
    ...(t.tag ? { tag: t.tag } : {}),
    files: t.files,
    statements: t.statements.map((s) => ({ sql: s.sql, hazards: s.hazards, finding: s.finding })),
    skipped: t.skipped,
    declarations: t.declarations,
    notes: t.notes,
    ...(t.databases ? { databases: t.databases } : {})
  }))
  return JSON.stringify({ version: 1, ok: result.ok, dryRun: result.dryRun, targets }, null, 2) + '\n'
}

function written(t: TargetRepair, dryRun: boolean): string {
  return t.files.length === 0 ? 'nothing written' : `${dryRun ? 'would write' : 'wrote'} ${t.files.join(', ')}`
}

const iso = (ms: number): string => (Number.isFinite(ms) ? new Date(ms).toISOString() : String(ms))

/** One live database in words: its migrations table, how it differs from the clean state, what the migration does. */
function liveDatabaseLines(d: LiveDatabaseRepair): { head: string; details: string[] } {
  const recorded =
    d.recorded === 0
      ? 'no migration recorded'
      : `${d.recorded} migration(s) recorded, the newest created_at ${iso(d.newestCreatedAt!)}`
  const head = `${d.database}: ${d.clean ? 'as the migrations build it' : 'differs from what the migrations build'}; ${recorded}${d.applies === undefined ? '' : d.applies ? "; drizzle's migrator applies the new migration here" : "; drizzle's migrator would NOT apply the new migration here"}`
  const details = [
    ...d.differs,
    ...d.effects.map((e) => `${e.effect === 'fails' ? 'FAILS' : 'no-op'}: ${e.finding}: ${e.reason}`),
    ...(d.remaining.length > 0 ? [`still differs from the schema after it: ${d.remaining.join(', ')}`] : []),
    ...d.notes
  ]
  return { head, details }
}

export function renderRepairText(result: RepairResult): string {
  const lines: string[] = []
  for (const t of result.targets) {
    lines.push(`${t.target}: ${written(t, result.dryRun)}`)
    if (t.sql && t.statements.length > 0) lines.push('', ...t.sql.split('\n').map((l) => `    ${l}`), '')
    for (const n of t.notes) lines.push(`  note: ${n}`)
    if (t.databases) {
      lines.push(`  live databases (read, never written): ${t.databases.length}`)
      for (const d of t.databases) {
        const { head, details } = liveDatabaseLines(d)
        lines.push(`    ${d.clean && details.length === 0 ? '✔' : '!'} ${head}`, ...details.map((x) => `        ${x}`))
      }
    }
    for (const s of t.skipped) lines.push(`  ✖ left undone: ${s.finding}`, `      ${s.reason}`)
    for (const d of t.declarations)
      lines.push(`  or declare it (${d.finding})${d.at ? ` at ${d.at}` : ''}:`, `      ${d.code}`)
    lines.push('')
  }
  const undone = result.targets.reduce((n, t) => n + t.skipped.length, 0)
  lines.push(
    undone === 0
      ? result.dryRun
        ? 'Dry run: nothing written.'
        : 'Done: run drift-guard check to confirm, then commit the new files.'
      : `${undone} finding(s) left undone (see above).${result.dryRun ? ' Dry run: nothing written.' : ''}`
  )
  return lines.join('\n') + '\n'
}

export function renderRepairMarkdown(result: RepairResult): string {
  const lines: string[] = ['## drift-guard fix', '']
  for (const t of result.targets) {
    lines.push(`### ${t.target}: ${written(t, result.dryRun)}`, '')
    if (t.sql && t.statements.length > 0)
      lines.push(
        `<details><summary>${t.tag ?? 'migration'}: ${t.statements.length} statement(s)</summary>`,
        '',
        '```sql',
        t.sql,
        '```',
        '',
        '</details>',
        ''
      )
    for (const d of t.databases ?? []) {
      const { head, details } = liveDatabaseLines(d)
      lines.push(`- live \`${head}\``, ...details.map((x) => `  - ${x}`))
    }
    for (const s of t.skipped) lines.push(`- **left undone** \`${s.finding}\`: ${s.reason}`)
    for (const d of t.declarations)
      lines.push(`- or declare \`${d.finding}\`${d.at ? ` at ${d.at}` : ''}: \`${d.code}\``)
    lines.push('')
  }
  return lines.join('\n')
}
