/**
 * Units used in the policy file and in action inputs. Parsers return null on bad text so callers
 * can say where the bad value was (an input name, or file:line:column).
 */

const DURATION = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/
const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }

/** Durations are written `500ms`, `30s`, `5m`, `1h`, `2d`, or combined as `1h30m`. */
export const DURATION_HELP = 'a duration such as 30s, 5m, 1h or 1h30m'

export function parseDuration(text: string): number | null {
  const trimmed = text.trim()
  if (trimmed === '') return null
  let rest = trimmed
  let total = 0
  while (rest.length > 0) {
    const m = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)/.exec(rest)
    if (!m) return null
    total += Number(m[1]) * (UNIT_MS[m[2] as string] as number)
    rest = rest.slice(m[0].length)
  }
  return Number.isFinite(total) && total > 0 ? Math.round(total) : null
}

export function isDuration(text: string): boolean {
  return parseDuration(text) !== null || DURATION.test(text)
}

export function formatDuration(ms: number): string {
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000}h`
  if (ms % 60_000 === 0) return `${ms / 60_000}m`
  if (ms % 1000 === 0) return `${ms / 1000}s`
  return `${ms}ms`
}

export const PERCENT_HELP = 'a percentage such as 5%, 0.5% or 25'

/** `5%` → 5, `0.5%` → 0.5, `25` → 25. Accepts 0..100. */
export function parsePercent(text: string | number): number | null {
  const raw = typeof text === 'number' ? String(text) : text.trim()
  const m = /^(\d+(?:\.\d+)?)\s*%?$/.exec(raw)
  if (!m) return null
  const value = Number(m[1])
  return value >= 0 && value <= 100 ? value : null
}
