// Builds dist/: the action (dist/index.js), the CLI (dist/cli.js), the project-code process (dist/project-child.js)
// and the embedded Postgres's worker thread (dist/pglite-worker.js) with @vercel/ncc, plus dist/vendor/node_modules
// with the packages that must stay as their authors built them: PGlite (its wasm/data files and start-up code
// break when bundled), drizzle-kit's API (dynamic requires ncc cannot follow) and drizzle-orm (for schemas of
// projects that have no node_modules), in both generations (0.x in vendor/node_modules, 1.x in
// vendor/drizzle-1/node_modules). Deterministic: the same src/ gives the same dist/ (check-dist relies on it).
import { execFileSync } from 'node:child_process'
import * as fs from 'node:fs'
import * as path from 'node:path'
import { fileURLToPath } from 'node:url'
import { dataDirFile } from './pglite-datadir.mjs'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
// DIST_DIR lets the check-dist test build into a scratch folder and compare.
const target = process.env.DIST_DIR ? path.resolve(process.env.DIST_DIR) : path.join(root, 'dist')
const work = path.join(target, '..', `.ncc-${process.pid}`)
// Built whole beside the target, then put in its place: a build that fails or is killed half-way leaves the
// committed dist/ as it was (and its work folder is removed on failure).
const dist = path.join(work, 'dist')
const ncc = path.join(root, 'node_modules', '@vercel', 'ncc', 'dist', 'ncc', 'cli.js')

/** Whether a process of that id runs (one of another user counts as running). */
function running(pid) {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return error.code === 'EPERM'
  }
}

try {
  // Work folders of builds that were killed (their process gone, an hour ago) are removed, as a failed build removes
  // its own.
  const beside = path.dirname(target)
  for (const name of fs.existsSync(beside) ? fs.readdirSync(beside) : []) {
    const pid = Number(/^\.ncc-(\d+)$/.exec(name)?.[1])
    // An hour old too: a build in another container runs as a process this one cannot see.
    const old = () => Date.now() - fs.statSync(path.join(beside, name)).mtimeMs > 3_600_000
    if (pid && pid !== process.pid && !running(pid) && old())
      fs.rmSync(path.join(beside, name), { recursive: true, force: true })
  }
  fs.rmSync(work, { recursive: true, force: true })
  fs.mkdirSync(dist, { recursive: true })

  for (const [entry, out] of [
    ['src/index.ts', 'index.js'],
    ['src/cli.ts', 'cli.js'],
    // The process that loads the project's configs and schemas, away from the tool's secrets (src/project-code/).
    ['src/project-child.ts', 'project-child.js'],
    // The thread each embedded Postgres instance runs in, under the statement time limit (src/postgres/pglite-instance.ts).
    ['src/pglite-worker.ts', 'pglite-worker.js']
  ]) {
    const outDir = path.join(work, path.basename(out, '.js'))
    execFileSync(process.execPath, [ncc, 'build', entry, '-o', outDir, '--quiet', '--target', 'es2022'], {
      cwd: root,
      stdio: 'inherit'
    })
    const files = fs.readdirSync(outDir)
    const extra = files.filter((f) => f !== 'index.js')
    if (extra.length)
      throw new Error(
        `ncc emitted unexpected files for ${entry}: ${extra.join(', ')} (keep packages with assets in vendor/)`
      )
    fs.copyFileSync(path.join(outDir, 'index.js'), path.join(dist, out))
  }
  fs.chmodSync(path.join(dist, 'cli.js'), 0o755)

  const vendor = path.join(dist, 'vendor', 'node_modules')
  function copyPackage(name, keep, fromModules = path.join(root, 'node_modules'), toModules = vendor) {
    const from = path.join(fromModules, name)
    const to = path.join(toModules, name)
    const walk = (dir) => {
      for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
        const full = path.join(dir, entry.name)
        const rel = path.relative(from, full)
        if (entry.isDirectory()) {
          if (entry.name !== 'node_modules') walk(full)
        } else if (rel === 'package.json' || rel === 'LICENSE' || rel === 'LICENSE.md' || keep(rel)) {
          fs.mkdirSync(path.dirname(path.join(to, rel)), { recursive: true })
          fs.copyFileSync(full, path.join(to, rel))
        }
      }
    }
    walk(from)
  }
  copyPackage('drizzle-orm', (rel) => rel.endsWith('.cjs'))
  copyPackage('drizzle-kit', (rel) => rel === 'api.js')
  // The 1.x generation (docs/drizzle-1.md), from the npm workspace vendor-drizzle-1/: drizzle-kit's Postgres API and
  // the drizzle-orm it requires (all of its CommonJS entries: the API requires every dialect's core at load).
  const generation1 = path.join(root, 'vendor-drizzle-1', 'node_modules')
  const vendor1 = path.join(dist, 'vendor', 'drizzle-1', 'node_modules')
  copyPackage('drizzle-orm', (rel) => rel.endsWith('.cjs'), generation1, vendor1)
  copyPackage('drizzle-kit', (rel) => rel === 'api-postgres.js', generation1, vendor1)
  fs.writeFileSync(
    path.join(dist, 'vendor', 'drizzle-1', 'index.js'),
    '// Anchor for resolving the 1.x packages in ./node_modules (see src/core/vendor.ts).\n'
  )
  copyPackage(
    '@electric-sql/pglite',
    (rel) =>
      rel === 'dist/index.cjs' ||
      /^dist\/[^/]+\.(wasm|data|tar\.gz)$/.test(rel) ||
      /^dist\/contrib\/[^/]+\.cjs$/.test(rel)
  )
  copyPackage('@electric-sql/pglite-pgvector', (rel) => rel === 'dist/index.cjs' || rel.endsWith('.tar.gz'))
  // PGlite's initialised data directory (committed, one per PGlite version). Never made here: a build must not write
  // to the source tree, and check-dist must compare like with like.
  const dataDir = dataDirFile()
  if (!fs.existsSync(dataDir))
    throw new Error(
      `${path.relative(root, dataDir)} is missing (PGlite was upgraded?): run node scripts/pglite-datadir.mjs, commit it, then bundle again`
    )
  fs.copyFileSync(dataDir, path.join(dist, 'vendor', path.basename(dataDir)))
  fs.writeFileSync(
    path.join(dist, 'vendor', 'index.js'),
    '// Anchor for resolving the packages in ./node_modules (see src/config/vendor.ts).\n'
  )
  fs.rmSync(target, { recursive: true, force: true })
  fs.renameSync(dist, target)
  fs.rmSync(work, { recursive: true, force: true })
} catch (error) {
  fs.rmSync(work, { recursive: true, force: true })
  console.error(`bundle failed, ${path.relative(root, target) || target} left as it was: ${error.message}`)
  process.exit(1)
}
console.log('dist/ built')
