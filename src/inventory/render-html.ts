// The inventory as one HTML page: the markdown document's own structure (headings, tables, lists, paragraphs) and
// its Mermaid diagrams, drawn by mermaid in the browser.
import { Inventory } from './model'
import { renderInventoryMarkdown } from './render-markdown'

const escape = (text: string): string => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')

/** Inline markdown of the document: `code`, **bold**, *emphasis*, and the <br> of table cells. */
function inline(text: string): string {
  return escape(text)
    .replace(/&lt;br&gt;/g, '<br>')
    .replace(/`([^`]+)`/g, '<code>$1</code>')
    .replace(/\*\*([^*]+)\*\*/g, '<strong>$1</strong>')
    .replace(/\*([^*]+)\*/g, '<em>$1</em>')
    .replace(/\\\|/g, '|')
}

const cells = (row: string): string[] => row.replace(/^\|\s?|\s?\|$/g, '').split(/\s?(?<!\\)\|\s?/)

export function renderInventoryHtml(inventory: Inventory): string {
  const lines = renderInventoryMarkdown(inventory).split('\n')
  const out: string[] = []
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]
    const heading = /^(#{1,6}) (.*)$/.exec(line)
    if (heading) out.push(`<h${heading[1].length}>${inline(heading[2])}</h${heading[1].length}>`)
    else if (line === '```mermaid') {
      const end = lines.indexOf('```', i)
      out.push(`<pre class="mermaid">${escape(lines.slice(i + 1, end).join('\n'))}</pre>`)
      i = end
    } else if (line.startsWith('|')) {
      const rows: string[] = []
      while (i < lines.length && lines[i].startsWith('|')) rows.push(lines[i++])
      i--
      const [head, , ...body] = rows
      out.push(
        '<table>',
        `<tr>${cells(head)
          .map((c) => `<th>${inline(c)}</th>`)
          .join('')}</tr>`,
        ...body.map(
          (r) =>
            `<tr>${cells(r)
              .map((c) => `<td>${inline(c)}</td>`)
              .join('')}</tr>`
        ),
        '</table>'
      )
    } else if (line.startsWith('- ')) {
      const items: string[] = []
      while (i < lines.length && lines[i].startsWith('- ')) items.push(lines[i++].slice(2))
      i--
      out.push('<ul>', ...items.map((it) => `<li>${inline(it)}</li>`), '</ul>')
    } else if (line.startsWith('> ')) out.push(`<blockquote>${inline(line.slice(2))}</blockquote>`)
    else if (line.trim()) out.push(`<p>${inline(line)}</p>`)
  }
  return `<!doctype html>
<html><head><meta charset="utf-8"><title>Database inventory</title>
<style>body{font-family:system-ui,sans-serif;margin:2em;max-width:100em}table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:.3em .5em;vertical-align:top;font-size:.9em}code{background:#f4f4f4}</style>
</head><body>
${out.join('\n')}
<script type="module">import mermaid from 'https://cdn.jsdelivr.net/npm/mermaid@11/dist/mermaid.esm.min.mjs'; mermaid.initialize({ startOnLoad: true })</script>
</body></html>
`
}
