import { describe, expect, it } from 'vitest';
import { make, register } from '@ppo/envs';
import { ConfigError, DEFAULT_CONFIG, PRESETS, recommendedPreset, resolveConfig, validateConfig } from './config';

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

  it('minatar is the atari settings with lr 5e-4 and clip 0.1 held constant and entropy 0.02, on the MinAtar network, unscaled and unclipped', () => {
    const c = resolveConfig({ preset: 'minatar' });
    expect(c).toMatchObject({ env: 'MinAtar/Breakout-v0', numEnvs: 8, numSteps: 128, numMinibatches: 4, updateEpochs: 3, totalSteps: 5_000_000 });
    expect(c).toMatchObject({ learningRate: 5e-4, annealLr: false, clipCoef: 0.1, annealClip: false, vfCoef: 1, entCoef: 0.02 });
    expect(c).toMatchObject({ torso: 'nature-cnn', sharedTorso: true, observationScale: 1, clipReward: null, normalizeReward: false });
  });

  it('overrides win over the preset and the defaults are frozen', () => {
    expect(resolveConfig({ preset: 'mujoco', overrides: { seed: 7, numEnvs: 2, numSteps: 1024 } })).toMatchObject({ seed: 7, numEnvs: 2, numSteps: 1024, learningRate: 3e-4 });
    expect(Object.isFrozen(DEFAULT_CONFIG)).toBe(true);
    expect(Object.isFrozen(PRESETS.atari)).toBe(true);
  });

  it("an env's recommended preset applies when no preset is named; a named preset wins", () => {
    const cartPole = () => make('CartPole-v1');
    register('ConfigTestMinAtarLike-v0', cartPole, { recommendedPreset: 'minatar' });
    register('ConfigTestMujocoLike-v0', cartPole, { recommendedPreset: 'mujoco' });
    register('ConfigTestFuture-v0', cartPole, { recommendedPreset: 'not-a-preset-here' });
    expect(recommendedPreset('ConfigTestMinAtarLike-v0')).toBe('minatar');
    expect(recommendedPreset('ConfigTestFuture-v0')).toBeUndefined();
    expect(recommendedPreset('CartPole-v1')).toBeUndefined();
    expect(recommendedPreset('NotRegistered-v0')).toBeUndefined();
    expect(recommendedPreset(undefined)).toBeUndefined();

    const env = 'ConfigTestMinAtarLike-v0';
    expect(resolveConfig({ overrides: { env } })).toEqual({ ...resolveConfig({ preset: 'minatar' }), env });
    expect(resolveConfig({ overrides: { env: 'ConfigTestMujocoLike-v0', seed: 4 } })).toEqual({ ...resolveConfig({ preset: 'mujoco' }), env: 'ConfigTestMujocoLike-v0', seed: 4 });
    // Overrides still win over the recommended preset, and a named preset over the recommendation.
    expect(resolveConfig({ overrides: { env, numEnvs: 2 } })).toMatchObject({ torso: 'nature-cnn', numEnvs: 2 });
    expect(resolveConfig({ preset: 'classic', overrides: { env } })).toEqual({ ...resolveConfig({ preset: 'classic' }), env });
    // No recommendation (or an unknown one): classic, as before.
    expect(resolveConfig({ overrides: { env: 'ConfigTestFuture-v0' } })).toEqual({ ...resolveConfig({ preset: 'classic' }), env: 'ConfigTestFuture-v0' });
    expect(resolveConfig()).toEqual(resolveConfig({ preset: 'classic' }));
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
    ['torso', { torso: 'resnet' }, /config\.torso: expected one of 'mlp', 'nature-cnn', 'multi-input', got "resnet"/],
    ['observationScale', { observationScale: 0 }, /config\.observationScale: expected a finite number > 0, got 0/],
    ['observationScale', { observationScale: 1 / 255 }, /config\.observationScale: expected 1 with torso 'mlp' \(it scales the input of nature-cnn and the image keys of multi-input only\), got 0\.0039/],
    ['learnignRate', { learnignRate: 1e-3 }, /config\.learnignRate: unknown field/],
    // Keys that `in` finds on Object.prototype are no fields either.
    ['__proto__', JSON.parse('{"__proto__": {"learningRate": 5}}') as Record<string, unknown>, /config\.__proto__: unknown field/],
    ['constructor', { constructor: 5 }, /config\.constructor: unknown field/],
    ['toString', { toString: 5 }, /config\.toString: unknown field/],
    // Integers a double cannot hold exactly.
    ['totalSteps', { totalSteps: 1e23 }, /config\.totalSteps: expected an integer in \[1, 9007199254740991\], got 1e\+23/],
    ['checkpointEvery', { checkpointEvery: 2 ** 53 }, /config\.checkpointEvery: expected an integer in \[0, 9007199254740991\]/],
    // Limits a later stage would hit only after the run directory exists, or that never finish.
    ['clipCoef', { clipCoef: 1e9 }, /config\.clipCoef: expected a finite number > 0 and <= 1, got 1000000000/],
    ['hiddenSizes', { hiddenSizes: [100_000_000] }, /config\.hiddenSizes: expected an array of 1 to 16 integers in \[1, 4096\], got \[100000000\]/],
    ['hiddenSizes', { hiddenSizes: new Array<number>(17).fill(8) }, /config\.hiddenSizes: expected an array of 1 to 16 integers/],
    ['numSteps', { numEnvs: 4096, numSteps: 2048, totalSteps: 2 ** 30 }, /config\.numSteps: expected a batch size numEnvs\*numSteps of at most 4194304, got 4096\*2048 = 8388608/],
    ['updateEpochs', { updateEpochs: 1e6 }, /config\.updateEpochs: expected an integer in \[1, 10000\]/],
    ['evalEpisodes', { evalEpisodes: 1e7 }, /config\.evalEpisodes: expected an integer in \[1, 1000000\]/],
    ['policy', { policy: 'transformer' }, /config\.policy: expected one of 'mlp', 'lstm', 'gru', got "transformer"/],
    ['recurrentHiddenSize', { recurrentHiddenSize: 0 }, /config\.recurrentHiddenSize: expected an integer in \[1, 4096\], got 0/],
    // Minibatches of a recurrent policy are whole env sequences.
    ['numMinibatches', { policy: 'lstm', numEnvs: 6, numMinibatches: 4 }, /config\.numMinibatches: expected a divisor of numEnvs = 6 with a recurrent policy \(minibatches are whole env sequences\), got 4/],
    ['torso', { policy: 'gru', torso: 'nature-cnn' }, /config\.torso: expected 'mlp' with a recurrent policy 'gru'/],
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

  it('gives a config saved before the recurrent fields existed their defaults (a feed-forward policy)', () => {
    const { policy: _policy, recurrentHiddenSize: _size, ...older } = resolveConfig();
    const config = validateConfig(older);
    expect(config.policy).toBe('mlp');
    expect(config.recurrentHiddenSize).toBe(64);
    expect(resolveConfig({ overrides: { policy: 'lstm', numEnvs: 4, numMinibatches: 2 } }).policy).toBe('lstm');
  });

  it('accepts null where a switch is off and rejects a missing field', () => {
    expect(resolveConfig({ overrides: { maxGradNorm: null, targetKl: null } }).maxGradNorm).toBeNull();
    const { gamma: _gamma, ...rest } = resolveConfig();
    expect(() => validateConfig(rest)).toThrow(/config\.gamma: is missing/);
    expect(() => resolveConfig({ preset: 'dota' as never })).toThrow(/preset must be one of classic, mujoco, atari, minatar, got "dota"/);
    for (const name of ['__proto__', 'toString', 'constructor', 'hasOwnProperty']) {
      expect(() => resolveConfig({ preset: name as never })).toThrow(`preset must be one of classic, mujoco, atari, minatar, got "${name}"`);
    }
  });
});
