// The explanation tree (explainDifference) on a hand-made ExplainContext: the schema source, drizzle-kit's snapshots
// and the migrations' SQL are built in memory, so each branch of the tree is reached in milliseconds, without a
// database or a file. The end-to-end tests (causes-*.test.ts) reach the same causes from real projects.
import { index, integer, pgEnum, pgSequence, pgTable, text } from 'drizzle-orm/pg-core'
import { SchemaDifference } from '../src/diff/diff-schemas'
import { ExplainContext, defaultSeverity, explainDifference } from '../src/explain/explain-difference'
import { fixSql } from '../src/explain/fix-sql'
import { enumOrderCause } from '../src/explain/enum-history'
import { changedAfterSnapshot, introducedBy, recordedSnapshots, removedIn } from '../src/explain/snapshot-history'
import { findStatement, lineRanges, lostAfter, notApplied } from '../src/explain/statement-search'
import { Migration, splitStatements } from '../src/migrations/folder'
import { DatabaseModel, TableModel } from '../src/model/types'
import { PgSnapshot, SnapshotTable } from '../src/schema/drizzle-kit'
import { DdlEntity, V1Snapshot } from '../src/explain/snapshot-types'
import { SourceIndex } from '../src/schema/source-index'

const ROOT = '/repo'
const GENERATE = 'npx drizzle-kit generate'

// The schema module as drizzle-orm builds it, and its source text (the lines the declarations point at).
const mood = pgEnum('mood', ['sad', 'ok', 'happy'])
const users = pgTable(
  'users',
  { id: integer('id').primaryKey(), email: text('email').notNull(), nick: text('nick'), feeling: mood('feeling') },
  (t) => [index('users_email_idx').on(t.email)]
)
const counter = pgSequence('counter')
const SCHEMA_FILE = `${ROOT}/src/schema.ts`
const SCHEMA_SOURCE = [
  "import { index, integer, pgEnum, pgSequence, pgTable, text } from 'drizzle-orm/pg-core'",
  '',
  "export const mood = pgEnum('mood', ['sad', 'ok', 'happy'])", // 3
  '',
  'export const users = pgTable(', // 5
  "  'users',",
  '  {',
  "    id: integer('id').primaryKey(),", // 8
  "    email: text('email').notNull(),", // 9
  "    nick: text('nick'),", // 10
  "    feeling: mood('feeling')", // 11
  '  },',
  "  (t) => [index('users_email_idx').on(t.email)]", // 13
  ')',
  '',
  "export const counter = pgSequence('counter')" // 16
].join('\n')

/** The real SourceIndex over the real drizzle objects, its source text given in memory instead of read from disk. */
function sources(): SourceIndex {
  const index = new SourceIndex(ROOT, { mood, users, counter }, [SCHEMA_FILE])
  ;(index as unknown as { texts: Map<string, string[]> }).texts.set(SCHEMA_FILE, SCHEMA_SOURCE.split('\n'))
  return index
}

// drizzle-kit 0.x (version 7) snapshots of that schema.
function usersTable(): SnapshotTable {
  return {
    name: 'users',
    schema: '',
    columns: {
      id: { name: 'id', type: 'integer', primaryKey: true, notNull: true },
      email: { name: 'email', type: 'text', primaryKey: false, notNull: true },
      nick: { name: 'nick', type: 'text', primaryKey: false, notNull: false },
      feeling: { name: 'feeling', type: 'mood', typeSchema: 'public', primaryKey: false, notNull: false }
    },
    indexes: {
      users_email_idx: {
        name: 'users_email_idx',
        columns: [{ expression: 'email', isExpression: false }],
        isUnique: false,
        concurrently: false,
        method: 'btree',
        with: {}
      }
    },
    foreignKeys: {},
    compositePrimaryKeys: {},
    uniqueConstraints: {},
    policies: {},
    checkConstraints: {},
    isRLSEnabled: false
  }
}

/** The snapshot of the whole schema, changed by `edit` (to make an older or newer one). */
function snapshot(edit: (s: PgSnapshot) => void = () => undefined): PgSnapshot {
  const s: PgSnapshot = {
    id: 'x',
    prevId: 'y',
    version: '7',
    dialect: 'postgresql',
    tables: { 'public.users': usersTable() },
    enums: { 'public.mood': { name: 'mood', schema: 'public', values: ['sad', 'ok', 'happy'] } },
    schemas: {},
    sequences: { 'public.counter': { name: 'counter', schema: 'public', increment: '1' } },
    views: {}
  }
  edit(s)
  return s
}

const INIT_SQL = [
  "CREATE TYPE \"public\".\"mood\" AS ENUM('sad', 'ok', 'happy');--> statement-breakpoint", // 1
  'CREATE SEQUENCE "public"."counter" INCREMENT BY 1;--> statement-breakpoint', // 2
  'CREATE TABLE "users" (', // 3
  '\t"id" integer PRIMARY KEY NOT NULL,', // 4
  '\t"email" text NOT NULL,', // 5
  '\t"nick" text,', // 6
  '\t"feeling" "mood"', // 7
  ');', // 8
  '--> statement-breakpoint', // 9
  'CREATE INDEX "users_email_idx" ON "users" USING btree ("email");' // 10
].join('\n')

/** A migration of the 0.x layout; sql undefined: its file is missing; snapshot false: no snapshot file either. */
function migration(idx: number, name: string, sql: string | undefined, hasSnapshot = true): Migration {
  const tag = `000${idx}_${name}`
  return {
    idx,
    tag,
    when: 1700000000000 + idx,
    file: `${ROOT}/drizzle/${tag}.sql`,
    sql,
    statements: sql === undefined ? [] : splitStatements(sql),
    breakpoints: true,
    ...(hasSnapshot ? { snapshotFile: `${ROOT}/drizzle/meta/000${idx}_snapshot.json` } : {})
  }
}

/** The expected database (the schema's), for the fix SQL. */
function expectedModel(): DatabaseModel {
  const table: TableModel = {
    schema: 'public',
    name: 'users',
    columns: new Map([
      ['id', { name: 'id', position: 1, type: 'integer', notNull: true }],
      ['email', { name: 'email', position: 2, type: 'text', notNull: true }],
      ['nick', { name: 'nick', position: 3, type: 'text', notNull: false }],
      ['feeling', { name: 'feeling', position: 4, type: 'mood', notNull: false }]
    ]),
    constraints: new Map([
      ['users_pkey', { name: 'users_pkey', kind: 'primary_key', columns: ['id'], definition: 'PRIMARY KEY (id)' }]
    ]),
    indexes: new Map([
      [
        'users_email_idx',
        {
          name: 'users_email_idx',
          unique: false,
          method: 'btree',
          keys: ['email'],
          definition: 'CREATE INDEX ON public.users USING btree (email)'
        }
      ]
    ]),
    policies: new Map(),
    rlsEnabled: false
  }
  return {
    schemas: new Set(['public']),
    tables: new Map([['public.users', table]]),
    enums: new Map([['public.mood', { schema: 'public', name: 'mood', values: ['sad', 'ok', 'happy'] }]]),
    sequences: new Map(),
    views: new Map(),
    extensions: new Set()
  }
}

