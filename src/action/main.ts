// The GitHub Action: a thin adapter over the engine. Reads inputs, runs the check, then reports everywhere a
// reviewer looks (annotations on the lines, the job summary, one sticky PR comment, outputs, a JSON report and
// optionally SARIF), and only then sets the verdict, so a reporting failure never hides the result.
import * as core from '@actions/core'
import * as github from '@actions/github'
import { execFileSync } from 'node:child_process'
import * as fs from 'node:fs'
import * as path from 'node:path'
import { renderJson, renderMarkdown } from '../report/render'
import { renderSarif } from '../report/sarif'
import { describeError } from '../core/errors'
import type { CheckedProject } from '../engine/check'
import { RunFailure, failsOn, failureOf, reportOutcome } from '../run/outcome'
import { RunResult, executeRun, runSecrets } from '../run/run'
import { annotate } from './annotations'
import { upsertComment } from './comment'
import { ActionRepair, repairInAction, repairMarkdown } from './fix'
import { COMMENT_MAX_LENGTH, Outputs } from './constants'
import { ActionSettings, readInputs } from './inputs'

export async function run(): Promise<void> {
  let settings: ActionSettings
  try {
    settings = readInputs()
  } catch (error) {
    await failStep(failureOf(error))
    return
  }
  // The runner masks them in the log from here on, whatever the URL's form.
  for (const secret of runSecrets(settings.run)) core.setSecret(secret)
  const base = settings.run.mode === 'check' ? resolveBase(settings) : undefined
  if (settings.run.newOnly && !base)
    core.warning('gate: new needs a base commit (a pull request, or the base input): every error fails the step')
  let result: RunResult
  let grouped = false
  let checked: CheckedProject | undefined
  try {
    result = await executeRun(
      { ...settings.run, base, newOnly: base ? settings.run.newOnly : undefined },
      {
        log: (line) => core.info(line),
        onProvider: (provider) => {
          grouped = true
          core.startGroup(
            settings.run.mode === 'audit'
              ? 'drift-guard audit of the live databases (read-only)'
              : `drift-guard check (${provider.description})`
          )
        },
        onChecked: (project) => (checked = project)
      }
    )
  } finally {
    if (grouped) core.endGroup()
  }
  if ('failure' in result) {
    await failStep(result.failure, settings)
    return
  }
  const { report } = result

  // Outputs and files first: later steps (upload-sarif, a workflow_run commenter) rely on them.
  const outcome = reportOutcome(report)
  const drift = outcome === 'drift'
  core.setOutput(Outputs.Outcome, outcome)
  core.setOutput(Outputs.Drift, String(drift))
  core.setOutput(Outputs.Findings, String(report.findings.length))
  try {
    fs.mkdirSync(path.dirname(settings.reportPath), { recursive: true })
    fs.writeFileSync(settings.reportPath, renderJson(report))
    core.setOutput(Outputs.Report, settings.reportPath)
    if (settings.sarifPath) {
      fs.mkdirSync(path.dirname(settings.sarifPath), { recursive: true })
      fs.writeFileSync(settings.sarifPath, renderSarif(report, path.relative(settings.workspace, settings.run.root)))
      core.setOutput(Outputs.Sarif, settings.sarifPath)
    }
  } catch (error) {
    // The verdict is known: a report file that cannot be written fails the step too, and never hides drift.
    core.setFailed(
      `drift-guard: cannot write the report (report-path / sarif-path): ${describeError(error)}; ${report.summary.errors} error(s), ${report.summary.warnings} warning(s)`
    )
    return
  }

  const repair = drift && checked ? planRepair(checked, settings) : undefined
  const annotations = annotate(report, settings.run.root, settings.workspace)
  const fileUrl = blobUrl(settings)
  const hiddenNote =
    annotations.hidden > 0
      ? `\n> ${annotations.hidden} more finding(s) than GitHub shows as annotations: all are listed below.\n`
      : ''
  try {
    await core.summary
      .addRaw(
        renderMarkdown(report, { fileUrl, details: true }) + hiddenNote + (repair ? `\n${repairMarkdown(repair)}` : '')
      )
      .write()
  } catch (error) {
    core.warning(`could not write the job summary: ${describeError(error)}`)
  }

  const pr = github.context.payload.pull_request
  if (settings.comment && pr && settings.token && settings.run.mode === 'check') {
    // The corrective migration takes at most half of the comment; the report keeps the rest.
    const fixSection = repair ? `\n${repairMarkdown(repair, COMMENT_MAX_LENGTH / 2)}` : ''
    const body = drift
      ? renderMarkdown(report, {
          fileUrl,
          maxLength: COMMENT_MAX_LENGTH - fixSection.length,
          fullReportHint: `See the job summary of run ${github.context.runId} for the full report.`
        }) + fixSection
      : undefined
    const { owner, repo } = github.context.repo
    const outcome = await upsertComment(
      settings.token,
      { owner, repo, issueNumber: pr.number },
      settings.commentId,
      body
    )
    core.info(`pull-request comment: ${outcome}`)
  }

  core.info(
    `${report.summary.errors} error(s), ${report.summary.warnings} warning(s), ${report.summary.notices} notice(s)`
  )
  if (failsOn(report, settings.run.failOn))
    core.setFailed(
      `drift-guard: ${report.summary.errors} error(s), ${report.summary.warnings} warning(s): the migrations do not build what the schema declares`
    )
}

