// diffSchemas on models built in memory: each kind of difference it reports, with its exact fields and message.
// No database: the end-to-end tests (findings.test.ts) show the same kinds arising from real migrations.
import * as fs from 'node:fs'
import * as path from 'node:path'
import { diffSchemas, enumOrderHint, misplacedEnumValues, SchemaDifference } from '../src/diff/diff-schemas'
import { keyColumns } from '../src/diff/diff-table-parts'
import {
  ColumnModel,
  ConstraintModel,
  DatabaseModel,
  EnumModel,
  IndexModel,
  PolicyModel,
  TableModel
} from '../src/model/types'

const OPTIONS = { ignoreSchemas: ['drizzle'] }

function column(name: string, type = 'integer', extra: Partial<ColumnModel> = {}): ColumnModel {
  return { name, position: 1, type, notNull: false, ...extra }
}

function table(
  name: string,
  parts: {
    schema?: string
    columns?: ColumnModel[]
    constraints?: ConstraintModel[]
    indexes?: IndexModel[]
    policies?: PolicyModel[]
    rls?: boolean
    partitioning?: TableModel['partitioning']
  } = {}
): TableModel {
  return {
    schema: parts.schema ?? 'public',
    name,
    columns: new Map((parts.columns ?? [column('id')]).map((c) => [c.name, c])),
    constraints: new Map((parts.constraints ?? []).map((c) => [c.name, c])),
    indexes: new Map((parts.indexes ?? []).map((i) => [i.name, i])),
    policies: new Map((parts.policies ?? []).map((p) => [p.name, p])),
    rlsEnabled: parts.rls ?? false,
    ...(parts.partitioning ? { partitioning: parts.partitioning } : {})
  }
}

function database(
  parts: {
    schemas?: string[]
    tables?: TableModel[]
    enums?: EnumModel[]
    sequences?: { schema: string; name: string; definition: string }[]
    views?: { schema: string; name: string; materialized: boolean; definition: string }[]
  } = {}
): DatabaseModel {
  const key = (o: { schema: string; name: string }): string => `${o.schema}.${o.name}`
  return {
    schemas: new Set(parts.schemas ?? ['public']),
    tables: new Map((parts.tables ?? []).map((t) => [key(t), t])),
    enums: new Map((parts.enums ?? []).map((e) => [key(e), e])),
    sequences: new Map((parts.sequences ?? []).map((s) => [key(s), s])),
    views: new Map((parts.views ?? []).map((v) => [key(v), v])),
    extensions: new Set()
  }
}

/** The differences between two versions of one table. */
const diffTable = (expected: TableModel, actual: TableModel): SchemaDifference[] =>
  diffSchemas(database({ tables: [expected] }), database({ tables: [actual] }), OPTIONS)

const pk = (name: string, columns: string[]): ConstraintModel => ({
  name,
  kind: 'primary_key',
  columns,
  definition: `PRIMARY KEY (${columns.join(', ')})`
})
const unique = (name: string, columns: string[]): ConstraintModel => ({
  name,
  kind: 'unique',
  columns,
  definition: `UNIQUE (${columns.join(', ')})`
})
const check = (name: string, expression: string): ConstraintModel => ({
  name,
  kind: 'check',
  columns: [],
  definition: `CHECK ((${expression}))`
})
const index = (name: string, keys: string[], extra: Partial<IndexModel> = {}): IndexModel => ({
  name,
  unique: false,
  method: 'btree',
  keys,
  definition: `USING btree (${keys.join(', ')})`,
  ...extra
})

