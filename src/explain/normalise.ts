// A snapshot of either generation turned into the normal form of snapshot-norm.ts.
import { PgSnapshot } from '../schema/drizzle-kit'
import { postgresObjectName } from '../schema/kit1-names'
import { DdlEntity, V1Snapshot } from './snapshot-types'
import {
  NormModel,
  NormTable,
  newTable,
  normExpression,
  upper,
  str,
  columnText,
  indexText,
  cut,
  viewText,
  policyText,
  sequenceText
} from './snapshot-norm'

/** The schema's snapshot (0.31, version 7, names already as 1.x gives them) in the normalised form. */
export function normaliseV7(snapshot: PgSnapshot): NormModel {
  const model: NormModel = {
    tables: new Map(),
    enums: new Map(),
    schemas: new Set(Object.keys(snapshot.schemas ?? {})),
    sequences: new Map(),
    views: new Map()
  }
  for (const t of Object.values(snapshot.tables)) {
    const schema = t.schema || 'public'
    const tablePolicies = Object.values(t.policies ?? {})
    const loosePolicies = Object.values((snapshot.policies ?? {}) as Record<string, Record<string, unknown>>).filter(
      (p) => p.on === t.name && (str(p.schema) || 'public') === schema
    )
    const table = newTable(schema, t.name, Boolean(t.isRLSEnabled) || tablePolicies.length + loosePolicies.length > 0)
    model.tables.set(`${schema}.${t.name}`, table)
    const pkColumns = new Set(Object.values(t.compositePrimaryKeys ?? {}).flatMap((pk) => pk.columns))
    for (const c of Object.values(t.columns)) {
      const dimensions = (c.type.match(/\[\d*\]/g) ?? []).length
      table.columns.set(
        c.name,
        columnText(
          {
            type: c.type.replace(/\[\d*\]/g, ''),
            dimensions,
            typeSchema: c.typeSchema,
            notNull: c.notNull || c.primaryKey || pkColumns.has(c.name) || Boolean(c.identity),
            default: c.default,
            identity: c.identity,
            generated: c.generated
          },
          table
        )
      )
      if (c.primaryKey)
        table.parts.get('primary key')!.set(postgresObjectName(t.name, undefined, 'pkey'), JSON.stringify([c.name]))
      if (c.isUnique && c.uniqueName)
        table.parts
          .get('unique constraint')!
          .set(cut(c.uniqueName), JSON.stringify([[c.name], Boolean(c.nullsNotDistinct)]))
    }
    for (const pk of Object.values(t.compositePrimaryKeys ?? {}))
      table.parts.get('primary key')!.set(cut(pk.name), JSON.stringify(pk.columns))
    for (const u of Object.values(t.uniqueConstraints ?? {}))
      table.parts.get('unique constraint')!.set(cut(u.name), JSON.stringify([u.columns, Boolean(u.nullsNotDistinct)]))
    for (const fk of Object.values(t.foreignKeys ?? {})) {
      table.parts
        .get('foreign key')!
        .set(
          cut(fk.name),
          JSON.stringify([
            fk.columnsFrom,
            str(fk.schemaTo) || 'public',
            fk.tableTo,
            fk.columnsTo,
            upper(fk.onUpdate, 'NO ACTION'),
            upper(fk.onDelete, 'NO ACTION')
          ])
        )
    }
    for (const chk of Object.values(t.checkConstraints ?? {}))
      table.parts.get('check constraint')!.set(cut(chk.name), JSON.stringify(normExpression(chk.value, table)))
    for (const i of Object.values(t.indexes ?? {})) {
      const columns = i.columns.map((c) => {
        const col = c as { expression: string; isExpression: boolean; asc?: boolean; nulls?: string; opclass?: string }
        return {
          value: col.expression,
          isExpression: col.isExpression,
          asc: col.asc !== false,
          nullsFirst: col.nulls === 'first',
          opclass: str(col.opclass)
        }
      })
      const withText = Object.entries((i.with ?? {}) as Record<string, unknown>)
        .map(([k, v]) => `${k}=${str(v)}`)
        .join(',')
      table.parts
        .get('index')!
        .set(
          cut(i.name),
          indexText(columns, Boolean(i.isUnique), normExpression(i.where, table), str(i.method), withText)
        )
    }
    for (const p of [...tablePolicies, ...loosePolicies] as Record<string, unknown>[])
      table.parts.get('policy')!.set(cut(str(p.name)), policyText(p.as, p.for, p.to, p.using, p.withCheck, table))
  }
  for (const e of Object.values(snapshot.enums ?? {}))
    model.enums.set(`${e.schema || 'public'}.${e.name}`, JSON.stringify(e.values))
  for (const s of Object.values(snapshot.sequences ?? {})) {
    model.sequences.set(
      `${s.schema || 'public'}.${s.name}`,
      sequenceText(s.increment, s.minValue, s.maxValue, s.startWith, s.cache, s.cycle)
    )
  }
  const tables = [...model.tables.values()]
  for (const v of Object.values(snapshot.views ?? {})) {
    if (!v.isExisting)
      model.views.set(
        `${v.schema || 'public'}.${v.name}`,
        viewText(v.materialized, v.definition, v.with, v.withNoData, v.tablespace, v.using, tables)
      )
  }
  return model
}

