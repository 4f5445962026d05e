// Why a migration failed, when the reason is an extension: either CREATE EXTENSION names one this Postgres does not
// have, or a statement uses an operator class, type, function or access method of an extension that no migration
// before it creates (it works in production only because someone installed it by hand, or the provider did).
import { DEFAULT_CONFIG_FILE, ResolvedTarget } from '../config/load-config'
import { Finding } from '../core/findings'
import { closestName } from '../core/suggest'
import { extensionsCreatedBy } from '../sql/extensions'
import { PostgresErrorInfo } from '../postgres/provider'
import { Migration } from '../migrations/folder'

type TargetFinding = Omit<Finding, 'target'>

/** Well-known objects of extensions, by the name Postgres prints in "… does not exist" errors (lower case). */
const OPERATOR_CLASSES: Record<string, string> = {
  gin_trgm_ops: 'pg_trgm',
  gist_trgm_ops: 'pg_trgm',
  vector_l2_ops: 'vector',
  vector_ip_ops: 'vector',
  vector_cosine_ops: 'vector',
  vector_l1_ops: 'vector',
  halfvec_l2_ops: 'vector',
  halfvec_ip_ops: 'vector',
  halfvec_cosine_ops: 'vector',
  sparsevec_l2_ops: 'vector',
  bit_hamming_ops: 'vector',
  bit_jaccard_ops: 'vector',
  gin_hstore_ops: 'hstore',
  gist_hstore_ops: 'hstore',
  gist_ltree_ops: 'ltree',
  gist__int_ops: 'intarray',
  gist__intbig_ops: 'intarray',
  gin__int_ops: 'intarray',
  gist_geometry_ops_2d: 'postgis',
  gist_geometry_ops_nd: 'postgis',
  gist_geography_ops: 'postgis'
}
const TYPES: Record<string, string> = {
  vector: 'vector',
  halfvec: 'vector',
  sparsevec: 'vector',
  citext: 'citext',
  hstore: 'hstore',
  ltree: 'ltree',
  lquery: 'ltree',
  ltxtquery: 'ltree',
  geometry: 'postgis',
  geography: 'postgis',
  box2d: 'postgis',
  box3d: 'postgis',
  cube: 'cube',
  earth: 'earthdistance',
  seg: 'seg',
  isbn: 'isn',
  isbn13: 'isn',
  ean13: 'isn',
  issn: 'isn'
}
const FUNCTIONS: Record<string, string> = {
  gen_random_uuid: 'pgcrypto', // built in since PostgreSQL 13
  gen_random_bytes: 'pgcrypto',
  crypt: 'pgcrypto',
  gen_salt: 'pgcrypto',
  digest: 'pgcrypto',
  hmac: 'pgcrypto',
  pgp_sym_encrypt: 'pgcrypto',
  pgp_sym_decrypt: 'pgcrypto',
  uuid_generate_v1: 'uuid-ossp',
  uuid_generate_v1mc: 'uuid-ossp',
  uuid_generate_v3: 'uuid-ossp',
  uuid_generate_v4: 'uuid-ossp',
  uuid_generate_v5: 'uuid-ossp',
  uuid_nil: 'uuid-ossp',
  similarity: 'pg_trgm',
  word_similarity: 'pg_trgm',
  strict_word_similarity: 'pg_trgm',
  show_trgm: 'pg_trgm',
  set_limit: 'pg_trgm',
  unaccent: 'unaccent',
  levenshtein: 'fuzzystrmatch',
  levenshtein_less_equal: 'fuzzystrmatch',
  soundex: 'fuzzystrmatch',
  difference: 'fuzzystrmatch',
  metaphone: 'fuzzystrmatch',
  dmetaphone: 'fuzzystrmatch',
  earth_distance: 'earthdistance',
  ll_to_earth: 'earthdistance',
  earth_box: 'earthdistance',
  cube: 'cube',
  hstore: 'hstore',
  akeys: 'hstore',
  nlevel: 'ltree',
  subpath: 'ltree',
  lca: 'ltree',
  text2ltree: 'ltree',
  moddatetime: 'moddatetime'
}
const ACCESS_METHODS: Record<string, string> = { hnsw: 'vector', ivfflat: 'vector', bloom: 'bloom' }

