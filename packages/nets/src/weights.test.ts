import { Rng } from '@ppo/utils';
import * as tf from '@tensorflow/tfjs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ActorCritic, type ActorCriticOptions } from './actor-critic';
import { mlp } from './mlp';
import { loadWeights, MANIFEST_FILE, saveWeights } from './node';
import { BACKENDS, useBackend } from './test-helpers';
import { applyWeights, deserializeWeights, serializeWeights, weightFiles, type WeightsManifest } from './weights';

const OPTIONS: ActorCriticOptions = { observationSize: 5, actionSpace: { type: 'box', shape: [2], low: [-1, -1], high: [1, 1] }, seed: 1, logStdInit: -0.3 };

/** Bit patterns, so -0 vs 0 and NaN payloads count as differences. */
function bits(weights: Map<string, Float32Array>): Map<string, number[]> {
  return new Map([...weights].map(([k, v]) => [k, Array.from(new Uint32Array(v.buffer, v.byteOffset, v.length))]));
}

/** A policy whose weights are random (including -0, subnormals and extremes), not the init. */
function randomized(seed: number): ActorCritic {
  const policy = new ActorCritic({ ...OPTIONS, seed });
  const rng = new Rng(seed);
  const specials = [-0, 1e-40, -3.4e38, 1 / 3];
  const w = policy.getWeights();
  for (const v of w.values()) for (let i = 0; i < v.length; i++) v[i] = i < specials.length ? specials[i] : rng.normal(0, 1);
  policy.setWeights(w);
  return policy;
}

