// The limiter that bounds databases worked on at once: a released slot goes to the first waiter, never to a
// caller that arrives between the release and the waiter's turn.
import { limiter } from '../src/core/limiter'

test('limiter(1): after a release, a newcomer waits behind the queued task', async () => {
  const limit = limiter(1)
  let running = 0
  let most = 0
  const task = async (): Promise<void> => {
    running++
    most = Math.max(most, running)
    await new Promise((r) => setTimeout(r, 5))
    running--
  }
  const release = await limit.acquire()
  const queued = limit(task)
  release()
  const newcomer = limit(task)
  await Promise.all([queued, newcomer])
  expect(most).toBe(1)
})
