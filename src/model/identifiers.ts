// Postgres cuts identifiers to 63 bytes (NAMEDATALEN - 1), silently, on a character boundary.
export const MAX_IDENTIFIER_BYTES = 63

export function truncateIdentifier(name: string): string {
  if (Buffer.byteLength(name) <= MAX_IDENTIFIER_BYTES) return name
  let out = ''
  for (const ch of name) {
    if (Buffer.byteLength(out + ch) > MAX_IDENTIFIER_BYTES) break
    out += ch
  }
  return out
}
