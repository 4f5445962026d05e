// The PostgreSQL release inside the embedded Postgres, without starting it (for `drift-guard --version`): PGlite's
// WebAssembly binary carries its version string ("PostgreSQL 18.6 (PGlite …) on wasm32…"), read from the file the
// tool ships, so the answer is always the binary's own and never a copy of it written here.
import * as fs from 'node:fs'
import * as path from 'node:path'
import { vendorPackageVersion, vendorResolve } from '../core/vendor'

/** e.g. "PostgreSQL 18.6 (PGlite 0.5.14)"; the PGlite version alone if the binary holds no version string. */
export function embeddedPostgresVersion(): string {
  const pglite = `PGlite ${vendorPackageVersion('@electric-sql/pglite')}`
  try {
    const wasm = path.join(path.dirname(vendorResolve('@electric-sql/pglite')), 'pglite.wasm')
    const found = /PostgreSQL (\d+\.\d+)/.exec(fs.readFileSync(wasm).toString('latin1'))
    return found ? `PostgreSQL ${found[1]} (${pglite})` : pglite
  } catch {
    return pglite
  }
}
