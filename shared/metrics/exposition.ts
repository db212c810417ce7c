import { ConfigError } from '../errors.js'

/**
 * The Prometheus text exposition format (version 0.0.4), as served on `/metrics`:
 *
 *   # HELP http_requests_total Requests served.
 *   # TYPE http_requests_total counter
 *   http_requests_total{code="200",path="/a\"b"} 1027 1395066363000
 *   http_request_duration_seconds_bucket{le="0.1"} 33444
 *
 * Label values escape `\\`, `\"` and `\n`; HELP text escapes `\\` and `\n`. Values are Go floats
 * (`NaN`, `+Inf`, `-Inf`, exponents); the optional timestamp is integer milliseconds. Also accepted:
 * a trailing comma in a label set, quoted metric and label names (`{"my.metric", "a.b"="c"}`), and
 * OpenMetrics exemplars (` # {trace_id="x"} 1`) and `# EOF`, which are skipped.
 */
export type MetricType = 'counter' | 'gauge' | 'histogram' | 'summary' | 'untyped' | 'gaugehistogram' | 'stateset' | 'info' | 'unknown'

export interface ExpositionSample {
  name: string
  labels: Record<string, string>
  value: number
  timestampMs?: number
}

export interface Exposition {
  samples: ExpositionSample[]
  types: Map<string, MetricType>
  help: Map<string, string>
}

export class ExpositionParseError extends Error {
  override readonly name = 'ExpositionParseError'
  constructor(
    readonly line: number,
    readonly column: number,
    detail: string,
  ) {
    super(`line ${line}, column ${column}: ${detail}`)
  }
}

const TYPES = new Set<string>(['counter', 'gauge', 'histogram', 'summary', 'untyped', 'gaugehistogram', 'stateset', 'info', 'unknown'])
const NAME_START = /[a-zA-Z_:]/
const NAME_CHAR = /[a-zA-Z0-9_:]/
const LABEL_START = /[a-zA-Z_]/
const LABEL_CHAR = /[a-zA-Z0-9_]/
const FLOAT = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/

export function parseExposition(text: string): Exposition {
  const out: Exposition = { samples: [], types: new Map(), help: new Map() }
  const lines = text.split('\n')
  for (let n = 0; n < lines.length; n++) {
    const line = (lines[n] as string).replace(/\r$/, '')
    if (line.trim() === '') continue
    const cursor = new Cursor(line, n + 1)
    cursor.skipSpace()
    if (cursor.peek() === '#') {
      parseComment(cursor, out)
      continue
    }
    out.samples.push(parseSample(cursor))
  }
  return out
}

class Cursor {
  i = 0
  constructor(
    readonly text: string,
    readonly line: number,
  ) {}
  peek(): string | undefined {
    return this.text[this.i]
  }
  done(): boolean {
    return this.i >= this.text.length
  }
  skipSpace(): number {
    const from = this.i
    while (this.peek() === ' ' || this.peek() === '\t') this.i++
    return this.i - from
  }
  fail(detail: string): never {
    throw new ExpositionParseError(this.line, this.i + 1, detail)
  }
  expect(char: string): void {
    if (this.peek() !== char) this.fail(`expected "${char}", found ${this.describe()}`)
    this.i++
  }
  describe(): string {
    return this.done() ? 'end of line' : `"${this.peek() ?? ''}"`
  }
  identifier(start: RegExp, rest: RegExp): string {
    const from = this.i
    if (this.done() || !start.test(this.peek() as string)) return ''
    this.i++
    while (!this.done() && rest.test(this.peek() as string)) this.i++
    return this.text.slice(from, this.i)
  }
  /** A double-quoted string with \\, \" and \n escapes (anything else after \ is kept as is). */
  quoted(): string {
    this.expect('"')
    let value = ''
    for (;;) {
      const c = this.peek()
      if (c === undefined) this.fail('unterminated quoted string')
      this.i++
      if (c === '"') return value
      if (c !== '\\') {
        value += c
        continue
      }
      const next = this.peek()
      if (next === undefined) this.fail('unterminated escape')
      this.i++
      value += next === 'n' ? '\n' : next === '\\' || next === '"' ? next : `\\${next}`
    }
  }
  token(): string {
    const from = this.i
    while (!this.done() && this.peek() !== ' ' && this.peek() !== '\t') this.i++
    return this.text.slice(from, this.i)
  }
}

