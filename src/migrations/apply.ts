// Applies migrations the way drizzle-orm's Postgres migrator does in production (0.x below; 1.x, for v1 folders,
// records each folder's name and applied_at too, and applies the folders whose name has no row):
//   CREATE SCHEMA IF NOT EXISTS <migrations schema>; CREATE TABLE IF NOT EXISTS <table>(id serial, hash, created_at);
//   read the newest created_at; run every migration whose `when` is newer, all in ONE transaction, statement by
//   statement (split at `--> statement-breakpoint`), inserting (sha256 of the file, when) after each migration.
// We run each chunk with the simple query protocol (as node-postgres does), so chunks holding several statements
// behave as they do with the most common driver.
import { Database, PostgresErrorInfo, toPostgresError } from '../postgres/provider'
import { Migration, MigrationStatement } from './folder'
import { isConnectionError } from '../core/errors'
import { quoteIdentifier } from '../sql/identifiers'
import { codeOnly } from '../sql/statements'

export interface MigrationsTable {
  schema: string
  table: string
}

export interface MigrationFailure {
  migration: Migration
  /** Line in the SQL file of the failing statement (or of the error position inside it). */
  line: number
  error: PostgresErrorInfo
  /** The migration ran; the ledger row drizzle's migrator inserts after it failed (a 1.x folder named without a timestamp). */
  recording?: true
}

export interface ApplyResult {
  applied: { tag: string; file: string; statements: number; ok: boolean }[]
  failure?: MigrationFailure
}

const quote = quoteIdentifier

/**
 * @param options.transaction false: no transaction around the run (each statement commits on its own), as other runners do
 * @param options.migrator '1.x': drizzle-orm 1.x's migrator (v1 folders): its table has `name` and `applied_at`,
 * and every folder whose name has no row is applied, whatever its timestamp
 * @param options.continuing the migrations go on from a run from clean that applied the ones before them (the other
 * side's database of a --base run): every one is applied, as that run would have, whatever the table holds
 */
export async function applyMigrations(
  db: Database,
  migrations: Migration[],
  where: MigrationsTable,
  options: { transaction?: boolean; migrator?: '0.x' | '1.x'; continuing?: boolean } = {}
): Promise<ApplyResult> {
  const transaction = options.transaction ?? true
  const byName = options.migrator === '1.x'
  const table = `${quote(where.schema)}.${quote(where.table)}`
  await db.exec(`CREATE SCHEMA IF NOT EXISTS ${quote(where.schema)}`)
  await db.exec(
    byName
      ? `CREATE TABLE IF NOT EXISTS ${table} (id SERIAL PRIMARY KEY, hash text NOT NULL, created_at bigint, name text, applied_at timestamp with time zone DEFAULT now())`
      : `CREATE TABLE IF NOT EXISTS ${table} (id SERIAL PRIMARY KEY, hash text NOT NULL, created_at bigint)`
  )
  const [last] = options.continuing
    ? []
    : await db.query<{ created_at: string | number | null }>(
        `select id, hash, created_at from ${table} order by created_at desc limit 1`
      )
  const lastWhen = last?.created_at === undefined || last?.created_at === null ? undefined : Number(last.created_at)
  const appliedNames = byName
    ? new Set(
        options.continuing
          ? []
          : (await db.query<{ name: string | null }>(`select name from ${table}`)).map((r) => r.name)
      )
    : undefined
  const applied: ApplyResult['applied'] = []
  if (transaction) await db.exec('BEGIN')
  let stoppedAt: Migration | undefined
  for (const migration of migrations) {
    if (appliedNames ? appliedNames.has(migration.tag) : lastWhen !== undefined && !(lastWhen < migration.when))
      continue
    // drizzle's migrator throws before applying anything when a file is missing, so production would apply none.
    // The check still applies the migrations before it (what they build is worth comparing; the journal_error
    // says drizzle applies none), and stops there, since later ones may depend on the missing one. It and the
    // later ones are listed as not applied, so that "N/M migrations" never counts them.
    if (migration.sql === undefined) stoppedAt ??= migration
    if (stoppedAt) {
      applied.push({ tag: migration.tag, file: migration.file, statements: migration.statements.length, ok: false })
      continue
    }
    for (const statement of migration.statements) {
      try {
        await db.exec(statement.sql)
      } catch (error) {
        // A lost connection (the server restarted, our session was terminated) says nothing of the migration.
        if (isConnectionError(error)) throw error
        const info = toPostgresError(error)
        if (transaction) await db.exec('ROLLBACK').catch(() => undefined)
        applied.push({ tag: migration.tag, file: migration.file, statements: migration.statements.length, ok: false })
        return {
          applied,
          failure: {
            migration,
            line: errorLine(statement, info.message, info.position),
            error: info
          }
        }
      }
    }
    try {
      await recordApplied(db, table, migration, byName)
    } catch (error) {
      // drizzle's migrator inserts the row inside the same transaction: its failure rolls the whole run back too.
      if (isConnectionError(error)) throw error
      if (transaction) await db.exec('ROLLBACK').catch(() => undefined)
      applied.push({ tag: migration.tag, file: migration.file, statements: migration.statements.length, ok: false })
      return { applied, failure: { migration, line: 1, error: toPostgresError(error), recording: true } }
    }
    applied.push({ tag: migration.tag, file: migration.file, statements: migration.statements.length, ok: true })
  }
  if (transaction) await db.exec('COMMIT')
  return { applied }
}

