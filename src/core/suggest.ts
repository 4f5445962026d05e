// "Did you mean …?" for names a user typed: extensions in drift-guard.config.json, finding kinds in "severity".

/** The available name nearest to a misspelt one (case aside, at most two edits; shorter names allow fewer). */
export function closestName(name: string, available: ReadonlySet<string>): string | undefined {
  const limit = name.length <= 4 ? 1 : 2
  let best: { name: string; distance: number } | undefined
  for (const candidate of [...available].sort()) {
    const distance = editDistance(name.toLowerCase(), candidate.toLowerCase())
    if (distance <= limit && (!best || distance < best.distance)) best = { name: candidate, distance }
  }
  return best?.name
}

/** Levenshtein distance: insertions, deletions and substitutions. */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j)
  for (let i = 1; i <= a.length; i++) {
    const current = [i]
    for (let j = 1; j <= b.length; j++)
      current.push(Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1)))
    previous = current
  }
  return previous[b.length]
}
