// The secrets a run was given (the database URL's password, whatever form the URL was written in) and the masking of
// everything printed. A URL is often mistyped (`postgres:/u:PW@h/db`, `u:PW@h/db`, a libpq keyword string, the
// password in the query string): the password must not leak through an error that quotes it, nor through the
// server's echo of a database name made of it. What cannot be read as a URL at all is masked whole.

const MASK = '***'

/** The shortest text taken for a secret: masking every "a" of a report would hide nothing and garble all. */
const MIN_SECRET_LENGTH = 3

/** The parts of a database URL (in any of the forms people write) that are secret. */
export function secretsOfUrl(url: string | undefined): string[] {
  if (!url) return []
  const found = new Set<string>()
  const add = (value: string | undefined): void => {
    if (!value || value.length < MIN_SECRET_LENGTH) return
    found.add(value)
    try {
      found.add(decodeURIComponent(value))
    } catch {
      // not percent-encoded
    }
    found.add(encodeURIComponent(value))
  }
  let parsedHost = false
  try {
    const parsed = new URL(url)
    add(parsed.password)
    parsedHost = /^postgres(ql)?:$/.test(parsed.protocol) && parsed.hostname !== ''
    for (const [name, value] of parsed.searchParams) if (/pass|secret|token|key/i.test(name)) add(value)
  } catch {
    // not a URL: the patterns below
  }
  // user:PASSWORD@host, with or without a scheme and slashes.
  for (const m of url.matchAll(/(?:^|[/\s])[^/:@\s]*:([^@\s/]*)@/g)) add(m[1])
  // and what lies between the last colon and the @ on its own (`postgres:user:PASSWORD@host`, no slashes): a driver
  // may read `user:PASSWORD@host` as a database name and the server echo it without the scheme's first letters.
  for (const m of url.matchAll(/:([^:@\s/]+)@/g)) add(m[1])
  // password=PASSWORD in a query string or a libpq keyword string (quoted or not).
  for (const m of url.matchAll(/(?:^|[?&\s])(?:password|passwd|pass|sslpassword)\s*=\s*('(?:[^'\\]|\\.)*'|[^&\s]+)/gi))
    add(m[1].replace(/^'|'$/g, ''))
  // Something that is not a postgres URL with a host may be anything (`hello:s3cretX`): all of it is secret.
  if (!parsedHost) {
    add(url.trim())
    // and what follows its last colon (`name:password`), which a server may echo on its own
    add(/:([^:@/\s]+)$/.exec(url.trim())?.[1])
  }
  // Longest first: a secret that contains another is replaced whole.
  return [...found].sort((a, b) => b.length - a.length)
}

/** Replaces every secret in the text by ***. */
export function maskerOf(secrets: string[]): (text: string) => string {
  if (secrets.length === 0) return (text) => text
  return (text) => {
    let masked = text
    for (const secret of secrets) masked = masked.split(secret).join(MASK)
    return masked
  }
}

/** A value masked throughout (a report: every string in it), by a JSON round trip. */
export function maskDeep<T>(value: T, mask: (text: string) => string): T {
  const text = JSON.stringify(value)
  const masked = mask(text)
  if (masked === text) return value
  try {
    return JSON.parse(masked) as T
  } catch {
    // a secret that spans a JSON escape: mask string by string
    return JSON.parse(text, (_key, v: unknown) => (typeof v === 'string' ? mask(v) : v)) as T
  }
}

/** Variables a project's code (config, schema) must not read: the action's inputs and tokens, the database URL. */
const SECRET_VARIABLE = /^(INPUT_.*|GITHUB_TOKEN|GH_TOKEN|ACTIONS_.*|DRIFT_GUARD_DATABASE_URL)$/i

/**
 * Removes from process.env, until the returned function is called, the variables that hold the action's inputs and
 * tokens, or a database URL given to the run: the configs and schemas loaded meanwhile (pull-request code) cannot
 * read them. The schema needs none of them (it is serialised, never connected).
 */
export function hideSecretVariables(urls: (string | undefined)[], env: NodeJS.ProcessEnv = process.env): () => void {
  // Whole URLs only: a short password ("postgres") would match PATH and half the environment.
  const secrets = urls.filter((url): url is string => !!url && url.length >= MIN_SECRET_LENGTH)
  for (const secret of secrets) runUrls.add(secret)
  const hidden = new Map<string, string>()
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined) continue
    if (SECRET_VARIABLE.test(name) || secrets.some((secret) => value.includes(secret))) {
      hidden.set(name, value)
      delete env[name]
    }
  }
  return () => {
    for (const [name, value] of hidden) if (env[name] === undefined) env[name] = value
  }
}

/** The database URLs given to runs of this process (the child's environment must not hold them either). */
const runUrls = new Set<string>()

/** A value that is a database URL: the project's code needs none to be loaded (it is serialised, never connected). */
const DATABASE_URL_VALUE = /^\s*postgres(?:ql)?:\/\//i

/**
 * The environment of the process that runs the project's code (configs, schemas): this one without the action's
 * inputs and tokens (INPUT_*, GITHUB_TOKEN, GH_TOKEN, ACTIONS_*), without any variable holding a database URL (the
 * run's, or any postgres:// value), and without the URLs a run was given in any form.
 */
export function childEnvironment(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = {}
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined || SECRET_VARIABLE.test(name) || DATABASE_URL_VALUE.test(value)) continue
    if ([...runUrls].some((url) => value.includes(url))) continue
    out[name] = value
  }
  return out
}
