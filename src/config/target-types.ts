// The shapes of drift-guard.config.json and of a resolved target (absolute paths), shared by loading and discovery.
import { SeverityOverrides } from '../core/findings'
import { JsonPath } from '../core/json'
import { UsageError } from '../core/errors'

export const DEFAULT_CONFIG_FILE = 'drift-guard.config.json'

/** A target as written in drift-guard.config.json. */
export interface TargetConfig {
  name: string
  drizzleConfig?: string
  schema?: string | string[]
  migrations?: string
  databases?: string[]
  /** Folder drizzle-kit runs from (schema and out are relative to it). */
  cwd?: string
  casing?: 'snake_case' | 'camelCase'
  schemaFilter?: string | string[]
  tablesFilter?: string | string[]
  extensionsFilters?: string[]
  migrationsTable?: string
  migrationsSchema?: string
  severity?: SeverityOverrides
  /** SQL files run, in order, in every throwaway database before anything else (platform schemas, roles). */
  setup?: string[]
  /** Extensions created in every throwaway database first, as a provider that preinstalls them. */
  extensions?: string[]
  /** false: apply each migration statement on its own, outside a transaction (runners other than drizzle's). */
  transaction?: boolean
  /** Commands run after the migrations against each migrated throwaway database (the project's init, e.g. db:init). */
  run?: string[]
  /** The environment variable that carries the database's URL to those commands (default DATABASE_URL). */
  urlEnv?: string
  /** Time limit of each command, in seconds (default 120). */
  runTimeout?: number
}

/** The commands of a target's `run`, resolved. */
export interface RunCommandsConfig {
  commands: string[]
  urlEnv: string
  timeoutSeconds: number
  /** Where each command is written: the config file (relative to the root) and the line of each command. */
  declared?: { file: string; lines: (number | undefined)[] }
}

export interface DriftGuardConfig {
  /** The JSON Schema editors check the file with (schema/drift-guard.config.schema.json). */
  $schema?: string
  targets: TargetConfig[]
}

/** A target with everything resolved: what the engine works on. */
export interface ResolvedTarget {
  name: string
  /** Absolute path of the drizzle config, when the target came from one. */
  drizzleConfig?: string
  cwd: string
  schemaPatterns: string[]
  schemaFiles: string[]
  migrationsDir: string
  databases: string[]
  /** Whether the migrations folder was given (`out`, or the target's `migrations`), not drizzle-kit's default. */
  outDeclared: boolean
  /** Whether the config named the databases (else `databases` is the target's name, a label only). */
  databasesNamed: boolean
  casing?: 'snake_case' | 'camelCase'
  schemaFilter?: string[]
  tablesFilter?: string[]
  extensionsFilters?: string[]
  migrationsTable: string
  migrationsSchema: string
  severity: SeverityOverrides
  /** Absolute paths of the setup SQL files, in order. */
  setup: string[]
  extensions: string[]
  /** The config file that names `extensions` (relative to the root) and the line of each name in it. */
  extensionsDeclared?: { file: string; lines: Record<string, number> }
  /** Whether migrations are applied in one transaction, as drizzle's migrator does (default). */
  transaction: boolean
  /** The project's init commands run against each migrated database (absent: none). */
  run?: RunCommandsConfig
  /** What the report should say about how the target's drizzle config was read (an old format, read from source). */
  notes?: string[]
}

/** A discovered config that cannot be checked (stale paths, throws): reported as that target's error. */
export interface FailedTarget {
  name: string
  /** Absolute path of the drizzle config. */
  drizzleConfig: string
  error: UsageError
}

export interface LoadedConfig {
  root: string
  configFile?: string
  targets: ResolvedTarget[]
  /** Discovery only: with drift-guard.config.json every target must resolve. */
  failedTargets?: FailedTarget[]
  notes: string[]
}

export interface DrizzleKitConfig {
  dialect?: string
  /** drizzle-kit before 0.21: `driver: 'pg'` was PostgreSQL (there was no dialect). */
  driver?: string
  /** Set when the config could not be evaluated and its plain-string settings were read from its source: why. */
  unevaluated?: string
  schema?: string | string[]
  out?: string
  casing?: 'snake_case' | 'camelCase'
  schemaFilter?: string | string[]
  tablesFilter?: string | string[]
  extensionsFilters?: string[]
  migrations?: { table?: string; schema?: string; prefix?: string }
}

/** Where a target is written in drift-guard.config.json: the file (relative to the root) and the line of a value in it. */
export interface TargetSource {
  file: string
  /** The line of the target's value at this path (`['setup', 1]`), or of the target when that is not written. */
  line(path: JsonPath): number | undefined
}
