// The corrective migration in the action (docs/repair.md, "In the action"): planned from the check's own reading of
// the project, shown in the job summary and the sticky comment (collapsed) with the exact `npx drizzle-drift-guard fix …`
// command that writes it; with `fix: true` the files are written into the workspace and a `git diff` of them is
// left for a later step (upload it, or open a pull request with it). The action never commits or pushes.
import { execFileSync } from 'node:child_process'
import * as fs from 'node:fs'
import * as path from 'node:path'
import { describeError } from '../core/errors'
import { CheckedProject } from '../engine/check'
import { repairProject } from '../repair/repair'
import { renderRepairMarkdown } from '../repair/render'
import { RepairResult } from '../repair/types'
import { RunSettings } from '../run/settings'

export interface ActionRepair {
  result: RepairResult
  /** The command a developer runs to write the same migration. */
  command: string
  /** The `git diff` of the written files (fix: true and something written). */
  patch?: string
  /** Why no patch could be made, when files were written. */
  patchProblem?: string
}

/** What the repair needs of the action's settings. */
export interface FixSettings {
  workspace: string
  fix: boolean
  run: Pick<RunSettings, 'root' | 'config' | 'stubMissingImports'>
}

/** `npx drizzle-drift-guard fix` (the package's name: npx finds it installed or not) with the options that make it read the project as the action did. */
export function fixCommand(settings: FixSettings): string {
  const args = ['npx', 'drizzle-drift-guard', 'fix']
  const cwd = path.relative(settings.workspace, settings.run.root).split(path.sep).join('/')
  if (cwd) args.push('--cwd', cwd)
  if (settings.run.config) args.push('--config', settings.run.config)
  if (settings.run.stubMissingImports) args.push('--stub-missing-imports')
  return args.map((a) => (/^[\w./:@=-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(' ')
}

/**
 * The repair of a check that found drift: planned only (dry run), or written when the input asks for it. Undefined
 * when there is nothing a migration would change (no target gets a statement or a snapshot).
 */
export function repairInAction(
  checked: CheckedProject,
  settings: FixSettings,
  patchFile: string,
  /** Milliseconds (the golden files); default Date.now(). It picks the migration's name, so one for both calls. */
  now = Date.now()
): ActionRepair | undefined {
  const planned = repairProject(checked, { dryRun: true, now })
  if (!planned.targets.some((t) => t.files.length > 0 || t.skipped.length > 0)) return undefined
  const command = fixCommand(settings)
  if (!settings.fix || !planned.targets.some((t) => t.files.length > 0)) return { result: planned, command }
  const result = repairProject(checked, { now })
  const files = result.targets.flatMap((t) => t.files.map((f) => path.resolve(checked.config.root, f)))
  try {
    fs.mkdirSync(path.dirname(patchFile), { recursive: true })
    fs.writeFileSync(patchFile, gitDiff(settings.run.root, files))
    return { result, command, patch: patchFile }
  } catch (error) {
    return { result, command, patchProblem: describeError(error) }
  }
}

/**
 * The diff of the written files against the checked-out commit, new files included: they are marked "intent to
 * add" only for the diff, and the index is left as it was.
 */
function gitDiff(root: string, files: string[]): string {
  const git = (...args: string[]): string =>
    execFileSync('git', ['-C', root, ...args], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, timeout: 60_000 })
  const untracked = files.filter((f) => {
    try {
      git('ls-files', '--error-unmatch', '--', f)
      return false
    } catch {
      return true
    }
  })
  if (untracked.length > 0) git('add', '--intent-to-add', '--', ...untracked)
  try {
    return git('diff', '--no-color', '--no-ext-diff', '--', ...files)
  } finally {
    if (untracked.length > 0) git('reset', '--quiet', '--', ...untracked)
  }
}

/** The section of the summary and the comment: the command, then the migration (collapsed) and what it leaves. */
export function repairMarkdown(repair: ActionRepair, maxLength = Infinity): string {
  const { result } = repair
  const head = [
    '### Corrective migration',
    '',
    result.dryRun
      ? 'Run this in the project to write the migration below (it never prompts; review it, then commit it):'
      : `The action wrote the migration below into the workspace${repair.patch ? ' (the `fix-patch` output holds its `git diff`)' : ''}; it is not committed. The same command writes it locally:`,
    '',
    '```sh',
    repair.command,
    '```',
    ''
  ]
  if (result.targets.some((t) => t.skipped.length > 0))
    head.push(
      'Some findings are left undone (listed below): those that delete data or can fail on existing rows are written only with `--allow-destructive`.',
      ''
    )
  if (repair.patchProblem)
    head.push(`> The files were written, but no \`git diff\` could be made: ${repair.patchProblem}`, '')
  // The targets with something to write or to say (a clean target's "nothing written" is noise here).
  const shown = { ...result, targets: result.targets.filter((t) => t.files.length > 0 || t.skipped.length > 0) }
  const body = renderRepairMarkdown(shown)
    .replace(/^## drift-guard fix\n\n/, '')
    .replace(/^### /gm, '#### ')
  const full = [...head, body].join('\n')
  if (full.length <= maxLength) return full
  return [...head, '_The migration is too long for this comment: see the job summary._', ''].join('\n')
}
