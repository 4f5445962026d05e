// Database drivers a project's config or db module imports only to build a client at import time. The check never
// connects through them, so when one is not installed (the action's bundle has no node_modules of its own, and the
// project may have none either) a stand-in that can be constructed and called is enough.
import { packageNameOf } from './package-resolve'

export const DRIVER_PACKAGES = new Set([
  'postgres',
  'pg',
  'pg-native',
  '@neondatabase/serverless',
  // The WebSocket constructor @neondatabase/serverless is given outside the edge (neonConfig.webSocketConstructor = ws).
  'ws',
  '@vercel/postgres',
  '@xata.io/client',
  '@aws-sdk/client-rds-data',
  'mysql2',
  '@planetscale/database',
  '@tidbcloud/serverless',
  'better-sqlite3',
  '@libsql/client',
  '@libsql/client-wasm',
  'sql.js',
  'gel'
])

export function isDriverPackage(specifier: string): boolean {
  return DRIVER_PACKAGES.has(packageNameOf(specifier))
}

/**
 * The driver package whose absence made a package fail to load (the bundled drizzle-orm's
 * `drizzle-orm/postgres-js` requires `postgres`, which the bundle does not ship), or undefined for any other error.
 */
export function missingDriver(error: unknown): string | undefined {
  if ((error as NodeJS.ErrnoException | undefined)?.code !== 'MODULE_NOT_FOUND') return undefined
  const missing = /Cannot find module '([^']+)'/.exec(String((error as Error).message))?.[1]
  return missing && isDriverPackage(missing) ? packageNameOf(missing) : undefined
}
