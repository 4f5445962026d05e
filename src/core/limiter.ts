// A bound on how much work runs at once (databases being created, migrated and compared).

/** Runs at most `size` tasks at a time; `acquire` takes a slot by hand (its release may be called early, once). */
export interface Limiter {
  <T>(fn: () => Promise<T>): Promise<T>
  acquire(): Promise<() => void>
}

export function limiter(size: number): Limiter {
  let running = 0
  const waiting: (() => void)[] = []
  const acquire = async (): Promise<() => void> => {
    // A released slot passes straight to the first waiter (running stays counted), so a caller arriving between
    // the release and the waiter's wake-up cannot take it too.
    if (running >= size) await new Promise<void>((resolve) => waiting.push(resolve))
    else running++
    let held = true
    return () => {
      if (!held) return
      held = false
      const next = waiting.shift()
      if (next) next()
      else running--
    }
  }
  const limit = async <T>(fn: () => Promise<T>): Promise<T> => {
    const release = await acquire()
    try {
      return await fn()
    } finally {
      release()
    }
  }
  return Object.assign(limit, { acquire })
}
