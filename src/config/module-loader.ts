// Loads a project's drizzle configs and schema files (TS, ESM or CJS) without a build step.
//
// Files of the project are transpiled with sucrase (TypeScript + ESM -> CJS, line numbers kept) and evaluated in
// this process with a require() of our own, so we can: honour tsconfig `paths`, map `.js` imports to `.ts` files,
// resolve workspace packages by name without node_modules, fall back to the bundled drizzle-orm when the project has
// no node_modules, stand in for `drizzle-kit`, `dotenv` and database drivers (a drift check needs no credentials and
// never connects), keep `export *` live through import cycles as esbuild does, and name the import chain when
// something cannot be loaded.
import * as fs from 'node:fs'
import * as path from 'node:path'
import Module, { builtinModules, createRequire } from 'node:module'
import { pathToFileURL } from 'node:url'
import * as vm from 'node:vm'
import { transform } from 'sucrase'
import { UsageError, describeError } from '../core/errors'
import { findTsconfigPaths, resolveWithPaths } from './tsconfig-paths'
import { DrizzleGeneration, isToolInstallation, vendorRequire } from '../core/vendor'
import { isDriverPackage, missingDriver } from './drivers'
import { noteEvaluation } from '../project-code/evaluation'
import {
  PROBE_EXTENSIONS,
  packageNameOf,
  resolveFile,
  resolvePackageSource,
  resolveWorkspacePackage
} from './package-resolve'

export { resolveFile } from './package-resolve'
export { standInFor, standInInSnapshot } from './stand-ins'
import { STAND_INS, permissiveStub } from './stand-ins'

export class ModuleLoadError extends UsageError {
  /** What was thrown is process.exit() refused: the project's code tried to end the check (never worked around). */
  exitCalled = false

  constructor(
    message: string,
    readonly chain: string[],
    file?: string,
    line?: number
  ) {
    super(message, file, line)
    this.name = 'ModuleLoadError'
  }
}

interface LoadedModule {
  exports: unknown
  loaded: boolean
}

export interface ModuleLoaderOptions {
  /** Repository root: paths in errors are shown relative to it. */
  root: string
  /**
   * Serve a permissive stand-in for packages that are not installed, instead of failing. Always for drizzle configs:
   * they often import the app's database module for its URL (`import { dbUrl } from "@app/db"`), whose driver
   * the check never uses. For schemas only on request (--stub-missing-imports), since a stand-in there could change
   * what they declare.
   */
  stubMissingPackages?: boolean
  /**
   * The drizzle-orm generation the project uses (docs/drizzle-1.md): the bundled copy served when it has none
   * installed. The tool's own 0.x (found from a fixture inside this repository) is not the project's.
   */
  drizzleOrm?: DrizzleGeneration
}

export class ModuleLoader {
  private readonly cache = new Map<string, LoadedModule>()
  /** For each module's exports object, the exports objects that `export *` from it (kept live, see starExport). */
  private readonly starExporters = new WeakMap<object, Set<object>>()
  private readonly stack: string[] = []
  /** Every project file evaluated, in load order (used to find declarations in the source). */
  readonly loadedFiles: string[] = []
  /** Package specifiers served from the bundled copy because the project has none installed. */
  readonly fallbacks = new Set<string>()
  /** Packages replaced by a permissive stand-in (configs only). */
  readonly stubbed = new Set<string>()
  /** The packages of `stubbed` stood in for because stubMissingPackages asked for it (not database drivers). */
  private readonly stoodInOnRequest = new Set<string>()

  constructor(private readonly options: ModuleLoaderOptions) {}

  /** Loads a file of the project and returns its exports. */
  load(file: string): Record<string, unknown> {
    const absolute = path.resolve(file)
    const exports = this.loadFile(absolute)
    return (exports ?? {}) as Record<string, unknown>
  }

  private rel(file: string): string {
    const r = path.relative(this.options.root, file)
    return r.startsWith('..') ? file : r
  }

