// The embedded Postgres served over the Postgres wire protocol on a local port, for the project's own init commands:
// their driver (postgres.js, node-postgres, psql…) connects as it would to a server. PGlite has one backend, so the
// socket server queues the clients' messages; a transaction a client leaves open is rolled back when it goes.
import { PGLiteSocketServer } from '@electric-sql/pglite-socket'
import { ServedDatabase } from './provider'

/** What the socket server needs of a PGlite instance (the provider types only what it uses). */
type PGliteForSocket = ConstructorParameters<typeof PGLiteSocketServer>[0]['db']

/** Clients at once: an init script may open a pool; PGlite still runs one message at a time. */
const MAX_CLIENTS = 16

export async function servePglite(pg: unknown): Promise<ServedDatabase> {
  const server = new PGLiteSocketServer({
    db: pg as PGliteForSocket,
    host: '127.0.0.1',
    port: 0,
    maxConnections: MAX_CLIENTS
  })
  await server.start()
  const [host, port] = server.getServerConn().split(':')
  return {
    url: `postgresql://postgres@${host}:${port}/postgres`,
    close: async () => {
      await server.stop()
      // A client's SET (search_path, role…) is the one backend's: the next user of this instance starts clean.
      const session = pg as { exec(sql: string): Promise<unknown> }
      await session.exec('ROLLBACK; RESET ALL; RESET ROLE').catch(() => undefined)
    }
  }
}
