// The parts of one table that both databases have: constraints and indexes, matched by name, then by definition
// (a twin under another name is a rename, not a missing + extra pair).
import { ConstraintModel, IndexModel, TableModel } from '../model/types'
import { SchemaDifference, label } from './difference'

export const CONSTRAINT_LABEL: Record<ConstraintModel['kind'], string> = {
  primary_key: 'primary key',
  unique: 'unique constraint',
  foreign_key: 'foreign key',
  check: 'check constraint',
  exclusion: 'exclusion constraint'
}

export function diffConstraints(e: TableModel, a: TableModel, out: SchemaDifference[]): void {
  const where = { schema: e.schema, table: e.name }
  const t = label(e.schema, e.name)
  // A table has one primary key; its name depends on how it was declared (users_pkey vs users_id_pk), which
  // Postgres does not care about: compare the columns.
  const ePk = [...e.constraints.values()].find((c) => c.kind === 'primary_key')
  const aPk = [...a.constraints.values()].find((c) => c.kind === 'primary_key')
  if (ePk && !aPk)
    out.push({
      ...where,
      kind: 'missing_constraint',
      name: ePk.name,
      columns: ePk.columns,
      expected: ePk.definition,
      message: `primary key ${ePk.definition} on ${t} does not exist`
    })
  if (!ePk && aPk)
    out.push({
      ...where,
      kind: 'extra_constraint',
      name: aPk.name,
      columns: aPk.columns,
      actual: aPk.definition,
      message: `primary key ${aPk.definition} on ${t} is not declared in the schema`
    })
  if (ePk && aPk && ePk.definition !== aPk.definition) {
    out.push({
      ...where,
      kind: 'constraint_mismatch',
      name: ePk.name,
      columns: ePk.columns,
      expected: ePk.definition,
      actual: aPk.definition,
      message: `primary key on ${t} is ${aPk.definition}, the schema says ${ePk.definition}`
    })
  }

  const eRest = [...e.constraints.values()].filter((c) => c.kind !== 'primary_key')
  const aRest = [...a.constraints.values()].filter((c) => c.kind !== 'primary_key')
  const missing = eRest.filter((c) => !a.constraints.has(c.name) || a.constraints.get(c.name)!.kind === 'primary_key')
  const extra = aRest.filter((c) => !e.constraints.has(c.name) || e.constraints.get(c.name)!.kind === 'primary_key')
  for (const ec of eRest) {
    const ac = a.constraints.get(ec.name)
    if (ac && ac.kind !== 'primary_key' && ac.definition !== ec.definition) {
      out.push({
        ...where,
        kind: 'constraint_mismatch',
        name: ec.name,
        columns: ec.columns,
        expected: ec.definition,
        actual: ac.definition,
        message: `${CONSTRAINT_LABEL[ec.kind]} "${ec.name}" on ${t} is ${ac.definition}, the schema says ${ec.definition}`
      })
    }
  }
  // The same definition under another name: one finding that says so, rather than a missing + extra pair.
  const pairedExtra = new Set<ConstraintModel>()
  for (const ec of missing) {
    const twin = extra.find((x) => !pairedExtra.has(x) && x.kind === ec.kind && x.definition === ec.definition)
    if (twin) {
      pairedExtra.add(twin)
      out.push({
        ...where,
        kind: 'constraint_mismatch',
        name: ec.name,
        columns: ec.columns,
        expected: ec.name,
        actual: twin.name,
        message: `${CONSTRAINT_LABEL[ec.kind]} on ${t} is named "${twin.name}", the schema names it "${ec.name}"`
      })
      continue
    }
    out.push({
      ...where,
      kind: 'missing_constraint',
      name: ec.name,
      columns: ec.columns,
      expected: ec.definition,
      message: `${CONSTRAINT_LABEL[ec.kind]} "${ec.name}" on ${t} does not exist (${ec.definition})`
    })
  }
  for (const ac of extra) {
    if (pairedExtra.has(ac)) continue
    const duplicate = aRest.find(
      (x) => x !== ac && x.kind === ac.kind && x.definition === ac.definition && e.constraints.has(x.name)
    )
    out.push({
      ...where,
      kind: 'extra_constraint',
      name: ac.name,
      columns: ac.columns,
      constraintKind: ac.kind,
      actual: ac.definition,
      message: `${CONSTRAINT_LABEL[ac.kind]} "${ac.name}" on ${t} is not declared in the schema (${ac.definition})${duplicate ? `: it duplicates "${duplicate.name}"` : ''}`
    })
  }
}

export function diffIndexes(e: TableModel, a: TableModel, out: SchemaDifference[]): void {
  const where = { schema: e.schema, table: e.name }
  const t = label(e.schema, e.name)
  const missing: IndexModel[] = []
  const extra = [...a.indexes.values()].filter((i) => !e.indexes.has(i.name))
  for (const ei of e.indexes.values()) {
    const ai = a.indexes.get(ei.name)
    if (!ai) missing.push(ei)
    else if (ai.definition !== ei.definition) {
      out.push({
        ...where,
        kind: 'index_mismatch',
        name: ei.name,
        columns: keyColumns(ei),
        expected: ei.definition,
        actual: ai.definition,
        message: `index "${ei.name}" on ${t} is ${ai.definition}, the schema says ${ei.definition}`
      })
    }
  }
  const paired = new Set<IndexModel>()
  for (const ei of missing) {
    const twin = extra.find((x) => !paired.has(x) && x.definition === ei.definition)
    if (twin) {
      paired.add(twin)
      out.push({
        ...where,
        kind: 'index_mismatch',
        name: ei.name,
        columns: keyColumns(ei),
        expected: ei.name,
        actual: twin.name,
        message: `index on ${t} is named "${twin.name}", the schema names it "${ei.name}"`
      })
      continue
    }
    out.push({
      ...where,
      kind: 'missing_index',
      name: ei.name,
      columns: keyColumns(ei),
      expected: ei.definition,
      message: `index "${ei.name}" on ${t} does not exist (${ei.definition})`
    })
  }
  for (const ai of extra) {
    if (paired.has(ai)) continue
    out.push({
      ...where,
      kind: 'extra_index',
      name: ai.name,
      columns: keyColumns(ai),
      actual: ai.definition,
      message: `index "${ai.name}" on ${t} is not declared in the schema (${ai.definition})`
    })
  }
}

export function keyColumns(index: IndexModel): string[] {
  // A key is a column (quoted when Postgres needs it, spaces included) then its opclass/order, or an expression.
  return index.keys.flatMap((k) => {
    const quoted = /^"((?:[^"]|"")+)"(?:\s|$)/.exec(k)
    if (quoted) return quoted[1].includes('"') ? [] : [quoted[1]]
    const word = k.split(' ')[0]
    return /^[\w$]+$/.test(word) ? [word] : []
  })
}
