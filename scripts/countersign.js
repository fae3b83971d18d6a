#!/usr/bin/env node
// The `countersign` binary: runs the compiled CLI (built by `npm ci` through the prepare script).
import('../dist/cli/countersign.js').catch((e) => {
  if (e && e.code === 'ERR_MODULE_NOT_FOUND') {
    process.stderr.write('countersign: the build is missing; run `npm run build` (or `npm ci`) first.\n');
    process.exit(1);
  }
  throw e;
});
