// The cases of drift-guard fix on drizzle-kit 1.x folders (docs/repair.md), shared by repair-kit1.test.ts and
// repair-kit1-embedded.test.ts (two files, so that jest runs the embedded half beside the rest): projects made by the
// real drizzle-kit 1.0.0-rc.5 (__fixtures__/kit1-real-*) are repaired, then (1) drift-guard check reports no error, (2) the real 1.x `generate`
// says "No schema changes", (3) drizzle-orm 1.x's migrator applies the new folder to a database migrated with the
// old ones (rows kept) and to a fresh one, with the same schema, and (4) no existing file changed. The real 1.x pair
// is the vendored one (vendor-drizzle-1/), installed once by hard links: the projects resolve it as their own.
import * as fs from 'node:fs'
import * as path from 'node:path'
import { execFile, spawnSync } from 'node:child_process'
import { promisify } from 'node:util'
import { checkProject, runCheck } from '../../src/engine/check'
import { parseRename } from '../../src/repair/rename'
import { repairProject } from '../../src/repair/repair'
import { PostgresProvider } from '../../src/postgres/provider'
import { SERVER_URL, providerForSuite } from './postgres'
import { REPO, tempDir } from './project'
import { fileHashes as hashes } from './files'

const MIGRATE = path.join(__dirname, 'drizzle-migrate.mjs')
const runAsync = promisify(execFile)

const KIT1 = path.join(REPO, 'vendor-drizzle-1', 'node_modules')
let kit1Installed: string
/** A folder whose node_modules holds the real drizzle-kit and drizzle-orm 1.x: projects made inside it use them. */
export const kit1Install = (): string => {
  if (kit1Installed) return kit1Installed
  kit1Installed = tempDir('fix-kit1-')
  fs.writeFileSync(path.join(kit1Installed, 'package.json'), '{ "name": "fix-kit1", "private": true }\n')
  fs.mkdirSync(path.join(kit1Installed, 'node_modules'))
  for (const pkg of ['drizzle-kit', 'drizzle-orm'])
    spawnSync('cp', ['-al', path.join(KIT1, pkg), path.join(kit1Installed, 'node_modules', pkg)])
  return kit1Installed
}

/** The real drizzle-kit 1.x `generate` (its output, stdout and stderr, also when it fails). */
export async function kit1Generate(dir: string, config: string, args: string[] = []): Promise<string> {
  const bin = path.join(kit1Install(), 'node_modules', 'drizzle-kit', 'bin.cjs')
  const { stdout, stderr } = await runAsync(process.execPath, [bin, 'generate', '--config', config, ...args], {
    cwd: dir,
    timeout: 120_000
  }).catch((e: { stdout?: string; stderr?: string }) => ({ stdout: e.stdout ?? '', stderr: e.stderr ?? '' }))
  return `${stdout}\n${stderr}`
}

export async function drizzleMigrate1(kind: string, oldFolder: string, newFolder: string, seed: string, count: string) {
  const options = { kind, url: SERVER_URL, old: oldFolder, new: newFolder, seed, count, drizzle: '1' }
  const { stdout } = await runAsync(process.execPath, [MIGRATE, JSON.stringify(options)], {
    cwd: REPO,
    timeout: 120_000,
    maxBuffer: 64 * 1024 * 1024
  })
  return JSON.parse(stdout) as { upgraded: unknown; fresh: unknown; rows: number }
}

export interface Kit1Case {
  fixture: string
  target?: string
  config: string
  folder: string
  statements: string[]
  /** The new snapshot's deltas (kind and key or row name), or none when only the SQL was wrong. */
  deltas: string[]
  seed: string
  count: string
  /** --rename values. */
  renames?: string[]
}

