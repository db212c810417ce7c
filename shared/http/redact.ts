/**
 * Secrets and how they are kept out of every line, reason, output and report. A secret is
 * registered with the logger (which registers it with the runner, `core.setSecret`) the moment it is
 * known, before the first request, and scrubbed from every text a provider returns.
 */
import type { Logger } from '../action/logger.js'
import { maskSecrets } from '../action/escape.js'

/**
 * Query parameters that carry credentials in the wild (Datadog `api_key`, New Relic and Grafana
 * `apikey`, pre-signed `signature`s, `token=`...): their values are secrets wherever the URL goes.
 */
export const CREDENTIAL_PARAM =
  /^(?:api[_-]?key|apikey|app[_-]?key|application[_-]?key|token|access[_-]?token|auth[_-]?token|id[_-]?token|refresh[_-]?token|key|secret|client[_-]?secret|signature|sig|x-amz-signature|x-amz-security-token|password|passwd|pwd|auth|authorization|session|sessionid)$/i

/** Shorter values found in URLs are not treated as secrets: masking `1` or `on` would garble every line. */
const MIN_SECRET_LENGTH = 4

/** The secrets one provider holds, scrubbed from every reason it returns (reasons reach reports, not only logs). */
export class SecretSet {
  private readonly values = new Set<string>()

  constructor(private readonly logger: Logger) {}

  add(secret: string | undefined): void {
    if (!secret || this.values.has(secret)) return
    this.values.add(secret)
    this.logger.mask(secret)
    // A secret also travels URL-encoded (query strings) and base64-encoded (basic auth).
    const encoded = encodeURIComponent(secret)
    if (encoded !== secret) {
      this.values.add(encoded)
      this.logger.mask(encoded)
    }
  }

  /** Header values that carry credentials are secrets; the rest (content types, tenants) are not. */
  addHeaders(headers: Readonly<Record<string, string>> | undefined): void {
    for (const [name, value] of Object.entries(headers ?? {})) {
      if (SECRET_HEADER.test(name)) this.addHeaderValue(value)
    }
  }

  /** `Bearer abc` is masked whole and as `abc`, which may appear alone (a token echoed in an error). */
  addHeaderValue(value: string): void {
    this.add(value)
    const credential = /^[A-Za-z][\w-]*\s+(\S.*)$/.exec(value)?.[1]
    if (credential !== undefined && credential.length >= 6) this.add(credential)
  }

  /** The userinfo and credential-like query parameters of a URL (or URL template). */
  addUrl(url: string): void {
    for (const secret of credentialsInUrl(url)) this.add(secret)
  }

  /** Own secrets, then every secret the logger knows (the policy's `${NAME}` values, the GitHub token). */
  scrub(text: string): string {
    const own = maskSecrets(text, this.values)
    return this.logger.redact ? this.logger.redact(own) : own
  }
}

const SECRET_HEADER = /auth|token|key|secret|cookie|session|password|credential|signature/i

/**
 * The secrets a URL carries: the password of `user:password@` (and the pair as Basic sends it), and
 * the values of credential-like query parameters, raw and decoded. Works on templates too (no parsing
 * that `{{placeholders}}` could break).
 */
export function credentialsInUrl(url: string): string[] {
  const found: string[] = []
  const userinfo = /^[a-z][a-z0-9+.-]*:\/\/([^/?#@]*)@/i.exec(url)?.[1]
  if (userinfo !== undefined) {
    const colon = userinfo.indexOf(':')
    if (colon >= 0) {
      const user = safeDecode(userinfo.slice(0, colon))
      const password = safeDecode(userinfo.slice(colon + 1))
      found.push(userinfo.slice(colon + 1), password, Buffer.from(`${user}:${password}`).toString('base64'))
    } else found.push(userinfo, safeDecode(userinfo))
  }
  const query = url.split('#')[0]?.split('?').slice(1).join('?') ?? ''
  for (const pair of query.split('&')) {
    const eq = pair.indexOf('=')
    if (eq <= 0) continue
    if (!CREDENTIAL_PARAM.test(safeDecode(pair.slice(0, eq)))) continue
    const value = pair.slice(eq + 1)
    found.push(value, safeDecode(value.replace(/\+/g, ' ')))
  }
  return [...new Set(found.filter((s) => s.length >= MIN_SECRET_LENGTH))]
}

/** A URL fit for a log line: userinfo and credential-like query values replaced by `***`. */
export function redactUrl(url: string): string {
  return url
    .replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/?#@]*@/i, '$1***@')
    .replace(/([?&])([^=&#]+)=([^&#]*)/g, (whole, sep: string, name: string) => (CREDENTIAL_PARAM.test(safeDecode(name)) ? `${sep}${name}=***` : whole))
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text)
  } catch {
    return text
  }
}

/**
 * The values of every `${NAME}` a policy text expands (`$${` writes a literal and expands nothing):
 * each is treated as a secret, whatever its name, since the policy cannot say which ones are.
 */
export function expandedValues(text: string, env: Readonly<Record<string, string | undefined>>): string[] {
  const values = new Set<string>()
  for (const match of text.matchAll(/(\$?)\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g)) {
    if (match[1] === '$') continue
    const value = env[match[2] as string]
    if (value !== undefined && value.length >= MIN_SECRET_LENGTH) values.add(value)
  }
  return [...values]
}

const remembered = new WeakMap<object, readonly string[]>()

/** Keeps the secrets a loaded policy expanded beside it (not in it, so they never serialize). */
export function rememberSecrets(policy: object, secrets: readonly string[]): void {
  remembered.set(policy, [...(remembered.get(policy) ?? []), ...secrets])
}

/** The secrets `rememberSecrets` kept for this policy object. */
export function secretsOf(policy: object): readonly string[] {
  return remembered.get(policy) ?? []
}
