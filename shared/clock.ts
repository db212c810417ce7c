/**
 * The one clock of the code base: every room that waits or reads the time takes a `Clock` in its
 * deps, so tests drive time with a fake instead of sleeping. `now()` is a `Date` (callers that need
 * epoch milliseconds call `.getTime()`); `sleep` never rejects and treats negative waits as zero.
 */
export interface Clock {
  now(): Date
  sleep(ms: number): Promise<void>
}

export const systemClock: Clock = {
  now: () => new Date(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms))),
}
