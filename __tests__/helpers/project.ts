// Builds throwaway Drizzle projects for tests: each step's schema is serialised and diffed by drizzle-kit's own API
// (the code `drizzle-kit generate` runs), and written in drizzle-kit's 0.x folder layout. Tests then edit files to
// plant the faults real projects have.
import * as fs from 'node:fs'
import * as path from 'node:path'
import { randomUUID } from 'node:crypto'
import { ModuleLoader } from '../../src/config/module-loader'
import { PgSnapshot, emptySnapshot, generateSql, serializeSchema } from '../../src/schema/drizzle-kit'
import { Finding, Report } from '../../src/core/findings'

export const REPO = path.resolve(__dirname, '..', '..')

export interface ProjectSpec {
  /** Schema source of each generated migration, in order. */
  steps: string[]
  /** Schema source left in schema.ts at the end (default: the last step). */
  finalSchema?: string
  casing?: 'snake_case' | 'camelCase'
  /** Extra files, path -> content. */
  files?: Record<string, string>
  /** Name of the folder under the temp dir. */
  name?: string
  config?: string
}

const toRemove = new Set<string>()

/** Removes a folder (and what is in it) when the test file ends. Jest gives each test file its own copy of this module. */
export function removeAfterAll(dir: string): void {
  toRemove.add(dir)
}

if (typeof afterAll === 'function') {
  afterAll(() => {
    for (const dir of toRemove) fs.rmSync(dir, { recursive: true, force: true })
    toRemove.clear()
  })
}

/** A new empty folder under .tmp/, removed when the test file ends. */
export function tempDir(prefix = 'dg-test-'): string {
  const base = path.join(REPO, '.tmp')
  fs.mkdirSync(base, { recursive: true })
  // Inside the repository, so `drizzle-orm` resolves from its node_modules like a real project's would.
  const dir = fs.mkdtempSync(path.join(base, prefix))
  removeAfterAll(dir)
  return dir
}

export async function makeProject(spec: ProjectSpec): Promise<string> {
  const dir = tempDir(spec.name ? `${spec.name}-` : undefined)
  fs.mkdirSync(path.join(dir, 'src'), { recursive: true })
  fs.writeFileSync(
    path.join(dir, 'drizzle.config.ts'),
    spec.config ??
      `import { defineConfig } from "drizzle-kit";\nexport default defineConfig({ dialect: "postgresql", schema: "./src/schema.ts", out: "./drizzle"${spec.casing ? `, casing: "${spec.casing}"` : ''} });\n`
  )
  await writeMigrations(dir, 'drizzle', spec.steps, spec.casing)
  fs.writeFileSync(path.join(dir, 'src', 'schema.ts'), spec.finalSchema ?? spec.steps[spec.steps.length - 1])
  for (const [file, content] of Object.entries(spec.files ?? {})) {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true })
    fs.writeFileSync(path.join(dir, file), content)
  }
  return dir
}

/** Generates one migration per schema step into `out` (relative to dir), as drizzle-kit generate would. */
export async function writeMigrations(
  dir: string,
  out: string,
  steps: string[],
  casing?: string,
  schemaFile = 'src/.step-schema.ts'
): Promise<void> {
  const folder = path.join(dir, out)
  fs.mkdirSync(path.join(folder, 'meta'), { recursive: true })
  let previous: PgSnapshot = emptySnapshot()
  const entries: unknown[] = []
  const start = Date.UTC(2025, 0, 1)
  for (const [idx, source] of steps.entries()) {
    const file = path.join(dir, schemaFile.replace('.ts', `-${idx}.ts`))
    fs.mkdirSync(path.dirname(file), { recursive: true })
    fs.writeFileSync(file, source)
    const exports = new ModuleLoader({ root: dir }).load(file)
    fs.rmSync(file)
    const current = {
      ...serializeSchema(exports, casing),
      id: randomUUID(),
      prevId: idx === 0 ? '00000000-0000-0000-0000-000000000000' : previous.id
    }
    const statements = await generateSql(previous, current)
    const tag = `${String(idx).padStart(4, '0')}_step_${idx}`
    fs.writeFileSync(path.join(folder, `${tag}.sql`), statements.join('\n--> statement-breakpoint\n'))
    fs.writeFileSync(
      path.join(folder, 'meta', `${String(idx).padStart(4, '0')}_snapshot.json`),
      JSON.stringify(current, null, 2)
    )
    entries.push({ idx, version: '7', when: start + idx * 86_400_000, tag, breakpoints: true })
    previous = current
  }
  fs.writeFileSync(
    path.join(folder, 'meta', '_journal.json'),
    JSON.stringify({ version: '7', dialect: 'postgresql', entries }, null, 2)
  )
}

