// Where the report and the pull-request annotations say an object is declared (src/schema/source-index.ts): an
// unnamed table-level index or constraint is the builder call on exactly its columns, not its first column (failure 28).
import * as fs from 'node:fs'
import * as path from 'node:path'
import { ModuleLoader } from '../src/config/module-loader'
import { runCheck } from '../src/engine/check'
import { PgliteProvider } from '../src/postgres/pglite'
import { SourceIndex } from '../src/schema/source-index'
import { tempDir } from './helpers/project'

let provider: PgliteProvider | undefined
afterAll(async () => {
  await provider?.dispose()
})

function project(files: Record<string, string>): string {
  const dir = tempDir('lines-')
  for (const [file, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true })
    fs.writeFileSync(path.join(dir, file), content)
  }
  return dir
}

const lineOf = (source: string, text: string): number => source.split('\n').findIndex((l) => l.includes(text)) + 1

const SCHEMA = `import { foreignKey, index, integer, pgTable, primaryKey, text, unique, uniqueIndex } from 'drizzle-orm/pg-core'
export const edges = pgTable(
  'edges',
  {
    id: integer('id').primaryKey(),
    sourceNode: integer('source_node').notNull(),
    targetNode: integer('target_node').notNull(),
    tag: text('tag').unique(),
  },
  (t) => [
    index().on(t.targetNode, t.sourceNode),
    // uniqueIndex().on(t.sourceNode, t.targetNode) is below, this comment is not it
    uniqueIndex()
      .on(t.sourceNode, t.targetNode),
    unique().on(t.sourceNode, t.targetNode),
    index().using('btree', t.tag.asc()),
  ],
)
export const memberships = pgTable(
  'memberships',
  { groupRef: integer('group_ref').notNull(), personRef: integer('person_ref').notNull(), edgeRef: integer('edge_ref') },
  (table) => ({
    pk: primaryKey({
      columns: [table.groupRef, table.personRef],
    }),
    edge: foreignKey({ columns: [table.edgeRef], foreignColumns: [edges.id] }),
  }),
)
`

describe('an unnamed table-level index or constraint is at its builder call (28)', () => {
  const dir = project({ 'package.json': '{ "name": "r", "private": true }', 'schema.ts': SCHEMA })
  const file = path.join(dir, 'schema.ts')
  const sources = new SourceIndex(dir, new ModuleLoader({ root: dir }).load(file), [file])
  const at = (table: string, name: string, columns: string[]): number | undefined =>
    sources.tableObject('public', table, name, columns)?.line

  test("the call whose columns are exactly the object's, in order; the default name tells an index from a unique", () => {
    expect(at('edges', 'edges_source_node_target_node_index', ['source_node', 'target_node'])).toBe(
      lineOf(SCHEMA, '    uniqueIndex()')
    )
    expect(at('edges', 'edges_target_node_source_node_index', ['target_node', 'source_node'])).toBe(
      lineOf(SCHEMA, 'index().on(t.targetNode, t.sourceNode)')
    )
    expect(at('edges', 'edges_source_node_target_node_unique', ['source_node', 'target_node'])).toBe(
      lineOf(SCHEMA, 'unique().on(')
    )
    expect(at('edges', 'edges_tag_index', ['tag'])).toBe(lineOf(SCHEMA, ".using('btree'"))
    expect(at('memberships', 'memberships_group_ref_person_ref_pk', ['group_ref', 'person_ref'])).toBe(
      lineOf(SCHEMA, 'primaryKey({')
    )
    expect(at('memberships', 'memberships_edge_ref_edges_id_fk', ['edge_ref'])).toBe(lineOf(SCHEMA, 'foreignKey('))
  })

  test("no such call: a column's own .unique() is at the column (not the index on it), anything else as before", () => {
    expect(at('edges', 'edges_tag_unique', ['tag'])).toBe(lineOf(SCHEMA, "tag: text('tag')"))
    expect(at('edges', 'edges_id_target_node_index', ['id', 'target_node'])).toBe(lineOf(SCHEMA, "id: integer('id')"))
    expect(at('edges', 'edges_weird', [])).toBe(lineOf(SCHEMA, 'export const edges'))
  })

  test('the report: a missing unique index is at its uniqueIndex().on(…) line', async () => {
    const schema = `import { integer, pgTable, uniqueIndex } from 'drizzle-orm/pg-core'
export const follows = pgTable(
  'follows',
  {
    id: integer('id').primaryKey(),
    followerId: integer('follower_id').notNull(),
    followeeId: integer('followee_id').notNull(),
  },
  (t) => [uniqueIndex().on(t.followerId, t.followeeId)],
)
`
    const root = project({
      'package.json': '{ "name": "r", "private": true }',
      'drizzle.config.ts': "export default { dialect: 'postgresql', schema: './schema.ts', out: './drizzle' }\n",
      'schema.ts': schema,
      'drizzle/0000_init.sql':
        'CREATE TABLE "follows" ("id" integer PRIMARY KEY NOT NULL, "follower_id" integer NOT NULL, "followee_id" integer NOT NULL);\n',
      'drizzle/meta/_journal.json': JSON.stringify({
        version: '7',
        dialect: 'postgresql',
        entries: [{ idx: 0, version: '7', when: 1700000000000, tag: '0000_init', breakpoints: true }]
      })
    })
    provider ??= new PgliteProvider()
    const report = await runCheck({ root, provider })
    const missing = report.findings.find((f) => f.kind === 'missing_index')
    expect(missing).toMatchObject({
      name: 'follows_follower_id_followee_id_index',
      file: 'schema.ts',
      line: lineOf(schema, 'uniqueIndex().on(')
    })
  })
})

test("casing: 'camelCase' keeps the rest of each word as drizzle-orm does (owner_ID is ownerID)", () => {
  const source =
    "import { integer, pgTable } from 'drizzle-orm/pg-core'\nexport const pets = pgTable('pets', {\n  pet_id: integer().primaryKey(),\n  owner_ID: integer(),\n})\n"
  const dir = project({ 'package.json': '{ "name": "r", "private": true }', 'schema.ts': source })
  const file = path.join(dir, 'schema.ts')
  const sources = new SourceIndex(dir, new ModuleLoader({ root: dir }).load(file), [file], 'camelCase')
  expect(sources.column('public', 'pets', 'ownerID')?.line).toBe(4)
  expect(sources.column('public', 'pets', 'petId')?.line).toBe(3)
})
