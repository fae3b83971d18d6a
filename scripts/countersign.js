#!/usr/bin/env -S node --max-semi-space-size=2
// The young generation (V8's semi-spaces) is held at 2 MB: by default it grows to 16 MB each and,
// with the decision worker's own heap, kept the daemon at ~240 MB resident on a 500-message
// backlog; at 2 MB it stays near 185 MB at the same speed (`npm run bench`). The deployment files
// start node with the same flag.
// The `countersign` binary: runs the compiled CLI (built by `npm ci` through the prepare script).
import('../dist/cli/countersign.js').catch((e) => {
  if (e && e.code === 'ERR_MODULE_NOT_FOUND') {
    process.stderr.write('countersign: the build is missing; run `npm run build` (or `npm ci`) first.\n');
    process.exit(1);
  }
  throw e;
});
