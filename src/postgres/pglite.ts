// Embedded Postgres: PGlite (PostgreSQL compiled to WebAssembly), nothing to install.
//
// PGlite holds one database per instance, and a fresh instance runs initdb (seconds). So initdb runs once: its
// data directory is kept (in memory, and in a cache file across runs) and every throwaway database starts as a
// copy of it. The wasm and data files are passed in explicitly, because bundling breaks PGlite's own lookup.
// Each instance runs in a worker thread of its own (./pglite-instance.ts), under the statement time limit.
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import * as v8 from 'node:v8'
import { Worker } from 'node:worker_threads'
import * as zlib from 'node:zlib'
import { DatabaseUnavailableError } from '../core/errors'
import { onInterrupt } from '../core/interrupt'
import { vendorDirectory, vendorPackageVersion, vendorRequire, vendorResolve } from '../core/vendor'
import { Database, DatabaseOptions, PostgresProvider } from './provider'
import { BytesBlob } from './pglite-datadir'
import { PgliteThreadInstance } from './pglite-instance'
import { ThreadStart } from './pglite-thread'
import { resetDatabase } from './reset'
import { statementTimeoutMs } from './server-connection'

interface PGliteInstance {
  query<T>(sql: string, params?: unknown[]): Promise<{ rows: T[] }>
  exec(sql: string): Promise<unknown>
  dumpDataDir(compression?: 'none' | 'gzip' | 'auto'): Promise<Blob | File>
  close(): Promise<void>
}
interface PGliteModule {
  PGlite: { create(options: Record<string, unknown>): Promise<PGliteInstance> }
}

/** What every instance starts from, read once per run. */
interface Template {
  /** The data directory, an uncompressed tar. */
  dataDir: Uint8Array
  wasmModule: WebAssembly.Module
  /** PGlite's file bundle (pglite.data: the share and lib folders). */
  fsBundle: Uint8Array
}

/** CREATE EXTENSION name -> where PGlite has it. */
const CONTRIB = new Set([
  'amcheck',
  'bloom',
  'btree_gin',
  'btree_gist',
  'citext',
  'cube',
  'dict_int',
  'dict_xsyn',
  'earthdistance',
  'file_fdw',
  'fuzzystrmatch',
  'hstore',
  'intarray',
  'isn',
  'lo',
  'ltree',
  'moddatetime',
  'pageinspect',
  'pg_buffercache',
  'pg_freespacemap',
  'pg_stat_statements',
  'pg_surgery',
  'pg_trgm',
  'pg_visibility',
  'pg_walinspect',
  'pgcrypto',
  'seg',
  'tablefunc',
  'tcn',
  'tsm_system_rows',
  'tsm_system_time',
  'unaccent',
  'uuid-ossp'
])
/** Built into every Postgres: nothing to load. */
const BUILT_IN = new Set(['plpgsql'])
/** Every extension the embedded Postgres can create. */
export const EMBEDDED_EXTENSIONS: ReadonlySet<string> = new Set([...CONTRIB, ...BUILT_IN, 'vector'])

/** Where the worker thread loads an extension from (it requires the module itself: functions do not cross). */
function extensionModule(name: string): ThreadStart['extensions'][number] {
  if (name === 'vector')
    return { key: 'vector', entry: vendorResolve('@electric-sql/pglite-pgvector'), exportName: 'vector' }
  const file = name.replace(/-/g, '_')
  return { key: file, entry: vendorResolve(`@electric-sql/pglite/contrib/${file}`), exportName: file }
}

/**
 * A throwaway database holds a schema and a few rows: PGlite's default 128 MB of shared buffers only costs memory
 * (WebAssembly memory never shrinks), and nothing needs to survive a crash.
 */
const EMBEDDED_SETTINGS = ['shared_buffers = 16MB', 'fsync = off', 'synchronous_commit = off', 'full_page_writes = off']

interface PooledInstance {
  pg: PgliteThreadInstance
  /** The extensions it was started with. */
  key: string
  /** Roles of a fresh instance (migrations may create more). */
  roles: Set<string>
}

export class PgliteProvider implements PostgresProvider {
  readonly description: string
  /** One instance at a time: a second one at once costs memory (and CPU the machine may not have). */
  readonly concurrency = 1
  private template?: Promise<Template>
  private readonly open = new Set<PgliteThreadInstance>()
  private readonly idle: PooledInstance[] = []
  /** Every thread started and not ended: SIGINT/SIGTERM end them, busy or not. */
  private readonly threads = new Set<PgliteThreadInstance>()
  private forgetInterrupt?: () => void
  private version?: string

