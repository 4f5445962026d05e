// What --base reads of the base commit, and the work it saves (docs/baseline.md, bench/README.md): the base's files
// read in one git process (names with spaces, non-ASCII bytes, missing paths), no worktree when nothing in the
// repository changed, and the snapshots parsed once for both sides while each side names its own files.
import { execFileSync } from 'node:child_process'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { showFiles } from '../src/core/git'
import { Report } from '../src/core/findings'
import { runCheckWithBase } from '../src/engine/base-check'
import { runCheck } from '../src/engine/check'
import { EACH_POSTGRES, providerForSuite } from './helpers/postgres'
import { makeProject, tempDir } from './helpers/project'

const SCHEMA = `import { pgTable, serial, text } from "drizzle-orm/pg-core";

export const users = pgTable("users", {
  id: serial("id").primaryKey(),
  email: text("email").notNull(),
});
`
const DRIFTED = SCHEMA.replace('  email:', '  nickname: text("nickname"),\n  email:')

/** A hand-written migration appended to the journal (what a pull request adding a migration does). */
function addMigration(dir: string, name: string, sql: string): void {
  const journalFile = path.join(dir, 'drizzle', 'meta', '_journal.json')
  const journal = JSON.parse(fs.readFileSync(journalFile, 'utf8'))
  const last = journal.entries[journal.entries.length - 1]
  const tag = `${String(journal.entries.length).padStart(4, '0')}_${name}`
  journal.entries.push({ idx: journal.entries.length, version: '7', when: last.when + 1000, tag, breakpoints: true })
  fs.writeFileSync(journalFile, JSON.stringify(journal, null, 2))
  fs.writeFileSync(path.join(dir, 'drizzle', `${tag}.sql`), sql)
}

/** What a report says of the drift and of the migrations applied, without run times and the delta's marks. */
const outcome = (report: Report): unknown => ({
  findings: report.findings.map(({ new: _new, ...f }) => ({
    ...f,
    ...(f.changes ? { changes: f.changes.map(({ new: _changeNew, ...c }) => c) } : {})
  })),
  databases: report.targets.map((t) => t.databases),
  summary: report.summary
})

const gitIn =
  (dir: string) =>
  (...args: string[]): string =>
    execFileSync('git', ['-C', dir, '-c', 'user.name=T', '-c', 'user.email=t@t', ...args], { encoding: 'utf8' })

test('showFiles reads many files of a commit in one git: exact bytes, names with spaces, missing paths left out', () => {
  const dir = tempDir('git-show-')
  const git = gitIn(dir)
  git('init', '-q')
  fs.mkdirSync(path.join(dir, 'drizzle', 'sub dir'), { recursive: true })
  const files: Record<string, string> = {
    'drizzle/0000_a.sql': 'CREATE TABLE "a" ("x" text);\n',
    'drizzle/sub dir/0001 b.sql': '-- café, 日本\nSELECT 1;',
    'drizzle/0002_empty.sql': ''
  }
  for (const [file, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, file), text)
  git('add', '-A')
  git('commit', '-qm', 'one')
  // Edited after the commit: the commit's bytes are read, not the working tree's.
  fs.writeFileSync(path.join(dir, 'drizzle/0000_a.sql'), 'changed')
  const read = showFiles(dir, 'HEAD', [...Object.keys(files), 'drizzle/missing.sql', 'drizzle/sub dir'])
  expect(Object.fromEntries(read)).toEqual(files)
  expect(showFiles(dir, 'HEAD', [])).toEqual(new Map())
})

