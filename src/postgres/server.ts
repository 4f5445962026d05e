// A real Postgres server given by URL. The tool creates uniquely named throwaway databases on it, works only in
// those, and drops them afterwards, also on failure and on SIGINT/SIGTERM. It never writes to a database it did
// not create: the URL's own database is only used to run CREATE/DROP DATABASE.
import { createHash } from 'node:crypto'
import * as os from 'node:os'
import { DatabaseUnavailableError } from '../core/errors'
import { Database, DatabaseOptions, PostgresProvider, ServedDatabase } from './provider'
import { onInterrupt } from '../core/interrupt'
import { ResettableSession, resetDatabase } from './reset'
import {
  RoleCreationRewrite,
  rewritingRoleCreations,
  rewritingRoleCreationsInDoBlocks,
  rolesCreatedIn
} from '../sql/roles'
import { RoleTracker } from './role-tracking'
import { quoteIdentifier, userSchemaCondition } from '../sql/identifiers'
import { newRunId } from './run-names'
import {
  OwnerDecision,
  OwnerRole,
  SUPERUSER_MIGRATIONS_VARIABLE,
  createOwnerRole,
  ownerNotes,
  grantSetupObjectsSql,
  precreateRoles
} from './owner-role'
import { RemovedLeftovers, leftoversNote, removeDeadRunLeftovers } from './leftovers'
import { ADMIN_POOL_SIZE, RunObjects } from './server-cleanup'

import {
  answeredInTime,
  arrayTypesOf,
  withArrayTypes,
  Sql,
  connect,
  connectAsOwner,
  databaseOfUrl,
  describe,
  maskUrl,
  serveDatabase,
  statementTimeoutMs,
  withDatabase
} from './server-connection'

export { databaseOfUrl, maskUrl, statementTimeoutMs }

/** A throwaway database with its session; `rolesBefore` once it was used (it must be reset before reuse). */
interface Pooled {
  name: string
  sql: Sql
  rolesBefore?: Set<string>
}

function sessionOf(sql: Sql): ResettableSession {
  return {
    query: async <T>(text: string, params?: unknown[]) =>
      (await sql.unsafe(text, (params ?? []) as never[])) as unknown as T[],
    exec: async (text: string) => void (await sql.unsafe(text).simple())
  }
}

export class ServerProvider implements PostgresProvider {
  readonly description: string
  /** Creating databases is the server's slow part; with reuse, about one per core keeps it busy without queueing. */
  readonly concurrency = Math.max(2, Math.min(4, os.cpus().length))
  private admin?: Sql
  /** The databases and roles of the run still on the server (src/postgres/server-cleanup.ts). */
  private readonly objects = new RunObjects()
  /** Roles that appeared on the server while one of this run's databases was in use. */
  private readonly createdRoles = new RoleTracker()
  private readonly sessions = new Set<Sql>()
  /** The prefix of every database and role this run creates (`src/postgres/run-names.ts`). */
  readonly runId = newRunId()
  private counter = 0
  private version?: string
  /** Set once dispose() starts: no database may be created after that (a run interrupted by a signal). */
  private disposed = false

  /** @param socketDir connect through the Unix socket in this folder (the temporary cluster) */
  constructor(
    private readonly url: string,
    private readonly socketDir?: string
  ) {
    let host: string
    try {
      const parsed = new URL(url)
      if (!/^postgres(ql)?:$/.test(parsed.protocol)) throw new Error('protocol')
      host = `${parsed.hostname || 'localhost'}:${parsed.port || 5432}`
    } catch {
      throw new DatabaseUnavailableError(`--database-url is not a postgres:// URL: ${maskUrl(url)}`)
    }
    this.description = `server ${host}`
  }

