// The output of `drift-guard fix`: text for people (the files, the SQL, what was left undone and why), markdown for
// a job summary or a comment (the SQL collapsed), JSON for machines (version 1).
import { RepairResult, TargetRepair } from './types'

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
    notes: t.notes
  }))
  return JSON.stringify({ version: 1, ok: result.ok, dryRun: result.dryRun, targets }, null, 2) + '\n'
}

function written(t: TargetRepair, dryRun: boolean): string {
  return t.files.length === 0 ? 'nothing written' : `${dryRun ? 'would write' : 'wrote'} ${t.files.join(', ')}`
}

export function renderRepairText(result: RepairResult): string {
  const lines: string[] = []
  for (const t of result.targets) {
    lines.push(`${t.target}: ${written(t, result.dryRun)}`)
    if (t.sql && t.statements.length > 0) lines.push('', ...t.sql.split('\n').map((l) => `    ${l}`), '')
    for (const n of t.notes) lines.push(`  note: ${n}`)
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
    for (const s of t.skipped) lines.push(`- **left undone** \`${s.finding}\`: ${s.reason}`)
    for (const d of t.declarations)
      lines.push(`- or declare \`${d.finding}\`${d.at ? ` at ${d.at}` : ''}: \`${d.code}\``)
    lines.push('')
  }
  return lines.join('\n')
}
