import { describe, expect, it } from 'vitest'
import { renderAnalysisMarkdown, renderBanner } from '../../shared/report/analysis.js'
import { renderConfigErrorOutput, toCheckAnnotations } from '../../shared/report/annotations.js'
import type { AnalysisDecision, MetricLook } from '../../shared/report/model.js'
import { mermaidNumber, renderLineChart, thin } from '../../shared/report/mermaid.js'
import { renderRolloutMarkdown } from '../../shared/report/rollout.js'
import { renderCheckRunOutput, renderStatusDescription, renderStickyComment, stickyMarker } from '../../shared/report/targets.js'
import { codeSpan, escapeInline } from '../../shared/report/text.js'
import { failingReport, hugeReport, reportWithDecision, rollout } from './fixtures.js'
import { cellCount, expectWellFormed } from './markdown-check.js'

describe('verdict banner', () => {
  it.each<[AnalysisDecision, string, RegExp]>([
    ['fail', '> [!CAUTION]', /\*\*Canary failed\*\*: `http-errors` \+310% \(\+180% … \+470%\), evidence 1\/α = 20 reached at look 4 \(e = 24\.1\)\./],
    ['pass', '> [!TIP]', /\*\*Canary passed\*\*: no metric worse than its tolerance, proven at look 4 of 4 \(last to settle: `latency`/],
    ['inconclusive', '> [!WARNING]', /\*\*Canary inconclusive\*\*: no decision after 4 looks; 1 without data, 1 undecided\./],
    ['in-progress', '> [!NOTE]', /\*\*Analysis in progress\*\*: look 4, canary at 5%, step 1 of 4; 1 without data, 1 undecided\./],
  ])('%s: an alert block saying what was decided and on what evidence', (decision, alert, sentence) => {
    const banner = renderBanner(reportWithDecision(decision))
    expect(banner.split('\n')[0]).toBe(alert)
    expect(banner).toMatch(sentence)
    // Every line stays inside the blockquote, and the banner ends the paragraph.
    expect(banner.trimEnd().split('\n').every((l) => l.startsWith('>'))).toBe(true)
    expect(banner.endsWith('\n\n')).toBe(true)
  })

  it.each<[MetricLook['state'], RegExp, RegExp]>([
    ['fail', /evidence reached its threshold 30 at look 4 \(e = 24\.1\)\./, /combined evidence decided/],
    ['continue', /the combined evidence decided at look 4; its own evidence is 24\.1 of its threshold 30\./, /reached its threshold/],
  ])('a fail whose deciding metric is %s says whose evidence decided, never a threshold it did not reach', (state, says, never) => {
    const report = failingReport()
    const last = report.looks[report.looks.length - 1]?.metrics[0] as MetricLook
    last.state = state
    last.threshold = 30
    const banner = renderBanner(report)
    expect(banner).toMatch(says)
    expect(banner).not.toMatch(never)
  })

  it('shortens a 10,000-character reason in the banner and keeps it whole further down', () => {
    const report = failingReport()
    report.reason = `${'why '.repeat(2500)}end`
    const banner = renderBanner(report)
    expect(Buffer.byteLength(banner)).toBeLessThan(1000)
    expect(banner).toContain('…')
    const markdown = renderAnalysisMarkdown(report)
    expect(markdown).toContain('<details><summary>Full reason</summary>')
    expect(markdown).toContain('why end')
  })
})

describe('the analysis report', () => {
  it('renders the failing canary in full', () => {
    expect(renderAnalysisMarkdown(failingReport(), { charts: false })).toMatchInlineSnapshot(`
      "### Canary analysis · production

      > [!CAUTION]
      > **Canary failed**: \`http-errors\` +310% (+180% … +470%), evidence 1/α = 20 reached at look 4 (e = 24.1).
      >
      > http-errors is worse than its 0% tolerance with evidence above 1/alpha

      Canary \`v2.4.0\` against stable \`v2.3.1\` · 5% of traffic · step 1 of 4 · 4 looks · analysis \`default\` · α = 0.05

      | Metric | State | Estimate (interval) | Evidence (decides at 20) | Canary | Baseline | Note |
      |---|---|---|---|---|---|---|
      | http-errors (critical) | **fail** | +310% (+180% … +470%) | 24.1 (≥ 1/α) | 48 / 4,000 (1.2%) | 220 / 76,000 (0.289%) |  |
      | latency | continue | +2% (−4% … +9%) | 0.6 | p99 185 ms (n = 4,000) | p99 178 ms (n = 76,000) |  |

      <details><summary>Looks (4)</summary>

      | Look | Time | Decision | Failing | No data |
      |---|---|---|---|---|
      | 1 | 2025-03-04 10:00 UTC | — | — | — |
      | 2 | 2025-03-04 10:01 UTC | — | — | — |
      | 3 | 2025-03-04 10:02 UTC | — | — | — |
      | 4 (decided) | 2025-03-04 10:03 UTC | fail | http-errors | — |

      </details>

      [Workflow run](https://github.com/acme/shop/actions/runs/42) · [Deployment](https://github.com/acme/shop/deployments/production) · [Policy file](https://github.com/acme/shop/blob/abc123/.github/rollgate.yml)
      "
    `)
  })

  it('puts failing metrics first, then those without data, with their reasons', () => {
    const report = reportWithDecision('inconclusive')
    const rows = renderAnalysisMarkdown(report)
      .split('\n')
      .filter((l) => l.startsWith('| ') && !l.startsWith('| Metric') && !l.startsWith('| Look') && /^\| [a-z]/.test(l))
    expect(rows[0]).toMatch(/^\| latency \| nodata \|.*prometheus: query for latency returned no series \|$/)
    expect(rows[1]).toMatch(/^\| http-errors \(critical\) \| continue \|/)
  })

  it('shows dashes, not zeros, for a metric without any figures yet', () => {
    const report = failingReport()
    const empty: MetricLook = { name: 'saturation', type: 'value', state: 'nodata', estimate: null, lower: null, upper: null, evidence: null }
    report.looks.at(-1)?.metrics.push(empty)
    expect(renderAnalysisMarkdown(report)).toContain('| saturation | nodata | — | — | — | — |  |')
  })

  it('links only http(s) URLs', () => {
    const report = failingReport()
    report.links = { run: 'javascript:alert(1)', policy: 'https://github.com/a/b/blob/x/p (1).yml' }
    const markdown = renderAnalysisMarkdown(report)
    expect(markdown).not.toContain('](javascript:')
    expect(markdown).toContain('[Policy file](https://github.com/a/b/blob/x/p%20%281%29.yml)')
  })
})

describe('Mermaid charts', () => {
  it('draws one xychart-beta per metric, canary then baseline, one value per look', () => {
    const markdown = renderAnalysisMarkdown(failingReport())
    const charts = [...markdown.matchAll(/```mermaid\n([\s\S]*?)\n```/g)].map((m) => m[1] as string)
    expect(charts).toHaveLength(2)
    expect(charts[0]).toMatchInlineSnapshot(`
      "%%{init: {"themeVariables": {"xyChart": {"plotColorPalette": "#e8590c, #1c7ed6"}}}}%%
      xychart-beta
          title "http-errors"
          x-axis "look" ["1", "2", "3", "4"]
          y-axis "rate (percent)"
          line [1.2, 1.2, 1.2, 1.2]
          line [0.2895, 0.2895, 0.2895, 0.2895]"
    `)
    expect(charts[1]).toContain('y-axis "p99 (ms)"')
    expect(charts[1]).toContain('line [182, 183, 184, 185]')
    expect(markdown).toContain('<sub>orange: canary · blue: baseline</sub>')
    // The same trend in text, for wherever Mermaid is not rendered.
    expect(markdown).toContain('<sub>canary 1.2% → 1.2% · baseline 0.289% → 0.289%, looks 1–4</sub>')
    expect(markdown).toContain('<sub>canary 182 ms → 185 ms · baseline 178 ms → 178 ms, looks 1–4</sub>')
  })

  it('thins 500 looks to 60 points, keeping the first and the last', () => {
    const points = Array.from({ length: 500 }, (_, i) => ({ look: i + 1, canary: i, baseline: 1 }))
    const chart = renderLineChart(points, { title: 'm', yTitle: 'y' }) as string
    const labels = /x-axis "look" \[(.*)\]/.exec(chart)?.[1]?.split(', ') ?? []
    expect(labels).toHaveLength(60)
    expect(labels[0]).toBe('"1"')
    expect(labels.at(-1)).toBe('"500"')
    for (const series of chart.matchAll(/line \[(.*)\]/g)) expect(series[1]?.split(', ')).toHaveLength(60)
    expect(thin([1, 2, 3], 60)).toEqual([1, 2, 3])
  })

  it('keeps to what the xychart grammar accepts: plain decimals, quote-free labels', () => {
    const chart = renderLineChart(
      [
        { look: 1, canary: 1e-9, baseline: 12_345_678_901 },
        { look: 2, canary: Number.NaN, baseline: 1 },
        { look: 3, canary: -0.5, baseline: 2 },
      ],
      { title: 'p99 "latency" %% {init}', yTitle: 'a"b' },
    ) as string
    expect(chart).toContain('title "p99 latency init"')
    expect(chart).toContain('y-axis "a b"')
    // The look without a canary value is skipped rather than drawn as zero.
    expect(chart).toContain('x-axis "look" ["1", "3"]')
    for (const series of chart.matchAll(/line \[(.*)\]/g)) {
      for (const n of series[1]?.split(', ') ?? []) expect(n).toMatch(/^[+-]?(?:\d+(?:\.\d+)?|\.\d+)$/)
    }
    expect(mermaidNumber(1e21)).toBe('1000000000000000000000')
    expect(mermaidNumber(Number.POSITIVE_INFINITY)).toBe('0')
  })

  it('draws a single series for a value metric and nothing for a metric without data', () => {
    expect(renderLineChart([{ look: 1, canary: 0.4, baseline: null }], { title: 'cpu', yTitle: 'value' })?.match(/line \[/g)).toHaveLength(1)
    expect(renderLineChart([{ look: 1, canary: null, baseline: null }], { title: 'x', yTitle: 'y' })).toBeNull()
  })
})

describe('escaping user-controlled text', () => {
  it.each([
    ['a pipe', 'errors|5xx', 'errors\\|5xx'],
    ['HTML', '<img src=x onerror=alert(1)>', '&lt;img src=x onerror=alert(1)&gt;'],
    ['a mention', 'ping @octocat and @acme/sre', 'ping @\u200Doctocat and @\u200Dacme/sre'],
    ['an issue reference', 'see #12 and GH-7', 'see #\u200D12 and GH-\u200D7'],
    ['emphasis and links', '**x** [y](z) `c` ~s~', '\\*\\*x\\*\\* \\[y\\](z) \\`c\\` \\~s\\~'],
    ['newlines', 'one\ntwo\r\nthree', 'one two three'],
    ['bidi overrides', 'abc\u202Edef', 'abcdef'],
    ['an entity', '&lt;b&gt;', '&amp;lt;b&amp;gt;'],
  ])('%s', (_what, input, expected) => {
    expect(escapeInline(input)).toBe(expected)
  })

  it('keeps the metric table intact whatever the names, reasons and versions say', () => {
    const report = failingReport()
    const metric = report.looks.at(-1)?.metrics[0] as MetricLook
    metric.name = 'x | y\n| --- |'
    metric.reason = '<script>alert(1)</script> cc @everyone | #1'
    report.versions = { canary: 'v2 | `rm` <b>', stable: '@octocat' }
    report.decidingMetric = metric.name
    const markdown = renderAnalysisMarkdown(report)
    expectWellFormed(markdown)
    // Raw HTML only inside code spans, where GitHub shows it as text; mentions only inside them too.
    const outsideCode = markdown.replace(/(`+)[^`][\s\S]*?\1/g, '')
    expect(outsideCode).not.toMatch(/<script|<b>/)
    expect(outsideCode).not.toMatch(/@(?!\u200D)\w/)
    const header = markdown.split('\n').find((l) => l.startsWith('| Metric')) as string
    const row = markdown.split('\n').find((l) => l.startsWith('| x ')) as string
    expect(cellCount(row)).toBe(cellCount(header))
    expect(markdown).toContain('Canary ``v2 | `rm` <b>`` against stable `@octocat`')
  })

  it('code spans survive backticks', () => {
    expect(codeSpan('a`b')).toBe('``a`b``')
    expect(codeSpan('`edge`')).toBe('`` `edge` ``')
    expect(codeSpan('a|b', { cell: true })).toBe('`a\\|b`')
  })

  it('the sticky marker cannot be closed early or collide', () => {
    expect(stickyMarker('production')).toBe('<!-- rollgate:production -->')
    expect(stickyMarker('eu/prod-1')).toBe('<!-- rollgate:eu/prod-1 -->')
    expect(stickyMarker('x --> <b>')).toBe('<!-- rollgate:x%20--%3E%20%3Cb%3E -->')
    expect(stickyMarker('prod')).not.toBe(stickyMarker('prod '))
  })
})

describe('the rollout timeline', () => {
  it('shows the phase, the step ladder and who did what, without notifying anyone', () => {
    expect(renderRolloutMarkdown(rollout())).toMatchInlineSnapshot(`
      "### Rollout · production

      > [!NOTE]
      > **Canary in progress**: \`v2.4.0\` serves 25% of traffic, step 2 of 4; \`v2.3.1\` serves the rest.

      5% → **25%** → 50% → 100%

      | Step | Weight | Analysis | Verdict | State |
      |---|---|---|---|---|
      | 1 | 5% | \`default\` | pass | done |
      | 2 | 25% | \`default\` | in-progress | **current** |
      | 3 | 50% | \`default\` | — | pending |
      | 4 | 100% | — | — | pending |

      <details open><summary>Timeline</summary>

      | Time | Who | What | Weight | Detail |
      |---|---|---|---|---|
      | 2025-03-04 10:00 UTC | octocat | [deploy-canary](https://github.com/acme/shop/actions/runs/40) | 5% |  |
      | 2025-03-04 10:30 UTC | github-actions\\[bot\\] | analysis pass | 5% |  |
      | 2025-03-04 10:31 UTC | hubot | promote | 25% | /rollgate promote production |

      </details>

      [Workflow run](https://github.com/acme/shop/actions/runs/41)
      "
    `)
  })

  it.each([
    ['rolled-back', '> [!CAUTION]', 'Rolled back: error rate above tolerance'],
    ['promoted', '> [!TIP]', 'Promoted to 100%'],
    ['paused', '> [!WARNING]', 'Paused at 25% (step 2 of 4): error rate above tolerance'],
  ] as const)('%s', (phase, alert, description) => {
    const r = { ...rollout(), phase, reason: 'error rate above tolerance' }
    if (phase === 'promoted') r.weight = 100
    expect(renderRolloutMarkdown(r)).toContain(`${alert}\n`)
    expect(renderStatusDescription(r)).toBe(description)
  })
})

describe('targets', () => {
  it('a check run output: verdict title, table summary, charts and looks in the text', () => {
    const output = renderCheckRunOutput(failingReport())
    expect(output.title).toBe('Canary failed: http-errors +310% at look 4')
    expect(output.summary).toMatch(/^> \[!CAUTION\]/)
    expect(output.summary).toContain('| http-errors (critical) | **fail** |')
    expect(output.summary).not.toContain('```mermaid')
    expect(output.text).toContain('```mermaid')
    expect(output.text).toContain('<summary>Looks (4)</summary>')
  })

  it('a sticky comment starts with its marker and holds timeline then analysis', () => {
    const body = renderStickyComment({ environment: 'production', rollout: rollout(), analysis: failingReport() })
    expect(body.startsWith('<!-- rollgate:production -->\n### Rollout · production')).toBe(true)
    expect(body.indexOf('### Canary analysis')).toBeGreaterThan(body.indexOf('Timeline'))
    expectWellFormed(body)
  })

  it.each<[AnalysisDecision, string]>([
    ['fail', 'Canary failed: http-errors +310% at look 4'],
    ['pass', 'Canary passed at look 4'],
    ['inconclusive', 'Canary inconclusive after 4 looks'],
    ['in-progress', 'Canary at 5%: analysing, look 4'],
  ])('a deployment status description for %s', (decision, description) => {
    expect(renderStatusDescription(reportWithDecision(decision))).toBe(description)
  })

  it('annotations on the policy file: columns only on one line, levels, titles', () => {
    expect(
      toCheckAnnotations([
        { file: './.github/rollgate.yml', line: 12, column: 7, message: 'steps[1].weight: expected 0..100, got 150', title: 'Invalid weight' },
        { file: '.github/rollgate.yml', line: 3, endLine: 5, column: 2, message: 'unknown key', level: 'warning' },
        { file: '.github\\rollgate.yml', line: 0, message: '' },
      ]),
    ).toEqual([
      { path: '.github/rollgate.yml', start_line: 12, end_line: 12, start_column: 7, end_column: 7, annotation_level: 'failure', message: 'steps[1].weight: expected 0..100, got 150', title: 'Invalid weight' },
      { path: '.github/rollgate.yml', start_line: 3, end_line: 5, annotation_level: 'warning', message: 'unknown key' },
      { path: '.github/rollgate.yml', start_line: 1, end_line: 1, annotation_level: 'failure', message: 'invalid configuration' },
    ])
  })

  it('a check output for an invalid policy lists the errors', () => {
    const output = renderConfigErrorOutput('production', [{ file: '.github/rollgate.yml', line: 12, column: 7, message: 'weight: expected 0..100' }])
    expect(output.title).toBe('Policy invalid: 1 configuration error in .github/rollgate.yml')
    expect(output.summary).toContain('- `.github/rollgate.yml:12:7` weight: expected 0..100')
  })

  it('renders 100 metrics × 500 looks without a quadratic blow-up (seconds at most, even on a loaded runner)', () => {
    const report = hugeReport(100, 500)
    const started = performance.now()
    renderCheckRunOutput(report)
    renderStickyComment({ environment: 'production', analysis: report })
    expect(performance.now() - started).toBeLessThan(10_000)
  })
})
