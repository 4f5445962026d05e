// The sticky pull-request comment: found by a hidden marker, created once, updated on later runs, turned into a
// short "no drift" note when the drift is gone. Failing to comment (a fork's read-only token) never changes the
// verdict: it is logged once, and the annotations and the job summary still tell the story.
import * as core from '@actions/core'
import * as github from '@actions/github'

export function commentMarker(id: string): string {
  return `<!-- drizzle-drift-guard:${id.replace(/-->/g, '')} -->`
}

export interface CommentTarget {
  owner: string
  repo: string
  issueNumber: number
}

export type CommentOutcome = 'created' | 'updated' | 'cleared' | 'none' | 'failed'

export async function upsertComment(
  token: string,
  target: CommentTarget,
  id: string,
  body: string | undefined
): Promise<CommentOutcome> {
  const marker = commentMarker(id)
  try {
    const octokit = github.getOctokit(token)
    const comments = await octokit.paginate(octokit.rest.issues.listComments, {
      owner: target.owner,
      repo: target.repo,
      issue_number: target.issueNumber,
      per_page: 100
    })
    const existing = comments.find((c) => c.body?.includes(marker))
    if (body === undefined) {
      if (!existing) return 'none'
      await octokit.rest.issues.updateComment({
        owner: target.owner,
        repo: target.repo,
        comment_id: existing.id,
        body: `${marker}\n### ✅ drizzle-drift-guard: no drift\n\nThe drift reported earlier in this pull request is gone.`
      })
      return 'cleared'
    }
    const full = `${marker}\n${body}`
    if (existing) {
      await octokit.rest.issues.updateComment({
        owner: target.owner,
        repo: target.repo,
        comment_id: existing.id,
        body: full
      })
      return 'updated'
    }
    await octokit.rest.issues.createComment({
      owner: target.owner,
      repo: target.repo,
      issue_number: target.issueNumber,
      body: full
    })
    return 'created'
  } catch (error) {
    const status = (error as { status?: number }).status
    const reason =
      status === 403 || status === 404
        ? 'the token cannot write comments (pull requests from forks get a read-only GITHUB_TOKEN; see the README for the workflow_run variant)'
        : (error as Error).message
    core.warning(
      `drift-guard could not comment on the pull request: ${reason}. The annotations and the job summary hold the full report.`
    )
    return 'failed'
  }
}
