// What a DDL statement of drizzle-kit's SQL creates (kind, schema, table, name), read from its text.
import { unquoteIdentifier } from './identifiers'

export interface StatementObject {
  what: 'table' | 'index' | 'constraint' | 'enum' | 'sequence' | 'view' | 'policy' | 'schema' | 'statement'
  schema: string
  table?: string
  name?: string
}

const QUALIFIED = String.raw`((?:"(?:[^"]|"")+"\.)?"(?:[^"]|"")+")`
const NAME = String.raw`"((?:[^"]|"")+)"`
const PATTERNS: [StatementObject['what'], RegExp][] = [
  ['table', new RegExp(String.raw`^\s*CREATE\s+(?:UNLOGGED\s+)?TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?${QUALIFIED}`, 'i')],
  [
    'index',
    new RegExp(
      String.raw`^\s*CREATE\s+(?:UNIQUE\s+)?INDEX\s+(?:CONCURRENTLY\s+)?(?:IF\s+NOT\s+EXISTS\s+)?${NAME}\s+ON\s+(?:ONLY\s+)?${QUALIFIED}`,
      'i'
    )
  ],
  [
    'constraint',
    new RegExp(String.raw`^\s*ALTER\s+TABLE\s+(?:ONLY\s+)?${QUALIFIED}\s+ADD\s+CONSTRAINT\s+${NAME}`, 'i')
  ],
  ['enum', new RegExp(String.raw`^\s*CREATE\s+TYPE\s+${QUALIFIED}`, 'i')],
  ['sequence', new RegExp(String.raw`^\s*CREATE\s+SEQUENCE\s+(?:IF\s+NOT\s+EXISTS\s+)?${QUALIFIED}`, 'i')],
  [
    'view',
    new RegExp(
      String.raw`^\s*CREATE\s+(?:OR\s+REPLACE\s+)?(?:MATERIALIZED\s+)?VIEW\s+(?:IF\s+NOT\s+EXISTS\s+)?${QUALIFIED}`,
      'i'
    )
  ],
  ['policy', new RegExp(String.raw`^\s*CREATE\s+POLICY\s+${NAME}\s+ON\s+${QUALIFIED}`, 'i')],
  ['schema', new RegExp(String.raw`^\s*CREATE\s+SCHEMA\s+(?:IF\s+NOT\s+EXISTS\s+)?${NAME}`, 'i')]
]

function splitQualified(qualified: string): { schema: string; name: string } {
  const match = /^(?:("(?:[^"]|"")+")\.)?("(?:[^"]|"")+")$/.exec(qualified)
  if (!match) return { schema: 'public', name: qualified }
  return { schema: match[1] ? unquoteIdentifier(match[1]) : 'public', name: unquoteIdentifier(match[2]) }
}

/** What a statement of drizzle-kit's SQL creates. */
export function statementObject(statement: string): StatementObject {
  for (const [what, pattern] of PATTERNS) {
    const m = pattern.exec(statement)
    if (!m) continue
    switch (what) {
      case 'table': {
        const { schema, name } = splitQualified(m[1])
        return { what, schema, table: name }
      }
      case 'index':
      case 'policy': {
        const { schema, name: table } = splitQualified(m[2])
        return { what, schema, table, name: unquoteIdentifier(`"${m[1]}"`) }
      }
      case 'constraint': {
        const { schema, name: table } = splitQualified(m[1])
        return { what, schema, table, name: unquoteIdentifier(`"${m[2]}"`) }
      }
      case 'schema':
        return { what, schema: unquoteIdentifier(`"${m[1]}"`), name: unquoteIdentifier(`"${m[1]}"`) }
      default: {
        const { schema, name } = splitQualified(m[1])
        return { what, schema, name }
      }
    }
  }
  return { what: 'statement', schema: 'public' }
}

export function describeStatementObject(object: StatementObject): string {
  const qualified = (name: string): string => (object.schema === 'public' ? name : `${object.schema}.${name}`)
  if (object.what === 'table') return `table ${qualified(object.table!)}`
  if (object.what === 'statement') return 'a statement'
  if (object.what === 'schema') return `schema ${object.name}`
  if (object.table) return `${object.what} "${object.name}" on ${qualified(object.table)}`
  return `${object.what} ${qualified(object.name!)}`
}
