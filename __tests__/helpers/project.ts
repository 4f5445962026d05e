// Builds throwaway Drizzle projects for tests: each step's schema is serialised and diffed by drizzle-kit's own API
// (the code `drizzle-kit generate` runs), and written in drizzle-kit's 0.x folder layout. Tests then edit files to
// plant the faults real projects have.
import * as fs from 'node:fs'
import * as path from 'node:path'
import { randomUUID } from 'node:crypto'
import { ModuleLoader } from '../../src/config/module-loader'
import { PgSnapshot, emptySnapshot, generateSql, serializeSchema } from '../../src/schema/drizzle-kit'

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

export function tempDir(prefix = 'dg-test-'): string {
  const base = path.join(REPO, '.tmp')
  fs.mkdirSync(base, { recursive: true })
  // Inside the repository, so `drizzle-orm` resolves from its node_modules like a real project's would.
  return fs.mkdtempSync(path.join(base, prefix))
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
export async function writeMigrations(dir: string, out: string, steps: string[], casing?: string, schemaFile = 'src/.step-schema.ts'): Promise<void> {
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
    const current = { ...serializeSchema(exports, casing), id: randomUUID(), prevId: idx === 0 ? '00000000-0000-0000-0000-000000000000' : previous.id }
    const statements = await generateSql(previous, current)
    const tag = `${String(idx).padStart(4, '0')}_step_${idx}`
    fs.writeFileSync(path.join(folder, `${tag}.sql`), statements.join('\n--> statement-breakpoint\n'))
    fs.writeFileSync(path.join(folder, 'meta', `${String(idx).padStart(4, '0')}_snapshot.json`), JSON.stringify(current, null, 2))
    entries.push({ idx, version: '7', when: start + idx * 86_400_000, tag, breakpoints: true })
    previous = current
  }
  fs.writeFileSync(path.join(folder, 'meta', '_journal.json'), JSON.stringify({ version: '7', dialect: 'postgresql', entries }, null, 2))
}

/** Appends a hand-written migration to a 0.x folder (SQL + journal entry; no snapshot, as people do). */
export function appendHandWrittenMigration(dir: string, out: string, tag: string, sql: string, options: { when?: number; copySnapshot?: boolean } = {}): void {
  const folder = path.join(dir, out)
  const journalFile = path.join(folder, 'meta', '_journal.json')
  const journal = JSON.parse(fs.readFileSync(journalFile, 'utf8'))
  const last = journal.entries[journal.entries.length - 1]
  const idx = journal.entries.length
  journal.entries.push({ idx, version: '7', when: options.when ?? last.when + 3_600_000, tag, breakpoints: true })
  fs.writeFileSync(journalFile, JSON.stringify(journal, null, 2))
  fs.writeFileSync(path.join(folder, `${tag}.sql`), sql)
  if (options.copySnapshot) {
    const prev = JSON.parse(fs.readFileSync(path.join(folder, 'meta', `${String(idx - 1).padStart(4, '0')}_snapshot.json`), 'utf8'))
    fs.writeFileSync(path.join(folder, 'meta', `${String(idx).padStart(4, '0')}_snapshot.json`), JSON.stringify({ ...prev, id: randomUUID(), prevId: prev.id }, null, 2))
  }
}
