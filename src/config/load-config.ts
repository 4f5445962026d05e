// Reads drift-guard.config.json (or discovers drizzle configs) and resolves every target to absolute paths.
import * as fs from 'node:fs'
import * as path from 'node:path'
import { UsageError } from '../core/errors'
import { JsonSyntaxError, jsonLines, parseJson } from '../core/json'
import { DEFAULT_CONFIG_FILE, DriftGuardConfig, FailedTarget, LoadedConfig } from './target-types'
import { resolveTarget, withoutDuplicates } from './resolve-target'
import { discoverTargets } from './discover'
import { configShapeProblem } from './config-shape'
import { runProjectCode } from '../project-code/parent-side'
import { SerialisedError, reviveError, serialiseError } from '../project-code/protocol'

export * from './target-types'
export { inFolder, loadDrizzleConfig } from './resolve-target'
export { CONFIG_SCHEMA_URL } from './config-shape'

export function loadConfig(root: string, configPath?: string): LoadedConfig {
  root = path.resolve(root)
  if (!fs.existsSync(root) || !fs.statSync(root).isDirectory()) throw new UsageError(`Folder not found: ${root}`)
  const explicit = configPath !== undefined
  const file = path.resolve(root, configPath ?? DEFAULT_CONFIG_FILE)
  if (fs.existsSync(file) && fs.statSync(file).isDirectory())
    throw new UsageError(
      `${configPath ?? DEFAULT_CONFIG_FILE} is a folder, not a config file (give the drift-guard.config.json inside it)`
    )
  // Paths in the config (and in the report) are relative to the config file's folder, wherever the tool runs from.
  if (fs.existsSync(file)) return loadConfigFile(path.dirname(file), file)
  if (explicit) throw new UsageError(`Config file not found: ${path.relative(process.cwd(), file) || file}`)
  return discoverTargets(root)
}

/** A LoadedConfig as plain data: the errors of the targets that failed, as data. */
export type LoadedConfigData = Omit<LoadedConfig, 'failedTargets'> & {
  failedTargets?: (Omit<FailedTarget, 'error'> & { error: SerialisedError })[]
}

export function configAsData(config: LoadedConfig): LoadedConfigData {
  return { ...config, failedTargets: config.failedTargets?.map((f) => ({ ...f, error: serialiseError(f.error) })) }
}

/**
 * loadConfig in the project-code process (../project-code): drizzle configs are TypeScript of the pull request,
 * which must not run next to the tool's secrets, nor hold the run (time limit), nor end it (process.exit()).
 */
export async function loadConfigInChild(root: string, configPath?: string): Promise<LoadedConfig> {
  const absolute = path.resolve(root)
  const data = (await runProjectCode({
    kind: 'config',
    input: { root, configPath },
    root: absolute,
    what: 'the drizzle config',
    file: path.resolve(absolute, configPath ?? DEFAULT_CONFIG_FILE)
  })) as LoadedConfigData
  if (!data || typeof data !== 'object' || !Array.isArray(data.targets))
    throw new Error('the project-code process answered no config')
  return {
    ...data,
    failedTargets: data.failedTargets?.map((f) => ({ ...f, error: reviveError(f.error) as UsageError }))
  }
}

function loadConfigFile(root: string, file: string): LoadedConfig {
  const rel = path.relative(root, file)
  let parsed: unknown
  const text = fs.readFileSync(file, 'utf8')
  try {
    parsed = parseJson(text)
  } catch (error) {
    const line = (error as JsonSyntaxError).line
    throw new UsageError(`${rel}${line ? `:${line}` : ''}: malformed JSON: ${(error as Error).message}`, rel, line)
  }
  const lines = jsonLines(text)
  // An error about a value names the file and the line the value is written on.
  const at = (line: number | undefined): string => `${rel}${line ? `:${line}` : ''}`
  const fail = (message: string, line: number | undefined): never => {
    throw new UsageError(`${at(line)}: ${message}`, rel, line)
  }
  // Keys and types first (the same rules as schema/drift-guard.config.schema.json), so that what follows may trust them.
  const problem = configShapeProblem(parsed)
  if (problem) fail(problem.message, (problem.atKey ? lines.key(problem.at) : lines.value(problem.at)) ?? 1)
  const config = parsed as DriftGuardConfig
  const names = new Set<string>()
  const targets = config.targets.map((target, index) => {
    if (names.has(target.name)) fail(`two targets are named "${target.name}"`, lines.value(['targets', index, 'name']))
    names.add(target.name)
    return resolveTarget(root, target, rel, {
      file: rel,
      line: (keys) => lines.value(['targets', index, ...keys]) ?? lines.value(['targets', index])
    })
  })
  const unique = withoutDuplicates(targets, root, true)
  return { root, configFile: file, targets: unique.targets, notes: unique.notes }
}
