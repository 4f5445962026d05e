// drift-guard.config.json's shape: the tool's own validation (src/config/config-shape.ts, run by loadConfig) and the
// JSON Schema it ships for editors (schema/drift-guard.config.schema.json, checked here by ajv) give the same verdict
// on the same configs; what only the tool can check (files exist, names are unique) is listed apart.
import * as fs from 'node:fs'
import * as path from 'node:path'
import Ajv from 'ajv'
import { loadConfig } from '../src/config/load-config'
import { UsageError, describeError } from '../src/core/errors'
import { FINDING_KINDS } from '../src/core/findings'
import { TARGET_KEY_CHECKS } from '../src/config/config-shape'
import { runCli } from '../src/cli/main'
import { REPO, removeAfterAll, tempDir, writeFiles } from './helpers/project'

const schema = JSON.parse(fs.readFileSync(path.join(REPO, 'schema', 'drift-guard.config.schema.json'), 'utf8'))
const validate = new Ajv({ allErrors: true }).compile(schema)

let project: string
beforeAll(() => {
  project = tempDir('dg-config-schema-')
  removeAfterAll(project)
  writeFiles(project, {
    'package.json': '{ "name": "p" }',
    'db/schema.ts':
      "import { pgTable, text } from 'drizzle-orm/pg-core'\nexport const t = pgTable('t', { id: text() })\n",
    'db/other.ts':
      "import { pgTable, text } from 'drizzle-orm/pg-core'\nexport const u = pgTable('u', { id: text() })\n",
    'drizzle/.keep': '',
    'setup.sql': 'create schema auth;\n',
    'drizzle.config.json': '{ "dialect": "postgresql", "schema": "./db/schema.ts", "out": "./drizzle" }'
  })
})

/** The tool's verdict: the config loads, or the UsageError it gives (never another error). */
function toolVerdict(config: unknown): { ok: boolean; message?: string } {
  const file = path.join(project, 'drift-guard.config.json')
  fs.writeFileSync(file, typeof config === 'string' ? config : JSON.stringify(config, null, 2))
  try {
    loadConfig(project)
    return { ok: true }
  } catch (error) {
    if (!(error instanceof UsageError)) throw error
    return { ok: false, message: describeError(error) }
  }
}

const t = (extra: Record<string, unknown> = {}) => ({
  name: 'app',
  schema: 'db/schema.ts',
  migrations: 'drizzle',
  ...extra
})
const one = (extra: Record<string, unknown> = {}) => ({ targets: [t(extra)] })

const GOOD: [string, unknown][] = [
  ['schema + migrations', one()],
  ['a drizzle config', { targets: [{ name: 'app', drizzleConfig: 'drizzle.config.json' }] }],
  ['$schema', { $schema: schema.$id, ...one() }],
  ['schema as a list', one({ schema: ['db/schema.ts', 'db/other.ts'] })],
  ['schema as a glob', one({ schema: 'db/*.ts' })],
  ['databases', one({ databases: ['tenant_1', 'tenant_2'] })],
  ['casing snake_case', one({ casing: 'snake_case' })],
  ['casing camelCase', one({ casing: 'camelCase' })],
  ['filters', one({ schemaFilter: 'public', tablesFilter: ['a*', 'b'], extensionsFilters: ['postgis'] })],
  ['migrations table', one({ migrationsTable: 'm', migrationsSchema: 'public' })],
  ['severity', one({ severity: { extra_index: 'warning', 'extra_constraint:public.t.c': 'off' } })],
  ['setup and extensions', one({ setup: ['setup.sql'], extensions: ['pg_trgm'] })],
  ['empty setup', one({ setup: [] })],
  ['transaction false', one({ transaction: false })],
  ['run', one({ run: ['node init.mjs'], urlEnv: 'MASTER_URL', runTimeout: 30 })],
  ['cwd', one({ cwd: '.' })],
  [
    'two targets',
    { targets: [t(), { name: 'tenant', schema: 'db/other.ts', migrations: 'drizzle', databases: ['tenant_1'] }] }
  ]
]

