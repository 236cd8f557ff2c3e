/**
 * Throughput of the estimators on a PPO-sized rollout: T = 2048 steps x N = 64 envs
 * (131,072 elements). Elements per second = hz x 131,072. Run with `pnpm bench`.
 */
import { bench, describe } from 'vitest';
import { discountedReturns, gae, groupRelativeAdvantages, tdLambdaReturns } from '../src/index';

const T = 2048;
const N = 64;
const n = T * N;

// A fixed pseudo-random rollout (a small LCG: the bench needs no statistical quality) with
// about 1% terminations and 1% truncations, as in long-horizon control tasks.
let state = 12345;
function next(): number {
  state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
  return state / 2 ** 32;
}
const rewards = Float32Array.from({ length: n }, () => next() * 2 - 1);
const values = Float32Array.from({ length: n }, () => next() * 10 - 5);
const nextValues = Float32Array.from({ length: n }, () => next() * 10 - 5);
const terminated = Uint8Array.from({ length: n }, () => (next() < 0.01 ? 1 : 0));
const truncated = Uint8Array.from({ length: n }, () => (next() < 0.01 ? 1 : 0));
const out = { advantages: new Float32Array(n), returns: new Float32Array(n) };
const rollout = { rewards, values, nextValues, terminated, truncated, numEnvs: N, gamma: 0.99, lambda: 0.95 };

describe(`T=${T} N=${N} (${n} elements)`, () => {
  bench('gae, preallocated out', () => {
    gae({ ...rollout, out });
  });
  bench('gae, allocating', () => {
    gae(rollout);
  });
  bench('tdLambdaReturns, preallocated out', () => {
    tdLambdaReturns({ ...rollout, out });
  });
  bench('discountedReturns, preallocated out', () => {
    discountedReturns({ ...rollout, out });
  });
  bench('groupRelativeAdvantages, groups of 16', () => {
    groupRelativeAdvantages(rewards, 16, { out: out.advantages });
  });
});
