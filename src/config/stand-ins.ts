// Stand-ins: values served in place of packages a drift check does not need or that are not installed, and how
// one is recognised when it reached the schema.
import { packageNameOf } from './package-resolve'

/** Modules a drift check can replace, because only their shape matters at load time. */
export const STAND_INS: Record<string, () => unknown> = {
  // drizzle.config.ts files call defineConfig() for types only.
  'drizzle-kit': () => ({ defineConfig: <T>(config: T): T => config }),
  // Configs load .env files for credentials, which the check does not need.
  dotenv: () => ({ config: () => ({ parsed: {} }), configDotenv: () => ({ parsed: {} }), parse: () => ({}) }),
  'dotenv/config': () => ({}),
  '@next/env': () => ({ loadEnvConfig: () => ({ combinedEnv: {}, loadedEnvFiles: [] }) })
}

/** What a stand-in turns into as a string: how one that reached a table definition is recognised. */
export const STAND_IN_MARKER = 'drift-guard-stub:'

/** Every stand-in made, with the specifier it stands for: to tell one apart from a real value. */
export const standIns = new WeakMap<object, string>()

/** The package a value stands in for (--stub-missing-imports), or undefined when it is a real value. */
export function standInFor(value: unknown): string | undefined {
  const specifier =
    typeof value === 'function' || (typeof value === 'object' && value !== null) ? standIns.get(value) : undefined
  return specifier === undefined ? undefined : packageNameOf(specifier)
}

/** A value that accepts any use (property, call, new, coercion) and gives itself back. */
export function permissiveStub(name: string): unknown {
  const target = function () {
    return undefined
  }
  const stub: unknown = new Proxy(target, {
    get(_t, key) {
      if (key === Symbol.toPrimitive) return () => `${STAND_IN_MARKER}${name}`
      if (key === 'then') return undefined // not a promise
      if (key === '__esModule') return true
      return stub
    },
    apply: () => stub,
    construct: () => stub as object
  })
  standIns.set(stub as object, name)
  return stub
}

/**
 * Where a stand-in's value reached drizzle-kit's snapshot of the schema (e.g. a column type `vector(<stand-in>)`):
 * "column members.embedding" and the package stood in for, or undefined when none did.
 */
export function standInInSnapshot(snapshot: {
  tables?: Record<string, { name: string; schema?: string; columns?: Record<string, { name: string }> }>
  enums?: Record<string, { name: string }>
}): { where: string; packageName: string; schema?: string; table?: string; column?: string } | undefined {
  const marked = (value: unknown): string | undefined => {
    const match = new RegExp(`${STAND_IN_MARKER}([^\\s"'(),]+)`).exec(JSON.stringify(value) ?? '')
    return match ? packageNameOf(match[1]) : undefined
  }
  for (const table of Object.values(snapshot.tables ?? {})) {
    for (const column of Object.values(table.columns ?? {})) {
      const packageName = marked(column)
      if (packageName)
        return {
          where: `column ${table.name}.${column.name}`,
          packageName,
          schema: table.schema || 'public',
          table: table.name,
          column: column.name
        }
    }
    const packageName = marked(table)
    if (packageName)
      return { where: `table ${table.name}`, packageName, schema: table.schema || 'public', table: table.name }
  }
  for (const e of Object.values(snapshot.enums ?? {})) {
    const packageName = marked(e)
    if (packageName) return { where: `enum ${e.name}`, packageName }
  }
  const packageName = marked(snapshot)
  return packageName ? { where: 'the schema', packageName } : undefined
}
