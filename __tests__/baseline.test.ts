// Adoption on a repository that already drifts (docs/baseline.md): the reviewed baseline written and read, its
// fingerprints surviving moved lines, a changed difference on an accepted object, expiry, stale entries and
// --prune, malformed files; and --base --new-only gating only what a change introduces. One project per Postgres
// kind, edited step by step, to keep the file fast.
import { execFileSync } from 'node:child_process'
import * as fs from 'node:fs'
import * as path from 'node:path'
import { runCli } from '../src/cli/main'
import { loadConfig } from '../src/config/load-config'
import { assembleFindings } from '../src/report/assembly'
import { Finding, Report } from '../src/core/findings'
import { runCheckWithBase } from '../src/engine/base-check'
import { markAgainstBase } from '../src/baseline/delta'
import { identitiesOf } from '../src/baseline/fingerprint'
import { runCheck } from '../src/engine/check'
import { renderMarkdown, renderText } from '../src/report/render'
import { failsOn } from '../src/run/outcome'
import { EACH_POSTGRES, SERVER_URL, providerForSuite } from './helpers/postgres'
import { makeProject } from './helpers/project'

const SCHEMA = `import { pgTable, serial, text } from "drizzle-orm/pg-core";

export const users = pgTable("users", {
  id: serial("id").primaryKey(),
  email: text("email").notNull(),
  plan: text("plan").default("free"),
});
`
// What the repository declares today: two differences nobody generated a migration for.
const DRIFTED = SCHEMA.replace('default("free")', 'default("pro")').replace(
  '  plan:',
  '  nickname: text("nickname"),\n  plan:'
)

const errorsOf = (report: Report): Finding[] => report.findings.filter((f) => f.severity === 'error')

async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = ''
  let stderr = ''
  const code = await runCli(args, {
    stdout: (t) => void (stdout += t),
    stderr: (t) => void (stderr += t),
    env: { ...process.env, DRIFT_GUARD_DATABASE_URL: '' }
  })
  return { code, stdout, stderr }
}

