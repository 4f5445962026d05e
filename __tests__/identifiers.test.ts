// Names written as Postgres writes them (quote_ident): the comparison matches pg_get_indexdef's text and the
// reports show names as SQL would need them.
import { quoteIdentifier, quoteIdentifierIfNeeded, truncateIdentifier, unquoteIdentifier } from '../src/sql/identifiers'
import { EACH_POSTGRES, providerForSuite } from './helpers/postgres'

test('quoting and unquoting', () => {
  expect(quoteIdentifier('a"b')).toBe('"a""b"')
  expect(quoteIdentifierIfNeeded('users')).toBe('users')
  expect(quoteIdentifierIfNeeded('Users')).toBe('"Users"')
  expect(quoteIdentifierIfNeeded('2fa')).toBe('"2fa"')
  expect(quoteIdentifierIfNeeded('order')).toBe('"order"')
  expect(quoteIdentifierIfNeeded('name')).toBe('name') // unreserved
  expect(unquoteIdentifier('"Mixed""Case"')).toBe('Mixed"Case')
  expect(unquoteIdentifier('Users')).toBe('users')
  expect(truncateIdentifier('x'.repeat(70))).toHaveLength(63)
})

describe.each(EACH_POSTGRES)('on %s', (_name, createProvider) => {
  const provider = providerForSuite(createProvider)

  test('quoteIdentifierIfNeeded agrees with quote_ident() on every keyword and on ordinary names', async () => {
    const db = await provider.createDatabase('identifiers')
    try {
      const keywords = (await db.query<{ word: string }>('select word from pg_get_keywords()')).map((r) => r.word)
      const names = [...keywords, 'users', 'user_id', 'Users', 'a b', 'a"b', '_x$1', '1x', 'émile']
      const quoted = await db.query<{ name: string; quoted: string }>(
        'select name, quote_ident(name) as quoted from unnest($1::text[]) as name',
        [names]
      )
      // Keywords that came or went between the server (15) and the embedded Postgres (18) follow the newer one.
      const versionDependent = /^(system_user|json\w*|merge_action)$/
      const disagreements = quoted.filter(
        (r) => !versionDependent.test(r.name) && quoteIdentifierIfNeeded(r.name) !== r.quoted
      )
      expect(disagreements).toEqual([])
    } finally {
      await db.close()
    }
  })
})
