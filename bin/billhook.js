#!/usr/bin/env node
// The published CLI runs the compiled output (built by `npm run build`, or `prepare` on install).
await import("../dist/node/cli-main.js");