/** A v1 snapshot's state in the normalised form, with each unnamed constraint under the name the database has. */
export function normaliseDdl(snapshot: V1Snapshot): NormModel {
  const model: NormModel = {
    tables: new Map(),
    enums: new Map(),
    schemas: new Set(),
    sequences: new Map(),
    views: new Map()
  }
  const of = (type: string): DdlEntity[] => snapshot.ddl.filter((e) => e.entityType === type)
  for (const s of of('schemas')) if (str(s.name) !== 'public') model.schemas.add(str(s.name))
  for (const t of of('tables'))
    model.tables.set(`${str(t.schema)}.${str(t.name)}`, newTable(str(t.schema), str(t.name), Boolean(t.isRlsEnabled)))
  const tableOf = (e: DdlEntity): NormTable | undefined => model.tables.get(`${str(e.schema)}.${str(e.table)}`)
  for (const p of of('policies')) {
    const table = tableOf(p)
    if (!table) continue
    table.rls = true
    table.parts.get('policy')!.set(cut(str(p.name)), policyText(p.as, p.for, p.roles, p.using, p.withCheck, table))
  }
  const pkColumns = new Set(
    of('pks').flatMap((pk) => ((pk.columns as string[]) ?? []).map((c) => `${str(pk.schema)}.${str(pk.table)}.${c}`))
  )
  for (const c of of('columns')) {
    const table = tableOf(c)
    if (!table) continue
    const notNull =
      Boolean(c.notNull) || pkColumns.has(`${table.schema}.${table.name}.${str(c.name)}`) || Boolean(c.identity)
    table.columns.set(
      str(c.name),
      columnText(
        {
          type: str(c.type),
          dimensions: Number(c.dimensions ?? 0),
          typeSchema: c.typeSchema,
          notNull,
          default: c.default,
          identity: c.identity,
          generated: c.generated
        },
        table
      )
    )
  }
  for (const pk of of('pks')) {
    const table = tableOf(pk)
    if (!table) continue
    const columns = (pk.columns as string[]) ?? []
    // Unnamed: a one-column key is written as a bare PRIMARY KEY, so Postgres picks its name.
    const name =
      !pk.nameExplicit && columns.length === 1 ? postgresObjectName(table.name, undefined, 'pkey') : cut(str(pk.name))
    table.parts.get('primary key')!.set(name, JSON.stringify(columns))
  }
  for (const u of of('uniques')) {
    const table = tableOf(u)
    if (!table) continue
    const columns = (u.columns as string[]) ?? []
    const bare = !u.nameExplicit && columns.length === 1 && !snapshot.uniquesAddedByName.has(str(u.name))
    table.parts
      .get('unique constraint')!
      .set(
        bare ? postgresObjectName(table.name, columns[0], 'key') : cut(str(u.name)),
        JSON.stringify([columns, Boolean(u.nullsNotDistinct)])
      )
  }
  for (const fk of of('fks')) {
    const table = tableOf(fk)
    if (!table) continue
    table.parts
      .get('foreign key')!
      .set(
        cut(str(fk.name)),
        JSON.stringify([
          fk.columns,
          str(fk.schemaTo) || 'public',
          fk.tableTo,
          fk.columnsTo,
          upper(fk.onUpdate, 'NO ACTION'),
          upper(fk.onDelete, 'NO ACTION')
        ])
      )
  }
  for (const chk of of('checks')) {
    const table = tableOf(chk)
    if (table)
      table.parts.get('check constraint')!.set(cut(str(chk.name)), JSON.stringify(normExpression(chk.value, table)))
  }
  for (const i of of('indexes')) {
    const table = tableOf(i)
    if (!table) continue
    const columns = ((i.columns as Record<string, unknown>[]) ?? []).map((c) => ({
      value: str(c.value),
      isExpression: Boolean(c.isExpression),
      asc: c.asc !== false,
      nullsFirst: Boolean(c.nullsFirst),
      opclass: str((c.opclass as { name?: unknown } | null)?.name)
    }))
    table.parts
      .get('index')!
      .set(
        cut(str(i.name)),
        indexText(columns, Boolean(i.isUnique), normExpression(i.where, table), str(i.method), str(i.with))
      )
  }
  for (const e of of('enums')) model.enums.set(`${str(e.schema)}.${str(e.name)}`, JSON.stringify(e.values))
  for (const s of of('sequences'))
    model.sequences.set(
      `${str(s.schema)}.${str(s.name)}`,
      sequenceText(s.incrementBy, s.minValue, s.maxValue, s.startWith, s.cacheSize, s.cycle)
    )
  const tables = [...model.tables.values()]
  for (const v of of('views')) {
    if (!v.isExisting)
      model.views.set(
        `${str(v.schema)}.${str(v.name)}`,
        viewText(v.materialized, v.definition, v.with, v.withNoData, v.tablespace, v.using, tables)
      )
  }
  return model
}