describe.each(EACH_POSTGRES)('on %s', (name, createProvider) => {
  const provider = providerForSuite(createProvider)
  const postgresArgs = name.startsWith('embedded') ? ['--postgres', 'embedded'] : ['--database-url', SERVER_URL]
  let dir: string
  const schemaFile = (): string => path.join(dir, 'src', 'schema.ts')
  const baselineFile = (): string => path.join(dir, 'drift-guard.baseline.json')
  const git = (...args: string[]): string =>
    execFileSync('git', ['-C', dir, '-c', 'user.name=Reviewer', '-c', 'user.email=r@example.com', ...args], {
      encoding: 'utf8'
    })

  beforeAll(async () => {
    dir = await makeProject({ steps: [SCHEMA], finalSchema: DRIFTED, name: 'baseline' })
  })

  test('the baseline is written with a reason, read by check, and its findings become accepted notices', async () => {
    expect((await cli(['baseline', '--cwd', dir, ...postgresArgs])).code).toBe(2) // no --reason
    const written = await cli([
      'baseline',
      '--cwd',
      dir,
      ...postgresArgs,
      '--reason',
      'billing columns land in #12',
      '--expires',
      '2099-12-31'
    ])
    expect(written.code).toBe(0)
    const entries = JSON.parse(fs.readFileSync(baselineFile(), 'utf8')).entries
    // The last snapshot's difference is one entry per changed object (docs/baseline.md).
    expect(entries.map((e: { kind: string }) => e.kind).sort()).toEqual([
      'column_default_mismatch',
      'missing_column',
      'snapshot_out_of_date',
      'snapshot_out_of_date'
    ])
    expect(
      entries
        .filter((e: { kind: string }) => e.kind === 'snapshot_out_of_date')
        .map((e: { object: string; difference: string }) => `${e.object}: ${e.difference}`)
    ).toEqual([
      'column public.users.nickname: column users.nickname added',
      'column public.users.plan: column users.plan changed'
    ])
    expect(entries.find((e: { kind: string }) => e.kind === 'missing_column')).toMatchObject({
      target: 'default',
      object: 'column public.users.nickname',
      reason: 'billing columns land in #12',
      expires: '2099-12-31',
      mode: 'check'
    })
    expect(JSON.stringify(entries)).not.toMatch(/"line"|schema\.ts:\d/)

    const report = await runCheck({ root: dir, provider })
    expect(errorsOf(report)).toEqual([])
    expect(report.ok).toBe(true)
    expect(report.baseline).toMatchObject({ entries: 4, accepted: 3, stale: 0 })
    const accepted = report.findings.find((f) => f.kind === 'missing_column')!
    expect(accepted).toMatchObject({ severity: 'notice', accepted: { reason: 'billing columns land in #12' } })
    expect(renderText(report)).toContain('accepted in the baseline (3):')
    expect(renderMarkdown(report)).toContain('<details><summary>Accepted in the baseline: 3 finding(s)</summary>')
    // --no-baseline ignores it.
    expect((await runCheck({ root: dir, provider, baseline: false })).summary.errors).toBeGreaterThan(0)
  })

  test('moved lines keep the match; a changed difference on an accepted object is new, its old entry stale', async () => {
    fs.writeFileSync(schemaFile(), `// the schema\n\n\n${DRIFTED}`)
    const moved = await runCheck({ root: dir, provider })
    expect(moved.findings.find((f) => f.kind === 'missing_column')?.line).toBeGreaterThan(6)
    expect(errorsOf(moved)).toEqual([])

    fs.writeFileSync(schemaFile(), DRIFTED.replace('default("pro")', 'default("team")'))
    const changed = await runCheck({ root: dir, provider })
    const kinds = errorsOf(changed).map((f) => f.kind)
    expect(kinds).toContain('column_default_mismatch')
    expect(kinds).toContain('baseline_stale')
    expect(changed.findings.find((f) => f.kind === 'missing_column')?.severity).toBe('notice')
    // The snapshot's change of that column is new too (changed again), the other change still accepted.
    const snapshot = changed.findings.find((f) => f.kind === 'snapshot_out_of_date')!
    expect(snapshot.severity).toBe('error')
    expect(snapshot.message).toContain('(accepted in drift-guard.baseline.json but for: column users.plan changed)')
    expect(snapshot.changes!.map((c) => `${c.description} ${c.accepted}`)).toEqual([
      'column users.nickname added true',
      'column users.plan changed false'
    ])
  })

  test('an expired entry accepts no more and says until when', async () => {
    fs.writeFileSync(schemaFile(), DRIFTED)
    const baseline = JSON.parse(fs.readFileSync(baselineFile(), 'utf8'))
    const entry = baseline.entries.find((e: { kind: string }) => e.kind === 'missing_column')
    entry.expires = '2020-01-31'
    fs.writeFileSync(baselineFile(), JSON.stringify(baseline, null, 2))
    const report = await runCheck({ root: dir, provider })
    const [expired] = errorsOf(report)
    expect(errorsOf(report)).toHaveLength(1)
    expect(expired).toMatchObject({ kind: 'missing_column', column: 'nickname' })
    expect(expired.message).toMatch(/accepted in drift-guard\.baseline\.json until 2020-01-31: .*expired/)
    entry.expires = '2099-12-31'
    fs.writeFileSync(baselineFile(), JSON.stringify(baseline, null, 2))
  })

  test('a fixed drift leaves a stale entry (an error at its line) until --prune removes it', async () => {
    fs.writeFileSync(schemaFile(), DRIFTED.replace('  nickname: text("nickname"),\n', ''))
    const report = await runCheck({ root: dir, provider })
    // Two entries match nothing now: the column's, and the last snapshot's change of it; the snapshot's other change
    // keeps its entry.
    expect(
      errorsOf(report)
        .filter((f) => f.kind === 'baseline_stale')
        .map((f) => f.message)
        .sort()
    ).toEqual([
      'accepted drift no longer found: missing_column column public.users.nickname (column users.nickname does not exist)',
      'accepted drift no longer found: snapshot_out_of_date column public.users.nickname (column users.nickname added)'
    ])
    expect(report.findings.find((f) => f.kind === 'snapshot_out_of_date')).toMatchObject({ severity: 'notice' })
    const stale = errorsOf(report).filter((f) => f.kind === 'baseline_stale' && f.message.includes('nickname does'))
    expect(stale).toHaveLength(1)
    expect(stale[0]).toMatchObject({ file: 'drift-guard.baseline.json', fix: 'drift-guard baseline --prune' })
    expect(stale[0].line).toBeGreaterThan(1)
    expect(stale[0].message).toContain('column public.users.nickname')

    const pruned = await cli([
      'baseline',
      '--cwd',
      dir,
      ...postgresArgs,
      '--prune',
      '--reason',
      'billing columns land in #12'
    ])
    expect(pruned.stdout).toContain('pruned')
    expect(pruned.code).toBe(0)
    const after = JSON.parse(fs.readFileSync(baselineFile(), 'utf8')).entries
    // The kept entries keep their reason; the fixed one is gone.
    expect(after.map((e: { object: string }) => e.object)).not.toContain('column public.users.nickname')
    expect(after.every((e: { reason: string }) => e.reason === 'billing columns land in #12')).toBe(true)
    expect((await runCheck({ root: dir, provider })).ok).toBe(true)
  })

  test('a malformed baseline is exit 2 with its file and line', async () => {
    const good = fs.readFileSync(baselineFile(), 'utf8')
    try {
      fs.writeFileSync(baselineFile(), good.replace(/"expires": "2099-12-31"/, '"expires": "next year"'))
      const line = good.split('\n').findIndex((l) => l.includes('"expires"')) + 1
      const result = await cli(['check', '--cwd', dir, ...postgresArgs])
      expect(result.code).toBe(2)
      expect(result.stderr).toContain(`drift-guard.baseline.json:${line}: "expires" must be a date written YYYY-MM-DD`)
      fs.writeFileSync(baselineFile(), good.replace('"version": 1,', '"version": 1'))
      const syntax = await cli(['check', '--cwd', dir, ...postgresArgs, '--format', 'json'])
      expect(syntax.code).toBe(2)
      expect(JSON.parse(syntax.stdout).error).toMatchObject({ file: 'drift-guard.baseline.json', line: 3 })
    } finally {
      fs.writeFileSync(baselineFile(), good)
    }
  })

  test('--base --new-only fails only on what a change introduces, and lists what it fixed', async () => {
    fs.rmSync(baselineFile())
    fs.writeFileSync(schemaFile(), DRIFTED)
    git('init', '-q')
    git('add', '-A')
    git('commit', '-qm', 'drifting already')

    // A change that introduces nothing new (a comment, lines moved): it passes, the old drift stays listed.
    fs.writeFileSync(schemaFile(), `// users\n${DRIFTED}`)
    const none = await runCheckWithBase({ root: dir, provider, base: 'HEAD', newOnly: true })
    expect(none.summary.errors).toBeGreaterThan(0)
    expect(none.findings.every((f) => f.new === false)).toBe(true)
    expect(failsOn(none, 'error')).toBe(false)
    expect(none.base).toMatchObject({ introduced: 0, fixed: 0, newOnly: true })

    // One new column nobody generated, one old drift fixed (the default back to the migrations').
    fs.writeFileSync(
      schemaFile(),
      DRIFTED.replace('default("pro")', 'default("free")').replace('  plan:', '  avatar: text("avatar"),\n  plan:')
    )
    const one = await runCheckWithBase({ root: dir, provider, base: 'HEAD', newOnly: true })
    expect(failsOn(one, 'error')).toBe(true)
    const fresh = one.findings.filter((f) => f.new && f.severity === 'error')
    // The snapshot check says the same change: its new change is that column, its old one (nickname) is not new.
    expect(fresh.map((f) => f.kind).sort()).toEqual(['missing_column', 'snapshot_out_of_date'])
    expect(fresh.find((f) => f.kind === 'missing_column')?.column).toBe('avatar')
    const snapshot = fresh.find((f) => f.kind === 'snapshot_out_of_date')!
    expect(snapshot.changes!.filter((c) => c.new).map((c) => c.description)).toEqual(['column users.avatar added'])
    expect(snapshot.message).toContain('(new in this change: column users.avatar added)')
    // Fixed: the default's mismatch, and the snapshot's change of it (the rest of that finding is still there).
    expect(one.fixed!.map((f) => f.kind).sort()).toEqual(['column_default_mismatch', 'snapshot_out_of_date'])
    expect(one.fixed!.find((f) => f.kind === 'snapshot_out_of_date')!.message).toMatch(
      /^no more in the schema's difference from the last snapshot \(\w+\): column users\.plan changed$/
    )
    expect(one.base).toMatchObject({ introduced: 2, fixed: 2 })
    expect(one.findings.find((f) => f.column === 'nickname')).toMatchObject({ new: false, severity: 'error' })
    expect(renderMarkdown(one)).toContain(`**this pull request introduces ${one.base!.introduced}, fixes`)
    expect(git('worktree', 'list').trim().split('\n')).toHaveLength(1)
  })

  test('a baseline that accepted snapshot_out_of_date: a schema edit adding no un-generated change is not new and stales nothing; one more un-generated column is exactly that', async () => {
    // The base: the repository drifts (the schema ahead of its last snapshot), its baseline committed.
    fs.writeFileSync(schemaFile(), DRIFTED)
    fs.rmSync(baselineFile(), { force: true })
    expect((await cli(['baseline', '--cwd', dir, ...postgresArgs, '--reason', 'before the gate'])).code).toBe(0)
    git('add', '-A')
    git('commit', '-qm', 'baseline')

    // A pull request editing the schema without a new difference for drizzle-kit: lines moved, a type for TypeScript.
    fs.writeFileSync(
      schemaFile(),
      `// users and their plans\n\n${DRIFTED.replace('text("plan")', 'text("plan").$type<"free" | "pro">()')}`
    )
    const quiet = await runCheck({ root: dir, provider })
    expect(errorsOf(quiet)).toEqual([])
    expect(quiet.baseline).toMatchObject({ accepted: 3, stale: 0 })
    expect(quiet.findings.find((f) => f.kind === 'snapshot_out_of_date')).toMatchObject({
      severity: 'notice',
      accepted: { reason: 'before the gate' }
    })
    const quietDelta = await runCheckWithBase({ root: dir, provider, base: 'HEAD', newOnly: true })
    expect(quietDelta.base).toMatchObject({ introduced: 0, fixed: 0 })
    expect(quietDelta.ok).toBe(true)
    expect(quietDelta.findings.some((f) => f.kind === 'baseline_stale')).toBe(false)

    // A pull request declaring one more column and generating no migration for it: that column, nothing else.
    fs.writeFileSync(schemaFile(), DRIFTED.replace('  plan:', '  avatar: text("avatar"),\n  plan:'))
    const more = await runCheck({ root: dir, provider })
    expect(
      errorsOf(more)
        .map((f) => f.kind)
        .sort()
    ).toEqual(['missing_column', 'snapshot_out_of_date'])
    expect(errorsOf(more).find((f) => f.kind === 'missing_column')?.column).toBe('avatar')
    const snapshot = errorsOf(more).find((f) => f.kind === 'snapshot_out_of_date')!
    expect(snapshot.message).toContain('(accepted in drift-guard.baseline.json but for: column users.avatar added)')
    expect(snapshot.changes!.filter((c) => !c.accepted).map((c) => c.description)).toEqual([
      'column users.avatar added'
    ])
    expect(more.baseline).toMatchObject({ stale: 0 })
    expect(renderMarkdown(more)).toContain('not accepted in the baseline: column users.avatar added')

    const delta = await runCheckWithBase({ root: dir, provider, base: 'HEAD', newOnly: true })
    expect(delta.base).toMatchObject({ introduced: 2, fixed: 0, existing: 0 })
    expect(delta.fixed).toEqual([])
    const fresh = delta.findings.filter((f) => f.new)
    expect(fresh.map((f) => f.kind).sort()).toEqual(['missing_column', 'snapshot_out_of_date'])
    const changed = fresh.find((f) => f.kind === 'snapshot_out_of_date')!
    expect(changed.changes!.filter((c) => c.new).map((c) => c.description)).toEqual(['column users.avatar added'])
    expect(changed.message).toContain('(new in this change: column users.avatar added)')
    expect(delta.findings.filter((f) => f.accepted).every((f) => f.new === false)).toBe(true)
    expect(failsOn(delta, 'error')).toBe(true)
    const markdown = renderMarkdown(delta)
    // The accepted findings count in none of the three, and are said beside them.
    const accepted = delta.findings.filter((f) => f.accepted).length
    expect(accepted).toBeGreaterThan(0)
    expect(markdown).toContain(
      `**this pull request introduces 2, fixes 0, 0 were already there (and ${accepted} accepted in the baseline)`
    )
    expect(markdown).toContain('new in this change: column users.avatar added')
  })
})

