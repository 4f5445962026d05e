// drizzle-kit's own serialiser and SQL generator (drizzle-kit/api), so the schema is read exactly as
// `drizzle-kit generate` reads it. Only the two functions that never prompt are used here:
// generateDrizzleJson (sync), and generateMigration when no rename is possible (see ../diff/snapshot.ts).
import { vendorPackageVersion, vendorRequire } from '../core/vendor'

/** drizzle-kit's Postgres snapshot (version 7), as written in meta/NNNN_snapshot.json. */
export interface PgSnapshot {
  id: string
  prevId: string
  version: string
  dialect: string
  tables: Record<string, SnapshotTable>
  enums: Record<string, { name: string; schema: string; values: string[] }>
  schemas: Record<string, string>
  sequences: Record<string, { name: string; schema: string; [key: string]: unknown }>
  roles?: Record<string, unknown>
  policies?: Record<string, unknown>
  views?: Record<string, { name: string; schema: string; [key: string]: unknown }>
  _meta?: unknown
}

export interface SnapshotTable {
  name: string
  schema: string
  columns: Record<string, SnapshotColumn>
  indexes: Record<
    string,
    {
      name: string
      columns: { expression: string; isExpression: boolean }[]
      isUnique: boolean
      [key: string]: unknown
    }
  >
  foreignKeys: Record<
    string,
    { name: string; columnsFrom: string[]; tableTo: string; columnsTo: string[]; [key: string]: unknown }
  >
  compositePrimaryKeys: Record<string, { name: string; columns: string[] }>
  uniqueConstraints: Record<string, { name: string; columns: string[]; nullsNotDistinct?: boolean }>
  checkConstraints?: Record<string, { name: string; value: string }>
  policies?: Record<string, { name: string; [key: string]: unknown }>
  isRLSEnabled?: boolean
}

export interface SnapshotColumn {
  name: string
  type: string
  typeSchema?: string
  primaryKey: boolean
  notNull: boolean
  default?: unknown
  identity?: unknown
  generated?: unknown
  isUnique?: boolean
  uniqueName?: string
  [key: string]: unknown
}

interface DrizzleKitApi {
  generateDrizzleJson(
    imports: Record<string, unknown>,
    prevId?: string,
    schemaFilters?: string[],
    casing?: string
  ): PgSnapshot
  generateMigration(prev: PgSnapshot, cur: PgSnapshot): Promise<string[]>
}

let api: DrizzleKitApi | undefined
function kit(): DrizzleKitApi {
  api ??= vendorRequire<DrizzleKitApi>('drizzle-kit/api')
  return api
}

export function drizzleKitVersion(): string {
  return vendorPackageVersion('drizzle-kit', 'drizzle-kit/api')
}

export function serializeSchema(exports: Record<string, unknown>, casing?: string): PgSnapshot {
  return quietly(() => kit().generateDrizzleJson(exports, undefined, undefined, casing))
}

export async function generateSql(prev: PgSnapshot, cur: PgSnapshot): Promise<string[]> {
  return quietlyAsync(() => kit().generateMigration(prev, cur))
}

/** An empty snapshot: generateMigration(empty, schema) is the SQL that builds the schema from nothing. */
export function emptySnapshot(): PgSnapshot {
  return {
    id: '00000000-0000-0000-0000-000000000000',
    prevId: '',
    version: '7',
    dialect: 'postgresql',
    tables: {},
    enums: {},
    schemas: {},
    sequences: {},
    roles: {},
    policies: {},
    views: {},
    _meta: { schemas: {}, tables: {}, columns: {} }
  }
}

// drizzle-kit prints progress and warnings to stdout; the JSON report must be the only thing there.
function quietly<T>(fn: () => T): T {
  const write = process.stdout.write
  process.stdout.write = ((chunk: unknown, ...rest: unknown[]) =>
    process.stderr.write(chunk as string, ...(rest as []))) as typeof process.stdout.write
  try {
    return fn()
  } finally {
    process.stdout.write = write
  }
}

async function quietlyAsync<T>(fn: () => Promise<T>): Promise<T> {
  const write = process.stdout.write
  process.stdout.write = ((chunk: unknown, ...rest: unknown[]) =>
    process.stderr.write(chunk as string, ...(rest as []))) as typeof process.stdout.write
  try {
    return await fn()
  } finally {
    process.stdout.write = write
  }
}
