/**
 * What the demo leaves behind for a newcomer to try next: one recording per analysis in the replay
 * format (so `rollgate replay` re-judges exactly what the demo judged), and the end screen that
 * points at the policy, a recording and the workflow to copy. Lines fit 80 columns.
 */
import type { StepAnalysis } from './pipeline.js'

/** A replay file (DESIGN.md "Replay format") holding what one analysis judged, look by look. */
export function recordingOf(analysis: StepAnalysis): Record<string, unknown> {
  const { plan, outcome } = analysis.result
  const { metrics, ...rest } = plan.judge
  return {
    version: 1,
    ...rest,
    metrics,
    intervals: outcome.intervals.map((interval) => ({ canary: interval.canary, baseline: interval.baseline })),
  }
}

/** The recording as text: JSON has no Infinity, and the replay format writes a histogram's top bucket as "+Inf". */
export function recordingText(analysis: StepAnalysis): string {
  return `${JSON.stringify(recordingOf(analysis), (_, value: unknown) => (value === Infinity ? '+Inf' : value), 2)}\n`
}

export function recordingName(analysis: StepAnalysis): string {
  return `${analysis.version}-at-${analysis.weight}.json`
}

export const WORKFLOWS_URL = 'https://github.com/rollgate-dev/rollgate/tree/main/examples/workflows'

export interface NextStepsInput {
  /** Paths as the user should type them (relative to where they ran the demo when possible). */
  policy: string
  report: string
  /** The recording of the analysis most worth replaying (the failed one). */
  recording: string | undefined
  /** examples/workflows/canary-gateway-api.yml when it is there, else undefined (use the URL). */
  workflow: string | undefined
}

export function nextStepsLines(input: NextStepsInput): string[] {
  const lines = ['What next:', `  • Read the report:   ${input.report}`, `  • Check the policy:  npx rollgate validate ${input.policy}`]
  if (input.recording !== undefined) lines.push(`  • Re-judge a look:   npx rollgate replay ${input.recording}`)
  lines.push('  • Copy a workflow:', `      ${input.workflow ?? WORKFLOWS_URL}`, `    with the policy as .github/rollgate.yml: your pipeline deploys, Rollgate`, '    moves the traffic and judges.')
  return lines
}