export const KIT1_CASES: Kit1Case[] = [
  {
    fixture: 'tenants', // never generated (the seed's five Stripe columns), in the tenant target
    target: 'tenant',
    config: 'drizzle.tenant.config.ts',
    folder: 'drizzle/tenant',
    statements: [
      'ALTER TABLE "organizations" ADD COLUMN IF NOT EXISTS "stripeCustomerId" text;',
      'ALTER TABLE "organizations" ADD COLUMN IF NOT EXISTS "stripeSubscriptionId" text;',
      'ALTER TABLE "organizations" ADD COLUMN IF NOT EXISTS "stripePriceId" text;',
      'ALTER TABLE "organizations" ADD COLUMN IF NOT EXISTS "stripeStatus" text;',
      'ALTER TABLE "organizations" ADD COLUMN IF NOT EXISTS "stripeCurrentPeriodEnd" timestamp with time zone;'
    ],
    deltas: [
      'create stripeCustomerId',
      'create stripeSubscriptionId',
      'create stripePriceId',
      'create stripeStatus',
      'create stripeCurrentPeriodEnd'
    ],
    seed: "INSERT INTO organizations (name) VALUES ('acme')",
    count: 'SELECT count(*) FROM organizations'
  },
  {
    fixture: 'drift', // enum value, nullability and type changed in the schema, never generated
    config: 'drizzle.config.ts',
    folder: 'drizzle',
    statements: [
      `ALTER TYPE "public"."status" ADD VALUE IF NOT EXISTS 'archived' AFTER 'published';`,
      'ALTER TABLE "posts" ALTER COLUMN "title" DROP NOT NULL;',
      'ALTER TABLE "posts" ALTER COLUMN "body" SET DATA TYPE character varying(5000) USING "body"::character varying(5000);'
    ],
    deltas: [
      'alter enums\0["public","status"]',
      'alter columns\0["public","posts","title"]',
      'alter columns\0["public","posts","body"]'
    ],
    seed: "INSERT INTO posts (title, body) VALUES ('a', 'b')",
    count: "SELECT count(*) FROM posts WHERE body = 'b'"
  },
  {
    fixture: 'edited', // SQL edited after generation: the snapshot is right, only the SQL repairs
    config: 'drizzle.config.ts',
    folder: 'drizzle',
    statements: [
      'ALTER TABLE "posts" ALTER COLUMN "title" SET DATA TYPE character varying(200) USING "title"::character varying(200);'
    ],
    deltas: [],
    seed: "INSERT INTO posts (title) VALUES ('a')",
    count: 'SELECT count(*) FROM posts'
  },
  {
    fixture: 'hand-index', // a hand-written index the schema does not declare: dropped with --allow-destructive
    config: 'drizzle.config.ts',
    folder: 'drizzle',
    statements: ['DROP INDEX IF EXISTS "posts_lower_title_idx";'],
    deltas: [],
    seed: "INSERT INTO posts (title) VALUES ('a')",
    count: 'SELECT count(*) FROM posts'
  },
  {
    fixture: 'rename-column', // one column renamed, its table kept; its unique constraint is named after it
    config: 'drizzle.config.ts',
    folder: 'drizzle',
    renames: ['members.email=contactEmail'],
    statements: [
      'ALTER TABLE "members" RENAME COLUMN "email" TO "contactEmail";',
      'ALTER TABLE "members" RENAME CONSTRAINT "members_email_key" TO "members_contactEmail_key";'
    ],
    deltas: [
      'drop columns\0["public","members","email"]',
      'drop uniques\0["public","members","members_email_key"]',
      'create contactEmail',
      'create members_contactEmail_key'
    ],
    seed: "INSERT INTO members (email) VALUES ('a@x.io')",
    count: 'SELECT count(*) FROM members WHERE "contactEmail" = \'a@x.io\''
  },
  {
    fixture: 'enum-value-removed', // a value taken out of an enum: the type re-created, its column cast through text
    config: 'drizzle.config.ts',
    folder: 'drizzle',
    statements: [
      'ALTER TYPE "public"."status" RENAME TO "status_old";',
      `CREATE TYPE "public"."status" AS ENUM('draft', 'published');`,
      'ALTER TABLE "posts" ALTER COLUMN "status" DROP DEFAULT;',
      'ALTER TABLE "posts" ALTER COLUMN "status" SET DATA TYPE "public"."status" USING "status"::text::"public"."status";',
      `ALTER TABLE "posts" ALTER COLUMN "status" SET DEFAULT 'draft'::status;`,
      'DROP TYPE "public"."status_old";'
    ],
    deltas: ['alter enums\0["public","status"]'],
    seed: "INSERT INTO posts (title, status) VALUES ('a', 'published'), ('b', 'draft')",
    count: "SELECT count(*) FROM posts WHERE status = 'published'"
  },
  {
    fixture: 'default-index', // a default added, one changed, an index declared: never generated
    config: 'drizzle.config.ts',
    folder: 'drizzle',
    statements: [
      'ALTER TABLE "posts" ALTER COLUMN "body" SET DEFAULT \'\'::text;',
      'ALTER TABLE "posts" ALTER COLUMN "status" SET DEFAULT \'published\'::status;',
      'CREATE INDEX IF NOT EXISTS "posts_title_idx" ON public.posts USING btree (title);'
    ],
    deltas: [
      'create posts_title_idx',
      'alter columns\0["public","posts","body"]',
      'alter columns\0["public","posts","status"]'
    ],
    seed: "INSERT INTO posts (title) VALUES ('a')",
    count: "SELECT count(*) FROM posts WHERE status = 'draft'"
  },
  {
    fixture: 'hand-column', // a hot-fix column written into the SQL, not declared: dropped with --allow-destructive
    config: 'drizzle.config.ts',
    folder: 'drizzle',
    statements: ['ALTER TABLE "posts" DROP COLUMN IF EXISTS "legacy_code";'],
    deltas: [],
    seed: "INSERT INTO posts (title, legacy_code) VALUES ('a', 'x')",
    count: 'SELECT count(*) FROM posts'
  },
  {
    fixture: 'constraints', // a unique edited out of the SQL; a check and a foreign key never generated
    config: 'drizzle.config.ts',
    folder: 'drizzle',
    statements: [
      `DO $$ BEGIN\n ALTER TABLE "books" ADD CONSTRAINT "books_pages_positive" CHECK (pages > 0);\nEXCEPTION\n WHEN duplicate_object OR duplicate_table OR invalid_table_definition THEN null;\nEND $$;`,
      `DO $$ BEGIN\n ALTER TABLE "books" ADD CONSTRAINT "books_isbn_key" UNIQUE (isbn);\nEXCEPTION\n WHEN duplicate_object OR duplicate_table OR invalid_table_definition THEN null;\nEND $$;`,
      `DO $$ BEGIN\n ALTER TABLE "books" ADD CONSTRAINT "books_authorId_authors_id_fkey" FOREIGN KEY ("authorId") REFERENCES authors(id);\nEXCEPTION\n WHEN duplicate_object OR duplicate_table OR invalid_table_definition THEN null;\nEND $$;`
    ],
    deltas: ['create books_authorId_authors_id_fkey', 'create books_pages_positive'],
    seed: "INSERT INTO authors (name) VALUES ('a'); INSERT INTO books (\"authorId\", isbn) SELECT id, 'x' FROM authors",
    count: 'SELECT count(*) FROM books'
  },
  {
    fixture: 'rename', // a table and a column renamed in the schema, given with --rename: RENAME keeps the rows
    config: 'drizzle.config.ts',
    folder: 'drizzle',
    renames: ['teams=groups', 'members.email=contactEmail'],
    statements: [
      'ALTER TABLE "teams" RENAME TO "groups";',
      'ALTER TABLE "groups" RENAME CONSTRAINT "teams_pkey" TO "groups_pkey";',
      'ALTER TABLE "groups" RENAME CONSTRAINT "teams_name_key" TO "groups_name_key";',
      'ALTER TABLE "members" RENAME COLUMN "email" TO "contactEmail";',
      'ALTER TABLE "members" RENAME CONSTRAINT "members_teamId_teams_id_fkey" TO "members_teamId_groups_id_fkey";'
    ],
    deltas: [
      // A rename is a drop and a create of each row keyed by the old name (drizzle-kit's own deltas would say rename;
      // it rebuilds the same state from these).
      'drop tables\0["public","teams"]',
      'drop columns\0["public","members","email"]',
      'drop columns\0["public","teams","id"]',
      'drop columns\0["public","teams","name"]',
      'drop fks\0["public","members","members_teamId_teams_id_fkey"]',
      'drop pks\0["public","teams","teams_pkey"]',
      'drop uniques\0["public","teams","teams_name_key"]',
      'create groups',
      'create id',
      'create name',
      'create contactEmail',
      'create members_teamId_groups_id_fkey',
      'create groups_pkey',
      'create groups_name_key'
    ],
    seed: "INSERT INTO teams (name) VALUES ('red'); INSERT INTO members (\"teamId\", email) SELECT id, 'a@x.io' FROM teams",
    count:
      "SELECT (SELECT count(*) FROM groups WHERE name = 'red') + (SELECT count(*) FROM members WHERE \"contactEmail\" = 'a@x.io')"
  },
  {
    // 1.x's own rename deltas (the table's columns, keys and foreign keys move with it), then a column never generated
    fixture: 'renamed',
    config: 'drizzle.config.ts',
    folder: 'drizzle',
    statements: ['ALTER TABLE "groups" ADD COLUMN IF NOT EXISTS "color" text;'],
    deltas: ['create color'],
    seed: "INSERT INTO groups (name) VALUES ('red')",
    count: 'SELECT count(*) FROM groups'
  }
]

