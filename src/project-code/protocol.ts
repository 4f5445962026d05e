// What the tool and the process that runs the project's code (configs, schemas) say to each other: plain data only
// (the IPC channel's JSON), so nothing the project's code built (a getter, a Proxy, a function) reaches the tool.
import { UsageError } from '../core/errors'

/** A request: what to load (its handler, by kind) and the data it needs. */
export interface ProjectCodeRequest {
  id: number
  kind: string
  input: unknown
}

/** An error of the child, as data. */
export interface SerialisedError {
  name: string
  message: string
  /** UsageError and its subclasses: bad input (exit 2), with its file and line. */
  usage: boolean
  file?: string
  line?: number
  /** Other fields a subclass carries (ModuleLoadError's chain, MissingMigrationsFolderError's outDeclared). */
  fields?: Record<string, unknown>
}

export type ChildMessage =
  /** The child is ready for requests. */
  | { type: 'ready' }
  /** A project file starts (enter) or ends (leave) being evaluated: names the file a time limit stops in. */
  | { type: 'enter' | 'leave'; file: string }
  | { type: 'result'; id: number; value: unknown }
  | { type: 'error'; id: number; error: SerialisedError }

export function serialiseError(error: unknown): SerialisedError {
  const e = (error && typeof error === 'object' ? error : { message: String(error) }) as Record<string, unknown>
  const fields: Record<string, unknown> = {}
  for (const key of ['chain', 'outDeclared'])
    if (e[key] !== undefined) fields[key] = JSON.parse(JSON.stringify(e[key])) as unknown
  return {
    name: typeof e.name === 'string' ? e.name : 'Error',
    message: typeof e.message === 'string' ? e.message : String(error),
    usage: error instanceof UsageError,
    ...(typeof e.file === 'string' ? { file: e.file } : {}),
    ...(typeof e.line === 'number' ? { line: e.line } : {}),
    ...(Object.keys(fields).length ? { fields } : {})
  }
}

/**
 * The error again, in the tool: a UsageError (with its name and fields) for bad input, else a plain Error (an
 * internal error of the tool's own code in the child).
 */
export function reviveError(serialised: SerialisedError): Error {
  const error = serialised.usage
    ? new UsageError(String(serialised.message), serialised.file, serialised.line)
    : new Error(String(serialised.message))
  error.name = String(serialised.name)
  Object.assign(error, serialised.fields ?? {})
  return error
}
