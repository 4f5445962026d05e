// What to add to a pgTable to keep an object the database has and the schema does not declare (the honest
// alternative to dropping it). Best effort: the common column types get their builder, others a customType.
import { ColumnModel, IndexModel } from '../model/types'
import { isSerial, literal } from './sql-text'

/** The drizzle builder for a column the database has: what to add to the pgTable to keep it. */
export function columnDeclaration(c: ColumnModel): string {
  const key = c.name.replace(/_([a-z0-9])/g, (_m, ch: string) => ch.toUpperCase())
  const name = literal(c.name)
  const varchar = /^character varying\((\d+)\)$/.exec(c.type)
  const numeric = /^numeric\((\d+),(\d+)\)$/.exec(c.type)
  const builder =
    c.type === 'text'
      ? `text(${name})`
      : varchar
        ? `varchar(${name}, { length: ${varchar[1]} })`
        : c.type === 'integer'
          ? isSerial(c)
            ? `serial(${name})`
            : `integer(${name})`
          : c.type === 'bigint'
            ? `bigint(${name}, { mode: 'number' })`
            : c.type === 'boolean'
              ? `boolean(${name})`
              : c.type === 'uuid'
                ? `uuid(${name})`
                : c.type === 'jsonb'
                  ? `jsonb(${name})`
                  : c.type === 'date'
                    ? `date(${name})`
                    : c.type === 'timestamp with time zone'
                      ? `timestamp(${name}, { withTimezone: true })`
                      : c.type === 'timestamp without time zone'
                        ? `timestamp(${name})`
                        : numeric
                          ? `numeric(${name}, { precision: ${numeric[1]}, scale: ${numeric[2]} })`
                          : `customType<{ data: unknown }>({ dataType: () => ${literal(c.type)} })(${name})`
  const defaultPart =
    c.default && !isSerial(c)
      ? c.default === 'now()'
        ? '.defaultNow()'
        : c.default === 'gen_random_uuid()'
          ? '.defaultRandom()'
          : `.default(sql\`${c.default.replace(/`/g, '\\`')}\`)`
      : ''
  return `${key}: ${builder}${c.notNull && !isSerial(c) ? '.notNull()' : ''}${defaultPart},`
}

export function indexDeclaration(i: IndexModel): string {
  const keys = i.keys.map((k) => {
    const column = /^"?([a-z_][a-z0-9_]*)"?$/.exec(k)?.[1]
    return column ? `t.${column.replace(/_([a-z0-9])/g, (_m, ch: string) => ch.toUpperCase())}` : `sql\`${k}\``
  })
  const where = i.where ? `.where(sql\`${i.where}\`)` : ''
  const method = i.method !== 'btree' ? `.using(${literal(i.method)}, ${keys.join(', ')})` : `.on(${keys.join(', ')})`
  return `${i.unique ? 'uniqueIndex' : 'index'}(${literal(i.name)})${method}${where}, // in the table's (t) => [ … ]`
}
