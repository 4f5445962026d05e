// The init process as a new developer meets it: the package.json scripts that touch the database (drizzle-kit
// commands, migrate, init, seed), what each runs, against which target, in the order they are run, and what the
// check saw of that step (the migrations it applied, the "run" command that failed and why).
import * as fs from 'node:fs'
import * as path from 'node:path'
import { Report } from '../core/findings'
import { ResolvedTarget } from '../config/load-config'
import { InitStep } from './model'

const ROLES: [string, RegExp, RegExp?][] = [
  // [role, by command, by script name]
  ['migrate', /drizzle-kit\s+migrate\b|\bmigrat(e|ion)s?\b/i, /migrat/i],
  ['push', /drizzle-kit\s+push\b/i],
  ['init', /\binit\b/i, /init|setup|bootstrap/i],
  ['seed', /\bseed/i, /seed/i],
  ['reset', /\b(reset|drop)\b/i, /reset|drop/i],
  ['generate', /drizzle-kit\s+generate\b/i, /generate/i],
  ['check', /drizzle-kit\s+check\b|drift-guard/i],
  ['pull', /drizzle-kit\s+(pull|introspect)\b/i],
  ['studio', /drizzle-kit\s+studio\b/i]
]
const ORDER = ['migrate', 'push', 'init', 'seed', 'reset', 'generate', 'check', 'pull', 'studio', 'other']
const TOUCHES_DB = /drizzle|migrat|seed|\bdb\b|database|psql|pg_dump|DATABASE_URL|prisma/i

function roleOf(name: string, command: string): string | undefined {
  // drizzle-kit's own subcommand decides first: `db:migrate` running `drizzle-kit push` is a push.
  const kit = /drizzle-kit\s+(\w+)/i.exec(command)?.[1]?.toLowerCase()
  if (kit) return ROLES.find(([role]) => role === kit || (kit === 'introspect' && role === 'pull'))?.[0] ?? 'other'
  for (const [role, byCommand, byName] of ROLES) if (byName?.test(name) || byCommand.test(command)) return role
  return TOUCHES_DB.test(name) || TOUCHES_DB.test(command) ? 'other' : undefined
}

export function initProcess(root: string, targets: ResolvedTarget[], report: Report): InitStep[] {
  const folders = [...new Set([root, ...targets.map((t) => t.cwd)])]
  const steps: (InitStep & { order: number })[] = []
  for (const folder of folders) {
    const file = path.join(folder, 'package.json')
    if (!fs.existsSync(file)) continue
    let scripts: Record<string, string>
    try {
      scripts = (JSON.parse(fs.readFileSync(file, 'utf8')) as { scripts?: Record<string, string> }).scripts ?? {}
    } catch {
      continue // a malformed package.json is not the inventory's to report
    }
    for (const [script, command] of Object.entries(scripts)) {
      if (typeof command !== 'string') continue
      const role = roleOf(script, command)
      if (!role) continue
      const target = targetOf(folder, script, command, targets)
      steps.push({
        packageJson: path.relative(root, file) || 'package.json',
        script,
        command,
        role,
        ...(target ? { target: target.name } : {}),
        ...(target ? statusOf(script, command, role, target, report) : {}),
        order: steps.length
      })
    }
  }
  return steps
    .sort((a, b) => ORDER.indexOf(a.role) - ORDER.indexOf(b.role) || a.order - b.order)
    .map(({ order: _order, ...step }) => step)
}

/** The target a script works on: its --config, the "run" command it is, or the target its name says. */
function targetOf(
  folder: string,
  script: string,
  command: string,
  targets: ResolvedTarget[]
): ResolvedTarget | undefined {
  const config = /--config[= ]\s*(\S+)/.exec(command)?.[1]
  if (config) {
    const file = path.resolve(folder, config.replace(/^["']|["']$/g, ''))
    const found = targets.find((t) => t.drizzleConfig === file)
    if (found) return found
  }
  const run = targets.find((t) => t.run?.commands.some((c) => c === command || isScriptRun(c, script)))
  if (run) return run
  const named = targets.filter((t) => new RegExp(`(^|[:_.-])${t.name.replace(/\W/g, '\\$&')}($|[:_.-])`).test(script))
  if (named.length === 1) return named[0]
  // One target with no --config: drizzle-kit reads drizzle.config.ts from the folder.
  if (/drizzle-kit/.test(command) && targets.length === 1) return targets[0]
  return undefined
}

const isScriptRun = (command: string, script: string): boolean =>
  new RegExp(
    `^(npm run|pnpm( run)?|yarn( run)?|bun run)\\s+${script.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(\\s|$)`
  ).test(command)

function statusOf(
  script: string,
  command: string,
  role: string,
  target: ResolvedTarget,
  report: Report
): Pick<InitStep, 'status'> {
  const result = report.targets.find((t) => t.name === target.name)
  if (role === 'migrate' && result) {
    const dbs = result.databases.map(
      (d) => `${d.name} ${d.migrations.filter((m) => m.ok).length}/${d.migrations.length}`
    )
    const failed = report.findings.find((f) => f.target === target.name && f.kind === 'migration_failed')
    return {
      status: failed
        ? `✖ the check's migrations stop: ${failed.message}`
        : `✔ the check applied the migrations from clean: ${dbs.join(', ')}`
    }
  }
  const index = target.run?.commands.findIndex((c) => c === command || isScriptRun(c, script)) ?? -1
  if (index < 0) return {}
  const runCommand = target.run!.commands[index]
  if (result && result.databases.some((d) => !d.compared))
    return { status: `not run by the check where a migration failed (\`${runCommand}\`)` }
  const failed = report.findings.find(
    (f) => f.target === target.name && f.kind === 'run_failed' && f.name === runCommand
  )
  if (failed)
    return { status: `✖ fails here (run by the check as \`${runCommand}\`): ${failed.message}; ${failed.cause}` }
  const earlier = report.findings.find(
    (f) => f.target === target.name && f.kind === 'run_failed' && target.run!.commands.indexOf(f.name!) < index
  )
  if (earlier) return { status: `not reached: \`${earlier.name}\` fails before it` }
  return { status: `✔ run by the check after the migrations (\`${runCommand}\`): succeeded` }
}
