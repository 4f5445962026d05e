// Postgres cuts identifiers to 63 bytes (NAMEDATALEN - 1), silently, on a character boundary.
export const MAX_IDENTIFIER_BYTES = 63

export function truncateIdentifier(name: string): string {
  if (Buffer.byteLength(name) <= MAX_IDENTIFIER_BYTES) return name
  let out = ''
  for (const ch of name) {
    if (Buffer.byteLength(out + ch) > MAX_IDENTIFIER_BYTES) break
    out += ch
  }
  return out
}

/** `"name"`, with inner quotes doubled: always safe in SQL. */
export function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`
}

/**
 * Keywords Postgres's quote_ident() quotes (reserved, type/function-name and column-name keywords; the unreserved
 * ones stay bare), so that a name is written as pg_get_indexdef and friends write it.
 */
const QUOTED_KEYWORDS = new Set(
  (
    'all analyse analyze and any array as asc asymmetric both case cast check collate column constraint create ' +
    'current_catalog current_date current_role current_time current_timestamp current_user default deferrable desc ' +
    'distinct do else end except false fetch for foreign from grant group having in initially intersect into lateral ' +
    'leading limit localtime localtimestamp not null offset on only or order placing primary references returning ' +
    'select session_user some symmetric system_user table then to trailing true union unique user using variadic when ' +
    'where window with authorization binary collation concurrently cross current_schema freeze full ilike inner is ' +
    'isnull join left like natural notnull outer overlaps right similar tablesample verbose between bigint bit boolean ' +
    'char character coalesce dec decimal exists extract float greatest grouping inout int integer interval least ' +
    'national nchar none normalize nullif numeric out overlay position precision real row setof smallint substring time ' +
    'timestamp treat trim values varchar xmlattributes xmlconcat xmlelement xmlexists xmlforest xmlnamespaces xmlparse ' +
    'xmlpi xmlroot xmlserialize xmltable'
  ).split(' ')
)

/** The name as Postgres prints it: bare when only lower-case letters, digits and _ (not first a digit) and not a keyword, else quoted. */
export function quoteIdentifierIfNeeded(name: string): string {
  return /^[a-z_][a-z0-9_]*$/.test(name) && !QUOTED_KEYWORDS.has(name) ? name : quoteIdentifier(name)
}

/** A name as written in SQL back to the name: `"Mixed""Case"` → `Mixed"Case`, `Users` → `users`. */
export function unquoteIdentifier(written: string): string {
  return written.startsWith('"') ? written.slice(1, -1).replace(/""/g, '"') : written.toLowerCase()
}

/** SQL condition: `column` (a pg_namespace.nspname) is a user schema, not Postgres's own (catalog, toast, temp). */
export function userSchemaCondition(column = 'n.nspname'): string {
  return `${column} not in ('pg_catalog', 'information_schema', 'pg_toast') and ${column} not like 'pg\\_temp\\_%' and ${column} not like 'pg\\_toast\\_temp\\_%'`
}
