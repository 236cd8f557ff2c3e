// @ts-check
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { resolveConfig } from '@ppo/trainer';
import { benchConfig, markdownTable, positiveInts, summarize } from './lib.mjs';

test('benchConfig keeps the preset batch split into slots, with the budget in whole updates', () => {
  const overrides = benchConfig({ env: 'HalfCheetah-v5', updates: 3, numEnvs: 4, numSteps: 512, seed: 1 });
  const config = resolveConfig({ preset: 'mujoco', overrides });
  assert.equal(config.numEnvs * config.numSteps, 2048);
  assert.equal(config.totalSteps, 3 * 2048);
  assert.equal(config.normalizeObservation, true);
  assert.equal(config.updateEpochs, 10);
  assert.throws(() => benchConfig({ env: 'HalfCheetah-v5', updates: 0, numEnvs: 4, numSteps: 512, seed: 1 }), /updates must be a positive integer, got 0/);
  assert.throws(() => benchConfig({ env: 'HalfCheetah-v5', updates: 2, numEnvs: 4, numSteps: 512, seed: -1 }), /seed/);
});

test('summarize leaves out the warm-up updates and averages the rest', () => {
  const samples = [
    { steps: 100, rolloutSeconds: 9, updateSeconds: 9, bytes: 999, rolloutCpuSeconds: 9, updateCpuSeconds: 9 },
    { steps: 100, rolloutSeconds: 1, updateSeconds: 3, bytes: 10, rolloutCpuSeconds: 0.5, updateCpuSeconds: 2 },
    { steps: 100, rolloutSeconds: 3, updateSeconds: 1, bytes: 30, rolloutCpuSeconds: 1.5, updateCpuSeconds: 1 },
  ];
  const s = summarize(samples);
  assert.equal(s.updates, 2);
  // 200 steps in 8 s; rollouts alone 200 steps in 4 s.
  assert.equal(s.stepsPerSecond, 25);
  assert.equal(s.rolloutStepsPerSecond, 50);
  assert.equal(s.rolloutSeconds, 2);
  assert.equal(s.updateSeconds, 2);
  assert.equal(s.bytesPerUpdate, 20);
  assert.equal(s.rolloutCpuSeconds, 1);
  assert.equal(s.updateCpuSeconds, 1.5);
  assert.equal(summarize(samples, 0).bytesPerUpdate, (999 + 10 + 30) / 3);
  assert.throws(() => summarize(samples.slice(0, 1)), /none left after 1 warm-up/);
});

test('markdownTable writes a row per run, the single process without bytes', () => {
  const summary = { updates: 2, stepsPerSecond: 1234.4, rolloutStepsPerSecond: 0, rolloutSeconds: 0.5, updateSeconds: 1.25, bytesPerUpdate: 2_500_000, rolloutCpuSeconds: 0.25, updateCpuSeconds: 1 };
  const table = markdownTable([
    { env: 'Humanoid-v5', workers: 0, summary },
    { env: 'Humanoid-v5', workers: 2, summary },
  ]);
  const rows = table.trim().split('\n');
  assert.equal(rows.length, 4);
  assert.equal(rows[2], '| Humanoid-v5 | one process | 1234 | 0.50 | 1.25 | 0.25 + 1.00 | - |');
  assert.equal(rows[3], '| Humanoid-v5 | 2 | 1234 | 0.50 | 1.25 | 0.25 + 1.00 | 2.50 MB |');
});

test('positiveInts reads a list and names the flag on bad items', () => {
  assert.deepEqual(positiveInts('--workers', '1, 2,4'), [1, 2, 4]);
  assert.throws(() => positiveInts('--workers', '1,0'), /--workers: "0" is not a positive integer/);
  assert.throws(() => positiveInts('--workers', ''), /--workers must list at least one value/);
});
