// Whether a target is a drizzle-kit 1.x project. The schema is serialised by the bundled 0.31, which names unnamed
// constraints otherwise (./kit1-names.ts), so the project's own generation has to be known: from the migrations
// folder's layout, else from the drizzle-kit / drizzle-orm version the nearest package.json (or the root's) asks for.
import * as fs from 'node:fs'
import * as path from 'node:path'
import { ResolvedTarget } from '../config/load-config'
import { readPnpmWorkspace } from '../config/workspaces'

/** Why the target is taken for a drizzle-kit 1.x project, or undefined for 0.x. */
export function drizzleKit1Evidence(target: ResolvedTarget, root: string): string | undefined {
  if (isV1Folder(target.migrationsDir)) return `${rel(root, target.migrationsDir)} has drizzle-kit 1.x's folder layout`
  const files = new Set<string>()
  const nearest = nearestPackageJson(target.drizzleConfig ? path.dirname(target.drizzleConfig) : target.cwd, root)
  if (nearest) files.add(nearest)
  if (fs.existsSync(path.join(root, 'package.json'))) files.add(path.join(root, 'package.json'))
  for (const file of files) {
    const asked = askedVersions(file, root)
    for (const [name, spec] of asked) if (isMajorOneOrLater(spec)) return `${rel(root, file)} asks for ${name} ${spec}`
  }
  return undefined
}

/** `<YYYYMMDDHHmmss>_<name>/` folders and no meta/_journal.json, as readMigrationFolder tells the layouts apart. */
export function isV1Folder(dir: string): boolean {
  if (fs.existsSync(path.join(dir, 'meta', '_journal.json'))) return false
  try {
    return fs.readdirSync(dir, { withFileTypes: true }).some((e) => e.isDirectory() && /^\d{14}_/.test(e.name))
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
