// Node 22.1+ can keep V8's compiled code on disk: drizzle-kit's API (2.9 MB, loaded later) then starts in a
// fraction of its first-run time. Older Node versions simply do without.
import * as nodeModule from 'node:module'
import * as os from 'node:os'
import * as path from 'node:path'

export function enableCompileCache(): void {
  const enable = (nodeModule as unknown as { enableCompileCache?: (dir?: string) => unknown }).enableCompileCache
  if (typeof enable !== 'function') return
  try {
    enable(path.join(process.env.RUNNER_TEMP || os.tmpdir(), 'drizzle-drift-guard', 'compile-cache'))
  } catch {
    // an unwritable cache folder only costs time
  }
}
