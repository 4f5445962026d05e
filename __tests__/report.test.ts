// Renderers: one markdown for the job summary and the PR comment (kept under GitHub's limit), text, SARIF.
import { Finding, Report } from '../src/core/findings'
import { renderMarkdown, renderText, verdict } from '../src/report/render'
import { renderSarif } from '../src/report/sarif'
import { COMMENT_MAX_LENGTH } from '../src/action/constants'

function report(findings: Finding[]): Report {
  const errors = findings.filter((f) => f.severity === 'error').length
  const warnings = findings.filter((f) => f.severity === 'warning').length
  return {
    version: 1,
    ok: errors === 0,
    tool: { name: 'drizzle-drift-guard', version: '0.1.0' },
    root: '/repo',
    postgres: { provider: 'embedded (PGlite 0.5.14)' },
    targets: [
      {
        name: 'tenant',
        schema: ['src/tenant.ts'],
        migrations: 'drizzle/tenant',
        migrationsFormat: 'journal',
        migrationsTable: 'drizzle.__drizzle_migrations',
        databases: [
          {
            name: 'tenant_1',
            migrations: [{ tag: '0000_a', file: 'drizzle/tenant/0000_a.sql', statements: 2, ok: true }],
            compared: true
          },
          {
            name: 'tenant_2',
            migrations: [{ tag: '0000_a', file: 'drizzle/tenant/0000_a.sql', statements: 2, ok: true }],
            compared: true
          }
        ],
        declared: { tables: 3, columns: 12, enums: 1, indexes: 2 },
        notes: []
      }
    ],
    findings,
    summary: { errors, warnings, notices: 0 },
    notes: []
  }
}

const missing = (i: number): Finding => ({
  kind: 'missing_column',
  severity: 'error',
  target: 'tenant',
  databases: ['tenant_1'],
  schema: 'public',
  table: 'invoices',
  column: `col_${i}`,
  file: 'src/tenant.ts',
  line: 10 + i,
  message: `column invoices.col_${i} does not exist`,
  cause: 'declared at src/tenant.ts, added after the last snapshot | with a pipe',
  fix: `ALTER TABLE "invoices" ADD COLUMN "col_${i}" text;`
})

test('markdown: verdict, per-target table with links, databases named when not all have the finding', () => {
  const md = renderMarkdown(report([missing(1)]), { fileUrl: 'https://github.com/acme/saas/blob/abc/', details: true })
  expect(md.split('\n')[0]).toBe('### ❌ drizzle-drift-guard: Drift found: 1 error(s).')
  expect(md).toContain(
    '| ✖ | `missing_column` | invoices.col_1 (tenant_1) | [src/tenant.ts:11](https://github.com/acme/saas/blob/abc/src/tenant.ts#L11) |'
  )
  expect(md).toContain('added after the last snapshot \\| with a pipe')
  expect(md).toContain('<details><summary>Migrations applied to <code>tenant_2</code>: 1 of 1</summary>')
})

test('the PR comment stays under 65,536 characters and says where the rest is', () => {
  const many = Array.from({ length: 2000 }, (_, i) => missing(i))
  const md = renderMarkdown(report(many), {
    maxLength: COMMENT_MAX_LENGTH,
    fullReportHint: 'See the job summary of run 42.'
  })
  expect(md.length).toBeLessThanOrEqual(COMMENT_MAX_LENGTH)
  expect(md).toMatch(/…truncated: 2000 findings in all\. See the job summary of run 42\.\n$/)
  expect(renderMarkdown(report(many)).length).toBeGreaterThan(COMMENT_MAX_LENGTH)
})

test('text: a "no drift" target still says what was checked', () => {
  const text = renderText(report([]))
  expect(text).toContain('tenant: drizzle/tenant -> tenant_1 (1/1 migrations), tenant_2 (1/1 migrations)')
  expect(text).toContain('✔ no drift (3 tables, 12 columns, 1 enums, 2 indexes)')
  expect(verdict(report([]))).toMatch(
    /^No drift: the migrations of 1 target\(s\) build exactly what the schema declares \(2 database\(s\) checked\)\.$/
  )
})

test('SARIF 2.1.0: one rule per kind, results located in the repository', () => {
  const sarif = JSON.parse(renderSarif(report([missing(1), { ...missing(2), severity: 'warning' }]), 'apps/api'))
  expect(sarif.version).toBe('2.1.0')
  expect(sarif.runs[0].tool.driver.rules.map((r: { id: string }) => r.id)).toEqual(['missing_column'])
  expect(sarif.runs[0].results.map((r: { level: string }) => r.level)).toEqual(['error', 'warning'])
  expect(sarif.runs[0].results[0].locations[0].physicalLocation).toEqual({
    artifactLocation: { uri: 'apps/api/src/tenant.ts' },
    region: { startLine: 11 }
  })
})

test('annotations: at most 10 per level (GitHub shows no more), errors first, paths relative to the workspace', () => {
  const { annotate } = require('../src/action/annotations') as typeof import('../src/action/annotations')
  const lines: string[] = []
  const write = process.stdout.write
  process.stdout.write = ((chunk: string) => {
    lines.push(String(chunk))
    return true
  }) as typeof process.stdout.write
  let result
  try {
    const findings = [
      ...Array.from({ length: 14 }, (_, i) => missing(i)),
      ...Array.from({ length: 3 }, (_, i) => ({ ...missing(100 + i), severity: 'warning' as const }))
    ]
    result = annotate(report(findings), '/work/repo/apps/api', '/work/repo')
  } finally {
    process.stdout.write = write
  }
  expect(result).toEqual({ shown: 13, hidden: 4 })
  const errors = lines.filter((l) => l.startsWith('::error '))
  expect(errors).toHaveLength(10)
  expect(errors[0]).toMatch(
    /^::error title=drift-guard missing_column%3A invoices\.col_0,file=apps\/api\/src\/tenant\.ts,line=10::column invoices\.col_0 does not exist/
  )
  expect(lines.filter((l) => l.startsWith('::warning '))).toHaveLength(3)
})
