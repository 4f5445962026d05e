// Cache damage (issue 11, point 13): the caches under RUNNER_TEMP (PGlite's data directory, the schema cache) only
// save time. Garbled bytes, a folder where a file should be, a file where the folder should be, an entry of the wrong
// shape or another key's entry swapped in: the damaged part is removed with a notice and the run goes on, with the
// same report as with no cache at all.
import * as fs from 'node:fs'
import * as path from 'node:path'
import * as v8 from 'node:v8'
import { Report } from '../src/core/findings'
import { executeRun } from '../src/run/run'
import { tempDir, writeJournalProject } from './helpers/project'

const CONFIG = "export default { dialect: 'postgresql', schema: './schema.ts', out: './drizzle' }\n"

function project(table: string): string {
  return writeJournalProject(tempDir('dg-safety-cache-'), CONFIG, {
    'schema.ts': `import { pgTable, integer, text } from 'drizzle-orm/pg-core'\nexport const t = pgTable('${table}', { id: integer('id'), note: text('note') })\n`,
    'drizzle/0000_init.sql': `CREATE TABLE "${table}" ("id" integer, "note" text);\n`
  })
}

let runnerTemp: string
let stderr: string
let write: typeof process.stderr.write
beforeEach(() => {
  runnerTemp = tempDir('dg-safety-runner-')
  process.env.RUNNER_TEMP = runnerTemp
  delete process.env.DRIFT_GUARD_NO_CACHE
  stderr = ''
  write = process.stderr.write
  process.stderr.write = ((chunk: string | Uint8Array) => {
    stderr += chunk.toString()
    return true
  }) as typeof process.stderr.write
})
afterEach(() => {
  process.stderr.write = write
  delete process.env.RUNNER_TEMP
})

async function check(root: string): Promise<Report> {
  const result = await executeRun({ mode: 'check', root, postgres: 'embedded', failOn: 'error', audit: {} })
  if (!('report' in result)) throw new Error(`${result.failure.outcome}: ${result.failure.message}`)
  return result.report
}

/** What must not change with the cache's state: the findings and the verdict. */
const verdict = (report: Report): unknown => ({ ok: report.ok, findings: report.findings, summary: report.summary })

/** An entry's key and tables (drizzle-kit gives each serialisation a new snapshot id). */
const entryOf = (text: string): unknown => {
  const entry = JSON.parse(text) as { key: string; snapshot: { tables: unknown } }
  return { key: entry.key, tables: entry.snapshot.tables }
}

const cacheFolder = (): string => path.join(runnerTemp, 'drizzle-drift-guard')
const schemaEntries = (): string[] =>
  fs
    .readdirSync(path.join(cacheFolder(), 'schemas'))
    .filter((f) => f.endsWith('.json'))
    .map((f) => path.join(cacheFolder(), 'schemas', f))
const dataDir = (): string => fs.readdirSync(cacheFolder()).find((f) => /^pglite-.*-datadir\.tar$/.test(f))!

describe('the schema cache', () => {
  test('two swapped entries are not trusted: dropped with a notice, the reports unchanged', async () => {
    const a = project('alpha')
    const b = project('beta')
    const first = [verdict(await check(a))]
    const [entryA] = schemaEntries()
    first.push(verdict(await check(b)))
    const entryB = schemaEntries().find((f) => f !== entryA)!
    const [textA, textB] = [fs.readFileSync(entryA, 'utf8'), fs.readFileSync(entryB, 'utf8')]
    fs.writeFileSync(entryA, textB)
    fs.writeFileSync(entryB, textA)
    expect([verdict(await check(a)), verdict(await check(b))]).toEqual(first)
    expect(stderr).toContain("holds another key's entry: removed, the schema is read again")
    // Written again, each under its own key.
    expect(entryOf(fs.readFileSync(entryA, 'utf8'))).toEqual(entryOf(textA))
    expect(entryOf(fs.readFileSync(entryB, 'utf8'))).toEqual(entryOf(textB))
  })

  test.each([
    ['an array', '[1, 2]', 'is not an entry'],
    ['garbled bytes', '{"key": "\u0000\u00ff', 'is not JSON'],
    ['a snapshot of the wrong shape', null, 'has no snapshot of the expected shape']
  ])('an entry that is %s is dropped with a notice, and written again', async (_, content, notice) => {
    const a = project('alpha')
    const first = verdict(await check(a))
    const [entry] = schemaEntries()
    const good = fs.readFileSync(entry, 'utf8')
    const key = path.basename(entry, '.json')
    fs.writeFileSync(entry, content ?? JSON.stringify({ key, snapshot: { tables: [] } }))
    expect(verdict(await check(a))).toEqual(first)
    expect(stderr).toContain(notice)
    expect(stderr).not.toMatch(/\n\s+at /) // no stack trace
    expect(entryOf(fs.readFileSync(entry, 'utf8'))).toEqual(entryOf(good))
  })

  test('a folder in place of an entry (EISDIR) is removed and the entry written again', async () => {
    const a = project('alpha')
    const first = verdict(await check(a))
    const [entry] = schemaEntries()
    fs.rmSync(entry)
    fs.mkdirSync(path.join(entry, 'inside'), { recursive: true })
    expect(verdict(await check(a))).toEqual(first)
    expect(stderr).toContain('is a folder: removed')
    expect(fs.statSync(entry).isFile()).toBe(true)
  })

  test('a file in place of the cache folder (ENOTDIR) is removed and the folder made again', async () => {
    const a = project('alpha')
    const first = verdict(await check(a))
    fs.rmSync(path.join(cacheFolder(), 'schemas'), { recursive: true })
    fs.writeFileSync(path.join(cacheFolder(), 'schemas'), 'not a folder')
    expect(verdict(await check(a))).toEqual(first)
    expect(stderr).toContain('was a file, not the cache folder: removed')
    expect(schemaEntries()).toHaveLength(1)
  })
})

