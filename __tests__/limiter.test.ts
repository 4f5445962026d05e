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

test('limit.first goes ahead of the waiters, one at a time, and only with two slots or more', async () => {
  const order: string[] = []
  const task = (name: string) => async (): Promise<void> => {
    order.push(name)
    await new Promise((r) => setTimeout(r, 5))
  }
  const two = limiter(2)
  const held = [await two.acquire(), await two.acquire()]
  const runs = [two(task('a')), two(task('b')), two.first(task('first')), two.first(task('second first'))]
  held.forEach((release) => release())
  await Promise.all(runs)
  // The second `first` waits in order: one slot always serves the queue.
  expect(order).toEqual(['first', 'a', 'b', 'second first'])

  order.length = 0
  const one = limiter(1)
  const release = await one.acquire()
  const single = [one(task('a')), one.first(task('first'))]
  release()
  await Promise.all(single)
  expect(order).toEqual(['a', 'first'])
})
