// The command line: `drift-guard check`. Parses arguments, runs the engine, prints a report, sets the exit code.
//   0 no error-severity finding; 1 drift or integrity errors; 2 bad config, usage or input; 3 database unavailable.
import * as fs from 'node:fs'
import * as path from 'node:path'
import { runCheck, TOOL_VERSION } from '../engine/check'
import { MAX_TIMEOUT_SECONDS, isTimeoutSeconds, mergeReports, runAudit } from '../engine/audit'
import { parseJson } from '../config/json'
import { DatabaseUnavailableError, Report, UsageError } from '../engine/types'
import { PostgresKind, createProvider } from '../postgres/factory'
import { maskUrl } from '../postgres/server'
import { renderJson, renderMarkdown, renderText } from '../report/render'
import { describeError } from '../config/module-loader'
import type { PostgresProvider } from '../postgres/provider'
import { interruptedBy } from '../engine/interrupt'

export const USAGE = `drift-guard ${TOOL_VERSION}: prove that Drizzle migrations build exactly what the schema declares

Usage: drift-guard check [options]            migrations from clean vs the schema (pull requests)
       drift-guard audit --database-url URL [options]   live databases vs the repository (read-only)
       drift-guard merge REPORT.json...         combine the JSON reports of audit shards

Options:
  --config FILE          drift-guard.config.json (default; without it, drizzle.config.ts and
                         drizzle.*.config.ts at the root are discovered, one target each)
  --cwd DIR              repository root (default: current folder)
  --database-url URL     a Postgres server to create throwaway databases on (default: embedded
                         Postgres). Also DRIFT_GUARD_DATABASE_URL.
  --postgres KIND        embedded | server | local (a temporary cluster from initdb on PATH)
  --base REF             git ref of the base branch: report migrations changed or misordered since
  --format FORMAT        text (default) | json | markdown
  --output FILE          also write the report (format from the extension: .json, .md, else text)
  --fail-on LEVEL        error (default) | warning | never
  --concurrency N        databases worked on at once (default: 1 embedded, 2-4 by cores on a server; in an
                         audit up to 8, at most a quarter of the connections the server has free)
  --stub-missing-imports stand in for packages the schema imports that are not installed (e.g. nanoid used
                         in $defaultFn) instead of failing; the report lists them
  --verbose              print progress and the time of each phase to stderr
  -h, --help             this help
  -v, --version          the version

Audit options:
  --tenants-query SQL    run on the --database-url database; its first column lists the tenant databases
  --tenants-pattern P    tenant databases by a LIKE pattern over pg_database (e.g. tenant_%)
  --tenant-url-template U  URL of a tenant database, with {database} (tenants on other hosts)
  --tenant-target NAME   the target the tenant options apply to (default: "tenant"/"tenants", else the last)
  --timeout SECONDS      time limit per database (default 120)
  --shard I/N            audit the I-th of N shards of the databases (GitHub Actions matrix)

Exit codes: 0 no drift, 1 drift or integrity errors, 2 bad config or input, 3 database unavailable.`

export interface CliArgs {
  command: 'check' | 'audit' | 'merge'
  files: string[]
  tenantsQuery?: string
  tenantsPattern?: string
  tenantUrlTemplate?: string
  tenantTarget?: string
  timeoutSeconds?: number
  shard?: [number, number]
  config?: string
  cwd: string
  databaseUrl?: string
  postgres?: PostgresKind
  base?: string
  format: 'text' | 'json' | 'markdown'
  output?: string
  failOn: 'error' | 'warning' | 'never'
  verbose: boolean
  concurrency?: number
  stubMissingImports?: boolean
}