/** The corrective migration (docs/repair.md); a repair that fails is a warning, never the verdict. */
function planRepair(checked: CheckedProject, settings: ActionSettings): ActionRepair | undefined {
  try {
    const repair = repairInAction(checked, settings, settings.fixPatchPath)
    if (repair?.patch) core.setOutput(Outputs.FixPatch, repair.patch)
    if (repair?.patchProblem)
      core.warning(`drift-guard fix: wrote the files but made no git diff: ${repair.patchProblem}`)
    if (repair && !repair.result.dryRun)
      for (const t of repair.result.targets)
        if (t.files.length > 0) core.info(`drift-guard fix: wrote ${t.files.join(', ')}`)
    return repair
  } catch (error) {
    core.warning(`drift-guard could not plan the corrective migration: ${describeError(error)}`)
    return undefined
  }
}

/**
 * A run that produced no report: bad input, a database that cannot be reached, or a bug. One clear line (no stack
 * trace), an annotation on the file when there is one, the `outcome` output and the job summary say which, so that
 * a later step or a reviewer can tell it from drift.
 */
async function failStep(failure: RunFailure, settings?: ActionSettings): Promise<void> {
  const { outcome, message, file, line } = failure
  const prefix = outcome.replace('-', ' ')
  if (file && settings)
    core.error(message, {
      file: path.relative(settings.workspace, path.resolve(settings.run.root, file)),
      startLine: line,
      title: `drift-guard: ${prefix}`
    })
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
  const base = settings.run.base ?? github.context.payload.pull_request?.base?.sha
  if (!base) return undefined
  const git = (...args: string[]): void =>
    void execFileSync('git', ['-C', settings.run.root, ...args], { stdio: 'ignore', timeout: 60_000 })
  try {
    git('cat-file', '-e', `${base}^{commit}`)
    return base
  } catch {
    try {
      git('fetch', '--no-tags', '--depth=1', 'origin', base)
      return base
    } catch {
      core.warning(
        `base commit ${base} is not available (shallow clone?): migration_modified and out-of-order checks against the base are skipped. Use actions/checkout with fetch-depth: 0.`
      )
      return undefined
    }
  }
}

function blobUrl(settings: ActionSettings): string | undefined {
  try {
    const { serverUrl, repo, sha } = github.context
    if (!sha) return undefined
    const dir = path.relative(settings.workspace, settings.run.root).split(path.sep).join('/')
    return `${serverUrl}/${repo.owner}/${repo.repo}/blob/${sha}/${dir ? `${dir}/` : ''}`
  } catch {
    return undefined // GITHUB_REPOSITORY unset: plain paths
  }
}
