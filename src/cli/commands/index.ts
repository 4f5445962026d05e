// The CLI's subcommands. A new one is a file beside this one and a line here.
import { baselineCommand } from './baseline'
import { auditCommand, checkCommand } from './check'
import { CliCommand } from './command'
import { fixCommand } from './fix'
import { initCommand } from './init'
import { inventoryCommand } from './inventory'
import { mergeCommand } from './merge'

export const COMMANDS: readonly CliCommand[] = [
  checkCommand,
  auditCommand,
  mergeCommand,
  inventoryCommand,
  baselineCommand,
  fixCommand,
  initCommand
]

/** Run when the command line names none. */
export const DEFAULT_COMMAND = 'check'