export function parseArgs(argv: string[], env: NodeJS.ProcessEnv = process.env): CliArgs | 'help' | 'version' {
  const args: CliArgs = { command: '' as CliArgs['command'], files: [], cwd: process.cwd(), format: 'text', failOn: 'error', verbose: false, databaseUrl: env.DRIFT_GUARD_DATABASE_URL || undefined }
  const value = (i: number, flag: string): string => {
    const v = argv[i + 1]
    if (v === undefined || v.startsWith('--')) throw new UsageError(`${flag} needs a value`)
    return v
  }
  for (let i = 0; i < argv.length; i++) {
    let arg = argv[i]
    const eq = arg.startsWith('--') ? arg.indexOf('=') : -1
    if (eq > 0) {
      argv = [...argv.slice(0, i), arg.slice(0, eq), arg.slice(eq + 1), ...argv.slice(i + 1)]
      arg = argv[i]
    }
    switch (arg) {
      case '-h':
      case '--help':
        return 'help'
      case '-v':
      case '--version':
        return 'version'
      case '--config':
        args.config = value(i++, arg)
        break
      case '--cwd':
        args.cwd = path.resolve(value(i++, arg))
        break
      case '--database-url':
        args.databaseUrl = value(i++, arg)
        break
      case '--postgres': {
        const v = value(i++, arg)
        if (!['embedded', 'server', 'local'].includes(v)) throw new UsageError(`--postgres must be embedded, server or local (got "${v}")`)
        args.postgres = v as PostgresKind
        break
      }
      case '--base':
        args.base = value(i++, arg)
        break
      case '--format': {
        const v = value(i++, arg)
        if (!['text', 'json', 'markdown'].includes(v)) throw new UsageError(`--format must be text, json or markdown (got "${v}")`)
        args.format = v as CliArgs['format']
        break
      }
      case '--output':
        args.output = value(i++, arg)
        break
      case '--fail-on': {
        const v = value(i++, arg)
        if (!['error', 'warning', 'never'].includes(v)) throw new UsageError(`--fail-on must be error, warning or never (got "${v}")`)
        args.failOn = v as CliArgs['failOn']
        break
      }
      case '--verbose':
        args.verbose = true
        break
      case '--stub-missing-imports':
        args.stubMissingImports = true
        break
      case '--concurrency': {
        const v = Number(value(i++, arg))
        if (!Number.isInteger(v) || v < 1 || v > 64) throw new UsageError('--concurrency must be a whole number from 1 to 64')
        args.concurrency = v
        break
      }
      case '--tenants-query':
        args.tenantsQuery = value(i++, arg)
        break
      case '--tenants-pattern':
        args.tenantsPattern = value(i++, arg)
        break
      case '--tenant-url-template':
        args.tenantUrlTemplate = value(i++, arg)
        if (!args.tenantUrlTemplate.includes('{database}')) throw new UsageError('--tenant-url-template needs a {database} placeholder')
        break
      case '--tenant-target':
        args.tenantTarget = value(i++, arg)
        break
      case '--timeout': {
        const v = Number(value(i++, arg))
        if (!isTimeoutSeconds(v)) throw new UsageError(`--timeout must be a number of seconds, at most ${MAX_TIMEOUT_SECONDS}`)
        args.timeoutSeconds = v
        break
      }
      case '--shard': {
        const m = /^(\d+)\/(\d+)$/.exec(value(i++, arg))
        if (!m || Number(m[1]) < 1 || Number(m[1]) > Number(m[2])) throw new UsageError('--shard must be I/N with 1 <= I <= N (e.g. 2/4)')
        args.shard = [Number(m[1]), Number(m[2])]
        break
      }
      default:
        if (arg.startsWith('-')) throw new UsageError(`unknown option ${arg}`)
        if (!args.command) {
          if (!['check', 'audit', 'merge'].includes(arg)) throw new UsageError(`unknown command "${arg}" (check, audit or merge)`)
          args.command = arg as CliArgs['command']
        } else if (args.command === 'merge') args.files.push(arg)
        else throw new UsageError(`unexpected argument "${arg}"`)
    }
  }
  if (!args.command) args.command = 'check'
  if (args.command === 'audit' && !args.databaseUrl) throw new UsageError('audit needs --database-url (the master database, or any database on the server)')
  if (args.command === 'merge' && args.files.length === 0) throw new UsageError('merge needs the JSON reports to combine')
  if (args.tenantsQuery && args.tenantsPattern) throw new UsageError('give --tenants-query or --tenants-pattern, not both')
  return args
}

function runMerge(args: CliArgs, io: CliIO): number {
  try {
    const reports = args.files.map((file) => {
      try {
        const report = parseJson<Report>(fs.readFileSync(file, 'utf8'))
        if (!report || !Array.isArray(report.targets) || !Array.isArray(report.findings) || !report.summary) throw new Error('not a drift-guard JSON report (written by --format json or --output FILE.json)')
        return report
      } catch (error) {
        throw new UsageError(`${file}: ${describeError(error)}`)
      }
    })
    const report = mergeReports(reports)
    io.stdout(args.format === 'json' ? renderJson(report) : args.format === 'markdown' ? renderMarkdown(report) : renderText(report))
    if (args.output) fs.writeFileSync(path.resolve(args.output), args.output.endsWith('.md') ? renderMarkdown(report) : renderJson(report))
    return exitCodeFor(report, args.failOn)
  } catch (error) {
    io.stderr(`drift-guard: ${describeError(error)}\n`)
    return 2
  }
}

export function exitCodeFor(report: Report, failOn: CliArgs['failOn']): number {
  if (failOn === 'never') return 0
  if (report.summary.errors > 0) return 1
  if (failOn === 'warning' && report.summary.warnings > 0) return 1
  return 0
}

export interface CliIO {
  stdout: (text: string) => void
  stderr: (text: string) => void
  env: NodeJS.ProcessEnv
}

/**
 * @param prepared a server provider the entry point started early for `check` (its first database under way): used
 *   when the parsed options ask for that server, else disposed
 */
export async function runCli(argv: string[], io: CliIO, prepared?: { provider: PostgresProvider; databaseUrl: string }): Promise<number> {
  try {
    return await runParsed(argv, io, prepared)
  } finally {
    await prepared?.provider.dispose().catch(() => undefined)
  }
}