describe.each(BACKENDS)('weights I/O on %s', (backend) => {
  useBackend(backend);
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ppo-nets-weights-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('weightFiles gives the files saveWeights writes, named after their content', async () => {
    const a = randomized(11);
    const b = new ActorCritic(OPTIONS);
    const out = join(dir, 'weight-files');
    try {
      const before = tf.memory().numTensors;
      const files = weightFiles(a);
      expect(tf.memory().numTensors).toBe(before);
      await saveWeights(out, a);
      expect((await readdir(out)).sort()).toEqual([files.binaryName, files.manifestName].sort());
      expect(files.manifestName).toBe(MANIFEST_FILE);
      expect(await readFile(join(out, MANIFEST_FILE), 'utf8')).toBe(files.manifest);
      expect(Buffer.from(files.binary).equals(await readFile(join(out, files.binaryName)))).toBe(true);
      expect(files.binaryName).toMatch(/^weights-[0-9a-f]{8}\.bin$/);
      const other = randomized(12);
      expect(weightFiles(other).binaryName).not.toBe(files.binaryName);
      other.dispose();
      applyWeights(JSON.parse(files.manifest), files.binary, b);
      expect(bits(b.getWeights())).toEqual(bits(a.getWeights()));
    } finally {
      a.dispose();
      b.dispose();
    }
  });

  it('in-memory round trips are bitwise exact', () => {
    const a = randomized(7);
    const b = new ActorCritic(OPTIONS);
    try {
      const buffer = serializeWeights(a);
      deserializeWeights(buffer, b);
      expect(bits(b.getWeights())).toEqual(bits(a.getWeights()));
      // A Uint8Array view at an odd offset works too.
      const shifted = new Uint8Array(buffer.byteLength + 1);
      shifted.set(new Uint8Array(buffer), 1);
      const c = new ActorCritic({ ...OPTIONS, seed: 9 });
      deserializeWeights(shifted.subarray(1), c);
      expect(bits(c.getWeights())).toEqual(bits(a.getWeights()));
      c.dispose();
    } finally {
      a.dispose();
      b.dispose();
    }
  });

  it('errors name the missing, mis-shaped or unknown variable and assign nothing', () => {
    const a = randomized(3);
    const small = mlp({ inputSize: 5, hiddenSizes: [64, 64] });
    const wider = new ActorCritic({ ...OPTIONS, hiddenSizes: [64, 32] });
    try {
      const buffer = serializeWeights(a);
      const before = bits(wider.getWeights());
      expect(() => deserializeWeights(buffer, wider)).toThrow(/variable 'actor\/torso\/hidden1\/kernel' has shape \[64, 64\], expected \[64, 32\]/);
      expect(bits(wider.getWeights())).toEqual(before);
      expect(() => deserializeWeights(serializeWeights(small), a)).toThrow(/variable 'hidden0\/kernel' is not in the model/);
      const subset = Object.fromEntries(Object.entries(a.variables).filter(([k]) => k !== 'actor/log_std'));
      expect(() => deserializeWeights(serializeWeights(subset), a)).toThrow(/variable 'actor\/log_std' is missing/);
      expect(() => deserializeWeights(new ArrayBuffer(16), a)).toThrow(/bad magic number/);
      expect(() => a.setWeights(new Map([['actor/log_std', new Float32Array(3)]]))).toThrow(/'actor\/torso\/hidden0\/kernel' is missing/);
    } finally {
      a.dispose();
      small.dispose();
      wider.dispose();
    }
  });

  it('saves to a directory atomically and loads back bitwise exact; tfjs reads the files', async () => {
    const a = randomized(5);
    const b = new ActorCritic(OPTIONS);
    const target = join(dir, `run-${backend}`);
    try {
      await saveWeights(target, a);
      await loadWeights(target, b);
      expect(bits(b.getWeights())).toEqual(bits(a.getWeights()));
      const manifest = JSON.parse(await readFile(join(target, MANIFEST_FILE), 'utf8')) as WeightsManifest;
      const [group] = manifest.weightsManifest;
      // tfjs's own decoder understands the manifest and the binary file.
      const bin = await readFile(join(target, group.paths[0]));
      const decoded = tf.io.decodeWeights(bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength), group.weights);
      const logStd = Array.from(decoded['actor/log_std'].dataSync());
      tf.dispose(Object.values(decoded));
      expect(logStd).toEqual(Array.from(a.getWeights().get('actor/log_std') as Float32Array));
      // applyWeights (the browser path) reads the same files.
      const c = new ActorCritic({ ...OPTIONS, seed: 2 });
      applyWeights(manifest, bin, c);
      expect(bits(c.getWeights())).toEqual(bits(a.getWeights()));
      c.dispose();
      // Saving again replaces the binary and leaves no temporary files behind.
      const d = randomized(6);
      await saveWeights(target, d);
      const files = await readdir(target);
      expect(files.filter((f) => f.endsWith('.bin'))).toHaveLength(1);
      expect(files.some((f) => f.includes('.tmp-'))).toBe(false);
      await loadWeights(target, b);
      expect(bits(b.getWeights())).toEqual(bits(d.getWeights()));
      d.dispose();
    } finally {
      a.dispose();
      b.dispose();
    }
  });

  it('a file with a wrong shape or a missing variable raises an error naming it', async () => {
    const a = randomized(4);
    const target = join(dir, `broken-${backend}`);
    try {
      await saveWeights(target, a);
      const path = join(target, MANIFEST_FILE);
      const manifest = JSON.parse(await readFile(path, 'utf8')) as { weightsManifest: { weights: { name: string; shape: number[]; dtype: string }[] }[] };
      const weights = manifest.weightsManifest[0].weights;
      const spec = weights.find((w) => w.name === 'critic/head/output/kernel');
      if (spec === undefined) throw new Error('spec not found');
      spec.shape = [1, 64];
      await writeFile(path, JSON.stringify(manifest));
      await expect(loadWeights(target, a)).rejects.toThrow(/variable 'critic\/head\/output\/kernel' has shape \[1, 64\], expected \[64, 1\]/);
      spec.shape = [64, 1];
      // Each of these also leaves the byte count wrong: the error still names the variable.
      manifest.weightsManifest[0].weights = weights.filter((w) => w.name !== 'actor/log_std');
      await writeFile(path, JSON.stringify(manifest));
      await expect(loadWeights(target, a)).rejects.toThrow(/variable 'actor\/log_std' is missing/);
      manifest.weightsManifest[0].weights = [...weights, { ...weights[0] }];
      await writeFile(path, JSON.stringify(manifest));
      await expect(loadWeights(target, a)).rejects.toThrow(new RegExp(`variable '${weights[0].name}' appears twice in the manifest`));
      manifest.weightsManifest[0].weights = [...weights, { name: 'actor/extra', shape: [3], dtype: 'float32' }];
      await writeFile(path, JSON.stringify(manifest));
      await expect(loadWeights(target, a)).rejects.toThrow(/variable 'actor\/extra' is not in the model/);
      spec.shape = [64, 2];
      manifest.weightsManifest[0].weights = weights;
      await writeFile(path, JSON.stringify(manifest));
      await expect(loadWeights(target, a)).rejects.toThrow(/variable 'critic\/head\/output\/kernel' has shape \[64, 2\], expected \[64, 1\]/);
      // With names and shapes right, a short binary is reported by its byte count.
      spec.shape = [64, 1];
      await writeFile(path, JSON.stringify(manifest));
      const [binary] = (await readdir(target)).filter((f) => f.endsWith('.bin'));
      const full = await readFile(join(target, binary));
      await writeFile(join(target, binary), full.subarray(0, full.byteLength - 4));
      await expect(loadWeights(target, a)).rejects.toThrow(new RegExp(`describes ${full.byteLength} bytes of weights but the data has ${full.byteLength - 4}`));
      await expect(loadWeights(join(dir, 'nothing-here'), a)).rejects.toThrow(/no weights.json/);
    } finally {
      a.dispose();
    }
  });
});
