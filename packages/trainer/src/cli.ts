#!/usr/bin/env node
/** The `ppo` executable. */
import { main } from './cli-main';

// Training runs in a child process so that this one always answers SIGINT and SIGTERM.
main(process.argv.slice(2), undefined, { isolateTraining: true }).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`ppo: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  },
);
