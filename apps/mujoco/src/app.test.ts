import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import { evaluateHalfCheetah, parseEvalArgs, parseTrainArgs, trainHalfCheetah, UsageError } from './app';

describe('command lines', () => {
  it('parses the training flags, with the defaults the paper uses', () => {
    expect(parseTrainArgs([])).toEqual({ steps: 1_000_000, seed: 1, out: resolve('runs/halfcheetah-seed1'), backend: 'auto', resume: false });
    expect(parseTrainArgs(['--', '--steps', '5000', '--seed', '7', '--out', 'x', '--backend', 'wasm', '--resume'])).toEqual({
      steps: 5000,
      seed: 7,
      out: resolve('x'),
      backend: 'wasm',
      resume: true,
    });
  });

  it.each([
    [['--steps', '0'], /--steps must be an integer in \[1, /],
    [['--steps', '1e6'], /--steps .* got "1e6"/],
    [['--seed', '-1'], /--seed/],
    [['--seed', String(2 ** 32)], /--seed must be an integer in \[0, 4294967295\]/],
    [['--backend', 'gpu'], /--backend must be one of auto, tensorflow, wasm, cpu, got "gpu"/],
    [['--stpes', '10'], /stpes/],
    [['extra'], /extra/],
  ])('rejects training flags %j', (argv, message) => {
    expect(() => parseTrainArgs(argv)).toThrow(UsageError);
    expect(() => parseTrainArgs(argv)).toThrow(message);
  });

  it('parses and validates the evaluation flags', () => {
    expect(parseEvalArgs(['runs/a', '--episodes', '3', '--seed', '5'])).toEqual({ runDir: resolve('runs/a'), episodes: 3, seed: 5, backend: undefined });
    expect(() => parseEvalArgs([])).toThrow(/expected one run directory, got none/);
    expect(() => parseEvalArgs(['a', 'b'])).toThrow(/got a b/);
    expect(() => parseEvalArgs(['a', '--episodes', '0'])).toThrow(/--episodes must be an integer in \[1, 100000\]/);
  });
});

describe('HalfCheetah smoke run', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ppo-app-mujoco-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('trains a tiny budget, saves the run and evaluates it without leaking tensors', async () => {
    const out = join(dir, 'run');
    const before = tf.memory().numTensors;
    // 2 updates of 128 steps: the preset's rollout shrunk so the smoke run stays a few seconds.
    const result = await trainHalfCheetah(
      { steps: 256, seed: 3, out, backend: 'cpu', resume: false },
      { overrides: { numSteps: 128, numMinibatches: 2, updateEpochs: 2 }, console: false, handleSignals: false },
    );
    expect(result.stoppedBy).toBe('complete');
    expect(result.globalStep).toBe(256);
    expect(result.update).toBe(2);
    const config = JSON.parse(readFileSync(join(out, 'config.json'), 'utf8')) as Record<string, unknown>;
    // The preset's continuous-control wrappers are on, and the task is the app's.
    expect(config).toMatchObject({ env: 'HalfCheetah-v5', seed: 3, normalizeObservation: true, normalizeReward: true, clipAction: true, entCoef: 0 });
    expect(existsSync(join(out, 'final'))).toBe(true);

    const evaluation = await evaluateHalfCheetah({ runDir: out, episodes: 1, seed: 11, backend: 'cpu' });
    expect(evaluation.episodes).toBe(1);
    // HalfCheetah never terminates: the one episode runs to the 1000-step limit.
    expect(evaluation.lengths).toEqual([1000]);
    expect(Number.isFinite(evaluation.mean)).toBe(true);
    expect(evaluation.std).toBe(0);
    // The same seed and the deterministic policy give the same return.
    const again = await evaluateHalfCheetah({ runDir: out, episodes: 1, seed: 11, backend: 'cpu' });
    expect(again.returns).toEqual(evaluation.returns);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('refuses to train over an existing run unless resuming', async () => {
    const out = join(dir, 'run');
    const options = { overrides: { numSteps: 128, numMinibatches: 2 }, console: false, handleSignals: false };
    await expect(trainHalfCheetah({ steps: 256, seed: 3, out, backend: 'cpu', resume: false }, options)).rejects.toThrow(/already holds a run/);
  });
});
