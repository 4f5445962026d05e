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
import { SnapshotFile, compareSnapshots, identifierCollisions } from './snapshots'

type TargetFinding = Omit<Finding, 'target'>

/** `snapshot_out_of_date` when the schema differs from the last snapshot, with what drizzle-kit generate would write. */
export async function snapshotFindings(
  target: ResolvedTarget,
  schema: PgSnapshot,
  snapshots: SnapshotFile[],
  root: string,
  cacheKey?: string,
  kit1State?: Kit1State
): Promise<TargetFinding[]> {
  const latest = [...snapshots].reverse().find((s) => s.snapshot || s.v1)
  if (!latest) return []
  const comparison = latest.v1
    ? kit1State
      ? compareV1States(latest.v1, kit1State)
      : compareV1Snapshot(latest.v1, schema)
    : compareSnapshots(latest.snapshot!, schema)
  if (comparison.changes.length === 0) return []
  const command = generateCommand(target, root)
  let fix: string
  if (latest.v1 && kit1State && comparison.possibleRenames.length === 0) {
    // What the bundled 1.x generate writes from the last snapshot's state.
    try {
      const last: Kit1State = {
        version: '8',
        dialect: 'postgres',
        id: '',
        prevIds: [],
        ddl: latest.v1.ddl,
        renames: []
      }
      fix = (await generateSql1(last, kit1State)).join('\n')
    } catch (error) {
      fix = `Run ${command} (${(error as Error).message.split('\n')[0]})`
    }
  } else if (!latest.snapshot) {
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
