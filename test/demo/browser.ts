/**
 * The demo's HTML report as a person sees it: Debian's chromium, headless, driven by
 * playwright-core (no browser download), with a fresh profile and no network chatter. Measures
 * every chart's text boxes as laid out, collects console errors and saves a screenshot.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { chromium } from 'playwright-core'

export const CHROMIUM = '/usr/bin/chromium'
export const chromiumAvailable = (): boolean => existsSync(CHROMIUM)

interface BrowserElement {
  getAttribute(name: string): string | null
  textContent: string | null
  querySelectorAll(selector: string): Iterable<BrowserElement>
  getBoundingClientRect(): { x: number; y: number; width: number; height: number }
}

export interface TextBox {
  text: string
  className: string
  x: number
  y: number
  width: number
  height: number
}

export interface ChartLayout {
  id: string
  /** The two axis titles (class axis-label), in document order. */
  axisTitles: string[]
  texts: TextBox[]
  /** The y axis's tick labels (right-aligned ticks) with their vertical centres, top to bottom. */
  yTicks: { text: string; y: number }[]
  /** Values drawn at the axis edge (the chart's `data-clamped`) and the triangles marking them. */
  clamped: number
  clampMarks: number
  /** The chart's own note that something runs off it. */
  clampNote: string | null
}

export interface PageReport {
  charts: ChartLayout[]
  consoleErrors: string[]
}

export async function inspectReport(htmlPath: string, screenshot: string): Promise<PageReport> {
  const profile = mkdtempSync(join(tmpdir(), 'rollgate-chromium-'))
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1100, height: 900 },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  })
  try {
    const page = context.pages()[0] ?? (await context.newPage())
    const consoleErrors: string[] = []
    page.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(m.text())
    })
    page.on('pageerror', (e) => consoleErrors.push(e.message))
    // Self-contained: any request beyond the file itself is an error too.
    await page.route('**/*', (route) => (route.request().url().startsWith('file:') ? route.continue() : (consoleErrors.push(`request to ${route.request().url()}`), route.abort())))
    await page.goto(`file://${htmlPath}`)
    // Runs in the page: `document` is the browser's (this file compiles without the DOM library).
    const charts = await page.evaluate(() =>
      [...(globalThis as unknown as { document: { querySelectorAll(s: string): ArrayLike<BrowserElement> & Iterable<BrowserElement> } }).document.querySelectorAll('svg.chart')].map((svg) => ({
        id: svg.getAttribute('data-chart') ?? '',
        axisTitles: [...svg.querySelectorAll('text.axis-label')].map((t) => t.textContent ?? ''),
        yTicks: [...svg.querySelectorAll('text.tick[text-anchor="end"]')].map((t) => {
          const r = t.getBoundingClientRect()
          return { text: t.textContent ?? '', y: r.y + r.height / 2 }
        }),
        clamped: Number(svg.getAttribute('data-clamped') ?? 'NaN'),
        clampMarks: [...svg.querySelectorAll('path.clamped')].length,
        clampNote: [...svg.querySelectorAll('text.clamp-note')].map((t) => t.textContent ?? '')[0] ?? null,
        texts: [...svg.querySelectorAll('text')].map((t) => {
          const r = t.getBoundingClientRect()
          return { text: t.textContent ?? '', className: t.getAttribute('class') ?? '', x: r.x, y: r.y, width: r.width, height: r.height }
        }),
      })),
    )
    mkdirSync(dirname(screenshot), { recursive: true })
    await page.screenshot({ path: screenshot, fullPage: true })
    return { charts, consoleErrors }
  } finally {
    await context.close()
    rmSync(profile, { recursive: true, force: true })
  }
}

/** Pairs of text boxes that overlap by more than `slack` pixels each way. */
export function overlaps(texts: readonly TextBox[], slack = 0.5): [TextBox, TextBox][] {
  const out: [TextBox, TextBox][] = []
  const visible = texts.filter((t) => t.width > 0 && t.height > 0 && t.text.trim() !== '')
  for (let i = 0; i < visible.length; i++) {
    for (let j = i + 1; j < visible.length; j++) {
      const a = visible[i] as TextBox
      const b = visible[j] as TextBox
      const w = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x)
      const h = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y)
      if (w > slack && h > slack) out.push([a, b])
    }
  }
  return out
}
