// The one place that reads the action's inputs; everything else takes ActionSettings.
import * as core from '@actions/core'
import * as path from 'node:path'
import * as os from 'node:os'
import { UsageError } from '../core/errors'
import { FailOn } from '../run/outcome'
import { MAX_TIMEOUT_SECONDS, RunSettings, isTimeoutSeconds } from '../run/settings'
import { PostgresKind } from '../postgres/factory'
import { Inputs } from './constants'

export interface ActionSettings {
  /** What to run: the same settings the CLI fills in. */
  run: RunSettings
  /** Absolute GITHUB_WORKSPACE (annotation paths are relative to it). */
  workspace: string
  token: string
  comment: boolean
  /** Keys the sticky comment, so several jobs or configs in one PR keep separate comments. */
  commentId: string
  reportPath: string
  sarifPath?: string
  /** Write the corrective migration into the workspace (input fix), with its `git diff` at fixPatchPath. */
  fix: boolean
  fixPatchPath: string
}

export function readInputs(env: NodeJS.ProcessEnv = process.env): ActionSettings {
  const workspace = path.resolve(env.GITHUB_WORKSPACE || process.cwd())
  const workingDirectory = path.resolve(workspace, core.getInput(Inputs.WorkingDirectory) || '.')
  const configInput = core.getInput(Inputs.Config)
  const databaseUrl = core.getInput(Inputs.DatabaseUrl) || undefined
  if (databaseUrl) {
    core.setSecret(databaseUrl)
    try {
      const password = new URL(databaseUrl).password
      if (password) core.setSecret(decodeURIComponent(password))
    } catch {
      // not a URL: the engine says so
    }
  }
  const postgresInput = core.getInput(Inputs.Postgres) || undefined
  if (postgresInput && !['embedded', 'server', 'local'].includes(postgresInput)) {
    throw new UsageError(`input postgres must be embedded, server or local (got "${postgresInput}")`)
  }
  if (postgresInput === 'embedded' && databaseUrl) core.warning('postgres: embedded ignores database-url')
  const failOn = core.getInput(Inputs.FailOn) || 'error'
  if (!['error', 'warning', 'never'].includes(failOn))
    throw new UsageError(`input fail-on must be error, warning or never (got "${failOn}")`)
  const commentInput = (core.getInput(Inputs.Comment) || 'true').toLowerCase()
  if (!['true', 'false'].includes(commentInput))
    throw new UsageError(`input comment must be true or false (got "${commentInput}")`)
  const reportPath = path.resolve(
    workspace,
    core.getInput(Inputs.ReportPath) || path.join(env.RUNNER_TEMP || os.tmpdir(), 'drift-guard-report.json')
  )
  const sarifInput = core.getInput(Inputs.SarifPath)
  const relativeDir = path.relative(workspace, workingDirectory) || '.'
  const mode = core.getInput(Inputs.Mode) || 'check'
  if (mode !== 'check' && mode !== 'audit') throw new UsageError(`input mode must be check or audit (got "${mode}")`)
  if (mode === 'audit' && !databaseUrl)
    throw new UsageError(
      'mode: audit needs database-url (from a secret): the master database, or any database on the server'
    )
  const shardInput = core.getInput(Inputs.Shard)
  const shardMatch = /^(\d+)\/(\d+)$/.exec(shardInput)
  if (shardInput && (!shardMatch || Number(shardMatch[1]) < 1 || Number(shardMatch[1]) > Number(shardMatch[2])))
    throw new UsageError(`input shard must be I/N, e.g. 2/4 (got "${shardInput}")`)
  const concurrencyInput = core.getInput(Inputs.Concurrency)
  if (concurrencyInput && !(Number.isInteger(Number(concurrencyInput)) && Number(concurrencyInput) > 0))
    throw new UsageError(`input concurrency must be a whole number (got "${concurrencyInput}")`)
  const stubInput = (core.getInput(Inputs.StubMissingImports) || 'false').toLowerCase()
  if (!['true', 'false'].includes(stubInput))
    throw new UsageError(`input stub-missing-imports must be true or false (got "${stubInput}")`)
  const timeoutInput = core.getInput(Inputs.Timeout)
  if (timeoutInput && !isTimeoutSeconds(Number(timeoutInput)))
    throw new UsageError(
      `input timeout must be a number of seconds, at most ${MAX_TIMEOUT_SECONDS} (got "${timeoutInput}")`
    )
  const gate = core.getInput(Inputs.Gate) || 'all'
  if (gate !== 'all' && gate !== 'new') throw new UsageError(`input gate must be all or new (got "${gate}")`)
  const baselineInput = core.getInput(Inputs.Baseline)
  const fixInput = (core.getInput(Inputs.Fix) || 'false').toLowerCase()
  if (!['true', 'false'].includes(fixInput)) throw new UsageError(`input fix must be true or false (got "${fixInput}")`)
  return {
    run: {
      mode,
      root: workingDirectory,
      // The default name falls back to discovery when the file is absent, like the CLI.
      config: configInput && configInput !== 'drift-guard.config.json' ? configInput : undefined,
      databaseUrl,
      postgres: postgresInput as PostgresKind | undefined,
      base: core.getInput(Inputs.Base) || undefined,
      newOnly: gate === 'new' || undefined,
      baseline: baselineInput === 'none' ? false : baselineInput || undefined,
      concurrency: concurrencyInput ? Number(concurrencyInput) : undefined,
      stubMissingImports: stubInput === 'true',
      failOn: failOn as FailOn,
      audit: {
        tenantTarget: core.getInput(Inputs.TenantTarget) || undefined,
        timeoutSeconds: timeoutInput ? Number(timeoutInput) : undefined,
        tenantsQuery: core.getInput(Inputs.TenantsQuery) || undefined,
        tenantsPattern: core.getInput(Inputs.TenantsPattern) || undefined,
        tenantUrlTemplate: core.getInput(Inputs.TenantUrlTemplate) || undefined,
        shard: shardMatch ? [Number(shardMatch[1]), Number(shardMatch[2])] : undefined
      }
    },
    workspace,
    token: core.getInput(Inputs.GithubToken),
    comment: commentInput === 'true',
    commentId: core.getInput(Inputs.CommentId) || `${relativeDir}:${configInput || 'drift-guard.config.json'}`,
    reportPath,
    sarifPath: sarifInput ? path.resolve(workspace, sarifInput) : undefined,
    fix: fixInput === 'true',
    fixPatchPath: path.join(env.RUNNER_TEMP || os.tmpdir(), 'drift-guard-fix.patch')
  }
}
