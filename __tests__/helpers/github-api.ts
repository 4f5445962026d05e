// A local stand-in for the part of GitHub's REST API the action uses (issue comments), over real HTTP.
import * as http from 'node:http'
import { AddressInfo } from 'node:net'

export interface StoredComment {
  id: number
  body: string
  user: { login: string }
}

export interface GithubStandIn {
  url: string
  comments: StoredComment[]
  requests: { method: string; path: string; authorization?: string }[]
  /** When set, every write answers with this status (e.g. 403 for a fork's read-only token). */
  failWritesWith?: number
  close(): Promise<void>
}

export async function startGithubStandIn(): Promise<GithubStandIn> {
  let nextId = 1000
  const state: Omit<GithubStandIn, 'url' | 'close'> = { comments: [], requests: [] }
  const server = http.createServer((req, res) => {
    let raw = ''
    req.on('data', (chunk) => (raw += chunk))
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://localhost')
      state.requests.push({ method: req.method ?? 'GET', path: url.pathname, authorization: req.headers.authorization })
      const send = (status: number, body: unknown): void => {
        res.writeHead(status, { 'content-type': 'application/json' })
        res.end(JSON.stringify(body))
      }
      const list = /^\/repos\/([^/]+)\/([^/]+)\/issues\/(\d+)\/comments$/.exec(url.pathname)
      const one = /^\/repos\/([^/]+)\/([^/]+)\/issues\/comments\/(\d+)$/.exec(url.pathname)
      if (req.method !== 'GET' && state.failWritesWith)
        return send(state.failWritesWith, { message: 'Resource not accessible by integration' })
      if (list && req.method === 'GET') return send(200, state.comments)
      if (list && req.method === 'POST') {
        const comment = { id: nextId++, body: JSON.parse(raw).body as string, user: { login: 'github-actions[bot]' } }
        state.comments.push(comment)
        return send(201, comment)
      }
      if (one && req.method === 'PATCH') {
        const comment = state.comments.find((c) => c.id === Number(one[3]))
        if (!comment) return send(404, { message: 'Not Found' })
        comment.body = JSON.parse(raw).body
        return send(200, comment)
      }
      if (one && req.method === 'DELETE') {
        state.comments = state.comments.filter((c) => c.id !== Number(one[3]))
        res.writeHead(204)
        return res.end()
      }
      send(404, { message: `stand-in: no route for ${req.method} ${url.pathname}` })
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  const standIn = state as GithubStandIn
  standIn.url = `http://127.0.0.1:${port}`
  standIn.close = () => new Promise<void>((resolve) => server.close(() => resolve()))
  return standIn
}
