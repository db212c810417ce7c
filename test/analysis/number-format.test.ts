/**
 * The hand-written number formatting of shared/analysis/evidence.ts (no Intl on replay's start-up
 * path, issue 14 point 5) must print exactly what Intl.NumberFormat('en-US') prints: shortest
 * round-trip decimal, half away from zero, grouping, no exponent notation.
 */
import { describe, expect, it } from 'vitest'
import { formatE, formatFixed, formatRelative, formatSignificant } from '../../shared/analysis/evidence.js'

function lcg(seed: number): () => number {
  let s = seed >>> 0
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0
    return s / 2 ** 32
  }
}

/** Values that stress rounding: ties on decimal digits (1.005, 2.675, 0.125), carries (9.995, 999.5), tiny and huge magnitudes. */
function samples(): number[] {
  const out = [0, -0, 1, 0.5, 1.5, 2.5, 1.005, 2.675, 0.125, 0.375, 9.995, 99.95, 999.5, 9999.5, 0.0005, 0.005, 0.0049999, 1e-7, 1.5e-10, 123456789.125, 1e21, 1.7976931348623157e308, 5e-324]
  for (let k = -8; k <= 8; k++) for (const m of [1, 4.5, 5, 9.5, 9.99, 9.995, 1.2345, 6.665]) out.push(m * 10 ** k, -m * 10 ** k)
  const rand = lcg(14)
  for (let i = 0; i < 20000; i++) {
    const mag = 10 ** Math.floor(rand() * 16 - 8)
    out.push(rand() * mag, -rand() * mag)
    // Ties after rounding to two or three decimals: n/1000 + 0.0005 and friends.
    const n = Math.floor(rand() * 100000)
    out.push(n / 1000 + 0.0005, n / 200, n / 8, (n + 0.5) / 100)
  }
  return out
}

describe('evidence number formatting matches Intl en-US', () => {
  const values = samples()
  for (const fraction of [0, 1, 2, 3]) {
    it(`formatFixed(x, ${fraction}) = maximumFractionDigits ${fraction}`, () => {
      const intl = new Intl.NumberFormat('en-US', { maximumFractionDigits: fraction, minimumFractionDigits: 0 })
      const bad = values.filter((x) => formatFixed(x, fraction) !== intl.format(x)).slice(0, 5)
      expect(bad.map((x) => `${x}: ${formatFixed(x, fraction)} vs ${intl.format(x)}`)).toEqual([])
    })
  }
  for (const significant of [1, 2, 3, 4]) {
    it(`formatSignificant(x, ${significant}) = maximumSignificantDigits ${significant}, no grouping`, () => {
      const intl = new Intl.NumberFormat('en-US', { maximumSignificantDigits: significant, useGrouping: false })
      const bad = values.filter((x) => formatSignificant(x, significant) !== intl.format(x)).slice(0, 5)
      expect(bad.map((x) => `${x}: ${formatSignificant(x, significant)} vs ${intl.format(x)}`)).toEqual([])
    })
  }
  it('keeps the documented conventions of formatRelative and formatE', () => {
    expect([0.31, -0.042, 10, 0, -0.00004, 0.0999, 123.456].map(formatRelative)).toEqual(['+31%', '−4.2%', '+1,000%', '0%', '0%', '+10%', '+12,346%'])
    expect([87.94, 30, 1390.4, 999.95, 0.000123456, 2e6].map(formatE)).toEqual(['87.9', '30', '1,390', '1000', '0.000123', '> 10⁶'])
  })
})
