/**
 * Text safety for Markdown that GitHub renders: user-controlled strings (metric names, versions,
 * reasons, actors) must not break a table, inject HTML, notify people (`@user`) or cross-link
 * issues (`#123`); and cuts must never split a character, a surrogate pair or an emoji.
 */

/** UTF-8 size: the unit every GitHub limit is checked in here (see limits.ts). */
export function byteLength(text: string): number {
  return Buffer.byteLength(text, 'utf8')
}

const ZWJ = '\u200D'
// C0 and C1 controls except tab and newline, plus bidirectional overrides and isolates, which can make
// text display differently from what it is ("Trojan Source").
const UNSAFE_CONTROLS = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/g
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g

/** Removes invisible controls and lone surrogates; normalises line ends. */
export function sanitize(text: string): string {
  return text.replace(/\r\n?/g, '\n').replace(UNSAFE_CONTROLS, '').replace(LONE_SURROGATE, '\uFFFD')
}

/**
 * Stops GitHub from turning text into a mention (`@user`, `@org/team`) or a cross-reference (`#12`,
 * `GH-12`): a zero-width joiner after the sigil keeps the text readable but breaks the match.
 */
export function neutralizeReferences(text: string): string {
  return text.replace(/@(?=[A-Za-z0-9_-])/g, `@${ZWJ}`).replace(/#(?=\d)/g, `#${ZWJ}`).replace(/\b(GH)-(?=\d)/gi, `$1-${ZWJ}`)
}

/** One line of inline Markdown, safe in a paragraph or a table cell. */
export function escapeInline(text: string): string {
  const flat = sanitize(text).replace(/\s+/g, ' ').trim()
  const escaped = flat
    .replace(/\\/g, '\\\\')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/([`*_[\]|~])/g, '\\$1')
  return neutralizeReferences(escaped)
}

/** Text inside HTML (a `<summary>`, an attribute): no Markdown there, only entities. */
export function escapeHtml(text: string): string {
  const flat = sanitize(text).replace(/\s+/g, ' ').trim()
  return neutralizeReferences(
    flat.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;'),
  )
}

/**
 * A code span holding any text verbatim (versions, digests). `cell`: the span sits in a table, where
 * GitHub splits cells on `|` before reading code spans, so pipes are escaped there.
 */
export function codeSpan(text: string, options: { cell?: boolean } = {}): string {
  let flat = sanitize(text).replace(/\s+/g, ' ').trim()
  if (flat === '') return ''
  if (options.cell) flat = flat.replace(/\|/g, '\\|')
  const longestRun = Math.max(0, ...[...flat.matchAll(/`+/g)].map((m) => m[0].length))
  const fence = '`'.repeat(longestRun + 1)
  const pad = flat.startsWith('`') || flat.endsWith('`') ? ' ' : ''
  return `${fence}${pad}${flat}${pad}${fence}`
}

/** `[text](url)` for http(s) URLs only; anything else is shown as text, never as a link. */
export function link(text: string, url: string | undefined): string {
  const label = escapeInline(text)
  // Over 2,000 characters a URL is not worth the space it takes (nor a real GitHub link).
  if (url === undefined || url.length > 2000 || !/^https?:\/\/[^\s/]/i.test(url)) return label
  const safe = url.replace(/[()<>"'\\\s]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`)
  return `[${label}](${safe})`
}

/** Text in a Mermaid quoted string or label: letters, digits and a little punctuation only. */
export function mermaidLabel(text: string): string {
  return sanitize(text)
    .replace(/[^\p{L}\p{N} _.:/+()-]/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim()
}

const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' })

/**
 * The longest prefix of `text` that is at most `maxBytes` UTF-8 bytes and ends on a grapheme
 * boundary: never inside a multi-byte character, a surrogate pair or a combined emoji.
 */
export function cutToBytes(text: string, maxBytes: number): string {
  if (maxBytes <= 0) return ''
  if (byteLength(text) <= maxBytes) return text
  // Longest code-point prefix within the budget.
  let bytes = 0
  let end = 0
  while (end < text.length) {
    const code = text.codePointAt(end) as number
    const size = code < 0x80 ? 1 : code < 0x800 ? 2 : code < 0x10000 ? 3 : 4
    if (bytes + size > maxBytes) break
    bytes += size
    end += code >= 0x10000 ? 2 : 1
  }
  // Back off to the last grapheme boundary, looking at a window before the cut.
  let start = Math.max(0, end - 256)
  if (isLowSurrogate(text.charCodeAt(start))) start += 1
  let boundary = start
  for (const { index } of segmenter.segment(text.slice(start, Math.min(text.length, end + 64)))) {
    if (start + index > end) break
    boundary = start + index
  }
  // A cluster longer than the window (never seen outside abuse): the code-point cut is still valid UTF-16.
  return text.slice(0, boundary > start || start === 0 ? boundary : end)
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff
}

/** Shortens plain text to `maxBytes`, ending with an ellipsis when it had to cut. */
export function truncateText(text: string, maxBytes: number, ellipsis = '…'): string {
  if (byteLength(text) <= maxBytes) return text
  const room = maxBytes - byteLength(ellipsis)
  if (room <= 0) return cutToBytes(ellipsis, maxBytes)
  return `${cutToBytes(text, room).trimEnd()}${ellipsis}`
}

/** Shortens user text *before* escaping it, so escapes are never cut in half. */
export function clip(text: string, maxBytes: number): string {
  return truncateText(sanitize(text).replace(/\s+/g, ' ').trim(), maxBytes)
}
