// The module loader on code real projects have (docs/real-world.md, failures 4, 9, 10, 11): modern syntax that must
// reach Node untouched, circular `export *` barrels, workspace packages without node_modules, and db modules whose
// driver is not installed.
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { spawnSync } from 'node:child_process'
import { loadDrizzleConfig } from '../src/config/load-config'
import { ModuleLoader, ModuleLoadError } from '../src/config/module-loader'
import { serveVendoredPackageFrom } from '../src/core/vendor'
import { runCheck } from '../src/engine/check'
import { PgliteProvider } from '../src/postgres/pglite'
import { serializeSchema } from '../src/schema/drizzle-kit'
import { parsePnpmCatalogs, parsePnpmWorkspacePackages } from '../src/config/workspaces'
import { REPO, tempDir, writeMigrations, writeFiles, removeAfterAll } from './helpers/project'

let provider: PgliteProvider | undefined
afterAll(async () => {
  await provider?.dispose()
})

function project(files: Record<string, string>, prefix = 'loader-'): string {
  const dir = tempDir(prefix)
  write(dir, files)
  return dir
}

const write = writeFiles

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

describe('no-semicolon code: destructured exports after a line without `;` (33)', () => {
  const TABLES = `import { integer, pgTable } from 'drizzle-orm/pg-core'
export const all = {
  users: pgTable('users', { id: integer('id').primaryKey() }),
  posts: pgTable('posts', { id: integer('id').primaryKey() }),
  tags: pgTable('tags', { id: integer('id').primaryKey() }),
  notes: pgTable('notes', { id: integer('id').primaryKey() }),
  files: pgTable('files', { id: integer('id').primaryKey() })
}
`
  // sucrase rewrites each export as \`( { users: exports.users } = source)\` or \`[exports.posts, …] = …\` in place,
  // which without a \`;\` continues the line before: a call of \`source\`, of \`pick()\`'s result, of the template.
  const SCHEMA = `import { all } from './tables'
const source = all
export const { users } = source
const pick = () => all
const picked = pick()
export const [posts, tags] = [picked.posts, picked.tags]
const label = \`notes\`
export const {
  notes,
} = all
const list = [all.files]
/* the last one */ export let [files] = list
`
  const files = { 'package.json': '{ "name": "r", "private": true }', 'tables.ts': TABLES }

  test('object and array patterns, after an identifier, a call, a template literal and an array: every table loads', () => {
    const dir = project({
      ...files,
      'schema.ts': SCHEMA,
      'first.ts': 'export const { first } = { first: 1 }\nexport const [second] = [2]\n'
    })
    const exports = new ModuleLoader({ root: dir }).load(path.join(dir, 'schema.ts'))
    expect(Object.keys(exports).sort()).toEqual(['files', 'notes', 'posts', 'tags', 'users'])
    expect(Object.keys(serializeSchema(exports).tables).sort()).toEqual([
      'public.files',
      'public.notes',
      'public.posts',
      'public.tags',
      'public.users'
    ])
    // On the first line, after sucrase's own preamble.
    expect(new ModuleLoader({ root: dir }).load(path.join(dir, 'first.ts'))).toMatchObject({ first: 1, second: 2 })
  })

  test('the lines stay where they were: an error after them names its own line', () => {
    const source = SCHEMA + "export const { broken } = (() => { throw new Error('at the end') })()\n"
    const dir = project({ ...files, 'schema.ts': source })
    const error = loadError(() => new ModuleLoader({ root: dir }).load(path.join(dir, 'schema.ts')))
    expect(error.message).toMatch(
      new RegExp(`^schema\\.ts:${lineOfText(source, 'broken')} threw while being imported: at the end\\.`)
    )
  })

  test('a line of a template literal that reads like such an export is left as written', () => {
    const dir = project({
      ...files,
      'schema.ts':
        "import { all } from './tables'\nconst text = all\nexport const doc = `\nexport const { users } = x\n`\nexport const { users } = all\n"
    })
    const exports = new ModuleLoader({ root: dir }).load(path.join(dir, 'schema.ts'))
    expect(exports.doc).toBe('\nexport const { users } = x\n')
    expect(Object.keys(exports).sort()).toEqual(['doc', 'users'])
  })
})

const lineOfText = (source: string, text: string): number => source.split('\n').findIndex((l) => l.includes(text)) + 1

