// SQL text split into statements, with the lines they start on: no database needed, so errors and findings can
// name file and line before anything runs.

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
    head[0] === 'create' &&
    (/^(function|procedure)$/.test(head[1] ?? '') ||
      (head[1] === 'or' && head[2] === 'replace' && /^(function|procedure)$/.test(head[3] ?? '')))
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
    const skipped = commentOrQuoted(text, i)
    if (skipped?.kind === 'comment') {
      line += newlines(i, skipped.end)
      i = skipped.end
      continue
    }
    if (/\s/.test(c)) {
      i++
      continue
    }
    // A semicolon with no SQL before it ends an empty statement: there is nothing to run or to point at.
    if (c === ';' && first === undefined && atomicDepth === 0 && parenDepth === 0) {
      push(i + 1)
      i++
      continue
    }
    first ??= line
    if (skipped) {
      // A string literal or a quoted identifier: its semicolons end nothing.
      line += newlines(i, skipped.end)
      i = skipped.end
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

/**
 * SQL with its comments and string literals blanked out, character for character (offsets and lines still hold):
 * a name in a comment or in a literal (`WHERE table_name = 'climbs'`) is not a statement using it. Quoted
 * identifiers are kept, and so is the inside of a dollar-quoted body: that of a `DO` block or a function is code.
 */
export function codeOnly(sql: string): string {
  return blankedOut(sql, true)
}

/**
 * SQL with only its comments blanked out, character for character: string literals are kept (a default's or an
 * enum's values are read from them), and a `--` or `/*` inside one is not taken for a comment.
 */
export function withoutComments(sql: string): string {
  return blankedOut(sql, false)
}

function blankedOut(sql: string, literals: boolean): string {
  let out = ''
  let i = 0
  while (i < sql.length) {
    const skipped = commentOrQuoted(sql, i)
    if (!skipped) {
      out += sql[i++]
      continue
    }
    const text = sql.slice(i, skipped.end)
    // Quoted identifiers are names, kept; literals only when asked.
    const keep = skipped.kind === 'identifier' || (skipped.kind === 'literal' && !literals)
    out += keep ? text : text.replace(/[^\n]/g, ' ')
    i = skipped.end
  }
  return out
}

/**
 * The comment, string literal or quoted identifier that starts at `i`, and where it ends (exclusive; the text's end
 * when it is not closed): what both the statement splitter and the blanking above must not read as code. A line
 * comment ends before its line break; block comments nest, as in Postgres; E'…' literals escape with backslashes,
 * and every literal and identifier doubles its quote.
 */
function commentOrQuoted(
  text: string,
  i: number
): { kind: 'comment' | 'literal' | 'identifier'; end: number } | undefined {
  const c = text[i]
  if (c === '-' && text[i + 1] === '-') {
    const end = text.indexOf('\n', i)
    return { kind: 'comment', end: end < 0 ? text.length : end }
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
    return { kind: 'comment', end: Math.min(k, text.length) }
  }
  if (c !== "'" && c !== '"') return undefined
  const backslashes = c === "'" && /[eE]/.test(text[i - 1] ?? '') && !/[\w$]/.test(text[i - 2] ?? '')
  let k = i + 1
  while (k < text.length) {
    if (backslashes && text[k] === '\\') k += 2
    else if (text[k] === c && text[k + 1] === c) k += 2
    else if (text[k] === c) break
    else k++
  }
  return { kind: c === "'" ? 'literal' : 'identifier', end: Math.min(k + 1, text.length) }
}
