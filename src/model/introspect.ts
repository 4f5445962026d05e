// Reads a database's structure from pg_catalog. Read-only: only SELECTs, so the same code audits live databases.
import { Database } from '../postgres/provider'
import { globToRegExp } from '../config/glob'
import { ColumnModel, ConstraintModel, DatabaseModel, IndexModel, SERIAL_DEFAULT, TableModel, qualified } from './types'
import { quoteIdentifierIfNeeded, userSchemaCondition } from '../sql/identifiers'

export interface IntrospectOptions {
  /** Only these schemas (drizzle-kit's schemaFilter). Default: every non-system schema. */
  schemas?: string[]
  /** drizzle-kit's tablesFilter: globs on table names, `!glob` to exclude. */
  tablesFilter?: string[]
  /** The migrations bookkeeping table, never part of the comparison. */
  migrationsTable: { schema: string; table: string }
}

const SYSTEM_SCHEMA = userSchemaCondition('n.nspname')
/** Objects that belong to an extension (e.g. PostGIS's spatial_ref_sys) are not the project's. */
const NOT_FROM_EXTENSION = (oid: string, catalog: string): string =>
  `not exists (select 1 from pg_depend d where d.classid = '${catalog}'::regclass and d.objid = ${oid} and d.deptype = 'e')`

