/**
 * The demo's pure parts: its arguments, the policy it writes (valid for the same loader the
 * actions use), the terminal helpers and the SVG charts.
 */
import { describe, expect, it } from 'vitest'
import { checkPolicy } from '../../shared/config/load.js'
import { parseDemoArgs } from '../../cli/demo.js'
import { evidenceBar, fitWidth, wrapLine } from '../../cli/demo/display.js'
import { haproxyConfig } from '../../cli/demo/haproxy.js'
import { demoPolicyText } from '../../cli/demo/policy.js'
import { seededRandom } from '../../cli/demo/random.js'
import { demoPace } from '../../cli/demo/scenario.js'
import { niceTicks, svgChart } from '../../cli/demo/svg.js'

describe('parseDemoArgs', () => {
  it.each([
    [[], { port: 0, fast: false, out: 'rollgate-demo', html: true, json: false, keepRunning: false, router: 'auto' }],
    [['--fast', '--json', '--no-html'], { fast: true, json: true, html: false }],
    [['--port', '8080', '--out', 'x'], { port: 8080, out: 'x' }],
    [['--port=9000', '--out=reports/demo', '--keep-running'], { port: 9000, out: 'reports/demo', keepRunning: true }],
    [['--router', 'built-in'], { router: 'built-in' }],
  ])('%j', (args, expected) => {
    expect(parseDemoArgs(args)).toMatchObject(expected)
  })

  it.each([
    [['--port', '0'], /--port: expected a port number/],
    [['--port', 'http'], /--port: expected a port number/],
    [['--port'], /--port needs a value/],
    [['--router', 'nginx'], /--router: expected auto, haproxy or built-in/],
    [['--slow'], /unknown option "--slow"/],
    [['now'], /unknown argument "now"/],
  ])('%j is refused', (args, message) => {
    expect(() => parseDemoArgs(args)).toThrow(message)
  })
})

describe('the demo policy', () => {
  it.each([
    ['haproxy', false],
    ['built-in', true],
  ] as const)('passes the policy loader with the %s router (fast: %s)', (router, fast) => {
    const text = demoPolicyText({ pace: demoPace(fast), metricsUrls: ['http://127.0.0.1:1001/metrics', 'http://127.0.0.1:1002/metrics'], router, socket: '/tmp/demo/admin.sock' })
    const result = checkPolicy(text, 'policy.yml', {})
    expect(result.problems).toEqual([])
    if (!result.ok) return
    const env = result.policy.environments['demo']
    expect(env?.steps.map((s) => [s.weight, s.analysis])).toEqual([
      [5, 'demo'],
      [25, 'demo'],
      [50, 'demo'],
      [100, undefined],
    ])
    expect(result.policy.analysis['demo']).toMatchObject({ interval: fast ? 1000 : 2000, provider: { type: 'scrape' } })
  })
})

describe('haproxyConfig', () => {
  it('binds 127.0.0.1 only, opens the runtime API at level admin and starts the canary at weight 0', () => {
    const cfg = haproxyConfig({ port: 8000, socket: '/tmp/x/admin.sock', stablePort: 8001, canaryPort: 8002 })
    expect(cfg).toMatch(/bind 127\.0\.0\.1:8000\n/)
    expect(cfg).toMatch(/stats socket \/tmp\/x\/admin\.sock mode 600 level admin/)
    expect(cfg).toMatch(/server stable 127\.0\.0\.1:8001 weight 100/)
    expect(cfg).toMatch(/server canary 127\.0\.0\.1:8002 weight 0/)
  })
})

