// The worker-thread side of one embedded Postgres instance (src/pglite-worker.ts starts it; ./pglite-instance.ts
// is the tool's side). PGlite runs synchronously in WebAssembly: in the tool's own thread a statement that never
// ends (`pg_sleep(600)`, an endless loop) would hold it, so no timer and no SIGINT/SIGTERM handler could ever run.
// In a thread of its own, the tool's thread stays free to end it (Worker.terminate() stops even a busy WebAssembly
// loop). The messages carry plain data only: SQL in, rows or an error's fields out.
import { createRequire } from 'node:module'
import { parentPort, workerData } from 'node:worker_threads'
import { PGLiteSocketServer } from '@electric-sql/pglite-socket'
import { BytesBlob, MemoryFsClass, preloadedMemoryFs, readTarEntries } from './pglite-datadir'

/** What the thread starts its instance from. */
export interface ThreadStart {
  /** Absolute path of PGlite's CommonJS entry (the shipped copy in the bundle). */
  pgliteEntry: string
  /** Extensions to load: PGlite's key for it, the module's absolute path and the export that holds it. */
  extensions: { key: string; entry: string; exportName: string }[]
  wasmModule: WebAssembly.Module
  /** The data directory, an uncompressed tar. */
  dataDir: Uint8Array
  fsBundle: Uint8Array
  settings: string[]
}

export type ThreadRequest =
  | { id: number; op: 'query'; sql: string; params?: unknown[] }
  | { id: number; op: 'exec'; sql: string }
  | { id: number; op: 'serve'; maxClients: number }
  | { id: number; op: 'unserve' }

/** The fields of a Postgres error the tool reads (./provider.ts toPostgresError). */
export interface ErrorFields {
  message: string
  code?: string
  position?: string | number
  detail?: string
  hint?: string
}

/** id 0 answers the start: ready, or the error that stopped it. */
export interface ThreadAnswer {
  id: number
  rows?: unknown[]
  url?: string
  error?: ErrorFields
}

interface PGliteInstance {
  query<T>(sql: string, params?: unknown[]): Promise<{ rows: T[] }>
  exec(sql: string): Promise<unknown>
}

function errorFields(error: unknown): ErrorFields {
  const e = error as Partial<ErrorFields> | null
  const fields: ErrorFields = { message: String(e?.message ?? error) }
  for (const key of ['code', 'position', 'detail', 'hint'] as const) {
    const value = e?.[key]
    if (typeof value === 'string' || typeof value === 'number')
      (fields as unknown as Record<string, unknown>)[key] = value
  }
  return fields
}

export async function runPgliteThread(): Promise<void> {
  const port = parentPort
  if (!port) throw new Error('pglite-worker runs only as a worker thread')
  const start = workerData as ThreadStart
  const load = createRequire(start.pgliteEntry)
  let pg: PGliteInstance
  try {
    const { PGlite, MemoryFS } = load(start.pgliteEntry) as {
      PGlite: { create(options: Record<string, unknown>): Promise<PGliteInstance> }
      MemoryFS: MemoryFsClass
    }
    const extensions: Record<string, unknown> = {}
    for (const ext of start.extensions)
      extensions[ext.key] = (load(ext.entry) as Record<string, unknown>)[ext.exportName]
    const entries = readTarEntries(start.dataDir)
    pg = await PGlite.create({
      ...(entries
        ? { fs: preloadedMemoryFs(MemoryFS, start.dataDir, entries) }
        : { loadDataDir: new BytesBlob(start.dataDir) }),
      wasmModule: start.wasmModule,
      fsBundle: new BytesBlob(start.fsBundle),
      extensions,
      postgresqlconf: start.settings
    })
  } catch (error) {
    port.postMessage({ id: 0, error: errorFields(error) } satisfies ThreadAnswer)
    return
  }
  let served: PGLiteSocketServer | undefined
  const answer = async (request: ThreadRequest): Promise<ThreadAnswer> => {
    switch (request.op) {
      case 'query':
        return { id: request.id, rows: (await pg.query(request.sql, request.params)).rows }
      case 'exec':
        await pg.exec(request.sql)
        return { id: request.id }
      case 'serve': {
        // The socket server lives next to the instance: the project's init commands reach it without the tool's
        // thread relaying every message.
        served = new PGLiteSocketServer({
          db: pg as ConstructorParameters<typeof PGLiteSocketServer>[0]['db'],
          host: '127.0.0.1',
          port: 0,
          maxConnections: request.maxClients
        })
        await served.start()
        const [host, portNumber] = served.getServerConn().split(':')
        return { id: request.id, url: `postgresql://postgres@${host}:${portNumber}/postgres` }
      }
      case 'unserve':
        await served?.stop()
        served = undefined
        // A client's SET (search_path, role…) is the one backend's: the next user of this instance starts clean.
        await pg.exec('ROLLBACK; RESET ALL; RESET ROLE').catch(() => undefined)
        return { id: request.id }
    }
  }
  port.on('message', (request: ThreadRequest) => {
    answer(request).then(
      (reply) => port.postMessage(reply),
      (error) => port.postMessage({ id: request.id, error: errorFields(error) } satisfies ThreadAnswer)
    )
  })
  port.postMessage({ id: 0 } satisfies ThreadAnswer)
}