function parseComment(cursor: Cursor, out: Exposition): void {
  cursor.expect('#')
  cursor.skipSpace()
  const keyword = cursor.token()
  if (keyword !== 'HELP' && keyword !== 'TYPE') return // plain comment, `# EOF`
  if (cursor.skipSpace() === 0) return // `#HELPful` is a comment
  const name = cursor.peek() === '"' ? cursor.quoted() : cursor.identifier(NAME_START, NAME_CHAR)
  if (name === '') cursor.fail(`expected a metric name after # ${keyword}`)
  if (keyword === 'TYPE') {
    cursor.skipSpace()
    const type = cursor.token().toLowerCase()
    if (!TYPES.has(type)) cursor.fail(`unknown metric type "${type}"`)
    out.types.set(name, type as MetricType)
    return
  }
  cursor.skipSpace()
  out.help.set(name, cursor.text.slice(cursor.i).replace(/\\(\\|n)/g, (_m, c: string) => (c === 'n' ? '\n' : '\\')))
}

function parseSample(cursor: Cursor): ExpositionSample {
  let name = cursor.identifier(NAME_START, NAME_CHAR)
  const labels: Record<string, string> = {}
  const afterName = cursor.i
  cursor.skipSpace()
  if (cursor.peek() !== '{') cursor.i = afterName
  if (cursor.peek() === '{') {
    cursor.i++
    parseLabels(cursor, labels, (quotedName) => {
      if (name !== '') cursor.fail(`metric name given twice ("${name}" and "${quotedName}")`)
      name = quotedName
    })
  }
  if (name === '') cursor.fail(`expected a metric name, found ${cursor.describe()}`)
  if (cursor.skipSpace() === 0) cursor.fail(`expected a space before the value, found ${cursor.describe()}`)
  const rawValue = cursor.token()
  const value = parseGoFloat(rawValue)
  if (value === undefined) cursor.fail(`"${rawValue}" is not a number`)
  const sample: ExpositionSample = { name, labels, value }
  cursor.skipSpace()
  if (!cursor.done() && cursor.peek() !== '#') {
    const rawTs = cursor.token()
    if (!/^-?\d+$/.test(rawTs)) cursor.fail(`"${rawTs}" is not a timestamp in milliseconds`)
    sample.timestampMs = Number(rawTs)
    cursor.skipSpace()
  }
  // An OpenMetrics exemplar (`# {trace_id="..."} 0.5`) belongs to tracing, not to this value.
  if (!cursor.done() && cursor.peek() !== '#') cursor.fail(`unexpected ${cursor.describe()} after the value`)
  return sample
}

function parseLabels(cursor: Cursor, labels: Record<string, string>, onQuotedName: (name: string) => void): void {
  for (;;) {
    cursor.skipSpace()
    if (cursor.peek() === '}') {
      cursor.i++
      return
    }
    let label: string
    if (cursor.peek() === '"') {
      label = cursor.quoted()
      cursor.skipSpace()
      // `{"metric.name", ...}`: a quoted string not followed by `=` is the metric name.
      if (cursor.peek() !== '=') {
        onQuotedName(label)
        if (cursor.peek() === ',') cursor.i++
        continue
      }
    } else {
      label = cursor.identifier(LABEL_START, LABEL_CHAR)
      if (label === '') cursor.fail(`expected a label name, found ${cursor.describe()}`)
      cursor.skipSpace()
    }
    cursor.expect('=')
    cursor.skipSpace()
    const value = cursor.quoted()
    if (Object.hasOwn(labels, label)) cursor.fail(`label "${label}" given twice`)
    labels[label] = value
    cursor.skipSpace()
    if (cursor.peek() === ',') {
      cursor.i++
      continue
    }
    if (cursor.peek() !== '}') cursor.fail(`expected "," or "}" after a label, found ${cursor.describe()}`)
  }
}

/** Go's strconv.ParseFloat as the format uses it: decimals, exponents, Inf/NaN in any case. */
export function parseGoFloat(text: string): number | undefined {
  if (/^[+]?inf(inity)?$/i.test(text)) return Number.POSITIVE_INFINITY
  if (/^-inf(inity)?$/i.test(text)) return Number.NEGATIVE_INFINITY
  if (/^nan$/i.test(text)) return Number.NaN
  return FLOAT.test(text) ? Number(text) : undefined
}

// ---------------------------------------------------------------------------------------------
// Selectors: what a scrape check's query is.

export type MatchOp = '=' | '!=' | '=~' | '!~'

export interface LabelMatcher {
  label: string
  op: MatchOp
  value: string
}

export type SelectorAggregation = 'sum' | 'avg' | 'max' | 'min'

/**
 * `http_requests_total{code=~"5..",version="v2"}`: a metric name and label matchers (`=`, `!=`,
 * `=~`, `!~`; regexes anchored as in PromQL), or `{__name__=~"...", ...}`. Value checks may wrap it
 * in `sum(...)` (the default), `avg(...)`, `max(...)` or `min(...)` across the arm's series.
 */
