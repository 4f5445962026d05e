// `drift-guard init`: sets a repository up without asking anything. The targets are discovered as `check` discovers
// them (every drizzle config), and two files are written: drift-guard.config.json naming them, and a GitHub workflow
// that runs the action on pull requests. An existing file is never overwritten without `force`, and a file whose
// content would not change is left alone, so running init twice changes nothing.
import * as fs from 'node:fs'
import * as path from 'node:path'
import { UsageError } from '../core/errors'
import { TOOL_VERSION } from '../core/version'
import { CONFIG_SCHEMA_URL, DEFAULT_CONFIG_FILE } from '../config/load-config'
import { discoverTargets } from '../config/discover'

/** The action as users reference it, pinned to the major version of this tool. */
export const ACTION_NAME = 'drizzle-drift-guard/drizzle-drift-guard'
export const WORKFLOW_FILE = path.join('.github', 'workflows', 'drift-guard.yml')

export interface InitOptions {
  /** The project folder (where drift-guard.config.json goes). */
  root: string
  /** The config file to write, relative to root (default drift-guard.config.json). */
  configFile?: string
  /** Overwrite files that exist with other content. */
  force?: boolean
}

export type FileOutcome = 'written' | 'unchanged' | 'kept' | 'overwritten'

export interface InitFile {
  /** Absolute path. */
  file: string
  outcome: FileOutcome
}

export interface InitResult {
  config: InitFile
  workflow: InitFile
  /** The discovered targets written into the config (empty when an existing config was kept). */
  targets: string[]
  /** Discovery's notes (skipped configs) and configs that could not be read. */
  notes: string[]
}

/** The repository root: the nearest folder above `dir` (or `dir`) holding .git; `dir` itself when there is none. */
export function repositoryRoot(dir: string): string {
  for (let at = path.resolve(dir); ; at = path.dirname(at)) {
    if (fs.existsSync(path.join(at, '.git'))) return at
    if (path.dirname(at) === at) return path.resolve(dir)
  }
}

const toPosix = (p: string): string => p.split(path.sep).join('/')

export function configText(targets: { name: string; drizzleConfig: string }[]): string {
  const config = {
    $schema: CONFIG_SCHEMA_URL,
    // No "databases": the names written there are the real ones (the audit connects to them), which only the user
    // knows; a check names its one database after the target meanwhile.
    targets: targets.map((t) => ({ name: t.name, drizzleConfig: toPosix(t.drizzleConfig) }))
  }
  return JSON.stringify(config, null, 2) + '\n'
}

/** The workflow: the check on every pull request (and by hand), with the least permissions it needs. */
export function workflowText(workingDirectory: string, configFile: string): string {
  const major = `v${TOOL_VERSION.split('.')[0]}`
  const inputs = [
    ...(workingDirectory === '.' ? [] : [`          working-directory: ${workingDirectory}`]),
    `          config: ${configFile}`
  ]
  return `# Written by \`drift-guard init\`: proves on every pull request that the migrations build what the Drizzle schema
# declares (https://github.com/${ACTION_NAME}). Make the "drift-guard" check required in the branch protection.
name: Drift guard

on:
  pull_request:
  workflow_dispatch:

permissions:
  contents: read
  pull-requests: write # one sticky comment with the findings

jobs:
  drift-guard:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
        with:
          fetch-depth: 0 # the pull request's base commit: edited or misordered migrations are found too
      - uses: ${ACTION_NAME}@${major}
        with:
${inputs.join('\n')}
`
}

function writeFile(file: string, text: string, force: boolean): InitFile {
  if (fs.existsSync(file)) {
    if (fs.statSync(file).isDirectory()) throw new UsageError(`${file} is a folder: init cannot write a file there`)
    if (fs.readFileSync(file, 'utf8') === text) return { file, outcome: 'unchanged' }
    if (!force) return { file, outcome: 'kept' }
    fs.writeFileSync(file, text)
    return { file, outcome: 'overwritten' }
  }
  fs.mkdirSync(path.dirname(file), { recursive: true })
  fs.writeFileSync(file, text)
  return { file, outcome: 'written' }
}

export function initProject(options: InitOptions): InitResult {
  const root = path.resolve(options.root)
  if (!fs.existsSync(root) || !fs.statSync(root).isDirectory()) throw new UsageError(`Folder not found: ${root}`)
  const configRel = options.configFile ?? DEFAULT_CONFIG_FILE
  const configFile = path.resolve(root, configRel)
  const force = options.force ?? false
  const notes: string[] = []
  let targets: string[] = []
  let config: InitFile
  const exists = fs.existsSync(configFile)
  let discovered: ReturnType<typeof discoverTargets> | undefined
  try {
    discovered = discoverTargets(root)
  } catch (error) {
    // A config of the user's own needs no drizzle config to be discovered.
    if (!exists || force) throw error
  }
  if (!discovered) {
    config = { file: configFile, outcome: 'kept' }
  } else {
    // The first note says that no config was found; init is writing one.
    notes.push(...discovered.notes.slice(1))
    for (const failed of discovered.failedTargets ?? [])
      notes.push(
        `left out ${path.relative(root, failed.drizzleConfig)}: ${failed.error.message} (add it to ${configRel} once it loads)`
      )
    const written = discovered.targets.map((t) => ({
      name: t.name,
      // Relative to the config file's folder, as paths in the config are.
      drizzleConfig: path.relative(path.dirname(configFile), t.drizzleConfig!)
    }))
    config = writeFile(configFile, configText(written), force)
    // An existing config of the user's is what the check uses, not the discovered targets.
    if (config.outcome !== 'kept') targets = written.map((t) => t.name)
  }
  const repository = repositoryRoot(root)
  const workingDirectory = toPosix(path.relative(repository, root)) || '.'
  const workflow = writeFile(
    path.join(repository, WORKFLOW_FILE),
    workflowText(workingDirectory, toPosix(path.relative(root, configFile))),
    force
  )
  return { config, workflow, targets, notes }
}
