// drizzle-kit 1.x names the constraints a schema leaves unnamed differently from the bundled 0.31 serialiser
// (read in drizzle-kit 1.0.0-rc's dialects/postgres/grammar.ts and drizzle.ts, and checked against the SQL it writes):
//   primary key   0.31 `<table>_<cols>_pk`                 1.x `<table>_pkey`
//   unique        0.31 `<table>_<cols>_unique`             1.x `<table>_<col>_key` for a column's .unique(); a table's
//                                                              unique() keeps `_unique` (drizzle-orm's uniqueKeyName)
//   foreign key   0.31 `<table>_<cols>_<to>_<cols>_fk`     1.x `..._fkey`; over 63 characters: `<table>_<hash>_fkey`
//                                                              (table under 45 characters) or `<hash>_fkey`
// and 1.x leaves the name out of the SQL where it is Postgres's own default (a one-column PRIMARY KEY or UNIQUE
// written in CREATE TABLE), so Postgres picks it, cutting table and column names to fit 63 bytes (makeObjectName):
// that is also the name a one-column table unique() gets, unless a migration added it later by name.
// Explicit names (and indexes, checks, identity sequences, which both versions name alike) are left as they are.
// Under the drizzle config's `casing`, 1.x builds every default name from the cased column names (read in drizzle-kit
// 1.0.0-beta.9, beta.15 and beta.22: dialects/postgres/drizzle.ts and ddl.ts; indexes too, `<table>_<cased>_index`).
// 0.31 does too, except for unique constraints, which drizzle-orm names after the TypeScript keys: those are renamed
// after the cased names here (columnNamesBeforeCasing). From 1.0.0-rc.1 the casing is declared on the tables and
// drizzle-kit reads none from its config, so every name follows the column names as declared.
import { PgSnapshot, SnapshotTable } from './drizzle-kit'
import { MAX_IDENTIFIER_BYTES, truncateIdentifier } from '../sql/identifiers'
import { toCamelCase, toSnakeCase } from './source-index'

export interface Kit1NamingOptions {
  /** Constraint names the migrations add with `ADD CONSTRAINT "…" UNIQUE` (kept: 1.x wrote them by name). */
  uniquesAddedByName?: Set<string>
  /**
   * Under `casing`, for each table ("schema.table"): the database name of each column whose drizzle-orm name (its
   * TypeScript key) differs from it, with that name (see columnNamesBeforeCasing).
   */
  columnNames?: Map<string, Map<string, string>>
}

/** The schema's snapshot with every unnamed constraint named as drizzle-kit 1.x and Postgres name it. */
export function withKit1ConstraintNames(snapshot: PgSnapshot, options: Kit1NamingOptions = {}): PgSnapshot {
  const tables: Record<string, SnapshotTable> = {}
  for (const [key, table] of Object.entries(snapshot.tables)) tables[key] = renameTable(table, options)
  return { ...snapshot, tables }
}

function renameTable(table: SnapshotTable, options: Kit1NamingOptions): SnapshotTable {
  const t = table.name
  const rekey = <T extends { name: string }>(
    record: Record<string, T> | undefined,
    rename: (entry: T) => string
  ): Record<string, T> => {
    const out: Record<string, T> = {}
    for (const entry of Object.values(record ?? {})) {
      const name = rename(entry)
      out[name] = name === entry.name ? entry : { ...entry, name }
    }
    return out
  }
  const compositePrimaryKeys = rekey(table.compositePrimaryKeys, (pk) => {
    if (pk.name !== `${t}_${pk.columns.join('_')}_pk`) return pk.name
    // One column: 1.x writes a bare PRIMARY KEY; more: CONSTRAINT "<table>_pkey", which Postgres cuts.
    return pk.columns.length === 1 ? postgresObjectName(t, undefined, 'pkey') : truncateIdentifier(`${t}_pkey`)
  })
  // Under `casing`, drizzle-orm names an unnamed unique constraint after the columns' TypeScript keys, as 0.31
  // takes it (`pages_siteId_slug_unique`); 1.x (its betas with a casing option) after the cased names, as the
  // database has them (`pages_site_id_slug_unique`, or a column's `pages_external_id_key`).
  const ormNames = options.columnNames?.get(`${table.schema || 'public'}.${t}`)
  const isDefaultUniqueName = (columns: string[], name: string): boolean =>
    name === `${t}_${columns.join('_')}_unique` ||
    (ormNames !== undefined && name === `${t}_${columns.map((c) => ormNames.get(c) ?? c).join('_')}_unique`)
  const uniqueName = (columns: string[], name: string): string => {
    if (!isDefaultUniqueName(columns, name)) return name
    const kit1Name = `${t}_${columns.join('_')}_unique`
    if (columns.length !== 1 || options.uniquesAddedByName?.has(kit1Name)) return kit1Name
    return postgresObjectName(t, columns[0], 'key')
  }
  const uniqueConstraints = rekey(table.uniqueConstraints, (u) => uniqueName(u.columns, u.name))
  const columns: SnapshotTable['columns'] = {}
  for (const [key, column] of Object.entries(table.columns)) {
    // Older serialisations keep a column's .unique() on the column.
    columns[key] =
      column.isUnique && column.uniqueName
        ? { ...column, uniqueName: uniqueName([column.name], column.uniqueName) }
        : column
  }
  const foreignKeys = rekey(table.foreignKeys, (fk) => {
    const from = (fk.tableFrom as string | undefined) ?? t
    if (fk.name !== `${from}_${fk.columnsFrom.join('_')}_${fk.tableTo}_${fk.columnsTo.join('_')}_fk`) return fk.name
    return truncateIdentifier(kit1ForeignKeyName(from, fk.columnsFrom, fk.tableTo, fk.columnsTo))
  })
  return { ...table, columns, compositePrimaryKeys, uniqueConstraints, foreignKeys }
}

