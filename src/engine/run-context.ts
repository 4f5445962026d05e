// What every part of one run shares: where Postgres comes from, the repository root, the phase clock, the log and
// the bound on databases worked on at once.
import { Limiter } from '../core/limiter'
import { PostgresProvider } from '../postgres/provider'
import { SharedSide } from './shared-databases'

/** Runs `fn` and adds its time to a phase of the report's timings. */
export type Timed = <T>(phase: string, fn: () => Promise<T> | T) => Promise<T>

export interface RunContext {
  provider: PostgresProvider
  root: string
  timed: Timed
  log: (line: string) => void
  limit: Limiter
  /** Migrated databases shared with another check of the same run (the base's, --base). */
  shared?: SharedSide
}

/** A clock per phase, and the function that feeds it. */
export function phaseClock(phases: string[]): { timings: Record<string, number>; timed: Timed } {
  const timings: Record<string, number> = Object.fromEntries(phases.map((p) => [p, 0]))
  const timed: Timed = async (phase, fn) => {
    const start = performance.now()
    try {
      return await fn()
    } finally {
      timings[phase] = (timings[phase] ?? 0) + (performance.now() - start)
    }
  }
  return { timings, timed }
}

/** A clock that keeps no time (the audit reports none). */
export const untimed: Timed = async (_phase, fn) => fn()
