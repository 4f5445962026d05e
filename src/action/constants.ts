// Input and output names of action.yml, in one place.
export enum Inputs {
  Config = 'config',
  WorkingDirectory = 'working-directory',
  DatabaseUrl = 'database-url',
  Postgres = 'postgres',
  GithubToken = 'github-token',
  Comment = 'comment',
  CommentId = 'comment-id',
  FailOn = 'fail-on',
  Base = 'base',
  Gate = 'gate',
  Baseline = 'baseline',
  ReportPath = 'report-path',
  SarifPath = 'sarif-path',
  Mode = 'mode',
  TenantsQuery = 'tenants-query',
  TenantsPattern = 'tenants-pattern',
  TenantUrlTemplate = 'tenant-url-template',
  Shard = 'shard',
  Concurrency = 'concurrency',
  StubMissingImports = 'stub-missing-imports',
  TenantTarget = 'tenant-target',
  Timeout = 'timeout',
  Fix = 'fix'
}

export enum Outputs {
  Outcome = 'outcome',
  Drift = 'drift',
  Findings = 'findings',
  Report = 'report',
  Sarif = 'sarif',
  FixPatch = 'fix-patch'
}

/** GitHub shows at most 10 annotations of each level per step. */
export const ANNOTATIONS_PER_LEVEL = 10
/** A PR comment body is limited to 65,536 characters; keep room for the marker and the footer. */
export const COMMENT_MAX_LENGTH = 60000
