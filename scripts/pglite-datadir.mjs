// The embedded Postgres's initialised data directory, made once per PGlite version and committed
// (vendor-data/pglite-<version>-datadir.tar.gz), so that no run ever pays PGlite's initdb: 2-5 s and ~0.9 GB of
// memory on a fresh CI runner. PGlite is WebAssembly, so the same files serve every platform. Run directly to
// (re)make the file for the installed PGlite; scripts/bundle.mjs ships it in dist/vendor/.
import * as fs from 'node:fs'
import * as path from 'node:path'
import * as zlib from 'node:zlib'
import { fileURLToPath } from 'node:url'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')

export function dataDirFile() {
  const { version } = JSON.parse(
    fs.readFileSync(path.join(root, 'node_modules', '@electric-sql', 'pglite', 'package.json'), 'utf8')
  )
  return path.join(root, 'vendor-data', `pglite-${version}-datadir.tar.gz`)
}

export async function makeDataDir(file = dataDirFile()) {
  const { PGlite } = await import(path.join(root, 'node_modules', '@electric-sql', 'pglite', 'dist', 'index.js'))
  const pg = await PGlite.create()
  const tar = Buffer.from(await (await pg.dumpDataDir('none')).arrayBuffer())
  await pg.close()
  fs.mkdirSync(path.dirname(file), { recursive: true })
  fs.writeFileSync(file, zlib.gzipSync(tar, { level: 9 }))
  return file
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const file = await makeDataDir()
  console.log(`${path.relative(root, file)}: ${fs.statSync(file).size} bytes`)
}
