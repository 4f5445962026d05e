// The CLI and the action run from the sources (sucrase's require hook), as separate processes: what a process
// does at its end (its exit code, what it prints last) is only seen from outside it. No bundle needed.
import { ChildProcess, spawn } from 'node:child_process'
import * as fs from 'node:fs'
import * as path from 'node:path'
import { REPO, tempDir } from './project'

const HOOK = require.resolve('sucrase/register/ts')

export interface ProcessResult {
  status: number | null
  stdout: string
  stderr: string
}

/** Runs src/<entry> with node; async so that the test may act on the process (a server restart) meanwhile. */
export function runSource(
  entry: 'cli.ts' | 'index.ts',
  args: string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv; timeoutMs?: number; onStart?: (child: ChildProcess) => void }
): Promise<ProcessResult> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['-r', HOOK, path.join(REPO, 'src', entry), ...args], {
      cwd: options.cwd,
      env: options.env ?? process.env
    })
    options.onStart?.(child)
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d) => (stdout += d))
    child.stderr.on('data', (d) => (stderr += d))
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 120_000)
    child.on('close', (status) => {
      clearTimeout(timer)
      resolve({ status, stdout, stderr })
    })
  })
}

export interface ActionResult extends ProcessResult {
  outputs: Record<string, string>
  summary: string
}

/** Runs the action from the sources with these inputs (INPUT_*), the output and summary files of a runner. */
export async function runActionSource(
  workspace: string,
  inputs: Record<string, string>,
  extraEnv: NodeJS.ProcessEnv = {}
): Promise<ActionResult> {
  const runner = tempDir('dg-runner-')
  const output = path.join(runner, 'output')
  const summary = path.join(runner, 'summary')
  fs.writeFileSync(output, '')
  fs.writeFileSync(summary, '')
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    GITHUB_WORKSPACE: workspace,
    GITHUB_OUTPUT: output,
    GITHUB_STEP_SUMMARY: summary,
    RUNNER_TEMP: runner,
    ...extraEnv
  }
  for (const [name, value] of Object.entries(inputs)) env[`INPUT_${name.toUpperCase()}`] = value
  const result = await runSource('index.ts', [], { cwd: workspace, env })
  return {
    ...result,
    outputs: parseOutputs(fs.readFileSync(output, 'utf8')),
    summary: fs.readFileSync(summary, 'utf8')
  }
}

/** GITHUB_OUTPUT's `name<<delimiter … delimiter` blocks. */
function parseOutputs(text: string): Record<string, string> {
  const outputs: Record<string, string> = {}
  const lines = text.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const m = /^([^<]+)<<(.+)$/.exec(lines[i])
    if (!m) continue
    const value: string[] = []
    while (++i < lines.length && lines[i] !== m[2]) value.push(lines[i])
    outputs[m[1]] = value.join('\n')
  }
  return outputs
}