export interface Selector {
  text: string
  aggregation: SelectorAggregation | undefined
  matchers: LabelMatcher[]
  /** The exact metric name when the selector names one. */
  metric: string | undefined
}

export function parseSelector(text: string): Selector {
  const fail = (detail: string): never => {
    throw new ConfigError(`scrape: selector \`${text}\`: ${detail}; expected e.g. http_requests_total{code=~"5.."}`)
  }
  let body = text.trim()
  let aggregation: SelectorAggregation | undefined
  const wrapped = /^(sum|avg|max|min)\s*\(([\s\S]*)\)$/.exec(body)
  if (wrapped) {
    aggregation = wrapped[1] as SelectorAggregation
    body = (wrapped[2] as string).trim()
  }
  const cursor = new Cursor(body, 1)
  const matchers: LabelMatcher[] = []
  let metric: string | undefined
  try {
    const name = cursor.identifier(NAME_START, NAME_CHAR)
    if (name !== '') {
      metric = name
      matchers.push({ label: '__name__', op: '=', value: name })
    }
    cursor.skipSpace()
    if (cursor.peek() === '{') {
      cursor.i++
      parseMatchers(cursor, matchers)
    }
    cursor.skipSpace()
    if (!cursor.done()) fail(`unexpected ${cursor.describe()} at column ${cursor.i + 1}`)
  } catch (error) {
    if (error instanceof ExpositionParseError) fail(error.message.replace(/^line 1, /, ''))
    throw error
  }
  if (matchers.length === 0) fail('it selects nothing')
  for (const m of matchers) compileMatcher(m, fail)
  if (!matchers.some((m) => (m.op === '=' || m.op === '=~') && !compileMatcher(m, fail)('')))
    fail('it needs a metric name or a matcher that does not match the empty string')
  for (const m of matchers) if (m.label === '__name__' && m.op === '=') metric ??= m.value
  return { text, aggregation, matchers, metric }
}

function parseMatchers(cursor: Cursor, matchers: LabelMatcher[]): void {
  for (;;) {
    cursor.skipSpace()
    if (cursor.peek() === '}') {
      cursor.i++
      return
    }
    const label = cursor.peek() === '"' ? cursor.quoted() : cursor.identifier(LABEL_START, LABEL_CHAR)
    if (label === '') cursor.fail(`expected a label name, found ${cursor.describe()}`)
    cursor.skipSpace()
    const two = cursor.text.slice(cursor.i, cursor.i + 2)
    const op: MatchOp | undefined = two === '=~' || two === '!=' || two === '!~' ? two : cursor.peek() === '=' ? '=' : undefined
    if (op === undefined) cursor.fail(`expected =, !=, =~ or !~ after "${label}", found ${cursor.describe()}`)
    cursor.i += op.length
    cursor.skipSpace()
    let value: string
    if (cursor.peek() === "'") {
      // PromQL also accepts single quotes; read as a double-quoted string with the quote swapped.
      const end = cursor.text.indexOf("'", cursor.i + 1)
      if (end < 0) cursor.fail('unterminated quoted string')
      value = cursor.text.slice(cursor.i + 1, end)
      cursor.i = end + 1
    } else {
      value = cursor.quoted()
    }
    matchers.push({ label, op, value })
    cursor.skipSpace()
    if (cursor.peek() === ',') {
      cursor.i++
      continue
    }
    if (cursor.peek() !== '}') cursor.fail(`expected "," or "}" after a matcher, found ${cursor.describe()}`)
  }
}

const compiled = new WeakMap<LabelMatcher, (value: string) => boolean>()

function compileMatcher(m: LabelMatcher, fail: (detail: string) => never = (d) => { throw new ConfigError(d) }): (value: string) => boolean {
  const cached = compiled.get(m)
  if (cached) return cached
  let test: (value: string) => boolean
  if (m.op === '=' || m.op === '!=') {
    const equal = (v: string): boolean => v === m.value
    test = m.op === '=' ? equal : (v) => !equal(v)
  } else {
    let re: RegExp
    try {
      re = new RegExp(`^(?:${m.value})$`, 's')
    } catch (error) {
      return fail(`invalid regular expression "${m.value}" for ${m.label}: ${error instanceof Error ? error.message : String(error)}`)
    }
    test = m.op === '=~' ? (v) => re.test(v) : (v) => !re.test(v)
  }
  compiled.set(m, test)
  return test
}

/** PromQL semantics: a missing label reads as the empty string. */
export function matchesSelector(selector: Selector, name: string, labels: Readonly<Record<string, string>>): boolean {
  return selector.matchers.every((m) => compileMatcher(m)(m.label === '__name__' ? name : (labels[m.label] ?? '')))
}
