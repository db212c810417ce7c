import { ConfigError } from '../errors.js'
import { formatDuration } from '../config/units.js'
import type { Arm, TemplateVars, TimeWindow } from './provider.js'

const PLACEHOLDER = /\{\{\s*([A-Za-z_][A-Za-z0-9_.-]*)\s*\}\}/g

/**
 * Replaces `{{name}}` with `vars[name]`. An unknown name is a ConfigError naming it, where it was
 * written and which names exist: a query silently sent with `{{verison}}` in it would match nothing.
 * `encode` transforms each substituted value (URL templates encode, query languages do not).
 */
export function renderTemplate(
  template: string,
  vars: TemplateVars,
  where: string,
  encode: (value: string) => string = (v) => v,
): string {
  return template.replace(PLACEHOLDER, (_match, name: string) => {
    const value = Object.hasOwn(vars, name) ? vars[name] : undefined
    if (value === undefined) {
      const known = Object.keys(vars).sort().join(', ')
      throw new ConfigError(`unknown template variable {{${name}}} in ${where}; known variables: ${known}`)
    }
    return encode(value)
  })
}

/** The names a template uses, for validation and docs. */
export function templateNames(template: string): string[] {
  return [...template.matchAll(PLACEHOLDER)].map((m) => m[1] as string)
}

/**
 * The variables every query gets on top of the caller's (version, environment, user variables):
 * - `arm`: canary | baseline
 * - `interval`: the window length as a Prometheus duration (`1m`, `30s`, `1500ms`)
 * - `intervalSeconds`, `start`, `end` (Unix seconds), `startMs`, `endMs`, `startIso`, `endIso`
 * Window variables win over user variables of the same name: they must describe the real window.
 */
export function queryVars(vars: TemplateVars, arm: Arm, window: TimeWindow): TemplateVars {
  const startMs = window.start.getTime()
  const endMs = window.end.getTime()
  const lengthMs = Math.max(endMs - startMs, 1)
  return {
    ...vars,
    arm,
    interval: formatDuration(lengthMs),
    intervalSeconds: String(lengthMs / 1000),
    start: String(startMs / 1000),
    end: String(endMs / 1000),
    startMs: String(startMs),
    endMs: String(endMs),
    startIso: window.start.toISOString(),
    endIso: window.end.toISOString(),
  }
}

/** A stand-in window for validation: only which names exist matters there. */
export const VALIDATION_WINDOW: TimeWindow = { start: new Date(0), end: new Date(60_000) }
