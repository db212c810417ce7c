import { describe, expect, it } from 'vitest'
import { execFileSync } from 'node:child_process'
import { node24, runBundle } from './harness.js'

// Each entrypoint, run as the runner runs it, fails on bad input with exactly one clear
// `::error::` line naming the input and exit code 1, and never prints a stack for it.
const cases: { bundle: string; inputs: Record<string, string>; message: RegExp }[] = [
  { bundle: 'deploy-canary', inputs: {}, message: /^Input 'environment' is required; expected the name of an environment/ },
  { bundle: 'deploy-canary', inputs: { environment: 'production' }, message: /^Input 'version' is required; expected the version to ship/ },
  { bundle: 'deploy-canary', inputs: { environment: 'prod;rm', version: 'v2' }, message: /^Input 'environment' is "prod;rm"; expected an environment name/ },
  { bundle: 'analyze', inputs: { environment: 'production', mode: 'forever' }, message: /^Input 'mode' is "forever"; expected one of: watch, once\.$/ },
  { bundle: 'analyze', inputs: { environment: 'production', 'fail-on': 'fail,maybe' }, message: /^Input 'fail-on' contains "maybe"; expected `fail` or `fail,inconclusive`\.$/ },
  { bundle: 'promote', inputs: { environment: 'production', to: '120' }, message: /^Input 'to' is "120"; expected a percentage/ },
  { bundle: 'promote', inputs: { environment: 'production', to: '50', full: 'true' }, message: /^Inputs 'to' \(50\) and 'full' \(true\) contradict/ },
  { bundle: 'promote', inputs: { environment: 'production', full: 'sure' }, message: /^Input 'full' is "sure"; expected true or false\.$/ },
  { bundle: 'rollback', inputs: {}, message: /^Input 'environment' is required/ },
  { bundle: 'rollback', inputs: { environment: 'production', 'github-token': '' }, message: /^Input 'github-token' is required/ },
  { bundle: 'flag-cleanup', inputs: { 'dry-run': 'perhaps' }, message: /^Input 'dry-run' is "perhaps"; expected true or false\.$/ },
  { bundle: 'report', inputs: { environments: 'production', since: 'a while' }, message: /^Input 'since' is "a while"; expected a duration/ },
  { bundle: 'drill', inputs: {}, message: /^Input 'environment' is required/ },
  { bundle: 'router', inputs: {}, message: /^The Rollgate router reads pull request comments: run it on `issue_comment`/ },
]

describe('bundles under Node 24, run as a runner runs them', () => {
  it('uses the Node 24 runtime from the node@24 package', () => {
    expect(execFileSync(node24(), ['--version'], { encoding: 'utf8' })).toMatch(/^v24\./)
  })

  it.each(cases)('$bundle with $inputs fails with one clear error', async ({ bundle, inputs, message }) => {
    const run = await runBundle(bundle, { inputs })
    expect(run.exitCode).toBe(1)
    expect(run.errors).toHaveLength(1)
    expect(run.errors[0]).toMatch(message)
    expect(run.stdout).not.toMatch(/\n\s+at .+:\d+:\d+/) // a user error prints no stack
  })
})
