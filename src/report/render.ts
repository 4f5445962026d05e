// Renderers of the report: text (terminal), markdown (job summary and PR comment: one renderer for both), JSON.
import { Finding, Report } from '../core/findings'

const ICON: Record<Finding['severity'], string> = { error: '✖', warning: '⚠', notice: 'ℹ' }

export function renderJson(report: Report): string {
  return JSON.stringify(report, null, 2) + '\n'
}

/**
 * "this pull request introduces 1, fixes 2, 5 were already there" (with a base commit), and the findings the baseline
 * accepts, which count in none of these (they fail nothing) but are not nothing either.
 */
export function deltaLine(report: Report & { base: NonNullable<Report['base']> }): string {
  const { base } = report
  const accepted = report.findings.filter((f) => f.accepted).length
  return `this pull request introduces ${base.introduced}, fixes ${base.fixed}, ${base.existing} ${base.existing === 1 ? 'was' : 'were'} already there${accepted ? ` (and ${accepted} accepted in the baseline)` : ''}${base.newOnly ? ' (only new findings fail the check)' : ''}`
}

/** Findings listed in the main list: not those the baseline accepted, which have their own collapsed section. */
const listed = (f: Finding): boolean => !f.accepted

function acceptedLine(f: Finding): string {
  const a = f.accepted!
  return `${a.reason} (accepted ${a.since}${a.expires ? `, until ${a.expires}` : ''})`
}

export function verdict(report: Report): string {
  const accepted = report.findings.filter((f) => f.accepted).length
  return accepted
    ? `${verdictOfFailing(report)} ${accepted} finding(s) accepted in the baseline.`
    : verdictOfFailing(report)
}

function verdictOfFailing(report: Report): string {
  const { errors, warnings } = report.summary
  const newErrors = report.findings.filter((f) => f.severity === 'error' && f.new !== false).length
  if (report.base?.newOnly && newErrors === 0 && errors > 0)
    return `No new drift errors; ${errors} error(s) already on the base ${report.base.ref} do not fail the check.`
  const dbCount = report.targets.reduce((n, t) => n + t.databases.length, 0)
  if (errors === 0 && warnings === 0) {
    return report.findings.some((f) => f.accepted)
      ? `No drift beyond the accepted: the migrations of ${report.targets.length} target(s) build what the schema declares but for what the baseline accepts (${dbCount} database(s) checked).`
      : `No drift: the migrations of ${report.targets.length} target(s) build exactly what the schema declares (${dbCount} database(s) checked).`
  }
  const parts = [errors ? `${errors} error(s)` : '', warnings ? `${warnings} warning(s)` : '']
    .filter(Boolean)
    .join(', ')
  const fresh = report.base && errors ? ` (${newErrors} new)` : ''
  return errors ? `Drift found: ${parts}${fresh}.` : `No drift errors; ${parts}.`
}

/** A few database names, then how many: a fleet of thousands stays readable. */
export function databaseList(names: string[], max = 5): string {
  return names.length <= max
    ? names.join(', ')
    : `${names.slice(0, max).join(', ')} and ${names.length - max} more (${names.length} databases)`
}

/** A discovered target whose config could not be resolved: no migrations folder, no database (its finding says why). */
function notChecked(report: Report, target: Report['targets'][number]): boolean {
  return report.mode !== 'audit' && !target.migrations && target.databases.length === 0
}

/** "not checked: its drizzle config cannot be resolved (see the finding below)": the target's own note, said once. */
function notCheckedLine(target: Report['targets'][number]): string {
  return `${target.notes.find((n) => n.startsWith('not checked')) ?? 'not checked'} (see the finding below)`
}

/** The notes not already said by the target's line. */
function otherNotes(report: Report, target: Report['targets'][number]): string[] {
  return notChecked(report, target) ? target.notes.filter((n) => !n.startsWith('not checked')) : target.notes
}

/** One line per target: what was checked (from clean) or audited (live). */
function targetLine(report: Report, target: Report['targets'][number]): string {
  if (notChecked(report, target)) return `${target.name}: ${notCheckedLine(target)}`
  if (report.mode === 'audit') {
    const unreachable = target.databases.filter((d) => d.error).length
    const pending = target.databases.filter((d) => d.ledger && d.ledger.pending.length > 0).length
    return `${target.name}: ${target.databases.length} live database(s) audited against ${target.migrations}${unreachable ? `, ${unreachable} unreachable` : ''}${pending ? `, ${pending} with pending migrations` : ''}`
  }
  const dbs = target.databases.map(
    (d) =>
      `${d.name} (${d.migrations.filter((m) => m.ok).length}/${d.migrations.length} migrations${d.compared ? '' : ', not compared'})`
  )
  return `${target.name}: ${target.migrations} -> ${dbs.join(', ') || 'no database'}${target.drizzle?.generation === '1.x' ? ` [drizzle 1.x: ${target.drizzle.why}]` : ''}`
}

