// The names of what a run creates on a server, and what they tell a later run: every throwaway database and role
// starts with the run's id, `dg_<time>_<host>_<pid>_<random>`, so that a run killed with SIGKILL (which cleans
// nothing) can be recognised by the next one on the same host: its process is gone, and the name says since when.
import { createHash, randomBytes } from 'node:crypto'
import * as os from 'node:os'

/** Four hex digits of the host name: runs on other machines sharing the server are never judged from here. */
export function hostTag(hostname = os.hostname()): string {
  return createHash('sha256').update(hostname).digest('hex').slice(0, 4)
}

/** A new run's id: `dg_<ms since 1970, base 36>_<host tag>_<pid, base 36>_<4 random hex digits>`. */
export function newRunId(pid = process.pid, now = Date.now()): string {
  return `dg_${now.toString(36)}_${hostTag()}_${pid.toString(36)}_${randomBytes(2).toString('hex')}`
}

/** The run a database or role name belongs to, read back from the name; undefined for any other name. */
export interface RunOfName {
  runId: string
  host: string
  pid: number
  startedAt: number
}

const RUN_ID = /^(dg_([0-9a-z]{8,9})_([0-9a-f]{4})_([0-9a-z]{1,7})_[0-9a-f]{4})/

/** Throwaway database names: the run's id, a counter and a label (`createNamedDatabase`). */
export const DATABASE_NAME = new RegExp(RUN_ID.source + /_\d+_[a-z0-9_]*$/.source)
/** The run's owner role. */
export const OWNER_ROLE_NAME = new RegExp(RUN_ID.source + /_owner$/.source)

export function ownerRoleOf(runId: string): string {
  return `${runId}_owner`
}

/** Which run made this database or owner role, when the name is exactly one of the tool's. */
export function runOfName(name: string): RunOfName | undefined {
  const match = DATABASE_NAME.exec(name) ?? OWNER_ROLE_NAME.exec(name)
  if (!match) return undefined
  return { runId: match[1], startedAt: parseInt(match[2], 36), host: match[3], pid: parseInt(match[4], 36) }
}

/** Whether a process with this id exists on this host (one we may not signal exists too). */
export function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/**
 * Whether the run that made this name is provably over: made on this host by a process that no longer exists.
 * A run of another host, or one whose process id is in use (maybe by another process since), is not judged.
 */
export function isDeadRun(run: RunOfName, ownHost = hostTag(), exists = processExists): boolean {
  return run.host === ownHost && run.pid !== process.pid && !exists(run.pid)
}
