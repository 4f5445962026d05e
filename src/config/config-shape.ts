// The shape of drift-guard.config.json: every key known, every value of the right type, before anything is resolved
// (so a `"schema": 5` is a config error at its line, not a TypeError deep in the glob code). The same rules are
// written as a JSON Schema for editors in schema/drift-guard.config.schema.json; __tests__/config-schema.test.ts
// runs both on the same good and bad configs and asserts they agree. What a schema cannot say (a file exists, two
// targets share a name, a severity names a real finding kind) is checked later, by resolveTarget.
import { JsonPath } from '../core/json'
import { closestName } from '../core/suggest'

/** Where the JSON Schema is published: the `"$schema"` of every config the tool writes. */
export const CONFIG_SCHEMA_URL = 'https://unpkg.com/drizzle-drift-guard@1/schema/drift-guard.config.schema.json'

export const TOP_LEVEL_KEYS = ['$schema', 'targets'] as const

export const CASINGS = ['snake_case', 'camelCase'] as const

/** What is wrong with a value, and where inside it (a list's wrong item), or undefined when it is right. */
type Check = (value: unknown) => { wrong: string; at?: JsonPath } | undefined

const isText = (v: unknown): boolean => typeof v === 'string' && v.trim() !== ''
const nonEmptyString: Check = (v) => (isText(v) ? undefined : { wrong: 'must be a non-empty string' })
const stringList =
  (what: string, { nonEmpty = false, unique = false } = {}): Check =>
  (v) => {
    const wrong = `must be a list of ${what}${nonEmpty ? ' (at least one)' : ''}`
    if (!Array.isArray(v) || (nonEmpty && v.length === 0)) return { wrong }
    const item = v.findIndex((x) => !isText(x))
    if (item >= 0) return { wrong, at: [item] }
    const again = unique ? v.findIndex((x, i) => v.indexOf(x) !== i) : -1
    return again >= 0 ? { wrong: `${wrong}, each once ("${v[again]}" is there twice)`, at: [again] } : undefined
  }
const stringOrList =
  (what: string): Check =>
  (v) =>
    isText(v) || (Array.isArray(v) && v.length > 0 && v.every(isText))
      ? undefined
      : { wrong: `must be a ${what} or a non-empty list of them` }
const check =
  (ok: (v: unknown) => boolean, wrong: string): Check =>
  (v) =>
    ok(v) ? undefined : { wrong }

/** The type of each key of a target; the values themselves are checked further when the target is resolved. */
export const TARGET_KEY_CHECKS: Record<string, Check> = {
  name: nonEmptyString,
  drizzleConfig: nonEmptyString,
  schema: stringOrList('schema file, folder or glob'),
  migrations: nonEmptyString,
  databases: stringList('database names', { nonEmpty: true, unique: true }),
  cwd: nonEmptyString,
  casing: check((v) => CASINGS.includes(v as never), `must be ${CASINGS.map((c) => `"${c}"`).join(' or ')}`),
  schemaFilter: stringOrList('Postgres schema name'),
  tablesFilter: stringOrList('table name or glob'),
  extensionsFilters: stringList('extension names'),
  migrationsTable: nonEmptyString,
  migrationsSchema: nonEmptyString,
  severity: check(
    (v) => v !== null && typeof v === 'object' && !Array.isArray(v),
    'must be an object of finding kinds, e.g. { "extra_index": "warning" }'
  ),
  setup: stringList('SQL file paths'),
  extensions: stringList('extension names'),
  transaction: check((v) => typeof v === 'boolean', 'must be true or false'),
  run: stringList('commands', { nonEmpty: true }),
  urlEnv: check(
    (v) => typeof v === 'string' && /^[A-Za-z_][A-Za-z0-9_]*$/.test(v),
    'must be an environment variable name, e.g. "MASTER_DATABASE_URL"'
  ),
  runTimeout: check(
    (v) => typeof v === 'number' && Number.isFinite(v) && v > 0 && v <= 2_147_483,
    'must be a number of seconds (more than 0, at most 2147483)'
  )
}

export interface ShapeProblem {
  message: string
  /** Where it is: the key's line for an unknown key, else the value's. */
  at: JsonPath
  atKey?: boolean
}

/** The first problem with the shape of a parsed config, or undefined when it has the right shape. */
export function configShapeProblem(config: unknown): ShapeProblem | undefined {
  if (config === null || typeof config !== 'object' || Array.isArray(config))
    return { message: 'expected an object: { "targets": [ { "name": …, "drizzleConfig": … } ] }', at: [] }
  for (const key of Object.keys(config)) {
    if (!(TOP_LEVEL_KEYS as readonly string[]).includes(key))
      return {
        message: `unknown key "${key}"${didYouMean(key, TOP_LEVEL_KEYS)} (a config has ${TOP_LEVEL_KEYS.map((k) => `"${k}"`).join(' and ')}; target options go inside a target)`,
        at: [key],
        atKey: true
      }
  }
  const { $schema, targets } = config as { $schema?: unknown; targets?: unknown }
  if ($schema !== undefined && typeof $schema !== 'string')
    return { message: '"$schema" must be a string', at: ['$schema'] }
  if (!Array.isArray(targets) || targets.length === 0)
    return {
      message: 'expected { "targets": [ { "name": …, "drizzleConfig": … } ] } with at least one target',
      at: ['targets']
    }
  for (const [index, target] of targets.entries()) {
    if (target === null || typeof target !== 'object' || Array.isArray(target))
      return { message: `targets[${index}] must be an object with a "name"`, at: ['targets', index] }
    const fields = target as Record<string, unknown>
    const named = isText(fields.name)
    const label = named ? `targets[${index}] ("${fields.name}")` : `targets[${index}]`
    if (fields.name === undefined) return { message: `${label} needs a "name"`, at: ['targets', index] }
    for (const [key, value] of Object.entries(fields)) {
      const checkValue = TARGET_KEY_CHECKS[key]
      if (!checkValue)
        return {
          message: `${label} has an unknown key "${key}"${didYouMean(key, Object.keys(TARGET_KEY_CHECKS))}`,
          at: ['targets', index, key],
          atKey: true
        }
      const problem = checkValue(value)
      // Worded as resolveTarget words the errors it finds later: target "app": "setup" must be …
      if (problem)
        return {
          message: `${named ? `target "${fields.name}"` : label}: "${key}" ${problem.wrong}`,
          at: ['targets', index, key, ...(problem.at ?? [])]
        }
    }
    if (fields.drizzleConfig === undefined && (fields.schema === undefined || fields.migrations === undefined))
      return {
        message: `${label} needs "drizzleConfig", or both "schema" and "migrations"`,
        at: ['targets', index]
      }
    for (const key of ['urlEnv', 'runTimeout'])
      if (fields[key] !== undefined && fields.run === undefined)
        return {
          message: `${label}: "${key}" ${key === 'urlEnv' ? 'is the variable the "run" commands get the URL in' : 'limits the "run" commands'}: add "run"`,
          at: ['targets', index, key]
        }
  }
  return undefined
}

/** " (did you mean "targets"?)" for a misspelt key, else nothing. */
function didYouMean(key: string, known: readonly string[]): string {
  const closest = closestName(key, new Set(known))
  return closest ? ` (did you mean "${closest}"?)` : ''
}