  private readonly identity: string

  constructor(private readonly cacheDir: string = defaultCacheDir()) {
    this.description = `embedded (PGlite ${vendorPackageVersion('@electric-sql/pglite')})`
    // Every instance starts from the same data directory, with these settings, and is reset to it when reused.
    this.identity = `${this.description} ${EMBEDDED_SETTINGS.join(', ')}`
  }

  async buildIdentity(): Promise<string> {
    return this.identity
  }

  async availableExtensions(): Promise<Set<string>> {
    return new Set(EMBEDDED_EXTENSIONS)
  }

  private async start(): Promise<Template> {
    const distDir = path.dirname(vendorResolve('@electric-sql/pglite'))
    let wasmModule: WebAssembly.Module
    let fsBundle: Uint8Array
    quickWasmCode()
    try {
      wasmModule = await WebAssembly.compile(fs.readFileSync(path.join(distDir, 'pglite.wasm')))
      fsBundle = fs.readFileSync(path.join(distDir, 'pglite.data'))
    } catch (error) {
      throw new DatabaseUnavailableError(`embedded Postgres could not start: ${(error as Error).message}`)
    }
    const cacheFile = this.cachedDataDir()
    const cached = readCachedDataDir(cacheFile)
    if (cached) return { dataDir: cached, wasmModule, fsBundle }
    // The data directory shipped with the tool (scripts/pglite-datadir.mjs): no initdb at all.
    const shipped = path.join(
      vendorDirectory() ?? path.join(__dirname, '..', '..', 'vendor-data'),
      `pglite-${vendorPackageVersion('@electric-sql/pglite')}-datadir.tar.gz`
    )
    if (fs.existsSync(shipped)) {
      let unpacked: Buffer | undefined
      try {
        unpacked = zlib.gunzipSync(fs.readFileSync(shipped))
      } catch {
        // A damaged file: initdb below makes a new data directory.
      }
      if (unpacked) {
        // Kept unpacked in the cache too: the next run reads it as is (the gunzip costs ~50 ms a run).
        this.writeCache(cacheFile, unpacked)
        return { dataDir: unpacked, wasmModule, fsBundle }
      }
    }
    let dataDir: Buffer
    try {
      dataDir = await initDataDirInWorker(
        vendorResolve('@electric-sql/pglite'),
        wasmModule,
        path.join(distDir, 'pglite.data')
      )
    } catch {
      // No worker threads (or the worker failed): initdb here, at the cost of its memory for the rest of the run.
      const { PGlite } = vendorRequire<PGliteModule>('@electric-sql/pglite')
      const fresh = await PGlite.create({ wasmModule, fsBundle: new BytesBlob(fsBundle) })
      dataDir = Buffer.from(await (await fresh.dumpDataDir('none')).arrayBuffer())
      await fresh.close()
    }
    this.writeCache(cacheFile, dataDir)
    return { dataDir, wasmModule, fsBundle }
  }

  private retried = false

  private cachedDataDir(): string {
    return path.join(this.cacheDir, `pglite-${vendorPackageVersion('@electric-sql/pglite')}-datadir.tar`)
  }

  private writeCache(cacheFile: string, content: Buffer): void {
    // Written to a temporary name first, so a concurrent run never reads half a file.
    const tmp = `${cacheFile}.${process.pid}.tmp`
    try {
      // A file where the cache folder should be (ENOTDIR) would refuse every write.
      if (fs.statSync(this.cacheDir, { throwIfNoEntry: false })?.isFile()) {
        fs.rmSync(this.cacheDir, { force: true })
        process.stderr.write(`drift-guard: ${this.cacheDir} was a file, not the cache folder: removed\n`)
      }
      fs.mkdirSync(this.cacheDir, { recursive: true })
      fs.writeFileSync(tmp, content)
      fs.renameSync(tmp, cacheFile)
    } catch {
      // The cache only saves time; a read-only or full disk is not an error.
      fs.rmSync(tmp, { force: true })
    }
  }

