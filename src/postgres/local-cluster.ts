// A temporary Postgres cluster started from the PostgreSQL binaries on PATH (initdb, pg_ctl), as GitHub's Ubuntu
// runners ship them. Lives in a temporary folder, listens on a Unix socket only, and is removed in dispose().
import { execFileSync } from 'node:child_process'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { DatabaseUnavailableError } from '../core/errors'
import { Database, DatabaseOptions, PostgresProvider } from './provider'
import { ServerProvider } from './server'
import { onInterrupt } from '../core/interrupt'

function findBinary(name: string): string | undefined {
  const dirs = (process.env.PATH ?? '').split(path.delimiter)
  // Debian/Ubuntu keep the server binaries out of PATH, under /usr/lib/postgresql/<major>/bin.
  try {
    for (const major of fs.readdirSync('/usr/lib/postgresql').sort((a, b) => Number(b) - Number(a)))
      dirs.push(`/usr/lib/postgresql/${major}/bin`)
  } catch {
    // not a Debian layout
  }
  for (const dir of dirs) {
    const candidate = path.join(dir, name)
    if (fs.existsSync(candidate)) return candidate
  }
  return undefined
}

export class LocalClusterProvider implements PostgresProvider {
  description = 'temporary cluster (initdb)'
  readonly concurrency = 4
  private server?: ServerProvider
  private dataDir?: string
  private asUser?: string[]
  private forgetInterrupt?: () => void

  private run(binary: string, args: string[]): void {
    const command = this.asUser ? [...this.asUser, binary, ...args] : [binary, ...args]
    execFileSync(command[0], command.slice(1), { stdio: ['ignore', 'pipe', 'pipe'], timeout: 60_000 })
  }

  private async start(): Promise<ServerProvider> {
    if (this.server) return this.server
    const initdb = findBinary('initdb')
    const pgCtl = findBinary('pg_ctl')
    if (!initdb || !pgCtl)
      throw new DatabaseUnavailableError(
        '--postgres local needs initdb and pg_ctl (PostgreSQL server binaries) on PATH'
      )
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'drift-guard-pg-'))
    this.dataDir = dir
    this.forgetInterrupt = onInterrupt(
      () => this.dispose(),
      () => (this.dataDir ? [`the temporary cluster ${this.dataDir}`] : [])
    )
    // initdb refuses to run as root; run the cluster as the postgres user when we are root.
    if (process.getuid?.() === 0) {
      this.asUser = ['runuser', '-u', 'postgres', '--']
      execFileSync('chown', ['-R', 'postgres', dir])
    }
    const data = path.join(dir, 'data')
    try {
      this.run(initdb, ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync'])
      this.run(pgCtl, [
        '-D',
        data,
        '-w',
        '-l',
        path.join(dir, 'log'),
        '-o',
        `-c listen_addresses='' -k ${dir} -c fsync=off -c full_page_writes=off`,
        'start'
      ])
    } catch (error) {
      const stderr = String((error as { stderr?: Buffer }).stderr ?? (error as Error).message)
        .trim()
        .split('\n')
        .pop()
      await this.dispose()
      throw new DatabaseUnavailableError(`could not start a temporary Postgres cluster: ${stderr}`)
    }
    this.server = new ServerProvider('postgres://postgres@localhost:5432/postgres', dir)
    this.description = `temporary cluster (${path.basename(path.dirname(path.dirname(initdb)))})`
    return this.server
  }

  async createDatabase(label: string, options?: DatabaseOptions): Promise<Database> {
    return (await this.start()).createDatabase(label, options)
  }
  async availableExtensions(): Promise<Set<string>> {
    return (await this.start()).availableExtensions()
  }
  async serverVersion(): Promise<string> {
    return (await this.start()).serverVersion()
  }
  private disposing?: Promise<void>
  /** Stops and removes the cluster; concurrent calls (signal handler and normal end) share one run. */
  dispose(): Promise<void> {
    this.disposing ??= this.disposeOnce().finally(() => (this.disposing = undefined))
    return this.disposing
  }

  private async disposeOnce(): Promise<void> {
    await this.server?.dispose()
    this.server = undefined
    if (this.dataDir) {
      const pgCtl = findBinary('pg_ctl')
      try {
        if (pgCtl && fs.existsSync(path.join(this.dataDir, 'data', 'postmaster.pid')))
          this.run(pgCtl, ['-D', path.join(this.dataDir, 'data'), '-m', 'immediate', '-w', 'stop'])
      } catch {
        // already stopped
      }
      fs.rmSync(this.dataDir, { recursive: true, force: true })
      this.dataDir = undefined
      this.forgetInterrupt?.()
    }
  }
}