  private identity?: Promise<string | undefined>
  /**
   * What decides what the same SQL builds in a fresh database of this server: besides the SQL, only the server's
   * own state does (its version, the extensions it offers, the roles every database shares, its settings, the
   * URL's rights, the run's migration role). Read once per run; a schema's database built on a server in the same
   * state is kept between runs. A role created since (by another run's migrations, by an administrator) changes
   * it: a GRANT to that role would succeed now where it failed before. Undefined when it cannot be read.
   */
  buildIdentity(): Promise<string | undefined> {
    this.identity ??= this.adminSql()
      .then(async (sql) => {
        const [row] = await sql.unsafe<{ identity: unknown }[]>(SERVER_IDENTITY_SQL)
        return createHash('sha256')
          .update(JSON.stringify([this.description, process.env[SUPERUSER_MIGRATIONS_VARIABLE] === '1', row?.identity]))
          .digest('hex')
      })
      .catch(() => undefined)
    return this.identity
  }

  private adminConnecting?: Promise<Sql>
  private forgetInterrupt?: () => void
  /** The connection to the URL's own database, for CREATE/DROP DATABASE only (opened once, even when raced). */
  private async adminSql(): Promise<Sql> {
    if (this.admin) return this.admin
    if (this.disposed) throw new DatabaseUnavailableError('interrupted: the throwaway databases were dropped')
    this.adminConnecting ??= (async () => {
      const sql = connect(this.url, this.socketDir, ADMIN_POOL_SIZE)
      try {
        // Two connections opened now, while the event loop is free: warm() sends its CREATE DATABASE on them
        // before the schemas load (synchronous work during which no connection could finish its handshake).
        await answeredInTime(sql, Promise.all([sql.unsafe('select 1'), sql.unsafe('select 1')]))
      } catch (error) {
        await sql.end({ timeout: 0 }).catch(() => undefined)
        throw new DatabaseUnavailableError(`cannot connect to ${maskUrl(this.url)}: ${describe(error)}`)
      }
      if (this.disposed) {
        // dispose() ran while this connection was being opened (a config that failed to load): nothing was sent.
        await sql.end({ timeout: 0 }).catch(() => undefined)
        throw new DatabaseUnavailableError('interrupted: the throwaway databases were dropped')
      }
      this.admin = sql
      this.forgetInterrupt = onInterrupt(
        () => this.dispose(true),
        () => this.objects.left()
      )
      return sql
    })()
    return this.adminConnecting
  }

  private owning?: Promise<OwnerDecision>
  private leftovers?: RemovedLeftovers
  /**
   * The role the migrations run as (created once, before the first database, which it owns), after the leftovers
   * of dead runs are removed: a role one of them left would otherwise be taken for one that was there before.
   */
  private ownerDecision(): Promise<OwnerDecision> {
    this.owning ??= this.adminSql().then(async (admin) => {
      this.leftovers = await removeDeadRunLeftovers(admin)
      try {
        const decision = await createOwnerRole(admin, this.runId)
        if ('role' in decision) this.objects.owner = decision.role.name
        return decision
      } catch (error) {
        throw new DatabaseUnavailableError(
          `cannot create the run's owner role on ${maskUrl(this.url)}: ${describe(error)}`
        )
      }
    })
    return this.owning
  }

  private ownerRole(): Promise<OwnerRole | undefined> {
    return this.ownerDecision().then((d) => ('role' in d ? d.role : undefined))
  }

  /** Set when the owner role could not log in (pg_hba): the sessions then SET ROLE to it, which SQL can undo. */
  private loginRefused?: string

  async notes(): Promise<string[]> {
    const decision = this.owning ? await this.owning.catch(() => undefined) : undefined
    const note = this.leftovers && leftoversNote(this.leftovers)
    return [...(note ? [note] : []), ...ownerNotes(decision, this.loginRefused)]
  }
  async availableExtensions(): Promise<Set<string>> {
    const admin = await this.adminSql()
    const rows = await admin.unsafe<{ name: string }[]>('select name from pg_available_extensions')
    return new Set(rows.map((r) => r.name))
  }

  async serverVersion(): Promise<string> {
    if (this.version) return this.version
    const admin = await this.adminSql()
    const [row] = await admin.unsafe<{ v: string }[]>("select current_setting('server_version') as v")
    this.version = `PostgreSQL ${row.v} (${this.description})`
    return this.version
  }