/** A context: migrations with their snapshots (undefined: none), the schema's own snapshot, pending/stoppedAt. */
function context(history: [Migration, PgSnapshot | undefined][], extra: Partial<ExplainContext> = {}): ExplainContext {
  return {
    root: ROOT,
    target: 'app',
    sources: sources(),
    schemaSnapshot: snapshot(),
    snapshots: history.map(([m, s]) => (s ? { migration: m, snapshot: s } : { migration: m })),
    migrations: history.map(([m]) => m),
    expected: expectedModel(),
    generateCommand: GENERATE,
    ...extra
  }
}

const withoutNick = (s: PgSnapshot): void => {
  delete s.tables['public.users'].columns.nick
}
const INIT_WITHOUT_NICK = INIT_SQL.replace('\t"nick" text,\n', '')

const nickMissing: SchemaDifference = {
  kind: 'missing_column',
  schema: 'public',
  table: 'users',
  column: 'nick',
  expected: 'text',
  message: 'column users.nick does not exist'
}

describe('explainDifference: missing objects', () => {
  test('no usable snapshot: drizzle-kit never recorded it', () => {
    const init = migration(0, 'init', INIT_WITHOUT_NICK, false)
    expect(explainDifference(nickMissing, context([[init, undefined]]))).toEqual({
      kind: 'missing_column',
      target: 'app',
      schema: 'public',
      table: 'users',
      column: 'nick',
      message: 'column users.nick does not exist',
      file: 'src/schema.ts',
      line: 10,
      cause:
        'declared at src/schema.ts:10; the migrations folder has no usable snapshot, so drizzle-kit never recorded it: run npx drizzle-kit generate',
      fix: 'ALTER TABLE "users" ADD COLUMN "nick" text;'
    })
  })

  test('added to the schema after the last snapshot: no migration generated (and the lost journal entries named)', () => {
    const init = migration(0, 'init', INIT_WITHOUT_NICK)
    expect(explainDifference(nickMissing, context([[init, snapshot(withoutNick)]])).cause).toBe(
      'declared at src/schema.ts:10, added to the schema after the last snapshot (0000_init): no migration was generated for it. Run npx drizzle-kit generate'
    )
    const lost = migration(1, 'lost', undefined, false)
    expect(
      explainDifference(
        nickMissing,
        context([
          [init, snapshot(withoutNick)],
          [lost, undefined]
        ])
      ).cause
    ).toBe(
      'declared at src/schema.ts:10, added to the schema after the last snapshot (0000_init): no migration was generated for it' +
        ', or it is in 0001_lost (after the last snapshot), whose SQL file and snapshot are missing: restore them, or remove the entry from the journal' +
        '. Run npx drizzle-kit generate'
    )
  })

  test('recorded, but its migration is pending on this database (audit)', () => {
    const init = migration(0, 'init', INIT_WITHOUT_NICK, true)
    const add = migration(1, 'add_nick', 'ALTER TABLE "users" ADD COLUMN "nick" text;')
    const ctx = context(
      [
        [init, snapshot(withoutNick)],
        [add, snapshot()]
      ],
      { pending: new Set(['0001_add_nick']) }
    )
    expect(explainDifference(nickMissing, ctx).cause).toBe(
      'declared at src/schema.ts:10; created by drizzle/0001_add_nick.sql, which this database has not applied yet (pending)'
    )
  })

  test('recorded, but its migration was not applied: the check stopped at a missing SQL file', () => {
    const init = migration(0, 'init', INIT_WITHOUT_NICK)
    const gone = migration(1, 'gone', undefined)
    const add = migration(2, 'add_nick', 'ALTER TABLE "users" ADD COLUMN "nick" text;')
    const history: [Migration, PgSnapshot | undefined][] = [
      [init, snapshot(withoutNick)],
      [gone, snapshot(withoutNick)],
      [add, snapshot()]
    ]
    expect(explainDifference(nickMissing, context(history, { stoppedAt: gone })).cause).toBe(
      "declared at src/schema.ts:10; created by drizzle/0002_add_nick.sql:1, which was not applied: drizzle's migrator applies no migration while 0001_gone's SQL file is missing, and the check stops there"
    )
    // The migration that records it is the one whose file is missing.
    const history2: [Migration, PgSnapshot | undefined][] = [
      [init, snapshot(withoutNick)],
      [migration(1, 'add_nick', undefined), snapshot()]
    ]
    expect(explainDifference(nickMissing, context(history2, { stoppedAt: history2[1][0] })).cause).toBe(
      'declared at src/schema.ts:10; created by 0001_add_nick, whose SQL file is missing'
    )
  })

  test('recorded and created, then dropped by SQL the snapshots do not record', () => {
    const init = migration(0, 'init', INIT_SQL)
    const drop = migration(1, 'hand', 'SELECT 1;\n--> statement-breakpoint\nALTER TABLE "users" DROP COLUMN "nick";')
    const finding = explainDifference(
      nickMissing,
      context([
        [init, snapshot()],
        [drop, snapshot()]
      ])
    )
    expect(finding.cause).toBe(
      'declared at src/schema.ts:10; in snapshot 0000_init but dropped by drizzle/0001_hand.sql:3, which the snapshots do not record (hand-written SQL)'
    )
    // The finding points at the declaration, not at the drop.
    expect([finding.file, finding.line]).toEqual(['src/schema.ts', 10])
  })

  test('recorded, but the SQL never created it: edited after generation', () => {
    const init = migration(0, 'init', INIT_WITHOUT_NICK)
    expect(explainDifference(nickMissing, context([[init, snapshot()]])).cause).toBe(
      'declared at src/schema.ts:10; in snapshot 0000_init but not created by drizzle/0000_init.sql: the SQL was edited after generation (or the migration was written by hand)'
    )
  })

  test('the other declarations: an index at its builder call, an enum and a sequence at their exports, a table', () => {
    const init = migration(0, 'init', 'SELECT 1;')
    const ctx = context([[init, undefined]])
    const at = (d: Partial<SchemaDifference>): [string | undefined, number | undefined] => {
      const f = explainDifference({ schema: 'public', message: 'm', ...d } as SchemaDifference, ctx)
      return [f.file, f.line]
    }
    expect(at({ kind: 'missing_index', table: 'users', name: 'users_email_idx', columns: ['email'] })).toEqual([
      'src/schema.ts',
      13
    ])
    expect(at({ kind: 'missing_enum', name: 'mood' })).toEqual(['src/schema.ts', 3])
    expect(at({ kind: 'missing_sequence', name: 'counter' })).toEqual(['src/schema.ts', 16])
    expect(at({ kind: 'missing_table', table: 'users' })).toEqual(['src/schema.ts', 5])
    // Nothing in the source declares it: no file, and the cause says "declared in the schema".
    const f = explainDifference({ kind: 'missing_schema', schema: 'app', name: 'app', message: 'm' }, ctx)
    expect(f).toEqual({
      kind: 'missing_schema',
      target: 'app',
      schema: 'app',
      name: 'app',
      message: 'm',
      cause:
        'declared in the schema; the migrations folder has no usable snapshot, so drizzle-kit never recorded it: run npx drizzle-kit generate',
      fix: 'CREATE SCHEMA "app";'
    })
  })
})