describe('packages that are not installed: what the errors say (29, 32d)', () => {
  test('a package the schema imports: the one-line error also names --stub-missing-imports and its action input', () => {
    const dir = project({
      'package.json': '{ "name": "r", "private": true }',
      'schema.ts':
        "import { pgTable, text } from 'drizzle-orm/pg-core'\nimport { newId } from '@r/ids'\nexport const users = pgTable('users', { id: text('id').primaryKey().$defaultFn(() => newId()) })\n"
    })
    const error = loadError(() => new ModuleLoader({ root: dir }).load(path.join(dir, 'schema.ts')))
    expect(error.message).toBe(
      'Cannot resolve "@r/ids" imported by schema.ts:2. Install the project\'s dependencies (npm ci), declare the alias in tsconfig.json "paths", list its folder in the workspaces, ' +
        'or pass --stub-missing-imports (action input `stub-missing-imports: true`) if the schema uses it only at runtime ($defaultFn, validation).'
    )
    // With the flag, it loads.
    expect(
      Object.keys(new ModuleLoader({ root: dir, stubMissingPackages: true }).load(path.join(dir, 'schema.ts')))
    ).toEqual(['users'])
  })

  test('a schema that computes its tables from a stood-in package and throws: the stand-in is named, not the runtime', () => {
    const dir = project({
      'package.json': '{ "name": "r", "private": true }',
      'pg.ts':
        "import { pgTable, text } from 'drizzle-orm/pg-core'\nexport const users = pgTable('users', { id: text('id').primaryKey() })\n",
      'schema.ts':
        "import { v } from '@r/validation'\nimport { check } from '@r/checks'\nimport * as pg from './pg'\n" +
        "const driver = v.picklist(['pg', 'sqlite']).parse(process.env.APP_DRIVER ?? 'pg')\ncheck(driver)\n" +
        'const byDriver = { pg: () => pg, sqlite: () => pg };\nexport const { users } = byDriver[driver]()\n'
    })
    const error = loadError(() =>
      new ModuleLoader({ root: dir, stubMissingPackages: true }).load(path.join(dir, 'schema.ts'))
    )
    expect(error.message).toBe(
      'schema.ts:7 threw while being imported: byDriver[driver] is not a function. A stand-in may have produced the value that failed: ' +
        '@r/validation, @r/checks are not installed, so the check stood in for them. Install @r/validation, @r/checks (npm ci), or point "schema" at files that do not compute tables from them; ' +
        "otherwise, the schema must load without the application's runtime (database connections, secrets); import only drizzle-orm and schema files from it"
    )
    expect(error.line).toBe(7)
  })
})

