// Parses Mermaid sources with the real `mermaid` parser, in a plain Node process (mermaid is ESM with browser
// leanings; jest's module system does not load it). Input: a JSON array of sources on stdin. Output: a JSON array
// of null (parsed) or the parser's error message.
import mermaid from 'mermaid'

let input = ''
for await (const chunk of process.stdin) input += chunk
const results = []
for (const source of JSON.parse(input)) {
  try {
    await mermaid.parse(source)
    results.push(null)
  } catch (error) {
    results.push(String(error?.message ?? error))
  }
}
process.stdout.write(JSON.stringify(results))
