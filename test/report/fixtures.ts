import type { AnalysisDecision, AnalysisLook, AnalysisReport, MetricLook, RolloutReport } from '../../shared/report/model.js'

const START = Date.parse('2025-03-04T10:00:00Z')

export function lookTime(i: number): string {
  return new Date(START + i * 60_000).toISOString()
}

/** Two metrics over four looks: http-errors regresses, latency holds. */
export function failingReport(): AnalysisReport {
  const looks: AnalysisLook[] = [1, 2, 3, 4].map((k) => ({
    at: lookTime(k - 1),
    metrics: [
      {
        name: 'http-errors',
        type: 'ratio',
        state: k === 4 ? 'fail' : 'continue',
        estimate: 0.8 * k - 0.1,
        lower: k === 4 ? 1.8 : -0.5,
        upper: k === 4 ? 4.7 : 6,
        evidence: [0.8, 2.5, 9.1, 24.1][k - 1] as number,
        canary: { events: 12 * k, total: 1000 * k },
        baseline: { events: 55 * k, total: 19_000 * k },
        critical: true,
      },
      {
        name: 'latency',
        type: 'samples',
        state: 'continue',
        estimate: 0.02,
        lower: -0.04,
        upper: 0.09,
        evidence: 0.6,
        unit: 'ms',
        canary: { n: 1000 * k, quantile: 181 + k, level: 0.99 },
        baseline: { n: 19_000 * k, quantile: 178, level: 0.99 },
      },
    ],
  }))
  return {
    environment: 'production',
    decision: 'fail',
    decidingMetric: 'http-errors',
    reason: 'http-errors is worse than its 0% tolerance with evidence above 1/alpha',
    alpha: 0.05,
    decidedAtLook: 4,
    versions: { canary: 'v2.4.0', stable: 'v2.3.1' },
    weight: 5,
    step: { index: 1, count: 4 },
    analysis: 'default',
    looks,
    links: {
      run: 'https://github.com/acme/shop/actions/runs/42',
      deployment: 'https://github.com/acme/shop/deployments/production',
      policy: 'https://github.com/acme/shop/blob/abc123/.github/rollgate.yml',
    },
  }
}

export function reportWithDecision(decision: AnalysisDecision): AnalysisReport {
  const report = failingReport()
  report.decision = decision
  if (decision === 'pass') {
    report.decidingMetric = 'latency'
    for (const m of report.looks.at(-1)?.metrics ?? []) m.state = 'pass'
    delete report.reason
  }
  if (decision === 'inconclusive' || decision === 'in-progress') {
    report.decidingMetric = null
    report.decidedAtLook = null
    for (const m of report.looks.at(-1)?.metrics ?? []) m.state = 'continue'
    const last = report.looks.at(-1)?.metrics[1] as MetricLook
    last.state = 'nodata'
    last.reason = 'prometheus: query for latency returned no series'
    report.reason = decision === 'inconclusive' ? 'maximum duration reached; about 12,000 more requests needed' : ''
  }
  return report
}

/** `metrics` × `looks` of synthetic data, for the size limits. */
export function hugeReport(metrics: number, looks: number, name = (i: number) => `metric-${i}`): AnalysisReport {
  const all: AnalysisLook[] = []
  for (let k = 0; k < looks; k++) {
    const ms: MetricLook[] = []
    for (let i = 0; i < metrics; i++) {
      ms.push({
        name: name(i),
        type: 'ratio',
        state: i % 7 === 0 ? 'fail' : i % 5 === 0 ? 'nodata' : 'continue',
        estimate: Math.sin(i + k) * 0.5,
        lower: -1,
        upper: 2,
        evidence: (k + 1) * 0.37,
        canary: { events: 3 * (k + 1) + i, total: 1000 * (k + 1) },
        baseline: { events: 40 * (k + 1) + i, total: 19_000 * (k + 1) },
        reason: `reason ${i} at look ${k}`,
      })
    }
    all.push({ at: lookTime(k), metrics: ms })
  }
  return {
    environment: 'production',
    decision: 'fail',
    decidingMetric: name(0),
    reason: 'x'.repeat(10_000),
    alpha: 0.05,
    decidedAtLook: looks,
    versions: { canary: 'v2', stable: 'v1' },
    weight: 25,
    step: { index: 2, count: 4 },
    looks: all,
    links: { run: 'https://github.com/acme/shop/actions/runs/42' },
  }
}

export function rollout(): RolloutReport {
  return {
    environment: 'production',
    phase: 'canary',
    versions: { canary: 'v2.4.0', stable: 'v2.3.1' },
    weight: 25,
    steps: [
      { weight: 5, state: 'done', analysis: 'default', verdict: 'pass' },
      { weight: 25, state: 'current', analysis: 'default', verdict: 'in-progress' },
      { weight: 50, state: 'pending', analysis: 'default' },
      { weight: 100, state: 'pending' },
    ],
    history: [
      { at: lookTime(0), actor: 'octocat', action: 'deploy-canary', weight: 5, url: 'https://github.com/acme/shop/actions/runs/40' },
      { at: lookTime(30), actor: 'github-actions[bot]', action: 'analysis pass', weight: 5 },
      { at: lookTime(31), actor: 'hubot', action: 'promote', weight: 25, detail: '/rollgate promote production' },
    ],
    links: { run: 'https://github.com/acme/shop/actions/runs/41' },
  }
}
