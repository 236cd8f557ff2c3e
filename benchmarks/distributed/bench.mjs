// @ts-check
/* global process, console */
// Distributed throughput on this machine (issue: rollout workers over NATS):
//   pnpm bench:distributed [--envs HalfCheetah-v5,Humanoid-v5] [--workers 1,2,4] [--updates 4]
//                          [--num-envs 4] [--num-steps 512] [--backend wasm]
// For each env: the single-process trainer, then a learner with W worker processes through a
// nats-server started on 127.0.0.1, each run in its own process (run-one.mjs, worker.mjs).
// Reports env steps/s, rollout and update time per update and bytes per update (the first
// update left out as warm-up), with the load average, to results/distributed/.
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startNatsServer } from '@ppo/distributed/node';
import { DEFAULT_ENVS, DEFAULT_WORKERS, markdownTable, positiveInts, summarize } from './lib.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const { values } = parseArgs({
  options: {
    envs: { type: 'string', default: DEFAULT_ENVS.join(',') },
    workers: { type: 'string', default: DEFAULT_WORKERS.join(',') },
    updates: { type: 'string', default: '4' },
    'num-envs': { type: 'string', default: '4' },
    'num-steps': { type: 'string', default: '512' },
    backend: { type: 'string', default: 'wasm' },
  },
  strict: true,
});
const envs = (values.envs ?? '').split(',').filter((e) => e !== '');
const workerCounts = positiveInts('--workers', values.workers ?? '');
const [updates] = positiveInts('--updates', values.updates ?? '');
if (updates < 2) throw new RangeError('--updates must be at least 2 (the first is warm-up)');
const shared = ['--updates', String(updates), '--num-envs', values['num-envs'] ?? '4', '--num-steps', values['num-steps'] ?? '512', '--backend', values.backend ?? 'wasm'];

/**
 * Runs a node script; resolves with its last stdout line parsed as JSON.
 * @param {string} script
 * @param {string[]} args
 * @returns {{ child: import('node:child_process').ChildProcess; result: Promise<any> }}
 */
function node(script, args) {
  const child = spawn(process.execPath, [join(here, script), ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout?.on('data', (data) => (out += String(data)));
  const result = new Promise((resolve, reject) => {
    child.once('exit', (code, signal) => {
      const last = out.trim().split('\n').at(-1) ?? '';
      if (code !== 0) reject(new Error(`${script} ${args.join(' ')} exited with ${code ?? signal}`));
      else resolve(JSON.parse(last));
    });
  });
  return { child, result };
}

const started = new Date();
const load = [loadavg()];
const server = await startNatsServer();
const runs = [];
try {
  for (const env of envs) {
    for (const workers of [0, ...workerCounts]) {
      const loadBefore = loadavg()[0];
      const prefix = `bench-${env.replace(/[^A-Za-z0-9]/g, '')}-${workers}`;
      const pool = Array.from({ length: workers }, () => node('worker.mjs', [server.url, server.token, prefix, values.backend ?? 'wasm']));
      const learner = node('run-one.mjs', ['--env', env, '--workers', String(workers), '--url', server.url, '--token', server.token, '--prefix', prefix, ...shared]);
      const run = await learner.result;
      for (const w of pool) w.child.kill('SIGTERM');
      const workerCpu = (await Promise.all(pool.map((w) => w.result))).map((r) => r.workerCpuSeconds);
      const summary = summarize(run.samples);
      runs.push({ ...run, summary, workerCpuSeconds: workerCpu, load1Before: loadBefore, load1After: loadavg()[0] });
      console.log(`${env} workers=${workers}: ${Math.round(summary.stepsPerSecond)} steps/s, rollout ${summary.rolloutSeconds.toFixed(2)} s, update ${summary.updateSeconds.toFixed(2)} s, learner CPU ${summary.rolloutCpuSeconds.toFixed(2)} + ${summary.updateCpuSeconds.toFixed(2)} s, ${(summary.bytesPerUpdate / 1e6).toFixed(2)} MB/update (load ${loadBefore.toFixed(2)})`);
    }
  }
} finally {
  await server.dispose();
}
load.push(loadavg());

const table = markdownTable(runs.map((r) => ({ env: r.env, workers: r.workers, summary: r.summary })));
const resultsDir = join(here, '..', 'results', 'distributed');
mkdirSync(resultsDir, { recursive: true });
const file = join(resultsDir, `throughput-${started.toISOString().slice(0, 10)}.json`);
const report = {
  started: started.toISOString(),
  finished: new Date().toISOString(),
  machine: { cpus: cpus().length, model: cpus()[0]?.model ?? 'unknown', node: process.version, loadavgStart: load[0], loadavgEnd: load[1] },
  note: 'All processes (server, learner, workers) on one machine; the first update of each run is warm-up and left out of the summary. Each worker acts on a batch of all numEnvs rows (its own slots filled in), so W workers do W times the single process\'s policy forward passes.',
  runs,
  table,
};
writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
console.log(`\n${table}\nload average (1, 5, 15 min): start ${load[0].map((x) => x.toFixed(2)).join(', ')}, end ${load[1].map((x) => x.toFixed(2)).join(', ')}; ${cpus().length} cores\nwrote ${file}`);
