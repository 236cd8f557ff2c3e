// A rollout worker process for the fault tests: node worker-process.mjs URL TOKEN PREFIX.
// Imports the built package; prints the worker's log lines on stdout.
/* global process, AbortController */
import { selectBackend } from '@ppo/nets';
import { workerMain } from '../dist/node.js';

const [servers, token, prefix] = process.argv.slice(2);
await selectBackend('cpu');
const stop = new AbortController();
process.once('SIGTERM', () => stop.abort());
await workerMain({ servers, token, prefix, heartbeatMs: 200, signal: stop.signal, log: (line) => process.stdout.write(`${line}\n`) });
