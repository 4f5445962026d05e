// The third trial's false finding and wrong causes (docs/real-world.md §21, §22): drizzle-kit's own output, then the
// schema edited without generate, or migrations written as the real repositories wrote them.
import * as fs from 'node:fs'
import * as path from 'node:path'
import { runCheck } from '../src/engine/check'
import { Finding, Report } from '../src/engine/types'
import { PgliteProvider } from '../src/postgres/pglite'
import { PostgresProvider } from '../src/postgres/provider'
import { REPO, appendHandWrittenMigration, makeProject, tempDir } from './helpers/project'

const dirs: string[] = []
let provider: PostgresProvider
beforeAll(() => {
  provider = new PgliteProvider()
})
afterAll(async () => {
  await provider.dispose()
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true })
})

const summary = (report: Report): string[] => report.findings.map((f) => `${f.kind} ${f.table ?? ''} ${f.name ?? f.column ?? ''}: ${f.message} | ${f.cause ?? ''}`)

function find(report: Report, kind: Finding['kind'], match: Partial<Finding> = {}): Finding {
  const found = report.findings.find((f) => f.kind === kind && Object.entries(match).every(([k, v]) => (f as unknown as Record<string, unknown>)[k] === v))
  if (!found) throw new Error(`no ${kind} ${JSON.stringify(match)} in:\n${summary(report).join('\n')}`)
  return found
}

async function project(steps: string[], finalSchema?: string): Promise<string> {
  const dir = await makeProject({ steps, finalSchema })
  dirs.push(dir)
  return dir
}

describe('21: drizzle-kit 1.x snapshots and tables in a pgSchema', () => {
  test('a partial index on a table in a pgSchema, as 1.x generated it: no finding', async () => {
    const dir = tempDir('kit1-pgschema-')
    dirs.push(dir)
    fs.cpSync(path.join(REPO, '__fixtures__', 'kit1-pgschema-partial'), dir, { recursive: true })
    const report = await runCheck({ root: dir, provider })
    expect(summary(report)).toEqual([])
  })

  test('the same index with another where in the schema is still "changed"', async () => {
    const dir = tempDir('kit1-pgschema-')
    dirs.push(dir)
    fs.cpSync(path.join(REPO, '__fixtures__', 'kit1-pgschema-partial'), dir, { recursive: true })
    const schemaFile = path.join(dir, 'schema.ts')
    fs.writeFileSync(schemaFile, fs.readFileSync(schemaFile, 'utf8').replace('${t.done} = false', '${t.done} = true'))
    const report = await runCheck({ root: dir, provider })
    expect(find(report, 'snapshot_out_of_date').message).toMatch(/index items_open_idx on app\.items changed/)
  })
})