  /**
   * Starts creating databases for these labels, up to the provider's concurrency, and resolves once the first
   * CREATE DATABASE is on the wire: the server then works while this process loads the schemas (synchronous work,
   * during which no connection could even finish its handshake). Errors are reported by createDatabase().
   */
  async warm(labels: string[]): Promise<void> {
    // Once: the CLI's entry point may have warmed this provider before the engine asks again.
    if (this.disposed || labels.length === 0 || this.databases > 0) return
    for (const label of labels.slice(0, this.concurrency)) this.grow(label)
    // A local server answers in a few milliseconds; a slow or unreachable one must not hold the run (its error comes
    // from createDatabase, after the config has been read).
    let waited: NodeJS.Timeout | undefined
    // The server's state is read on the admin connection while the schemas load (the schema's database kept between
    // runs is looked up by it).
    if (this.admin) void this.buildIdentity()
    await Promise.race([
      this.adminSql().catch(() => undefined),
      new Promise<void>((resolve) => (waited = setTimeout(resolve, 100)))
    ])
    clearTimeout(waited)
    // postgres.js writes a query from a setImmediate callback a few microtasks after it is asked to run: two turns
    // of the event loop see it sent.
    for (let turn = 0; turn < 2; turn++) await new Promise<void>((resolve) => setImmediate(resolve))
  }

  /** Databases created or being created, in use or not. */
  private databases = 0
  /** CREATE DATABASE statements queued or running. */
  private pendingCreates = 0
  /** Databases ready for the next createDatabase(): new ones, and returned ones (with rolesBefore: to reset). */
  private readonly pool: Pooled[] = []
  /** createDatabase() calls waiting for a database. */
  private readonly waiting: { take: (database: Pooled) => void; fail: (error: Error) => void }[] = []
  /** The CREATE DATABASE statements, one after the other: run at once, they only wait for each other's disk flush. */
  private createChain: Promise<unknown> = Promise.resolve()
  /** The CREATE DATABASE running now, cancelled by dispose(): a database nobody will use is not waited for. */
  private creating?: { cancel(): unknown }

  /** Hands a database to the oldest waiting createDatabase(), or keeps it for the next. */
  private offer(database: Pooled): void {
    const waiter = this.waiting.shift()
    if (waiter) waiter.take(database)
    else this.pool.push(database)
  }

  /** Creates one more database, after those being created. */
  private grow(label: string): void {
    this.databases++
    this.pendingCreates++
    const next = this.createChain.then(async () => {
      try {
        const name = await this.createNamedDatabase(label)
        if (this.disposed) return // committed just before the cancel: in `objects`, dropped by dispose()
        this.offer({ name, sql: connect(withDatabase(this.url, name), this.socketDir, 1, true) })
      } catch (error) {
        this.databases--
        // The error goes to one waiter; with no database left to wait for, to all of them.
        const failed = this.databases === 0 ? this.waiting.splice(0) : this.waiting.splice(0, 1)
        for (const waiter of failed) waiter.fail(error as Error)
      } finally {
        this.pendingCreates--
      }
    })
    this.createChain = next
  }

  private async createNamedDatabase(label: string): Promise<string> {
    const admin = await this.adminSql()
    // dispose() may have run while the connection was being opened: nothing is created after it.
    if (this.disposed) throw new DatabaseUnavailableError('interrupted: the throwaway databases were dropped')
    const safeLabel = label
      .toLowerCase()
      .replace(/[^a-z0-9_]/g, '_')
      .slice(0, 30)
    const name = `${this.runId}_${++this.counter}_${safeLabel}`.slice(0, 63)
    const owner = await this.ownerRole()
    if (this.disposed) throw new DatabaseUnavailableError('interrupted: the throwaway databases were dropped')
    try {
      const query = admin.unsafe(
        `create database "${name}"${owner ? ` owner ${quoteIdentifier(owner.name)}` : ''} template template0`
      )
      this.creating = query
      await query
    } catch (error) {
      if (this.disposed) throw new DatabaseUnavailableError('interrupted: the throwaway databases were dropped')
      throw new DatabaseUnavailableError(`cannot create a database on ${maskUrl(this.url)}: ${describe(error)}`)
    } finally {
      this.creating = undefined
    }
    this.objects.databases.add(name)
    return name
  }

