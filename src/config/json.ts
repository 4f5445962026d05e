// JSON.parse with the line of the error, for messages that point at the file and line.
export class JsonSyntaxError extends Error {
  constructor(message: string, readonly line?: number) {
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