describe('diffSchemas', () => {
  test('equal models: no difference', () => {
    const make = (): DatabaseModel =>
      database({
        schemas: ['public', 'app'],
        tables: [
          table('users', {
            columns: [column('id', 'integer', { notNull: true, identity: 'always' }), column('email', 'text')],
            constraints: [pk('users_pkey', ['id'])],
            indexes: [index('users_email_idx', ['email'])],
            policies: [{ name: 'own', command: 'SELECT', permissive: true, roles: ['public'], using: 'true' }],
            rls: true
          })
        ],
        enums: [{ schema: 'app', name: 'mood', values: ['sad', 'ok'] }],
        sequences: [{ schema: 'public', name: 's', definition: 'START 1' }],
        views: [{ schema: 'public', name: 'v', materialized: false, definition: 'SELECT 1' }]
      })
    expect(diffSchemas(make(), make(), OPTIONS)).toEqual([])
  })

  test('schemas: missing, extra; public and the ignored (bookkeeping) schemas are never extra', () => {
    const expected = database({ schemas: ['public', 'app'] })
    const actual = database({ schemas: ['public', 'drizzle', 'legacy'] })
    expect(diffSchemas(expected, actual, OPTIONS)).toEqual([
      { kind: 'missing_schema', schema: 'app', name: 'app', message: 'schema "app" does not exist' },
      {
        kind: 'extra_schema',
        schema: 'legacy',
        name: 'legacy',
        message: 'schema "legacy" is not declared in the schema'
      }
    ])
    expect(diffSchemas(database({ schemas: [] }), database({ schemas: ['public'] }), OPTIONS)).toEqual([])
    expect(diffSchemas(database({ schemas: ['public'] }), database({ schemas: [] }), OPTIONS)).toEqual([
      { kind: 'missing_schema', schema: 'public', name: 'public', message: 'schema "public" does not exist' }
    ])
  })

  test('enums: missing, extra, values missing and extra, names labelled as Postgres writes them', () => {
    const expected = database({
      enums: [
        { schema: 'public', name: 'mood', values: ['sad', 'ok', 'happy'] },
        { schema: 'app', name: 'Status', values: ['on'] }
      ]
    })
    const actual = database({
      enums: [
        { schema: 'public', name: 'mood', values: ['sad', "it's"] },
        { schema: 'public', name: 'old', values: ['x', 'y'] }
      ]
    })
    expect(diffSchemas(expected, actual, OPTIONS)).toEqual([
      {
        kind: 'enum_mismatch',
        schema: 'public',
        name: 'mood',
        expected: 'sad, ok, happy',
        actual: "sad, it's",
        message: "enum mood: missing value(s) 'ok', 'happy'; extra value(s) 'it's'",
        hint: undefined
      },
      {
        kind: 'missing_enum',
        schema: 'app',
        name: 'Status',
        expected: 'on',
        message: 'enum app."Status" does not exist'
      },
      {
        kind: 'extra_enum',
        schema: 'public',
        name: 'old',
        actual: 'x, y',
        message: 'enum old is not declared in the schema'
      }
    ])
  })

  test('enums: only missing values, or only extra ones, name one side', () => {
    const fewer = diffSchemas(
      database({ enums: [{ schema: 'public', name: 'e', values: ['a', 'b'] }] }),
      database({ enums: [{ schema: 'public', name: 'e', values: ['a'] }] }),
      OPTIONS
    )
    expect(fewer.map((d) => d.message)).toEqual(["enum e: missing value(s) 'b'"])
    const more = diffSchemas(
      database({ enums: [{ schema: 'public', name: 'e', values: ['a'] }] }),
      database({ enums: [{ schema: 'public', name: 'e', values: ['a', 'b'] }] }),
      OPTIONS
    )
    expect(more.map((d) => d.message)).toEqual(["enum e: extra value(s) 'b'"])
  })

  test('enums: the same values in another order, with the ADD VALUE that would have kept the order', () => {
    const [difference] = diffSchemas(
      database({ enums: [{ schema: 'public', name: 'mood', values: ['sad', 'ok', 'happy'] }] }),
      database({ enums: [{ schema: 'public', name: 'mood', values: ['sad', 'happy', 'ok'] }] }),
      OPTIONS
    )
    expect(difference).toEqual({
      kind: 'enum_mismatch',
      schema: 'public',
      name: 'mood',
      expected: 'sad, ok, happy',
      actual: 'sad, happy, ok',
      message: 'enum mood: same values in another order: schema (sad, ok, happy), database (sad, happy, ok)',
      hint:
        "Postgres keeps enum values in the order they were added; ALTER TYPE mood ADD VALUE 'ok' BEFORE 'happy' " +
        "would have kept the schema's order. Recreate the type to reorder it."
    })
  })

  test('sequences: missing and extra, with their definitions', () => {
    expect(
      diffSchemas(
        database({ sequences: [{ schema: 'app', name: 'counter', definition: 'START WITH 1' }] }),
        database({ sequences: [{ schema: 'public', name: 'old_seq', definition: 'START WITH 5' }] }),
        OPTIONS
      )
    ).toEqual([
      {
        kind: 'missing_sequence',
        schema: 'app',
        name: 'counter',
        expected: 'START WITH 1',
        message: 'sequence app.counter does not exist'
      },
      {
        kind: 'extra_sequence',
        schema: 'public',
        name: 'old_seq',
        actual: 'START WITH 5',
        message: 'sequence old_seq is not declared in the schema'
      }
    ])
  })

  test('views: missing, extra, another definition, and materialized vs plain', () => {
    const view = (name: string, definition: string, materialized = false) => ({
      schema: 'public',
      name,
      materialized,
      definition
    })
    expect(
      diffSchemas(
        database({ views: [view('a', 'SELECT 1'), view('b', 'SELECT 2'), view('m', 'SELECT 3', true)] }),
        database({ views: [view('b', 'SELECT 20'), view('m', 'SELECT 3'), view('z', 'SELECT 9')] }),
        OPTIONS
      )
    ).toEqual([
      { kind: 'missing_view', schema: 'public', name: 'a', message: 'view a does not exist' },
      {
        kind: 'view_mismatch',
        schema: 'public',
        name: 'b',
        expected: 'SELECT 2',
        actual: 'SELECT 20',
        message: 'view b has another definition'
      },
      {
        kind: 'view_mismatch',
        schema: 'public',
        name: 'm',
        expected: 'SELECT 3',
        actual: 'SELECT 3',
        message: 'view m has another definition'
      },
      { kind: 'extra_view', schema: 'public', name: 'z', message: 'view z is not declared in the schema' }
    ])
  })

  test('tables: missing and extra, after the differences inside tables both have; a rename hint names the same schema only', () => {
    const expected = database({
      tables: [
        table('kept', { columns: [column('id'), column('gone')] }),
        table('accounts'),
        table('audit', { schema: 'app' })
      ]
    })
    const actual = database({
      tables: [table('kept'), table('users'), table('legacy'), table('other', { schema: 'archive' })]
    })
    const differences = diffSchemas(expected, actual, OPTIONS)
    expect(differences.map((d) => [d.kind, d.schema, d.table])).toEqual([
      ['missing_column', 'public', 'kept'],
      ['missing_table', 'public', 'accounts'],
      ['missing_table', 'app', 'audit'],
      ['extra_table', 'public', 'users'],
      ['extra_table', 'public', 'legacy'],
      ['extra_table', 'archive', 'other']
    ])
    expect(differences[1]).toEqual({
      kind: 'missing_table',
      schema: 'public',
      table: 'accounts',
      message: 'table accounts does not exist',
      hint:
        'if "users" or "legacy" was renamed to "accounts", the migration that renames the table is missing ' +
        '(drizzle-kit asks about renames interactively; this check never guesses)'
    })
    expect(differences[2]).toEqual({
      kind: 'missing_table',
      schema: 'app',
      table: 'audit',
      message: 'table app.audit does not exist',
      hint: undefined
    })
    expect(differences[5]).toEqual({
      kind: 'extra_table',
      schema: 'archive',
      table: 'other',
      message: 'table archive.other is not declared in the schema'
    })
  })

  test('columns: missing (with a rename hint from extra columns of the same type) and extra, summarised', () => {
    const differences = diffTable(
      table('Users', {
        schema: 'app',
        columns: [
          column('id'),
          column('full_name', 'text', { notNull: true, default: "''::text" }),
          column('n', 'bigint', { notNull: true, identity: 'by default' })
        ]
      }),
      table('Users', {
        schema: 'app',
        columns: [column('id'), column('name', 'text'), column('nick', 'text'), column('age', 'integer')]
      })
    )
    expect(differences).toEqual([
      {
        kind: 'missing_column',
        schema: 'app',
        table: 'Users',
        column: 'full_name',
        expected: "text NOT NULL DEFAULT ''::text",
        message: 'column app."Users".full_name does not exist',
        hint:
          'if "name" or "nick" was renamed to "full_name", the migration that renames the column is missing ' +
          '(drizzle-kit asks about renames interactively; this check never guesses)'
      },
      {
        kind: 'missing_column',
        schema: 'app',
        table: 'Users',
        column: 'n',
        expected: 'bigint NOT NULL GENERATED BY DEFAULT AS IDENTITY',
        message: 'column app."Users".n does not exist',
        hint: undefined
      },
      ...['name', 'nick'].map((name) => ({
        kind: 'extra_column',
        schema: 'app',
        table: 'Users',
        column: name,
        actual: 'text',
        message: `column app."Users".${name} is not declared in the schema`
      })),
      {
        kind: 'extra_column',
        schema: 'app',
        table: 'Users',
        column: 'age',
        actual: 'integer',
        message: 'column app."Users".age is not declared in the schema'
      }
    ])
  })

  test('columns: type, nullability, default, identity and generated, each its own difference', () => {
    const differences = diffTable(
      table('t', {
        columns: [
          column('order', 'varchar(10)', { notNull: true, default: "'x'::character varying" }),
          column('n', 'integer', { identity: 'always' }),
          column('g', 'integer', { generated: '(n * 2)' })
        ]
      }),
      table('t', {
        columns: [
          column('order', 'text'),
          column('n', 'integer', { default: '0' }),
          column('g', 'integer', { generated: '(n * 3)' })
        ]
      })
    )
    expect(differences).toEqual([
      {
        kind: 'column_type_mismatch',
        schema: 'public',
        table: 't',
        column: 'order',
        expected: 'varchar(10)',
        actual: 'text',
        message: 'column t."order" is text, the schema says varchar(10)'
      },
      {
        kind: 'column_nullability_mismatch',
        schema: 'public',
        table: 't',
        column: 'order',
        expected: 'NOT NULL',
        actual: 'NULL',
        message: 'column t."order" is nullable, the schema says NOT NULL'
      },
      {
        kind: 'column_default_mismatch',
        schema: 'public',
        table: 't',
        column: 'order',
        type: 'varchar(10)',
        expected: "'x'::character varying",
        actual: '(none)',
        message: 'column t."order" defaults to nothing, the schema says \'x\'::character varying'
      },
      {
        kind: 'column_default_mismatch',
        schema: 'public',
        table: 't',
        column: 'n',
        type: 'integer',
        expected: '(none)',
        actual: '0',
        message: 'column t.n defaults to 0, the schema says no default'
      },
      {
        kind: 'column_identity_mismatch',
        schema: 'public',
        table: 't',
        column: 'n',
        expected: 'GENERATED ALWAYS AS IDENTITY',
        actual: '(not identity)',
        message: 'column t.n is not an identity, the schema says identity (always)'
      },
      {
        kind: 'column_generated_mismatch',
        schema: 'public',
        table: 't',
        column: 'g',
        expected: '(n * 2)',
        actual: '(n * 3)',
        message: 'column t.g is generated as (n * 3), the schema says (n * 2)'
      }
    ])
  })

  test('columns: the reverse directions of nullability, identity and generated', () => {
    const differences = diffTable(
      table('t', { columns: [column('a'), column('b')] }),
      table('t', {
        columns: [
          column('a', 'integer', { notNull: true, identity: 'by default' }),
          column('b', 'integer', { generated: '1' })
        ]
      })
    )
    expect(differences.map((d) => [d.kind, d.expected, d.actual, d.message])).toEqual([
      ['column_nullability_mismatch', 'NULL', 'NOT NULL', 'column t.a is NOT NULL, the schema says nullable'],
      [
        'column_identity_mismatch',
        '(not identity)',
        'GENERATED BY DEFAULT AS IDENTITY',
        'column t.a is an identity (by default), the schema says not an identity'
      ],
      [
        'column_generated_mismatch',
        '(not generated)',
        '1',
        'column t.b is generated as 1, the schema says not generated'
      ]
    ])
  })

  test('primary keys: compared by definition, whatever their names; missing, extra and another definition', () => {
    const columns = [column('id'), column('tenant')]
    const missing = diffTable(table('t', { columns, constraints: [pk('t_pkey', ['id'])] }), table('t', { columns }))
    expect(missing).toEqual([
      {
        kind: 'missing_constraint',
        schema: 'public',
        table: 't',
        name: 't_pkey',
        columns: ['id'],
        expected: 'PRIMARY KEY (id)',
        message: 'primary key PRIMARY KEY (id) on t does not exist'
      }
    ])
    const extra = diffTable(table('t', { columns }), table('t', { columns, constraints: [pk('t_pkey', ['id'])] }))
    expect(extra).toEqual([
      {
        kind: 'extra_constraint',
        schema: 'public',
        table: 't',
        name: 't_pkey',
        columns: ['id'],
        actual: 'PRIMARY KEY (id)',
        message: 'primary key PRIMARY KEY (id) on t is not declared in the schema'
      }
    ])
    expect(
      diffTable(
        table('t', { columns, constraints: [pk('t_id_pk', ['id'])] }),
        table('t', { columns, constraints: [pk('t_pkey', ['id'])] })
      )
    ).toEqual([])
    expect(
      diffTable(
        table('t', { columns, constraints: [pk('t_pk', ['id', 'tenant'])] }),
        table('t', { columns, constraints: [pk('t_pkey', ['id'])] })
      )
    ).toEqual([
      {
        kind: 'constraint_mismatch',
        schema: 'public',
        table: 't',
        name: 't_pk',
        columns: ['id', 'tenant'],
        expected: 'PRIMARY KEY (id, tenant)',
        actual: 'PRIMARY KEY (id)',
        message: 'primary key on t is PRIMARY KEY (id), the schema says PRIMARY KEY (id, tenant)'
      }
    ])
  })

  test('other constraints: another definition, missing, extra, a twin under another name, a duplicate', () => {
    const fk: ConstraintModel = {
      name: 't_user_fk',
      kind: 'foreign_key',
      columns: ['user_id'],
      definition: 'FOREIGN KEY (user_id) REFERENCES users(id)',
      references: 'public.users'
    }
    const differences = diffTable(
      table('t', {
        constraints: [check('positive', 'n > 0'), unique('t_email_key', ['email']), fk, unique('t_code_key', ['code'])]
      }),
      table('t', {
        constraints: [
          check('positive', 'n >= 0'),
          unique('t_email_unique', ['email']),
          { ...fk, name: 't_code_key', kind: 'exclusion', definition: 'EXCLUDE USING gist (code WITH =)' },
          check('positive_again', 'n > 0'),
          { ...check('positive_copy', 'n >= 0') }
        ]
      })
    )
    expect(differences).toEqual([
      {
        kind: 'constraint_mismatch',
        schema: 'public',
        table: 't',
        name: 'positive',
        columns: [],
        expected: 'CHECK ((n > 0))',
        actual: 'CHECK ((n >= 0))',
        message: 'check constraint "positive" on t is CHECK ((n >= 0)), the schema says CHECK ((n > 0))'
      },
      // The same name, another kind: reported as another definition of the schema's constraint.
      {
        kind: 'constraint_mismatch',
        schema: 'public',
        table: 't',
        name: 't_code_key',
        columns: ['code'],
        expected: 'UNIQUE (code)',
        actual: 'EXCLUDE USING gist (code WITH =)',
        message:
          'unique constraint "t_code_key" on t is EXCLUDE USING gist (code WITH =), the schema says UNIQUE (code)'
      },
      // The same kind and definition under another name counts once, as a rename.
      {
        kind: 'constraint_mismatch',
        schema: 'public',
        table: 't',
        name: 't_email_key',
        columns: ['email'],
        expected: 't_email_key',
        actual: 't_email_unique',
        message: 'unique constraint on t is named "t_email_unique", the schema names it "t_email_key"'
      },
      {
        kind: 'missing_constraint',
        schema: 'public',
        table: 't',
        name: 't_user_fk',
        columns: ['user_id'],
        expected: 'FOREIGN KEY (user_id) REFERENCES users(id)',
        message: 'foreign key "t_user_fk" on t does not exist (FOREIGN KEY (user_id) REFERENCES users(id))'
      },
      {
        kind: 'extra_constraint',
        schema: 'public',
        table: 't',
        name: 'positive_again',
        columns: [],
        constraintKind: 'check',
        actual: 'CHECK ((n > 0))',
        message: 'check constraint "positive_again" on t is not declared in the schema (CHECK ((n > 0)))'
      },
      {
        kind: 'extra_constraint',
        schema: 'public',
        table: 't',
        name: 'positive_copy',
        columns: [],
        constraintKind: 'check',
        actual: 'CHECK ((n >= 0))',
        message:
          'check constraint "positive_copy" on t is not declared in the schema (CHECK ((n >= 0))): it duplicates "positive"'
      }
    ])
  })

  test('a constraint whose name is the primary key on the other side is missing or extra, not a mismatch', () => {
    const differences = diffTable(
      table('t', { constraints: [unique('t_key', ['id'])] }),
      table('t', { constraints: [pk('t_key', ['id'])] })
    )
    expect(differences.map((d) => [d.kind, d.name])).toEqual([
      ['extra_constraint', 't_key'],
      ['missing_constraint', 't_key']
    ])
    expect(differences[0].message).toBe('primary key PRIMARY KEY (id) on t is not declared in the schema')
  })

  test('an exclusion constraint the database has says what it is (it cannot be declared with drizzle)', () => {
    const [extra] = diffTable(
      table('t'),
      table('t', {
        constraints: [
          { name: 'no_overlap', kind: 'exclusion', columns: ['id'], definition: 'EXCLUDE USING gist (id WITH =)' }
        ]
      })
    )
    expect(extra).toMatchObject({
      kind: 'extra_constraint',
      constraintKind: 'exclusion',
      message: 'exclusion constraint "no_overlap" on t is not declared in the schema (EXCLUDE USING gist (id WITH =))'
    })
  })

  test('indexes: another definition, missing, extra, and a twin under another name', () => {
    const differences = diffTable(
      table('t', {
        indexes: [
          index('t_a_idx', ['a']),
          index('t_b_idx', ['b']),
          index('t_c_idx', ['c']),
          index('t_lower_idx', ['lower(email)'])
        ]
      }),
      table('t', {
        indexes: [
          index('t_a_idx', ['a', 'b']),
          index('t_b_index', ['b']),
          index('t_d_idx', ['"Mixed"'], { definition: 'USING hash ("Mixed")' })
        ]
      })
    )
    expect(differences).toEqual([
      {
        kind: 'index_mismatch',
        schema: 'public',
        table: 't',
        name: 't_a_idx',
        columns: ['a'],
        expected: 'USING btree (a)',
        actual: 'USING btree (a, b)',
        message: 'index "t_a_idx" on t is USING btree (a, b), the schema says USING btree (a)'
      },
      {
        kind: 'index_mismatch',
        schema: 'public',
        table: 't',
        name: 't_b_idx',
        columns: ['b'],
        expected: 't_b_idx',
        actual: 't_b_index',
        message: 'index on t is named "t_b_index", the schema names it "t_b_idx"'
      },
      {
        kind: 'missing_index',
        schema: 'public',
        table: 't',
        name: 't_c_idx',
        columns: ['c'],
        expected: 'USING btree (c)',
        message: 'index "t_c_idx" on t does not exist (USING btree (c))'
      },
      // An expression is no column: it is left out of columns.
      {
        kind: 'missing_index',
        schema: 'public',
        table: 't',
        name: 't_lower_idx',
        columns: [],
        expected: 'USING btree (lower(email))',
        message: 'index "t_lower_idx" on t does not exist (USING btree (lower(email)))'
      },
      {
        kind: 'extra_index',
        schema: 'public',
        table: 't',
        name: 't_d_idx',
        columns: ['Mixed'],
        actual: 'USING hash ("Mixed")',
        message: 'index "t_d_idx" on t is not declared in the schema (USING hash ("Mixed"))'
      }
    ])
  })

  test('one twin pairs with one missing index only', () => {
    const differences = diffTable(
      table('t', { indexes: [index('one', ['a']), index('two', ['a'])] }),
      table('t', { indexes: [index('three', ['a'])] })
    )
    expect(differences.map((d) => [d.kind, d.name, d.actual])).toEqual([
      ['index_mismatch', 'one', 'three'],
      ['missing_index', 'two', undefined]
    ])
  })

  test('row level security and policies: rls on/off, missing, extra and another policy', () => {
    const policy = (name: string, extra: Partial<PolicyModel> = {}): PolicyModel => ({
      name,
      command: 'SELECT',
      permissive: true,
      roles: ['public'],
      using: '(owner = CURRENT_USER)',
      ...extra
    })
    const differences = diffTable(
      table('docs', { rls: true, policies: [policy('read'), policy('write', { command: 'INSERT' })] }),
      table('docs', { rls: false, policies: [policy('read', { permissive: false }), policy('old')] })
    )
    expect(differences).toEqual([
      {
        kind: 'rls_mismatch',
        schema: 'public',
        table: 'docs',
        expected: 'enabled',
        actual: 'disabled',
        message: 'row level security on docs is disabled, the schema says enabled'
      },
      {
        kind: 'policy_mismatch',
        schema: 'public',
        table: 'docs',
        name: 'read',
        expected: JSON.stringify(policy('read')),
        actual: JSON.stringify(policy('read', { permissive: false })),
        message: 'policy "read" on docs differs'
      },
      {
        kind: 'missing_policy',
        schema: 'public',
        table: 'docs',
        name: 'write',
        message: 'policy "write" on docs does not exist'
      },
      {
        kind: 'extra_policy',
        schema: 'public',
        table: 'docs',
        name: 'old',
        message: 'policy "old" on docs is not declared in the schema'
      }
    ])
    expect(diffTable(table('docs'), table('docs', { rls: true }))[0].message).toBe(
      'row level security on docs is enabled, the schema says disabled'
    )
  })

  test('partitioning: a table partitioned in the database and plain in the schema, its columns still compared; many partitions cut short', () => {
    const events = (partitioning?: TableModel['partitioning'], type = 'text'): TableModel =>
      table('events', { columns: [column('id'), column('kind', type)], partitioning })
    const partitions = ['public.events_2024', 'public.events_2025', 'archive.events_2023']
    const differences = diffSchemas(
      database({ tables: [events()] }),
      database({ tables: [events({ key: 'RANGE (at)', partitions }, 'character varying(20)')] }),
      OPTIONS
    )
    expect(differences.map((d) => `${d.kind} ${d.table}.${d.column ?? ''}`)).toEqual([
      'column_type_mismatch events.kind',
      'partitioning_mismatch events.'
    ])
    expect(differences[1]).toMatchObject({
      expected: '(not partitioned)',
      actual: 'PARTITION BY RANGE (at)',
      message:
        'table events is partitioned (PARTITION BY RANGE (at), 3 partitions: events_2024, events_2025, archive.events_2023), the schema declares a plain table'
    })
    const many = Array.from({ length: 8 }, (_, i) => `public.p${i}`)
    expect(
      diffSchemas(
        database({ tables: [events()] }),
        database({ tables: [events({ key: 'HASH (id)', partitions: many })] }),
        OPTIONS
      )[0].message
    ).toBe(
      'table events is partitioned (PARTITION BY HASH (id), 8 partitions: p0, p1, p2, p3, p4, … 3 more), the schema declares a plain table'
    )
    expect(
      diffSchemas(
        database({ tables: [events()] }),
        database({ tables: [events({ key: 'LIST (kind)', partitions: [] })] }),
        OPTIONS
      )[0].message
    ).toBe('table events is partitioned (PARTITION BY LIST (kind), no partitions), the schema declares a plain table')
    expect(diffSchemas(database({ tables: [events()] }), database({ tables: [events()] }), OPTIONS)).toEqual([])
  })

  test('every schema kind diffSchemas can report is reported by one of the tests above', () => {
    // The kinds above, in one place: a new kind in diffSchemas without a unit test shows up as a gap here.
    const covered = new Set([
      'missing_schema',
      'extra_schema',
      'missing_enum',
      'extra_enum',
      'enum_mismatch',
      'missing_sequence',
      'extra_sequence',
      'missing_view',
      'extra_view',
      'view_mismatch',
      'missing_table',
      'extra_table',
      'missing_column',
      'extra_column',
      'column_type_mismatch',
      'column_nullability_mismatch',
      'column_default_mismatch',
      'column_identity_mismatch',
      'column_generated_mismatch',
      'missing_constraint',
      'extra_constraint',
      'constraint_mismatch',
      'missing_index',
      'extra_index',
      'index_mismatch',
      'rls_mismatch',
      'partitioning_mismatch',
      'missing_policy',
      'extra_policy',
      'policy_mismatch'
    ])
    const source = ['diff-schemas.ts', 'diff-table-parts.ts']
      .map((file) => fs.readFileSync(path.join(__dirname, '..', 'src', 'diff', file), 'utf8'))
      .join('\n')
    const emitted = new Set([...source.matchAll(/kind: '([a-z_]+)'/g)].map((m) => m[1]))
    expect([...emitted].sort()).toEqual([...covered].sort())
  })
})

