/** A problem the person running the demo can fix (a busy port, a broken HAProxy): one line, no stack. */
export class DemoError extends Error {
  override name = 'DemoError'
}
