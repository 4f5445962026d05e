// What the project's code prints while it loads is shown, but never as the runner reads it: a line of a GitHub
// Actions log that starts with `::` is a workflow command (`::add-mask::`, `::set-output`, `::stop-commands::`,
// `::error`), and `##[` anywhere in a line is one in the older syntax. A pull request's config or schema must not be
// able to issue them (hide a value from the log, forge an annotation, stop the tool's own commands).

/** At most this much of a request's output is shown (a config printing in a loop must not flood the log). */
export const MAX_SHOWN_BYTES = 16 * 1024
export const MAX_SHOWN_LINES = 50

/**
 * Each line of the output as `<prefix>"<the line as a JSON string>"`: the prefix keeps `::` from starting the line,
 * control characters (a carriage return that would start a new line on the runner) are escaped by JSON, and `##[`
 * is written `#\u0023[`, which is the same JSON string.
 */
export function neutralisedLines(output: string, prefix: string): string[] {
  const lines = output.split(/\r?\n/)
  if (lines[lines.length - 1] === '') lines.pop()
  const shown = lines.slice(0, MAX_SHOWN_LINES).map((line) => `${prefix}${neutralisedLine(line)}`)
  if (lines.length > MAX_SHOWN_LINES) shown.push(`${prefix}(${lines.length - MAX_SHOWN_LINES} more lines not shown)`)
  return shown
}

export function neutralisedLine(line: string): string {
  return JSON.stringify(line)
    .replace(/(?<=#)#(?=\[)/g, '\\u0023')
    .replace(/[\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16)}`)
}