function where(f: Finding): string {
  return f.file ? `${f.file}${f.line ? `:${f.line}` : ''}` : ''
}

function subject(f: Finding): string {
  if (f.table && f.column) return `${f.table}.${f.column}`
  if (f.table && f.name) return `${f.table} ${f.name}`
  return f.table ?? f.name ?? ''
}

/**
 * Which of a finding's changes (snapshot_out_of_date) this change adds, or no entry of the baseline accepts, when
 * only some are: the table shows the cause, not the message that says it.
 */
function changeNotes(report: Report, f: Finding): string {
  const changes = f.changes ?? []
  const notes: string[] = []
  const fresh = changes.filter((c) => c.new)
  if (report.base && fresh.length && fresh.length < changes.length)
    notes.push(`\nnew in this change: ${fresh.map((c) => c.description).join('; ')}`)
  const unaccepted = changes.filter((c) => c.accepted === false)
  if (unaccepted.length && unaccepted.length < changes.length)
    notes.push(`\nnot accepted in the baseline: ${unaccepted.map((c) => c.description).join('; ')}`)
  return notes.join('')
}

export function renderText(report: Report): string {
  const lines: string[] = []
  if (report.base) lines.push(deltaLine({ ...report, base: report.base }))
  for (const note of report.notes) lines.push(`note: ${note}`)
  const isNew = (f: Finding): string => (report.base && f.new ? 'new ' : '')
  for (const target of report.targets) {
    const all = report.findings.filter((f) => f.target === target.name)
    const findings = all.filter(listed)
    const accepted = all.filter((f) => f.accepted)
    lines.push('')
    lines.push(targetLine(report, target))
    for (const note of otherNotes(report, target)) lines.push(`  note: ${note}`)
    if (accepted.length) {
      lines.push(`  accepted in the baseline (${accepted.length}):`)
      for (const f of accepted)
        lines.push(`    ${ICON[f.severity]} ${f.kind}${subject(f) ? ` ${subject(f)}` : ''}: ${acceptedLine(f)}`)
    }
    if (findings.length === 0) {
      lines.push(
        `  ✔ no ${accepted.length ? 'other ' : ''}drift (${target.declared.tables} tables, ${target.declared.columns} columns, ${target.declared.enums} enums, ${target.declared.indexes} indexes)`
      )
      continue
    }
    for (const f of findings) {
      const loc = where(f)
      lines.push(
        `  ${ICON[f.severity]} ${isNew(f)}${f.kind}${subject(f) ? ` ${subject(f)}` : ''}${loc ? `  ${loc}` : ''}`
      )
      lines.push(`      ${f.message}`)
      if (f.databases && f.databases.length) lines.push(`      databases: ${databaseList(f.databases)}`)
      if (f.cause) lines.push(`      cause: ${f.cause}`)
      if (f.fix) lines.push(...f.fix.split('\n').map((l, i) => `      ${i === 0 ? 'fix:   ' : '       '}${l}`))
      if (f.output) lines.push(...f.output.split('\n').map((l, i) => `      ${i === 0 ? 'output:' : '       '} ${l}`))
    }
  }
  const cross = report.findings.filter((f) => !report.targets.some((t) => t.name === f.target))
  if (cross.length) {
    lines.push('')
    lines.push('across targets:')
    for (const f of cross) {
      lines.push(`  ${ICON[f.severity]} ${f.kind} ${where(f)}`)
      lines.push(`      ${f.message}`)
      if (f.cause) lines.push(`      cause: ${f.cause}`)
      if (f.fix) lines.push(`      fix:    ${f.fix}`)
    }
  }
  if (report.fixed?.length) {
    lines.push('')
    lines.push(`fixed since ${report.base?.ref ?? 'the base'} (${report.fixed.length}):`)
    for (const f of report.fixed)
      lines.push(`  ✔ ${f.kind}${subject(f) ? ` ${subject(f)}` : ''} (${f.target}): ${f.message}`)
  }
  lines.push('')
  lines.push(verdict(report))
  return lines.join('\n') + '\n'
}

const escapeCell = (text: string): string => text.replace(/\|/g, '\\|').replace(/\n/g, '<br>')

export interface MarkdownOptions {
  /** Link files to this base URL (e.g. https://github.com/o/r/blob/<sha>/). */
  fileUrl?: string
  /** Cut the findings table after this many characters (PR comments are limited to 65,536). */
  maxLength?: number
  /** Where the full report is (for the truncation note). */
  fullReportHint?: string
  /** Add the migrations applied to each database (job summary). */
  details?: boolean
}