async function runParsed(argv: string[], io: CliIO, prepared?: { provider: PostgresProvider; databaseUrl: string }): Promise<number> {
  let args: CliArgs | 'help' | 'version'
  try {
    args = parseArgs(argv, io.env)
  } catch (error) {
    io.stderr(`drift-guard: ${describeError(error)}\n${USAGE.split('\n')[2]}\n`)
    // Whoever asked for JSON parses stdout: a usage error is a JSON error document too.
    const json = argv.some((a, i) => a === '--format=json' || (a === '--format' && argv[i + 1] === 'json'))
    if (json) io.stdout(JSON.stringify({ version: 1, ok: false, error: { outcome: 'bad-input', message: describeError(error) } }, null, 2) + '\n')
    return 2
  }
  if (args === 'help') {
    io.stdout(USAGE + '\n')
    return 0
  }
  if (args === 'version') {
    io.stdout(TOOL_VERSION + '\n')
    return 0
  }
  const log = args.verbose ? (line: string) => io.stderr(line + '\n') : undefined
  if (args.command === 'merge') return runMerge(args, io)
  let provider
  try {
    // An audit only reads the databases at --database-url; the schema's own database is built on the embedded one.
    const usePrepared = prepared && args.command === 'check' && (args.postgres ?? 'server') === 'server' && args.databaseUrl === prepared.databaseUrl
    provider = usePrepared
      ? prepared.provider
      : args.command === 'audit'
        ? createProvider(args.postgres === 'local' ? 'local' : 'embedded', undefined)
        : createProvider(args.postgres, args.databaseUrl)
  } catch (error) {
    return failed(error, args, io)
  }
  try {
    const report =
      args.command === 'audit'
        ? await runAudit({
            root: args.cwd,
            config: args.config,
            databaseUrl: args.databaseUrl!,
            scratch: provider,
            tenantTarget: args.tenantTarget,
            tenantsQuery: args.tenantsQuery,
            tenantsPattern: args.tenantsPattern,
            tenantUrlTemplate: args.tenantUrlTemplate,
            concurrency: args.concurrency,
            timeoutMs: args.timeoutSeconds === undefined ? undefined : args.timeoutSeconds * 1000,
            shard: args.shard,
            stubMissingImports: args.stubMissingImports,
            log
          })
        : await runCheck({ root: args.cwd, config: args.config, provider, base: args.base, log, concurrency: args.concurrency, stubMissingImports: args.stubMissingImports })
    const rendered = args.format === 'json' ? renderJson(report) : args.format === 'markdown' ? renderMarkdown(report) : renderText(report)
    // The file first: when it cannot be written, the run fails before anything is printed as if it had succeeded.
    if (args.output) {
      const out = path.resolve(args.output)
      const content = out.endsWith('.json') ? renderJson(report) : out.endsWith('.md') ? renderMarkdown(report) : renderText(report)
      try {
        fs.mkdirSync(path.dirname(out), { recursive: true })
        fs.writeFileSync(out, content)
      } catch (error) {
        throw new UsageError(`cannot write --output ${args.output}: ${describeError(error)}`)
      }
    }
    io.stdout(rendered)
    if (args.verbose && report.timings) {
      io.stderr(`timings (ms): ${Object.entries(report.timings).map(([k, v]) => `${k} ${v}`).join(', ')}\n`)
    }
    return exitCodeFor(report, args.failOn)
  } catch (error) {
    return failed(error, args, io)
  } finally {
    await provider.dispose().catch(() => undefined)
  }
}

/**
 * A run that made no report: one line on stderr, the exit code, and with --format json a small JSON document on
 * stdout (`ok: false` and the error), so that a consumer parsing stdout gets JSON rather than nothing.
 */
function failed(error: unknown, args: { databaseUrl?: string; verbose?: boolean; format?: string }, io: { stdout(text: string): void; stderr(text: string): void }): number {
  const message = describeError(error)
  const masked = args.databaseUrl ? message.split(args.databaseUrl).join(maskUrl(args.databaseUrl)) : message
  // After SIGINT/SIGTERM the run is abandoned: the signal handler has said so, the errors it caused are not news.
  if (interruptedBy()) return 2
  io.stderr(`drift-guard: ${masked}\n`)
  const outcome = error instanceof DatabaseUnavailableError ? 'database-unavailable' : error instanceof UsageError ? 'bad-input' : 'internal-error'
  if (outcome === 'internal-error' && args.verbose) io.stderr(`${(error as Error).stack ?? ''}\n`)
  if (args.format === 'json') {
    const where = error instanceof UsageError ? { ...(error.file ? { file: error.file } : {}), ...(error.line ? { line: error.line } : {}) } : {}
    io.stdout(JSON.stringify({ version: 1, ok: false, error: { outcome, message: masked, ...where } }, null, 2) + '\n')
  }
  return outcome === 'database-unavailable' ? 3 : 2
}