describe('keyColumns', () => {
  test('plain and quoted column keys are columns; expressions are not', () => {
    expect(keyColumns(index('i', ['a', '"userId"', 'lower(email)', '(a + b)', '"a""b"']))).toEqual(['a', 'userId'])
  })

  // Was a bug (fixed): a quoted key column with a space ("user id", as pg_get_indexdef prints
  // it) is cut at the space, so the difference names the column "user" (another column, or none), and the explanation
  // looks for the declaration of the wrong column. It should be "user id" (or be left out, like an expression).
  test('a quoted key column with a space is not cut at the space', () => {
    expect(keyColumns(index('i', ['"user id"']))).toEqual(['user id'])
  })
})

describe('misplacedEnumValues and enumOrderHint', () => {
  test('a value appended instead of placed: the BEFORE that would have kept the order', () => {
    expect(
      misplacedEnumValues(
        ['a', 'b', 'c'],
        [
          { value: 'c', order: ['a', 'c'] },
          { value: 'b', order: ['a', 'c', 'b'] }
        ]
      )
    ).toEqual([{ value: 'b', after: 'c', clause: "ADD VALUE 'b' BEFORE 'c'" }])
  })

  test('a value placed where the schema has it is not blamed; AFTER when no later schema value exists yet', () => {
    // 'b' was appended after 'z' (misplaced); 'c' BEFORE 'z' then lands where the schema has it, once 'b' is
    // thought of as where it belongs: only 'b' is blamed.
    expect(
      misplacedEnumValues(
        ['a', 'b', 'c', 'z'],
        [
          { value: 'z', order: ['a', 'z'] },
          { value: 'b', order: ['a', 'z', 'b'] },
          { value: 'c', order: ['a', 'c', 'z', 'b'], placement: { before: 'z' } }
        ]
      )
    ).toEqual([{ value: 'b', after: 'z', clause: "ADD VALUE 'b' BEFORE 'z'" }])
    expect(
      misplacedEnumValues(
        ['x', 'a', 'b'],
        [
          { value: 'a', order: ['a'] },
          { value: 'x', order: ['a', 'x'] }
        ]
      )
    ).toEqual([{ value: 'x', after: 'a', clause: "ADD VALUE 'x' BEFORE 'a'" }])
    expect(
      misplacedEnumValues(
        ['a', 'b'],
        [
          { value: 'b', order: ['b'] },
          { value: 'a', order: ['b', 'a'], placement: { after: 'b' } }
        ]
      )
    ).toEqual([{ value: 'a', after: 'b', clause: "ADD VALUE 'a' BEFORE 'b'" }])
    // Put BEFORE an earlier schema value, with no later one in the type yet: the fix is AFTER the previous one.
    expect(
      misplacedEnumValues(['a', 'b', 'x'], [{ value: 'x', order: ['a', 'x', 'b'], placement: { before: 'b' } }])
    ).toEqual([{ value: 'x', after: 'a', clause: "ADD VALUE 'x' AFTER 'b'" }])
    // Quotes in values are doubled in the clause.
    expect(
      misplacedEnumValues(
        ["it's", 'b'],
        [
          { value: 'b', order: ['b'] },
          { value: "it's", order: ['b', "it's"] }
        ]
      )
    ).toEqual([{ value: "it's", after: 'b', clause: "ADD VALUE 'it''s' BEFORE 'b'" }])
  })

  test('values not in the schema are never blamed', () => {
    expect(misplacedEnumValues(['a'], [{ value: 'q', order: ['q', 'a'], placement: { before: 'a' } }])).toEqual([])
  })

  test('enumOrderHint: the ALTER TYPE with every clause, or the general advice', () => {
    expect(
      enumOrderHint('app.mood', [
        { value: 'b', clause: "ADD VALUE 'b' BEFORE 'c'" },
        { value: 'd', clause: "ADD VALUE 'd' AFTER 'c'" }
      ])
    ).toBe(
      "Postgres keeps enum values in the order they were added; ALTER TYPE app.mood ADD VALUE 'b' BEFORE 'c', " +
        "ADD VALUE 'd' AFTER 'c' would have kept the schema's order. Recreate the type to reorder it."
    )
    expect(enumOrderHint('mood', [])).toBe(
      "Postgres keeps enum values in the order they were added; ADD VALUE … BEFORE/AFTER would have kept the schema's " +
        'order. Recreate the type to reorder it.'
    )
  })
})
