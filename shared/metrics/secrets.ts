import type { Logger } from '../action/logger.js'
import { maskSecrets } from '../action/logger.js'

/**
 * The secrets one provider holds. Each is registered with the logger (so the runner masks it too)
 * and scrubbed from every reason the provider returns, since reasons end up in reports, not only logs.
 */
export class SecretSet {
  private readonly values = new Set<string>()

  constructor(private readonly logger: Logger) {}

  add(secret: string | undefined): void {
    if (!secret) return
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

  scrub(text: string): string {
    return maskSecrets(text, this.values)
  }
}

const SECRET_HEADER = /auth|token|key|secret|cookie|session|password|credential/i
