#!/usr/bin/env node
// The `rollgate` command: runs the committed CLI bundle, so `npx rollgate` works without a build.
// `replay` has a small bundle of its own (dist/replay): it starts in a fraction of the CLI's time.
if (process.argv[2] === 'replay') await import('../dist/replay/index.js')
else await import('../dist/cli/index.js')