export function renderMarkdown(report: Report, options: MarkdownOptions = {}): string {
  const head: string[] = []
  const { errors, warnings } = report.summary
  head.push(`### ${errors ? '❌' : warnings ? '⚠️' : '✅'} drizzle-drift-guard: ${verdict(report)}`)
  head.push('')
  if (report.base) head.push(`**${deltaLine({ ...report, base: report.base })}**`, '')
  for (const note of report.notes) head.push(`> ${note}`)
  const body: string[] = []
  const link = (f: Finding): string => {
    const loc = where(f)
    if (!loc) return ''
    return options.fileUrl && f.file
      ? `[${loc}](${options.fileUrl}${f.file}${f.line ? `#L${f.line}` : ''})`
      : `\`${loc}\``
  }
  for (const target of report.targets) {
    const all = report.findings.filter((f) => f.target === target.name)
    const findings = all.filter(listed)
    const accepted = all.filter((f) => f.accepted)
    body.push(
      `#### ${findings.some((f) => f.severity === 'error') ? '❌' : findings.length ? '⚠️' : '✅'} ${target.name}`
    )
    body.push('')
    body.push(
      notChecked(report, target)
        ? `${target.drizzleConfig ? `\`${target.drizzleConfig}\`: ` : ''}${notCheckedLine(target)}.`
        : report.mode === 'audit'
          ? `${targetLine(report, target).replace(`${target.name}: `, '')}; schema: ${target.declared.tables} tables, ${target.declared.columns} columns.`
          : `Migrations \`${target.migrations}\` applied to ${target.databases.map((d) => `\`${d.name}\` (${d.migrations.filter((m) => m.ok).length}/${d.migrations.length}${d.compared ? '' : ', failed'})`).join(', ') || 'no database'}; schema: ${target.declared.tables} tables, ${target.declared.columns} columns.`
    )
    body.push('')
    for (const note of otherNotes(report, target)) body.push(`> ${escapeCell(note)}`, '')
    if (options.details && report.mode !== 'audit') {
      for (const db of target.databases) {
        body.push(
          `<details><summary>Migrations applied to <code>${db.name}</code>: ${db.migrations.filter((m) => m.ok).length} of ${db.migrations.length}</summary>`
        )
        body.push('')
        for (const m of db.migrations) body.push(`- ${m.ok ? '✔' : '✖'} \`${m.file}\` (${m.statements} statement(s))`)
        body.push('')
        body.push('</details>')
        body.push('')
      }
    }
    if (accepted.length) {
      body.push(`<details><summary>Accepted in the baseline: ${accepted.length} finding(s)</summary>`, '')
      body.push('| Kind | Object | Reason | Accepted | Until |', '|---|---|---|---|---|')
      for (const f of accepted)
        body.push(
          `| \`${f.kind}\` | ${escapeCell(subject(f) || f.message)} | ${escapeCell(f.accepted!.reason)} | ${f.accepted!.since} | ${f.accepted!.expires ?? ''} |`
        )
      body.push('', '</details>', '')
    }
    if (findings.length === 0) {
      body.push(accepted.length ? 'No other drift.' : 'No drift.')
      body.push('')
      continue
    }
    body.push('| | Kind | Object | Where | Cause | Fix |')
    body.push('|---|---|---|---|---|---|')
    for (const f of findings) {
      const fix = f.fix ? `<code>${escapeCell(f.fix).replace(/`/g, "'")}</code>` : ''
      const dbs =
        f.databases && f.databases.length < target.databases.length
          ? ` (${databaseList(f.databases)})`
          : f.databases && f.databases.length > 1
            ? ` (all ${f.databases.length} databases)`
            : ''
      body.push(
        `| ${ICON[f.severity]}${report.base && f.new ? ' new' : ''} | \`${f.kind}\` | ${escapeCell(subject(f) || f.message)}${dbs} | ${link(f)} | ${escapeCell(f.kind === 'run_failed' ? `${f.message}: ${f.cause}` : (f.cause ?? f.message))}${escapeCell(changeNotes(report, f))}${f.output ? `<br><code>${escapeCell(f.output).replace(/`/g, "'")}</code>` : ''} | ${fix} |`
      )
    }
    body.push('')
  }
  const cross = report.findings.filter((f) => !report.targets.some((t) => t.name === f.target))
  if (cross.length) {
    body.push('#### Across targets')
    body.push('')
    for (const f of cross)
      body.push(
        `- ${ICON[f.severity]} \`${f.kind}\` ${escapeCell(f.message)}${f.cause ? ` — ${escapeCell(f.cause)}` : ''}`
      )
    body.push('')
  }
  if (report.fixed?.length) {
    body.push(`<details><summary>Fixed by this change: ${report.fixed.length} finding(s) of the base</summary>`, '')
    for (const f of report.fixed)
      body.push(`- ✔ \`${f.kind}\` ${escapeCell(subject(f) || f.message)} (${f.target}): ${escapeCell(f.message)}`)
    body.push('', '</details>', '')
  }
  let text = [...head, '', ...body].join('\n')
  if (options.maxLength && text.length > options.maxLength) {
    const note = `\n\n…truncated: ${report.findings.length} findings in all. ${options.fullReportHint ?? 'See the job summary for the full report.'}\n`
    text = text.slice(0, options.maxLength - note.length)
    text = text.slice(0, text.lastIndexOf('\n')) + note
  }
  return text
}
