// The intermediate form both sides are turned into before diffing: what Postgres holds, keyed by name.
// Both the schema's database (built from the TypeScript schema) and the migrated database are read by the same
// catalog queries, so Postgres itself normalises types, defaults and expressions on both sides.

export interface ColumnModel {
  name: string
  position: number
  /** format_type(), with enum types schema-qualified when not in public. */
  type: string
  notNull: boolean
  /** pg_get_expr() of the default; undefined when none. A serial's is SERIAL_DEFAULT. */
  default?: string
  identity?: 'always' | 'by default'
  /** Expression of a stored generated column. */
  generated?: string
}

export interface ConstraintModel {
  name: string
  kind: 'primary_key' | 'unique' | 'foreign_key' | 'check' | 'exclusion'
  columns: string[]
  /** pg_get_constraintdef(): the full canonical definition. */
  definition: string
  /** For foreign keys: referenced table as schema.table. */
  references?: string
}

export interface IndexModel {
  name: string
  unique: boolean
  method: string
  /** Key columns or expressions, with their order/nulls/opclass, as Postgres prints them. */
  keys: string[]
  where?: string
  /** The definition without the index name, for comparing. */
  definition: string
}

export interface PolicyModel {
  name: string
  command: string
  permissive: boolean
  roles: string[]
  using?: string
  withCheck?: string
}

export interface TableModel {
  schema: string
  name: string
  columns: Map<string, ColumnModel>
  constraints: Map<string, ConstraintModel>
  indexes: Map<string, IndexModel>
  policies: Map<string, PolicyModel>
  rlsEnabled: boolean
  /**
   * A partitioned table (relkind 'p'): its key as pg_get_partkeydef prints it (`RANGE (created_at)`) and its
   * partitions as schema.name. Partitions are never tables of the model: they are the parent's storage.
   */
  partitioning?: { key: string; partitions: string[] }
}

export interface EnumModel {
  schema: string
  name: string
  values: string[]
}

export interface SequenceModel {
  schema: string
  name: string
  definition: string
}

export interface ViewModel {
  schema: string
  name: string
  materialized: boolean
  definition: string
}

export interface DatabaseModel {
  schemas: Set<string>
  /** Keyed by "schema.name". */
  tables: Map<string, TableModel>
  enums: Map<string, EnumModel>
  sequences: Map<string, SequenceModel>
  views: Map<string, ViewModel>
  extensions: Set<string>
}

export const qualified = (schema: string, name: string): string => `${schema}.${name}`

/**
 * The default of a column whose sequence it owns (a serial), as introspection writes it: the sequence's own name is
 * not compared (a database built from clean and one whose table was renamed name it differently).
 */
export const SERIAL_DEFAULT = 'nextval(<owned sequence>)'