/**
 * For each table of the schema's exports ("schema.table"), the columns whose database name under `casing` is not
 * their drizzle-orm name: database name -> drizzle-orm name (the TypeScript key of a column declared without a
 * name). Empty without casing.
 */
export function columnNamesBeforeCasing(
  exports: Record<string, unknown>,
  casing: string | undefined
): Map<string, Map<string, string>> {
  const out = new Map<string, Map<string, string>>()
  if (casing !== 'snake_case' && casing !== 'camelCase') return out
  const cased = casing === 'snake_case' ? toSnakeCase : toCamelCase
  for (const value of Object.values(exports)) {
    const table = value as Record<symbol, unknown> | null
    if (!table || typeof table !== 'object' || table[IS_TABLE] === undefined || !table[COLUMNS]) continue
    const names = new Map<string, string>()
    for (const column of Object.values(table[COLUMNS] as Record<string, { name: string; keyAsName?: boolean }>)) {
      const dbName = column.keyAsName ? cased(column.name) : column.name
      if (dbName !== column.name) names.set(dbName, column.name)
    }
    if (names.size > 0) out.set(`${(table[SCHEMA] as string | undefined) || 'public'}.${table[NAME] as string}`, names)
  }
  return out
}

const NAME = Symbol.for('drizzle:Name')
const SCHEMA = Symbol.for('drizzle:Schema')
const COLUMNS = Symbol.for('drizzle:Columns')
const IS_TABLE = Symbol.for('drizzle:IsDrizzleTable')

/** drizzle-kit 1.x's default foreign key name (its length test counts UTF-16 units, as JavaScript does). */
export function kit1ForeignKeyName(table: string, columns: string[], tableTo: string, columnsTo: string[]): string {
  const desired = `${table}_${columns.join('_')}_${tableTo}_${columnsTo.join('_')}_fkey`
  if (desired.length <= 63) return desired
  return table.length < 45 ? `${table}_${nameHash(desired)}_fkey` : `${nameHash(desired)}_fkey`
}

const HASH_DIGITS = '0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ'

/** The 12-character hash drizzle-kit 1.x puts in long names: a base-53 polynomial of the code points, in base 62. */
export function nameHash(input: string, length = 12): string {
  const base = BigInt(HASH_DIGITS.length)
  const modulus = base ** BigInt(length)
  let sum = 0n
  let power = 1n
  for (const ch of input) {
    sum = (sum + BigInt(ch.codePointAt(0) ?? 0) * power) % modulus
    power = (power * 53n) % modulus
  }
  let digits = ''
  for (let i = 0; i < length; i++) {
    digits = HASH_DIGITS[Number(sum % base)] + digits
    sum /= base
  }
  return digits
}

/**
 * The name Postgres gives a constraint it names itself: `<name1>_<name2>_<label>`, taking bytes off the longer of
 * name1 and name2 until it fits in 63 bytes, on character boundaries (makeObjectName in Postgres's indexcmds.c).
 */
export function postgresObjectName(name1: string, name2: string | undefined, label: string): string {
  const overhead = (name2 !== undefined ? 1 : 0) + label.length + 1
  const available = MAX_IDENTIFIER_BYTES - overhead
  let bytes1 = Buffer.byteLength(name1)
  let bytes2 = name2 !== undefined ? Buffer.byteLength(name2) : 0
  while (bytes1 + bytes2 > available) {
    if (bytes1 > bytes2) bytes1--
    else bytes2--
  }
  const part1 = clipBytes(name1, bytes1)
  return name2 !== undefined ? `${part1}_${clipBytes(name2, bytes2)}_${label}` : `${part1}_${label}`
}

function clipBytes(text: string, bytes: number): string {
  let out = ''
  for (const ch of text) {
    if (Buffer.byteLength(out + ch) > bytes) break
    out += ch
  }
  return out
}

/** Unique constraints that migrations add by name (`ADD CONSTRAINT "…" UNIQUE`): 1.x named these, not Postgres. */
export function uniquesAddedByName(sqlTexts: (string | undefined)[]): Set<string> {
  const names = new Set<string>()
  for (const sql of sqlTexts)
    for (const m of (sql ?? '').matchAll(/ADD\s+CONSTRAINT\s+"((?:[^"]|"")+)"\s+UNIQUE/gi))
      names.add(m[1].replace(/""/g, '"'))
  return names
}

/** The report's note for a drizzle-kit 1.x project. */
export function kit1Note(evidence: string): string {
  return (
    `drizzle-kit 1.x project (${evidence}): constraints the schema does not name are expected under 1.x's names ` +
    "(primary key <table>_pkey, a column's unique <table>_<column>_key, foreign key <table>_<columns>_<target>_<columns>_fkey, " +
    "hashed past 63 characters; Postgres's own names, cut to 63 bytes, where 1.x writes none), and the schema is compared with the last v1 snapshot"
  )
}