describe.each(EACH_POSTGRES)('--base on %s', (name, createProvider) => {
  const provider = providerForSuite(createProvider)

  test('nothing changed in the repository: no worktree, every finding old; an edited schema: the base checked in a worktree, its files named from its own root', async () => {
    const dir = await makeProject({ steps: [SCHEMA], finalSchema: DRIFTED, name: 'base-check' })
    const git = gitIn(dir)
    git('init', '-q')
    git('add', '-A')
    git('commit', '-qm', 'drifting already')
    const logs: string[] = []
    const same = await runCheckWithBase({ root: dir, provider, base: 'HEAD', newOnly: true, log: (l) => logs.push(l) })
    expect(logs).toContain("base HEAD: nothing in the repository changed, its findings are the head's")
    expect(logs.some((l) => l.startsWith('base: '))).toBe(false)
    expect(same.findings.length).toBeGreaterThan(0)
    expect(same.findings.every((f) => f.new === false)).toBe(true)
    expect(same.base).toMatchObject({ introduced: 0, fixed: 0 })

    // The drift fixed in the schema: the base is checked (its own log lines), its findings are listed as fixed with
    // paths relative to its root (the snapshots were parsed once, by whichever side came first).
    fs.writeFileSync(path.join(dir, 'src', 'schema.ts'), SCHEMA)
    logs.length = 0
    const fixed = await runCheckWithBase({ root: dir, provider, base: 'HEAD', newOnly: true, log: (l) => logs.push(l) })
    expect(logs.some((l) => l.startsWith('base: '))).toBe(true)
    expect(fixed.base).toMatchObject({ introduced: 0, existing: 0 })
    expect(fixed.fixed!.map((f) => f.kind).sort()).toEqual(['missing_column', 'snapshot_out_of_date'])
    const snapshot = fixed.fixed!.find((f) => f.kind === 'snapshot_out_of_date')!
    expect(snapshot.file).toBe(path.join('drizzle', 'meta', '0000_snapshot.json'))
    expect(fixed.fixed!.find((f) => f.kind === 'missing_column')!.file).toBe(path.join('src', 'schema.ts'))
    expect(git('worktree', 'list').trim().split('\n')).toHaveLength(1)
  })

  test('a folder outside any git repository, and a ref that is not a commit: each said for what it is', async () => {
    // (The test projects are inside this repository: this one is in the system's temporary folder.)
    const bare = fs.mkdtempSync(path.join(os.tmpdir(), 'dg-base-no-git-'))
    try {
      await expect(runCheckWithBase({ root: bare, provider, base: 'main' })).rejects.toThrow(
        /^--base main: .* is not in a git repository \(--base checks a commit of it too\)$/
      )
    } finally {
      fs.rmSync(bare, { recursive: true, force: true })
    }
    const outside = await makeProject({ steps: [SCHEMA], name: 'base-no-ref' })
    gitIn(outside)('init', '-q')
    gitIn(outside)('add', '-A')
    gitIn(outside)('commit', '-qm', 'one')
    await expect(runCheckWithBase({ root: outside, provider, base: 'no-such-branch' })).rejects.toThrow(
      /^--base no-such-branch: not a commit of the git repository at .*fetch-depth: 0\)$/
    )
  })

  test('a snapshot edited in the change is new whatever the path that reaches it: through a symbolic link, or in a folder outside the checked one', async () => {
    for (const layout of ['symlink', 'outside'] as const) {
      const top = tempDir(`base-${layout}-`)
      // outside: the checked folder is app/, its migrations are ../db/drizzle. symlink: drizzle -> db/drizzle.
      const root = layout === 'outside' ? path.join(top, 'app') : top
      const out = layout === 'outside' ? '../db/drizzle' : './drizzle'
      const project = await makeProject({ steps: [SCHEMA], name: `base-${layout}-project` })
      fs.mkdirSync(root, { recursive: true })
      fs.cpSync(path.join(project, 'src'), path.join(root, 'src'), { recursive: true })
      fs.cpSync(path.join(project, 'drizzle'), path.join(top, 'db', 'drizzle'), { recursive: true })
      fs.writeFileSync(
        path.join(root, 'drizzle.config.ts'),
        `import { defineConfig } from "drizzle-kit";\nexport default defineConfig({ dialect: "postgresql", schema: "./src/schema.ts", out: "${out}" });\n`
      )
      if (layout === 'symlink') fs.symlinkSync(path.join('db', 'drizzle'), path.join(top, 'drizzle'))
      const git = gitIn(top)
      git('init', '-q')
      git('add', '-A')
      git('commit', '-qm', 'no drift')
      // The change: the last snapshot loses a column the schema declares.
      const snapshotFile = path.join(top, 'db', 'drizzle', 'meta', '0000_snapshot.json')
      const snapshot = JSON.parse(fs.readFileSync(snapshotFile, 'utf8'))
      delete snapshot.tables['public.users'].columns.email
      fs.writeFileSync(snapshotFile, JSON.stringify(snapshot, null, 2))
      const report = await runCheckWithBase({ root, provider, base: 'HEAD', newOnly: true })
      expect({ layout, findings: report.findings.map((f) => `${f.kind} new=${f.new}`) }).toEqual({
        layout,
        findings: ['snapshot_out_of_date new=true']
      })
      expect(report.ok).toBe(false)
    }
  })

  test('the checked folder is new in this change: every finding is new, the head waits for no base, the worktree is removed', async () => {
    const top = tempDir('base-new-folder-')
    const git = gitIn(top)
    git('init', '-q')
    fs.writeFileSync(path.join(top, 'README.md'), 'before the database\n')
    git('add', '-A')
    git('commit', '-qm', 'no database yet')
    const dir = await makeProject({ steps: [SCHEMA], finalSchema: DRIFTED, name: 'base-check' })
    fs.cpSync(dir, path.join(top, 'app'), { recursive: true })
    const report = await runCheckWithBase({ root: path.join(top, 'app'), provider, base: 'HEAD', newOnly: true })
    expect(report.findings.length).toBeGreaterThan(0)
    expect(report.findings.every((f) => f.new === true)).toBe(true)
    expect(report.base).toMatchObject({ existing: 0, fixed: 0 })
    expect(outcome(report)).toEqual(outcome(await runCheck({ root: path.join(top, 'app'), provider })))
    expect(git('worktree', 'list').trim().split('\n')).toHaveLength(1)
  })

  test("a change that adds migrations: the base's migrated database is gone on from, and the head's report is a plain check's", async () => {
    const dir = await makeProject({ steps: [SCHEMA], finalSchema: DRIFTED, name: 'base-prefix' })
    const git = gitIn(dir)
    git('init', '-q')
    git('add', '-A')
    git('commit', '-qm', 'drifting already')
    // Two migrations, one of them adding the column nobody generated (migration_out_of_order-free: newer `when`).
    addMigration(dir, 'nickname', 'ALTER TABLE "users" ADD COLUMN "nickname" text;\n')
    addMigration(dir, 'email_index', 'CREATE INDEX "users_email_idx" ON "users" ("email");\n')
    const logs: string[] = []
    const withBase = await runCheckWithBase({
      root: dir,
      provider,
      base: 'HEAD',
      newOnly: true,
      log: (l) => logs.push(l)
    })
    expect(logs.some((l) => /went on from the other check's database \(1 migration\(s\)\), applied 2/.test(l))).toBe(
      true
    )
    const plain = await runCheck({ root: dir, provider, base: 'HEAD' })
    expect(outcome(withBase)).toEqual(outcome(plain))
    expect(withBase.targets[0].databases[0].migrations.map((m) => `${m.file} ${m.ok}`)).toEqual([
      `${path.join('drizzle', '0000_step_0.sql')} true`,
      `${path.join('drizzle', '0001_nickname.sql')} true`,
      `${path.join('drizzle', '0002_email_index.sql')} true`
    ])
    // The index is extra drift this change introduces; the column's drift is fixed.
    expect(withBase.findings.filter((f) => f.new && f.severity === 'error').map((f) => f.kind)).toEqual(['extra_index'])
    expect(withBase.fixed!.map((f) => f.kind)).toContain('missing_column')
    expect(git('worktree', 'list').trim().split('\n')).toHaveLength(1)
  })

  test('files git lists as changed are read on each side (an applied migration edited, a snapshot edited, a name git would quote); the others are read once: the same report as a plain check', async () => {
    const dir = await makeProject({ steps: [SCHEMA, DRIFTED], name: 'base-changed' })
    addMigration(dir, 'café_index', 'CREATE INDEX "users_email_idx" ON "users" ("email");\n')
    const git = gitIn(dir)
    git('init', '-q')
    git('add', '-A')
    git('commit', '-qm', 'an index nobody declared')
    // The pull request edits the applied migration (its name has bytes git quotes unless told not to) and the last
    // snapshot, which no longer records the column.
    fs.writeFileSync(
      path.join(dir, 'drizzle', '0002_café_index.sql'),
      'CREATE INDEX "users_email_idx" ON "users" ("nickname");\n'
    )
    const snapshotFile = path.join(dir, 'drizzle', 'meta', '0001_snapshot.json')
    const snapshot = JSON.parse(fs.readFileSync(snapshotFile, 'utf8'))
    delete snapshot.tables['public.users'].columns.nickname
    fs.writeFileSync(snapshotFile, JSON.stringify(snapshot, null, 2))
    const withBase = await runCheckWithBase({ root: dir, provider, base: 'HEAD', newOnly: true })
    expect(outcome(withBase)).toEqual(outcome(await runCheck({ root: dir, provider, base: 'HEAD' })))
    const introduced = withBase.findings.filter((f) => f.new).map((f) => `${f.kind} ${f.name ?? f.column ?? ''}`)
    expect(introduced).toEqual(
      expect.arrayContaining(['migration_modified 0002_café_index', expect.stringMatching(/^snapshot_out_of_date/)])
    )
    expect(git('worktree', 'list').trim().split('\n')).toHaveLength(1)
  })

  test("a second run on the same base builds neither side's schema database again: the base's worktree, in a new temporary folder on every run, finds its entry", async () => {
    const dir = await makeProject({ steps: [SCHEMA], finalSchema: DRIFTED, name: 'base-cached' })
    const git = gitIn(dir)
    git('init', '-q')
    git('add', '-A')
    git('commit', '-qm', 'drifting already')
    // The pull request: another column declared, so both sides have a schema of their own.
    fs.writeFileSync(
      path.join(dir, 'src', 'schema.ts'),
      DRIFTED.replace('  email:', '  avatar: text("avatar"),\n  email:')
    )
    const runnerTemp = process.env.RUNNER_TEMP
    process.env.RUNNER_TEMP = tempDir('base-cache-')
    const labels: string[][] = []
    const identities: (string | undefined)[] = []
    // A provider per run, as a CLI run has: a server's state is read once per provider.
    const run = async (): Promise<Report> => {
      const own = createProvider()
      const create = own.createDatabase.bind(own)
      const created: string[] = []
      own.createDatabase = (label, options) => {
        created.push(label)
        return create(label, options)
      }
      try {
        return await runCheckWithBase({ root: dir, provider: own, base: 'HEAD', newOnly: true })
      } finally {
        labels.push(created.sort())
        identities.push(await own.buildIdentity?.())
        await own.dispose()
      }
    }
    try {
      const first = await run()
      expect(labels[0].filter((l) => l.endsWith('_schema'))).toHaveLength(2)
      // (On the server, another test file's migration may create a role for a moment: the server's state, and the
      // key, change; the pair is run again then.)
      let second = await run()
      for (let attempt = 0; attempt < 2 && identities.at(-1) !== identities.at(-2); attempt++) second = await run()
      expect(labels.at(-1)!.filter((l) => l.endsWith('_schema'))).toEqual([])
      expect(outcome(second)).toEqual(outcome(first))
      // The column the pull request declares is new (and so is the snapshot's difference, which now names it); the
      // base's own drift is not.
      const isNew = (f: Report['findings'][number]): string => `${f.new} ${f.kind} ${f.column ?? ''}`.trim()
      expect(second.findings.map(isNew).sort()).toEqual([
        'false missing_column nickname',
        'true missing_column avatar',
        'true snapshot_out_of_date'
      ])
    } finally {
      if (runnerTemp === undefined) delete process.env.RUNNER_TEMP
      else process.env.RUNNER_TEMP = runnerTemp
    }
  })

  test("where one run from clean would differ from the base's run gone on (an enum value added before, used after, in one transaction), the head builds its own database: the same failure as a plain check", async () => {
    const ENUM = `import { pgEnum, pgTable, serial } from "drizzle-orm/pg-core";

export const status = pgEnum("status", ["a"]);
export const users = pgTable("users", {
  id: serial("id").primaryKey(),
});
`
    const dir = await makeProject({ steps: [ENUM], name: 'base-enum' })
    addMigration(dir, 'status_b', `ALTER TYPE "status" ADD VALUE 'b';\n`)
    const git = gitIn(dir)
    git('init', '-q')
    git('add', '-A')
    git('commit', '-qm', 'value b')
    // From clean, in one transaction, the new value is used before it was committed: Postgres refuses.
    addMigration(dir, 'use_b', `ALTER TABLE "users" ADD COLUMN "s" "status" DEFAULT 'b';\n`)
    const logs: string[] = []
    const withBase = await runCheckWithBase({ root: dir, provider, base: 'HEAD', log: (l) => logs.push(l) })
    expect(logs.some((l) => l.includes('went on from'))).toBe(false)
    const plain = await runCheck({ root: dir, provider, base: 'HEAD' })
    expect(outcome(withBase)).toEqual(outcome(plain))
    if (name.startsWith('the PostgreSQL server')) {
      // (The embedded Postgres applies it: PGlite lets a session use an enum value it added, committed or not.)
      const failed = withBase.findings.find((f) => f.kind === 'migration_failed')!
      expect(failed.message).toMatch(/0002_use_b failed .*unsafe use of new value "b"/)
      expect(failed.new).toBe(true)
    }
  })
})
