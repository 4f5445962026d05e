// What a subcommand of the CLI declares: its name, its own flags (beside the common ones) and how it runs.
import { FlagSpec, ParsedArgv } from '../args'
import { CliIO } from '../output'
import { PreparedProvider } from '../../run/run'

export interface CliCommand {
  name: string
  flags: FlagSpec
  /** How many positional arguments it takes (Infinity: any number). */
  maxPositionals: number
  /** Checks that need the whole command line (a positional that is required, say): throw a UsageError. */
  validate?: (parsed: ParsedArgv) => void
  /** The exit code. */
  run: (parsed: ParsedArgv, io: CliIO, prepared?: PreparedProvider) => Promise<number>
}
