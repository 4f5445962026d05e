// The errors the tool turns into an outcome (not findings: faults in the user's project are findings).

/** Errors the user can fix (bad config, bad input): exit code 2. */
export class UsageError extends Error {
  constructor(
    message: string,
    readonly file?: string,
    readonly line?: number
  ) {
    super(message)
    this.name = 'UsageError'
  }
}

/** The database could not be started or reached: exit code 3. */
export class DatabaseUnavailableError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'DatabaseUnavailableError'
  }
}

/** The first line of an error's message, whatever realm it was thrown in. */
export function describeError(error: unknown): string {
  // Not `instanceof Error`: errors of code run through vm may come from another realm.
  if (error && typeof error === 'object' && typeof (error as Error).message === 'string') {
    // `throw new Error()` (or a library's error without text): say so, rather than print nothing after a colon.
    const name = typeof (error as Error).name === 'string' && (error as Error).name ? (error as Error).name : 'Error'
    return (error as Error).message.split('\n')[0] || `${name} with no message`
  }
  return String(error)
}

/** SQLSTATEs and driver codes of a lost or refused connection: the server, not the project, is at fault (exit 3). */
const CONNECTION_CODES = new Set([
  '57P01', // admin_shutdown: the server restarted, or our session was terminated
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now: the server is starting
  '53300', // too_many_connections
  '08000',
  '08001',
  '08003',
  '08004',
  '08006',
  'CONNECTION_CLOSED',
  'CONNECTION_ENDED',
  'CONNECTION_DESTROYED',
  'CONNECT_TIMEOUT',
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE'
])

/** Whether an error is a connection to the database lost or refused, rather than something the SQL did. */
export function isConnectionError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code
  return typeof code === 'string' && CONNECTION_CODES.has(code)
}
