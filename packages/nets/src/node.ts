/**
 * @packageDocumentation
 * Node-only parts of `@ppo/nets`: saving and loading weights to and from a directory.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { assignVariables, encodeVariables, makeManifest, parseManifest, type WeightsManifest, type WeightsTarget } from './weights';

/** Name of the manifest file that {@link saveWeights} writes. */
export const MANIFEST_FILE = 'weights.json';

/** FNV-1a over the bytes, as 8 hex digits: names the binary file after its content. */
function contentTag(data: Uint8Array): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < data.length; i++) h = Math.imul(h ^ data[i], 0x01000193);
  return (h >>> 0).toString(16).padStart(8, '0');
}

async function writeAtomic(path: string, data: Uint8Array | string): Promise<void> {
  const temp = `${path}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    await writeFile(temp, data);
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}

async function readManifest(dir: string): Promise<WeightsManifest | null> {
  let text: string;
  try {
    text = await readFile(join(dir, MANIFEST_FILE), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  return parseManifest(JSON.parse(text), join(dir, MANIFEST_FILE));
}

/**
 * Saves variables to `dir` (created if needed) as `weights.json` (a tfjs-compatible weights
 * manifest) and one binary file `weights-<content hash>.bin` of little-endian float32.
 *
 * Atomic: each file is written to a temporary name and renamed; the binary goes first and
 * the manifest switches to it in one rename, so a reader sees the old or the new weights,
 * never a mix. The previous binary is removed afterwards.
 *
 * In a browser, load the files with `tf.io.loadWeights(manifest.weightsManifest, url)` or
 * fetch both and call `applyWeights` from `@ppo/nets`.
 *
 * @example
 * ```ts
 * await saveWeights('runs/cartpole/final', policy);
 * await loadWeights('runs/cartpole/final', freshPolicy);
 * ```
 */
export async function saveWeights(dir: string, target: WeightsTarget): Promise<void> {
  if (typeof dir !== 'string' || dir.length === 0) throw new TypeError(`dir must be a non-empty string, got ${String(dir)}`);
  const { specs, data } = encodeVariables(target);
  await mkdir(dir, { recursive: true });
  const previous = await readManifest(dir).catch(() => null);
  const binary = `weights-${contentTag(data)}.bin`;
  await writeAtomic(join(dir, binary), data);
  await writeAtomic(join(dir, MANIFEST_FILE), `${JSON.stringify(makeManifest(specs, binary), null, 2)}\n`);
  const stale = (previous?.weightsManifest ?? []).flatMap((g) => g.paths).filter((p) => p !== binary && !p.includes('/') && !p.includes('\\'));
  await Promise.all(stale.map((p) => rm(join(dir, p), { force: true })));
}

/**
 * Loads weights saved by {@link saveWeights} into `target`. Throws, naming the variable, when
 * one is missing, has a different shape, or is not in the model; nothing is assigned then.
 */
export async function loadWeights(dir: string, target: WeightsTarget): Promise<void> {
  if (typeof dir !== 'string' || dir.length === 0) throw new TypeError(`dir must be a non-empty string, got ${String(dir)}`);
  const manifest = await readManifest(dir);
  if (manifest === null) throw new Error(`loadWeights: no ${MANIFEST_FILE} in ${dir}`);
  const chunks = await Promise.all(manifest.weightsManifest.flatMap((g) => g.paths).map((p) => readFile(join(dir, p))));
  const total = chunks.reduce((s, c) => s + c.byteLength, 0);
  const data = new Uint8Array(total);
  let offset = 0;
  for (const c of chunks) {
    data.set(c, offset);
    offset += c.byteLength;
  }
  assignVariables(target, manifest.weightsManifest.flatMap((g) => g.weights), data, join(dir, MANIFEST_FILE));
}

export type { WeightsManifest, WeightSpec, WeightsTarget } from './weights';
