// Finding and resolving targets as drizzle-kit would: configs evaluated in the folder drizzle-kit runs from, one
// target per schema + migrations folder, schema folders read like drizzle-kit 0.31 reads them, discovery that
// survives one stale config and finds drizzle.config.<name>.ts.
import * as fs from 'node:fs'
import * as path from 'node:path'
import { loadConfig } from '../src/config/load-config'
import { literalDrizzleConfig } from '../src/config/config-literals'
import { runCheck } from '../src/engine/check'
import { PgliteProvider } from '../src/postgres/pglite'
import { tempDir, writeFiles, writeMigrations } from './helpers/project'

const provider = new PgliteProvider()
afterAll(async () => {
  await provider.dispose()
})

function project(prefix: string, files: Record<string, string>): string {
  const dir = tempDir(prefix)
  writeFiles(dir, files)
  return dir
}

const PARENT_SCHEMA =
  'import { pgTable, integer } from "drizzle-orm/pg-core";\nexport const parent = pgTable("parent", { id: integer("id").primaryKey() });\n'

/** Runs `fn` with the process in `dir`, as if the CLI had been started there. */
async function inFolder<T>(dir: string, fn: () => Promise<T>): Promise<T> {
  const previous = process.cwd()
  process.chdir(dir)
  try {
    return await fn()
  } finally {
    process.chdir(previous)
  }
}

describe('configs are evaluated in the folder drizzle-kit runs from', () => {
  const CWD_RELATIVE_CONFIG = [
    'import { relative } from "node:path";',
    'import { fileURLToPath } from "node:url";',
    'export default {',
    '  schema: relative(process.cwd(), fileURLToPath(new URL("./schema.ts", import.meta.url))),',
    '  out: relative(process.cwd(), fileURLToPath(new URL("./migrations", import.meta.url))),',
    '  dialect: "postgresql",',
    '};',
    ''
  ].join('\n')

  test('a config computing paths from process.cwd() and import.meta.url works from the repository root, the package and elsewhere', async () => {
    const dir = project('cwdcfg-', {
      'package.json': '{ "name": "r", "private": true }',
      'packages/db/package.json': '{ "name": "db", "scripts": { "generate": "drizzle-kit generate" } }',
      'packages/db/drizzle.config.ts': CWD_RELATIVE_CONFIG,
      'packages/db/schema.ts': PARENT_SCHEMA
    })
    await writeMigrations(path.join(dir, 'packages', 'db'), 'migrations', [PARENT_SCHEMA])
    for (const from of [dir, path.join(dir, 'packages', 'db'), path.dirname(dir)]) {
      const report = await inFolder(from, async () => {
        const r = await runCheck({ root: dir, provider })
        expect(process.cwd()).toBe(from)
        return r
      })
      expect(report.targets.map((t) => [t.name, t.schema, t.migrations])).toEqual([
        ['packages/db', ['packages/db/schema.ts'], 'packages/db/migrations']
      ])
      expect(report.findings).toEqual([])
    }
    // A target's "cwd" is the folder the config sees.
    fs.writeFileSync(
      path.join(dir, 'drift-guard.config.json'),
      JSON.stringify({ targets: [{ name: 'db', drizzleConfig: 'packages/db/drizzle.config.ts', cwd: 'packages' }] })
    )
    const config = loadConfig(dir)
    expect(config.targets[0]).toMatchObject({
      cwd: path.join(dir, 'packages'),
      schemaFiles: [path.join(dir, 'packages', 'db', 'schema.ts')]
    })
  })

  test('the process folder is restored when the config throws', () => {
    const dir = project('cwdthrow-', {
      'package.json': '{ "private": true }',
      'db/package.json': '{}',
      'db/drizzle.config.ts': 'throw new Error("config failed in " + process.cwd());\n'
    })
    const before = process.cwd()
    expect(() => loadConfig(dir)).toThrow(`config failed in ${path.join(dir, 'db')}`)
    expect(process.cwd()).toBe(before)
  })
})

