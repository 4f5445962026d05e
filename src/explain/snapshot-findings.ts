// What the schema says against drizzle-kit's own record of it (the last snapshot), and names the schema declares
// that Postgres would cut to the same 63 bytes.
import * as fs from 'node:fs'
import * as path from 'node:path'
import { ResolvedTarget } from '../config/load-config'
import { Finding } from '../core/findings'
import { hashMigration } from '../migrations/folder'
import { PgSnapshot, generateSql } from '../schema/drizzle-kit'
import { readCachedSchema, writeCachedSchema } from '../schema/schema-cache'
import { SourceIndex } from '../schema/source-index'
import { compareV1Snapshot, compareV1States } from './snapshot-v1'
import { Kit1State, generateSql1 } from '../schema/drizzle-kit-1'
import { V1Head } from './snapshot-v1-head'
import { SnapshotFile, compareSnapshots, identifierCollisions } from './snapshots'

type TargetFinding = Omit<Finding, 'target'>

/** `snapshot_out_of_date` when the schema differs from the last snapshot, with what drizzle-kit generate would write. */
export async function snapshotFindings(
  target: ResolvedTarget,
  schema: PgSnapshot,
  snapshots: SnapshotFile[],
  root: string,
  cacheKey?: string,
  kit1?: { state: Kit1State; head: V1Head }
): Promise<TargetFinding[]> {
  if (kit1) return kit1SnapshotFindings(target, kit1.state, kit1.head, root)
  const latest = [...snapshots].reverse().find((s) => s.snapshot || s.v1)
  if (!latest) return []
  const comparison = latest.v1 ? compareV1Snapshot(latest.v1, schema) : compareSnapshots(latest.snapshot!, schema)
  if (comparison.changes.length === 0) return []
  const command = generateCommand(target, root)
  let fix: string
  if (!latest.snapshot) {
    // The bundled 0.31 cannot write what 1.x would: only the project's own drizzle-kit can.
    fix = `Run ${command}${comparison.possibleRenames.length > 0 ? ` and answer its rename questions (possible renames: ${comparison.possibleRenames.join('; ')})` : ''}`
  } else if (comparison.possibleRenames.length > 0) {
    fix = `Run ${command} and answer its rename questions (possible renames: ${comparison.possibleRenames.join('; ')})`
  } else {
    try {
      // What drizzle-kit generate would write, cached with the schema (keyed by the last snapshot's content too).
      const snapshotKey = latest.migration.snapshotFile
        ? hashMigration(fs.readFileSync(latest.migration.snapshotFile, 'utf8'))
        : undefined
      const cached = readCachedSchema(cacheKey)
      const statements =
        (snapshotKey && cached?.generate?.[snapshotKey]) || (await generateSql(latest.snapshot, schema))
      if (cached && snapshotKey && !cached.generate?.[snapshotKey])
        writeCachedSchema(cacheKey, { ...cached, generate: { ...cached.generate, [snapshotKey]: statements } })
      fix = statements.join('\n')
    } catch (error) {
      fix = `Run ${command} (${(error as Error).message.split('\n')[0]})`
    }
  }
  const shown = comparison.changes.slice(0, 12).map((c) => c.description)
  const more = comparison.changes.length > shown.length ? `, and ${comparison.changes.length - shown.length} more` : ''
  return [
    {
      kind: 'snapshot_out_of_date',
      severity: 'error',
      file: path.relative(root, latest.migration.snapshotFile!),
      line: 1,
      name: latest.migration.tag,
      message: `the schema differs from the last snapshot (${latest.migration.tag}): ${shown.join('; ')}${more}`,
      cause: `the schema was changed without running drizzle-kit generate; \`${command}\` would write a new migration`,
      fix
    }
  ]
}

/**
 * A 1.x project read by the bundled 1.x: its schema state against the head of the folder's snapshots (every leaf
 * of the prevIds graph, see ./snapshot-v1-head.ts), as 1.x generate compares them, with what it would write.
 */
async function kit1SnapshotFindings(
  target: ResolvedTarget,
  state: Kit1State,
  head: V1Head,
  root: string
): Promise<TargetFinding[]> {
  if (head.problems.length > 0) return head.problems
  if (!head.state || !head.file || !head.tag) return []
  const comparison = compareV1States(head.state, state)
  if (comparison.changes.length === 0) return []
  const command = generateCommand(target, root)
  let fix: string
  if (comparison.possibleRenames.length > 0) {
    fix = `Run ${command} and answer its rename questions (possible renames: ${comparison.possibleRenames.join('; ')})`
  } else {
    try {
      const last: Kit1State = {
        version: '8',
        dialect: 'postgres',
        id: '',
        prevIds: [],
        ddl: head.state.ddl,
        renames: []
      }
      fix = (await generateSql1(last, state)).join('\n')
    } catch (error) {
      fix = `Run ${command} (${(error as Error).message.split('\n')[0]})`
    }
  }
  const shown = comparison.changes.slice(0, 12).map((c) => c.description)
  const more = comparison.changes.length > shown.length ? `, and ${comparison.changes.length - shown.length} more` : ''
  const merged = head.leaves.length > 1 ? ` (merged with ${head.leaves.slice(0, -1).join(', ')})` : ''
  return [
    {
      kind: 'snapshot_out_of_date',
      severity: 'error',
      file: path.relative(root, head.file),
      line: 1,
      name: head.tag,
      message: `the schema differs from the last snapshot (${head.tag}${merged}): ${shown.join('; ')}${more}`,
      cause: `the schema was changed without running drizzle-kit generate; \`${command}\` would write a new migration`,
      fix
    }
  ]
}

export function generateCommand(target: ResolvedTarget, root: string): string {
  const config = target.drizzleConfig ? ` --config ${path.relative(target.cwd, target.drizzleConfig)}` : ''
  const cd = path.relative(root, target.cwd)
  return `${cd ? `cd ${cd} && ` : ''}npx drizzle-kit generate${config}`
}

/** Names the schema declares that Postgres cuts to the same 63 bytes. */
export function identifierCollisionFindings(snapshot: PgSnapshot, sources: SourceIndex): TargetFinding[] {
  const out: TargetFinding[] = []
  for (const c of identifierCollisions(snapshot)) {
    const table =
      c.table ??
      Object.values(snapshot.tables).find((t) => Object.keys(t.indexes ?? {}).some((n) => c.names.includes(n)))?.name
    const where = table ? sources.tableObject(c.schema, table, c.names[1]) : undefined
    out.push({
      kind: 'identifier_collision',
      severity: 'error',
      schema: c.schema,
      ...(table ? { table } : {}),
      name: c.cut,
      ...(where ?? {}),
      message: `${c.names.map((n) => `"${n}"`).join(' and ')} are both cut to "${c.cut}" (63 bytes)`,
      cause: `Postgres cuts identifiers to 63 bytes, so these ${c.what === 'constraint' ? 'constraints of one table' : 'relations of one schema'} get the same name: creating the second fails, or it silently does not exist`,
      fix: 'Give one of them a shorter explicit name in the schema'
    })
  }
  return out
}
