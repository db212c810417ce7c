/**
 * GitHub environments and their deployment branch policies, for the comment-command router: the
 * fake's state keeps them in `state.environments` (seeded by tests), these handlers answer the two
 * read endpoints the router calls.
 */
import { basicError, iso, nodeId, type Site } from './factories.js'
import { GitHubHttpError, type Handler, type HandlerContext } from './handlers.js'
import type { EnvironmentModel, FakeGitHubState } from './state.js'


function findEnvironment(ctx: HandlerContext): EnvironmentModel {
  const name = String(ctx.pathParams['environment_name'])
  // GitHub matches environment names case-insensitively.
  const env = [...ctx.state.environments.values()].find((e) => e.name.toLowerCase() === name.toLowerCase())
  if (!env) throw new GitHubHttpError(404, basicError('Not Found', 404))
  return env
}

function environmentBody(site: Site, env: EnvironmentModel, state: FakeGitHubState) {
  const policy = env.branchPolicy
  return {
    id: env.id,
    node_id: nodeId('Environment', env.id),
    name: env.name,
    url: `${site.api}/repos/${site.owner}/${site.repo}/environments/${encodeURIComponent(env.name)}`,
    html_url: `${site.web}/${site.owner}/${site.repo}/deployments/activity_log?environments_filter=${encodeURIComponent(env.name)}`,
    created_at: iso(env.createdAt),
    updated_at: iso(env.createdAt),
    protection_rules: [
      ...(policy === null ? [] : [{ id: env.id + 1, node_id: nodeId('Gate', env.id + 1), type: 'branch_policy' }]),
      ...(env.reviewers && env.reviewers.length > 0
        ? [{ id: env.id + 2, node_id: nodeId('Gate', env.id + 2), type: 'required_reviewers', prevent_self_review: false, reviewers: env.reviewers.map((login) => ({ type: 'User', reviewer: state.user(site, login) })) }]
        : []),
    ],
    deployment_branch_policy:
      policy === null ? null : 'protectedBranches' in policy ? { protected_branches: true, custom_branch_policies: false } : { protected_branches: false, custom_branch_policies: true },
  }
}

export const environmentHandlers: Readonly<Record<string, Handler>> = {
  'repos/get-environment': (ctx) => ({ status: 200, body: environmentBody(ctx.site, findEnvironment(ctx), ctx.state) }),
  'repos/list-deployment-branch-policies': (ctx) => {
    const env = findEnvironment(ctx)
    const policy = env.branchPolicy
    if (policy === null || !('customPatterns' in policy)) throw new GitHubHttpError(404, basicError('Not Found', 404))
    const all = policy.customPatterns.map((p, i) => ({ id: env.id * 100 + i, node_id: nodeId('Policy', env.id * 100 + i), name: p.name, type: p.type }))
    const perPage = Math.min(Math.max(Number(ctx.query['per_page'] ?? 30), 1), 100)
    const page = Math.max(Number(ctx.query['page'] ?? 1), 1)
    return { status: 200, body: { total_count: all.length, branch_policies: all.slice((page - 1) * perPage, page * perPage) } }
  },
}
