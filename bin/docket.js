#!/usr/bin/env node
// Entry point registered as the package's `docket` bin: load tsx's CommonJS hook, then run the
// TypeScript CLI directly from the checkout (no build step).
'use strict';
/* eslint-disable @typescript-eslint/no-require-imports -- a plain CommonJS entry point */

require('tsx/cjs');
const { main, exitQuietlyOnClosedPipe } = require('../client/cli.ts');

exitQuietlyOnClosedPipe();
main(process.argv).then((code) => {
  process.exitCode = code;
});