/** How to install the extensions people most often lack on a server. */
const INSTALL_HINTS: Record<string, string> = {
  vector: 'pgvector: the pgvector/pgvector Docker image, or the postgresql-<major>-pgvector package',
  postgis: 'the postgis/postgis Docker image, or the postgresql-<major>-postgis-3 package'
}

export interface ExtensionUse {
  extension: string
  /** What the failing statement used, as Postgres named it, e.g. `operator class "gin_trgm_ops"`. */
  object: string
}

/** The extension a Postgres error points to, when it names a well-known object of one. */
export function extensionUsedBy(error: PostgresErrorInfo): ExtensionUse | undefined {
  const m = error.message
  let match = /operator class "([^"]+)" does not exist/i.exec(m)
  if (match && OPERATOR_CLASSES[match[1].toLowerCase()])
    return { extension: OPERATOR_CLASSES[match[1].toLowerCase()], object: `operator class "${match[1]}"` }
  match = /type "(?:[^"]+\.)?([^".]+)" does not exist/i.exec(m)
  if (match && TYPES[match[1].toLowerCase()])
    return { extension: TYPES[match[1].toLowerCase()], object: `type "${match[1]}"` }
  match = /function (?:[\w"]+\.)?"?(\w+)"?\(.*\) does not exist/i.exec(m)
  if (match) {
    const name = match[1].toLowerCase()
    const extension = FUNCTIONS[name] ?? (name.startsWith('st_') ? 'postgis' : undefined)
    if (extension) return { extension, object: `function ${match[1]}()` }
  }
  match = /access method "([^"]+)" does not exist/i.exec(m)
  if (match && ACCESS_METHODS[match[1].toLowerCase()])
    return { extension: ACCESS_METHODS[match[1].toLowerCase()], object: `access method "${match[1]}"` }
  // An exclusion constraint or a GiST/GIN index over plain scalar columns needs btree_gist / btree_gin.
  match = /data type ([\w ]+?) has no default operator class for access method "(gist|gin)"/i.exec(m)
  if (match)
    return {
      extension: match[2] === 'gist' ? 'btree_gist' : 'btree_gin',
      object: `a ${match[2].toUpperCase()} operator class for ${match[1]}`
    }
  match = /operator does not exist: text (%|<%|%>|<<%|%>>|<->) text/i.exec(m)
  if (match) return { extension: 'pg_trgm', object: `operator ${match[1]}` }
  return undefined
}

/** Where SQL ran: the target (for the config option that would help) and the Postgres. */
export interface ExtensionContext {
  /** The target's name, for the config option that would help. */
  target: string
  /** Extensions this Postgres has (pg_available_extensions), when known. */
  available?: ReadonlySet<string>
  /** The provider's description, e.g. `server 127.0.0.1:5432` or `embedded (PGlite 0.3.x)`. */
  provider: string
  embedded: boolean
  /** Extensions the embedded Postgres has: named as a way out when a server lacks one. */
  embeddedExtensions: ReadonlySet<string>
}

export interface FailureContext extends ExtensionContext {
  error: PostgresErrorInfo
  migration: Migration
  migrations: Migration[]
  /** Extensions created by any migration of the folder. */
  created: string[]
}

const quoteExtension = (name: string): string => (/^[a-z_][a-z0-9_]*$/.test(name) ? name : `"${name}"`)

/** The cause (and fix) of a failed migration when an extension explains it; undefined otherwise. */
export function extensionFailureCause(ctx: FailureContext): { cause: string; fix?: string } | undefined {
  // `extension "x" is not available` (PostgreSQL 16+), `could not open extension control file ".../x.control"` (older).
  const names = (e: string): boolean =>
    ctx.error.message.includes(`"${e}"`) || ctx.error.message.includes(`/${e}.control`)
  const unavailable = ctx.created.find((e) => ctx.available && !ctx.available.has(e) && names(e))
  if (unavailable) return { cause: unavailableCause(unavailable, ctx) }
  const used = extensionUsedBy(ctx.error)
  if (!used) return undefined
  const index = ctx.migrations.indexOf(ctx.migration)
  const later = ctx.migrations
    .slice(index + 1)
    .find((m) => m.sql !== undefined && extensionsCreatedBy(m.sql).includes(used.extension))
  const fix = createExtension(used.extension)
  const missing = ctx.available !== undefined && !ctx.available.has(used.extension)
  const preinstalled = missing ? '' : ` ${preinstalledOption(used.extension, ctx)} instead`
  const where = later
    ? `only the later ${later.tag} creates it: move its CREATE EXTENSION into a migration before ${ctx.migration.tag}`
    : `no migration creates it, so this works only where it was installed by hand (or by the provider). Create it in a migration before ${ctx.migration.tag} (drizzle-kit generate --custom): ${fix}${preinstalled}`
  const missingHere = missing ? `; ${unavailableCause(used.extension, ctx)}` : ''
  return { cause: `${used.object} comes from the extension "${used.extension}", and ${where}${missingHere}`, fix }
}

/**
 * The same for drizzle-kit's SQL for the schema. Its database has the extensions the migrations (and the setup
 * and "extensions") create, so one it lacks is created by none of them: the declaration is right, the Postgres
 * it needs is not the one the check built.
 */
export function schemaExtensionCause(
  error: PostgresErrorInfo,
  ctx: ExtensionContext
): { cause: string; fix: string } | undefined {
  const used = extensionUsedBy(error)
  if (!used) return undefined
  const missing = ctx.available !== undefined && !ctx.available.has(used.extension)
  const cause = `${used.object} comes from the extension "${used.extension}", which no migration, setup file or "extensions" entry creates${missing ? `; ${unavailableCause(used.extension, ctx)}` : ''}`
  const create = `create it in a migration before the first that needs it (drizzle-kit generate --custom): ${createExtension(used.extension)}`
  // Both ways out, also where this Postgres lacks it (the cause says so): they are what the project needs elsewhere.
  return { cause, fix: `${preinstalledOption(used.extension, ctx)}, or ${create}` }
}

const createExtension = (extension: string): string => `CREATE EXTENSION IF NOT EXISTS ${quoteExtension(extension)};`

/**
 * Where the provider installs it (autumn's CI image has pg_trgm), the SQL is right as it is and the target says
 * so. Not offered for an extension this Postgres lacks: it cannot be preinstalled here, so the option would not help.
 */
function preinstalledOption(extension: string, ctx: ExtensionContext): string {
  return `If the provider preinstalls it (a managed Postgres, a CI image), add "extensions": ["${extension}"] to target "${ctx.target}" in ${DEFAULT_CONFIG_FILE}`
}

function unavailableCause(extension: string, ctx: ExtensionContext): string {
  if (ctx.embedded)
    return `the embedded Postgres has no extension "${extension}"; run with --database-url against a server that has it`
  const hint = INSTALL_HINTS[extension] ? ` (${INSTALL_HINTS[extension]})` : ''
  const embedded = ctx.embeddedExtensions.has(extension)
    ? ', or run without --database-url: the embedded Postgres has it'
    : ''
  return `the ${ctx.provider} has no extension "${extension}" available (it is not in pg_available_extensions), so CREATE EXTENSION cannot work there: install it on that server${hint}, point --database-url at a Postgres that has it${embedded}`
}

/**
 * Names in "extensions" that this Postgres does not have (a typo, or an extension of another provider): a warning at
 * the name in the config, with the closest name it has. The run goes on without it, as that provider would not
 * preinstall it; the migrations that need it then fail on their own line.
 */
export function unavailableExtensionFindings(
  target: ResolvedTarget,
  available: ReadonlySet<string>,
  provider: string
): TargetFinding[] {
  return target.extensions
    .filter((name) => !available.has(name))
    .map((name) => {
      const line = target.extensionsDeclared?.lines[name]
      const closest = closestName(name, available)
      const elsewhere = provider.startsWith('embedded')
        ? 'if the migrations need an extension the embedded Postgres lacks, run with --database-url against a Postgres that has it'
        : 'install it on that server, or point --database-url at a Postgres that has it'
      return {
        kind: 'config_error',
        severity: 'warning',
        name,
        ...(target.extensionsDeclared ? { file: target.extensionsDeclared.file, ...(line ? { line } : {}) } : {}),
        message: `extension "${name}" in "extensions" of target "${target.name}" is not available on ${provider}: not created${closest ? ` (did you mean "${closest}"?)` : ''}`,
        cause: closest
          ? `${provider} has no extension of that name and has "${closest}": a typo?`
          : `${provider} has no extension of that name (a typo, or an extension of another provider); ${elsewhere}`
      }
    })
}
