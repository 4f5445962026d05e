/** Extension names a migration creates (CREATE EXTENSION [IF NOT EXISTS] "name"). */
export function extensionsCreatedBy(sql: string): string[] {
  const names: string[] = []
  const re = /create\s+extension\s+(?:if\s+not\s+exists\s+)?(?:"([^"]+)"|([\w-]+))/gi
  for (let m = re.exec(sql); m; m = re.exec(sql)) names.push((m[1] ?? m[2]).toLowerCase())
  return names
}