/** Appends a hand-written migration to a 0.x folder (SQL + journal entry; no snapshot, as people do). */
export function appendHandWrittenMigration(
  dir: string,
  out: string,
  tag: string,
  sql: string,
  options: { when?: number; copySnapshot?: boolean } = {}
): void {
  const folder = path.join(dir, out)
  const journalFile = path.join(folder, 'meta', '_journal.json')
  const journal = JSON.parse(fs.readFileSync(journalFile, 'utf8'))
  const last = journal.entries[journal.entries.length - 1]
  const idx = journal.entries.length
  journal.entries.push({ idx, version: '7', when: options.when ?? last.when + 3_600_000, tag, breakpoints: true })
  fs.writeFileSync(journalFile, JSON.stringify(journal, null, 2))
  fs.writeFileSync(path.join(folder, `${tag}.sql`), sql)
  if (options.copySnapshot) {
    const prev = JSON.parse(
      fs.readFileSync(path.join(folder, 'meta', `${String(idx - 1).padStart(4, '0')}_snapshot.json`), 'utf8')
    )
    fs.writeFileSync(
      path.join(folder, 'meta', `${String(idx).padStart(4, '0')}_snapshot.json`),
      JSON.stringify({ ...prev, id: randomUUID(), prevId: prev.id }, null, 2)
    )
  }
}

/** Writes files (path relative to `dir` → content), creating their folders. */
export function writeFiles(dir: string, files: Record<string, string>): void {
  for (const [file, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true })
    fs.writeFileSync(path.join(dir, file), content)
  }
}

/**
 * A project written file by file into `dir`, as the reproductions of docs/real-world.md are: a package.json, the
 * drizzle config and a 0.x journal whose entries are the tags given, a second apart, in that order.
 */
export function writeJournalProject(
  dir: string,
  config: string,
  files: Record<string, string>,
  tags: string[] = ['0000_init']
): string {
  const entries = tags.map((tag, idx) => ({
    idx,
    version: '7',
    when: 1700000000000 + idx * 1000,
    tag,
    breakpoints: true
  }))
  writeFiles(dir, {
    'package.json': '{ "private": true }\n',
    'drizzle.config.ts': config,
    'drizzle/meta/_journal.json': JSON.stringify({ version: '7', dialect: 'postgresql', entries }, null, 2),
    ...files
  })
  return dir
}

/** The finding of that kind whose fields equal `match`; throws listing every finding when there is none. */
export function findFinding(report: Report, kind: Finding['kind'], match: Partial<Finding> = {}): Finding {
  const found = report.findings.find(
    (f) =>
      f.kind === kind && Object.entries(match).every(([k, v]) => (f as unknown as Record<string, unknown>)[k] === v)
  )
  if (!found) {
    const listed = report.findings.map(
      (f) => `${f.kind} ${f.table ?? ''}.${f.column ?? f.name ?? ''}: ${f.message} | ${f.cause ?? ''}`
    )
    throw new Error(`no ${kind} ${JSON.stringify(match)} in:\n${listed.join('\n')}`)
  }
  return found
}