  private chain(extra?: string): string[] {
    const files = this.stack.map((f) => this.rel(f))
    return extra ? [...files, extra] : files
  }

  /** " (import chain: a -> b)" when the file was reached through imports. */
  private via(extra?: string): string {
    const chain = this.chain(extra)
    return chain.length > 1 ? ` (import chain: ${chain.join(' -> ')})` : ''
  }

  private loadFile(file: string): unknown {
    const cached = this.cache.get(file)
    if (cached) return cached.exports
    if (file.endsWith('.json')) {
      const record: LoadedModule = { exports: undefined, loaded: false }
      this.cache.set(file, record)
      try {
        record.exports = JSON.parse(fs.readFileSync(file, 'utf8'))
      } catch (error) {
        throw new ModuleLoadError(
          `${this.rel(file)} is not valid JSON: ${(error as Error).message}`,
          this.chain(this.rel(file)),
          this.rel(file)
        )
      }
      return record.exports
    }
    const source = fs.readFileSync(file, 'utf8')
    let code: string
    try {
      code = transform(source, {
        transforms: file.endsWith('x') ? ['typescript', 'imports', 'jsx'] : ['typescript', 'imports'],
        filePath: file,
        production: true,
        keepUnusedImports: false,
        // Node 20 runs ES2022 as written; sucrase's rewrites of `??`, `?.` and class fields into arrow functions
        // break valid code (a `yield` or `await` inside them moves into the arrow).
        disableESTransforms: true
      }).code
    } catch (error) {
      const message = (error as Error).message
      const match = /\((\d+):(\d+)\)/.exec(message)
      throw new ModuleLoadError(
        `${this.rel(file)}${match ? `:${match[1]}` : ''}: cannot be parsed: ${message}${this.via(this.rel(file))}`,
        this.chain(this.rel(file)),
        this.rel(file),
        match ? Number(match[1]) : undefined
      )
    }
    code = terminateDestructuredExports(source, code)
    // import.meta only exists in ESM; configs use it for __dirname-like paths.
    code = code.replace(/\bimport\.meta\.url\b/g, JSON.stringify(pathToFileURL(file).href))
    code = code.replace(/\bimport\.meta\.dirname\b/g, JSON.stringify(path.dirname(file)))
    code = code.replace(/\bimport\.meta\.filename\b/g, JSON.stringify(file))
    // sucrase's `export *` copies the names the module has when the barrel runs; ours also adds them later.
    code = code.replace(
      /function (_createStarExport\d*)\(obj\) \{/,
      'function $1(obj) { return __driftGuardStarExport(exports, obj); '
    )

    // `process` is passed in so that the module sees the same environment as the loader (and its placeholders).
    let wrapper: (...args: unknown[]) => void
    try {
      wrapper = vm.runInThisContext(
        `(function (exports, require, module, __filename, __dirname, process, __driftGuardStarExport) {${code}\n})`,
        {
          filename: file
        }
      ) as typeof wrapper
    } catch (error) {
      // Syntax Node rejects: blame this file, not the importer's require() that is still on the stack.
      const line = lineInFile(error, file)
      throw new ModuleLoadError(
        `${this.rel(file)}${line ? `:${line}` : ''}: cannot be parsed: ${describeError(error)}${this.via(this.rel(file))}`,
        this.chain(this.rel(file)),
        this.rel(file),
        line
      )
    }
    const module = { exports: {} as unknown, loaded: false, id: file, filename: file }
    const record: LoadedModule = { exports: module.exports, loaded: false }
    this.cache.set(file, record)
    this.loadedFiles.push(file)
    const localRequire = this.makeRequire(file)
    this.stack.push(file)
    noteEvaluation(file, true)
    try {
      const starExport = (target: object, source: unknown): void => this.starExport(target, source)
      wrapper.call(module.exports, module.exports, localRequire, module, file, path.dirname(file), process, starExport)
    } catch (error) {
      this.cache.delete(file)
      if (error instanceof ModuleLoadError) throw error
      const line = lineInFile(error, file)
      const where = `${this.rel(file)}${line ? `:${line}` : ''}`
      const chain = this.chain()
      const via = chain.length > 1 ? ` (import chain: ${chain.join(' -> ')})` : ''
      const failure = new ModuleLoadError(
        `${where} threw while being imported: ${describeError(error)}${via}. ${this.whyImportThrew()}`,
        chain,
        this.rel(file),
        line
      )
      failure.exitCalled = (error as Error | undefined)?.name === 'ProcessExitCalledError'
      throw failure
    } finally {
      noteEvaluation(file, false)
      this.stack.pop()
    }
    record.exports = module.exports
    record.loaded = true
    // Barrels that re-exported this module while it was still loading (an import cycle) get its names now.
    if (module.exports && typeof module.exports === 'object') this.propagateStarExports(module.exports)
    return module.exports
  }

  /**
   * `export * from source` into target, kept live as ESM bindings are (and as esbuild/tsx, which drizzle-kit
   * loads schemas with, make them): in an import cycle the source may still be loading, so names it gets later
   * (its own, or through its own `export *`) are added to target then, and to whatever re-exports target.
   */
  private starExport(target: object, source: unknown): void {
    if (!source || (typeof source !== 'object' && typeof source !== 'function')) return
    let exporters = this.starExporters.get(source)
    if (!exporters) this.starExporters.set(source, (exporters = new Set()))
    exporters.add(target)
    if (copyStarNames(target, source)) this.propagateStarExports(target)
  }

  private propagateStarExports(source: object): void {
    for (const target of this.starExporters.get(source) ?? []) {
      if (copyStarNames(target, source)) this.propagateStarExports(target)
    }
  }

  private makeRequire(importer: string): NodeJS.Require {
    const nativeRequire = createRequire(importer)
    const requireFn = ((specifier: string) => this.require(specifier, importer, nativeRequire)) as NodeJS.Require
    requireFn.resolve = ((specifier: string) => nativeRequire.resolve(specifier)) as NodeJS.RequireResolve
    requireFn.cache = Module.createRequire(importer).cache
    return requireFn
  }

  private require(specifier: string, importer: string, nativeRequire: NodeJS.Require): unknown {
    const bare = specifier.startsWith('node:') ? specifier.slice(5) : specifier
    if (builtinModules.includes(bare) || builtinModules.includes(bare.split('/')[0])) return nativeRequire(specifier)

    if (specifier.startsWith('.') || path.isAbsolute(specifier)) {
      const resolved = resolveFile(path.resolve(path.dirname(importer), specifier))
      if (!resolved) throw this.unresolved(specifier, importer)
      return this.loadResolved(resolved, nativeRequire)
    }

    const aliased = resolveWithPaths(findTsconfigPaths(importer), specifier, resolveFile)
    if (aliased) return this.loadResolved(aliased, nativeRequire)

    let resolved: string | undefined
    try {
      resolved = nativeRequire.resolve(specifier)
    } catch {
      // Workspace packages often export TypeScript under "import"/"types" conditions only, which require() cannot
      // resolve (ERR_PACKAGE_PATH_NOT_EXPORTED): read their package.json as a bundler would.
      resolved = resolvePackageSource(specifier, importer)
    }
    // Without node_modules (or with a workspace package's exports pointing at an unbuilt dist/): the workspace
    // globs say where the package manager would link it from.
    let workspacePackage: string | undefined
    if (!resolved) {
      let inWorkspace: ReturnType<typeof resolveWorkspacePackage>
      try {
        inWorkspace = resolveWorkspacePackage(specifier, importer, this.options.root)
      } catch (error) {
        // A broken pnpm-workspace.yaml or package.json: its own file and line, not the importer's.
        if (error instanceof UsageError) throw new ModuleLoadError(error.message, this.chain(), error.file, error.line)
        throw error
      }
      resolved = inWorkspace.file
      workspacePackage = inWorkspace.packageDir
    }
    const packageName = packageNameOf(specifier)
    if (
      resolved &&
      !(packageName === 'drizzle-orm' && this.options.drizzleOrm === '1.x' && isToolInstallation(resolved))
    )
      return this.loadResolved(resolved, nativeRequire)

    if (STAND_INS[specifier]) {
      this.fallbacks.add(specifier)
      return STAND_INS[specifier]()
    }
    if (packageName === 'drizzle-orm') {
      this.fallbacks.add(packageName)
      try {
        return vendorRequire(specifier, this.options.drizzleOrm)
      } catch (error) {
        // The bundled drizzle-orm's driver entries require() their client package, which the bundle does not ship.
        const driver = missingDriver(error)
        if (driver) return this.driverStandIn(specifier, driver)
        throw error
      }
    }
    if (isDriverPackage(specifier)) return this.driverStandIn(specifier, packageName)
    if (this.options.stubMissingPackages) {
      this.stubbed.add(packageName)
      this.stoodInOnRequest.add(packageName)
      return permissiveStub(specifier)
    }
    throw this.unresolved(specifier, importer, workspacePackage)
  }

  /**
   * A database driver that is not installed (or a module that needs one, such as `drizzle-orm/postgres-js`): configs
   * and db modules only build a client with it at import, which the check never connects. The stand-in can be
   * called and constructed, and gives itself back.
   */
  private driverStandIn(specifier: string, driver: string): unknown {
    this.stubbed.add(driver)
    return permissiveStub(specifier)
  }

  private loadResolved(resolved: string, nativeRequire: NodeJS.Require): unknown {
    const real = safeRealpath(resolved)
    // Packages (including workspace packages that ship built JS) load natively; project sources through us.
    const insideNodeModules = real.split(path.sep).includes('node_modules')
    const ext = path.extname(real)
    if (!insideNodeModules && (PROBE_EXTENSIONS.includes(ext) || ext === '')) return this.loadFile(real)
    try {
      return nativeRequire(real)
    } catch (error) {
      // The project's drizzle-orm is installed, its driver package is not.
      const driver = missingDriver(error)
      if (driver) return this.driverStandIn(real, driver)
      throw new ModuleLoadError(
        `${path.relative(this.options.root, real)} could not be loaded: ${describeError(error)}`,
        this.chain(this.rel(real))
      )
    }
  }

  /**
   * What to do about a module that threw. With stand-ins for missing packages (--stub-missing-imports, and always
   * for configs), the value that failed
   * may be one: a stand-in returns itself from every call, so a schema that computes its tables from the package
   * (`z.enum([…]).parse(env)` picking a driver) gets a stand-in where it expects a string.
   */
  private whyImportThrew(): string {
    const runtime =
      "the schema must load without the application's runtime (database connections, secrets); import only drizzle-orm and schema files from it"
    const packages = [...this.stoodInOnRequest]
    if (packages.length === 0) return runtime[0].toUpperCase() + runtime.slice(1)
    const list = packages.join(', ')
    const them = packages.length === 1 ? 'it' : 'them'
    return (
      `A stand-in may have produced the value that failed: ${list} ${packages.length === 1 ? 'is' : 'are'} not installed, so the check stood in for ${them}. ` +
      `Install ${list} (npm ci), or point "schema" at files that do not compute tables from ${them}; otherwise, ${runtime}`
    )
  }

  /** @param workspacePackage the folder of the workspace package of that name, found but leading to no file */
  private unresolved(specifier: string, importer: string, workspacePackage?: string): ModuleLoadError {
    const line = findImportLine(importer, specifier)
    const where = `${this.rel(importer)}${line ? `:${line}` : ''}`
    const chain = this.chain()
    const via = chain.length > 1 ? ` (import chain: ${chain.join(' -> ')})` : ''
    const hint = specifier.startsWith('.')
      ? ''
      : workspacePackage
        ? ` It is the workspace package in ${this.rel(workspacePackage)}, whose package.json ("exports", "module", "main") leads to no file there, nor under src/: build it, or point its "exports" at its source.`
        : ' Install the project\'s dependencies (npm ci), declare the alias in tsconfig.json "paths", list its folder in the workspaces, ' +
          'or pass --stub-missing-imports (action input `stub-missing-imports: true`) if the schema uses it only at runtime ($defaultFn, validation).'
    return new ModuleLoadError(
      `Cannot resolve "${specifier}" imported by ${where}${via}.${hint}`,
      chain,
      this.rel(importer),
      line
    )
  }
}

/** `export const|let|var` with an object or array pattern, at the start of a line (after block comments, if any). */
const DESTRUCTURED_EXPORT = /^\s*(?:\/\*.*?\*\/\s*)*export\s+(?:const|let|var)\s*[{[]/

/**
 * sucrase writes `export const { a } = f()` as `( { a: exports.a } = f())`, and `export const [a] = f()` as
 * `[exports.a] = f()`, where the declaration was. After a line without `;` (no-semicolon code style) that continues
 * the previous line: a call of it, or an index into it (`Cannot access 'x' before initialization`). A `;` put before
 * the rewritten statement, on its own line, ends the previous statement and keeps every line where it was (errors
 * name file:line). Only lines the source starts with such an export are touched, and only where the output starts
 * with the rewrite (a line of a template literal or a comment is left as it is, since sucrase leaves it as written).
 */
function terminateDestructuredExports(source: string, code: string): string {
  if (!/\bexport\s+(?:const|let|var)\s*[{[]/.test(source)) return code
  const sourceLines = source.split('\n')
  const codeLines = code.split('\n')
  if (codeLines.length !== sourceLines.length) return code
  for (let i = 0; i < sourceLines.length; i++) {
    if (DESTRUCTURED_EXPORT.test(sourceLines[i]))
      codeLines[i] = codeLines[i].replace(/^(\s*(?:\/\*.*?\*\/\s*)*)(?=[([])/, '$1;')
  }
  return codeLines.join('\n')
}

/** Adds getters on target for the names of source it lacks (its own exports win, as in ESM); true if any was added. */
function copyStarNames(target: object, source: object): boolean {
  let added = false
  for (const key of Object.keys(source)) {
    if (key === 'default' || key === '__esModule' || Object.prototype.hasOwnProperty.call(target, key)) continue
    Object.defineProperty(target, key, {
      enumerable: true,
      configurable: true,
      get: () => (source as Record<string, unknown>)[key],
      // The barrel's own export of the same name, assigned when its declaration runs, replaces the re-export.
      set: (value: unknown) =>
        Object.defineProperty(target, key, { value, enumerable: true, configurable: true, writable: true })
    })
    added = true
  }
  return added
}

function safeRealpath(file: string): string {
  try {
    return fs.realpathSync(file)
  } catch {
    return file
  }
}

function findImportLine(file: string, specifier: string): number | undefined {
  try {
    const lines = fs.readFileSync(file, 'utf8').split('\n')
    const quoted = [`'${specifier}'`, `"${specifier}"`, '`' + specifier + '`']
    const index = lines.findIndex((l) => quoted.some((q) => l.includes(q)))
    return index >= 0 ? index + 1 : undefined
  } catch {
    return undefined
  }
}

function lineInFile(error: unknown, file: string): number | undefined {
  const stack = (error as Error | undefined)?.stack
  if (!stack) return undefined
  for (const line of stack.split('\n')) {
    const index = line.indexOf(file + ':')
    if (index >= 0) {
      const match = /^:(\d+)/.exec(line.slice(index + file.length))
      if (match) return Number(match[1])
    }
  }
  return undefined
}
