// Enum values out of the schema's order: which ones, and the ADD VALUE … BEFORE/AFTER that would have kept it.

/** The type's values just after `value` was added to it (in the type's order). */
export interface EnumValueAddition {
  value: string
  /** The type's values right after it was added. */
  order: string[]
  /** The ADD VALUE's BEFORE/AFTER neighbour; none: appended. */
  placement?: { before: string } | { after: string }
}

export interface MisplacedEnumValue {
  value: string
  /** The value it was placed right after in the type (undefined: placed first). */
  after?: string
  /** The ADD VALUE clause that would have put it where the schema has it, among the values that existed then. */
  clause: string
}

const literal = (v: string): string => `'${v.replace(/'/g, "''")}'`

/**
 * The added values that did not land where the schema has them. Each addition is replayed on the type as it would
 * be had every value misplaced before it gone where the schema has it: a value that its own statement put in the
 * schema's place there is not blamed for an earlier value's misplacement ('c' BEFORE 'z' after 'b' was appended
 * after 'z'). A value is in place when the values before it are the ones before it in the schema; the fix names a
 * neighbour that existed at that time: the next schema value (BEFORE), or else the previous one (AFTER).
 */
export function misplacedEnumValues(schemaValues: string[], additions: EnumValueAddition[]): MisplacedEnumValue[] {
  const out: MisplacedEnumValue[] = []
  let replayed: string[] | undefined
  for (const { value, order, placement } of additions) {
    const existing = order.filter((v) => v !== value)
    // Values that reached the type without an addition here (the CREATE TYPE's): where the type has them.
    replayed = (replayed ?? []).filter((v) => existing.includes(v) && v !== value)
    for (const v of existing) {
      if (replayed.includes(v)) continue
      const previous = existing
        .slice(0, existing.indexOf(v))
        .reverse()
        .find((p) => replayed!.includes(p))
      replayed.splice(previous === undefined ? 0 : replayed.indexOf(previous) + 1, 0, v)
    }
    const neighbour = placement && ('before' in placement ? placement.before : placement.after)
    const at =
      neighbour !== undefined && replayed.includes(neighbour)
        ? replayed.indexOf(neighbour) + (placement && 'after' in placement ? 1 : 0)
        : replayed.length
    const rank = schemaValues.indexOf(value)
    const inSchema = replayed.filter((v) => schemaValues.includes(v))
    const beforeInType = new Set(replayed.slice(0, at).filter((v) => schemaValues.includes(v)))
    const beforeInSchema = inSchema.filter((v) => schemaValues.indexOf(v) < rank)
    if (rank < 0 || (beforeInSchema.length === beforeInType.size && beforeInSchema.every((v) => beforeInType.has(v)))) {
      replayed.splice(at, 0, value)
      continue
    }
    const next = schemaValues.slice(rank + 1).find((v) => inSchema.includes(v))
    const previous = [...schemaValues.slice(0, rank)].reverse().find((v) => inSchema.includes(v))
    const clause =
      next !== undefined
        ? `ADD VALUE ${literal(value)} BEFORE ${literal(next)}`
        : `ADD VALUE ${literal(value)} AFTER ${literal(previous!)}`
    const actual = order.indexOf(value)
    out.push({ value, ...(actual > 0 ? { after: order[actual - 1] } : {}), clause })
    replayed.splice(next !== undefined ? replayed.indexOf(next) : replayed.indexOf(previous!) + 1, 0, value)
  }
  return out
}

export function enumOrderHint(name: string, misplaced: MisplacedEnumValue[]): string {
  // ALTER TYPE … ADD VALUE appends unless BEFORE/AFTER is given: say where each misplaced value should have gone.
  const statements = misplaced.length
    ? `ALTER TYPE ${name} ${misplaced.map((m) => m.clause).join(', ')}`
    : 'ADD VALUE … BEFORE/AFTER'
  return `Postgres keeps enum values in the order they were added; ${statements} would have kept the schema's order. Recreate the type to reorder it.`
}
