// How a PGlite instance gets its data directory and file bundle without Node's Blob and PGlite's tar loader.
//
// Every start copies the saved data directory (a 40 MB tar, 16 MB of it the WAL segment) into the instance's
// in-memory file system. Through PGlite's own path (`loadDataDir: Blob`) that cost ~0.25 s of CPU a start on
// history-300 (bench/README.md): Node's Blob copies what it is made of and reads it back in chunks joined again,
// then PGlite's tar reader parses every header field as a string, copies each file out of the tar and looks up every
// parent folder of every file. Here the tar is parsed once, and each file is written straight into PGDATA from
// PGlite's documented filesystem hook (a MemoryFS whose initial sync writes the files); PGlite then finds PG_VERSION
// and starts the cluster as it would after loading a tarball.

/** One entry of an uncompressed tar written by PGlite's `dumpDataDir` (tinytar: ustar headers, no long names). */
export interface TarEntry {
  /** Path inside the data directory, without a leading slash. */
  path: string
  directory: boolean
  /** Where the file's bytes start in the tar. */
  offset: number
  size: number
  /** Seconds since the epoch. */
  mtime: number
}

/**
 * The entries of a tar, or undefined for anything this reader does not fully understand (long names, links, a
 * truncated archive, no PG_VERSION): PGlite's own loader then reads it, as before, with its own errors.
 */
export function readTarEntries(tar: Uint8Array): TarEntry[] | undefined {
  const bytes = Buffer.from(tar.buffer, tar.byteOffset, tar.byteLength)
  const text = (at: number, length: number): string => {
    let end = at
    while (end < at + length && bytes[end] !== 0) end++
    return bytes.toString('latin1', at, end)
  }
  const octal = (at: number, length: number): number | undefined => {
    const digits = text(at, length).trim()
    return /^[0-7]*$/.test(digits) ? parseInt(digits || '0', 8) : undefined
  }
  const entries: TarEntry[] = []
  let at = 0
  // The archive ends with zero blocks.
  while (at + 512 <= bytes.length && bytes[at] !== 0) {
    if (text(at + 257, 5) !== 'ustar') return undefined
    const size = octal(at + 124, 12)
    const mtime = octal(at + 136, 12)
    const type = String.fromCharCode(bytes[at + 156])
    if (size === undefined || mtime === undefined || !['0', '\0', '5'].includes(type)) return undefined
    const prefix = text(at + 345, 155)
    const name = `${prefix ? `${prefix}/` : ''}${text(at, 100)}`.replace(/^\/+/, '').replace(/\/+$/, '')
    if (name === '' || name.split('/').some((part) => part === '..' || part === '.' || part === '')) return undefined
    const offset = at + 512
    if (offset + size > bytes.length) return undefined
    entries.push({ path: name, directory: type === '5', offset, size: type === '5' ? 0 : size, mtime })
    at = offset + Math.ceil((type === '5' ? 0 : size) / 512) * 512
  }
  return entries.some((e) => e.path === 'PG_VERSION' && !e.directory) ? entries : undefined
}

/** The part of Emscripten's FS this file uses. */
interface EmscriptenFs {
  mkdir(path: string): void
  /** Makes the missing folders of a path (those that exist are left as they are). */
  mkdirTree(path: string): void
  analyzePath(path: string): { exists: boolean }
  writeFile(path: string, data: Uint8Array): void
  utime(path: string, atime: number, mtime: number): void
}

/** PGlite's in-memory filesystem class (exported by the package); its instances see their PGlite as `pg`. */
export type MemoryFsClass = new () => {
  initialSyncFs(): Promise<void>
}

/** PGlite's data directory in its file system (PGDATA, src/initdb.ts of PGlite). */
const PGDATA = '/pglite/data'

/**
 * A MemoryFS whose first sync writes the data directory's files, the way PGlite's `loadTar` does (folders with
 * mkdir, files with writeFile then utime), so that the cluster starts from them.
 */
export function preloadedMemoryFs(MemoryFS: MemoryFsClass, tar: Uint8Array, entries: TarEntry[]): object {
  class PreloadedMemoryFS extends MemoryFS {
    override async initialSyncFs(): Promise<void> {
      await super.initialSyncFs()
      const FS = (this as unknown as { pg: { Module: { FS: EmscriptenFs } } }).pg.Module.FS
      // A plain Uint8Array: Emscripten copies what it writes with `slice()`, which on a Node Buffer is a view of the
      // same memory, so every instance would write into the one template.
      const bytes = new Uint8Array(tar.buffer, tar.byteOffset, tar.byteLength)
      FS.mkdirTree(PGDATA)
      const folders = new Set([PGDATA])
      for (const entry of entries) {
        const target = `${PGDATA}/${entry.path}`
        const parent = target.slice(0, target.lastIndexOf('/'))
        if (!folders.has(parent)) {
          FS.mkdirTree(parent)
          folders.add(parent)
        }
        if (entry.directory) {
          if (!folders.has(target) && !FS.analyzePath(target).exists) FS.mkdir(target)
          folders.add(target)
          continue
        }
        // writeFile copies the bytes (the instance's file system grows and rewrites its files in place).
        FS.writeFile(target, bytes.subarray(entry.offset, entry.offset + entry.size))
        FS.utime(target, entry.mtime * 1000, entry.mtime * 1000)
      }
    }
  }
  return new PreloadedMemoryFS()
}

/**
 * Bytes passed where PGlite's options take a Blob (`fsBundle`, `loadDataDir`), of which PGlite only calls
 * `arrayBuffer()`: Node's Blob would copy them in and read them back in chunks joined again. Each call returns a
 * copy of its own, because the file system keeps the buffer it is given as the contents of its files and writes into
 * them (the file bundle's files own slices of it).
 */
export class BytesBlob extends Blob {
  constructor(private readonly content: Uint8Array) {
    super()
  }

  override arrayBuffer(): Promise<ArrayBuffer> {
    // Not `slice()`: on a Node Buffer that is a view of the same memory, not a copy.
    const copy = new Uint8Array(this.content.byteLength)
    copy.set(this.content)
    return Promise.resolve(copy.buffer)
  }
}
