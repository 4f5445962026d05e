// The state drizzle-kit 1.x `generate` compares the schema with: every <folder>/snapshot.json of the migrations
// folder (also a folder whose migration.sql is gone: the migrator skips it, generate does not), with the leaves of
// the prevIds graph (branches generated from one parent and merged) rebuilt together. A snapshot.json that is not
// JSON (merge-conflict markers) makes 1.x refuse to generate at all ("data is malformed"): said as a journal_error,
// never replaced by an older snapshot.
import * as fs from 'node:fs'
import * as path from 'node:path'
import { JsonSyntaxError, parseJson } from '../core/json'
import { Finding } from '../core/findings'
import { uniquesAddedByName } from '../schema/kit1-names'
import { LoadedSchema, withLastSnapshotNames } from '../schema/load-schema'
import { MigrationFolder } from '../migrations/folder'
import { reconstructV1States } from './snapshot-v1-states'
import type { V1Snapshot, V1SnapshotJson } from './snapshot-types'

export interface V1Head {
  /** The merged state of the leaves (undefined when a snapshot is malformed or there is none). */
  state?: V1Snapshot
  /** The last leaf's folder and snapshot file (what the findings point at). */
  tag?: string
  file?: string
  /** The leaves' folders, when more than one (merged branches). */
  leaves: string[]
  problems: Omit<Finding, 'target'>[]
}

export function readV1Head(dir: string, root: string, sqlTexts: (string | undefined)[]): V1Head {
  const folders = fs.existsSync(dir)
    ? fs
        .readdirSync(dir, { withFileTypes: true })
        // drizzle-kit 1.x reads the snapshot.json of every folder, whatever its name.
        .filter((e) => e.isDirectory() && fs.existsSync(path.join(dir, e.name, 'snapshot.json')))
        .map((e) => e.name)
        .sort((a, b) => a.localeCompare(b))
    : []
  const problems: V1Head['problems'] = []
  const jsons: V1SnapshotJson[] = []
  for (const folder of folders) {
    const file = path.join(dir, folder, 'snapshot.json')
    try {
      jsons.push(parseJson<V1SnapshotJson>(fs.readFileSync(file, 'utf8')))
    } catch (error) {
      const rel = path.relative(root, file)
      const line = (error as JsonSyntaxError).line
      problems.push({
        kind: 'journal_error',
        severity: 'error',
        file: rel,
        ...(line ? { line } : {}),
        name: folder,
        message: `${rel}: malformed JSON (${(error as Error).message}): drizzle-kit 1.x refuses the folder ("data is malformed"), so generate cannot run`,
        cause: /^(<<<<<<<|=======|>>>>>>>)/m.test(fs.readFileSync(file, 'utf8'))
          ? 'the file has merge-conflict markers: a merge of two branches that both generated a migration was resolved by hand'
          : 'the file was edited by hand or truncated',
        fix: 'Restore the file from git, or fix the JSON in it by hand (then run drizzle-kit check)'
      })
    }
  }
  if (problems.length > 0 || jsons.length === 0) return { leaves: [], problems }
  const ids = jsons.map((j) => (typeof j.id === 'string' ? j.id : undefined))
  const parents = new Set(jsons.flatMap((j) => (Array.isArray(j.prevIds) ? j.prevIds : [])))
  const leaves = folders.filter((_, i) => ids[i] !== undefined && !parents.has(ids[i]))
  const leafIds = leaves.map((f) => ids[folders.indexOf(f)]!)
  const last = leaves[leaves.length - 1] ?? folders[folders.length - 1]
  // The leaves rebuilt together: a diff on top of every leaf, with no changes of its own (the last leaf first).
  const merged: V1SnapshotJson = { id: 'drift-guard-head', type: 'diff', prevIds: leafIds.reverse(), deltas: [] }
  const states = reconstructV1States(leaves.length > 1 ? [...jsons, merged] : jsons)
  const state = leaves.length > 1 ? states[states.length - 1] : states[folders.indexOf(last)]
  if (!state || 'problem' in state) return { leaves, problems }
  return {
    state: { ddl: state.ddl, uniquesAddedByName: uniquesAddedByName(sqlTexts) },
    tag: last,
    file: path.join(dir, last, 'snapshot.json'),
    leaves: leaves.length > 1 ? leaves : [],
    problems
  }
}

/**
 * A 1.x project read by the bundled 1.x (schema.kit1State, v1 folders): the head of its snapshots, and the schema
 * with its unnamed constraints under the names the head gives them (withLastSnapshotNames). Otherwise as it was.
 */
export function atV1Head(
  loaded: LoadedSchema,
  folder: MigrationFolder,
  root: string
): { schema: LoadedSchema; head?: V1Head } {
  if (!loaded.kit1State || folder.format !== 'folders') return { schema: loaded }
  const head = readV1Head(
    folder.dir,
    root,
    folder.migrations.map((m) => m.sql)
  )
  return { schema: head.state ? withLastSnapshotNames(loaded, head.state.ddl) : loaded, head }
}
