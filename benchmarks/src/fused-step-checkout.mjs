/* global console, process */
// CPU time of one fused PPO minibatch step on the host, by part (the policy's forward pass and
// log-probabilities, the clipped loss, the backward pass, Adam), for CartPole's network (4
// inputs, 64-64 tanh, 2 actions) and minibatch (128 rows), on the built packages of any checkout,
// so that two builds can be compared part by part, alternating:
//   node src/fused-step-checkout.mjs <checkout> [--steps 3000]
// The first 1,000 steps warm up and are not counted. Prints one JSON line of microseconds per step.
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const { values, positionals } = parseArgs({ options: { steps: { type: 'string', default: '3000' } }, allowPositionals: true, strict: true });
if (positionals.length !== 1) {
  console.error('usage: node src/fused-step-checkout.mjs <checkout> [--steps 3000]');
  process.exit(2);
}
const checkout = resolve(positionals[0]);
const steps = Number(values.steps);
if (!Number.isInteger(steps) || steps < 1) throw new RangeError(`--steps must be a positive integer, got ${values.steps}`);
const load = (pkg) => import(pathToFileURL(join(checkout, 'packages', pkg, 'dist', 'index.js')).href);
const { ActorCritic, selectBackend } = await load('nets');
const { Adam, ClipPpoObjective } = await load('core');
const { Rng } = await load('utils');
await selectBackend('cpu');

const ROWS = 128;
const policy = new ActorCritic({ observationSize: 4, actionSpace: { type: 'discrete', n: 2 }, hiddenSizes: [64, 64], seed: 1 });
const host = policy.hostModel();
const adam = new Adam(policy.trainableVariables);
const objective = new ClipPpoObjective({ entCoef: 0.01 });
const rng = new Rng(1);
const column = (length) => Float32Array.from({ length }, () => rng.normal(0, 1));
const observations = column(ROWS * 4);
const actions = Int32Array.from({ length: ROWS }, () => rng.nextInt(2));
const [oldLogProbs, oldValues, advantages, returns] = [column(ROWS), column(ROWS), column(ROWS), column(ROWS)];
const micros = () => {
  const { user, system } = process.cpuUsage();
  return user + system;
};
const WARM = 1000;
const parts = { evaluate: 0, loss: 0, backward: 0, adam: 0 };
for (let k = 0; k < WARM + steps; k++) {
  const t0 = micros();
  const out = host.evaluate(observations, actions, ROWS);
  const t1 = micros();
  const loss = objective.computeOnHost({ ...out, oldLogProbs, oldValues, advantages, returns, size: ROWS }, { progress: 0 });
  const t2 = micros();
  const grads = host.backward(loss.dLogProbs, loss.dEntropy, loss.dValues);
  const t3 = micros();
  // A learning rate this small keeps the weights (and so the work per step) nearly constant.
  adam.applyGradients(grads, host.parameters, 1e-7, 0.5);
  const t4 = micros();
  if (k < WARM) continue;
  parts.evaluate += t1 - t0;
  parts.loss += t2 - t1;
  parts.backward += t3 - t2;
  parts.adam += t4 - t3;
}
const perStep = Object.fromEntries(Object.entries(parts).map(([name, total]) => [name, Number((total / steps).toFixed(1))]));
const total = Object.values(parts).reduce((a, b) => a + b, 0) / steps;
console.log(JSON.stringify({ checkout, microsecondsPerStep: { ...perStep, total: Number(total.toFixed(1)) } }));
