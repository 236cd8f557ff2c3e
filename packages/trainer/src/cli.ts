#!/usr/bin/env node
/** The `ppo` executable. */

const argv = process.argv.slice(2);
// Loading the command line takes a second or more (TensorFlow.js): a training run on a
// terminal says it has started first, and its progress bar follows once the trainer is built.
if (argv[0] === 'train' && process.stdout.isTTY && !argv.some((arg) => arg === '--quiet' || arg === '--help' || arg === '-h')) {
  process.stdout.write('ppo train: starting (loading TensorFlow.js, building the envs and the networks)...\n');
}

import('./cli-main')
  // Training runs in a child process so that this one always answers SIGINT and SIGTERM.
  .then(({ main }) => main(argv, undefined, { isolateTraining: true }))
  .then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`ppo: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exitCode = 1;
    },
  );
