// Which drizzle generation a target uses (docs/drizzle-1.md): 0.x or 1.x, each checked with its own serialiser,
// names, snapshot rules and migrator rules. Decided from the drizzle-orm / drizzle-kit installed for the project,
// else the versions the nearest package.json (or the root's) asks for, else the migrations folder's layout.
import * as fs from 'node:fs'
import * as path from 'node:path'
import { createRequire } from 'node:module'
import { ResolvedTarget } from '../config/load-config'
import { readPnpmWorkspace } from '../config/workspaces'
import { DrizzleGeneration, isToolInstallation } from '../core/vendor'
import { V1_FOLDER } from '../migrations/folder'

export interface DrizzleChoice {
  generation: DrizzleGeneration
  /** Why, in a few words (`drizzle-orm 1.0.0-rc.5 is installed`). */
  evidence: string
  /**
   * A 1.0.0-beta project: its drizzle-kit still applies the drizzle config's `casing` (read in beta.9, beta.15 and
   * beta.22), which 1.0.0-rc and later ignore (casing is declared on the tables there).
   */
  beta: boolean
}

export function chooseDrizzleGeneration(target: ResolvedTarget, root: string): DrizzleChoice {
  const installed = installedVersions(target)
  const installed1 = installed.find(([, version]) => isMajorOneOrLater(version))
  if (installed1) return choice('1.x', `${installed1[0]} ${installed1[1]} is installed`, installed1[1])
  if (installed.length > 0) return choice('0.x', `${installed[0][0]} ${installed[0][1]} is installed`, '')
  const files = new Set<string>()
  const nearest = nearestPackageJson(target.drizzleConfig ? path.dirname(target.drizzleConfig) : target.cwd, root)
  if (nearest) files.add(nearest)
  if (fs.existsSync(path.join(root, 'package.json'))) files.add(path.join(root, 'package.json'))
  let asked0: string | undefined
  for (const file of files) {
    for (const [name, spec] of askedVersions(file, root)) {
      if (isMajorOneOrLater(spec)) return choice('1.x', `${rel(root, file)} asks for ${name} ${spec}`, spec)
      asked0 ??= `${rel(root, file)} asks for ${name} ${spec}`
    }
  }
  if (isV1Folder(target.migrationsDir))
    return choice('1.x', `${rel(root, target.migrationsDir)} has drizzle-kit 1.x's folder layout`, '')
  return choice('0.x', asked0 ?? 'nothing says 1.x', '')
}

const choice = (generation: DrizzleGeneration, evidence: string, version: string): DrizzleChoice => ({
  generation,
  evidence,
  beta: /beta/i.test(version)
})

/** Why the target is taken for a drizzle-kit 1.x project, or undefined for 0.x. */
export function drizzleKit1Evidence(target: ResolvedTarget, root: string): string | undefined {
  const chosen = chooseDrizzleGeneration(target, root)
  return chosen.generation === '1.x' ? chosen.evidence : undefined
}

/** drizzle-orm as the schema resolves it, and drizzle-kit as the config's folder does (not the tool's own copies). */
function installedVersions(target: ResolvedTarget): [string, string][] {
  const out: [string, string][] = []
  const from = target.schemaFiles?.[0] ?? path.join(target.cwd, 'index.ts')
  try {
    const entry = createRequire(from).resolve('drizzle-orm')
    const version = isToolInstallation(entry) ? undefined : packageVersionAbove(entry, 'drizzle-orm')
    if (version) out.push(['drizzle-orm', version])
  } catch {
    // not installed
  }
  for (let dir = target.cwd; ; dir = path.dirname(dir)) {
    const file = path.join(dir, 'node_modules', 'drizzle-kit', 'package.json')
    if (fs.existsSync(file)) {
      if (!isToolInstallation(file)) {
        const version = readVersion(file)
        if (version) out.push(['drizzle-kit', version])
      }
      break
    }
    if (dir === path.dirname(dir)) break
  }
  return out
}

function packageVersionAbove(entry: string, name: string): string | undefined {
  for (let dir = path.dirname(entry); dir !== path.dirname(dir); dir = path.dirname(dir)) {
    const file = path.join(dir, 'package.json')
    if (fs.existsSync(file)) {
      try {
        const json = JSON.parse(fs.readFileSync(file, 'utf8')) as { name?: string; version?: string }
        if (json.name === name) return json.version
      } catch {
        // keep walking up
      }
    }
  }
  return undefined
}

function readVersion(file: string): string | undefined {
  try {
    return (JSON.parse(fs.readFileSync(file, 'utf8')) as { version?: string }).version
  } catch {
    return undefined
  }
}

/** `<YYYYMMDDHHmmss>_<name>/` folders and no meta/_journal.json, as readMigrationFolder tells the layouts apart. */
export function isV1Folder(dir: string): boolean {
  if (fs.existsSync(path.join(dir, 'meta', '_journal.json'))) return false
  try {
    return fs.readdirSync(dir, { withFileTypes: true }).some((e) => e.isDirectory() && V1_FOLDER.test(e.name))
  } catch {
    return false
  }
}

function nearestPackageJson(from: string, root: string): string | undefined {
  for (let dir = from; ; dir = path.dirname(dir)) {
    const file = path.join(dir, 'package.json')
    if (fs.existsSync(file)) return file
    if (dir === root || dir === path.dirname(dir) || !dir.startsWith(root)) return undefined
  }
}

function askedVersions(file: string, root: string): [string, string][] {
  let json: Record<string, Record<string, string> | undefined>
  try {
    json = JSON.parse(fs.readFileSync(file, 'utf8')) as typeof json
  } catch {
    return [] // an unreadable package.json says nothing about the version
  }
  const out: [string, string][] = []
  for (const name of ['drizzle-kit', 'drizzle-orm']) {
    for (const group of ['dependencies', 'devDependencies', 'peerDependencies', 'optionalDependencies']) {
      const spec = json[group]?.[name]
      if (typeof spec !== 'string') continue
      out.push([
        name,
        spec.startsWith('catalog:') ? (catalogVersion(root, name, spec.slice('catalog:'.length)) ?? spec) : spec
      ])
    }
  }
  return out
}

/** A pnpm catalog entry (`catalog:` or `catalog:<name>` in the root's pnpm-workspace.yaml). */
function catalogVersion(root: string, name: string, catalog: string): string | undefined {
  const file = path.join(root, 'pnpm-workspace.yaml')
  if (!fs.existsSync(file)) return undefined
  return readPnpmWorkspace(file, root)
    .catalogs.get(catalog || 'default')
    ?.get(name)
}

/**
 * The version an `npm:` alias asks for (`npm:drizzle-kit@1.0.0-beta.2`, `npm:@some/fork@^1.0.0`): a fork published
 * under another name still says which drizzle it follows. Anything else is returned as it is.
 */
function aliasedVersion(spec: string): string {
  const alias = /^npm:(?:@[^/@\s]+\/)?[^@\s]+@(.*)$/.exec(spec.trim())
  return alias ? alias[1] : spec
}

/** "^1.0.0-beta.2", "1.0.0-rc.2", ">=1", "beta": drizzle-kit 1.x (its pre-releases were published as beta / rc). */
export function isMajorOneOrLater(spec: string): boolean {
  const s = aliasedVersion(spec).trim()
  if (/^(beta|rc|next)$/i.test(s)) return true
  const m = /^[\^~>=v\s]*(\d+)(?:[.\s]|$)/.exec(s)
  return m !== null && Number(m[1]) >= 1
}

const rel = (root: string, file: string): string => path.relative(root, file) || '.'