  async createDatabase(label: string, options: DatabaseOptions = {}): Promise<Database> {
    const wanted = (options.extensions ?? [])
      .filter((name) => !BUILT_IN.has(name) && (CONTRIB.has(name) || name === 'vector'))
      .sort()
    const key = wanted.join(',')
    // A returned instance is reused rather than another started (≈0.5 s), once reset to the state of a fresh one.
    // The reset happens here, when it is taken, not when it is returned: the last use of each is never reset.
    let instance: PooledInstance | undefined
    for (
      let pooled = this.idle.findIndex((p) => p.key === key);
      pooled >= 0 && !instance;
      pooled = this.idle.findIndex((p) => p.key === key)
    ) {
      const candidate = this.idle.splice(pooled, 1)[0]
      const pg = candidate.pg
      const session = {
        query: async <T>(sql: string, params?: unknown[]) => (await pg.query<T>(sql, params)).rows,
        exec: async (sql: string) => void (await pg.exec(sql))
      }
      if (await resetDatabase(session, candidate.roles, true).catch(() => false)) instance = candidate
      else await this.end(pg)
    }
    instance ??= await this.startInstance(key, wanted)
    this.open.add(instance.pg)
    const open = this.open
    const returned = instance
    const release = async (): Promise<void> => {
      if (!open.delete(returned.pg)) return
      // One whose statement timed out is gone with its thread.
      if (returned.pg.alive) this.idle.push(returned)
      else await this.end(returned.pg)
    }
    const pg = instance.pg
    return {
      label,
      async query<T>(sql: string, params?: unknown[]): Promise<T[]> {
        return (await pg.query<T>(sql, params)).rows
      },
      async exec(sql: string): Promise<void> {
        refuseProgramCopy(sql)
        await pg.exec(sql)
      },
      serve: () => pg.serve(),
      close: release
    }
  }

  private async startInstance(key: string, names: string[]): Promise<PooledInstance> {
    this.template ??= this.start()
    const { dataDir, wasmModule, fsBundle } = await this.template
    let pg: PgliteThreadInstance
    this.forgetInterrupt ??= onInterrupt(() => this.dispose())
    try {
      pg = await PgliteThreadInstance.start(
        {
          pgliteEntry: vendorResolve('@electric-sql/pglite'),
          extensions: names.map(extensionModule),
          wasmModule,
          dataDir,
          fsBundle,
          settings: EMBEDDED_SETTINGS
        },
        statementTimeoutMs()
      )
    } catch (error) {
      // A damaged cached data directory would fail every run from now on: it is removed, and the next start uses
      // the shipped one (or initdb) again.
      const cached = this.cachedDataDir()
      if (fs.existsSync(cached) && !this.retried) {
        this.retried = true
        fs.rmSync(cached, { force: true })
        this.template = undefined
        return this.startInstance(key, names)
      }
      throw new DatabaseUnavailableError(`embedded Postgres could not start: ${(error as Error).message}`)
    }
    this.threads.add(pg)
    try {
      const { rows } = await pg.query<{ v: string }>("select current_setting('server_version') as v")
      this.version ??= `PostgreSQL ${rows[0].v} (${this.description})`
      const roles = await pg.query<{ rolname: string }>('select rolname from pg_roles')
      return { pg, key, roles: new Set(roles.rows.map((r) => r.rolname)) }
    } catch (error) {
      await this.end(pg)
      throw new DatabaseUnavailableError(`embedded Postgres could not start: ${(error as Error).message}`)
    }
  }

  async serverVersion(): Promise<string> {
    if (this.version) return this.version
    const db = await this.createDatabase('version')
    await db.close()
    return this.version ?? this.description
  }

  private async end(pg: PgliteThreadInstance): Promise<void> {
    this.threads.delete(pg)
    await pg.terminate()
  }

  async dispose(): Promise<void> {
    // Ending the threads is all there is to remove: each instance lives only in its thread's memory.
    const threads = [...this.threads]
    this.open.clear()
    this.idle.length = 0
    this.forgetInterrupt?.()
    this.forgetInterrupt = undefined
    await Promise.all(threads.map((pg) => this.end(pg)))
  }
}

/**
 * Runs PGlite's initdb in a worker thread and returns the data directory it produced. WebAssembly memory is never
 * given back while its isolate lives: initdb's instance in this thread would keep ~0.5 GB for the whole first run
 * (a fresh CI runner); a worker's memory goes with the worker.
 */
