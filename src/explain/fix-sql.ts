// The SQL that would make the migrations' database match the schema for one difference (the finding's `fix`).
import { quoteIdentifier } from '../sql/identifiers'
import { DatabaseModel, SERIAL_DEFAULT, TableModel } from '../model/types'
import { SchemaDifference } from '../diff/diff-schemas'

const q = quoteIdentifier

const tableRef = (schema: string, table: string): string =>
  schema === 'public' ? q(table) : `${q(schema)}.${q(table)}`

export function fixSql(d: SchemaDifference, expected: DatabaseModel): string | undefined {
  const t = d.table ? tableRef(d.schema, d.table) : ''
  const table: TableModel | undefined = d.table ? expected.tables.get(`${d.schema}.${d.table}`) : undefined
  switch (d.kind) {
    case 'missing_column': {
      const c = table?.columns.get(d.column!)
      if (!c) return undefined
      const serial = c.default === SERIAL_DEFAULT
      const type = serial
        ? (({ integer: 'serial', bigint: 'bigserial', smallint: 'smallserial' } as Record<string, string>)[c.type] ??
          c.type)
        : c.type
      const parts = [`ALTER TABLE ${t} ADD COLUMN ${q(c.name)} ${type}`]
      if (c.identity) parts.push(`GENERATED ${c.identity.toUpperCase()} AS IDENTITY`)
      if (c.generated) parts.push(`GENERATED ALWAYS AS (${c.generated}) STORED`)
      if (c.default && !serial) parts.push(`DEFAULT ${c.default}`)
      if (c.notNull && !serial) parts.push('NOT NULL')
      // Postgres refuses a NOT NULL column without a default on a table that has rows.
      const refusedOnRows = c.notNull && !serial && !c.default && !c.identity && !c.generated
      return (
        parts.join(' ') +
        ';' +
        (refusedOnRows
          ? ` -- on a table with rows this fails: add it without NOT NULL, fill it (UPDATE ${t} SET ${q(c.name)} = …), then SET NOT NULL`
          : '')
      )
    }
    case 'extra_column':
      return `ALTER TABLE ${t} DROP COLUMN ${q(d.column!)};`
    case 'column_type_mismatch':
      return `ALTER TABLE ${t} ALTER COLUMN ${q(d.column!)} SET DATA TYPE ${d.expected};`
    case 'column_nullability_mismatch': {
      const column = q(d.column!)
      if (d.expected !== 'NOT NULL') return `ALTER TABLE ${t} ALTER COLUMN ${column} DROP NOT NULL;`
      // SET NOT NULL fails while a row holds NULL: the rows are filled first, with the declared default when there
      // is one (a serial's or an identity's values come from its sequence, never NULL).
      const c = table?.columns.get(d.column!)
      const fill =
        c?.default && c.default !== SERIAL_DEFAULT
          ? `UPDATE ${t} SET ${column} = ${c.default} WHERE ${column} IS NULL;\n`
          : ''
      return `${fill}ALTER TABLE ${t} ALTER COLUMN ${column} SET NOT NULL;${fill ? '' : ` -- fails while rows hold NULL in ${column}: fill them first (UPDATE ${t} SET ${column} = … WHERE ${column} IS NULL)`}`
    }
    case 'column_default_mismatch': {
      const column = q(d.column!)
      if (d.expected === SERIAL_DEFAULT) return serialDefaultSql(d).join('\n')
      if (d.expected === '(none)')
        return `ALTER TABLE ${t} ALTER COLUMN ${column} DROP DEFAULT;${
          d.actual === SERIAL_DEFAULT
            ? ` -- the serial's sequence stays, owned by the column: SELECT pg_get_serial_sequence('${t.replace(/'/g, "''")}', '${d.column!.replace(/'/g, "''")}') names it, to DROP SEQUENCE once nothing uses it`
            : ''
        }`
      return `ALTER TABLE ${t} ALTER COLUMN ${column} SET DEFAULT ${d.expected};`
    }
    case 'extra_table':
      return `DROP TABLE ${t};`
    case 'missing_index': {
      const i = table?.indexes.get(d.name!)
      return i ? i.definition.replace(/ INDEX ON /, ` INDEX ${q(i.name)} ON `) + ';' : undefined
    }
    case 'extra_index':
      return `DROP INDEX ${d.schema === 'public' ? q(d.name!) : `${q(d.schema)}.${q(d.name!)}`};`
    case 'missing_constraint': {
      const c =
        table?.constraints.get(d.name!) ??
        [...(table?.constraints.values() ?? [])].find((x) => x.kind === 'primary_key' && x.name === d.name)
      return c ? `ALTER TABLE ${t} ADD CONSTRAINT ${q(c.name)} ${c.definition};` : undefined
    }
    // Differing only by name (diffSchemas then puts the two names in expected/actual): renaming keeps the object, and
    // the index behind a unique constraint follows its constraint.
    case 'constraint_mismatch':
      return onlyByName(d) ? `ALTER TABLE ${t} RENAME CONSTRAINT ${q(d.actual!)} TO ${q(d.name!)};` : undefined
    case 'index_mismatch':
      return onlyByName(d)
        ? `ALTER INDEX ${d.schema === 'public' ? q(d.actual!) : `${q(d.schema)}.${q(d.actual!)}`} RENAME TO ${q(d.name!)};`
        : undefined
    case 'extra_constraint':
      return `ALTER TABLE ${t} DROP CONSTRAINT ${q(d.name!)};`
    case 'missing_enum': {
      const e = expected.enums.get(`${d.schema}.${d.name}`)
      return e
        ? `CREATE TYPE ${tableRef(e.schema, e.name)} AS ENUM (${e.values.map((v) => `'${v.replace(/'/g, "''")}'`).join(', ')});`
        : undefined
    }
    case 'missing_schema':
      return `CREATE SCHEMA ${q(d.name!)};`
    case 'rls_mismatch':
      // Row level security a migration enabled and the schema does not declare is usually meant (its policies rely
      // on it): switching it off is a security decision, so the first way out offered is declaring it.
      return d.expected === 'enabled'
        ? `ALTER TABLE ${t} ENABLE ROW LEVEL SECURITY;`
        : `Declare it in the schema (pgTable(…).enableRLS(), or a pgPolicy on the table, which enables it), then check again; or, if the table must not have it, ALTER TABLE ${t} DISABLE ROW LEVEL SECURITY; in a new migration`
    default:
      return undefined
  }
}

function onlyByName(d: SchemaDifference): boolean {
  return d.expected === d.name && d.actual !== undefined && d.actual !== d.name
}

/**
 * A serial's default given back to a column the schema declares serial: its sequence, owned by the column, started
 * after the values already there. IF NOT EXISTS: a serial whose default was dropped still owns its sequence, under
 * this name. Each statement leaves a database that already has the default as it was (but for the sequence's next
 * value, set after the rows').
 */
export function serialDefaultSql(d: SchemaDifference): string[] {
  const t = tableRef(d.schema, d.table!)
  const column = q(d.column!)
  const name = q(`${d.table}_${d.column}_seq`)
  const sequence = d.schema === 'public' ? name : `${q(d.schema)}.${name}`
  const as = ['smallint', 'integer', 'bigint'].includes(d.type ?? '') ? ` AS ${d.type}` : ''
  const text = sequence.replace(/'/g, "''")
  return [
    `CREATE SEQUENCE IF NOT EXISTS ${sequence}${as};`,
    `ALTER SEQUENCE ${sequence} OWNED BY ${t}.${column};`,
    `ALTER TABLE ${t} ALTER COLUMN ${column} SET DEFAULT nextval('${text}');`,
    `SELECT setval('${text}', COALESCE(max(${column}), 0) + 1, false) FROM ${t};`
  ]
}
