// The module loader on code real projects have (docs/real-world.md, failures 4, 9, 10, 11): modern syntax that must
// reach Node untouched, circular `export *` barrels, workspace packages without node_modules, and db modules whose
// driver is not installed.
import * as fs from 'node:fs'
import * as path from 'node:path'
import { ModuleLoader, ModuleLoadError } from '../src/config/module-loader'
import { serializeSchema } from '../src/schema/drizzle-kit'
import { tempDir } from './helpers/project'

const dirs: string[] = []
afterAll(() => {
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
