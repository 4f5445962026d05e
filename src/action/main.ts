// The GitHub Action: a thin adapter over the engine. Reads inputs, runs the check, then reports everywhere a
// reviewer looks (annotations on the lines, the job summary, one sticky PR comment, outputs, a JSON report and
// optionally SARIF), and only then sets the verdict, so a reporting failure never hides the result.
import * as core from '@actions/core'
import * as github from '@actions/github'
import { execFileSync } from 'node:child_process'
import * as fs from 'node:fs'
import * as path from 'node:path'
import { runCheck } from '../engine/check'
import { runAudit } from '../engine/audit'
import { DatabaseUnavailableError, Report, UsageError } from '../engine/types'
import { createProvider } from '../postgres/factory'
import { maskUrl } from '../postgres/server'
import { renderJson, renderMarkdown } from '../report/render'
import { renderSarif } from '../report/sarif'
import { describeError } from '../config/module-loader'
import { annotate } from './annotations'
import { upsertComment } from './comment'
import { COMMENT_MAX_LENGTH, Outputs } from './constants'
import { ActionSettings, readInputs } from './inputs'

export async function run(): Promise<void> {
  let settings: ActionSettings
  try {
    settings = readInputs()
  } catch (error) {
    await failStep(error)
    return
  }
  let provider
  try {
    // An audit reads the live databases; the schema's own database is built on the embedded Postgres.
    provider = settings.mode === 'audit' ? createProvider('embedded', undefined) : createProvider(settings.postgres, settings.databaseUrl)
  } catch (error) {
    await failStep(error, settings)
    return
  }

  let report: Report
  try {
    const log = (line: string): void => core.info(line)
    if (settings.mode === 'audit') {
      core.startGroup('drift-guard audit of the live databases (read-only)')
      report = await runAudit({
        root: settings.workingDirectory,
        config: settings.config,
        databaseUrl: settings.databaseUrl!,
        scratch: provider,
        tenantsQuery: settings.tenantsQuery,
        tenantsPattern: settings.tenantsPattern,
        tenantUrlTemplate: settings.tenantUrlTemplate,
        shard: settings.shard,
        concurrency: settings.concurrency,
        tenantTarget: settings.tenantTarget,
        timeoutMs: settings.timeoutSeconds === undefined ? undefined : settings.timeoutSeconds * 1000,
        stubMissingImports: settings.stubMissingImports,
        log
      })
    } else {
      const base = resolveBase(settings)
      core.startGroup(`drift-guard check (${provider.description})`)
      report = await runCheck({ root: settings.workingDirectory, config: settings.config, provider, base, log, concurrency: settings.concurrency, stubMissingImports: settings.stubMissingImports })
    }
  } catch (error) {
    await failStep(error, settings)
    return
  } finally {
    core.endGroup()
    await provider.dispose().catch(() => undefined)
  }

  // Outputs and files first: later steps (upload-sarif, a workflow_run commenter) rely on them.
  const drift = report.summary.errors + report.summary.warnings > 0
  core.setOutput(Outputs.Outcome, drift ? 'drift' : 'clean')
  core.setOutput(Outputs.Drift, String(drift))
  core.setOutput(Outputs.Findings, String(report.findings.length))
  try {
    fs.mkdirSync(path.dirname(settings.reportPath), { recursive: true })
    fs.writeFileSync(settings.reportPath, renderJson(report))
    core.setOutput(Outputs.Report, settings.reportPath)
    if (settings.sarifPath) {
      fs.mkdirSync(path.dirname(settings.sarifPath), { recursive: true })
      fs.writeFileSync(settings.sarifPath, renderSarif(report, path.relative(settings.workspace, settings.workingDirectory)))
      core.setOutput(Outputs.Sarif, settings.sarifPath)
    }
  } catch (error) {
    // The verdict is known: a report file that cannot be written fails the step too, and never hides drift.
    core.setFailed(`drift-guard: cannot write the report (report-path / sarif-path): ${describeError(error)}; ${report.summary.errors} error(s), ${report.summary.warnings} warning(s)`)
    return
  }

  const annotations = annotate(report, settings.workingDirectory, settings.workspace)
  const fileUrl = blobUrl(settings)
  const hiddenNote = annotations.hidden > 0 ? `\n> ${annotations.hidden} more finding(s) than GitHub shows as annotations: all are listed below.\n` : ''
  try {
    await core.summary.addRaw(renderMarkdown(report, { fileUrl, details: true }) + hiddenNote).write()
  } catch (error) {
    core.warning(`could not write the job summary: ${describeError(error)}`)
  }

  const pr = github.context.payload.pull_request
  if (settings.comment && pr && settings.token && settings.mode === 'check') {
    const body = drift
      ? renderMarkdown(report, { fileUrl, maxLength: COMMENT_MAX_LENGTH, fullReportHint: `See the job summary of run ${github.context.runId} for the full report.` })
      : undefined
    const { owner, repo } = github.context.repo
    const outcome = await upsertComment(settings.token, { owner, repo, issueNumber: pr.number }, settings.commentId, body)
    core.info(`pull-request comment: ${outcome}`)
  }

  core.info(`${report.summary.errors} error(s), ${report.summary.warnings} warning(s), ${report.summary.notices} notice(s)`)
  const fail = settings.failOn === 'error' ? report.summary.errors > 0 : settings.failOn === 'warning' ? drift : false
  if (fail) core.setFailed(`drift-guard: ${report.summary.errors} error(s), ${report.summary.warnings} warning(s): the migrations do not build what the schema declares`)
}

