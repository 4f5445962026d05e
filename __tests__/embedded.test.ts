// The embedded Postgres on a fresh machine (an empty cache, as on a new CI runner): it starts from the data
// directory shipped with the tool, and initdb, when it must run, runs in a worker whose memory goes with it.
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { PgliteProvider, initDataDirInWorker } from '../src/postgres/pglite'
import * as zlib from 'node:zlib'
import { vendorPackageVersion, vendorResolve } from '../src/core/vendor'
import { REPO } from './helpers/project'

const temp = fs.mkdtempSync(path.join(os.tmpdir(), 'dg-embedded-'))
afterAll(() => fs.rmSync(temp, { recursive: true, force: true }))

test('an empty cache folder: the shipped data directory serves as is (no initdb), kept unpacked for the next run', async () => {
  const cache = path.join(temp, 'cache')
  const start = async (): Promise<void> => {
    const provider = new PgliteProvider(cache)
    try {
      const db = await provider.createDatabase('fresh')
      expect(await db.query<{ n: number }>('select 1 as n')).toEqual([{ n: 1 }])
      await db.close()
    } finally {
      await provider.dispose()
    }
  }
  await start()
  // Byte for byte the shipped directory: initdb would have written another one (its own timestamps and ids).
  const version = vendorPackageVersion('@electric-sql/pglite')
  const shipped = zlib.gunzipSync(fs.readFileSync(path.join(REPO, 'vendor-data', `pglite-${version}-datadir.tar.gz`)))
  const cached = path.join(cache, `pglite-${version}-datadir.tar`)
  expect(fs.readFileSync(cached).equals(shipped)).toBe(true)
  expect(fs.readdirSync(cache)).toEqual([path.basename(cached)])
  // The next run starts from the unpacked copy.
  await start()
})

test('a damaged cached data directory is removed and the shipped one serves again', async () => {
  const cache = path.join(temp, 'damaged')
  fs.mkdirSync(cache, { recursive: true })
  const cached = path.join(cache, `pglite-${vendorPackageVersion('@electric-sql/pglite')}-datadir.tar`)
  fs.writeFileSync(cached, 'not a tar file')
  const provider = new PgliteProvider(cache)
  try {
    const db = await provider.createDatabase('after-damage')
    expect(await db.query<{ n: number }>('select 1 as n')).toEqual([{ n: 1 }])
    await db.close()
  } finally {
    await provider.dispose()
  }
  expect(fs.statSync(cached).size).toBeGreaterThan(1_000_000)
})

test('initdb in a worker thread gives a data directory PGlite starts from', async () => {
  const dist = path.dirname(vendorResolve('@electric-sql/pglite'))
  const wasmModule = await WebAssembly.compile(fs.readFileSync(path.join(dist, 'pglite.wasm')))
  const dump = await initDataDirInWorker(
    vendorResolve('@electric-sql/pglite'),
    wasmModule,
    path.join(dist, 'pglite.data')
  )
  expect(dump.length).toBeGreaterThan(1_000_000)
  const { PGlite } = require('@electric-sql/pglite') as {
    PGlite: {
      create(
        o: Record<string, unknown>
      ): Promise<{ query<T>(s: string): Promise<{ rows: T[] }>; close(): Promise<void> }>
    }
  }
  const pg = await PGlite.create({
    loadDataDir: new Blob([new Uint8Array(dump)]),
    wasmModule,
    fsBundle: new Blob([fs.readFileSync(path.join(dist, 'pglite.data'))])
  })
  try {
    expect((await pg.query<{ v: string }>("select current_setting('server_version_num') as v")).rows[0].v).toMatch(
      /^\d+$/
    )
  } finally {
    await pg.close()
  }
})
