// A bound on how much work runs at once (databases being created, migrated and compared).

/**
 * Runs at most `size` tasks at a time; `acquire` takes a slot by hand (its release may be called early, once).
 * `first` runs a task ahead of those waiting, one such task at a time and only when there are two slots or more,
 * so that at least one slot always serves the waiters in order (what keeps a task that waits for an earlier one
 * from holding every slot).
 */
export interface Limiter {
  <T>(fn: () => Promise<T>): Promise<T>
  acquire(first?: boolean): Promise<() => void>
  first<T>(fn: () => Promise<T>): Promise<T>
}

export function limiter(size: number): Limiter {
  let running = 0
  let firstRunning = false
  const waiting: { wake: () => void; first: boolean }[] = []
  const acquire = async (first = false): Promise<() => void> => {
    const ahead = first && size >= 2 && !firstRunning
    if (ahead) firstRunning = true
    // A released slot passes straight to the first waiter (running stays counted), so a caller arriving between
    // the release and the waiter's wake-up cannot take it too.
    if (running >= size)
      await new Promise<void>((wake) =>
        ahead ? waiting.unshift({ wake, first: true }) : waiting.push({ wake, first: false })
      )
    else running++
    let held = true
    return () => {
      if (!held) return
      held = false
      if (ahead) firstRunning = false
      const next = waiting.shift()
      if (next) next.wake()
      else running--
    }
  }
  const run =
    (first: boolean) =>
    async <T>(fn: () => Promise<T>): Promise<T> => {
      const release = await acquire(first)
      try {
        return await fn()
      } finally {
        release()
      }
    }
  return Object.assign(run(false), { acquire, first: run(true) })
}
