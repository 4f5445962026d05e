// SARIF 2.1.0, for GitHub code scanning (github/codeql-action/upload-sarif).
import * as path from 'node:path'
import { Report } from '../core/findings'

export function renderSarif(report: Report, pathPrefix = ''): string {
  const kinds = [...new Set(report.findings.map((f) => f.kind))].sort()
  const level = { error: 'error', warning: 'warning', notice: 'note' } as const
  const sarif = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'drizzle-drift-guard',
            version: report.tool.version,
            informationUri: 'https://github.com/drizzle-drift-guard/drizzle-drift-guard',
            rules: kinds.map((kind) => ({ id: kind, name: kind, shortDescription: { text: kind.replace(/_/g, ' ') } }))
          }
        },
        results: report.findings.map((f) => ({
          ruleId: f.kind,
          level: level[f.severity],
          message: {
            text: [f.message, f.cause ? `Cause: ${f.cause}` : '', f.fix ? `Fix: ${f.fix}` : '']
              .filter(Boolean)
              .join('\n')
          },
          ...(f.file
            ? {
                locations: [
                  {
                    physicalLocation: {
                      artifactLocation: { uri: path.posix.join(pathPrefix, f.file.split(path.sep).join('/')) },
                      ...(f.line ? { region: { startLine: f.line } } : {})
                    }
                  }
                ]
              }
            : {}),
          partialFingerprints: {
            driftGuard: [f.target, f.kind, f.schema, f.table, f.column, f.name].filter(Boolean).join('/')
          }
        }))
      }
    ]
  }
  return JSON.stringify(sarif, null, 2) + '\n'
}