describe('one target per schema and migrations folder', () => {
  const twoConfigs = (prefix: string, webOut: string): string =>
    project(prefix, {
      'package.json': '{ "name": "r", "private": true }',
      'packages/db/package.json': '{ "name": "db" }',
      'packages/db/drizzle.config.ts':
        'export default { dialect: "postgresql", schema: "./schema.ts", out: "./migrations" };\n',
      'packages/db/schema.ts': PARENT_SCHEMA,
      'apps/web/package.json': '{ "name": "web" }',
      'apps/web/drizzle.config.ts': `export default { dialect: "postgresql", schema: "../../packages/db/schema.ts", out: "${webOut}" };\n`
    })

  test('two configs for the same schema files and migrations folder are checked once, with a note', async () => {
    const dir = twoConfigs('samefolder-', '../../packages/db/migrations')
    await writeMigrations(path.join(dir, 'packages', 'db'), 'migrations', [PARENT_SCHEMA])
    const report = await runCheck({ root: dir, provider })
    expect(report.targets.map((t) => [t.name, t.migrations])).toEqual([['apps/web', 'packages/db/migrations']])
    expect(report.findings).toEqual([])
    expect(report.notes).toContainEqual(
      'packages/db/drizzle.config.ts has the same schema files and migrations folder (packages/db/migrations) as target "apps/web": checked once, as "apps/web"'
    )
  })

  test('the same schema with its own migrations folder stays a target of its own, and the shared table is reported', async () => {
    const dir = twoConfigs('ownfolder-', './migrations')
    await writeMigrations(path.join(dir, 'packages', 'db'), 'migrations', [PARENT_SCHEMA])
    await writeMigrations(path.join(dir, 'apps', 'web'), 'migrations', [PARENT_SCHEMA])
    const report = await runCheck({ root: dir, provider })
    expect(report.targets.map((t) => t.name)).toEqual(['apps/web', 'packages/db'])
    expect(report.findings.map((f) => [f.kind, f.target, f.table])).toEqual([
      ['cross_target_table', 'apps/web, packages/db', 'parent']
    ])
  })

  test('targets named in drift-guard.config.json that share a migrations folder but not their databases: no cross_target_table', async () => {
    const dir = twoConfigs('named-', '../../packages/db/migrations')
    await writeMigrations(path.join(dir, 'packages', 'db'), 'migrations', [PARENT_SCHEMA])
    fs.writeFileSync(
      path.join(dir, 'drift-guard.config.json'),
      JSON.stringify({
        targets: [
          { name: 'web', drizzleConfig: 'apps/web/drizzle.config.ts', databases: ['web'] },
          { name: 'db', drizzleConfig: 'packages/db/drizzle.config.ts', databases: ['db'] },
          { name: 'db-again', drizzleConfig: 'packages/db/drizzle.config.ts', databases: ['db'] }
        ]
      })
    )
    const report = await runCheck({ root: dir, provider })
    expect(report.targets.map((t) => t.name)).toEqual(['web', 'db'])
    expect(report.notes).toEqual([
      'target "db-again" has the same schema files and migrations folder (packages/db/migrations) as target "db": checked once, as "db"'
    ])
    expect(report.findings).toEqual([])
  })
})