/**
 * The ledger row drizzle's migrator inserts. As plain SQL when every value is one a literal cannot misquote (a hex
 * hash, an integer `when`, a folder name of word characters): a parameterised query costs the embedded Postgres a
 * parse, bind and describe more per migration (~0.15 ms of CPU each, 300 of them on history-300). Anything else
 * goes as parameters, as before.
 */
async function recordApplied(db: Database, table: string, migration: Migration, byName: boolean): Promise<void> {
  const plain =
    typeof migration.hash === 'string' &&
    /^[0-9a-f]*$/.test(migration.hash) &&
    Number.isSafeInteger(migration.when) &&
    (!byName || /^[A-Za-z0-9_.-]+$/.test(migration.tag))
  if (plain)
    await db.exec(
      byName
        ? `insert into ${table} ("hash", "created_at", "name") values ('${migration.hash}', ${migration.when}, '${migration.tag}')`
        : `insert into ${table} ("hash", "created_at") values ('${migration.hash}', ${migration.when})`
    )
  else if (byName)
    await db.query(`insert into ${table} ("hash", "created_at", "name") values ($1, $2, $3)`, [
      migration.hash,
      migration.when,
      migration.tag
    ])
  else await db.query(`insert into ${table} ("hash", "created_at") values ($1, $2)`, [migration.hash, migration.when])
}

function errorLine(statement: MigrationStatement, message: string, position?: number): number {
  const { sql, chunkLine } = statement
  if (position && position <= sql.length) return chunkLine + (sql.slice(0, position - 1).match(/\n/g)?.length ?? 0)
  return namedObjectLine(sql, chunkLine, message) ?? statement.line
}

/**
 * Without a position (Postgres gives none for a missing schema or function in a policy, say), a chunk of several
 * statements (a migration written without breakpoints) would be blamed at its first line: the line that first
 * names the missing object is the statement that failed, since any earlier use of it would have failed first.
 */
function namedObjectLine(sql: string, chunkLine: number, message: string): number | undefined {
  // A name in a comment or a string literal (`WHERE table_name = 'climbs'` in a DO block) is not a use of it.
  const code = codeOnly(sql)
  const statements = code.split(';').filter((part) => part.trim() !== '').length
  if (statements < 2) return undefined
  const named =
    /^(schema|relation|function|type|column) "?([^"(]+)"?(?:\(.*?\))? (?:of relation "[^"]+" )?does not exist/.exec(
      message
    )
  if (!named) return undefined
  const [, what, full] = named
  const name = full.includes('.') && what === 'relation' ? full.slice(full.lastIndexOf('.') + 1) : full
  const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
  const mention =
    what === 'schema'
      ? new RegExp(`(?:"${escaped}"|(?<![\\w$])${escaped})\\s*\\.`)
      : what === 'function'
        ? new RegExp(`(?:"${escaped}"|(?<![\\w$.])${escaped})\\s*\\(`)
        : new RegExp(`(?:"${escaped}"|(?<![\\w$])${escaped}(?![\\w$]))`)
  const at = code.split('\n').findIndex((line) => mention.test(line))
  return at < 0 ? undefined : chunkLine + at
}
