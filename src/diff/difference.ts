// What diffSchemas reports: one structural difference between the schema's database and the migrated one.
import { FindingKind } from '../core/findings'
import { ConstraintModel } from '../model/types'
import { quoteIdentifierIfNeeded } from '../sql/identifiers'

export interface SchemaDifference {
  kind: FindingKind
  schema: string
  table?: string
  column?: string
  /** Index, constraint, enum, sequence, view or policy name. */
  name?: string
  /** Columns an index or constraint is on (to find its declaration). */
  columns?: string[]
  /** What a constraint is (an exclusion constraint cannot be declared with drizzle). */
  constraintKind?: ConstraintModel['kind']
  /** What the schema says and what the database has, in Postgres's words. */
  expected?: string
  actual?: string
  /** Column type, for comparing defaults by value. */
  type?: string
  message: string
  hint?: string
}

export interface DiffOptions {
  /** Schemas that exist for bookkeeping only (the migrations schema): never reported as extra. */
  ignoreSchemas: string[]
}

export function label(schema: string, name: string): string {
  return schema === 'public' ? quoteName(name) : `${quoteName(schema)}.${quoteName(name)}`
}

export const quoteName = quoteIdentifierIfNeeded
