// Measures the bytes one update moves through the NATS server: node scripts/message-volume.mjs ENV PRESET [WORKERS]
// Needs a built package and nats-server; starts its own server on 127.0.0.1 (see src/nats-server-fixture.ts).
/* global process, console, AbortController */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { selectBackend } from '@ppo/nets';
import { PPO } from '@ppo/trainer';
import { createLearner, runWorker } from '../dist/index.js';
import { connect } from '../dist/node.js';

const [envId = 'CartPole-v1', preset = 'classic', workersText = '1'] = process.argv.slice(2);
if (envId.startsWith('HalfCheetah') || envId.startsWith('Humanoid')) await import('@ppo/envs-mujoco/register');
await selectBackend('cpu');

const port = await new Promise((resolve) => {
  const s = createServer();
  s.listen(0, '127.0.0.1', () => {
    const { port: p } = s.address();
    s.close(() => resolve(p));
  });
});
const dir = mkdtempSync(join(tmpdir(), 'ppo-volume-'));
writeFileSync(join(dir, 'server.conf'), `listen: "127.0.0.1:${port}"\njetstream { store_dir: "${join(dir, 'js')}" }\n`);
const server = spawn('nats-server', ['-c', join(dir, 'server.conf')], { stdio: ['ignore', 'ignore', 'pipe'] });
await new Promise((resolve) => server.stderr.on('data', (d) => d.toString().includes('Server is ready') && resolve()));

const url = `nats://127.0.0.1:${port}`;
// Normalization is off: the learner refuses it (the volume does not depend on it).
const overrides = { env: envId, normalizeObservation: false, normalizeReward: false, seed: 1 };
const probe = await PPO.create({ preset, config: overrides });
const { numEnvs, numSteps } = probe.config;
await probe.close();
const config = { ...overrides, totalSteps: numEnvs * numSteps };
const stop = new AbortController();
const workerNcs = await Promise.all(Array.from({ length: Number(workersText) }, () => connect({ servers: url })));
const workers = workerNcs.map((nc) => runWorker({ nc, signal: stop.signal }));
const nc = await connect({ servers: url });
const ppo = await PPO.create({ preset, config });
const learner = await createLearner({ nc, config: ppo.config, expectWorkers: workerNcs.length });
const before = nc.stats();
await ppo.train({ collect: learner.collect });
const after = nc.stats();
console.log(
  JSON.stringify({
    env: envId,
    preset,
    numEnvs,
    numSteps,
    workers: workerNcs.length,
    parameters: [...ppo.policy.getWeights().values()].reduce((n, w) => n + w.length, 0),
    ...learner.lastTraffic,
    learnerBytesIn: after.inBytes - before.inBytes,
    learnerBytesOut: after.outBytes - before.outBytes,
  }),
);
learner.close();
stop.abort();
await Promise.all(workers);
await ppo.close();
await Promise.all([nc, ...workerNcs].map((c) => c.close()));
server.kill('SIGTERM');
rmSync(dir, { recursive: true, force: true });