describe('severity for one object', () => {
  const finding = (name: string): Finding => ({
    kind: 'extra_constraint',
    severity: 'error',
    target: 'app',
    schema: 'public',
    table: 'bookings',
    name,
    message: `constraint ${name} is not declared`
  })

  test('"kind:schema.table.name" sets that object only, over the kind; an unknown kind is a config error with did you mean', async () => {
    const dir = await makeProject({ steps: [SCHEMA], name: 'severity-object' })
    const config = (severity: Record<string, string>): void =>
      fs.writeFileSync(
        path.join(dir, 'drift-guard.config.json'),
        JSON.stringify({ targets: [{ name: 'app', drizzleConfig: 'drizzle.config.ts', severity }] }, null, 2)
      )
    config({ 'extra_constraint:public.bookings.no_overlap': 'off', extra_constraint: 'warning' })
    const loaded = loadConfig(dir)
    const { findings } = assembleFindings(
      [
        finding('no_overlap'),
        finding('other'),
        { ...finding('x'), accepted: { reason: 'r', since: '2026-01-01' }, severity: 'notice' }
      ],
      { targets: loaded.targets },
      'by-target'
    )
    expect(findings.map((f) => `${f.name} ${f.severity}`)).toEqual(['other warning', 'x notice'])

    config({ 'extra_constrant:public.bookings.no_overlap': 'off' })
    expect(() => loadConfig(dir)).toThrow(
      /drift-guard\.config\.json:\d+.*"extra_constrant:public\.bookings\.no_overlap".*did you mean "extra_constraint:public\.bookings\.no_overlap"/
    )
  })
})

