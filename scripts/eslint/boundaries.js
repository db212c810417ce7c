// The rooms of shared/ and which other rooms each may import (docs/architecture.md draws the same
// map). Everything else is refused by `no-restricted-imports`, so a new arrow in the map is a
// reviewed change to this table, not an accident. Rooms not listed here (new ones) are unrestricted
// inside shared/ until they are added; nothing in shared/ may import actions/, router/ or cli/.
export const ROOMS = {
  analysis: [],
  process: ['action'],
  action: ['config'], // inputs.ts reads durations and percentages with config/units.ts
  config: ['action'],
  http: ['action'],
  github: ['action'],
  state: ['action', 'analysis', 'config', 'github'], // the record stores the judge's Decision
  traffic: ['action', 'config', 'http', 'process'],
  metrics: ['action', 'analysis', 'config', 'http'],
  report: ['action', 'analysis', 'config', 'github'],
  rollout: ['action', 'analysis', 'config', 'github', 'http', 'metrics', 'migration', 'process', 'report', 'state', 'traffic'],
  insight: ['action', 'config', 'github', 'report', 'state'],
  migration: ['action', 'config', 'state'], // #17: expand/contract commands and the record's migration field
  drill: ['action', 'config', 'report', 'rollout', 'state', 'traffic'], // #16: drills run the lifecycle
}

const OUTSIDE = { group: ['**/actions/**', '**/root/**', '**/router/**', '**/cli/**'], message: 'shared/ must not import from actions/, router/ or cli/.' }

/** Only these files talk to the runner toolkit and the GitHub toolkit directly. */
const TOOLKIT_FILES = ['shared/action/io.ts', 'shared/github/client.ts', 'shared/github/context.ts']
const TOOLKIT = [
  { name: '@actions/core', message: 'Use the ActionIO port (shared/action/io.ts).' },
  { name: '@actions/github', message: 'Use shared/github/client.ts and a narrow port.' },
]

/** One flat-config block per room (a later block would replace, not merge, the rule's options). */
export function boundaryBlocks() {
  const all = Object.keys(ROOMS)
  const blocks = []
  for (const [room, allowed] of Object.entries(ROOMS)) {
    const forbidden = all.filter((r) => r !== room && !allowed.includes(r))
    const patterns = [OUTSIDE]
    if (forbidden.length > 0) {
      patterns.push({
        group: forbidden.map((r) => `**/${r}/**`),
        message: `shared/${room}/ may import only ${allowed.length > 0 ? allowed.map((r) => `shared/${r}/`).join(', ') : 'itself'} (see docs/architecture.md and scripts/eslint/boundaries.js).`,
      })
    }
    blocks.push({ files: [`shared/${room}/**/*.ts`], ignores: TOOLKIT_FILES, rules: { 'no-restricted-imports': ['error', { paths: TOOLKIT, patterns }] } })
    blocks.push({ files: TOOLKIT_FILES.filter((f) => f.startsWith(`shared/${room}/`)), rules: { 'no-restricted-imports': ['error', { patterns }] } })
  }
  // Files of rooms not in the table yet (and shared/*.ts): only the outside rule and the toolkit rule.
  blocks.unshift({ files: ['shared/**/*.ts'], ignores: TOOLKIT_FILES, rules: { 'no-restricted-imports': ['error', { paths: TOOLKIT, patterns: [OUTSIDE] }] } })
  return blocks.filter((b) => b.files.length > 0)
}