describe('schema entries are read as drizzle-kit 0.31 reads them', () => {
  const table = (name: string): string =>
    `import { pgTable, integer } from "drizzle-orm/pg-core";\nexport const ${name} = pgTable("${name}", { id: integer("id").primaryKey() });\n`

  test('a folder is its own files, not its sub-folders: no false missing_table or snapshot_out_of_date', async () => {
    const dir = project('folder-', {
      'package.json': '{ "name": "r", "private": true }',
      'drizzle.config.ts': 'export default { dialect: "postgresql", schema: "./src/schema", out: "./drizzle" };\n',
      'src/schema/index.ts': table('users'),
      'src/schema/legacy/old.ts': table('old_table')
    })
    await writeMigrations(dir, 'drizzle', [table('users')])
    const report = await runCheck({ root: dir, provider })
    expect(report.targets[0].schema).toEqual(['src/schema/index.ts'])
    expect(report.findings).toEqual([])
  })

  test('two schema files exporting one name for two tables: both are the schema, as drizzle-kit keeps both (b2b-startkit)', async () => {
    const one = (name: string, extra = ''): string =>
      `import { pgTable, integer, text } from "drizzle-orm/pg-core";\n// ${name}\nexport const appointments = pgTable("${name}", {\n  id: integer("id").primaryKey(),${extra}\n});\n`
    const dir = project('same-export-', {
      'package.json': '{ "name": "r", "private": true }',
      'drizzle.config.ts':
        'export default { dialect: "postgresql", schema: ["./app/schema.ts", "./shared/schema.ts"], out: "./drizzle" };\n',
      'app/schema.ts': one('app_appointments'),
      'shared/schema.ts': one('appointments')
    })
    // What drizzle-kit generate wrote for the two files: both tables.
    await writeMigrations(dir, 'drizzle', [
      `${one('app_appointments')}\n${one('appointments').split('\n').slice(1).join('\n').replace('const appointments', 'const shared')}`
    ])
    expect((await runCheck({ root: dir, provider })).findings).toEqual([])
    fs.writeFileSync(path.join(dir, 'shared', 'schema.ts'), one('appointments', '\n  note: text("note"),'))
    const report = await runCheck({ root: dir, provider })
    expect(report.findings.map((f) => `${f.kind} ${f.table}.${f.column ?? ''} ${f.file}:${f.line}`)).toEqual([
      'snapshot_out_of_date undefined. drizzle/meta/0000_snapshot.json:1',
      'missing_column appointments.note shared/schema.ts:5'
    ])
    expect(report.findings[0].message).toBe(
      'the schema differs from the last snapshot (0000_step_0): column appointments.note added'
    )
  })

  test('globs are globs: folders they match stand for their own files, names starting with "." need an explicit "."', () => {
    const dir = project('globs-', {
      'package.json': '{ "name": "r", "private": true }',
      'src/schema/index.ts': table('a'),
      'src/schema/.hidden.ts': table('b'),
      'src/schema/types.d.ts': 'export type T = string;\n',
      'src/schema/legacy/old.ts': table('c'),
      'src/schema/legacy/deep/older.ts': table('d'),
      'src/schema/.drafts/draft.ts': table('e'),
      'src/other.ts': table('f')
    })
    fs.mkdirSync(path.join(dir, 'drizzle'))
    const schemaOf = (schema: string | string[]): string[] => {
      fs.writeFileSync(
        path.join(dir, 'drift-guard.config.json'),
        JSON.stringify({ targets: [{ name: 't', schema, migrations: './drizzle' }] })
      )
      return loadConfig(dir).targets[0].schemaFiles.map((f) => path.relative(dir, f))
    }
    expect(schemaOf('./src/schema')).toEqual(['src/schema/.hidden.ts', 'src/schema/index.ts'])
    expect(schemaOf('src/schema/')).toEqual(['src/schema/.hidden.ts', 'src/schema/index.ts'])
    expect(schemaOf('./src/schema/*.ts')).toEqual(['src/schema/index.ts'])
    expect(schemaOf('./src/schema/.*.ts')).toEqual(['src/schema/.hidden.ts'])
    expect(schemaOf('./src/schema/**/*.ts')).toEqual([
      'src/schema/index.ts',
      'src/schema/legacy/deep/older.ts',
      'src/schema/legacy/old.ts'
    ])
    // "src/*" matches the folder src/schema, which stands for its own files.
    expect(schemaOf('./src/*')).toEqual(['src/other.ts', 'src/schema/.hidden.ts', 'src/schema/index.ts'])
    expect(schemaOf('./src/{schema/legacy,other.ts}')).toEqual(['src/other.ts', 'src/schema/legacy/old.ts'])
    expect(schemaOf(['./src/schema/[a-j]*.ts', './src/schema/legacy'])).toEqual([
      'src/schema/index.ts',
      'src/schema/legacy/old.ts'
    ])
  })
})