  /** A database for the caller: a new one, or one returned after use, reset. Waits while all are in use. */
  private async take(label: string): Promise<Pooled> {
    for (;;) {
      if (this.disposed) throw new DatabaseUnavailableError('interrupted: the throwaway databases were dropped')
      // A new database first: it needs no reset.
      const fresh = this.pool.findIndex((p) => !p.rolesBefore)
      let database = fresh >= 0 ? this.pool.splice(fresh, 1)[0] : this.pool.shift()
      if (!database) {
        // A new database for each waiter that no CREATE DATABASE already queued will serve; the waiter takes
        // whichever comes first, that one or a database returned after use. Never a fixed cap: the engine may
        // hold databases while it waits (a migrated database waits for the schema's), and a cap could deadlock.
        if (this.pendingCreates <= this.waiting.length) this.grow(label)
        database = await new Promise<Pooled>((take, fail) => this.waiting.push({ take, fail }))
      }
      if (!database.rolesBefore) return database
      // Reset when taken rather than when returned: the last use of each database is never reset.
      const reset = await resetDatabase(sessionOf(database.sql), database.rolesBefore, false).catch(() => false)
      if (this.disposed) {
        // dispose() ran during the reset: this session was in neither the pool nor the sessions it closed.
        await database.sql.end({ timeout: 0 }).catch(() => undefined)
        throw new DatabaseUnavailableError('interrupted: the throwaway databases were dropped')
      }
      if (reset) return { name: database.name, sql: database.sql }
      // Not reusable: dropped in dispose(); another may be created in its place.
      await database.sql.end({ timeout: 5 }).catch(() => undefined)
      this.databases--
    }
  }

  async createDatabase(label: string, options?: DatabaseOptions): Promise<Database> {
    const { name, sql: adminSession } = await this.take(label)
    this.sessions.add(adminSession)
    withArrayTypes(adminSession, await arrayTypesOf(this.url, this.socketDir))
    const rolesBefore = await this.roles()
    const owner = await this.ownerRole()
    /** Roles this database's own SQL created (a second CREATE ROLE of one of them fails, as on its own server). */
    const rolesCreatedHere = new Set<string>()
    /** Roles made for its owner role beforehand, which cannot create roles (before PostgreSQL 16). */
    const madeBeforehand = new Set<string>()
    if (owner && !owner.createRole && options?.roles?.length) {
      const roles = options.roles.filter((r) => !rolesBefore.has(r))
      for (const role of await precreateRoles(await this.adminSql(), owner, roles)) this.createdRoles.created.add(role)
      for (const role of roles) madeBeforehand.add(role)
    }
    /** The session SQL runs on: the URL's user's until dropPrivileges(), then the owner role's. */
    let sql = adminSession
    let ownerSession: Sql | undefined
    let setRole = false
    const release = async (): Promise<void> => {
      if (!this.sessions.delete(adminSession)) return
      if (ownerSession) {
        this.sessions.delete(ownerSession)
        // No query of ours runs on it now; a short wait: end() never resolves for a connection the server terminated.
        await ownerSession.end({ timeout: 1 }).catch(() => undefined)
      }
      // Back to the URL's user before anything else runs on the session (the reset drops what the setup made).
      if (setRole)
        await adminSession
          .unsafe('rollback; reset role')
          .simple()
          .catch(() => undefined)
      if (!this.disposed) this.offer({ name, sql: adminSession, rolesBefore })
      else await adminSession.end({ timeout: 1 }).catch(() => undefined)
    }
    const rewrite = (role: string): RoleCreationRewrite => {
      const fresh = !rolesBefore.has(role) && !rolesCreatedHere.has(role)
      if (sql === adminSession || !owner || owner.createRole) return fresh ? 'tolerate' : 'run'
      // The owner role may not create roles: Postgres would say "permission denied" before "already exists".
      if (!fresh) return 'exists'
      return madeBeforehand.has(role) ? 'skip' : 'run'
    }
    return {
      label,
      query: async <T>(text: string, params?: unknown[]): Promise<T[]> => {
        return (await this.createdRoles.tracking(sql, text, () =>
          sql.unsafe(text, (params ?? []) as never[])
        )) as unknown as T[]
      },
      exec: async (text: string): Promise<void> => {
        // Each database runs as if it had a server of its own: a CREATE ROLE of a role that was not on the server
        // before the run, and that this database has not created yet, succeeds even when another database of the
        // run created it first, or is creating it right now (the check reports the clash as cross_database_role).
        let run = rewritingRoleCreations(text, rewrite)
        if (sql !== adminSession && owner && !owner.createRole)
          run = rewritingRoleCreationsInDoBlocks(run, (role) =>
            rolesBefore.has(role) ? 'exists' : madeBeforehand.has(role) ? 'skip' : 'run'
          )
        for (const role of rolesCreatedIn(text)) rolesCreatedHere.add(role)
        await this.createdRoles.tracking(sql, text, () => sql.unsafe(run).simple())
      },
      dropPrivileges: async (): Promise<string | undefined> => {
        if (!owner) return undefined
        if (sql !== adminSession || setRole) return owner.name
        // What the setup made (schemas, tables, functions), the platform's: the owner role may use it, as an
        // application role may use a hosted Postgres's.
        const schemas = await adminSession.unsafe<{ name: string }[]>(
          `select nspname as name from pg_namespace where ${userSchemaCondition('nspname')}`
        )
        if (schemas.length)
          await adminSession
            .unsafe(
              grantSetupObjectsSql(
                owner.name,
                schemas.map((s) => s.name)
              )
            )
            .simple()
        ownerSession = await this.ownerSession(name, owner)
        if (ownerSession) {
          this.sessions.add(ownerSession)
          sql = ownerSession
        } else {
          await adminSession.unsafe(`set role ${quoteIdentifier(owner.name)}`)
          setRole = true
        }
        return owner.name
      },
      serve: () => this.serve(name, ownerSession ? owner : undefined),
      close: release
    }
  }

