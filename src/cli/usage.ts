// The CLI's help text: one place, printed by --help and quoted (its usage line) after a usage error.
import { TOOL_VERSION } from '../core/version'

export const USAGE = `drift-guard ${TOOL_VERSION}: prove that Drizzle migrations build exactly what the schema declares

Usage: drift-guard check [options]            migrations from clean vs the schema (pull requests)
       drift-guard audit --database-url URL [options]   live databases vs the repository (read-only)
       drift-guard merge REPORT.json...         combine the JSON reports of audit shards
       drift-guard inventory [--output FILE] [--check]  the whole database setup: map, tables and columns
                                                with their lineage and drift, history, diagrams, init process
                                                (markdown, json or html; --database-url adds the live state)
       drift-guard baseline --reason TEXT [--expires YYYY-MM-DD] [--output FILE] [--prune]
                                                accept today's drift, reviewed: drift-guard.baseline.json
                                                next to the config (--audit: from the live databases)
       drift-guard fix [--target NAME] [--name TAG] [--dry-run] [--allow-destructive] [--rename T.OLD=NEW]...
                       [--database-url URL [audit tenant options]]
                                                write the corrective migration (SQL, snapshot, journal entry) in
                                                drizzle-kit's format; destructive statements only when allowed
       drift-guard init [--cwd DIR] [--force] [--no-check] [--database-url URL]
                                                write drift-guard.config.json and .github/workflows/drift-guard.yml
                                                for the discovered targets (asks nothing), then the first check

Options:
  --config FILE          drift-guard.config.json (default; without it, every drizzle*.config.* in the
                         repository outside node_modules and build folders, and every config a package.json
                         script passes to drizzle-kit, is discovered, one target each)
  --cwd DIR              repository root (default: current folder)
  --database-url URL     a Postgres server to create throwaway databases on (default: embedded
                         Postgres). Also DRIFT_GUARD_DATABASE_URL.
  --postgres KIND        embedded | server | local (a temporary cluster from initdb on PATH)
  --base REF             git ref of the base branch: report migrations changed or misordered since, and
                         check the base too (a temporary git worktree): findings marked new, fixed listed
  --new-only             with --base: fail only on findings the base did not have
  --baseline FILE        accepted drift (default: drift-guard.baseline.json next to the config, if present)
  --no-baseline          ignore the baseline
  --format FORMAT        text (default) | json | markdown
  --output FILE          also write the report (format from the extension: .json, .md, else text)
  --fail-on LEVEL        error (default) | warning | never
  --concurrency N        databases worked on at once (default: 1 embedded, 2-4 by cores on a server; in an
                         audit up to 8, at most a quarter of the connections the server has free)
  --stub-missing-imports stand in for packages the schema imports that are not installed (e.g. nanoid used
                         in $defaultFn) instead of failing; the report lists them
  --verbose              print progress and the time of each phase to stderr
  -h, --help             this help
  -v, --version          the version, and those of the bundled drizzle-kit, drizzle-orm and Postgres

Audit options:
  --tenants-query SQL    run on the --database-url database; its first column lists the tenant databases
  --tenants-pattern P    tenant databases by a LIKE pattern over pg_database (e.g. tenant_%)
  --tenant-url-template U  URL of a tenant database, with {database} (tenants on other hosts)
  --tenant-target NAME   the target the tenant options apply to (default: "tenant"/"tenants", else the last)
  --timeout SECONDS      time limit per database (default 120)
  --shard I/N            audit the I-th of N shards of the databases (GitHub Actions matrix)

Fix options:
  --target NAME          repair only this target
  --name TAG             the new migration's name (default: a drizzle-kit style one)
  --dry-run              write nothing, print what would be written
  --allow-destructive    also write what deletes data or can fail on existing rows (drops, type changes,
                         SET NOT NULL); without it those are listed as left undone and fix exits 1
  --rename T.OLD=NEW     a column renamed in table T (OLD=NEW: a table); written as RENAME, the data stays
  --database-url URL     (fix) the live master database, with the audit's tenant options: read every live
                         database first, read-only (never where fix's own throwaway databases go: --postgres,
                         DRIFT_GUARD_DATABASE_URL), to date the journal entry after every recorded created_at
                         and to name the databases that differ, with what the migration does there
  (fix exits 0 written or nothing to fix, 1 something left undone, 2 bad input, 3 database unavailable)

Exit codes: 0 no drift, 1 drift or integrity errors, 2 bad config or input, 3 database unavailable.`
