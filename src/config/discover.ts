// Without drift-guard.config.json: the targets are found from the repository's drizzle configs (and the configs
// its package.json scripts name).
import * as fs from 'node:fs'
import * as path from 'node:path'
import { UsageError } from '../core/errors'
import { glob } from './glob'
import { DEFAULT_CONFIG_FILE, LoadedConfig, ResolvedTarget, FailedTarget } from './target-types'
import { MissingMigrationsFolderError, resolveTarget, withoutDuplicates } from './resolve-target'

const CONFIG_EXTENSIONS = '{ts,mts,cts,js,mjs,cjs,json}'

/**
 * Configs that package.json scripts pass to drizzle-kit (`drizzle-kit generate --config ./configs/pg.config.ts`),
 * resolved from the script's package folder: projects name them freely (homarr: configs/postgresql.config.ts).
 */
function configsNamedInScripts(root: string): string[] {
  const out: string[] = []
  for (const manifest of glob('**/package.json', root)) {
    let scripts: unknown
    try {
      scripts = (JSON.parse(fs.readFileSync(manifest, 'utf8')) as { scripts?: unknown }).scripts
    } catch {
      continue // a broken package.json is reported where it matters (workspaces), not by discovery
    }
    if (!scripts || typeof scripts !== 'object') continue
    for (const script of Object.values(scripts as Record<string, unknown>)) {
      if (typeof script !== 'string' || !/drizzle-kit/.test(script)) continue
      for (const m of script.matchAll(
        /drizzle-kit\s+[\w:-]+[^&|;]*?--config[=\s]+(?:"([^"]+)"|'([^']+)'|([^\s&|;]+))/g
      )) {
        const file = path.resolve(path.dirname(manifest), m[1] ?? m[2] ?? m[3])
        if (fs.existsSync(file) && fs.statSync(file).isFile()) out.push(file)
      }
    }
  }
  return out
}

/**
 * Without a config file: every drizzle config in the repository (drizzle.config.ts, drizzle.*.config.ts,
 * drizzle-*.config.ts, drizzle.config.*.ts…, outside node_modules and build folders) is a target, named after it.
 * Configs for other dialects are skipped with a note.
 */
export function discoverTargets(root: string): LoadedConfig {
  const candidates = [
    ...glob(`**/drizzle*.config.${CONFIG_EXTENSIONS}`, root),
    ...glob(`**/drizzle.config.*.${CONFIG_EXTENSIONS}`, root),
    ...configsNamedInScripts(root)
  ]
  const found = [...new Set(candidates)]
    .filter((f) => !/\.d\.[mc]?ts$/.test(f))
    .sort()
    .map((f) => path.relative(root, f))
  if (found.length === 0) {
    throw new UsageError(
      `No ${DEFAULT_CONFIG_FILE} and no drizzle config (drizzle*.config.{ts,mts,cts,js,mjs,cjs,json} outside node_modules and build folders, or one a package.json script passes to drizzle-kit) in ${root}. ` +
        `Write ${DEFAULT_CONFIG_FILE} with your targets, or pass --config.`
    )
  }
  const notes: string[] = []
  const targets: ResolvedTarget[] = []
  const failedTargets: FailedTarget[] = []
  const used = new Set<string>()
  for (const file of found) {
    const base = path.basename(file)
    // drizzle.master.config.ts → "master"; a config named in a script (postgresql.config.ts) → "postgresql".
    const middle = (/^drizzle[.-]([\w.-]+?)\.config\./.exec(base) ??
      /^drizzle\.config\.([\w.-]+)\.\w+$/.exec(base) ??
      /^(?!drizzle\.)([\w.-]+?)(?:\.config)?\.\w+$/.exec(base))?.[1]
    const folder = path.dirname(file) === '.' ? '' : path.dirname(file).split(path.sep).join('/')
    let name = middle ? (folder ? `${folder}:${middle}` : middle) : folder || rootPackageName(root) || 'default'
    for (let i = 2; used.has(name); i++) name = `${name}-${i}`
    used.add(name)
    try {
      targets.push(resolveTarget(root, { name, drizzleConfig: file }, '(discovered)'))
    } catch (error) {
      if (error instanceof UsageError && /dialect is/.test(error.message)) {
        notes.push(`skipped ${file}: ${error.message.replace(/^[^:]*: /, '')}`)
        continue
      }
      // No `out` and no drizzle/ folder: a config for `drizzle-kit push` (a test database, say), with nothing to check.
      // `out` declared but never generated, and a script runs drizzle-kit push: the same, said with the script.
      if (error instanceof MissingMigrationsFolderError && error.outDeclared && error.pushScript) {
        notes.push(`skipped ${file}: ${error.message.replace(/^target "[^"]*": [^:]*: its "out" /, 'its "out" ')}`)
        continue
      }
      if (error instanceof MissingMigrationsFolderError && !error.outDeclared) {
        notes.push(
          `skipped ${file}: it has no \`out\` and drizzle-kit's default folder does not exist: a drizzle-kit push config. Name it in ${DEFAULT_CONFIG_FILE} with its own "migrations" to check it`
        )
        continue
      }
      // Nobody chose this config: one stale config (a schema file since moved) must not stop the others' check.
      if (error instanceof UsageError) {
        failedTargets.push({ name, drizzleConfig: path.resolve(root, file), error })
        continue
      }
      throw error
    }
  }
  // A config without `out` gets drizzle-kit's default folder; when that folder is another config's declared `out`
  // for other schema files, the config is one used with `drizzle-kit push` (no migrations of its own).
  for (const t of [...targets]) {
    if (t.outDeclared) continue
    const owner = targets.find(
      (o) =>
        o !== t &&
        o.outDeclared &&
        o.migrationsDir === t.migrationsDir &&
        o.schemaFiles.join('\n') !== t.schemaFiles.join('\n')
    )
    if (!owner) continue
    targets.splice(targets.indexOf(t), 1)
    notes.push(
      `skipped ${path.relative(root, t.drizzleConfig!)}: it has no \`out\`, and drizzle-kit's default folder (${path.relative(root, t.migrationsDir)}) holds the migrations of ` +
        `${path.relative(root, owner.drizzleConfig!)}: a drizzle-kit push config. Name it in ${DEFAULT_CONFIG_FILE} with its own "migrations" to check it`
    )
  }
  // Nothing left to check: the first failure is the answer, as it was before any target was checked.
  if (targets.length === 0 && failedTargets.length > 0) throw failedTargets[0].error
  if (targets.length === 0) throw new UsageError(`No PostgreSQL drizzle config in ${root} (${notes.join('; ')})`)
  notes.unshift(
    `No ${DEFAULT_CONFIG_FILE}: discovered ${targets.map((t) => path.relative(root, t.drizzleConfig!)).join(', ')} (one target each). ` +
      `Write ${DEFAULT_CONFIG_FILE} to name the databases (e.g. master + tenants).`
  )
  const unique = withoutDuplicates(targets, root, false)
  return { root, targets: unique.targets, failedTargets, notes: [...notes, ...unique.notes] }
}

/** The root package.json's name: what a root-level drizzle.config.ts target is called (`default` without one). */
function rootPackageName(root: string): string | undefined {
  try {
    const name: unknown = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')).name
    return typeof name === 'string' && name.trim() !== '' ? name.trim() : undefined
  } catch {
    return undefined
  }
}
