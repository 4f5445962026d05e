// The module loader on code real projects have (docs/real-world.md, failures 4, 9, 10, 11): modern syntax that must
// reach Node untouched, circular `export *` barrels, workspace packages without node_modules, and db modules whose
// driver is not installed.
import * as fs from 'node:fs'
import * as path from 'node:path'
import { spawnSync } from 'node:child_process'
import { ModuleLoader, ModuleLoadError } from '../src/config/module-loader'
import { runCheck } from '../src/engine/check'
import { PgliteProvider } from '../src/postgres/pglite'
import { serializeSchema } from '../src/schema/drizzle-kit'
import { REPO, tempDir } from './helpers/project'

const dirs: string[] = []
let provider: PgliteProvider | undefined
afterAll(async () => {
  await provider?.dispose()
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true })
})

function project(files: Record<string, string>, prefix = 'loader-'): string {
  const dir = tempDir(prefix)
  dirs.push(dir)
  write(dir, files)
  return dir
}

function write(dir: string, files: Record<string, string>): void {
  for (const [file, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true })
    fs.writeFileSync(path.join(dir, file), content)
  }
}

function loadError(run: () => unknown): ModuleLoadError {
  try {
    run()
  } catch (error) {
    expect(error).toBeInstanceOf(ModuleLoadError)
    return error as ModuleLoadError
  }
  throw new Error('expected the load to fail')
}

describe('syntax reaches Node as written (10)', () => {
  test('`a ?? (yield x)` in a generator loads; the column default comes from the helper', () => {
    const dir = project({
      'package.json': '{ "name": "r", "private": true }',
      'helpers.ts':
        "export function* settings(input: { keep?: boolean }) {\n  const keep = input.keep ?? (yield 'lookup')\n  return keep\n}\nexport const DIM = 3\n",
      'schema.ts':
        "import { DIM } from './helpers'\nimport { pgTable, integer } from 'drizzle-orm/pg-core'\nexport const items = pgTable('items', { id: integer('id').primaryKey(), qty: integer('qty').default(DIM) })\n"
    })
    const exports = new ModuleLoader({ root: dir }).load(path.join(dir, 'schema.ts'))
    const snapshot = serializeSchema(exports)
    expect(snapshot.tables['public.items'].columns.qty.default).toBe(3)
  })

  test('a syntax error Node finds in an imported module names that module and line, not the import', () => {
    const dir = project({
      'package.json': '{ "name": "r", "private": true }',
      // sucrase accepts a redeclaration; V8 rejects it when compiling helpers.ts.
      'helpers.ts': 'export const DIM = 3\nlet twice = 1\nlet twice = 2\n',
      'schema.ts': "import { DIM } from './helpers'\nexport const x = DIM\n"
    })
    const error = loadError(() => new ModuleLoader({ root: dir }).load(path.join(dir, 'schema.ts')))
    expect(error.message).toMatch(/^helpers\.ts:3: /)
    expect(error.message).toMatch(/has already been declared/)
    expect(error.message).toMatch(/import chain: schema\.ts -> helpers\.ts/)
    expect(error.file).toBe('helpers.ts')
    expect(error.line).toBe(3)
  })

  test('an error thrown while an imported module runs names that module and line', () => {
    const dir = project({
      'package.json': '{ "name": "r", "private": true }',
      'helpers.ts': 'export const DIM = 3\nconst config: { a?: { b: number } } = {}\nexport const B = config.a!.b\n',
      'schema.ts': "import { B } from './helpers'\nexport const x = B\n"
    })
    const error = loadError(() => new ModuleLoader({ root: dir }).load(path.join(dir, 'schema.ts')))
    expect(error.message).toMatch(/^helpers\.ts:3 threw while being imported: Cannot read properties of undefined/)
    expect(error.line).toBe(3)
  })
})

/** Runs the project's drizzle-kit CLI (the real one, as `npx drizzle-kit generate` would) in dir. */
function drizzleKitGenerate(dir: string): string {
  const result = spawnSync(process.execPath, [path.join(REPO, 'node_modules', 'drizzle-kit', 'bin.cjs'), 'generate', '--name', 'init'], {
    cwd: dir,
    encoding: 'utf8',
    timeout: 120_000
  })
  expect(result.status).toBe(0)
  return fs.readFileSync(path.join(dir, 'drizzle', '0000_init.sql'), 'utf8')
}

const CYCLE_FILES = {
  'package.json': '{ "name": "r", "private": true, "type": "module" }',
  'drizzle.config.ts':
    "import { defineConfig } from 'drizzle-kit'\nexport default defineConfig({ dialect: 'postgresql', schema: './src/schema/index.ts', out: './drizzle' })\n",
  'src/schema/index.ts': "export * from './orgs/orgs'\nexport * from './users'\n",
  'src/schema/orgs/index.ts': "export * from './orgs'\n",
  'src/schema/users/index.ts': "export * from './users'\n",
  'src/schema/orgs/orgs.ts':
    "import { pgTable, integer } from 'drizzle-orm/pg-core'\nimport { users } from '../users'\nexport const orgs = pgTable('orgs', { id: integer('id').primaryKey(), ownerId: integer('owner_id').references(() => users.id) })\n",
  'src/schema/users/users.ts':
    "import { pgTable, integer } from 'drizzle-orm/pg-core'\nimport { orgs } from '../orgs'\nexport const users = pgTable('users', { id: integer('id').primaryKey(), orgId: integer('org_id').references(() => orgs.id) })\n"
}

describe('`export *` re-exports stay live through import cycles (4)', () => {
  test('barrels in a cycle: both tables and both foreign keys load, as drizzle-kit generate reads them', async () => {
    const dir = project(CYCLE_FILES, 'cycle-')
    // The real drizzle-kit reads this layout (its tsx loader keeps re-exports live) ...
    const sql = drizzleKitGenerate(dir)
    expect(sql).toMatch(/REFERENCES "public"."users"\("id"\)/)
    expect(sql).toMatch(/REFERENCES "public"."orgs"\("id"\)/)

    // ... and so does the loader: the barrel names both tables, and drizzle-kit's serialiser follows both references.
    const exports = new ModuleLoader({ root: dir }).load(path.join(dir, 'src/schema/index.ts'))
    expect(Object.keys(exports).sort()).toEqual(['orgs', 'users'])
    const snapshot = serializeSchema(exports)
    expect(Object.values(snapshot.tables['public.orgs'].foreignKeys).map((fk) => fk.tableTo)).toEqual(['users'])
    expect(Object.values(snapshot.tables['public.users'].foreignKeys).map((fk) => fk.tableTo)).toEqual(['orgs'])

    // The check against drizzle-kit's own migration finds nothing.
    provider ??= new PgliteProvider()
    const report = await runCheck({ root: dir, provider })
    expect(report.findings).toEqual([])
    expect(report.targets[0].declared).toMatchObject({ tables: 2 })
  })

  test('a name the barrel declares itself wins over the same name re-exported', () => {
    const dir = project({
      'package.json': '{ "name": "r", "private": true }',
      'a.ts': "export * from './b'\nexport const x = 1\n",
      'b.ts': 'export const x = 2\nexport const y = 3\n'
    })
    expect(new ModuleLoader({ root: dir }).load(path.join(dir, 'a.ts'))).toEqual({ x: 1, y: 3 })
  })
})