describe('explainDifference: extra objects', () => {
  const legacy: SchemaDifference = {
    kind: 'extra_table',
    schema: 'public',
    table: 'legacy',
    message: 'table legacy is not declared in the schema'
  }
  const withLegacy = (s: PgSnapshot): void => {
    s.tables['public.legacy'] = { ...usersTable(), name: 'legacy', indexes: {} }
  }
  const CREATE_LEGACY = 'CREATE TABLE "legacy" (\n\t"id" integer\n);'

  test('removed from the schema after the last snapshot: no migration generated to drop it', () => {
    const init = migration(0, 'init', `${INIT_SQL}\n--> statement-breakpoint\n${CREATE_LEGACY}`)
    expect(explainDifference(legacy, context([[init, snapshot(withLegacy)]]))).toEqual({
      kind: 'extra_table',
      target: 'app',
      schema: 'public',
      table: 'legacy',
      message: 'table legacy is not declared in the schema',
      file: 'drizzle/0000_init.sql',
      line: 12,
      cause:
        'removed from the schema after the last snapshot (0000_init): no migration was generated to drop it. Run npx drizzle-kit generate',
      fix: 'DROP TABLE "legacy";'
    })
  })

  test('removed from the schema in a migration whose SQL does not drop it', () => {
    const init = migration(0, 'init', `${INIT_SQL}\n--> statement-breakpoint\n${CREATE_LEGACY}`)
    const removal = migration(1, 'remove_legacy', 'SELECT 1;')
    const finding = explainDifference(
      legacy,
      context([
        [init, snapshot(withLegacy)],
        [removal, snapshot()]
      ])
    )
    expect(finding.cause).toBe(
      'created by drizzle/0000_init.sql:12, then removed from the schema in 0001_remove_legacy, whose SQL does not drop it. drizzle-kit generate will not drop it (the snapshots already lack it): drop it in a migration, or declare it in the schema again'
    )
    expect([finding.file, finding.line]).toEqual(['drizzle/0000_init.sql', 12])
  })

  test('removed from the schema in a migration the check did not apply', () => {
    const init = migration(0, 'init', INIT_SQL)
    const gone = migration(1, 'gone', undefined)
    const removal = migration(2, 'remove_legacy', 'DROP TABLE "legacy";')
    const finding = explainDifference(
      legacy,
      context(
        [
          [init, snapshot(withLegacy)],
          [gone, snapshot(withLegacy)],
          [removal, snapshot()]
        ],
        { stoppedAt: gone }
      )
    )
    // Nothing in the SQL creates it (the init SQL here does not): the cause starts with the removal.
    expect(finding.cause).toBe(
      "removed from the schema in 0002_remove_legacy, which was not applied: drizzle's migrator applies no migration while 0001_gone's SQL file is missing, and the check stops there. drizzle-kit generate will not drop it (the snapshots already lack it): drop it in a migration, or declare it in the schema again"
    )
    expect(finding.file).toBeUndefined()
  })

  test('removed from the schema, then created again by hand-written SQL', () => {
    const init = migration(0, 'init', `${INIT_SQL}\n--> statement-breakpoint\n${CREATE_LEGACY}`)
    const removal = migration(1, 'remove_legacy', 'DROP TABLE "legacy";')
    const again = migration(2, 'hand', `-- back again\n${CREATE_LEGACY}`)
    const finding = explainDifference(
      legacy,
      context([
        [init, snapshot(withLegacy)],
        [removal, snapshot()],
        [again, snapshot()]
      ])
    )
    expect(finding.cause).toBe(
      'removed from the schema in 0001_remove_legacy, then created again by drizzle/0002_hand.sql:2, which the snapshots do not record (hand-written SQL). Declare it in the schema, or drop it in a migration'
    )
    expect([finding.file, finding.line]).toEqual(['drizzle/0002_hand.sql', 2])
  })

  test('in no snapshot: hand-written SQL, located at the statement that creates it', () => {
    const init = migration(0, 'init', INIT_SQL)
    const hand = migration(1, 'hand', `SELECT 1;\n--> statement-breakpoint\n${CREATE_LEGACY}`)
    const ctx = context([
      [init, snapshot()],
      [hand, snapshot()]
    ])
    expect(explainDifference(legacy, ctx)).toEqual({
      kind: 'extra_table',
      target: 'app',
      schema: 'public',
      table: 'legacy',
      message: 'table legacy is not declared in the schema',
      file: 'drizzle/0001_hand.sql',
      line: 3,
      cause:
        'created by drizzle/0001_hand.sql:3 but declared neither in the schema nor in any snapshot: hand-written SQL. drizzle-kit push would drop it; declare it in the schema, or drop it in a migration',
      fix: 'DROP TABLE "legacy";'
    })
    expect(defaultSeverity(legacy)).toBe('error')
    // Not found in the SQL: "created by the migrations".
    const elsewhere = explainDifference({ ...legacy, table: 'ghost' }, ctx)
    expect(elsewhere.cause).toMatch(/^created by the migrations but declared neither in the schema nor in any snapshot/)
    expect(elsewhere.file).toBeUndefined()
  })

  test('an extra column of a CREATE TABLE is located at its own line', () => {
    const init = migration(0, 'init', INIT_SQL)
    const extraNick: SchemaDifference = {
      kind: 'extra_column',
      schema: 'public',
      table: 'users',
      column: 'nick',
      message: 'm'
    }
    const ctx = context([[init, snapshot(withoutNick)]], { schemaSnapshot: snapshot(withoutNick) })
    expect(explainDifference(extraNick, ctx)).toMatchObject({
      file: 'drizzle/0000_init.sql',
      line: 6,
      cause:
        'created by drizzle/0000_init.sql:6 but declared neither in the schema nor in any snapshot: hand-written SQL. drizzle-kit push would drop it; declare it in the schema, or drop it in a migration',
      fix: 'ALTER TABLE "users" DROP COLUMN "nick";'
    })
  })

  test('an exclusion constraint: hand-written as it must be, a warning, and the fix is to accept it', () => {
    const init = migration(0, 'init', INIT_SQL)
    const hand = migration(
      1,
      'hand',
      'ALTER TABLE "users" ADD CONSTRAINT "no_overlap" EXCLUDE USING gist ("id" WITH =);'
    )
    const exclusion: SchemaDifference = {
      kind: 'extra_constraint',
      schema: 'public',
      table: 'users',
      name: 'no_overlap',
      columns: ['id'],
      constraintKind: 'exclusion',
      actual: 'EXCLUDE USING gist (id WITH =)',
      message: 'm'
    }
    const finding = explainDifference(
      exclusion,
      context([
        [init, snapshot()],
        [hand, snapshot()]
      ])
    )
    expect(finding).toEqual({
      kind: 'extra_constraint',
      target: 'app',
      schema: 'public',
      table: 'users',
      name: 'no_overlap',
      message: 'm',
      file: 'drizzle/0001_hand.sql',
      line: 1,
      cause:
        'created by drizzle/0001_hand.sql:1: hand-written SQL, as it must be, since drizzle cannot declare exclusion (EXCLUDE) constraints. ' +
        "drizzle-kit does not manage it either: generate never drops it, and push's introspection reads only primary key, unique, check and foreign-key constraints (and skips the indexes constraints own), so push leaves it alone",
      fix: 'Keep it, and accept it in drift-guard.config.json: "severity": { "extra_constraint": "notice" } (or "off") on target "app" (this applies to every extra_constraint of the target)'
    })
    expect(defaultSeverity(exclusion)).toBe('warning')
    // Any other undeclared constraint is an error, with the DROP as its fix.
    const check: SchemaDifference = { ...exclusion, name: 'c', constraintKind: 'check' }
    expect(defaultSeverity(check)).toBe('error')
    expect(explainDifference(check, context([[init, snapshot()]])).fix).toBe('ALTER TABLE "users" DROP CONSTRAINT "c";')
  })
})

