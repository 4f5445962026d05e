// The replay of the migrations' DDL that the causes read (src/explain/object-history.ts): which statement created,
// changed, renamed or dropped each object, at which line.
import { Migration, splitStatements } from '../src/migrations/folder'
import { objectHistory, objectKey } from '../src/explain/object-history'

const migration = (idx: number, tag: string, sql: string): Migration => ({
  idx,
  tag,
  when: idx,
  file: `/p/drizzle/${tag}.sql`,
  sql,
  statements: splitStatements(sql),
  breakpoints: true
})

const history = (...sqls: string[]): ReturnType<typeof objectHistory> =>
  objectHistory(
    '/p',
    sqls.map((sql, i) => migration(i, `000${i}_m`, sql))
  )

const story = (h: ReturnType<typeof objectHistory>, key: string): string[] =>
  (h.events.get(key) ?? []).map(
    (e) => `${e.action}${e.renamed ? ' (rename)' : ''}${e.aspects ? ` ${e.aspects.join(',')}` : ''} ${e.file}:${e.line}`
  )

describe('object history', () => {
  test('CREATE TABLE columns at their own lines; ALTER TABLE actions one by one; a column is not a same-named enum', () => {
    const h = history(
      'CREATE TYPE "public"."mood" AS ENUM(\'a\', \'b\');\n--> statement-breakpoint\nCREATE TABLE "users" (\n\t"id" integer PRIMARY KEY NOT NULL,\n\t"mood" "mood",\n\tCONSTRAINT "users_x" UNIQUE("id")\n);',
      'ALTER TABLE users ALTER COLUMN mood SET DEFAULT \'a\', ALTER COLUMN "mood" SET NOT NULL;\nALTER TYPE "mood" ADD VALUE IF NOT EXISTS \'a\';\nALTER TYPE "mood" ADD VALUE \'c\';'
    )
    expect(story(h, objectKey('column', 'public', 'mood', 'users'))).toEqual([
      'create drizzle/0000_m.sql:5',
      'change default drizzle/0001_m.sql:1',
      'change nullability drizzle/0001_m.sql:1'
    ])
    expect(story(h, objectKey('constraint', 'public', 'users_x', 'users'))).toEqual(['create drizzle/0000_m.sql:6'])
    expect(story(h, objectKey('enum', 'public', 'mood'))).toEqual(['create drizzle/0000_m.sql:1'])
    // IF NOT EXISTS on a value the type has adds nothing.
    expect(story(h, objectKey('enum_value', 'public', 'a', 'mood'))).toEqual(['create drizzle/0000_m.sql:1'])
    expect(story(h, objectKey('enum_value', 'public', 'c', 'mood'))).toEqual(['create drizzle/0001_m.sql:3'])
  })

  test('a -- or /* inside a string literal is not a comment: the actions after it in the statement are still read', () => {
    const h = history(
      'CREATE TABLE "links" ("id" integer, "url" text, "kind" text);',
      // A regex took '--' for a comment to the end of the line, and '/*' for one running to the next */.
      `ALTER TABLE "links" ALTER COLUMN "url" SET DEFAULT 'a--b', ADD COLUMN "note" text;\n` +
        `ALTER TABLE "links" ALTER COLUMN "kind" SET DEFAULT '/*',\n  ADD COLUMN "tag" text; -- */ a comment`
    )
    expect(story(h, objectKey('column', 'public', 'note', 'links'))).toEqual(['create drizzle/0001_m.sql:1'])
    expect(story(h, objectKey('column', 'public', 'kind', 'links'))).toEqual([
      'create drizzle/0000_m.sql:1',
      'change default drizzle/0001_m.sql:2'
    ])
    expect(story(h, objectKey('column', 'public', 'tag', 'links'))).toEqual(['create drizzle/0001_m.sql:3'])
  })

  test('renames keep the earlier events; DROP TABLE drops the columns and indexes', () => {
    const h = history(
      'CREATE TABLE "a" ("id" integer, "n" text);\nCREATE INDEX "a_n" ON "a" ("n");',
      'ALTER TABLE "a" RENAME COLUMN "n" TO "name";\nALTER TABLE "a" RENAME TO "b";',
      'DROP TABLE "b" CASCADE;'
    )
    expect(story(h, objectKey('column', 'public', 'name', 'b'))).toEqual([
      'create drizzle/0000_m.sql:1',
      'drop (rename) drizzle/0001_m.sql:1',
      'create (rename) drizzle/0001_m.sql:1',
      'drop (rename) drizzle/0001_m.sql:2',
      'create (rename) drizzle/0001_m.sql:2',
      'drop drizzle/0002_m.sql:1'
    ])
    expect(story(h, objectKey('index', 'public', 'a_n'))).toEqual([
      'create drizzle/0000_m.sql:2',
      'drop drizzle/0002_m.sql:1'
    ])
  })
})
