// `drift-guard inventory`: the whole database setup of the project in one document (markdown to commit, JSON, or
// HTML), and `--check` to keep a committed copy true in CI.
import * as fs from 'node:fs'
import * as path from 'node:path'
import { UsageError } from '../../core/errors'
import { renderInventoryHtml } from '../../inventory/render-html'
import { renderInventoryMarkdown } from '../../inventory/render-markdown'
import { Inventory } from '../../inventory/model'
import { executeInventory } from '../../run/inventory'
import { MAX_TIMEOUT_SECONDS, isTimeoutSeconds } from '../../run/settings'
import { choice } from '../args'
import { printFailure, writeOutputFile } from '../output'
import { CliCommand } from './command'

type InventoryFormat = 'markdown' | 'json' | 'html'

export function renderInventory(inventory: Inventory, format: InventoryFormat): string {
  if (format === 'json') return JSON.stringify(inventory, null, 2) + '\n'
  if (format === 'html') return renderInventoryHtml(inventory)
  return renderInventoryMarkdown(inventory)
}

const formatOfFile = (file: string): InventoryFormat | undefined =>
  file.endsWith('.json') ? 'json' : /\.html?$/.test(file) ? 'html' : file.endsWith('.md') ? 'markdown' : undefined

export const inventoryCommand: CliCommand = {
  name: 'inventory',
  flags: {
    '--database-url': 'value',
    '--postgres': 'value',
    '--check': 'switch',
    '--stub-missing-imports': 'switch',
    '--tenants-query': 'value',
    '--tenants-pattern': 'value',
    '--tenant-url-template': 'value',
    '--tenant-target': 'value',
    '--timeout': 'value'
  },
  maxPositionals: 0,
  run: async (parsed, io) => {
    const flag = (name: string): string | undefined => parsed.flags.get(name)
    const output = flag('--output')
    const format =
      choice('--format', flag('--format'), ['markdown', 'json', 'html'] as const) ??
      (output ? formatOfFile(output) : undefined) ??
      'markdown'
    const check = parsed.flags.has('--check')
    if (check && !output) throw new UsageError('--check compares with the committed file: give it with --output FILE')
    const timeoutText = flag('--timeout')
    const timeoutSeconds = timeoutText === undefined ? undefined : Number(timeoutText)
    if (timeoutSeconds !== undefined && !isTimeoutSeconds(timeoutSeconds))
      throw new UsageError(`--timeout must be a number of seconds, at most ${MAX_TIMEOUT_SECONDS}`)
    const cwd = flag('--cwd')
    const verbose = parsed.flags.has('--verbose')
    const result = await executeInventory(
      {
        root: cwd ? path.resolve(cwd) : process.cwd(),
        config: flag('--config'),
        databaseUrl: flag('--database-url') ?? (io.env.DRIFT_GUARD_DATABASE_URL || undefined),
        postgres: choice('--postgres', flag('--postgres'), ['embedded', 'local'] as const),
        stubMissingImports: parsed.flags.has('--stub-missing-imports') || undefined,
        audit: {
          tenantsQuery: flag('--tenants-query'),
          tenantsPattern: flag('--tenants-pattern'),
          tenantUrlTemplate: flag('--tenant-url-template'),
          tenantTarget: flag('--tenant-target'),
          timeoutSeconds
        }
      },
      verbose ? (line) => io.stderr(line + '\n') : undefined
    )
    if ('failure' in result) return printFailure(result.failure, { format, verbose }, io)
    const text = renderInventory(result.inventory, format)
    if (check) {
      const file = path.resolve(output!)
      const committed = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : undefined
      if (committed === text) {
        io.stderr(`drift-guard: ${output} is up to date\n`)
        return 0
      }
      io.stderr(
        `drift-guard: ${output} ${committed === undefined ? 'does not exist' : 'is out of date'}: run drift-guard inventory --output ${output}${format === 'markdown' ? '' : ` --format ${format}`} and commit it\n`
      )
      return 1
    }
    if (output) {
      writeOutputFile(output, text)
      io.stderr(`drift-guard: inventory written to ${output}\n`)
    } else io.stdout(text)
    return 0
  }
}
