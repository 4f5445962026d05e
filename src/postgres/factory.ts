// Picks the Postgres implementation from the settings (embedded by default).
import { UsageError } from '../core/errors'
import { LocalClusterProvider } from './local-cluster'
import { PgliteProvider } from './pglite'
import { PostgresProvider } from './provider'
import { ServerProvider } from './server'

export type PostgresKind = 'embedded' | 'server' | 'local'

export function createProvider(kind: PostgresKind | undefined, databaseUrl: string | undefined): PostgresProvider {
  const chosen = kind ?? (databaseUrl ? 'server' : 'embedded')
  switch (chosen) {
    case 'embedded':
      return new PgliteProvider()
    case 'server':
      if (!databaseUrl) throw new UsageError('--postgres server needs --database-url (or DRIFT_GUARD_DATABASE_URL)')
      return new ServerProvider(databaseUrl)
    case 'local':
      return new LocalClusterProvider()
    default:
      throw new UsageError(`unknown --postgres "${String(chosen)}" (embedded, server or local)`)
  }
}
