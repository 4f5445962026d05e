// Command-line arguments read against a declared set of flags: the options every command shares are declared once
// here, and each command declares its own (src/cli/commands/), so adding a command touches no other command.
import * as path from 'node:path'
import { UsageError } from '../core/errors'
import { FAIL_ON_LEVELS, FailOn } from '../run/outcome'

/** A flag that takes a value, or one that is only present or not. */
export type FlagKind = 'value' | 'switch'

export type FlagSpec = Record<string, FlagKind>

export interface ParsedArgv {
  /** Values by flag (the last one given wins); switches are 'true'. */
  flags: Map<string, string>
  /** Every value given to a flag, in order (for flags that may repeat). */
  repeated: Map<string, string[]>
  positionals: string[]
}

/** Flags every command takes. */
export const COMMON_FLAGS: FlagSpec = {
  '--config': 'value',
  '--cwd': 'value',
  '--format': 'value',
  '--output': 'value',
  '--fail-on': 'value',
  '--verbose': 'switch',
  '-h': 'switch',
  '--help': 'switch',
  '-v': 'switch',
  '--version': 'switch'
}

export function parseArgv(argv: string[], spec: FlagSpec): ParsedArgv {
  const flags = new Map<string, string>()
  const repeated = new Map<string, string[]>()
  const positionals: string[] = []
  for (let i = 0; i < argv.length; i++) {
    let arg = argv[i]
    let inline: string | undefined
    const eq = arg.startsWith('--') ? arg.indexOf('=') : -1
    if (eq > 0) {
      inline = arg.slice(eq + 1)
      arg = arg.slice(0, eq)
    }
    const kind = spec[arg]
    if (!kind) {
      if (arg.startsWith('-')) throw new UsageError(`unknown option ${arg}`)
      positionals.push(arg)
      continue
    }
    let value = 'true'
    if (kind === 'value') {
      value = inline ?? argv[++i]
      if (value === undefined || (inline === undefined && value.startsWith('--')))
        throw new UsageError(`${arg} needs a value`)
    }
    flags.set(arg, value)
    repeated.set(arg, [...(repeated.get(arg) ?? []), value])
  }
  return { flags, repeated, positionals }
}

/** A value among `choices`, or a usage error naming them. */
export function choice<T extends string>(
  flag: string,
  value: string | undefined,
  choices: readonly T[]
): T | undefined {
  if (value === undefined) return undefined
  if (!choices.includes(value as T)) {
    const list =
      choices.length === 2
        ? choices.join(' or ')
        : `${choices.slice(0, -1).join(', ')} or ${choices[choices.length - 1]}`
    throw new UsageError(`${flag} must be ${list} (got "${value}")`)
  }
  return value as T
}

export type OutputFormat = 'text' | 'json' | 'markdown'

/** The options every command shares, read. */
export interface CommonArgs {
  cwd: string
  config?: string
  format: OutputFormat
  output?: string
  failOn: FailOn
  verbose: boolean
}

export function commonArgs(parsed: ParsedArgv): CommonArgs {
  const cwd = parsed.flags.get('--cwd')
  return {
    cwd: cwd ? path.resolve(cwd) : process.cwd(),
    config: parsed.flags.get('--config'),
    format: choice('--format', parsed.flags.get('--format'), ['text', 'json', 'markdown'] as const) ?? 'text',
    output: parsed.flags.get('--output'),
    failOn: choice('--fail-on', parsed.flags.get('--fail-on'), FAIL_ON_LEVELS) ?? 'error',
    verbose: parsed.flags.has('--verbose')
  }
}