describe('explainDifference: objects both have, differently', () => {
  const emailNullable: SchemaDifference = {
    kind: 'column_nullability_mismatch',
    schema: 'public',
    table: 'users',
    column: 'email',
    expected: 'NOT NULL',
    actual: 'NULL',
    message: 'column users.email is nullable, the schema says NOT NULL'
  }
  const nullableEmail = (s: PgSnapshot): void => {
    s.tables['public.users'].columns.email.notNull = false
  }

  test('changed in the schema after the last snapshot', () => {
    const init = migration(0, 'init', INIT_SQL.replace('"email" text NOT NULL', '"email" text'))
    expect(explainDifference(emailNullable, context([[init, snapshot(nullableEmail)]]))).toEqual({
      kind: 'column_nullability_mismatch',
      target: 'app',
      schema: 'public',
      table: 'users',
      column: 'email',
      message: 'column users.email is nullable, the schema says NOT NULL',
      file: 'src/schema.ts',
      line: 9,
      cause:
        'declared at src/schema.ts:9, changed after the last snapshot (0000_init): no migration was generated. Run npx drizzle-kit generate',
      fix: 'ALTER TABLE "users" ALTER COLUMN "email" SET NOT NULL; -- fails while rows hold NULL in "email": fill them first (UPDATE "users" SET "email" = … WHERE "email" IS NULL)'
    })
  })

  test('changed by hand-written SQL the snapshots do not record', () => {
    const init = migration(0, 'init', INIT_SQL)
    const hand = migration(1, 'hand', 'ALTER TABLE "users" ALTER COLUMN "email" DROP NOT NULL;')
    expect(
      explainDifference(
        emailNullable,
        context([
          [init, snapshot()],
          [hand, snapshot()]
        ])
      ).cause
    ).toBe(
      'declared at src/schema.ts:9; changed by drizzle/0001_hand.sql:1, which the snapshots do not record (hand-written SQL)'
    )
  })

  test('dropped and created again with another definition', () => {
    const init = migration(0, 'init', INIT_SQL)
    const hand = migration(
      1,
      'hand',
      'DROP TABLE "users";\n--> statement-breakpoint\nCREATE TABLE "users" (\n\t"id" integer,\n\t"email" text\n);'
    )
    expect(
      explainDifference(
        emailNullable,
        context([
          [init, snapshot()],
          [hand, snapshot()]
        ])
      ).cause
    ).toBe(
      'declared at src/schema.ts:9; created nullable by drizzle/0001_hand.sql:5, which the snapshots do not record (hand-written SQL)'
    )
  })

  test('the snapshots agree with the schema: the SQL that built it was edited', () => {
    const init = migration(0, 'init', INIT_SQL.replace('"email" text NOT NULL', '"email" text'))
    expect(explainDifference(emailNullable, context([[init, snapshot()]])).cause).toBe(
      'declared at src/schema.ts:9; the snapshots agree with the schema, so the SQL that built it (drizzle/0000_init.sql:5) differs from what drizzle-kit generated (edited after generation?)'
    )
  })

  test('without snapshots: where it was created, if found', () => {
    const init = migration(0, 'init', INIT_SQL.replace('"email" text NOT NULL', '"email" text'), false)
    expect(explainDifference(emailNullable, context([[init, undefined]])).cause).toBe(
      'declared at src/schema.ts:9; created nullable by drizzle/0000_init.sql:5'
    )
    const elsewhere = migration(0, 'init', 'SELECT 1;', false)
    expect(explainDifference(emailNullable, context([[elsewhere, undefined]])).cause).toBe(
      'declared at src/schema.ts:9'
    )
  })

  test('set by a migration the check did not apply', () => {
    const init = migration(0, 'init', INIT_SQL.replace('"email" text NOT NULL', '"email" text'))
    const gone = migration(1, 'gone', undefined)
    const set = migration(2, 'email_not_null', 'SELECT 1;')
    const history: [Migration, PgSnapshot | undefined][] = [
      [init, snapshot(nullableEmail)],
      [gone, snapshot(nullableEmail)],
      [set, snapshot()]
    ]
    expect(explainDifference(emailNullable, context(history, { stoppedAt: gone })).cause).toBe(
      "declared at src/schema.ts:9; set by 0002_email_not_null, which was not applied: drizzle's migrator applies no migration while 0001_gone's SQL file is missing, and the check stops there"
    )
  })

  test("a hint from the diff is appended to the cause, and a type's fix is SET DATA TYPE", () => {
    const init = migration(0, 'init', INIT_SQL)
    const hand = migration(1, 'hand', 'ALTER TABLE "users" ALTER COLUMN "nick" TYPE varchar(20);')
    const finding = explainDifference(
      {
        kind: 'column_type_mismatch',
        schema: 'public',
        table: 'users',
        column: 'nick',
        expected: 'text',
        actual: 'character varying(20)',
        message: 'm',
        hint: 'a hint.'
      },
      context([
        [init, snapshot()],
        [hand, snapshot()]
      ])
    )
    expect(finding.cause).toBe(
      'declared at src/schema.ts:10; changed by drizzle/0001_hand.sql:1, which the snapshots do not record (hand-written SQL). a hint.'
    )
    expect(finding.fix).toBe('ALTER TABLE "users" ALTER COLUMN "nick" SET DATA TYPE text;')
  })
})