  /** A session as the owner role; undefined once its login was refused (the caller then falls back to SET ROLE). */
  private async ownerSession(name: string, owner: OwnerRole): Promise<Sql | undefined> {
    if (this.loginRefused) return undefined
    const session = await connectAsOwner(this.url, this.socketDir, name, owner)
    if (!('refused' in session)) return session
    this.loginRefused = session.refused
    return undefined
  }

  /** One of this run's databases for another process (as the owner role when the migrations ran as it). */
  private serve(name: string, owner?: OwnerRole): Promise<ServedDatabase> {
    return serveDatabase(this.url, this.socketDir, name, owner)
  }

  private rolesCache?: Promise<Set<string>>
  /** Roles on the server before any migration ran (a migration that creates one makes its database not reusable). */
  private roles(): Promise<Set<string>> {
    this.rolesCache ??= this.adminSql().then(
      async (admin) =>
        new Set((await admin.unsafe<{ rolname: string }[]>('select rolname from pg_roles')).map((r) => r.rolname))
    )
    return this.rolesCache
  }

  private disposing?: Promise<void>
  /** Resolved when a signal arrives during the cleanup: what it still waits for (sessions ending) is cut short. */
  private cutShort = (): void => undefined
  private readonly cut = new Promise<void>((resolve) => (this.cutShort = resolve))
  private interrupted = false
  /**
   * Drops every database created. Called from the signal handler and from the normal end of a run, possibly at
   * the same time: the second call waits for the first instead of closing the connection under its DROPs, and a
   * signal during the normal end's cleanup makes it stop waiting for sessions to end (the DROPs still run).
   * @param interrupted the process is being stopped: cut running queries instead of waiting for them
   */
  dispose(interrupted = false): Promise<void> {
    if (interrupted && !this.interrupted) {
      this.interrupted = true
      this.cutShort()
      this.creating?.cancel()
    }
    this.disposing ??= this.disposeOnce()
    return this.disposing
  }

  /** What is still on the server: databases and roles not dropped (yet), for a message. */
  notRemoved(): string[] {
    return this.objects.left()
  }