const BAD: [string, unknown, RegExp][] = [
  ['an unknown top-level key', { ...one(), extra: true }, /drift-guard\.config\.json:\d+: unknown key "extra"/],
  ['a misspelt top-level key', { target: [t()] }, /unknown key "target" \(did you mean "targets"\?\)/],
  ['a misspelt target key', one({ databses: ['a'] }), /unknown key "databses" \(did you mean "databases"\?\)/],
  ['"databases": 3', one({ databases: 3 }), /"databases" must be a list of database names \(at least one\)/],
  ['"databases": [1, 2]', one({ databases: [1, 2] }), /"databases" must be/],
  ['"databases": []', one({ databases: [] }), /"databases" must be a list of database names \(at least one\)/],
  ['"databases" twice the same', one({ databases: ['a', 'a'] }), /each once/],
  ['"casing": "kebab"', one({ casing: 'kebab' }), /"casing" must be "snake_case" or "camelCase"/],
  ['"schema": 5', one({ schema: 5 }), /"schema" must be a schema file, folder or glob or a non-empty list/],
  ['"schema": []', one({ schema: [] }), /"schema" must be/],
  ['"schema": [""]', one({ schema: [''] }), /"schema" must be/],
  ['"migrations": 1', one({ migrations: 1 }), /"migrations" must be a non-empty string/],
  ['"name": ""', one({ name: '' }), /"name" must be a non-empty string/],
  ['no name', { targets: [{ schema: 'db/schema.ts', migrations: 'drizzle' }] }, /needs a "name"/],
  ['no targets', {}, /at least one target/],
  ['"targets": []', { targets: [] }, /at least one target/],
  ['"targets": {}', { targets: {} }, /at least one target/],
  ['a target that is a string', { targets: ['app'] }, /targets\[0\] must be an object/],
  ['a list at the top', [one()], /expected an object/],
  ['"$schema": 1', { $schema: 1, ...one() }, /"\$schema" must be a string/],
  ['an unknown target key', one({ databse: ['x'] }), /unknown key "databse"/],
  [
    'neither drizzleConfig nor migrations',
    { targets: [{ name: 'app', schema: 'db/schema.ts' }] },
    /needs "drizzleConfig"/
  ],
  ['"schemaFilter": 1', one({ schemaFilter: 1 }), /"schemaFilter" must be/],
  ['"tablesFilter": [1]', one({ tablesFilter: [1] }), /"tablesFilter" must be/],
  ['"extensionsFilters": "postgis"', one({ extensionsFilters: 'postgis' }), /"extensionsFilters" must be a list/],
  ['"transaction": "no"', one({ transaction: 'no' }), /"transaction" must be true or false/],
  ['"setup": "setup.sql"', one({ setup: 'setup.sql' }), /"setup" must be a list/],
  ['"extensions": [""]', one({ extensions: [''] }), /"extensions" must be a list/],
  ['"severity": []', one({ severity: [] }), /"severity" must be an object/],
  ['"severity" of a kind that is not one', one({ severity: { extra_indx: 'warning' } }), /not a finding kind/],
  ['"severity" value "fatal"', one({ severity: { extra_index: 'fatal' } }), /must be "error", "warning"/],
  ['"severity" object with spaces', one({ severity: { 'extra_index:a b': 'off' } }), /kind:object/],
  ['"run": []', one({ run: [] }), /"run" must be a list of commands \(at least one\)/],
  ['"run": "npm run x"', one({ run: 'npm run x' }), /"run" must be/],
  ['"urlEnv" without run', one({ urlEnv: 'X' }), /add "run"/],
  ['"urlEnv": "1X"', one({ run: ['x'], urlEnv: '1X' }), /environment variable name/],
  ['"runTimeout": 0', one({ run: ['x'], runTimeout: 0 }), /"runTimeout" must be a number of seconds/],
  ['"runTimeout": "30"', one({ run: ['x'], runTimeout: '30' }), /"runTimeout" must be/],
  ['"migrationsTable": ""', one({ migrationsTable: '' }), /"migrationsTable" must be a non-empty string/]
]

test.each(GOOD)('accepted by the tool and the schema: %s', (_, config) => {
  expect(toolVerdict(config)).toEqual({ ok: true })
  expect(validate(config) ? [] : validate.errors).toEqual([])
})

test.each(BAD)('refused by the tool (file, line, what) and the schema: %s', (_, config, message) => {
  const verdict = toolVerdict(config)
  expect(verdict.ok).toBe(false)
  expect(verdict.message).toMatch(/^drift-guard\.config\.json:\d+: /)
  expect(verdict.message).toMatch(message)
  expect(validate(config)).toBe(false)
})

test('what only the tool can check: files that exist, names that are unique (the schema accepts these)', () => {
  const onlyTheTool: [unknown, RegExp][] = [
    [one({ setup: ['missing.sql'] }), /setup file not found: missing\.sql/],
    [one({ migrations: 'nowhere' }), /migrations folder not found/],
    [{ targets: [{ name: 'app', drizzleConfig: 'nowhere.ts' }] }, /drizzle config not found/],
    [{ targets: [t(), { ...t(), schema: 'db/other.ts' }] }, /two targets are named "app"/]
  ]
  for (const [config, message] of onlyTheTool) {
    expect(validate(config)).toBe(true)
    expect(toolVerdict(config).message).toMatch(message)
  }
})

test('the messages point at the line of the value', () => {
  const text =
    '{\n  "targets": [\n    {\n      "name": "app",\n      "schema": 5,\n      "migrations": "drizzle"\n    }\n  ],\n  "extra": 1\n}\n'
  expect(toolVerdict(text).message).toMatch(/^drift-guard\.config\.json:9: unknown key "extra"/)
  expect(toolVerdict(text.replace(',\n  "extra": 1', '')).message).toMatch(
    /^drift-guard\.config\.json:5: .*"schema" must be/
  )
})

test('the schema and the tool know the same keys and the same finding kinds', () => {
  const target = schema.definitions.target
  expect(Object.keys(target.properties).sort()).toEqual(Object.keys(TARGET_KEY_CHECKS).sort())
  const kinds = /^\^\(([^)]*)\)/.exec(target.properties.severity.propertyNames.pattern)?.[1].split('|')
  expect([...(kinds ?? [])].sort()).toEqual([...FINDING_KINDS].sort())
})

test('the CLI exits 2 on a config with an unknown key, naming the file and line', async () => {
  fs.writeFileSync(path.join(project, 'drift-guard.config.json'), JSON.stringify({ ...one(), extra: 1 }, null, 2))
  let stderr = ''
  const code = await runCli(['check', '--cwd', project], {
    stdout: () => undefined,
    stderr: (text) => void (stderr += text),
    env: {}
  })
  expect(code).toBe(2)
  expect(stderr).toMatch(/drift-guard\.config\.json:\d+: unknown key "extra"/)
  expect(stderr).not.toMatch(/\n\s+at /)
})