/** The tests of `cases` on one Postgres kind (a describe of its own, with its provider). */
export function describeKit1Repair(name: string, create: () => PostgresProvider, cases: Kit1Case[]): void {
  describe(`drift-guard fix on drizzle-kit 1.x folders, on ${name}`, () => {
    const provider = providerForSuite(create)
    const kind = name.startsWith('embedded') ? 'pglite' : 'server'

    test.each(cases.map((c) => [c.fixture, c] as const))(
      'kit1-real-%s: <stamp>_<name>/migration.sql + a diff snapshot chained to the last; check clean, 1.x generate "No schema changes", 1.x migrator on an old and a fresh database',
      async (fixture, c) => {
        const dir = path.join(kit1Install(), `${fixture}-${kind}`)
        fs.cpSync(path.join(REPO, '__fixtures__', `kit1-real-${fixture}`), dir, { recursive: true })
        const folder = path.join(dir, c.folder)
        const old = path.join(dir, 'migrations-old')
        fs.cpSync(folder, old, { recursive: true })
        const before = hashes(dir)
        const checked = await checkProject({ root: dir, provider })
        // A dry run writes nothing and names the same files.
        const renames = (c.renames ?? []).map(parseRename)
        const options = { target: c.target, allowDestructive: true, name: 'repair', renames }
        const dry = repairProject(checked, { ...options, dryRun: true })
        expect(hashes(dir)).toEqual(before)
        const result = repairProject(checked, options)
        expect(result.ok).toBe(true)
        const target = result.targets.find((t) => t.target === (c.target ?? t.target))!
        expect(target.statements.map((s) => s.sql)).toEqual(c.statements)
        expect(target.files).toEqual([
          expect.stringMatching(new RegExp(`^${c.folder}/\\d{14}_repair/migration\\.sql$`)),
          expect.stringMatching(new RegExp(`^${c.folder}/\\d{14}_repair/snapshot\\.json$`))
        ])
        expect(dry.targets.find((t) => t.target === target.target)!.files).toEqual(target.files)
        const written = path.dirname(path.join(dir, target.files[0]))
        const earlier = fs.readdirSync(folder).filter((f) => path.join(folder, f) !== written)
        // Sorts after every earlier folder (1.x refuses a migration that sorts before its parent).
        expect(earlier.every((f) => f < path.basename(written))).toBe(true)
        const last = JSON.parse(fs.readFileSync(path.join(folder, earlier.sort().pop()!, 'snapshot.json'), 'utf8'))
        const snapshot = JSON.parse(fs.readFileSync(path.join(dir, target.files[1]), 'utf8'))
        expect(snapshot).toMatchObject({ type: 'diff', version: '9', dialect: 'postgres', prevIds: [last.id] })
        expect(
          snapshot.deltas.map(
            (d: { op: string; key?: string; row?: { name: string } }) => `${d.op} ${d.key ?? d.row!.name}`
          )
        ).toEqual(c.deltas)
        // (4) nothing existing changed.
        const after = hashes(dir)
        expect([...before].filter(([f, h]) => after.get(f) !== h)).toEqual([])
        // (1) check clean, (2) 1.x generate has nothing to write, (3) 1.x migrator: rows kept, same as a fresh one.
        const [report, generated, migrated] = await Promise.all([
          runCheck({ root: dir, provider }),
          kit1Generate(dir, c.config),
          drizzleMigrate1(kind, old, folder, c.seed, c.count)
        ])
        expect(report.findings.filter((f) => f.severity === 'error')).toEqual([])
        expect(generated).toContain('No schema changes')
        expect(migrated.rows).toBe(c.fixture === 'rename' ? 2 : 1)
        expect(migrated.upgraded).toEqual(migrated.fresh)
      }
    )
  })
}
