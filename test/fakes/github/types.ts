/**
 * The API object types, taken from the Octokit the suite uses (itself generated from the same
 * OpenAPI description), so factories that forget a required field fail to compile.
 */
import type { Octokit } from '../../../shared/github/client.js'

type Rest = Octokit['rest']
type Data<F> = F extends (...args: never[]) => Promise<{ data: infer D }> ? D : never

export type SimpleUser = NonNullable<Deployment['creator']>
export type Deployment = Data<Rest['repos']['getDeployment']>
export type DeploymentStatus = Data<Rest['repos']['createDeploymentStatus']>
export type CheckRun = Data<Rest['checks']['get']>
export type CommitStatus = Data<Rest['repos']['createCommitStatus']>
export type CombinedStatus = Data<Rest['repos']['getCombinedStatusForRef']>
export type IssueComment = Data<Rest['issues']['getComment']>
export type Reaction = Data<Rest['reactions']['createForIssueComment']>
export type CollaboratorPermission = Data<Rest['repos']['getCollaboratorPermissionLevel']>
export type PullRequest = Data<Rest['pulls']['get']>
export type PullRequestSimple = Data<Rest['pulls']['list']>[number]
export type Repository = PullRequest['head']['repo']
export type MinimalRepository = CombinedStatus['repository']
export type Integration = NonNullable<CheckRun['app']>
export type GitRef = Data<Rest['git']['getRef']>
export type ShortBlob = Data<Rest['git']['createBlob']>
export type Blob = Data<Rest['git']['getBlob']>
export type GitTree = Data<Rest['git']['getTree']>
export type GitCommit = Data<Rest['git']['getCommit']>
export type ContentFile = Extract<Data<Rest['repos']['getContent']>, { type: 'file' }>
export type ContentDirectory = Extract<Data<Rest['repos']['getContent']>, unknown[]>
export type FileCommit = Data<Rest['repos']['createOrUpdateFileContents']>
/** Octokit still types the dispatch as 204-only; GitHub answers 200 with these when asked to. */
export interface WorkflowDispatchResponse {
  workflow_run_id: number
  run_url: string
  html_url: string
}