describe('discovery', () => {
  test("one stale config is that target's schema_error; the other targets are still checked", async () => {
    const dir = project('stale-', {
      'package.json': '{ "name": "r", "private": true }',
      'packages/db/package.json': '{ "name": "db" }',
      'packages/db/drizzle.config.ts':
        'export default { dialect: "postgresql", schema: "./schema.ts", out: "./migrations" };\n',
      'packages/db/schema.ts': PARENT_SCHEMA,
      'packages/auth/package.json': '{ "name": "auth" }',
      'packages/auth/drizzle.config.ts':
        'export default { dialect: "postgresql", schema: "./src/auth-schema.ts", out: "./migrations" };\n'
    })
    await writeMigrations(path.join(dir, 'packages', 'db'), 'migrations', [PARENT_SCHEMA])
    const report = await runCheck({ root: dir, provider })
    expect(report.targets.map((t) => [t.name, t.databases.map((d) => d.compared)])).toEqual([
      ['packages/db', [true]],
      ['packages/auth', []]
    ])
    expect(report.findings).toEqual([
      expect.objectContaining({
        kind: 'schema_error',
        severity: 'error',
        target: 'packages/auth',
        file: 'packages/auth/drizzle.config.ts',
        message:
          'packages/auth/drizzle.config.ts cannot be checked: schema "./src/auth-schema.ts" matches no file (looked in packages/auth). Set the target\'s "cwd" to the folder drizzle-kit runs from.'
      })
    ])
    expect(report.summary.errors).toBe(1)

    // Named in drift-guard.config.json, the same config is a usage error: the user asked for it.
    fs.writeFileSync(
      path.join(dir, 'drift-guard.config.json'),
      JSON.stringify({
        targets: [
          { name: 'db', drizzleConfig: 'packages/db/drizzle.config.ts' },
          { name: 'auth', drizzleConfig: 'packages/auth/drizzle.config.ts' }
        ]
      })
    )
    await expect(runCheck({ root: dir, provider })).rejects.toMatchObject({
      name: 'UsageError',
      message: expect.stringMatching(/target "auth": schema "\.\/src\/auth-schema\.ts" matches no file/)
    })
  })

  test("a config without out whose default folder holds another config's migrations is a push config: skipped with a note", async () => {
    const events =
      'import { pgTable, integer } from "drizzle-orm/pg-core";\nexport const events = pgTable("events", { id: integer("id").primaryKey() });\n'
    const dir = project('push-config-', {
      'package.json': '{ "name": "r", "private": true }',
      'drizzle.config.ts': 'export default { dialect: "postgresql", schema: "./schema.ts", out: "./drizzle" };\n',
      'drizzle.config.events.ts': 'export default { dialect: "postgresql", schema: "./events.ts" };\n',
      'schema.ts': PARENT_SCHEMA,
      'events.ts': events
    })
    await writeMigrations(dir, 'drizzle', [PARENT_SCHEMA])
    const report = await runCheck({ root: dir, provider })
    expect(report.targets.map((t) => t.name)).toEqual(['r'])
    expect(report.findings).toEqual([])
    expect(report.notes.join('\n')).toMatch(
      /skipped drizzle\.config\.events\.ts: it has no `out`, .*drizzle-kit push config/
    )
  })

  test('a config without out whose default folder does not exist is a push config too: skipped with a note, exit 0 (failure 25)', async () => {
    const dir = project('push-config-nofolder-', {
      'package.json': '{ "name": "r", "private": true }',
      'drizzle.config.ts': 'export default { dialect: "postgresql", schema: "./schema.ts", out: "./migrations" };\n',
      'drizzle.config.test.ts': 'export default { dialect: "postgresql", schema: "./schema.ts" };\n',
      'schema.ts': PARENT_SCHEMA
    })
    await writeMigrations(dir, 'migrations', [PARENT_SCHEMA])
    const report = await runCheck({ root: dir, provider })
    expect(report.targets.map((t) => t.name)).toEqual(['r'])
    expect(report.findings).toEqual([])
    expect(report.notes.join('\n')).toMatch(
      /skipped drizzle\.config\.test\.ts: it has no `out` and drizzle-kit's default folder does not exist: a drizzle-kit push config/
    )
  })

  test('configs that package.json scripts pass to drizzle-kit with --config are discovered, whatever their name (32a)', async () => {
    const dir = project('script-configs-', {
      'package.json': '{ "name": "root", "private": true, "workspaces": ["packages/*"] }',
      'packages/db/package.json': JSON.stringify({
        name: 'db',
        scripts: {
          'db:generate': 'drizzle-kit generate --config ./configs/postgresql.config.ts',
          'db:push:mysql': 'dotenv -- drizzle-kit push --config=configs/mysql.config.ts && echo done'
        }
      }),
      'packages/db/configs/postgresql.config.ts':
        'export default { dialect: "postgresql", schema: "./src/schema.ts", out: "./migrations/postgresql" };\n',
      'packages/db/configs/mysql.config.ts':
        'export default { dialect: "mysql", schema: "./src/schema.ts", out: "./migrations/mysql" };\n',
      'packages/db/src/schema.ts': PARENT_SCHEMA
    })
    await writeMigrations(path.join(dir, 'packages', 'db'), 'migrations/postgresql', [PARENT_SCHEMA])
    const report = await runCheck({ root: dir, provider })
    expect(report.targets.map((t) => [t.name, t.drizzleConfig, t.migrations])).toEqual([
      [
        'packages/db/configs:postgresql',
        'packages/db/configs/postgresql.config.ts',
        'packages/db/migrations/postgresql'
      ]
    ])
    expect(report.findings).toEqual([])
    expect(report.notes.join('\n')).toMatch(/skipped packages\/db\/configs\/mysql\.config\.ts: dialect is "mysql"/)
  })

  test('a schema in a build output that is not there: build first, or point "schema" at the sources (32b)', () => {
    const dir = project('build-output-', {
      'package.json': '{ "name": "root", "private": true, "workspaces": ["packages/*"] }',
      'packages/db/package.json': '{ "name": "db" }',
      'packages/db/drizzle.config.ts':
        'export default { dialect: "postgresql", schema: "./dist/src/schema", out: "./drizzle" };\n',
      'packages/db/src/schema/index.ts': PARENT_SCHEMA
    })
    fs.mkdirSync(path.join(dir, 'packages', 'db', 'drizzle'))
    expect(() => loadConfig(dir)).toThrow(
      'target "packages/db": schema "./dist/src/schema" is in packages/db/dist, a build output that is not in the repository: build the package before the check, or set the target\'s "schema" in drift-guard.config.json to the sources ("src/schema", resolved from packages/db)'
    )
  })

  test('a target\'s own "schema" that matches nothing: the error says it is resolved from the folder drizzle-kit runs from (32c)', () => {
    const dir = project('own-schema-', {
      'package.json': '{ "name": "root", "private": true, "workspaces": ["packages/*"] }',
      'packages/db/package.json': '{ "name": "db" }',
      'packages/db/drizzle.config.ts':
        'export default { dialect: "postgresql", schema: "./src/schema", out: "./drizzle" };\n',
      'packages/db/src/schema/index.ts': PARENT_SCHEMA,
      'drift-guard.config.json': JSON.stringify({
        targets: [{ name: 'db', drizzleConfig: 'packages/db/drizzle.config.ts', schema: 'packages/db/src/schema' }]
      })
    })
    fs.mkdirSync(path.join(dir, 'packages', 'db', 'drizzle'))
    expect(() => loadConfig(dir)).toThrow(
      /matches no file \(looked in packages\/db\)\. A target's own "schema" is resolved, like the drizzle config's, from the folder drizzle-kit runs from \(packages\/db\), not from drift-guard\.config\.json's folder/
    )
  })

  test('when every discovered config is stale, the first error is a usage error', () => {
    const dir = project('allstale-', {
      'package.json': '{ "name": "r", "private": true }',
      'drizzle.config.ts': 'export default { dialect: "postgresql", schema: "./schema.ts", out: "./drizzle" };\n',
      'schema.ts': PARENT_SCHEMA
    })
    expect(() => loadConfig(dir)).toThrow(
      /target "r": drizzle\.config\.ts: its "out" migrations folder not found: drizzle /
    )
  })

  test('drizzle.config.<name>.ts is discovered next to drizzle.config.ts (drizzle.config.d.ts is not a config)', async () => {
    const events =
      'import { pgTable, integer } from "drizzle-orm/pg-core";\nexport const events = pgTable("events", { id: integer("id").primaryKey() });\n'
    const dir = project('named-configs-', {
      'package.json': '{ "name": "r", "private": true }',
      'drizzle.config.ts': 'export default { dialect: "postgresql", schema: "./schema.ts", out: "./drizzle" };\n',
      'drizzle.config.events.ts':
        'export default { dialect: "postgresql", schema: "./events.ts", out: "./drizzle-events", migrations: { table: "events_migrations" } };\n',
      'drizzle.config.d.ts': 'export {};\n',
      'schema.ts': PARENT_SCHEMA,
      'events.ts': events
    })
    await writeMigrations(dir, 'drizzle', [PARENT_SCHEMA])
    await writeMigrations(dir, 'drizzle-events', [events])
    const report = await runCheck({ root: dir, provider })
    expect(report.targets.map((t) => [t.name, t.drizzleConfig, t.migrations])).toEqual([
      ['events', 'drizzle.config.events.ts', 'drizzle-events'],
      ['r', 'drizzle.config.ts', 'drizzle']
    ])
    expect(report.findings).toEqual([])
  })
})

