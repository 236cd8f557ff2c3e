/**
 * @packageDocumentation
 * Node-only parts of `@ppo/nets`: backend selection that finds the wasm binaries on disk, and
 * saving and loading weights to and from a directory.
 */
import { PpoTypeError, PpoError } from '@ppo/utils';
import * as tf from '@tensorflow/tfjs';
import { randomBytes } from 'node:crypto';
import { lstat, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, sep } from 'node:path';
import { importPackage, selectBackend as selectAnyBackend, type BackendName, type BackendRequest, type SelectBackendOptions } from './backend';
import { EXPORT_FILE_NAME } from './exported-policy';
import { DEFAULT_MAX_POLICY_FILE_BYTES, loadPolicy, type LoadedPolicy, type LoadPolicyOptions, type ReadPolicyFile } from './load-policy';
import { assignVariables, MANIFEST_FILE, parseManifest, weightFiles, type WeightsManifest, type WeightsTarget } from './weights';

const WASM_PACKAGE = '@tensorflow/tfjs-backend-wasm';

/**
 * This module's location: its URL as an ES module, its path as CommonJS (our CommonJS build,
 * or a bundler's), where `import.meta` is an empty object.
 */
function thisFile(): string {
  const url = (import.meta as { url?: string }).url;
  return url !== undefined && url !== '' ? url : __filename;
}

/** Loads the wasm backend package with `load` and points it at its binaries. */
async function loadWasmPointedAtDist(load: (packageName: string) => Promise<unknown>): Promise<unknown> {
  const loaded = await load(WASM_PACKAGE);
  // An ES module namespace of the CommonJS package may hold the exports under `default`.
  const module = loaded as { setWasmPaths?: unknown; default?: { setWasmPaths?: unknown } } | null;
  const setWasmPaths = module?.setWasmPaths ?? module?.default?.setWasmPaths;
  if (typeof setWasmPaths !== 'function') throw new PpoTypeError('BACKEND_UNAVAILABLE', `${WASM_PACKAGE} did not provide setWasmPaths`);
  // Resolved from this file, like the import: the package's main file lies in dist/ next to
  // the .wasm files. The wasm loader otherwise looks next to its own script, which is wrong
  // once that script is bundled into another file.
  const dist = dirname(createRequire(thisFile()).resolve(WASM_PACKAGE)) + sep;
  (setWasmPaths as (prefix: string) => void)(dist);
  return loaded;
}

/**
 * `selectBackend` of `@ppo/nets` for Node: before the wasm backend starts, it points it
 * at the `.wasm` files in the installed package's `dist/` (`setWasmPaths`), so wasm works from
 * the ES module and CommonJS builds alike and when your program is bundled.
 *
 * A bundle that contains `@tensorflow/tfjs-backend-wasm` holds its own copy of the package:
 * pass a `load` that returns that copy, so that it is the one pointed at the binaries.
 *
 * @example
 * ```ts
 * import { selectBackend } from '@ppo/nets/node';
 * await selectBackend('wasm');
 * // In a bundle that imports the wasm backend itself:
 * import * as wasm from '@tensorflow/tfjs-backend-wasm';
 * await selectBackend('wasm', { load: async (name) => (name === '@tensorflow/tfjs-backend-wasm' ? wasm : import(name)) });
 * ```
 */
export async function selectBackend(request: BackendRequest = 'auto', options: SelectBackendOptions = {}): Promise<BackendName> {
  const load = options.load ?? importPackage;
  const nodeLoad = (name: string): Promise<unknown> => (name === WASM_PACKAGE ? loadWasmPointedAtDist(load) : load(name));
  if ((request === 'wasm' || request === 'auto') && tf.findBackendFactory('wasm') !== null) {
    // Registered already (imported by the program), so the selection below will not load it:
    // point it at its binaries here. A failure is reported by selecting wasm, if it then fails.
    await nodeLoad(WASM_PACKAGE).catch(() => undefined);
  }
  return selectAnyBackend(request, { ...options, load: nodeLoad });
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
  if (typeof dir !== 'string' || dir.length === 0) throw new PpoTypeError('INVALID_ARGUMENT', `dir must be a non-empty string, got ${String(dir)}`);
  const files = weightFiles(target);
  await mkdir(dir, { recursive: true });
  const previous = await readManifest(dir).catch(() => null);
  const binary = files.binaryName;
  await writeAtomic(join(dir, binary), files.binary);
  await writeAtomic(join(dir, files.manifestName), files.manifest);
  const stale = (previous?.weightsManifest ?? []).flatMap((g) => g.paths).filter((p) => p !== binary && !p.includes('/') && !p.includes('\\'));
  await Promise.all(stale.map((p) => rm(join(dir, p), { force: true })));
}

/**
 * Loads weights saved by {@link saveWeights} into `target`. Throws, naming the variable, when
 * one is missing, has a different shape, or is not in the model; nothing is assigned then.
 */
export async function loadWeights(dir: string, target: WeightsTarget): Promise<void> {
  if (typeof dir !== 'string' || dir.length === 0) throw new PpoTypeError('INVALID_ARGUMENT', `dir must be a non-empty string, got ${String(dir)}`);
  const manifest = await readManifest(dir);
  if (manifest === null) throw new PpoError('BAD_WEIGHTS', `loadWeights: no ${MANIFEST_FILE} in ${dir}`);
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

export { BACKEND_NAMES, BACKEND_REQUESTS, type BackendName, type BackendRequest, type SelectBackendOptions } from './backend';
export { MANIFEST_FILE, type WeightsManifest, type WeightSpec, type WeightsTarget } from './weights';

/**
 * A reader of an export folder on disk for `loadPolicy`: it reads only plain file names of the
 * folder itself, and refuses symbolic links, anything but a regular file, and files larger than
 * `maxFileBytes` (default 256 MiB) before reading them.
 */
export function readPolicyFolder(dir: string, options: LoadPolicyOptions = {}): ReadPolicyFile {
  if (typeof dir !== 'string' || dir.length === 0) throw new PpoTypeError('INVALID_ARGUMENT', `dir must be a non-empty string, got ${String(dir)}`);
  const maxBytes = options.maxFileBytes ?? DEFAULT_MAX_POLICY_FILE_BYTES;
  return async (name) => {
    if (!EXPORT_FILE_NAME.test(name)) throw new PpoError('BAD_EXPORT', `the export names the file '${name}', expected a plain file name of the folder`);
    const path = join(dir, name);
    const stats = await lstat(path).catch((error: NodeJS.ErrnoException) => {
      throw new PpoError('BAD_EXPORT', error.code === 'ENOENT' ? `${path} is missing from the export` : `cannot read ${path}: ${error.message}`);
    });
    if (stats.isSymbolicLink()) throw new PpoError('BAD_EXPORT', `${path} is a symbolic link; an export holds regular files only`);
    if (!stats.isFile()) throw new PpoError('BAD_EXPORT', `${path} is not a regular file`);
    if (stats.size > maxBytes) throw new PpoError('BAD_EXPORT', `${path} has ${stats.size} bytes, more than maxFileBytes ${maxBytes}`);
    return readFile(path);
  };
}

/**
 * `loadPolicy` for an export folder on disk (see `readPolicyFolder`).
 *
 * @example
 * ```ts
 * await selectBackend('cpu');
 * const policy = await loadPolicyFolder('runs/cartpole/export');
 * const [action] = policy.predict(observation);
 * ```
 */
export async function loadPolicyFolder(dir: string, options: LoadPolicyOptions = {}): Promise<LoadedPolicy> {
  return loadPolicy(readPolicyFolder(dir, options), options);
}
