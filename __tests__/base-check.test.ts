// What --base reads of the base commit, and the work it saves (docs/baseline.md, bench/README.md): the base's files
// read in one git process (names with spaces, non-ASCII bytes, missing paths), no worktree when nothing under the
// checked folder changed, and the snapshots parsed once for both sides while each side names its own files.
import { execFileSync } from 'node:child_process'
import * as fs from 'node:fs'
import * as path from 'node:path'
import { showFiles } from '../src/core/git'
import { runCheckWithBase } from '../src/engine/base-check'
import { EACH_POSTGRES, providerForSuite } from './helpers/postgres'
import { makeProject, tempDir } from './helpers/project'

const SCHEMA = `import { pgTable, serial, text } from "drizzle-orm/pg-core";

export const users = pgTable("users", {
  id: serial("id").primaryKey(),
  email: text("email").notNull(),
});
`
const DRIFTED = SCHEMA.replace('  email:', '  nickname: text("nickname"),\n  email:')

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

describe.each(EACH_POSTGRES)('--base on %s', (_name, createProvider) => {
  const provider = providerForSuite(createProvider)

  test('nothing changed under the checked folder: no worktree, every finding old; an edited schema: the base checked in a worktree, its files named from its own root', async () => {
    const dir = await makeProject({ steps: [SCHEMA], finalSchema: DRIFTED, name: 'base-check' })
    const git = gitIn(dir)
    git('init', '-q')
    git('add', '-A')
    git('commit', '-qm', 'drifting already')
    const logs: string[] = []
    const same = await runCheckWithBase({ root: dir, provider, base: 'HEAD', newOnly: true, log: (l) => logs.push(l) })
    expect(logs).toContain("base HEAD: nothing under . changed, its findings are the head's")
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
})
