// What a provider does to a database before the migrations run: extensions it preinstalls and the project's setup
// SQL (Supabase's `auth` schema and roles, say). Run in every throwaway database, migrated ones and the schema's,
// so that what it creates exists on both sides and is never drift. Statements run one at a time, so that a failing
// one is named by file and line.
import * as fs from 'node:fs'
import * as path from 'node:path'
import { DatabaseUnavailableError, UsageError } from '../engine/types'
import { extensionsCreatedBy } from './pglite'
import { Database, toPostgresError } from './provider'
import { quoteIdentifier } from '../model/identifiers'

export interface SqlStatement {
  sql: string
  /** 1-based line of the statement's first character that is not blank or comment. */
  line: number
  /** 1-based line where `sql` starts (Postgres error positions count from here). */
  textLine: number
}

/**
 * Splits SQL text at the semicolons that end statements: not those in quotes, identifiers, dollar-quoted bodies
 * or comments, nor those inside parentheses (a rule's actions) or the SQL-standard body of a function or procedure
 * (`BEGIN ATOMIC … END`, PostgreSQL 14+).
 * Pieces with nothing but blanks and comments are dropped.
 */
export function splitSqlStatements(text: string): SqlStatement[] {
  const out: SqlStatement[] = []
  let start = 0
  let textLine = 1
  let line = 1
  let first: number | undefined
  // The statement's first words, to know a CREATE [OR REPLACE] FUNCTION/PROCEDURE; the word before the current one;
  // and how many BEGIN ATOMIC (and CASE inside one) are still open: each closes with END. Such a body holds plain
  // SQL statements only, so BEGIN ATOMIC, CASE and END are the words that open and close there.
  let head: string[] = []
  let previousWord = ''
  let atomicDepth = 0
  let parenDepth = 0
  const push = (end: number): void => {
    if (first !== undefined) out.push({ sql: text.slice(start, end), line: first, textLine })
    start = end
    textLine = line
    first = undefined
    head = []
    previousWord = ''
    atomicDepth = 0
    parenDepth = 0
  }
  const routine = (): boolean =>
    head[0] === 'create' && (/^(function|procedure)$/.test(head[1] ?? '') || (head[1] === 'or' && head[2] === 'replace' && /^(function|procedure)$/.test(head[3] ?? '')))
  const newlines = (from: number, to: number): number => {
    let n = 0
    for (let k = from; k < to; k++) if (text[k] === '\n') n++
    return n
  }
  let i = 0
  while (i < text.length) {
    const c = text[i]
    if (c === '\n') {
      line++
      i++
      continue
    }
    if (c === '-' && text[i + 1] === '-') {
      const end = text.indexOf('\n', i)
      i = end < 0 ? text.length : end
      continue
    }
    if (c === '/' && text[i + 1] === '*') {
      let depth = 1
      let k = i + 2
      while (k < text.length && depth > 0) {
        const pair = text.slice(k, k + 2)
        if (pair === '/*' || pair === '*/') {
          depth += pair === '/*' ? 1 : -1
          k += 2
        } else k++
      }
      line += newlines(i, k)
      i = k
      continue
    }
    if (/\s/.test(c)) {
      i++
      continue
    }
    first ??= line
    if (c === "'" || c === '"') {
      // E'…' strings escape with backslashes; others double the quote.
      const backslashes = c === "'" && /[eE]/.test(text[i - 1] ?? '') && !/[\w$]/.test(text[i - 2] ?? '')
      let k = i + 1
      while (k < text.length) {
        if (backslashes && text[k] === '\\') k += 2
        else if (text[k] === c && text[k + 1] === c) k += 2
        else if (text[k] === c) break
        else k++
      }
      line += newlines(i, Math.min(k, text.length))
      i = k + 1
      continue
    }
    if (c === '$' && !/[\w$]/.test(text[i - 1] ?? '')) {
      const tag = /^\$(?:[A-Za-z_][A-Za-z0-9_]*)?\$/.exec(text.slice(i, i + 64))?.[0]
      if (tag) {
        const close = text.indexOf(tag, i + tag.length)
        const end = close < 0 ? text.length : close + tag.length
        line += newlines(i, end)
        i = end
        continue
      }
    }
    if (/[A-Za-z_]/.test(c) && !/[\w$]/.test(text[i - 1] ?? '')) {
      const word = /^[A-Za-z_][\w$]*/.exec(text.slice(i, i + 64))![0].toLowerCase()
      if (head.length < 4) head.push(word)
      if (routine()) {
        if (word === 'atomic' && previousWord === 'begin') atomicDepth++
        else if (word === 'case' && atomicDepth > 0) atomicDepth++
        else if (word === 'end' && atomicDepth > 0) atomicDepth--
      }
      previousWord = word
      i += word.length
      continue
    }
    previousWord = ''
    // A rule's actions are in parentheses, separated by semicolons: DO INSTEAD (INSERT …; UPDATE …).
    if (c === '(') parenDepth++
    else if (c === ')') parenDepth = Math.max(0, parenDepth - 1)
    else if (c === ';' && atomicDepth === 0 && parenDepth === 0) push(i + 1)
    i++
  }
  push(text.length)
  return out
}

/** The line of a Postgres error position inside a statement. */
export function positionLine(statement: SqlStatement, position?: number): number {
  if (!position || position > statement.sql.length) return statement.line
  return statement.textLine + (statement.sql.slice(0, position - 1).match(/\n/g)?.length ?? 0)
}

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
export async function prepareDatabase(db: Database, extensions: PreinstalledExtensions, scripts: SetupScript[], target: string): Promise<void> {
  for (const extension of extensions.names) {
    try {
      await db.exec(`CREATE EXTENSION IF NOT EXISTS ${quoteIdentifier(extension)}`)
    } catch (error) {
      const info = toPostgresError(error)
      if (!/^[0-9A-Z]{5}$/.test(info.code ?? '')) throw new DatabaseUnavailableError(`target "${target}": the database was lost while creating extension "${extension}": ${info.message}`)
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
        if (!/^[0-9A-Z]{5}$/.test(info.code ?? '')) throw new DatabaseUnavailableError(`target "${target}": the database was lost while running ${script.file}:${statement.line}: ${info.message}`)
        // Roles are the server's: another database of this run may have created it already (42710), or be creating
        // it at this moment (23505 on pg_authid once that one commits). Either way the role exists, as setup meant.
        if ((info.code === '42710' || info.code === '23505') && CREATE_ROLE.test(statement.sql)) continue
        const line = positionLine(statement, info.position)
        throw new UsageError(`${script.file}:${line}: setup SQL of target "${target}" fails: ${info.message}${info.hint ? ` (hint: ${info.hint})` : ''}`, script.file, line)
      }
    }
  }
}
