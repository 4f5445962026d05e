// A failed init command becomes a run_failed finding, linked to the finding that explains it when its output names
// a Postgres error on an object the check found wrong: `column "stripe_customer_id" does not exist` is caused by
// missing_column organizations.stripe_customer_id, declared at schema.ts:12.
import { Finding } from '../core/findings'
import { CommandRun } from './run-command'

type TargetFinding = Omit<Finding, 'target'>

/** What a Postgres error message is about, read from its text. */
interface Mention {
  kinds: Finding['kind'][]
  table?: string
  column?: string
  name?: string
}

const unquote = (name: string): string => name.replace(/^"|"$/g, '')
/** "public.users" or "users" -> [schema, table]. */
function qualified(name: string): { schema?: string; table: string } {
  const parts = unquote(name).split('.')
  return parts.length > 1 ? { schema: parts[0], table: parts[parts.length - 1] } : { table: parts[0] }
}

/** The object a Postgres error message is about (the messages are Postgres's own, as drivers and psql pass them on). */
export function mentionIn(line: string): Mention | undefined {
  let m = /column "([^"]+)" of relation "([^"]+)" does not exist/.exec(line)
  if (m) return { kinds: ['missing_column', 'missing_table'], column: m[1], table: m[2] }
  m = /null value in column "([^"]+)" of relation "([^"]+)" violates not-null constraint/.exec(line)
  if (m)
    return {
      kinds: ['column_default_mismatch', 'column_nullability_mismatch', 'column_identity_mismatch', 'missing_column'],
      column: m[1],
      table: m[2]
    }
  m = /column "?([\w$.]+)"? does not exist/.exec(line)
  // `column o.stripe_customer_id does not exist`: the prefix is the query's alias, not a table name.
  if (m) return { kinds: ['missing_column'], column: m[1].split('.').pop() }
  m = /relation "([^"]+)" does not exist/.exec(line)
  if (m) return { kinds: ['missing_table', 'missing_view', 'missing_sequence'], ...qualified(m[1]) }
  m = /type "([^"]+)" does not exist/.exec(line)
  if (m) return { kinds: ['missing_enum'], name: qualified(m[1]).table }
  m = /invalid input value for enum "?([\w$.]+)"?:/.exec(line)
  if (m) return { kinds: ['enum_mismatch', 'missing_enum'], name: qualified(m[1]).table }
  m = /violates (?:unique|foreign key|check) constraint "([^"]+)"/.exec(line)
  if (m) return { kinds: ['missing_constraint', 'extra_constraint', 'constraint_mismatch'], name: m[1] }
  m = /no unique or exclusion constraint matching the ON CONFLICT specification/.exec(line)
  if (m) return { kinds: ['missing_constraint', 'missing_index'] }
  return undefined
}

function matches(finding: TargetFinding, mention: Mention): boolean {
  if (!mention.kinds.includes(finding.kind)) return false
  if (mention.table && finding.table && finding.table !== qualified(mention.table).table) return false
  if (mention.table && !finding.table && finding.kind !== 'missing_enum') return false
  if (mention.column && finding.column !== mention.column && finding.kind !== 'missing_table') return false
  if (mention.name && finding.name !== mention.name) return false
  return true
}

/** The finding that explains the first Postgres error the output names, in the order the mention lists kinds. */
export function explainingFinding(run: CommandRun, findings: TargetFinding[]): TargetFinding | undefined {
  for (const line of run.errorLines) {
    const mention = mentionIn(line)
    if (!mention) continue
    for (const kind of mention.kinds) {
      const found = findings.find((f) => f.kind === kind && matches(f, mention))
      if (found) return found
    }
  }
  return undefined
}

const subjectOf = (f: TargetFinding): string =>
  f.table && f.column
    ? `${f.table}.${f.column}`
    : f.table && f.name
      ? `${f.table} ${f.name}`
      : (f.table ?? f.name ?? '')

/** "caused by missing_column organizations.stripe_customer_id, declared at schema.ts:12" */
export function causeLine(f: TargetFinding): string {
  const where = f.file ? `${f.file}${f.line ? `:${f.line}` : ''}` : ''
  const declared = /\.(ts|mts|cts|js|mjs)$/.test(f.file ?? '') ? 'declared at' : 'at'
  return `caused by ${f.kind} ${subjectOf(f)}${where ? `, ${declared} ${where}` : ''}`
}

export interface FailedRun {
  run: CommandRun
  databases: string[]
  timeoutSeconds: number
  /** The config file and the line the command is written on. */
  file?: string
  line?: number
}

/** The run_failed finding of a command that failed on these databases, linked to the finding that explains it. */
export function runFailedFinding(
  { run, databases, timeoutSeconds, file, line }: FailedRun,
  findings: TargetFinding[]
): TargetFinding {
  const on = databases.join(', ')
  const command = `\`${run.command}\``
  const firstError = run.errorLines[0]
  const message = run.timedOut
    ? `${command} did not finish within ${timeoutSeconds} s on ${on}: stopped`
    : run.notFound
      ? `${command} could not run on ${on}: ${run.startError ?? 'command not found (exit code 127)'}`
      : `${command} failed on ${on} (exit code ${run.exitCode})${firstError ? `: ${firstError}` : ''}`
  const explaining = run.timedOut ? undefined : explainingFinding(run, findings)
  const unloaded = missingPackage(run)
  const others = explaining
    ? findings.filter((f) => f !== explaining && f.kind === explaining.kind && f.table && f.table === explaining.table)
    : []
  const also = others.map((o) => o.column ?? o.name).filter(Boolean)
  const cause = explaining
    ? `${causeLine(explaining)}${also.length ? `; ${explaining.table} also lacks ${also.join(', ')} (${also.length} more ${explaining.kind})` : ''}: the migrations do not build what this command expects`
    : run.timedOut
      ? `the command ran longer than "runTimeout" (${timeoutSeconds} s) against the migrated database; raise "runTimeout" if it needs more`
      : run.notFound
        ? "the shell could not find the command: the project's dependencies must be installed before drift-guard runs (npm ci)"
        : unloaded
          ? `the command could not load ${unloaded}: the project's dependencies must be installed before drift-guard runs (npm ci); nothing says the database is at fault`
          : 'the command failed against the database the migrations build from clean; its output names no object another finding explains'
  const fix = [explaining, ...others].flatMap((f) => (f?.fix ? [f.fix] : [])).join('\n')
  return {
    kind: 'run_failed',
    severity: 'error',
    name: run.command,
    ...(file ? { file } : {}),
    ...(line ? { line } : {}),
    message,
    cause,
    ...(fix ? { fix } : {}),
    ...(run.tail.length ? { output: run.tail.join('\n') } : {})
  }
}

/** The package or module Node could not find for the command (ERR_MODULE_NOT_FOUND, MODULE_NOT_FOUND), quoted. */
function missingPackage(run: CommandRun): string | undefined {
  const text = [...run.errorLines, ...run.tail].join('\n')
  // A package's name, not a path: a project file that is not there (a build not run) is not a dependency.
  const m = /Cannot find (package|module) '([^'./][^']*)'/.exec(text)
  return m ? `${m[1]} '${m[2]}'` : undefined
}