export async function introspectDatabase(db: Database, options: IntrospectOptions): Promise<DatabaseModel> {
  const schemaRows = await db.query<{ name: string }>(
    `select n.nspname as name from pg_namespace n where ${SYSTEM_SCHEMA} and ${NOT_FROM_EXTENSION('n.oid', 'pg_namespace')}`
  )
  const wanted = (schema: string): boolean => (options.schemas ? options.schemas.includes(schema) : true)
  const schemas = new Set(schemaRows.map((r) => r.name).filter(wanted))
  const list = [...schemas]

  const [tables, columns, constraints, indexes, enums, sequences, views, policies, extensions] = await Promise.all([
    db.query<{ schema: string; name: string; rls: boolean; partition_key: string | null; partitions: string[] }>(
      `select n.nspname as schema, c.relname as name, c.relrowsecurity as rls,
              case when c.relkind = 'p' then pg_get_partkeydef(c.oid) end as partition_key,
              array(select pn.nspname || '.' || pc.relname from pg_inherits i
                      join pg_class pc on pc.oid = i.inhrelid join pg_namespace pn on pn.oid = pc.relnamespace
                     where i.inhparent = c.oid and pc.relispartition order by 1)::text[] as partitions
         from pg_class c join pg_namespace n on n.oid = c.relnamespace
        where c.relkind in ('r', 'p') and not c.relispartition and n.nspname = any($1)
          and ${NOT_FROM_EXTENSION('c.oid', 'pg_class')}`,
      [list]
    ),
    db.query<{
      schema: string
      table: string
      name: string
      position: number
      type: string
      type_kind: string
      type_schema: string
      type_name: string
      elem_kind: string | null
      elem_schema: string | null
      elem_name: string | null
      not_null: boolean
      default: string | null
      identity: string
      generated: string
      owned_sequence: string | null
    }>(
      `select n.nspname as schema, c.relname as "table", a.attname as name, a.attnum as position,
              format_type(a.atttypid, a.atttypmod) as type, t.typtype as type_kind, tn.nspname as type_schema,
              t.typname as type_name, et.typtype as elem_kind, etn.nspname as elem_schema, et.typname as elem_name,
              a.attnotnull as not_null, pg_get_expr(ad.adbin, ad.adrelid) as default,
              a.attidentity as identity, a.attgenerated as generated,
              pg_get_serial_sequence(quote_ident(n.nspname) || '.' || quote_ident(c.relname), a.attname) as owned_sequence
         from pg_attribute a
         join pg_class c on c.oid = a.attrelid
         join pg_namespace n on n.oid = c.relnamespace
         join pg_type t on t.oid = a.atttypid
         join pg_namespace tn on tn.oid = t.typnamespace
         left join pg_type et on et.oid = t.typelem and t.typcategory = 'A'
         left join pg_namespace etn on etn.oid = et.typnamespace
         left join pg_attrdef ad on ad.adrelid = a.attrelid and ad.adnum = a.attnum
        where a.attnum > 0 and not a.attisdropped and c.relkind in ('r', 'p') and n.nspname = any($1)
        order by n.nspname, c.relname, a.attnum`,
      [list]
    ),
    db.query<{
      schema: string
      table: string
      name: string
      type: string
      definition: string
      columns: string[]
      ref_schema: string | null
      ref_table: string | null
    }>(
      `select n.nspname as schema, c.relname as "table", con.conname as name, con.contype as type,
              pg_get_constraintdef(con.oid, true) as definition,
              array(select a.attname from unnest(con.conkey) with ordinality k(num, ord)
                      join pg_attribute a on a.attrelid = con.conrelid and a.attnum = k.num order by k.ord)::text[] as columns,
              fn.nspname as ref_schema, fc.relname as ref_table
         from pg_constraint con
         join pg_class c on c.oid = con.conrelid
         join pg_namespace n on n.oid = c.relnamespace
         left join pg_class fc on fc.oid = con.confrelid
         left join pg_namespace fn on fn.oid = fc.relnamespace
        where con.contype in ('p', 'u', 'f', 'c', 'x') and n.nspname = any($1) and c.relkind in ('r', 'p')`,
      [list]
    ),
    db.query<{
      schema: string
      table: string
      name: string
      unique: boolean
      method: string
      definition: string
      keys: string[]
      where: string | null
    }>(
      `select n.nspname as schema, c.relname as "table", i.relname as name, ix.indisunique as unique, am.amname as method,
              pg_get_indexdef(ix.indexrelid) as definition,
              array(select pg_get_indexdef(ix.indexrelid, k, true) from generate_series(1, ix.indnkeyatts) k)::text[] as keys,
              pg_get_expr(ix.indpred, ix.indrelid) as "where"
         from pg_index ix
         join pg_class i on i.oid = ix.indexrelid
         join pg_class c on c.oid = ix.indrelid
         join pg_namespace n on n.oid = c.relnamespace
         join pg_am am on am.oid = i.relam
        where n.nspname = any($1) and c.relkind in ('r', 'p')
          and not exists (select 1 from pg_constraint con where con.conindid = ix.indexrelid and con.contype in ('p', 'u', 'x'))`,
      [list]
    ),
    db.query<{ schema: string; name: string; values: string[] }>(
      `select n.nspname as schema, t.typname as name, array_agg(e.enumlabel order by e.enumsortorder)::text[] as values
         from pg_type t join pg_namespace n on n.oid = t.typnamespace join pg_enum e on e.enumtypid = t.oid
        where n.nspname = any($1) and ${NOT_FROM_EXTENSION('t.oid', 'pg_type')}
        group by n.nspname, t.typname`,
      [list]
    ),
    db.query<{ schema: string; name: string; definition: string }>(
      `select n.nspname as schema, c.relname as name,
              format('%s start %s increment %s min %s max %s cache %s%s', format_type(s.seqtypid, null), s.seqstart,
                     s.seqincrement, s.seqmin, s.seqmax, s.seqcache, case when s.seqcycle then ' cycle' else '' end) as definition
         from pg_sequence s join pg_class c on c.oid = s.seqrelid join pg_namespace n on n.oid = c.relnamespace
        where n.nspname = any($1)
          and not exists (select 1 from pg_depend d where d.classid = 'pg_class'::regclass and d.objid = c.oid and d.deptype in ('a', 'i'))
          and ${NOT_FROM_EXTENSION('c.oid', 'pg_class')}`,
      [list]
    ),
    db.query<{ schema: string; name: string; kind: string; definition: string }>(
      `select n.nspname as schema, c.relname as name, c.relkind as kind, pg_get_viewdef(c.oid, true) as definition
         from pg_class c join pg_namespace n on n.oid = c.relnamespace
        where c.relkind in ('v', 'm') and n.nspname = any($1) and ${NOT_FROM_EXTENSION('c.oid', 'pg_class')}`,
      [list]
    ),
    db.query<{
      schema: string
      table: string
      name: string
      command: string
      permissive: boolean
      roles: string[]
      using: string | null
      with_check: string | null
    }>(
      `select n.nspname as schema, c.relname as "table", p.polname as name, p.polcmd as command, p.polpermissive as permissive,
              array(select case when r = 0 then 'public' else pg_get_userbyid(r) end from unnest(p.polroles) r order by 1)::text[] as roles,
              pg_get_expr(p.polqual, p.polrelid) as using, pg_get_expr(p.polwithcheck, p.polrelid) as with_check
         from pg_policy p join pg_class c on c.oid = p.polrelid join pg_namespace n on n.oid = c.relnamespace
        where n.nspname = any($1)`,
      [list]
    ),
    db.query<{ name: string }>(`select extname as name from pg_extension`)
  ])

  const isMigrationsTable = (schema: string, name: string): boolean =>
    schema === options.migrationsTable.schema && name === options.migrationsTable.table
  const model: DatabaseModel = {
    schemas,
    tables: new Map(),
    enums: new Map(),
    sequences: new Map(),
    views: new Map(),
    extensions: new Set(extensions.map((e) => e.name))
  }
  const tableWanted = tableFilter(options.tablesFilter)
  for (const t of tables) {
    if (isMigrationsTable(t.schema, t.name) || !tableWanted(t.name)) continue
    const table: TableModel = {
      schema: t.schema,
      name: t.name,
      columns: new Map(),
      constraints: new Map(),
      indexes: new Map(),
      policies: new Map(),
      rlsEnabled: t.rls,
      ...(t.partition_key ? { partitioning: { key: t.partition_key, partitions: t.partitions } } : {})
    }
    model.tables.set(qualified(t.schema, t.name), table)
  }
  const tableOf = (schema: string, name: string): TableModel | undefined => model.tables.get(qualified(schema, name))

  for (const c of columns) {
    const table = tableOf(c.schema, c.table)
    if (!table) continue
    const column: ColumnModel = {
      name: c.name,
      position: Number(c.position),
      type: columnType(c),
      notNull: c.not_null
    }
    // `DEFAULT NULL` on a type with a modifier (varchar(255), numeric(10,2)) is stored as `NULL::character varying`:
    // Postgres and drizzle-kit treat it as no default, and so does the comparison.
    if (c.default !== null && c.generated !== 's' && !isNullDefault(c.default)) {
      // Serial columns: the sequence name is derived from the table and column; what matters is that it is owned.
      column.default = c.owned_sequence && /^nextval\(/.test(c.default) ? SERIAL_DEFAULT : c.default
    }
    if (c.identity === 'a') column.identity = 'always'
    if (c.identity === 'd') column.identity = 'by default'
    if (c.generated === 's' && c.default !== null) column.generated = c.default
    table.columns.set(c.name, column)
  }
  for (const c of constraints) {
    const table = tableOf(c.schema, c.table)
    if (!table) continue
    const kind = ({ p: 'primary_key', u: 'unique', f: 'foreign_key', c: 'check', x: 'exclusion' } as const)[
      c.type as 'p'
    ]
    // `NOT VALID` is a rollout state (zero-downtime ADD CONSTRAINT … NOT VALID, VALIDATE later), not a different
    // constraint: drizzle-kit never writes it, and the definitions are otherwise the same.
    const constraint: ConstraintModel = {
      name: c.name,
      kind,
      columns: c.columns,
      definition: c.definition.replace(/ NOT VALID$/, '')
    }
    if (c.ref_table) constraint.references = qualified(c.ref_schema ?? 'public', c.ref_table)
    table.constraints.set(c.name, constraint)
  }
  for (const i of indexes) {
    const table = tableOf(i.schema, i.table)
    if (!table) continue
    const index: IndexModel = {
      name: i.name,
      unique: i.unique,
      method: i.method,
      keys: i.keys,
      where: i.where ?? undefined,
      definition: indexDefinitionWithoutName(i.definition, i.name)
    }
    table.indexes.set(i.name, index)
  }
  for (const p of policies) {
    const table = tableOf(p.schema, p.table)
    if (!table) continue
    const command =
      ({ r: 'select', a: 'insert', w: 'update', d: 'delete', '*': 'all' } as Record<string, string>)[p.command] ??
      p.command
    table.policies.set(p.name, {
      name: p.name,
      command,
      permissive: p.permissive,
      roles: p.roles,
      using: p.using ?? undefined,
      withCheck: p.with_check ?? undefined
    })
  }
  for (const e of enums)
    model.enums.set(qualified(e.schema, e.name), { schema: e.schema, name: e.name, values: e.values })
  for (const s of sequences) {
    if (isMigrationsTable(s.schema, s.name.replace(/_id_seq$/, ''))) continue
    model.sequences.set(qualified(s.schema, s.name), s)
  }
  for (const v of views) {
    model.views.set(qualified(v.schema, v.name), {
      schema: v.schema,
      name: v.name,
      materialized: v.kind === 'm',
      definition: v.definition
    })
  }
  return model
}

/** As drizzle-kit applies tablesFilter: a table is kept when it matches an include glob and no `!` glob. */
export function tableFilter(globs: string[] | undefined): (name: string) => boolean {
  if (!globs || globs.length === 0) return () => true
  const include = globs.filter((g) => !g.startsWith('!')).map(globToRegExp)
  const exclude = globs.filter((g) => g.startsWith('!')).map((g) => globToRegExp(g.slice(1)))
  return (name) => (include.length === 0 || include.some((r) => r.test(name))) && !exclude.some((r) => r.test(name))
}

function columnType(c: {
  type: string
  type_kind: string
  type_schema: string
  type_name: string
  elem_kind: string | null
  elem_schema: string | null
  elem_name: string | null
}): string {
  // format_type() qualifies a type only when its schema is not on the search_path; make enums and other
  // user-defined types always schema.name (public ones bare), so both databases print them the same way.
  if (c.type_kind === 'e' || c.type_kind === 'd' || c.type_kind === 'c') {
    return c.type_schema === 'public'
      ? quoteIfNeeded(c.type_name)
      : `${quoteIfNeeded(c.type_schema)}.${quoteIfNeeded(c.type_name)}`
  }
  if (c.elem_kind && c.elem_name && (c.elem_kind === 'e' || c.elem_kind === 'd' || c.elem_kind === 'c')) {
    const base =
      c.elem_schema === 'public'
        ? quoteIfNeeded(c.elem_name)
        : `${quoteIfNeeded(c.elem_schema ?? 'public')}.${quoteIfNeeded(c.elem_name)}`
    return `${base}[]`
  }
  return c.type
}

function quoteIfNeeded(name: string): string {
  return quoteIdentifierIfNeeded(name)
}

function indexDefinitionWithoutName(definition: string, name: string): string {
  const quoted = quoteIdentifierIfNeeded(name)
  // pg_get_indexdef says "ON ONLY" for every index of a partitioned table: a property of the table (partitioning,
  // which a Drizzle schema cannot declare), not of the index.
  return definition.replace(` INDEX ${quoted} ON `, ' INDEX ON ').replace(/ INDEX ON ONLY /, ' INDEX ON ')
}

/** `NULL`, `NULL::character varying`, `(NULL::numeric)`: a stored default that is the null of the column's type. */
export function isNullDefault(expression: string): boolean {
  return /^\(*NULL(::[a-z_ ."]+(\(\d+(,\s*\d+)?\))?(\[\])*\)*)*\)*$/i.test(expression.trim())
}