export function initDataDirInWorker(
  pgliteEntry: string,
  wasmModule: WebAssembly.Module,
  dataFile: string
): Promise<Buffer> {
  // eval'd CommonJS: nothing for the bundler to follow, and the vendored PGlite loads by its absolute path.
  const code = `
    const { parentPort, workerData } = require('node:worker_threads')
    const fs = require('node:fs')
    const { PGlite } = require(workerData.pgliteEntry)
    ;(async () => {
      const pg = await PGlite.create({ wasmModule: workerData.wasmModule, fsBundle: new Blob([fs.readFileSync(workerData.dataFile)]) })
      const dump = Buffer.from(await (await pg.dumpDataDir('none')).arrayBuffer())
      await pg.close()
      parentPort.postMessage(dump)
    })().catch((error) => parentPort.postMessage({ error: String((error && error.message) || error) }))
  `
  return new Promise((resolve, reject) => {
    const worker = new Worker(code, { eval: true, workerData: { pgliteEntry, wasmModule, dataFile } })
    // Answered only once the worker is gone, so that its memory is free before this thread starts an instance.
    let answer: Buffer | Error = new Error('initdb worker exited without an answer')
    // initdb takes seconds; a worker stuck for minutes is given up (the caller then runs initdb in this thread).
    const limit = setTimeout(() => void worker.terminate(), 5 * 60_000)
    worker.once('message', (message: Buffer | Uint8Array | { error: string }) => {
      answer = 'error' in message ? new Error(message.error) : Buffer.from(message)
      void worker.terminate()
    })
    worker.once('exit', () => clearTimeout(limit))
    worker.once('error', (error) => (answer = error))
    worker.once('exit', () => (answer instanceof Error ? reject(answer) : resolve(answer)))
  })
}

/**
 * V8 compiles WebAssembly twice: a quick first version of every function, then an optimised one of each function
 * that runs often, on other threads. A check runs Postgres for a few seconds, of DDL and catalog queries spread over
 * thousands of functions: the optimising compiler then costs more CPU than it saves (history-300: 2-3 s of CPU and
 * ~85 MB more memory, bench/README.md). Only the quick version is made, from the first module compiled on.
 */
function quickWasmCode(): void {
  if (process.env.DRIFT_GUARD_WASM_OPTIMISE) return
  try {
    v8.setFlagsFromString('--liftoff-only')
  } catch {
    // a V8 without the flag compiles as it always did
  }
}

/**
 * The cached data directory (an uncompressed tar), or undefined. What is not one (garbled bytes, which PGlite would
 * take for gzip and fail on outside any caller, a folder in its place, a file in place of the cache folder) is
 * removed with a notice: the shipped data directory is used instead, and cached again.
 */
function readCachedDataDir(file: string): Buffer | undefined {
  let content: Buffer
  try {
    content = fs.readFileSync(file)
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'EISDIR') dropCachedDataDir(file, 'is a folder')
    return undefined
  }
  // Every tar header block says "ustar" at offset 257.
  if (content.length < 1024 || content.subarray(257, 262).toString('latin1') !== 'ustar') {
    dropCachedDataDir(file, 'is damaged (not a tar archive)')
    return undefined
  }
  return content
}

function dropCachedDataDir(file: string, why: string): void {
  try {
    fs.rmSync(file, { recursive: true, force: true })
  } catch {
    // not used either way
  }
  process.stderr.write(`drift-guard: the cached data directory ${file} ${why}: removed, the shipped one is used\n`)
}

function defaultCacheDir(): string {
  return path.join(process.env.RUNNER_TEMP || os.tmpdir(), 'drizzle-drift-guard')
}

/**
 * COPY … TO/FROM PROGRAM has no shell to run on the embedded Postgres: PGlite spun on it at full CPU, then failed
 * outside any statement (ERRORDATA_STACK_SIZE exceeded). Refused before it is sent, as an error of the statement
 * (insufficient_privilege, as a server refuses it to the run's owner role): the migration fails as a finding.
 */
function refuseProgramCopy(sql: string): void {
  if (/\bcopy\b[^;]*?\b(to|from)\s+program\b/i.test(sql))
    throw Object.assign(
      new Error(
        "COPY … PROGRAM runs a shell command on the database server: the embedded Postgres has none (and the run's role may not)"
      ),
      { code: '42501' }
    )
}
