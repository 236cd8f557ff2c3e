import { describe, expect, it } from 'vitest';
import { ConfigError, DEFAULT_CONFIG, PRESETS, resolveConfig, validateConfig } from './config';

describe('config', () => {
  it('classic is CleanRL ppo.py', () => {
    const c = resolveConfig({ preset: 'classic' });
    expect(c).toMatchObject({
      numEnvs: 4, numSteps: 128, learningRate: 2.5e-4, annealLr: true, adamEps: 1e-5, gamma: 0.99, gaeLambda: 0.95,
      numMinibatches: 4, updateEpochs: 4, normAdv: true, clipCoef: 0.2, clipVloss: true, entCoef: 0.01, vfCoef: 0.5,
      maxGradNorm: 0.5, totalSteps: 500_000, orthogonalInit: true, sharedTorso: false, bootstrapTruncated: true,
    });
  });

  it('mujoco is the paper Table 3 with CleanRL continuous wrappers', () => {
    const c = resolveConfig({ preset: 'mujoco' });
    expect(c.numEnvs * c.numSteps).toBe(2048);
    expect((c.numEnvs * c.numSteps) / c.numMinibatches).toBe(64);
    expect(c).toMatchObject({
      learningRate: 3e-4, updateEpochs: 10, entCoef: 0, clipCoef: 0.2, totalSteps: 1_000_000, clipAction: true,
      normalizeObservation: true, clipObservation: 10, normalizeReward: true, clipReward: 10, hiddenSizes: [64, 64], activation: 'tanh',
    });
  });

  it('atari is the paper Table 5', () => {
    const c = resolveConfig({ preset: 'atari' });
    expect(c.numEnvs).toBe(8);
    expect(c.numSteps).toBe(128);
    expect((c.numEnvs * c.numSteps) / c.numMinibatches).toBe(32 * 8);
    expect(c).toMatchObject({ learningRate: 2.5e-4, annealLr: true, clipCoef: 0.1, annealClip: true, updateEpochs: 3, vfCoef: 1, entCoef: 0.01, totalSteps: 10_000_000 });
    expect(c).toMatchObject({ torso: 'nature-cnn', sharedTorso: true, observationScale: 1 / 255 });
  });

  it('overrides win over the preset and the defaults are frozen', () => {
    expect(resolveConfig({ preset: 'mujoco', overrides: { seed: 7, numEnvs: 2, numSteps: 1024 } })).toMatchObject({ seed: 7, numEnvs: 2, numSteps: 1024, learningRate: 3e-4 });
    expect(Object.isFrozen(DEFAULT_CONFIG)).toBe(true);
    expect(Object.isFrozen(PRESETS.atari)).toBe(true);
  });

  const bad: [string, Record<string, unknown>, RegExp][] = [
    ['learningRate', { learningRate: 0 }, /config\.learningRate: expected a finite number > 0, got 0/],
    ['learningRate', { learningRate: Number.NaN }, /config\.learningRate/],
    ['gamma', { gamma: 1.5 }, /config\.gamma: expected a finite number >= 0 and <= 1, got 1.5/],
    ['numEnvs', { numEnvs: 2.5 }, /config\.numEnvs: expected an integer in \[1, 4096\], got 2.5/],
    ['seed', { seed: -1 }, /config\.seed/],
    ['annealLr', { annealLr: 'yes' }, /config\.annealLr: expected a boolean, got "yes"/],
    ['loss', { loss: 'trpo' }, /config\.loss: expected one of 'clip', 'kl', got "trpo"/],
    ['hiddenSizes', { hiddenSizes: [64, 0] }, /config\.hiddenSizes/],
    ['envModules', { envModules: './my-envs.mjs' }, /config\.envModules: expected an array of non-empty strings, got "\.\/my-envs\.mjs"/],
    ['envModules', { envModules: ['./my-envs.mjs', ''] }, /config\.envModules: expected an array of non-empty strings/],
    ['numMinibatches', { numMinibatches: 3 }, /config\.numMinibatches: expected a divisor of the batch size numEnvs\*numSteps = 512, got 3/],
    ['totalSteps', { totalSteps: 100 }, /config\.totalSteps: expected at least one batch/],
    ['maxGradNorm', { maxGradNorm: -1 }, /config\.maxGradNorm: expected a finite number > 0 or null/],
    ['klBetaInit', { klBetaInit: 0 }, /config\.klBetaInit: expected a finite number > 0, got 0/],
    ['torso', { torso: 'resnet' }, /config\.torso: expected one of 'mlp', 'nature-cnn', got "resnet"/],
    ['observationScale', { observationScale: 0 }, /config\.observationScale: expected a finite number > 0, got 0/],
    ['observationScale', { observationScale: 1 / 255 }, /config\.observationScale: expected 1 with torso 'mlp' \(it scales the nature-cnn input only\), got 0\.0039/],
    ['learnignRate', { learnignRate: 1e-3 }, /config\.learnignRate: unknown field/],
  ];
  it.each(bad)('rejects a bad %s and names it', (field, overrides, message) => {
    let error: unknown;
    try {
      resolveConfig({ overrides });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).field).toBe(field);
    expect((error as ConfigError).message).toMatch(message);
  });

  it('accepts null where a switch is off and rejects a missing field', () => {
    expect(resolveConfig({ overrides: { maxGradNorm: null, targetKl: null } }).maxGradNorm).toBeNull();
    const { gamma: _gamma, ...rest } = resolveConfig();
    expect(() => validateConfig(rest)).toThrow(/config\.gamma: is missing/);
    expect(() => resolveConfig({ preset: 'dota' as never })).toThrow(/preset must be one of classic, mujoco, atari, got "dota"/);
  });
});
