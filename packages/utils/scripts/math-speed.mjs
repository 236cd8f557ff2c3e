/* global process, console */
// CPU time per call of @ppo/utils' engine-independent math against the engine's Math, on the
// built package (run `pnpm --filter @ppo/utils build` first). Rounds alternate between the two
// so that load from other processes hits both alike; the median round is reported.
// Run: node packages/utils/scripts/math-speed.mjs
import { exp, expm1, log, log1p, log10, pow, tanh } from '../dist/index.js';

const N = 1 << 16;
const ROUNDS = 15;
const CALLS_PER_ROUND = 2_000_000;
const uniform = (lo, hi) => Float64Array.from({ length: N }, () => lo + (hi - lo) * Math.random());
const cases = [
  ['exp', exp, Math.exp, uniform(-20, 20)],
  ['expm1', expm1, Math.expm1, uniform(-2, 2)],
  ['log', log, Math.log, uniform(1e-6, 1e6)],
  ['log1p', log1p, Math.log1p, uniform(-0.9, 10)],
  ['log10', log10, Math.log10, uniform(1e-6, 1e6)],
  ['tanh', tanh, Math.tanh, uniform(-5, 5)],
];
const ys = uniform(-4, 4);

let checksum = 0;

function cpuNsPerCall(f, xs, binary) {
  let sink = 0;
  const start = process.cpuUsage();
  for (let i = 0; i < CALLS_PER_ROUND; i++) {
    const k = i & (N - 1);
    sink += binary ? f(xs[k], ys[k]) : f(xs[k]);
  }
  const used = process.cpuUsage(start);
  checksum += sink; // consumed below, so the calls cannot be optimized away
  return ((used.user + used.system) * 1000) / CALLS_PER_ROUND;
}

const median = (a) => a.slice().sort((p, q) => p - q)[a.length >> 1];
const rows = [...cases.map(([name, ours, ref, xs]) => [name, ours, ref, xs, false]), ['pow', pow, Math.pow, uniform(0.01, 100), true]];
for (const [name, ours, ref, xs, binary] of rows) {
  const a = [];
  const b = [];
  for (let r = 0; r < ROUNDS; r++) {
    a.push(cpuNsPerCall(ours, xs, binary));
    b.push(cpuNsPerCall(ref, xs, binary));
  }
  const o = median(a);
  const m = median(b);
  console.log(`${name.padEnd(6)} ours ${o.toFixed(1).padStart(6)} ns/call   Math ${m.toFixed(1).padStart(6)} ns/call   ratio ${(o / m).toFixed(2)}`);
}
console.log(`(checksum ${checksum})`);
