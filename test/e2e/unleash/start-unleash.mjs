// Starts a real Unleash (the AGPL unleash-server package, installed by .ci/run into .ci/.unleash and
// never bundled) on 127.0.0.1, a free port, against the PostgreSQL given in the environment, with
// one pinned admin API token. Run with Node >= 22 (the node@24 package's binary). Prints
// `UNLEASH_READY <port>` once it listens; exits when stdin closes, so it never outlives its test.
const { start } = await import(process.env.UNLEASH_MODULE)
const quiet = () => {}
const logger = { debug: quiet, info: quiet, warn: quiet, error: (...args) => console.error(...args), fatal: (...args) => console.error(...args) }
const unleash = await start({
  db: { host: '127.0.0.1', port: Number(process.env.PGPORT), user: process.env.PGUSER, password: 'unleash', database: process.env.PGDATABASE, ssl: false, pool: { min: 0, max: 4 } },
  server: { port: 0, host: '127.0.0.1' },
  authentication: {
    type: 'open-source',
    initApiTokens: [{ environment: '*', project: '*', secret: process.env.UNLEASH_ADMIN_TOKEN, type: 'admin', tokenName: 'rollgate-e2e' }],
  },
  getLogger: () => logger,
  disableLegacyFeaturesApi: true,
  scheduler: { enabled: false },
})
// Unleash's scheduler (off above: it would also phone home for version checks) writes the last-seen
// marks it aggregates from client metrics every 30 s, a period with no setting
// (features/scheduler/schedule-services.js, 'storeLastSeen'). The harness runs that same job of the
// server's own LastSeenService every 500 ms instead, so a test waits half a second, not half a minute.
const storeLastSeen = setInterval(() => {
  unleash.services.lastSeenService.store().catch((error) => console.error('storeLastSeen', error))
}, 500)
storeLastSeen.unref()
process.stdout.write(`UNLEASH_READY ${unleash.server.address().port}\n`)
process.stdin.resume()
process.stdin.on('end', async () => {
  clearInterval(storeLastSeen)
  await unleash.stop().catch(() => {})
  process.exit(0)
})