/**
 * A run that produced no report: bad input, a database that cannot be reached, or a bug. One clear line (no stack
 * trace), an annotation on the file when there is one, the `outcome` output and the job summary say which, so that
 * a later step or a reviewer can tell it from drift.
 */
async function failStep(error: unknown, settings?: ActionSettings): Promise<void> {
  let message = describeError(error)
  if (settings?.databaseUrl) message = message.split(settings.databaseUrl).join(maskUrl(settings.databaseUrl))
  const outcome = error instanceof DatabaseUnavailableError ? 'database-unavailable' : error instanceof UsageError ? 'bad-input' : 'internal-error'
  const prefix = outcome.replace('-', ' ')
  const file = error instanceof UsageError ? error.file : undefined
  if (file && settings) core.error(message, { file: path.relative(settings.workspace, path.resolve(settings.workingDirectory, file)), startLine: error instanceof UsageError ? error.line : undefined, title: `drift-guard: ${prefix}` })
  core.setOutput(Outputs.Outcome, outcome)
  try {
    await core.summary.addRaw(`### drift-guard: ${prefix}\n\nNo report: ${message.replace(/\n/g, '  \n')}\n`).write()
  } catch {
    // no job summary outside GitHub
  }
  core.setFailed(`drift-guard: ${prefix}: ${message}`)
}

/** The base commit to compare migrations with: the input, else the pull request's base (fetched if shallow). */
function resolveBase(settings: ActionSettings): string | undefined {
  const base = settings.base ?? github.context.payload.pull_request?.base?.sha
  if (!base) return undefined
  const git = (...args: string[]): void => void execFileSync('git', ['-C', settings.workingDirectory, ...args], { stdio: 'ignore', timeout: 60_000 })
  try {
    git('cat-file', '-e', `${base}^{commit}`)
    return base
  } catch {
    try {
      git('fetch', '--no-tags', '--depth=1', 'origin', base)
      return base
    } catch {
      core.warning(`base commit ${base} is not available (shallow clone?): migration_modified and out-of-order checks against the base are skipped. Use actions/checkout with fetch-depth: 0.`)
      return undefined
    }
  }
}

function blobUrl(settings: ActionSettings): string | undefined {
  try {
    const { serverUrl, repo, sha } = github.context
    if (!sha) return undefined
    const dir = path.relative(settings.workspace, settings.workingDirectory).split(path.sep).join('/')
    return `${serverUrl}/${repo.owner}/${repo.repo}/blob/${sha}/${dir ? `${dir}/` : ''}`
  } catch {
    return undefined // GITHUB_REPOSITORY unset: plain paths
  }
}
