// Findings as workflow annotations, on the line that declares (or created) the object. GitHub shows at most 10 per
// level per step: the most important come first (the report is sorted), the rest are counted in the summary.
import * as core from '@actions/core'
import * as path from 'node:path'
import { Finding, Report } from '../core/findings'
import { ANNOTATIONS_PER_LEVEL } from './constants'

export interface AnnotationResult {
  shown: number
  hidden: number
}

export function annotationTitle(f: Finding): string {
  const subject =
    f.table && f.column
      ? `${f.table}.${f.column}`
      : f.table && f.name
        ? `${f.table} ${f.name}`
        : (f.table ?? f.name ?? f.target)
  return `drift-guard ${f.kind}: ${subject}`
}

export function annotate(report: Report, workingDirectory: string, workspace: string): AnnotationResult {
  const counts: Record<Finding['severity'], number> = { error: 0, warning: 0, notice: 0 }
  let hidden = 0
  for (const f of report.findings) {
    if (counts[f.severity] >= ANNOTATIONS_PER_LEVEL) {
      hidden++
      continue
    }
    counts[f.severity]++
    const text = [
      f.message,
      f.databases?.length ? `Databases: ${f.databases.join(', ')}.` : '',
      f.cause ? `Cause: ${f.cause}` : '',
      f.fix ? `Fix:\n${f.fix}` : ''
    ]
      .filter(Boolean)
      .join('\n')
    const properties: core.AnnotationProperties = { title: annotationTitle(f) }
    if (f.file) {
      properties.file = path.relative(workspace, path.resolve(workingDirectory, f.file)).split(path.sep).join('/')
      if (f.line) properties.startLine = f.line
    }
    if (f.severity === 'error') core.error(text, properties)
    else if (f.severity === 'warning') core.warning(text, properties)
    else core.notice(text, properties)
  }
  return { shown: counts.error + counts.warning + counts.notice, hidden }
}
