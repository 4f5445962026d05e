// The command line: `drift-guard <command>`. Finds the command, reads its arguments, runs it, returns the exit code:
//   0 no error-severity finding; 1 drift or integrity errors; 2 bad config, usage or input; 3 database unavailable.
import { UsageError, describeError } from '../core/errors'
import { PreparedProvider, disposeWithin } from '../run/run'
import { COMMON_FLAGS, ParsedArgv, parseArgv } from './args'
import { COMMANDS, DEFAULT_COMMAND } from './commands'
import { CliCommand } from './commands/command'
import { CliIO } from './output'
import { USAGE } from './usage'
import { versionText } from './version'

export type { CliIO } from './output'
export { USAGE } from './usage'

/** The command and its parsed arguments, or help / version. */
export function parseCommandLine(argv: string[]): { command: CliCommand; parsed: ParsedArgv } | 'help' | 'version' {
  // The command is the first positional argument; reading past every command's flags finds it wherever it stands.
  const everyFlag = Object.assign({}, COMMON_FLAGS, ...COMMANDS.map((c) => c.flags))
  const probe = parseArgv(argv, everyFlag)
  const named = probe.positionals[0]
  const command = COMMANDS.find((c) => c.name === (named ?? DEFAULT_COMMAND))
  if (!command) {
    if (probe.flags.has('-h') || probe.flags.has('--help')) return 'help'
    const names = COMMANDS.map((c) => c.name)
    throw new UsageError(`unknown command "${named}" (${names.slice(0, -1).join(', ')} or ${names[names.length - 1]})`)
  }
  const parsed = parseArgv(argv, { ...COMMON_FLAGS, ...command.flags })
  if (named !== undefined) parsed.positionals.shift()
  if (parsed.flags.has('-h') || parsed.flags.has('--help')) return 'help'
  if (parsed.flags.has('-v') || parsed.flags.has('--version')) return 'version'
  if (parsed.positionals.length > command.maxPositionals)
    throw new UsageError(`unexpected argument "${parsed.positionals[command.maxPositionals]}"`)
  command.validate?.(parsed)
  return { command, parsed }
}

/**
 * @param prepared a server provider the entry point started early for `check` (its first database under way): used
 *   when the parsed options ask for that server, else disposed
 */
export async function runCli(argv: string[], io: CliIO, prepared?: PreparedProvider): Promise<number> {
  try {
    return await runParsed(argv, io, prepared)
  } finally {
    if (prepared) await disposeWithin(prepared.provider, (line) => io.stderr(line + '\n'))
  }
}

async function runParsed(argv: string[], io: CliIO, prepared?: PreparedProvider): Promise<number> {
  let line: ReturnType<typeof parseCommandLine>
  try {
    line = parseCommandLine(argv)
    if (line !== 'help' && line !== 'version') {
      // Settings errors (a bad --concurrency, say) are usage errors too: read them before anything runs.
      return await line.command.run(line.parsed, io, prepared)
    }
  } catch (error) {
    io.stderr(`drift-guard: ${describeError(error)}\n${USAGE.split('\n')[2]}\n`)
    // Whoever asked for JSON parses stdout: a usage error is a JSON error document too.
    const json = argv.some((a, i) => a === '--format=json' || (a === '--format' && argv[i + 1] === 'json'))
    if (json)
      io.stdout(
        JSON.stringify(
          { version: 1, ok: false, error: { outcome: 'bad-input', message: describeError(error) } },
          null,
          2
        ) + '\n'
      )
    return 2
  }
  io.stdout((line === 'help' ? USAGE : versionText()) + '\n')
  return 0
}