describe('explainDifference: enums', () => {
  const moodOrder: SchemaDifference = {
    kind: 'enum_mismatch',
    schema: 'public',
    name: 'mood',
    expected: 'sad, ok, happy',
    actual: 'sad, happy, ok',
    message: 'enum mood: same values in another order',
    hint: 'the diff hint'
  }
  const twoValues = 'CREATE TYPE "public"."mood" AS ENUM(\'sad\', \'happy\');'

  test('a value appended instead of placed: the statement that added it, and the ADD VALUE … BEFORE that would not', () => {
    const init = migration(0, 'init', twoValues)
    const add = migration(1, 'add_ok', 'ALTER TYPE "public"."mood" ADD VALUE \'ok\';')
    const finding = explainDifference(
      moodOrder,
      context([
        [init, snapshot((s) => (s.enums['public.mood'].values = ['sad', 'happy']))],
        [add, snapshot()]
      ])
    )
    expect(finding).toEqual({
      kind: 'enum_mismatch',
      target: 'app',
      schema: 'public',
      name: 'mood',
      message: 'enum mood: same values in another order',
      file: 'src/schema.ts',
      line: 3,
      cause:
        "declared at src/schema.ts:3; 'ok' added by drizzle/0001_add_ok.sql:1 after 'happy', not the SQL drizzle-kit generates for the schema (edited after generation, or written by hand). " +
        "Postgres keeps enum values in the order they were added; ALTER TYPE mood ADD VALUE 'ok' BEFORE 'happy' would have kept the schema's order. Recreate the type to reorder it."
    })
    // Without snapshots the SQL is hand-written.
    const bare = context([
      [migration(0, 'init', twoValues, false), undefined],
      [migration(1, 'add_ok', 'ALTER TYPE "public"."mood" ADD VALUE \'ok\';', false), undefined]
    ])
    expect(explainDifference(moodOrder, bare).cause).toMatch(
      /^declared at src\/schema\.ts:3; 'ok' added by drizzle\/0001_add_ok\.sql:1 after 'happy', which the snapshots do not record \(hand-written SQL\)\. Postgres keeps/
    )
  })

  test('created in another order: only recreating the type helps', () => {
    const init = migration(0, 'init', "CREATE TYPE \"mood\" AS ENUM('sad', 'happy', 'ok');")
    expect(explainDifference(moodOrder, context([[init, snapshot()]])).cause).toBe(
      'declared at src/schema.ts:3; created by drizzle/0000_init.sql:1 with its values in another order, not the SQL drizzle-kit generates for the schema (edited after generation, or written by hand). ' +
        "Postgres keeps enum values in the order they were created and added. Recreate the type to reorder it, or declare the values in the schema in the database's order (sad, happy, ok)"
    )
  })

  test("a renamed value keeps the old one's place", () => {
    const init = migration(
      0,
      'init',
      "CREATE TYPE \"mood\" AS ENUM('sad', 'meh', 'happy');\n--> statement-breakpoint\nALTER TYPE \"mood\" RENAME VALUE 'happy' TO 'ok';\n--> statement-breakpoint\nALTER TYPE \"mood\" ADD VALUE 'happy';"
    )
    const d: SchemaDifference = { ...moodOrder, actual: 'sad, meh, ok, happy', expected: 'sad, meh, happy, ok' }
    const ctx = context([[init, snapshot((s) => (s.enums['public.mood'].values = ['sad', 'meh', 'happy', 'ok']))]], {
      schemaSnapshot: snapshot((s) => (s.enums['public.mood'].values = ['sad', 'meh', 'happy', 'ok']))
    })
    expect(enumOrderCause(ctx, d, ['sad', 'meh', 'happy', 'ok'])).toEqual({
      cause:
        "'ok' has the place of 'happy': renamed by drizzle/0000_init.sql:3 (RENAME VALUE keeps the position of the old value)",
      hint: "Postgres keeps enum values in the order they were created and added. Recreate the type to reorder it, or declare the values in the schema in the database's order (sad, meh, ok, happy)"
    })
  })

  test('values appended in one run by one file are named together, with their line range', () => {
    const init = migration(0, 'init', 'CREATE TYPE "app"."Mood" AS ENUM(\'a\', \'z\');')
    const add = migration(
      1,
      'add',
      'ALTER TYPE "app"."Mood" ADD VALUE \'b\';--> statement-breakpoint\nALTER TYPE "app"."Mood" ADD VALUE \'c\';'
    )
    const d: SchemaDifference = { ...moodOrder, schema: 'app', name: 'Mood', actual: 'a, z, b, c' }
    expect(
      enumOrderCause(
        context([
          [init, undefined],
          [add, undefined]
        ]),
        d,
        ['a', 'b', 'c', 'z']
      )
    ).toEqual({
      cause: "'b', 'c' added by drizzle/0001_add.sql:1-2 after 'z'",
      hint: "Postgres keeps enum values in the order they were added; ALTER TYPE app.\"Mood\" ADD VALUE 'b' BEFORE 'z', ADD VALUE 'c' BEFORE 'z' would have kept the schema's order. Recreate the type to reorder it."
    })
    // No CREATE TYPE in the SQL: no history to tell.
    expect(enumOrderCause(context([[add, undefined]]), d, ['a', 'b', 'c', 'z'])).toBeUndefined()
    // Dropped and created again in the right order: nothing misplaced.
    const recreate = migration(
      2,
      'recreate',
      'DROP TYPE "app"."Mood";\nCREATE TYPE "app"."Mood" AS ENUM(\'a\', \'b\', \'c\', \'z\');'
    )
    expect(
      enumOrderCause(
        context([
          [init, undefined],
          [add, undefined],
          [recreate, undefined]
        ]),
        d,
        ['a', 'b', 'c', 'z']
      )
    ).toBeUndefined()
  })

  // Was a bug (fixed): enumOrderCause quotes the type's name with a local rule (lower-case
  // letters, digits, _ and $ stay bare) instead of the shared quoteIdentifierIfNeeded, so a type named like a
  // keyword (user, order) gets a hint `ALTER TYPE user ADD VALUE …`, which is a syntax error; diffSchemas' own hint
  // (label() in src/diff/difference.ts) writes "user".
  test('the proposed ALTER TYPE quotes a type named like a keyword', () => {
    const init = migration(0, 'init', "CREATE TYPE \"user\" AS ENUM('a', 'z');")
    const add = migration(1, 'add', 'ALTER TYPE "user" ADD VALUE \'b\';')
    const d: SchemaDifference = { ...moodOrder, name: 'user', actual: 'a, z, b' }
    expect(
      enumOrderCause(
        context([
          [init, undefined],
          [add, undefined]
        ]),
        d,
        ['a', 'b', 'z']
      )?.hint
    ).toBe(
      "Postgres keeps enum values in the order they were added; ALTER TYPE \"user\" ADD VALUE 'b' BEFORE 'z' would have kept the schema's order. Recreate the type to reorder it."
    )
  })

  // Was a bug (fixed): the causes are joined with '. ' and then every '..' in the whole
  // text becomes '.', to drop a doubled full stop; that also rewrites what the cause quotes: an enum value 'v..2'
  // reads 'v.2' (and the ALTER TYPE clause in the hint names a value that does not exist). Only the joints should be
  // collapsed.
  test("a cause keeps a quoted value's '..'", () => {
    const init = migration(0, 'init', 'CREATE TYPE "public"."mood" AS ENUM(\'sad\', \'happy\');', false)
    const add = migration(1, 'add', 'ALTER TYPE "public"."mood" ADD VALUE \'v..2\';', false)
    const d: SchemaDifference = { ...moodOrder, expected: 'sad, v..2, happy', actual: 'sad, happy, v..2' }
    const ctx = context([
      [init, undefined],
      [add, undefined]
    ])
    ctx.schemaSnapshot.enums['public.mood'].values = ['sad', 'v..2', 'happy']
    expect(explainDifference(d, ctx).cause).toContain("ADD VALUE 'v..2' BEFORE 'happy'")
  })

  test("no CREATE TYPE in the SQL to replay: the statement that changed it, and the diff's own hint", () => {
    const add = migration(
      0,
      'add_ok',
      'SELECT 1;\n--> statement-breakpoint\nALTER TYPE "mood" ADD VALUE \'ok\';',
      false
    )
    expect(explainDifference(moodOrder, context([[add, undefined]])).cause).toBe(
      'declared at src/schema.ts:3; changed by drizzle/0000_add_ok.sql:3, which the snapshots do not record (hand-written SQL). the diff hint'
    )
  })

  test('values in another order and the schema changed after the last snapshot: the change is the cause', () => {
    const init = migration(0, 'init', twoValues)
    const add = migration(1, 'add_ok', 'ALTER TYPE "public"."mood" ADD VALUE \'ok\';')
    const older = snapshot((s) => (s.enums['public.mood'].values = ['sad', 'happy', 'ok']))
    expect(
      explainDifference(
        moodOrder,
        context([
          [init, older],
          [add, older]
        ])
      ).cause
    ).toBe(
      'declared at src/schema.ts:3, changed after the last snapshot (0001_add_ok): no migration was generated. the diff hint'
    )
  })

  test('other enum differences: changed after the last snapshot, or a value its snapshot has and its SQL does not add', () => {
    const missingValue: SchemaDifference = {
      kind: 'enum_mismatch',
      schema: 'public',
      name: 'mood',
      expected: 'sad, ok, happy',
      actual: 'sad, ok',
      message: "enum mood: missing value(s) 'happy'"
    }
    const init = migration(0, 'init', 'CREATE TYPE "public"."mood" AS ENUM(\'sad\', \'ok\');')
    const twoInSnapshot = snapshot((s) => (s.enums['public.mood'].values = ['sad', 'ok']))
    expect(explainDifference(missingValue, context([[init, twoInSnapshot]]))).toEqual({
      kind: 'enum_mismatch',
      target: 'app',
      schema: 'public',
      name: 'mood',
      message: "enum mood: missing value(s) 'happy'",
      file: 'src/schema.ts',
      line: 3,
      cause: 'declared at src/schema.ts:3, changed after the last snapshot (0000_init): no migration was generated'
    })
    expect(explainDifference(missingValue, context([[init, snapshot()]])).cause).toBe(
      "declared at src/schema.ts:3; 'happy' is in snapshot 0000_init, but drizzle/0000_init.sql does not add it: the SQL was edited after generation (or written by hand). Add it in a new migration: ALTER TYPE mood ADD VALUE 'happy'"
    )
  })
})

