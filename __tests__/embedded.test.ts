// The embedded Postgres on a fresh machine (an empty cache, as on a new CI runner): it starts from the data
// directory shipped with the tool, and initdb, when it must run, runs in a worker whose memory goes with it.
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { execFileSync } from 'node:child_process'
import { PgliteProvider, initDataDirInWorker } from '../src/postgres/pglite'
import { BytesBlob, MemoryFsClass, preloadedMemoryFs, readTarEntries } from '../src/postgres/pglite-datadir'
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

describe('the data directory written into the file system without PGlite’s tar loader', () => {
  const version = vendorPackageVersion('@electric-sql/pglite')
  const shipped = (): Buffer =>
    zlib.gunzipSync(fs.readFileSync(path.join(REPO, 'vendor-data', `pglite-${version}-datadir.tar.gz`)))

  test('reads every entry of the shipped data directory as tar itself lists it, with its bytes', () => {
    const tar = shipped()
    const entries = readTarEntries(tar)!
    expect(entries).toBeDefined()
    const file = path.join(temp, 'shipped.tar')
    fs.writeFileSync(file, tar)
    // GNU tar's own listing: type, size and name of each entry.
    const listed = execFileSync('tar', ['-tvf', file, '--numeric-owner'], { encoding: 'utf8' })
      .trim()
      .split('\n')
      .map((line) => {
        const [mode, , size, , , name] = line.split(/\s+/)
        return { path: name.replace(/^\/+/, '').replace(/\/+$/, ''), directory: mode[0] === 'd', size: Number(size) }
      })
    expect(entries.map((e) => ({ path: e.path, directory: e.directory, size: e.size }))).toEqual(listed)
    const pgVersion = entries.find((e) => e.path === 'PG_VERSION')!
    const extracted = path.join(temp, 'extracted')
    fs.mkdirSync(extracted, { recursive: true })
    execFileSync('tar', ['-xf', file, '-C', extracted])
    expect(tar.subarray(pgVersion.offset, pgVersion.offset + pgVersion.size)).toEqual(
      fs.readFileSync(path.join(extracted, 'PG_VERSION'))
    )
  })

  test('a tar it does not fully understand is left to PGlite: truncated, without PG_VERSION, a link, a long name', () => {
    const tar = shipped()
    expect(readTarEntries(tar.subarray(0, 700))).toBeUndefined()
    expect(readTarEntries(Buffer.alloc(2048))).toBeUndefined()
    const header = (name: string, type: string): Buffer => {
      const block = Buffer.alloc(512)
      block.write(name, 0, 'latin1')
      block.write('0000644\0', 100, 'latin1')
      block.write('00000000000\0', 124, 'latin1')
      block.write('00000000000\0', 136, 'latin1')
      block.write(type, 156, 'latin1')
      block.write('ustar\u000000', 257, 'latin1')
      return block
    }
    const withEntry = (block: Buffer): Buffer => Buffer.concat([block, tar])
    expect(readTarEntries(withEntry(header('/link', '2')))).toBeUndefined()
    expect(readTarEntries(withEntry(header('././@LongLink', 'L')))).toBeUndefined()
    expect(readTarEntries(withEntry(header('/../outside', '0')))).toBeUndefined()
    expect(readTarEntries(withEntry(header('/extra', '0')))).toHaveLength(readTarEntries(tar)!.length + 1)
  })

  test('instances started from the written files hold what one started by PGlite’s loader holds, each its own', async () => {
    const tar = shipped()
    const dist = path.dirname(vendorResolve('@electric-sql/pglite'))
    const wasmModule = await WebAssembly.compile(fs.readFileSync(path.join(dist, 'pglite.wasm')))
    const fsBundle = fs.readFileSync(path.join(dist, 'pglite.data'))
    const { PGlite, MemoryFS } = require('@electric-sql/pglite') as {
      PGlite: {
        create(o: Record<string, unknown>): Promise<{
          query<T>(s: string): Promise<{ rows: T[] }>
          exec(s: string): Promise<unknown>
          close(): Promise<void>
        }>
      }
      MemoryFS: MemoryFsClass
    }
    const contents = async (options: Record<string, unknown>): Promise<unknown> => {
      const pg = await PGlite.create({ ...options, wasmModule, fsBundle: new BytesBlob(fsBundle) })
      try {
        await pg.exec("create table t (id serial primary key, note text); insert into t (note) values ('a'), ('b')")
        return (
          await pg.query(
            "select current_setting('server_version_num') as v, (select count(*) from pg_class) as relations, (select string_agg(note, ',' order by id) from t) as notes"
          )
        ).rows
      } finally {
        await pg.close()
      }
    }
    const written = await contents({ fs: preloadedMemoryFs(MemoryFS, tar, readTarEntries(tar)!) })
    // Each instance writes into its own copy: a second one from the same bytes has no table t yet.
    const again = await contents({ fs: preloadedMemoryFs(MemoryFS, tar, readTarEntries(tar)!) })
    const loaded = await contents({ loadDataDir: new BytesBlob(tar) })
    expect(again).toEqual(written)
    expect(loaded).toEqual(written)
    expect(written).toEqual([expect.objectContaining({ notes: 'a,b' })])
  })

  test('a cached data directory PGlite’s loader must read (a link entry in it) still starts', async () => {
    const cache = path.join(temp, 'with-link')
    fs.mkdirSync(cache, { recursive: true })
    const link = Buffer.alloc(512)
    link.write('/a-link', 0, 'latin1')
    link.write('0000777\0', 100, 'latin1')
    link.write('00000000000\0', 124, 'latin1')
    link.write('00000000000\0', 136, 'latin1')
    link.write('2', 156, 'latin1')
    link.write('PG_VERSION', 157, 'latin1')
    link.write('ustar\u000000', 257, 'latin1')
    let sum = 0
    for (let i = 0; i < 512; i++) sum += i >= 148 && i < 156 ? 32 : link[i]
    link.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'latin1')
    const cached = path.join(cache, `pglite-${version}-datadir.tar`)
    fs.writeFileSync(cached, Buffer.concat([link, shipped()]))
    expect(readTarEntries(fs.readFileSync(cached))).toBeUndefined()
    const provider = new PgliteProvider(cache)
    try {
      const db = await provider.createDatabase('loader')
      expect(await db.query<{ n: number }>('select 1 as n')).toEqual([{ n: 1 }])
      await db.close()
    } finally {
      await provider.dispose()
    }
    // Used as it was: not taken for damaged.
    expect(fs.readFileSync(cached).subarray(0, 7).toString('latin1')).toBe('/a-link')
  })
})