  /** Waits for this, or less once a signal arrived during the cleanup. */
  private unlessCut(work: Promise<unknown>): Promise<unknown> {
    return Promise.race([work, this.cut])
  }

  private async disposeOnce(): Promise<void> {
    this.disposed = true
    // Nothing more will be created or handed out: the CREATE DATABASE running is cancelled (if it still commits,
    // its database is in `objects` once the chain settles, and dropped below).
    for (const waiter of this.waiting.splice(0))
      waiter.fail(new DatabaseUnavailableError('interrupted: the throwaway databases were dropped'))
    // Cancelled only when the process is being stopped: postgres.js's cancel can reject unhandled when the server
    // is gone; at a normal end the create is waited for (< 0.2 s) and its database dropped.
    if (this.interrupted) this.creating?.cancel()
    const sessions = [...this.sessions, ...this.pool.map((p) => p.sql)]
    this.sessions.clear()
    this.pool.length = 0
    // A short wait (what still runs there is dropped with its database), cut by a signal: end() never resolves for a
    // connection the server terminated. DROP … WITH (FORCE) ends what is still connected.
    const timeout = this.interrupted ? 0 : 1
    await this.unlessCut(Promise.allSettled(sessions.map((s) => s.end({ timeout }))))
    // A connection still being opened is not waited for (a slow server must not delay the end of a run): once open
    // it sees `disposed`, closes and sends nothing. Without a connection no database was created.
    const admin = this.admin
    if (!admin) return
    await this.unlessCut(this.createChain)
    // A run cut short by a signal may have been stopped between a statement and the check after it: then a role that
    // our SQL names and that appeared during the run is taken for ours, as the best guess left.
    const before = this.rolesCache ? await this.rolesCache.catch(() => undefined) : undefined
    if (this.interrupted && before) {
      const now = await admin.unsafe<{ rolname: string }[]>('select rolname from pg_roles').catch(() => [])
      for (const { rolname } of now)
        if (!before.has(rolname) && this.createdRoles.named.has(rolname)) this.createdRoles.created.add(rolname)
    }
    for (const role of this.createdRoles.created) this.objects.roles.add(role)
    this.createdRoles.created.clear()
    await this.objects.drop(admin)
    this.admin = undefined
    this.adminConnecting = undefined
    this.forgetInterrupt?.()
    await this.unlessCut(admin.end({ timeout: this.interrupted ? 0 : 1 }).catch(() => undefined))
  }
}

/**
 * The server's state that a schema's database built on it depends on (see buildIdentity): one JSON value. Roles of
 * runs (dg_*) are left out: they come and go with every run and no migration names them. Settings set by the
 * server's configuration (not by a session) are summed up in a digest.
 */
const SERVER_IDENTITY_SQL = `select json_build_object(
  'version', current_setting('server_version_num'),
  'user', (select json_build_object('name', rolname, 'super', rolsuper, 'createrole', rolcreaterole,
      'createdb', rolcreatedb, 'bypassrls', rolbypassrls) from pg_roles where rolname = current_user),
  'memberships', (select coalesce(json_agg(r.rolname order by r.rolname), '[]') from pg_auth_members m
      join pg_roles r on r.oid = m.roleid join pg_roles u on u.oid = m.member where u.rolname = current_user),
  'roles', (select coalesce(json_agg(json_build_array(rolname, rolsuper, rolinherit, rolcanlogin, rolbypassrls)
      order by rolname), '[]') from pg_roles where not starts_with(rolname, 'dg_')),
  'extensions', (select coalesce(json_agg(json_build_array(name, default_version) order by name), '[]')
      from pg_available_extensions),
  'template', (select json_build_array(pg_encoding_to_char(encoding), datcollate, datctype) from pg_database
      where datname = 'template0'),
  'settings', (select md5(coalesce(string_agg(name || '=' || setting, ',' order by name), '')) from pg_settings
      where source not in ('default', 'client', 'session', 'override', 'database', 'interactive')),
  'roleSettings', (select coalesce(json_agg(setconfig::text order by setconfig::text), '[]') from pg_db_role_setting
      where setdatabase = 0)
) as identity`