describe('snapshot history and statement search', () => {
  const init = migration(0, 'init', INIT_WITHOUT_NICK)
  const add = migration(1, 'add_nick', 'ALTER TABLE "users" ADD COLUMN "nick" text;')
  const drop = migration(2, 'drop_nick', 'ALTER TABLE "users" DROP COLUMN "nick";')
  const ctx = context([
    [init, snapshot(withoutNick)],
    [add, snapshot()],
    [drop, snapshot(withoutNick)]
  ])

  test('recordedSnapshots: one per usable snapshot, asked by the difference', () => {
    const recorded = recordedSnapshots(ctx)
    expect(recorded.map((r) => [r.migration.tag, r.declares(nickMissing)])).toEqual([
      ['0000_init', false],
      ['0001_add_nick', true],
      ['0002_drop_nick', false]
    ])
    expect(recorded[1].entry(nickMissing)).toBe('{"name":"nick","type":"text"}')
    expect(recorded[0].schemaEntry(nickMissing)).toBe('{"name":"nick","type":"text"}')
    // The same snapshots list gives the same answers object (cached).
    expect(recordedSnapshots(ctx)).toBe(recorded)
  })

  test('removedIn and introducedBy', () => {
    expect(removedIn(ctx, nickMissing)?.tag).toBe('0002_drop_nick')
    expect(removedIn(context([[add, snapshot()]]), nickMissing)).toBeUndefined()
    expect(introducedBy(ctx, nickMissing)?.tag).toBe('0002_drop_nick')
    expect(
      introducedBy(
        context([
          [init, snapshot()],
          [add, snapshot()]
        ]),
        nickMissing
      )?.tag
    ).toBe('0000_init')
    expect(introducedBy(context([]), nickMissing)).toBeUndefined()
  })

  test('changedAfterSnapshot: a column by its record; a named object only when both records exist and differ', () => {
    const [latest] = recordedSnapshots(
      context([[init, snapshot((s) => (s.tables['public.users'].columns.email.notNull = false))]])
    )
    const email = { ...nickMissing, kind: 'column_nullability_mismatch' as const, column: 'email' }
    expect(changedAfterSnapshot(latest, email)).toBe(true)
    expect(changedAfterSnapshot(latest, { ...email, column: 'id' })).toBe(false)
    const idx = {
      kind: 'index_mismatch' as const,
      schema: 'public',
      table: 'users',
      name: 'users_email_idx',
      message: 'm'
    }
    expect(changedAfterSnapshot(latest, idx)).toBe(false)
    const [other] = recordedSnapshots(
      context([[init, snapshot((s) => (s.tables['public.users'].indexes.users_email_idx.method = 'hash'))]])
    )
    expect(changedAfterSnapshot(other, idx)).toBe(true)
    expect(changedAfterSnapshot(other, { ...idx, name: 'nope' })).toBe(false)
    expect(changedAfterSnapshot(other, { ...idx, table: undefined })).toBe(false)
  })

  test('findStatement: create, drop and alter, each the statement for the object that exists now', () => {
    expect(findStatement(ctx, nickMissing, 'create')).toEqual({ file: 'drizzle/0001_add_nick.sql', line: 1 })
    expect(findStatement(ctx, nickMissing, 'drop')).toEqual({ file: 'drizzle/0002_drop_nick.sql', line: 1 })
    expect(findStatement(ctx, nickMissing, 'drop', drop)).toBeUndefined()
    // A comment that names it is not a statement that does.
    const commented = context([[migration(0, 'c', '-- ALTER TABLE "users" DROP COLUMN "nick";\nSELECT 1;'), undefined]])
    expect(findStatement(commented, nickMissing, 'drop')).toBeUndefined()
    // Renamed into the name: the rename creates it.
    const renamed = context([[migration(0, 'r', 'ALTER TABLE "users" RENAME COLUMN "nickname" TO "nick";'), undefined]])
    expect(findStatement(renamed, nickMissing, 'create')).toEqual({ file: 'drizzle/0000_r.sql', line: 1 })
    expect(findStatement(ctx, { kind: 'extra_schema', schema: 'x', message: 'm' }, 'create')).toBeUndefined()
  })

  test('findStatement: a name cut to 63 bytes is found by the full name the SQL spells', () => {
    const full = 'users_' + 'a'.repeat(70) + '_fk'
    const sql = `ALTER TABLE "users" ADD CONSTRAINT "${full}" FOREIGN KEY ("id") REFERENCES "users"("id");`
    const d: SchemaDifference = {
      kind: 'extra_constraint',
      schema: 'public',
      table: 'users',
      name: full.slice(0, 63),
      message: 'm'
    }
    expect(findStatement(context([[migration(0, 'fk', sql), undefined]]), d, 'create')).toEqual({
      file: 'drizzle/0000_fk.sql',
      line: 1
    })
  })

  test('lostAfter, notApplied and lineRanges', () => {
    const lostOne = migration(3, 'lost', undefined, false)
    const lostTwo = migration(4, 'lost_too', undefined, false)
    expect(lostAfter(ctx, drop)).toBe('')
    expect(
      lostAfter(
        context([
          [init, snapshot()],
          [lostOne, undefined],
          [lostTwo, undefined]
        ]),
        init
      )
    ).toBe(
      ', or it is in one of 0003_lost, 0004_lost_too (after the last snapshot), whose SQL files and snapshots are missing: restore them, or remove the entries from the journal'
    )
    expect(notApplied(ctx, add)).toBeUndefined()
    const stopped = context(
      [
        [init, snapshot()],
        [add, snapshot()],
        [drop, snapshot()]
      ],
      { stoppedAt: add }
    )
    expect(notApplied(stopped, init)).toBeUndefined()
    expect(notApplied(stopped, add)).toBeUndefined()
    expect(notApplied(stopped, drop)).toBe(
      "which was not applied: drizzle's migrator applies no migration while 0001_add_nick's SQL file is missing, and the check stops there"
    )
    expect(lineRanges([7, 1, 3, 2, 2])).toBe('1-3, 7')
    expect(lineRanges([])).toBe('')
  })
})

