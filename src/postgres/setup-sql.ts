// What a provider does to a database before the migrations run: extensions it preinstalls and the project's setup
// SQL (Supabase's `auth` schema and roles, say). Run in every throwaway database, migrated ones and the schema's,
// so that what it creates exists on both sides and is never drift. Statements run one at a time, so that a failing
// one is named by file and line.
import * as fs from 'node:fs'
import * as path from 'node:path'
import { DatabaseUnavailableError, UsageError, isConnectionError } from '../core/errors'
import { extensionsCreatedBy } from '../sql/extensions'
import { Database, toPostgresError } from './provider'
import { quoteIdentifier } from '../sql/identifiers'
import { SqlStatement, positionLine, splitSqlStatements } from '../sql/statements'

export interface SetupScript {
  /** Path relative to the repository root, for messages. */
  file: string
  statements: SqlStatement[]
  /** Extensions its statements create: a provider that loads extensions per database (PGlite) needs them up front. */
  extensions: string[]
}

/** Reads and splits the setup files (absolute paths), in order. */
export function readSetupScripts(files: string[], root: string): SetupScript[] {
  return files.map((file) => {
    const rel = path.relative(root, file)
    let text: string
    try {
      text = fs.readFileSync(file, 'utf8')
    } catch (error) {
      throw new UsageError(`${rel}: cannot read the setup file: ${(error as Error).message}`, rel)
    }
    const statements = splitSqlStatements(text)
    return { file: rel, statements, extensions: [...new Set(statements.flatMap((s) => extensionsCreatedBy(s.sql)))] }
  })
}

const CREATE_ROLE = /^\s*(?:--[^\n]*\n\s*|\/\*[\s\S]*?\*\/\s*)*CREATE\s+(?:ROLE|USER|GROUP)\b/i

/** The extensions of a target ("extensions" in drift-guard.config.json) and where each name is written. */
export interface PreinstalledExtensions {
  names: string[]
  declared?: { file: string; lines: Record<string, number> }
}

/**
 * Creates the extensions, then runs the setup statements. A role is the server's, not the database's: the setup
 * runs in every throwaway database, so a CREATE ROLE for a role that already exists (created by the setup of
 * another database, or there before) is skipped. Any other failure is the user's to fix, named by file:line: the
 * setup statement's, or for an extension the line that names it in the config.
 */
export async function prepareDatabase(
  db: Database,
  extensions: PreinstalledExtensions,
  scripts: SetupScript[],
  target: string
): Promise<void> {
  for (const extension of extensions.names) {
    try {
      await db.exec(`CREATE EXTENSION IF NOT EXISTS ${quoteIdentifier(extension)}`)
    } catch (error) {
      const info = toPostgresError(error)
      if (!/^[0-9A-Z]{5}$/.test(info.code ?? '') || isConnectionError(error))
        throw new DatabaseUnavailableError(
          `target "${target}": the database was lost while creating extension "${extension}": ${info.message}`
        )
      const file = extensions.declared?.file
      const line = extensions.declared?.lines[extension]
      const where = file ? `${file}${line ? `:${line}` : ''}: ` : ''
      throw new UsageError(
        `${where}target "${target}": "extensions": CREATE EXTENSION "${extension}" fails: ${info.message}${info.hint ? ` (hint: ${info.hint})` : ''}`,
        file,
        line
      )
    }
  }
  for (const script of scripts) {
    for (const statement of script.statements) {
      try {
        await db.exec(statement.sql)
      } catch (error) {
        const info = toPostgresError(error)
        // Only Postgres's own answer (a SQLSTATE) is the statement's fault; a lost connection is the database's.
        if (!/^[0-9A-Z]{5}$/.test(info.code ?? '') || isConnectionError(error))
          throw new DatabaseUnavailableError(
            `target "${target}": the database was lost while running ${script.file}:${statement.line}: ${info.message}`
          )
        // Roles are the server's: another database of this run may have created it already (42710), or be creating
        // it at this moment (23505 on pg_authid once that one commits). Either way the role exists, as setup meant.
        if ((info.code === '42710' || info.code === '23505') && CREATE_ROLE.test(statement.sql)) continue
        const line = positionLine(statement, info.position)
        throw new UsageError(
          `${script.file}:${line}: setup SQL of target "${target}" fails: ${info.message}${info.hint ? ` (hint: ${info.hint})` : ''}`,
          script.file,
          line
        )
      }
    }
  }
}
