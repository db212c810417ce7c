#!/usr/bin/env node
// The `rollgate` command: runs the committed CLI bundle, so `npx rollgate` works without a build.
await import('../dist/cli/index.js')