test('"severity": { "baseline_stale": "warning" } lowers a stale entry: reported, and fails only with fail-on warning', async () => {
  const dir = await makeProject({ steps: [SCHEMA], finalSchema: DRIFTED, name: 'stale-severity' })
  const args = ['--cwd', dir, '--database-url', SERVER_URL]
  const written = await cli(['baseline', ...args, '--reason', 'before the gate'])
  expect(written.code).toBe(0)
  // The drift fixed (the schema back to what the migrations build): every entry is stale.
  fs.writeFileSync(path.join(dir, 'src', 'schema.ts'), SCHEMA)
  const strict = await cli(['check', ...args, '--format', 'json'])
  expect(strict.code).toBe(1)
  const staleErrors = (JSON.parse(strict.stdout) as Report).findings.filter((f) => f.kind === 'baseline_stale')
  expect(staleErrors.length).toBeGreaterThan(0)
  expect(staleErrors.every((f) => f.severity === 'error')).toBe(true)

  fs.writeFileSync(
    path.join(dir, 'drift-guard.config.json'),
    JSON.stringify(
      { targets: [{ name: 'app', drizzleConfig: 'drizzle.config.ts', severity: { baseline_stale: 'warning' } }] },
      null,
      2
    )
  )
  // Entries name their target: the file written for the discovered target is set aside, and the baseline written
  // again under the config's target name, then the drift fixed again.
  fs.renameSync(path.join(dir, 'drift-guard.baseline.json'), path.join(dir, 'drift-guard.baseline.before'))
  fs.writeFileSync(path.join(dir, 'src', 'schema.ts'), DRIFTED)
  expect((await cli(['baseline', ...args, '--reason', 'before the gate'])).code).toBe(0)
  fs.writeFileSync(path.join(dir, 'src', 'schema.ts'), SCHEMA)
  const lowered = await cli(['check', ...args, '--format', 'json'])
  expect(lowered.code).toBe(0)
  const report = JSON.parse(lowered.stdout) as Report
  const stale = report.findings.filter((f) => f.kind === 'baseline_stale')
  expect(stale.map((f) => f.severity)).toEqual(staleErrors.map(() => 'warning'))
  expect(stale.every((f) => f.file === 'drift-guard.baseline.json' && f.target === 'app')).toBe(true)
  expect((await cli(['check', ...args, '--fail-on', 'warning'])).code).toBe(1)
})

