/** Kept equal to package.json's version by a contract test. */
export const ROLLGATE_VERSION = '0.1.0'
