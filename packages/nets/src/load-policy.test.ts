import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { Rng, RunningMeanStd, type ActionSpaceSpec } from '@ppo/utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ActorCritic } from './actor-critic';
import { POLICY_FILE, type ExportedPolicy } from './exported-policy';
import { loadPolicy } from './load-policy';
import { loadPolicyFolder, readPolicyFolder, saveWeights } from './node';

const root = mkdtempSync(join(tmpdir(), 'ppo-load-policy-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const BOX: ActionSpaceSpec = { type: 'box', shape: [2], low: [-1, -0.5], high: [1, 0.5] };

/** Writes an export folder as `ppo export` does (weights, then policy.json with every file's SHA-256). */
async function writeExport(name: string, network: ActorCritic, policy: Omit<ExportedPolicy, 'files'>): Promise<string> {
  const dir = join(root, name);
  await saveWeights(dir, network);
  const files = Object.fromEntries(readdirSync(dir).sort().map((f) => [f, createHash('sha256').update(readFileSync(join(dir, f))).digest('hex')]));
  writeFileSync(join(dir, POLICY_FILE), JSON.stringify({ ...policy, files }));
  return dir;
}

function describeExport(network: ActorCritic, options: { normalize: boolean; clip: number | null; clipAction: boolean }): Omit<ExportedPolicy, 'files'> {
  let normalization = null;
  if (options.normalize) {
    const rms = new RunningMeanStd(network.observationSize);
    const rng = new Rng(4);
    rms.update(Float32Array.from({ length: network.observationSize * 20 }, () => rng.nextNormal() * 2 + 1), 20);
    normalization = rms.getState();
  }
  return {
    format: 'ppo-policy',
    version: 2,
    env: 'Test-v0',
    envOptions: {},
    actorCritic: { observationSize: network.observationSize, actionSpace: network.actionSpace, torso: 'mlp', hiddenSizes: [8], activation: 'tanh', shared: false },
    observation: { normalization, clip: options.clip },
    clipAction: options.clipAction,
    source: { checkpoint: 'final', globalStep: 1, update: 1 },
  };
}

/** A trained-looking network: the policy head spread out, so actions reach the bounds. */
function network(actionSpace: ActionSpaceSpec, seed: number): ActorCritic {
  const net = new ActorCritic({ observationSize: 3, actionSpace, hiddenSizes: [8], seed });
  const weights = net.getWeights();
  for (const [key, values] of weights) if (key.startsWith('actor/head/')) weights.set(key, values.map((v) => v * 100));
  net.setWeights(weights);
  return net;
}

/** What the trainer does: wrappers normalize and clip the observation, act() takes the mode, the action wrapper clips. */
function reference(net: ActorCritic, spec: Omit<ExportedPolicy, 'files'>, observations: Float32Array, count: number): Float32Array | Int32Array {
  const { normalization, clip } = spec.observation;
  let x = normalization === null ? observations : RunningMeanStd.fromState(normalization).normalize(observations, new Float32Array(observations.length));
  if (clip !== null) x = x.map((v) => Math.min(clip, Math.max(-clip, v)));
  const { actions } = net.act(x, count, new Rng(0), { deterministic: true });
  const space = spec.actorCritic.actionSpace;
  if (spec.clipAction && space.type === 'box') {
    for (let i = 0; i < actions.length; i++) actions[i] = Math.min(space.high[i % 2] ?? Infinity, Math.max(space.low[i % 2] ?? -Infinity, actions[i]));
  }
  return actions;
}

const count = 32;
const observations = Float32Array.from({ length: count * 3 }, (_, k) => 4 * Math.sin(1.3 * k + 0.2));

describe('loadPolicy', () => {
  const trained = network(BOX, 1);
  const boxSpec = describeExport(trained, { normalize: true, clip: 1.5, clipAction: true });
  const discrete = network({ type: 'discrete', n: 3, start: 1 }, 2);
  const discreteSpec = describeExport(discrete, { normalize: false, clip: null, clipAction: false });
  let boxDir = '';
  let discreteDir = '';
  beforeAll(async () => {
    boxDir = await writeExport('box', trained, boxSpec);
    discreteDir = await writeExport('discrete', discrete, discreteSpec);
  });
  afterAll(() => {
    trained.dispose();
    discrete.dispose();
  });

  it('predicts what the trainer acts, bitwise, from a folder on disk; normalization, observation and action clipping included', async () => {
    const tensors = tf.memory().numTensors;
    for (const [dir, net, spec] of [[boxDir, trained, boxSpec], [discreteDir, discrete, discreteSpec]] as const) {
      const policy = await loadPolicyFolder(dir);
      const actions = policy.predict(observations, count);
      const expected = reference(net, spec, observations, count);
      expect(actions.constructor).toBe(expected.constructor);
      expect(Array.from(actions)).toEqual(Array.from(expected));
      expect(policy.predict(Array.from(observations.subarray(0, 3)))[0]).toBe(expected[0]);
      policy.dispose();
    }
    // Clipping happened: some box actions sit on the bounds, some inside.
    const box = reference(trained, boxSpec, observations, count);
    expect(Array.from(box).some((a, i) => Math.abs(a) === [1, 0.5][i % 2])).toBe(true);
    expect(Array.from(box).some((a, i) => Math.abs(a) < [1, 0.5][i % 2])).toBe(true);
    expect(tf.memory().numTensors).toBe(tensors);
  });

  it('fetches a folder URL (as a page does)', async () => {
    const server: Server = createServer((request, response) => {
      const name = (request.url ?? '').replace('/policy/', '');
      try {
        response.end(readFileSync(join(discreteDir, name)));
      } catch {
        response.statusCode = 404;
        response.end();
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const policy = await loadPolicy(`http://127.0.0.1:${port}/policy`);
      expect(Array.from(policy.predict(observations, count))).toEqual(Array.from(reference(discrete, discreteSpec, observations, count)));
      policy.dispose();
      await expect(loadPolicy(`http://127.0.0.1:${port}/elsewhere/`)).rejects.toThrow(/cannot fetch http:\/\/127\.0\.0\.1:\d+\/elsewhere\/policy\.json: HTTP 404/);
    } finally {
      server.close();
    }
  });

  /** A reader of the box export with one file replaced. */
  const altered = (name: string, contents: (bytes: Uint8Array) => Uint8Array | string) => (file: string): Promise<Uint8Array> => {
    const bytes = readFileSync(join(boxDir, file));
    const changed = file === name ? contents(bytes) : bytes;
    return Promise.resolve(typeof changed === 'string' ? new TextEncoder().encode(changed) : changed);
  };
  const policyJson = (change: (json: Record<string, unknown>) => unknown) =>
    altered(POLICY_FILE, (bytes) => JSON.stringify(change(JSON.parse(new TextDecoder().decode(bytes)) as Record<string, unknown>)));
  const weightsFile = (): string => readdirSync(boxDir).find((f) => f.endsWith('.bin')) as string;

  it.each([
    ['not JSON', altered(POLICY_FILE, () => '{'), /policy\.json is not UTF-8 JSON/],
    ['another format', policyJson((j) => ({ ...j, format: 'other' })), /policy\.json: format must be 'ppo-policy', got "other"/],
    ['a later version', policyJson((j) => ({ ...j, version: 3 })), /version must be 1 or 2, got 3/],
    ['env options that are not an object', policyJson((j) => ({ ...j, envOptions: [1] })), /policy\.json: envOptions must be an object, got \[1\]/],
    ['a bad hidden width', policyJson((j) => ({ ...j, actorCritic: { ...(j.actorCritic as object), hiddenSizes: [8, -1] } })), /actorCritic\.hiddenSizes\[1\] must be a positive integer, got -1/],
    ['statistics of another size', policyJson((j) => ({ ...j, observation: { normalization: { size: 2, mean: [0, 0], var: [1, 1], count: 1 }, clip: null } })), /observation\.normalization\.size must be observationSize 3, got 2/],
    ['a network larger than its weights', policyJson((j) => ({ ...j, actorCritic: { ...(j.actorCritic as object), hiddenSizes: [100000, 100000] } })), /describes kernels of 10000500000 floats, but the weights hold/],
    ['an action space larger than its weights', policyJson((j) => ({ ...j, actorCritic: { ...(j.actorCritic as object), actionSpace: { type: 'box', shape: [1e6], low: [], high: [] } } })), /describes kernels of 8000024 floats, but the weights hold/],
    ['a digest that does not match', altered('weights.json', (b) => Uint8Array.from(b).map((x, i) => (i === 40 ? x ^ 1 : x))), /weights\.json has SHA-256 [0-9a-f]{64}, expected [0-9a-f]{64} \(from policy\.json\): the file is damaged or was changed/],
    ['no digest for a file', policyJson((j) => ({ ...j, files: {} })), /policy\.json has no checksum for weights\.json/],
    ['a digest under a path', policyJson((j) => ({ ...j, files: { ...(j.files as object), '../x.bin': 'a'.repeat(64) } })), /files\['\.\.\/x\.bin'\] must be a plain file name/],
  ] as const)('refuses %s, naming the field, value and expectation', async (_, read, message) => {
    const tensors = tf.memory().numTensors;
    await expect(loadPolicy(read)).rejects.toThrow(message);
    expect(tf.memory().numTensors).toBe(tensors);
  });

  it('refuses a binary weight file with one bit flipped (its digest differs)', async () => {
    const name = weightsFile();
    const reader = altered(name, (b) => Uint8Array.from(b).map((x, i) => (i === 0 ? x ^ 1 : x)));
    await expect(loadPolicy(reader)).rejects.toThrow(`${name} has SHA-256`);
  });

  it('refuses weight files outside the folder, links, and files over maxFileBytes, before reading them', async () => {
    const escaping = await writeExport('escaping', trained, boxSpec);
    const manifest = JSON.parse(readFileSync(join(escaping, 'weights.json'), 'utf8')) as { weightsManifest: { paths: string[] }[] };
    manifest.weightsManifest[0].paths = ['../box/' + weightsFile()];
    writeFileSync(join(escaping, 'weights.json'), JSON.stringify(manifest));
    const policy = JSON.parse(readFileSync(join(escaping, POLICY_FILE), 'utf8')) as ExportedPolicy;
    const files = { ...policy.files, 'weights.json': createHash('sha256').update(readFileSync(join(escaping, 'weights.json'))).digest('hex') };
    writeFileSync(join(escaping, POLICY_FILE), JSON.stringify({ ...policy, files }));
    await expect(loadPolicyFolder(escaping)).rejects.toThrow(/weights\.json names the file '\.\.\/box\/weights-[0-9a-f]{8}\.bin', expected a plain file name of the folder/);

    const linked = join(root, 'linked');
    await writeExport('linked', trained, boxSpec);
    rmSync(join(linked, 'weights.json'));
    symlinkSync(join(boxDir, 'weights.json'), join(linked, 'weights.json'));
    await expect(loadPolicyFolder(linked)).rejects.toThrow(/linked\/weights\.json is a symbolic link; an export holds regular files only/);

    await expect(loadPolicyFolder(boxDir, { maxFileBytes: 100 })).rejects.toThrow(/policy\.json has \d+ bytes, more than maxFileBytes 100/);
    await expect(readPolicyFolder(boxDir)('missing.bin')).rejects.toThrow(/missing\.bin is missing from the export/);
  });

  it('checks predict arguments', async () => {
    const policy = await loadPolicyFolder(boxDir);
    try {
      expect(() => policy.predict(new Float32Array(5), 2)).toThrow(/observations must hold count \* observationSize = 2 \* 3 values, got 5/);
      expect(() => policy.predict(new Float32Array(3), 0)).toThrow(/count must be a positive integer, got 0/);
      expect(() => policy.predict('x' as unknown as Float32Array)).toThrow(/observations must be a Float32Array or an array of numbers/);
    } finally {
      policy.dispose();
    }
  });

  it('takes the action mask of a policy trained with masks: the mode over the allowed actions only', async () => {
    const dir = await writeExport('masked', discrete, { ...discreteSpec, actionMask: { size: 3 } });
    const policy = await loadPolicyFolder(dir);
    try {
      const free = policy.predict(observations, count) as Int32Array;
      // Forbid each observation's unmasked choice: the answer is the better of the two others.
      const mask = new Uint8Array(count * 3).fill(1);
      for (let i = 0; i < count; i++) mask[i * 3 + free[i] - 1] = 0;
      const masked = policy.predict(observations, count, mask) as Int32Array;
      const expected = discrete.act(observations, count, new Rng(0), { deterministic: true, actionMask: mask }).actions;
      expect(Array.from(masked)).toEqual(Array.from(expected));
      for (let i = 0; i < count; i++) expect(masked[i]).not.toBe(free[i]);
      expect(() => policy.predict(observations, count, new Uint8Array(count * 3 - 1))).toThrow(/actionMask must hold count \* actionMask.size = 32 \* 3 flags, got 95/);
    } finally {
      policy.dispose();
    }
    const unmasked = await loadPolicyFolder(discreteDir);
    try {
      expect(() => unmasked.predict(observations, count, new Uint8Array(count * 3).fill(1))).toThrow(/trained without action masks/);
    } finally {
      unmasked.dispose();
    }
    const bad = await writeExport('bad-mask', discrete, { ...discreteSpec, actionMask: { size: 0 } });
    await expect(loadPolicyFolder(bad)).rejects.toThrow(/actionMask.size must be a positive integer, got 0/);
  });

  it('loads a version 1 export (no digests, no torso field) as before', async () => {
    const dir = await writeExport('v1', discrete, discreteSpec);
    // As written before the CNN torso: no `torso` field, no digests.
    const { files: _, actorCritic, ...rest } = JSON.parse(readFileSync(join(dir, POLICY_FILE), 'utf8')) as ExportedPolicy;
    const { torso: __, ...mlp } = actorCritic;
    writeFileSync(join(dir, POLICY_FILE), JSON.stringify({ ...rest, actorCritic: mlp, version: 1 }));
    const policy = await loadPolicyFolder(dir);
    expect(Array.from(policy.predict(observations, count))).toEqual(Array.from(reference(discrete, discreteSpec, observations, count)));
    policy.dispose();
  });
});
