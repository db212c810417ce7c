/** The slices of the GitHub client the command modules use (see shared/github/ports.ts for the idea). */
import type { Octokit } from '../github/client.js'

type Rest = Octokit['rest']

type Calls<T, K extends keyof T> = {
  [P in K]: T[P] extends (...args: infer A) => infer R ? (...args: A) => R : never
}

export interface CommandsPort {
  repos: Calls<
    Rest['repos'],
    'getCollaboratorPermissionLevel' | 'getEnvironment' | 'listDeploymentBranchPolicies' | 'getBranch' | 'getCombinedStatusForRef' | 'getContent'
  >
  pulls: Calls<Rest['pulls'], 'get'>
  checks: Calls<Rest['checks'], 'listForRef'>
  issues: Calls<Rest['issues'], 'createComment' | 'updateComment'>
  reactions: Calls<Rest['reactions'], 'createForIssueComment'>
}
