// The database seam: the engine only needs to create throwaway databases and run SQL on them.

/** An error from Postgres, with what we need to point at the failing SQL. */
export interface PostgresErrorInfo {
  message: string
  code?: string
  /** 1-based character offset in the statement, when Postgres gives one. */
  position?: number
  detail?: string
  hint?: string
}

/** A session on one database. */
export interface Database {
  /** Logical label (what the report shows). */
  readonly label: string
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>
  /** Runs SQL text that may hold several statements (simple query protocol, as node-postgres does). */
  exec(sql: string): Promise<void>
  /**
   * A URL other processes can connect to this database with (the project's own init commands, with their own
   * driver). The embedded Postgres serves it over the wire protocol on a local port until `close()`.
   */
  serve?(): Promise<ServedDatabase>
  /**
   * From now on, runs SQL as the run's throwaway owner role instead of the URL's user (a server reached as a
   * superuser): called once the extensions and setup SQL ran, before the migrations or the schema's SQL.
   * The schemas the setup created (the URL's user owns them) are granted to that role first. Providers without
   * one leave it out. Resolves to the role's name, or undefined when SQL goes on as the URL's user.
   */
  dropPrivileges?(): Promise<string | undefined>
  close(): Promise<void>
}

/** A throwaway database reachable by URL until closed. */
export interface ServedDatabase {
  url: string
  close(): Promise<void>
}

export interface DatabaseOptions {
  /** Extensions the SQL will create (the embedded Postgres must load them up front). */
  extensions?: string[]
  /** Roles the SQL will create (a provider whose owner role cannot create roles makes them first). */
  roles?: string[]
}

export interface PostgresProvider {
  /** e.g. "embedded (PGlite 0.5.14)" or "server 127.0.0.1:5432". */
  readonly description: string
  /**
   * What alone decides what the same SQL builds in a fresh database of this provider (the embedded Postgres: its
   * version and settings; a server: its version, roles, extensions and settings, read once), so that what was
   * built can be kept between runs; undefined when it cannot be known.
   */
  buildIdentity?(): Promise<string | undefined>
  /** How many databases to work on at once. */
  readonly concurrency: number
  /**
   * Starts creating databases for these labels in the background, to overlap with loading the schemas. Resolves
   * once the work is under way (never rejects: errors surface from createDatabase).
   */
  warm?(labels: string[]): Promise<void> | void
  /** Creates an empty database that this provider owns and will remove in dispose(). */
  createDatabase(label: string, options?: DatabaseOptions): Promise<Database>
  /** Extensions available on this Postgres (undefined: unknown, let CREATE EXTENSION decide). */
  availableExtensions(): Promise<Set<string> | undefined>
  serverVersion(): Promise<string>
  /** What the report should say about how the databases were used (the role migrations ran as, leftovers removed). */
  notes?(): Promise<string[]>
  /** Removes every database this provider created. Safe to call twice. */
  dispose(): Promise<void>
  /** What it created outside this process and has not removed (yet), for a message: `database dg_…`, `role …`. */
  notRemoved?(): string[]
}

export function toPostgresError(error: unknown): PostgresErrorInfo {
  const e = error as { message?: string; code?: string; position?: number | string; detail?: string; hint?: string }
  const position = e?.position === undefined ? undefined : Number(e.position)
  return {
    message: String(e?.message ?? error).split('\n')[0],
    code: e?.code,
    position: Number.isFinite(position) ? position : undefined,
    detail: e?.detail,
    hint: e?.hint
  }
}
