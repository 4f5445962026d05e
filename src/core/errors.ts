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
  if (error && typeof error === 'object' && typeof (error as Error).message === 'string')
    return (error as Error).message.split('\n')[0]
  return String(error)
}