describe('configs the fifth trial could not load (issue 12: dittofeed, rybbit, taskcircle)', () => {
  /** dittofeed's shape: the config imports the app's config() for its URL, which throws here with no message. */
  const throwingConfig = (schema: string): Record<string, string> => ({
    'package.json': '{ "name": "r", "private": true }',
    'drizzle.config.ts': `import { defineConfig } from "drizzle-kit";\nimport config from "./src/config";\n\nexport default defineConfig({\n  out: "./drizzle",\n  schema: ${schema},\n  dialect: "postgresql",\n  dbCredentials: {\n    url: config().databaseUrl,\n  },\n});\n`,
    'src/config.ts':
      'export default function config(): { databaseUrl: string; schema: string } {\n  throw new Error()\n}\n',
    'schema.ts': PARENT_SCHEMA
  })

  test('a config that throws (with no message) but names its schema and out as plain strings is read from its source, with a note', async () => {
    const dir = project('throwing-config-', throwingConfig('"./schema.ts"'))
    await writeMigrations(dir, 'drizzle', [PARENT_SCHEMA])
    const report = await runCheck({ root: dir, provider })
    expect(report.findings).toEqual([])
    expect(report.targets.map((t) => [t.name, t.migrations, t.schema])).toEqual([['r', 'drizzle', ['schema.ts']]])
    expect(report.targets[0].notes[0]).toMatch(
      /^drizzle\.config\.ts could not be evaluated here \(drizzle\.config\.ts:9 threw while being imported: Error with no message\): its dialect, schema and out are plain strings in its source, and were read from there$/
    )
  })

  test('a config that throws and computes its schema: an error naming the file, the line and what to write instead', () => {
    const dir = project('throwing-computed-', throwingConfig('config().schema'))
    expect(() => loadConfig(dir)).toThrow(
      /^drizzle\.config\.ts:\d+ threw while being imported: Error with no message\. drift-guard evaluates drizzle\.config\.ts only for its dialect, schema and out, and they are not all plain strings in it: name the target's "schema" and "migrations" \(and "cwd"\) in drift-guard\.config\.json instead of "drizzleConfig"/
    )
  })

  test('`out` declared but never generated, in a project whose scripts run drizzle-kit push: the error says so (alone), a note (with other targets)', async () => {
    const files = {
      'package.json': '{ "name": "r", "private": true }',
      'server/package.json': JSON.stringify({
        name: 'server',
        scripts: { 'db:push': 'drizzle-kit push --config=drizzle.config.ts' }
      }),
      'server/drizzle.config.ts':
        'export default { dialect: "postgresql", schema: "./schema.ts", out: "./drizzle" };\n',
      'server/schema.ts': PARENT_SCHEMA
    }
    expect(() => loadConfig(project('push-out-', files))).toThrow(
      /^No PostgreSQL drizzle config in .* \(skipped server\/drizzle\.config\.ts: its "out" migrations folder not found: server\/drizzle \(resolved from server\)\. server\/package\.json \(script "db:push"\) runs drizzle-kit push: a project that pushes its schema has no migrations to check; run drizzle-kit generate to start them\.\)$/
    )
    const dir = project('push-out-other-', {
      ...files,
      'drizzle.config.ts': 'export default { dialect: "postgresql", schema: "./schema.ts", out: "./drizzle" };\n',
      'schema.ts': PARENT_SCHEMA
    })
    await writeMigrations(dir, 'drizzle', [PARENT_SCHEMA])
    const report = await runCheck({ root: dir, provider })
    expect(report.targets.map((t) => t.name)).toEqual(['r'])
    expect(report.findings).toEqual([])
    expect(report.notes.join('\n')).toMatch(
      /skipped server\/drizzle\.config\.ts: its "out" migrations folder not found/
    )
  })

  test("drizzle-kit < 0.21's `driver: 'pg'` without `dialect` is checked as PostgreSQL, with a note", async () => {
    const dir = project('driver-pg-', {
      'package.json': '{ "name": "r", "private": true }',
      'drizzle.config.ts':
        "import type { Config } from 'drizzle-kit';\nexport default {\n  schema: './schema.ts',\n  out: './drizzle',\n  driver: 'pg',\n  dbCredentials: { connectionString: process.env.DATABASE_URL as string },\n} satisfies Config;\n",
      'schema.ts': PARENT_SCHEMA
    })
    await writeMigrations(dir, 'drizzle', [PARENT_SCHEMA])
    const report = await runCheck({ root: dir, provider })
    expect(report.findings).toEqual([])
    expect(report.targets[0].notes[0]).toBe(
      'drizzle.config.ts has `driver: \'pg\'` and no `dialect`, the config format of drizzle-kit before 0.21: checked as dialect "postgresql" (drizzle-kit 0.21 and later ask for `dialect: "postgresql"` instead)'
    )
    // Another old driver is not PostgreSQL: skipped as before.
    fs.writeFileSync(
      path.join(dir, 'drizzle.config.ts'),
      "export default { schema: './schema.ts', out: './drizzle', driver: 'mysql2' };\n"
    )
    expect(() => loadConfig(dir)).toThrow(/dialect is not set/)
  })

  test('literal settings: plain strings and arrays are read; a computed one, or a conflicting repeat, reads nothing', () => {
    expect(
      literalDrizzleConfig(
        `// out: "./old"\nexport default defineConfig({ schema: ['./a.ts', "./b.ts"], out: \`./drizzle\`, dialect: 'postgresql',\n  dbCredentials: { url: env.URL, schema: x }, migrations: { table: 'm', schema: 'public' }, casing: 'snake_case' })`
      )
    ).toEqual({
      schema: ['./a.ts', './b.ts'],
      out: './drizzle',
      dialect: 'postgresql',
      casing: 'snake_case',
      migrations: { table: 'm', schema: 'public' }
    })
    expect(
      literalDrizzleConfig(`export default { schema: path.join(dir, 's.ts'), out: './d', dialect: 'postgresql' }`)
    ).toBeUndefined()
    expect(literalDrizzleConfig('export default { schema: `./${name}.ts`, dialect: "postgresql" }')).toBeUndefined()
    expect(
      literalDrizzleConfig(
        `const a = { out: './a' }\nexport default { schema: './s.ts', out: './b', dialect: 'postgresql' }`
      )
    ).toBeUndefined()
    expect(
      literalDrizzleConfig(
        `export default { schema: './s.ts', out: './b', dialect: 'postgresql', tablesFilter: filters }`
      )
    ).toBeUndefined()
    expect(literalDrizzleConfig(`export default { out: './b', dialect: 'postgresql' }`)).toBeUndefined()
  })
})
