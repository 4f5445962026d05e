// The two Postgres kinds every engine test runs on: the embedded one (PGlite) and the real server of this machine
// (127.0.0.1:5432, or DRIFT_GUARD_TEST_DATABASE_URL).
import { PgliteProvider } from '../../src/postgres/pglite'
import { PostgresProvider } from '../../src/postgres/provider'
import { ServerProvider } from '../../src/postgres/server'

export const SERVER_URL = process.env.DRIFT_GUARD_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'

/** For `describe.each(EACH_POSTGRES)('on %s', (_name, create) => …)`. */
export const EACH_POSTGRES: [string, () => PostgresProvider][] = [
  ['embedded Postgres (PGlite)', () => new PgliteProvider()],
  ['the PostgreSQL server at 127.0.0.1:5432', () => new ServerProvider(SERVER_URL)]
]

/**
 * A provider for the tests of the enclosing describe: started before them, disposed after them (which drops what it
 * created on the server). The returned object forwards to it, so tests use it as the provider itself.
 */
export function providerForSuite(create: () => PostgresProvider): PostgresProvider {
  let instance: PostgresProvider | undefined
  beforeAll(() => {
    instance = create()
  })
  afterAll(async () => {
    await instance?.dispose()
  })
  return new Proxy({} as PostgresProvider, {
    get(_target, property) {
      if (!instance) throw new Error('the provider is only available inside tests')
      const value = (instance as unknown as Record<string | symbol, unknown>)[property]
      return typeof value === 'function' ? value.bind(instance) : value
    }
  })
}