describe('wrapLine', () => {
  it('wraps at the width, indenting continuations under the stamped text, counting no ANSI escapes', () => {
    const line = `\x1b[2m[   3.2s]\x1b[22m   look 3: fail (errors) · canary 28 requests, 9 errors · baseline 547 requests, 16 errors`
    const lines = wrapLine(line, 80)
    expect(lines.length).toBe(2)
    for (const l of lines) expect([...l.replace(/\x1b\[[0-9;]*m/g, '')].length).toBeLessThanOrEqual(80)
    expect(lines[1]).toMatch(/^ {10,}requests, 16 errors$/)
    expect(wrapLine('short', 80)).toEqual(['short'])
    expect(wrapLine(`x${'y'.repeat(200)}`, 80).every((l) => l.length <= 80)).toBe(true)
  })
})

describe('terminal helpers', () => {
  it.each([
    [1, 40, '▕░░░░░░░░▏'],
    [0.01, 40, '▕░░░░░░░░▏'],
    [40, 40, '▕████████▏'],
    [1e9, 40, '▕████████▏'],
    [Math.sqrt(40), 40, '▕████░░░░▏'],
  ])('evidenceBar(%d, %d) = %s', (e, threshold, bar) => {
    expect(evidenceBar(e, threshold)).toBe(bar)
  })

  it('fitWidth cuts visible characters and keeps colour codes whole', () => {
    expect(fitWidth('abcdef', 3)).toBe('abc')
    expect(fitWidth('\x1b[31mred\x1b[39m text', 3)).toBe('\x1b[31mred\x1b[39m')
    expect(fitWidth('\x1b[31mred\x1b[39m text', 5)).toBe('\x1b[31mred\x1b[39m t')
  })

  it('seededRandom repeats its sequence for a seed', () => {
    const a = seededRandom(7)
    const b = seededRandom(7)
    const xs = Array.from({ length: 5 }, () => a())
    expect(Array.from({ length: 5 }, () => b())).toEqual(xs)
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true)
  })
})

describe('svgChart', () => {
  it('draws a titled SVG with a legend, a polyline per segment, bands, markers and reference lines', () => {
    const svg = svgChart({
      id: 'metric:errors',
      title: 'errors <over> time',
      x: { min: 0, max: 10, label: 'seconds' },
      y: { min: 0, max: 1, label: 'rate' },
      lines: [{ name: 'canary', color: '#e8590c', segments: [[[0, 0.1], [1, 0.2]], [[5, 0.3], [6, 0.4], [7, 2]]] }],
      bands: [{ from: 0, to: 2, label: 'v2 at 5%', color: 'red' }],
      markers: [{ x: 2, label: '✗ fail', color: 'red' }],
      references: [{ y: 0.5, label: 'tolerance', color: 'red' }],
    })
    expect(svg).toMatch(/^<svg class="chart" data-chart="metric:errors"/)
    expect(svg).toMatch(/<title>errors &lt;over&gt; time<\/title>/)
    expect(svg.match(/<polyline /g)).toHaveLength(2)
    expect(svg).toMatch(/v2 at 5%/)
    expect(svg).toMatch(/✗ fail/)
    expect(svg).toMatch(/>tolerance</)
    expect(svg).toMatch(/>canary</)
    expect(svg).not.toMatch(/NaN|Infinity/)
    // The one value above the axis (2 > 1) is drawn at the edge and marked, and the chart says so.
    expect(svg).toMatch(/data-clamped="1"/)
    expect(svg.match(/<path class="clamped" /g)).toHaveLength(1)
    expect(svg).toMatch(/class="clamp-note"[^>]*>▲▼ beyond the axis/)
  })

  it('marks every value beyond the y axis, ±∞ and area bounds included, and nothing inside it', () => {
    const svg = svgChart({
      id: 'estimate:x',
      title: 't',
      x: { min: 0, max: 10, label: 's' },
      y: { min: -100, max: 200, label: 'change (%)' },
      lines: [{ name: 'e', color: '#000', segments: [[[1, 50], [2, 250], [3, Number.POSITIVE_INFINITY], [4, -150], [5, 199]]] }],
      areas: [{ color: '#111', segments: [[{ x: 1, lower: -100, upper: Number.POSITIVE_INFINITY }, { x: 2, lower: -120, upper: 150 }]] }],
    })
    // line: 250, +∞ (up) and −150 (down); area: +∞ (up) and −120 (down). −100 sits on the edge, inside.
    expect(svg).toMatch(/data-clamped="5"/)
    expect(svg.match(/<path class="clamped" /g)).toHaveLength(5)
    expect(svg).not.toMatch(/NaN|Infinity/)
    const inside = svgChart({ id: 'y', title: 't', x: { min: 0, max: 1, label: 's' }, y: { min: 0, max: 1, label: 'r (%)' }, lines: [{ name: 'e', color: '#000', segments: [[[0, 0], [1, 1]]] }] })
    expect(inside).toMatch(/data-clamped="0"/)
    expect(inside).not.toMatch(/clamp-note|class="clamped"/)
  })

  it.each([
    [0, 1, [0, 0.2, 0.4, 0.6, 0.8, 1]],
    [0, 43, [0, 10, 20, 30, 40]],
  ])('niceTicks(%d, %d)', (min, max, ticks) => {
    expect(niceTicks(min, max)).toEqual(ticks)
  })
})