describe("the schema cache's built databases (<key>.built)", () => {
  const builtEntries = (): string[] =>
    fs
      .readdirSync(path.join(cacheFolder(), 'schemas'))
      .filter((f) => f.endsWith('.built'))
      .map((f) => path.join(cacheFolder(), 'schemas', f))

  test('two swapped entries are not trusted: dropped with a notice, the reports unchanged', async () => {
    const a = project('alpha')
    const b = project('beta')
    const first = [verdict(await check(a))]
    const [builtA] = builtEntries()
    first.push(verdict(await check(b)))
    const builtB = builtEntries().find((f) => f !== builtA)!
    const [bytesA, bytesB] = [fs.readFileSync(builtA), fs.readFileSync(builtB)]
    fs.writeFileSync(builtA, bytesB)
    fs.writeFileSync(builtB, bytesA)
    // Trusted, each would compare the migrations with the other schema's database: a missing and an extra table.
    expect([verdict(await check(a)), verdict(await check(b))]).toEqual(first)
    expect(stderr).toContain("holds another key's entry: removed, the schema's database is built again")
    // Written again under its own key.
    expect(fs.readFileSync(builtA).equals(bytesA)).toBe(true)
  })

  test.each([
    ['garbled bytes', () => randomish(5_000), 'is not a serialised entry'],
    [
      'an entry without its key (an older tool)',
      () => v8.serialize({ model: {}, problems: [], unbuilt: [] }),
      'has no key'
    ],
    ['a folder', undefined, 'is a folder']
  ])('%s: removed with a notice, the schema built again, the report unchanged', async (_, bytes, notice) => {
    const a = project('alpha')
    const first = verdict(await check(a))
    const [built] = builtEntries()
    const good = fs.readFileSync(built)
    fs.rmSync(built)
    if (bytes) fs.writeFileSync(built, bytes())
    else fs.mkdirSync(path.join(built, 'inside'), { recursive: true })
    expect(verdict(await check(a))).toEqual(first)
    expect(stderr).toContain(`${notice}: removed, the schema's database is built again`)
    expect(stderr).not.toMatch(/\n\s+at /) // no stack trace
    expect(fs.readFileSync(built).equals(good)).toBe(true)
  })

  test('an entry of the right key but the wrong shape is dropped', async () => {
    const a = project('alpha')
    const first = verdict(await check(a))
    const [built] = builtEntries()
    const key = path.basename(built, '.built')
    fs.writeFileSync(built, v8.serialize({ key, model: { tables: [] }, problems: [], unbuilt: [] }))
    expect(verdict(await check(a))).toEqual(first)
    expect(stderr).toContain("has no model of the expected shape: removed, the schema's database is built again")
  })
})

describe("PGlite's cached data directory", () => {
  test.each([
    ['garbled bytes (zlib: incorrect header check)', (file: string) => fs.writeFileSync(file, randomish(100_000))],
    ['a folder in its place (EISDIR)', (file: string) => fs.mkdirSync(path.join(file, 'inside'), { recursive: true })]
  ])('%s: removed with a notice, the run completes and caches it again', async (_, damage) => {
    const a = project('alpha')
    const first = verdict(await check(a))
    const file = path.join(cacheFolder(), dataDir())
    fs.rmSync(file)
    damage(file)
    expect(verdict(await check(a))).toEqual(first)
    expect(stderr).toMatch(/the cached data directory \S+ (is damaged \(not a tar archive\)|is a folder): removed/)
    expect(fs.readFileSync(file).subarray(257, 262).toString()).toBe('ustar')
  })

  test('a file in place of the cache folder (ENOTDIR): removed, the run completes and caches again', async () => {
    const a = project('alpha')
    const first = verdict(await check(a))
    fs.rmSync(cacheFolder(), { recursive: true })
    fs.writeFileSync(cacheFolder(), 'not a folder')
    process.env.DRIFT_GUARD_NO_CACHE = '1' // only PGlite's cache, not the schema cache, heals it here
    expect(verdict(await check(a))).toEqual(first)
    expect(stderr).toContain('was a file, not the cache folder: removed')
    expect(dataDir()).toBeDefined()
  })
})

/** Noise, not a tar archive (PGlite failed on it outside any caller: "incorrect header check"). */
function randomish(length: number): Buffer {
  const bytes = Buffer.alloc(length)
  let x = 12345
  for (let i = 0; i < length; i++) bytes[i] = (x = (x * 1103515245 + 12345) & 0x7fffffff) >> 16
  return bytes
}