describe('fixSql', () => {
  const expected = expectedModel()
  const d = (kind: SchemaDifference['kind'], extra: Partial<SchemaDifference> = {}): SchemaDifference => ({
    kind,
    schema: 'public',
    table: 'users',
    message: 'm',
    ...extra
  })

  test('one statement per kind it can fix', () => {
    expect(fixSql(d('missing_column', { column: 'email' }), expected)).toBe(
      'ALTER TABLE "users" ADD COLUMN "email" text NOT NULL; -- on a table with rows this fails: add it without NOT NULL, fill it (UPDATE "users" SET "email" = …), then SET NOT NULL'
    )
    expect(fixSql(d('column_nullability_mismatch', { column: 'nick', expected: 'NULL' }), expected)).toBe(
      'ALTER TABLE "users" ALTER COLUMN "nick" DROP NOT NULL;'
    )
    expect(fixSql(d('column_default_mismatch', { column: 'nick', expected: "'x'::text" }), expected)).toBe(
      'ALTER TABLE "users" ALTER COLUMN "nick" SET DEFAULT \'x\'::text;'
    )
    expect(fixSql(d('column_default_mismatch', { column: 'nick', expected: '(none)' }), expected)).toBe(
      'ALTER TABLE "users" ALTER COLUMN "nick" DROP DEFAULT;'
    )
    expect(fixSql(d('missing_index', { name: 'users_email_idx' }), expected)).toBe(
      'CREATE INDEX "users_email_idx" ON public.users USING btree (email);'
    )
    expect(fixSql(d('extra_index', { name: 'old_idx' }), expected)).toBe('DROP INDEX "old_idx";')
    expect(fixSql(d('extra_index', { schema: 'app', name: 'old_idx' }), expected)).toBe('DROP INDEX "app"."old_idx";')
    expect(fixSql(d('missing_constraint', { name: 'users_pkey' }), expected)).toBe(
      'ALTER TABLE "users" ADD CONSTRAINT "users_pkey" PRIMARY KEY (id);'
    )
    expect(fixSql(d('extra_table', { schema: 'app', table: 'Old' }), expected)).toBe('DROP TABLE "app"."Old";')
    expect(fixSql({ kind: 'missing_enum', schema: 'public', name: 'mood', message: 'm' }, expected)).toBe(
      "CREATE TYPE \"mood\" AS ENUM ('sad', 'ok', 'happy');"
    )
  })

  test('the column of the schema, as declared: identity, generated, serial, default', () => {
    const model = expectedModel()
    const columns = model.tables.get('public.users')!.columns
    columns.set('n', { name: 'n', position: 5, type: 'bigint', notNull: true, identity: 'always' })
    columns.set('g', { name: 'g', position: 6, type: 'integer', notNull: false, generated: '(id * 2)' })
    columns.set('s', { name: 's', position: 7, type: 'integer', notNull: true, default: 'nextval(<owned sequence>)' })
    columns.set('q', { name: 'q', position: 8, type: 'text', notNull: true, default: "'it''s'::text" })
    const fix = (column: string): string | undefined => fixSql(d('missing_column', { column }), model)
    expect(fix('n')).toBe('ALTER TABLE "users" ADD COLUMN "n" bigint GENERATED ALWAYS AS IDENTITY NOT NULL;')
    expect(fix('g')).toBe('ALTER TABLE "users" ADD COLUMN "g" integer GENERATED ALWAYS AS ((id * 2)) STORED;')
    expect(fix('s')).toBe('ALTER TABLE "users" ADD COLUMN "s" serial;')
    expect(fix('q')).toBe('ALTER TABLE "users" ADD COLUMN "q" text DEFAULT \'it\'\'s\'::text NOT NULL;')
  })

  test('NOT NULL where rows may hold NULL: the declared default fills them first; without one, the fix says to fill them', () => {
    const model = expectedModel()
    const columns = model.tables.get('public.users')!.columns
    columns.set('plan', { name: 'plan', position: 5, type: 'text', notNull: true, default: "'free'::text" })
    columns.set('nick', { name: 'nick', position: 6, type: 'text', notNull: true })
    const nullability = (column: string): string | undefined =>
      fixSql(d('column_nullability_mismatch', { column, expected: 'NOT NULL', actual: 'NULL' }), model)
    expect(nullability('plan')).toBe(
      'UPDATE "users" SET "plan" = \'free\'::text WHERE "plan" IS NULL;\nALTER TABLE "users" ALTER COLUMN "plan" SET NOT NULL;'
    )
    expect(nullability('nick')).toBe(
      'ALTER TABLE "users" ALTER COLUMN "nick" SET NOT NULL; -- fails while rows hold NULL in "nick": fill them first (UPDATE "users" SET "nick" = … WHERE "nick" IS NULL)'
    )
    expect(
      fixSql(d('column_nullability_mismatch', { column: 'nick', expected: 'NULL', actual: 'NOT NULL' }), model)
    ).toBe('ALTER TABLE "users" ALTER COLUMN "nick" DROP NOT NULL;')
    // A NOT NULL column added without a default fails on a table with rows: the fix says how to add it.
    expect(fixSql(d('missing_column', { column: 'nick' }), model)).toBe(
      'ALTER TABLE "users" ADD COLUMN "nick" text NOT NULL; -- on a table with rows this fails: add it without NOT NULL, fill it (UPDATE "users" SET "nick" = …), then SET NOT NULL'
    )
  })

  test('row level security: enabled as the schema says; enabled by a migration only, declared first (turning it off is a decision)', () => {
    expect(fixSql(d('rls_mismatch', { expected: 'enabled', actual: 'disabled' }), expected)).toBe(
      'ALTER TABLE "users" ENABLE ROW LEVEL SECURITY;'
    )
    const disable = fixSql(d('rls_mismatch', { expected: 'disabled', actual: 'enabled' }), expected)!
    expect(disable).toMatch(/^Declare it in the schema \(pgTable\(…\)\.enableRLS\(\)/)
    expect(disable).toContain('ALTER TABLE "users" DISABLE ROW LEVEL SECURITY; in a new migration')
  })

  test('nothing to propose when the schema has no such object, or for kinds without a fix', () => {
    expect(fixSql(d('missing_column', { column: 'ghost' }), expected)).toBeUndefined()
    expect(fixSql(d('missing_index', { name: 'ghost' }), expected)).toBeUndefined()
    expect(fixSql(d('missing_constraint', { name: 'ghost' }), expected)).toBeUndefined()
    expect(fixSql({ kind: 'missing_enum', schema: 'public', name: 'ghost', message: 'm' }, expected)).toBeUndefined()
    expect(fixSql(d('missing_table'), expected)).toBeUndefined()
    expect(fixSql({ kind: 'enum_mismatch', schema: 'public', name: 'mood', message: 'm' }, expected)).toBeUndefined()
  })
})

describe('explainDifference with drizzle-kit 1.x snapshots (ddl entities)', () => {
  /** The 1.x state of the schema, as a ddl list; `edit` changes the entities (to make an older state). */
  function ddl(edit: (entities: DdlEntity[]) => DdlEntity[] = (e) => e): V1Snapshot {
    const at = { schema: 'public', table: 'users' }
    const entities: DdlEntity[] = [
      { entityType: 'tables', schema: 'public', name: 'users', isRlsEnabled: false },
      { entityType: 'columns', ...at, name: 'id', type: 'integer', notNull: true },
      { entityType: 'columns', ...at, name: 'email', type: 'text', notNull: true },
      { entityType: 'columns', ...at, name: 'nick', type: 'text', notNull: false },
      { entityType: 'columns', ...at, name: 'feeling', type: 'mood', typeSchema: 'public', notNull: false },
      { entityType: 'pks', ...at, name: 'users_pkey', columns: ['id'], nameExplicit: false },
      { entityType: 'enums', schema: 'public', name: 'mood', values: ['sad', 'ok', 'happy'] }
    ]
    return { ddl: edit(entities), uniquesAddedByName: new Set() }
  }
  const v1Context = (state: V1Snapshot, sql: string): ExplainContext => {
    const init = migration(0, 'init', sql)
    return { ...context([[init, undefined]]), snapshots: [{ migration: init, v1: state }] }
  }
  const emailNullable: SchemaDifference = {
    kind: 'column_nullability_mismatch',
    schema: 'public',
    table: 'users',
    column: 'email',
    expected: 'NOT NULL',
    actual: 'NULL',
    message: 'm'
  }

  test('a column the 1.x state lacks was added to the schema after it', () => {
    const ctx = v1Context(
      ddl((e) => e.filter((x) => x.name !== 'nick')),
      INIT_WITHOUT_NICK
    )
    expect(recordedSnapshots(ctx).map((r) => r.declares(nickMissing))).toEqual([false])
    expect(explainDifference(nickMissing, ctx).cause).toBe(
      'declared at src/schema.ts:10, added to the schema after the last snapshot (0000_init): no migration was generated for it. Run npx drizzle-kit generate'
    )
    expect(explainDifference(nickMissing, v1Context(ddl(), INIT_WITHOUT_NICK)).cause).toBe(
      'declared at src/schema.ts:10; in snapshot 0000_init but not created by drizzle/0000_init.sql: the SQL was edited after generation (or the migration was written by hand)'
    )
  })

  test('a column the 1.x state records otherwise than the schema (compared in one normalised form)', () => {
    const nullable = ddl((e) => e.map((x) => (x.name === 'email' ? { ...x, notNull: false } : x)))
    const edited = INIT_SQL.replace('"email" text NOT NULL', '"email" text')
    expect(explainDifference(emailNullable, v1Context(nullable, edited)).cause).toBe(
      'declared at src/schema.ts:9, changed after the last snapshot (0000_init): no migration was generated. Run npx drizzle-kit generate'
    )
    // The same state as the schema: the SQL is what differs.
    expect(explainDifference(emailNullable, v1Context(ddl(), edited)).cause).toBe(
      'declared at src/schema.ts:9; the snapshots agree with the schema, so the SQL that built it (drizzle/0000_init.sql:5) differs from what drizzle-kit generated (edited after generation?)'
    )
  })
})