/** Runs the project's drizzle-kit CLI (the real one, as `npx drizzle-kit generate` would) in dir. */
function drizzleKitGenerate(dir: string): string {
  const result = spawnSync(
    process.execPath,
    [path.join(REPO, 'node_modules', 'drizzle-kit', 'bin.cjs'), 'generate', '--name', 'init'],
    {
      cwd: dir,
      encoding: 'utf8',
      timeout: 120_000
    }
  )
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

const MEMBERS_SCHEMA = (from: string): string =>
  `import { ROLES, EMBEDDING_DIMENSIONS } from '${from}'
import { pgEnum, pgTable, integer, vector } from 'drizzle-orm/pg-core'
export const role = pgEnum('role', ROLES)
export const members = pgTable('members', {
  id: integer('id').primaryKey(),
  role: role('role').notNull(),
  embedding: vector('embedding', { dimensions: EMBEDDING_DIMENSIONS }),
})
`
const SHARED_SOURCE = "export const ROLES = ['owner', 'member'] as const\nexport const EMBEDDING_DIMENSIONS = 1536\n"

function expectMembers(exports: Record<string, unknown>): void {
  const snapshot = serializeSchema(exports)
  expect(snapshot.enums['public.role'].values).toEqual(['owner', 'member'])
  expect(snapshot.tables['public.members'].columns.embedding.type).toBe('vector(1536)')
}

describe('workspace packages resolve by name without node_modules (11)', () => {
  test('npm/yarn "workspaces" array, exports "." to the TypeScript source (the reproduction)', () => {
    const dir = project({
      'package.json': '{ "name": "r", "private": true, "workspaces": ["packages/*"] }',
      'packages/shared/package.json':
        '{ "name": "@r/shared", "type": "module", "main": "src/index.ts", "exports": { ".": "./src/index.ts" } }',
      'packages/shared/src/index.ts': SHARED_SOURCE,
      'packages/db/package.json': '{ "name": "@r/db", "private": true }',
      'packages/db/schema.ts': MEMBERS_SCHEMA('@r/shared')
    })
    expect(fs.existsSync(path.join(dir, 'node_modules'))).toBe(false)
    expectMembers(new ModuleLoader({ root: dir }).load(path.join(dir, 'packages/db/schema.ts')))
  })

  test('pnpm-workspace.yaml; exports with conditions and subpaths pointing at an unbuilt dist/ lead to src/', () => {
    const dir = project({
      'package.json': '{ "name": "r", "private": true }',
      'pnpm-workspace.yaml':
        "# the apps and libraries\npackages:\n  - 'libs/*'   # shared code\n  - \"apps/**\"\n  - '!libs/legacy'\ncatalog:\n  zod: ^3.0.0\n",
      'libs/shared/package.json': JSON.stringify({
        name: '@r/shared',
        type: 'module',
        exports: {
          '.': { types: './dist/index.d.ts', import: './dist/index.js', require: './dist/index.cjs' },
          './constants/*': { import: './dist/constants/*.js', default: './dist/constants/*.js' }
        }
      }),
      'libs/shared/src/index.ts': "export { ROLES } from './constants/roles'\n",
      'libs/shared/src/constants/roles.ts': "export const ROLES = ['owner', 'member'] as const\n",
      'libs/shared/src/constants/vectors.ts': 'export const EMBEDDING_DIMENSIONS = 1536\n',
      // Excluded by the negated glob: a second package of the same name must not shadow the first.
      'libs/legacy/package.json': '{ "name": "@r/shared", "main": "index.ts" }',
      'libs/legacy/index.ts': 'export const ROLES = ["legacy"]\nexport const EMBEDDING_DIMENSIONS = 3\n',
      'apps/api/db/package.json': '{ "name": "@r/db" }',
      'apps/api/db/schema.ts': MEMBERS_SCHEMA('@r/shared').replace(
        "import { ROLES, EMBEDDING_DIMENSIONS } from '@r/shared'",
        "import { ROLES } from '@r/shared'\nimport { EMBEDDING_DIMENSIONS } from '@r/shared/constants/vectors'"
      )
    })
    expectMembers(new ModuleLoader({ root: dir }).load(path.join(dir, 'apps/api/db/schema.ts')))
  })

  test("yarn's { packages: [...] }, a package with neither exports nor main: src/index.ts", () => {
    const dir = project({
      'package.json': '{ "name": "r", "private": true, "workspaces": { "packages": ["packages/*"], "nohoist": [] } }',
      'packages/shared/package.json': '{ "name": "@r/shared" }',
      'packages/shared/src/index.ts': SHARED_SOURCE,
      'packages/db/package.json': '{ "name": "@r/db" }',
      'packages/db/schema.ts': MEMBERS_SCHEMA('@r/shared')
    })
    expectMembers(new ModuleLoader({ root: dir }).load(path.join(dir, 'packages/db/schema.ts')))
  })

  test('the pnpm-workspace.yaml subset: block and flow lists, quotes, comments, other keys', () => {
    expect(
      parsePnpmWorkspacePackages(
        "packages:\n- apps/*\n  # comment\n- 'packages/**' # trailing\nonlyBuiltDependencies:\n  - esbuild\n"
      )
    ).toEqual(['apps/*', 'packages/**'])
    expect(parsePnpmWorkspacePackages('packages: [\'apps/*\', "libs/*"]\n')).toEqual(['apps/*', 'libs/*'])
    expect(parsePnpmWorkspacePackages('catalog:\n  zod: 3\n')).toEqual([])
  })

  test('the pnpm-workspace.yaml catalogs: the default one, named ones (catalogs.default is the default), quotes, comments, CRLF', () => {
    const text =
      'packages:\r\n  - apps/*\r\ncatalog:\r\n  zod: ^3.0.0 # pinned\r\n  \'@r/x\': \'1.0\'\r\ncatalogs:\r\n  default:\r\n    pg: 8\r\n  "next.1":\r\n    react: "19"\r\n    # nothing\r\n    nested:\r\n      deep: 1\r\nonlyBuiltDependencies:\r\n  - esbuild\r\n'
    expect(
      Object.fromEntries([...parsePnpmCatalogs(text)].map(([name, entries]) => [name, Object.fromEntries(entries)]))
    ).toEqual({
      default: { zod: '^3.0.0', '@r/x': '1.0', pg: '8' },
      'next.1': { react: '19' }
    })
    expect(parsePnpmCatalogs('packages:\n  - apps/*\n')).toEqual(new Map())
  })

  test('a flow list over several lines; an unclosed quote or bracket is an error at its line', () => {
    expect(parsePnpmWorkspacePackages("packages: [\n  'apps/*', # apps\n  'libs/*'\n]\n")).toEqual(['apps/*', 'libs/*'])
    expect(() => parsePnpmWorkspacePackages("onlyBuiltDependencies:\n  - esbuild\npackages:\n  - 'apps/*\n")).toThrow(
      expect.objectContaining({ line: 4, message: "unclosed quote in 'apps/*" })
    )
    expect(() => parsePnpmWorkspacePackages("packages: ['apps/*',\n")).toThrow(expect.objectContaining({ line: 1 }))
  })

  test('broken workspace files are clear errors naming the file and line, not "Cannot resolve"', () => {
    const files = {
      'package.json': '{ "name": "r", "private": true }',
      'packages/shared/package.json': '{ "name": "@r/shared" }',
      'packages/shared/src/index.ts': SHARED_SOURCE,
      'packages/db/package.json': '{ "name": "@r/db" }',
      'packages/db/schema.ts': MEMBERS_SCHEMA('@r/shared')
    }
    const load = (dir: string): unknown => new ModuleLoader({ root: dir }).load(path.join(dir, 'packages/db/schema.ts'))
    const yaml = project({ ...files, 'pnpm-workspace.yaml': "packages:\n  - 'packages/*\n" })
    expect(() => load(yaml)).toThrow(
      expect.objectContaining({
        file: 'pnpm-workspace.yaml',
        line: 2,
        message: "pnpm-workspace.yaml:2: malformed pnpm-workspace.yaml: unclosed quote in 'packages/*"
      })
    )
    const json = project({
      ...files,
      'package.json': '{ "name": "r", "workspaces": ["packages/*"] }',
      'packages/shared/package.json': '{\n  "name": "@r/shared",\n}\n'
    })
    expect(() => load(json)).toThrow(
      expect.objectContaining({
        file: 'packages/shared/package.json',
        line: 3,
        message: expect.stringMatching(/^packages\/shared\/package\.json:3: malformed package\.json: /)
      })
    )
    const unbuilt = project({
      ...files,
      'package.json': '{ "name": "r", "workspaces": ["packages/*"] }',
      'packages/shared/package.json': '{ "name": "@r/shared", "exports": { ".": "./dist/index.mjs" } }'
    })
    fs.rmSync(path.join(unbuilt, 'packages/shared/src'), { recursive: true, force: true })
    expect(() => load(unbuilt)).toThrow(
      /Cannot resolve "@r\/shared" imported by packages\/db\/schema\.ts:\d+\. It is the workspace package in packages\/shared, whose package\.json .* leads to no file there/
    )
  })

  test('with --stub-missing-imports, a stand-in that reaches a column type is named instead of failing in Postgres', async () => {
    const dir = project({
      'package.json': '{ "name": "r", "private": true, "workspaces": ["packages/*"] }',
      'packages/db/package.json': '{ "name": "@r/db" }',
      'packages/db/drizzle.config.ts':
        "export default { dialect: 'postgresql', schema: './schema.ts', out: './drizzle' }\n",
      'packages/db/schema.ts': MEMBERS_SCHEMA('@r/not-in-the-workspace'),
      'packages/db/drizzle/meta/_journal.json': '{ "version": "7", "dialect": "postgresql", "entries": [] }'
    })
    provider ??= new PgliteProvider()
    const check = runCheck({ root: dir, provider, stubMissingImports: true })
    await expect(check).rejects.toThrow(
      /^packages\/db\/schema\.ts: the column members\.embedding uses a stand-in for @r\/not-in-the-workspace \(--stub-missing-imports\)/
    )
  })
})

describe('database drivers that are not installed anywhere (9)', () => {
  // The bundle's situation: the project has no node_modules, and drizzle-orm is the tool's copy in a folder whose own
  // require("postgres") finds nothing. Both live under the system temp folder, outside this repository (whose
  // node_modules has postgres, a dependency of the tool).
  let outside: string
  beforeAll(() => {
    outside = fs.mkdtempSync(path.join(os.tmpdir(), 'dg-nodriver-'))
    removeAfterAll(outside)
    const from = path.join(REPO, 'node_modules', 'drizzle-orm')
    const to = path.join(outside, 'vendor', 'node_modules', 'drizzle-orm')
    // What scripts/bundle.mjs ships of drizzle-orm: package.json and the CommonJS files.
    for (const rel of fs.readdirSync(from, { recursive: true }) as string[]) {
      if (rel !== 'package.json' && !rel.endsWith('.cjs')) continue
      fs.mkdirSync(path.dirname(path.join(to, rel)), { recursive: true })
      fs.copyFileSync(path.join(from, rel), path.join(to, rel))
    }
    fs.writeFileSync(path.join(outside, 'vendor', 'index.js'), '')
    serveVendoredPackageFrom('drizzle-orm', path.join(outside, 'vendor'))
  })
  afterAll(() => serveVendoredPackageFrom('drizzle-orm', undefined))

  function outsideProject(name: string, files: Record<string, string>): string {
    const dir = path.join(outside, name)
    write(dir, { 'package.json': '{ "name": "r", "private": true }', ...files })
    for (const driver of ['postgres', 'pg']) {
      expect(() => require.resolve(driver, { paths: [dir] })).toThrow(/Cannot (find|resolve) module/)
      expect(() =>
        require.resolve(driver, { paths: [path.join(outside, 'vendor', 'node_modules', 'drizzle-orm')] })
      ).toThrow(/Cannot (find|resolve) module/)
    }
    return dir
  }

  const ITEMS =
    "import { pgTable, integer } from 'drizzle-orm/pg-core'\nexport const items = pgTable('items', { id: integer('id').primaryKey() })\n"

  test("a config importing the app's db module (drizzle-orm/postgres-js + postgres) loads; the client is never connected", () => {
    const dir = outsideProject('cfgdriver', {
      'db.ts':
        "import { drizzle } from 'drizzle-orm/postgres-js'\nimport postgres from 'postgres'\nexport const dbUrl = process.env.DATABASE_URL ?? 'postgres://localhost/app'\nexport const db = drizzle(postgres(dbUrl))\n",
      'drizzle.config.ts':
        "import { defineConfig } from 'drizzle-kit'\nimport { dbUrl } from './db'\nexport default defineConfig({ dialect: 'postgresql', schema: './schema.ts', out: './drizzle', dbCredentials: { url: dbUrl } })\n",
      'schema.ts': ITEMS
    })
    const saved = process.env.DATABASE_URL
    delete process.env.DATABASE_URL
    try {
      const config = loadDrizzleConfig(dir, path.join(dir, 'drizzle.config.ts'), dir)
      expect(config).toMatchObject({ schema: './schema.ts', dbCredentials: { url: 'postgres://localhost/app' } })
    } finally {
      if (saved !== undefined) process.env.DATABASE_URL = saved
    }
  })

  test('a schema importing a db module built with the bundled drizzle-orm/node-postgres and pg checks clean', async () => {
    const dir = outsideProject('schemadriver', {
      'drizzle.config.ts': "export default { dialect: 'postgresql', schema: './schema.ts', out: './drizzle' }\n",
      'db.ts':
        "import { drizzle } from 'drizzle-orm/node-postgres'\nimport { Pool } from 'pg'\nexport const db = drizzle(new Pool({ connectionString: 'postgres://localhost/app' }))\nexport const ready = db.select\n",
      'schema.ts': "import { db } from './db'\nexport const client = db\n" + ITEMS
    })
    await writeMigrations(dir, 'drizzle', [ITEMS])
    provider ??= new PgliteProvider()
    const report = await runCheck({ root: dir, provider })
    expect(report.findings).toEqual([])
    expect(report.targets[0].declared).toMatchObject({ tables: 1 })
    expect(report.targets[0].notes.join('\n')).toMatch(/replaced by stand-ins while loading the schema: pg\b/)
  })

  test("a schema importing Neon's db module (drizzle-orm/neon-serverless, @neondatabase/serverless and ws) checks clean", async () => {
    const dir = outsideProject('neondriver', {
      'drizzle.config.ts': "export default { dialect: 'postgresql', schema: './schema.ts', out: './drizzle' }\n",
      'db.ts':
        "import { Pool, neonConfig } from '@neondatabase/serverless'\nimport { drizzle } from 'drizzle-orm/neon-serverless'\nimport ws from 'ws'\n" +
        'neonConfig.webSocketConstructor = ws\nexport const db = drizzle(new Pool({ connectionString: process.env.DATABASE_URL }))\n',
      'schema.ts': "import { db } from './db'\nexport const client = db\n" + ITEMS
    })
    for (const driver of ['ws', '@neondatabase/serverless'])
      expect(() => require.resolve(driver, { paths: [dir] })).toThrow(/Cannot (find|resolve) module/)
    await writeMigrations(dir, 'drizzle', [ITEMS])
    provider ??= new PgliteProvider()
    const report = await runCheck({ root: dir, provider })
    expect(report.findings).toEqual([])
    expect(report.targets[0].notes.join('\n')).toMatch(
      /replaced by stand-ins while loading the schema: (?=[^\n]*@neondatabase\/serverless)(?=[^\n]*\bws\b)/
    )
  })
})