describe('identity of a finding in the baseline and the delta', () => {
  const snapshot = (descriptions: [string, string][]): Finding => ({
    kind: 'snapshot_out_of_date',
    severity: 'error',
    target: 'app',
    name: '0003_x',
    file: 'drizzle/meta/0003_snapshot.json',
    line: 1,
    message: `the schema differs from the last snapshot (0003_x): ${descriptions.map(([d]) => d).join('; ')}`,
    changes: descriptions.map(([description, digest]) => ({
      description,
      object: `column public.${description.split(' ')[1]}`,
      digest
    }))
  })
  const report = (findings: Finding[]): Report => ({
    version: 1,
    ok: false,
    tool: { name: 'drizzle-drift-guard', version: '0' },
    root: '/',
    postgres: { provider: 'none' },
    targets: [],
    notes: [],
    findings,
    summary: { errors: findings.length, warnings: 0, notices: 0 }
  })

  test('a message reworded since 1.0.0 keeps the identity a baseline of 1.0.0 recorded', () => {
    const finding = (message: string): Finding => ({
      kind: 'column_default_mismatch',
      severity: 'error',
      target: 'app',
      schema: 'public',
      table: 'packs',
      column: 'id',
      message
    })
    // As 1.0.0 wrote it, and as it is written now.
    const before = finding('column packs.id defaults to nothing, the schema says nextval(<owned sequence>)')
    const now = finding(
      "column packs.id defaults to nothing, the schema says the next value of its own sequence (a serial's default)"
    )
    expect(identitiesOf(now).map((i) => i.fingerprint)).toEqual(identitiesOf(before).map((i) => i.fingerprint))
    const enumFinding = (message: string): Finding => ({
      kind: 'extra_enum',
      severity: 'error',
      target: 'app',
      schema: 'public',
      name: 'availability',
      message
    })
    expect(
      identitiesOf(
        enumFinding('enum availability is declared in the schema but not exported, so drizzle-kit does not read it')
      )[0].fingerprint
    ).toBe(identitiesOf(enumFinding('enum availability is not declared in the schema'))[0].fingerprint)
    // Another default is another drift.
    expect(identitiesOf(finding('column packs.id defaults to nothing, the schema says 0'))[0].fingerprint).not.toBe(
      identitiesOf(before)[0].fingerprint
    )
  })

  test('a snapshot finding is one identity per change: the same object defined otherwise is another', () => {
    const [a, b] = identitiesOf(
      snapshot([
        ['column users.a added', 'd1'],
        ['column users.b added', 'd2']
      ])
    )
    expect(a.object).toBe('column public.users.a')
    expect(a.fingerprint).not.toBe(b.fingerprint)
    const again = identitiesOf(snapshot([['column users.a added', 'd1']]))[0]
    expect(again.fingerprint).toBe(a.fingerprint)
    expect(identitiesOf(snapshot([['column users.a added', 'other']]))[0].fingerprint).not.toBe(a.fingerprint)
  })

  test('the delta: a gained change is new (said which), a lost one listed as fixed; notes on a message are not its identity', () => {
    const base = snapshot([
      ['column users.a added', 'd1'],
      ['column users.b added', 'd2']
    ])
    const head = snapshot([
      ['column users.a added', 'd1'],
      ['column users.c added', 'd3']
    ])
    const missing: Finding = {
      kind: 'missing_column',
      severity: 'error',
      target: 'app',
      schema: 'public',
      table: 'users',
      column: 'a',
      message: 'column users.a does not exist'
    }
    const expired = {
      ...missing,
      message: `${missing.message} (accepted in drift-guard.baseline.json until 2020-01-01: later; that has expired)`
    }
    const delta = markAgainstBase(report([head, expired]), report([base, missing]), 'main', true)
    expect(delta.findings.map((f) => f.new)).toEqual([true, false])
    expect(delta.findings[0].message).toMatch(/\(new in this change: column users\.c added\)$/)
    expect(delta.findings[0].changes!.map((c) => c.new)).toEqual([false, true])
    expect(delta.fixed!.map((f) => f.message)).toEqual([
      "no more in the schema's difference from the last snapshot (0003_x): column users.b added"
    ])
    expect(delta.base).toMatchObject({ introduced: 1, fixed: 1, existing: 1 })
  })
})
