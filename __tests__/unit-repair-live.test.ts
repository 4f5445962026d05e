// judgeLiveDatabases (src/repair/live.ts): what the planned migration does to a live database whose state is not the
// clean one, judged from its model and its migrations table. The end-to-end reading is in repair-live.test.ts.
import { SchemaDifference } from '../src/diff/diff-schemas'
import { Migration } from '../src/migrations/folder'
import { LedgerStatus } from '../src/migrations/ledger'
import { ColumnModel, DatabaseModel, TableModel } from '../src/model/types'
import { LiveDatabaseState, judgeLiveDatabases, migratorNote } from '../src/repair/live'
import { RepairStatement } from '../src/repair/types'

function table(name: string, columns: string[]): TableModel {
  return {
    schema: 'public',
    name,
    columns: new Map(
      columns.map((c, i): [string, ColumnModel] => [c, { name: c, position: i + 1, type: 'text', notNull: false }])
    ),
    constraints: new Map(),
    indexes: new Map(),
    policies: new Map(),
    rlsEnabled: false
  }
}

function model(...tables: TableModel[]): DatabaseModel {
  return {
    schemas: new Set(['public']),
    tables: new Map(tables.map((t) => [`public.${t.name}`, t])),
    enums: new Map(),
    sequences: new Map(),
    views: new Map(),
    extensions: new Set()
  }
}

const ledger = (pending: string[] = []): LedgerStatus => ({
  applied: [],
  pending: pending.map((tag) => ({ tag }) as Migration),
  skipped: [],
  modified: [],
  unknown: [],
  outOfOrder: []
})

const statement = (finding: string, sql: string): RepairStatement => ({
  sql,
  finding,
  hazards: [],
  destructive: false,
  phase: 0
})

const missingColumn: SchemaDifference = {
  kind: 'missing_column',
  schema: 'public',
  table: 'orgs',
  column: 'logo_url',
  message: 'column orgs.logo_url does not exist'
}
const typeMismatch: SchemaDifference = {
  kind: 'column_type_mismatch',
  schema: 'public',
  table: 'orgs',
  column: 'seats',
  expected: 'integer',
  actual: 'bigint',
  message: 'column orgs.seats has type bigint'
}

const plan = {
  statements: [
    statement('missing_column orgs.logo_url', 'ALTER TABLE "orgs" ADD COLUMN IF NOT EXISTS "logo_url" text;'),
    statement(
      'column_type_mismatch orgs.seats',
      'ALTER TABLE "orgs" ALTER COLUMN "seats" SET DATA TYPE integer USING "seats"::integer;'
    ),
    statement('rename teams -> groups', 'ALTER TABLE "teams" RENAME TO "groups";')
  ],
  differences: [missingColumn, typeMismatch],
  renamedAway: new Set(['missing_table groups', 'extra_table teams']),
  tag: '0003_fix',
  when: 2_000
}

function state(name: string, m: DatabaseModel, fromSchema: SchemaDifference[], extra: Partial<LiveDatabaseState> = {}) {
  return {
    name,
    recorded: 2,
    newestCreatedAt: 1_000,
    ledger: ledger(),
    migrator: '0.x' as const,
    model: m,
    fromClean: [],
    fromSchema,
    ...extra
  }
}

describe('what the migration does to each live database', () => {
  test('as on the clean database: no effect listed; work already done by hand: a no-op, said why', () => {
    const { databases, failing } = judgeLiveDatabases(
      [
        state('clean', model(table('orgs', ['id', 'seats']), table('teams', ['id'])), [
          missingColumn,
          typeMismatch,
          { kind: 'missing_table', schema: 'public', table: 'groups', message: '' }
        ]),
        state('hotfixed', model(table('orgs', ['id', 'seats', 'logo_url']), table('teams', ['id'])), [])
      ],
      plan
    )
    expect(failing).toEqual([])
    expect(databases[0]).toMatchObject({ database: 'clean', effects: [], remaining: [], applies: true })
    expect(databases[1].effects).toEqual([
      {
        finding: 'missing_column orgs.logo_url',
        effect: 'already-done',
        reason: 'already as the schema says here: its IF [NOT] EXISTS form leaves it alone'
      },
      {
        finding: 'column_type_mismatch orgs.seats',
        effect: 'already-done',
        reason: 'already as the schema says here: the statement sets what it has'
      }
    ])
  })

  test('a table renamed by hand, or one the database lacks: the migration fails there', () => {
    const { databases, failing } = judgeLiveDatabases(
      [state('renamed', model(table('orgs', ['id', 'seats']), table('groups', ['id'])), [missingColumn, typeMismatch])],
      plan
    )
    expect(databases[0].effects).toEqual([
      {
        finding: 'rename teams -> groups',
        effect: 'fails',
        reason: 'table groups is already there (renamed by hand?) and teams is not: the RENAME fails'
      }
    ])
    expect(failing).toEqual([{ database: 'renamed', reason: expect.stringMatching(/^rename teams -> groups: table/) }])
    const noTable = judgeLiveDatabases([state('empty', model(table('teams', ['id'])), [])], plan)
    expect(noTable.databases[0].effects.map((e) => [e.finding, e.effect])).toEqual([
      ['missing_column orgs.logo_url', 'fails'],
      ['column_type_mismatch orgs.seats', 'fails']
    ])
  })

  test('pending migrations run first: nothing is judged before them; what stays different is listed', () => {
    const extra: SchemaDifference = {
      kind: 'extra_index',
      schema: 'public',
      table: 'orgs',
      name: 'orgs_name_idx',
      message: ''
    }
    const { databases } = judgeLiveDatabases(
      [state('behind', model(), [missingColumn, extra], { ledger: ledger(['0002_more']) })],
      plan
    )
    expect(databases[0]).toMatchObject({
      effects: [],
      pending: ['0002_more'],
      remaining: ['extra_index orgs.orgs_name_idx'],
      notes: [expect.stringContaining('the migrator runs them first')]
    })
  })

  test("0.x: a `when` not after a database's newest created_at is not applied there; 1.x applies by name", () => {
    const late = judgeLiveDatabases([state('ahead', model(), [], { newestCreatedAt: 5_000 })], plan)
    expect(late.databases[0].applies).toBe(false)
    const byName = judgeLiveDatabases([state('ahead', model(), [], { newestCreatedAt: 5_000, migrator: '1.x' })], {
      ...plan,
      when: undefined
    })
    expect(byName.databases[0].applies).toBe(true)
    expect(migratorNote('1.x', byName.databases, { tag: '20260101000000_fix' })).toContain(
      'runs every folder it has not recorded, whatever its timestamp'
    )
    // Nothing written: nothing to apply.
    expect(judgeLiveDatabases([state('x', model(), [])], { ...plan, tag: undefined }).databases[0].applies).toBe(
      undefined
    )
  })
})
