// JSON.parse with the line of the error, for messages that point at the file and line.
export class JsonSyntaxError extends Error {
  constructor(
    message: string,
    readonly line?: number
  ) {
    super(message)
  }
}

export function parseJson<T = unknown>(text: string): T {
  try {
    return JSON.parse(text) as T
  } catch (error) {
    const message = (error as Error).message
    const lineColumn = /\(line (\d+) column \d+\)/.exec(message)
    const position = /at position (\d+)/.exec(message)
    const line = lineColumn
      ? Number(lineColumn[1])
      : position
        ? text.slice(0, Number(position[1])).split('\n').length
        : /end of JSON/.test(message)
          ? text.trimEnd().split('\n').length
          : undefined
    throw new JsonSyntaxError(message, line)
  }
}

/** A value's place in a JSON document: keys and array indexes from the top, e.g. `['targets', 0, 'setup', 1]`. */
export type JsonPath = (string | number)[]

/**
 * The line of every value (and of every object key) in a JSON text that JSON.parse accepts, so that a message about
 * a value can point at the line it is written on. A repeated key is located at its last occurrence, the one
 * JSON.parse keeps.
 */
export function jsonLines(text: string): {
  value(path: JsonPath): number | undefined
  key(path: JsonPath): number | undefined
} {
  const values = new Map<string, number>()
  const keys = new Map<string, number>()
  let i = 0
  let line = 1
  const blank = (): void => {
    while (i < text.length && /\s/.test(text[i])) if (text[i++] === '\n') line++
  }
  // JSON strings hold no raw newline: skipping one never changes the line.
  const string = (): string => {
    const start = i
    i++
    while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1
    i++
    return JSON.parse(text.slice(start, i)) as string
  }
  const value = (path: JsonPath): void => {
    blank()
    values.set(JSON.stringify(path), line)
    const c = text[i]
    if (c === '{' || c === '[') {
      const close = c === '{' ? '}' : ']'
      i++
      for (let index = 0; ; index++) {
        blank()
        if (i >= text.length || text[i] === close) break
        if (c === '{') {
          const keyLine = line
          const key = string()
          keys.set(JSON.stringify([...path, key]), keyLine)
          blank()
          i++ // the colon
          value([...path, key])
        } else value([...path, index])
        blank()
        if (text[i] === ',') i++
      }
      i++
    } else if (c === '"') string()
    else while (i < text.length && !/[\s,\]}]/.test(text[i])) i++
  }
  value([])
  return { value: (path) => values.get(JSON.stringify(path)), key: (path) => keys.get(JSON.stringify(path)) }
}
