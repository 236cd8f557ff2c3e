#!/usr/bin/env node
// The `ppo` executable. It is committed (not built) so that package managers can link it
// before the first build; the command line itself lives in dist/.
/* global URL, process */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const cli = new URL('../dist/cli.js', import.meta.url);
if (existsSync(cli)) {
  await import(cli.href);
} else {
  process.stderr.write(`ppo: @ppo/trainer is not built (${fileURLToPath(cli)} is missing): run 'pnpm build' in the repository first\n`);
  process.exitCode = 1;
}
