// A second PostgreSQL cluster of the test's own (initdb/pg_ctl from /usr/lib/postgresql/*/bin): its own port and
// temporary folder, restarted or limited at will, stopped and removed after. For what cannot be done to the shared
// server of the machine: restarts during a run, a low max_connections.
import { execFileSync } from 'node:child_process'
import * as fs from 'node:fs'
import * as net from 'node:net'
import * as os from 'node:os'
import * as path from 'node:path'

/** The directory of initdb and pg_ctl, the newest major first; undefined when the machine has none. */
export function postgresBin(): string | undefined {
  try {
    for (const major of fs.readdirSync('/usr/lib/postgresql').sort((a, b) => Number(b) - Number(a))) {
      const bin = `/usr/lib/postgresql/${major}/bin`
      if (fs.existsSync(path.join(bin, 'initdb')) && fs.existsSync(path.join(bin, 'pg_ctl'))) return bin
    }
  } catch {
    // not a Debian layout
  }
  return undefined
}

export interface TestCluster {
  url: string
  port: number
  /** pg_ctl restart -m fast: every session is terminated, the server is back when it resolves. */
  restart(): void
  stop(): void
  /** Stops the cluster and removes its folder. */
  remove(): void
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer()
    server.once('error', reject).listen(0, '127.0.0.1', () => {
      const port = (server.address() as net.AddressInfo).port
      server.close(() => resolve(port))
    })
  })
}

/**
 * Why this machine cannot start a test cluster, for a test that needs one: it fails with this reason (never passes
 * silently) unless DRIFT_GUARD_TEST_WITHOUT_CLUSTER=skip says the machine is known to have no server binaries.
 */
export function clusterUnavailable(): string | undefined {
  return postgresBin() ? undefined : 'no initdb/pg_ctl under /usr/lib/postgresql/*/bin (install postgresql)'
}

/** True when the machine has no cluster binaries and says so (the file's beforeAll then starts no cluster). */
export function clusterSkipped(): boolean {
  return clusterUnavailable() !== undefined && process.env.DRIFT_GUARD_TEST_WITHOUT_CLUSTER === 'skip'
}

/** `test`, or `test.skip` with the reason printed when the machine is declared to have no cluster binaries. */
export function clusterTest(): jest.It {
  if (!clusterSkipped()) return test
  console.warn(`skipped: ${clusterUnavailable()} (DRIFT_GUARD_TEST_WITHOUT_CLUSTER=skip)`)
  return test.skip
}

/** Starts a cluster on 127.0.0.1 (trust), with these server settings (`-c name=value`). */
export async function startCluster(settings: Record<string, string | number> = {}): Promise<TestCluster> {
  const bin = postgresBin()
  if (!bin) throw new Error(`cannot start a test cluster: ${clusterUnavailable()}`)
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dg-test-cluster-'))
  const data = path.join(dir, 'data')
  // initdb refuses root: the cluster then runs as the postgres user.
  const asUser = process.getuid?.() === 0 ? ['runuser', '-u', 'postgres', '--'] : []
  if (asUser.length) execFileSync('chown', ['-R', 'postgres', dir])
  const run = (binary: string, args: string[]): void => {
    const command = [...asUser, path.join(bin, binary), ...args]
    execFileSync(command[0], command.slice(1), { stdio: ['ignore', 'pipe', 'pipe'], timeout: 60_000 })
  }
  const port = await freePort()
  const options = [
    `-p ${port}`,
    "-c listen_addresses='127.0.0.1'",
    `-k ${dir}`,
    '-c fsync=off',
    '-c full_page_writes=off',
    ...Object.entries(settings).map(([k, v]) => `-c ${k}=${v}`)
  ].join(' ')
  const ctl = (action: string, extra: string[] = []): void =>
    run('pg_ctl', ['-D', data, '-w', '-l', path.join(dir, 'log'), '-o', options, ...extra, action])
  try {
    run('initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync'])
    ctl('start')
  } catch (error) {
    // A cluster that did not start leaves neither a server nor its folder behind.
    try {
      run('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop'])
    } catch {
      // never started
    }
    fs.rmSync(dir, { recursive: true, force: true })
    throw error
  }
  let stopped = false
  const stop = (): void => {
    if (!stopped) run('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop'])
    stopped = true
  }
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    restart: () => ctl('restart', ['-m', 'fast']),
    stop,
    remove: () => {
      try {
        stop()
      } catch {
        // already stopped
      }
      fs.rmSync(dir, { recursive: true, force: true })
    }
  }
}
