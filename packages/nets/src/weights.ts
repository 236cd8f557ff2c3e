import { findNonFinite, PpoRangeError, PpoTypeError, assertAllFinite, formatPosition } from '@ppo/utils';
import * as tf from '@tensorflow/tfjs';

/**
 * Variables to save or load: a record or map from stable names to variables, an object
 * with such a `variables` record (an {@link ActorCritic}, a {@link Torso}), or an array of
 * variables keyed by their tfjs names.
 */
export type WeightsTarget =
  | Readonly<Record<string, tf.Variable>>
  | ReadonlyMap<string, tf.Variable>
  | { readonly variables: Readonly<Record<string, tf.Variable>> }
  | readonly tf.Variable[];

/** One entry of a tfjs weights manifest. */
export interface WeightSpec {
  readonly name: string;
  readonly shape: number[];
  readonly dtype: 'float32';
}

/**
 * The JSON manifest of saved weights. `weightsManifest` has the shape of tfjs's
 * `WeightsManifestConfig`, so `tf.io.loadWeights(manifest.weightsManifest, baseUrl)` reads
 * the files in a browser too.
 */
export interface WeightsManifest {
  readonly format: 'ppo-weights';
  readonly version: 1;
  readonly weightsManifest: { readonly paths: string[]; readonly weights: WeightSpec[] }[];
}

/** Name of the weights manifest file that `saveWeights` from `@ppo/nets/node` writes. */
export const MANIFEST_FILE = 'weights.json';

const MAGIC = 0x574f5050; // 'PPOW' read as a little-endian uint32
const HEADER_BYTES = 12;

/** Normalises a {@link WeightsTarget} to [name, variable] pairs in a stable order. */
export function namedVariables(target: WeightsTarget): [string, tf.Variable][] {
  let entries: [string, tf.Variable][];
  if (Array.isArray(target)) entries = (target as readonly tf.Variable[]).map((v) => [v.name, v]);
  else if (target instanceof Map) entries = [...(target as ReadonlyMap<string, tf.Variable>).entries()];
  else if (typeof target === 'object' && target !== null && 'variables' in target && !(target.variables instanceof tf.Variable)) {
    entries = Object.entries((target as { variables: Record<string, tf.Variable> }).variables);
  } else entries = Object.entries(target as Record<string, tf.Variable>);
  const seen = new Set<string>();
  for (const [name, v] of entries) {
    if (!(v instanceof tf.Variable)) throw new PpoTypeError('INVALID_ARGUMENT', `variables: '${name}' is not a tf.Variable`);
    if (v.dtype !== 'float32') throw new PpoTypeError('INVALID_ARGUMENT', `variables: '${name}' has dtype ${v.dtype}, only float32 is supported`);
    if (seen.has(name)) throw new PpoRangeError('INVALID_ARGUMENT', `variables: the name '${name}' appears twice`);
    seen.add(name);
  }
  return entries;
}

/** Specs and the concatenated little-endian float32 data of the variables (bitwise copies). */
export function encodeVariables(target: WeightsTarget): { specs: WeightSpec[]; data: Uint8Array } {
  const entries = namedVariables(target);
  const specs: WeightSpec[] = [];
  const total = entries.reduce((s, [, v]) => s + v.size, 0);
  const floats = new Float32Array(total);
  let offset = 0;
  for (const [name, v] of entries) {
    floats.set(v.dataSync(), offset);
    offset += v.size;
    specs.push({ name, shape: [...v.shape], dtype: 'float32' });
  }
  return { specs, data: new Uint8Array(floats.buffer) };
}

/**
 * Checks specs against the variables (no name twice, every variable present with its shape,
 * nothing extra, then data of the right length), then assigns all of them. Nothing is
 * assigned when a check fails.
 */
export function assignVariables(target: WeightsTarget, specs: readonly WeightSpec[], data: Uint8Array, source: string): void {
  const entries = namedVariables(target);
  const byName = new Map<string, { spec: WeightSpec; offset: number }>();
  let offset = 0;
  for (const spec of specs) {
    if (spec.dtype !== 'float32') throw new PpoTypeError('BAD_WEIGHTS', `${source}: variable '${spec.name}' has dtype ${String(spec.dtype)}, only float32 is supported`);
    if (byName.has(spec.name)) throw new PpoRangeError('BAD_WEIGHTS', `${source}: variable '${spec.name}' appears twice in the manifest`);
    byName.set(spec.name, { spec, offset });
    offset += spec.shape.reduce((p, d) => p * d, 1) * 4;
  }
  // Name and shape errors first: they say which variable is wrong, a byte count does not.
  const wanted = new Set(entries.map(([name]) => name));
  for (const spec of specs) {
    if (!wanted.has(spec.name)) throw new PpoRangeError('BAD_WEIGHTS', `${source}: variable '${spec.name}' is not in the model`);
  }
  for (const [name, v] of entries) {
    const found = byName.get(name);
    if (found === undefined) throw new PpoRangeError('BAD_WEIGHTS', `${source}: variable '${name}' is missing`);
    const { shape } = found.spec;
    if (shape.length !== v.shape.length || shape.some((d, i) => d !== v.shape[i])) {
      throw new PpoRangeError('BAD_WEIGHTS', `${source}: variable '${name}' has shape [${shape.join(', ')}], expected [${v.shape.join(', ')}]`);
    }
  }
  if (offset !== data.byteLength) throw new PpoRangeError('BAD_WEIGHTS', `${source}: the manifest describes ${offset} bytes of weights but the data has ${data.byteLength}`);
  // Copy into an aligned buffer: the data may start at any byte offset.
  const aligned = new Uint8Array(data.byteLength);
  aligned.set(data);
  const floats = new Float32Array(aligned.buffer);
  for (const [name, v] of entries) {
    const start = (byName.get(name) as { offset: number }).offset / 4;
    const k = findNonFinite(floats.subarray(start, start + v.size));
    if (k >= 0) throw new PpoRangeError('BAD_WEIGHTS', `${source}: variable '${name}'${formatPosition(k, v.shape)} must be finite, got ${floats[start + k]}`);
  }
  for (const [name, v] of entries) {
    const start = (byName.get(name) as { offset: number }).offset / 4;
    tf.tidy(() => v.assign(tf.tensor(floats.subarray(start, start + v.size), v.shape, 'float32')));
  }
}

/** A manifest for the given specs stored in one binary file. */
export function makeManifest(specs: WeightSpec[], binaryPath: string): WeightsManifest {
  return { format: 'ppo-weights', version: 1, weightsManifest: [{ paths: [binaryPath], weights: specs }] };
}

/** FNV-1a over the bytes, as 8 hex digits: names the binary file after its content. */
function contentTag(data: Uint8Array): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < data.length; i++) h = Math.imul(h ^ data[i], 0x01000193);
  return (h >>> 0).toString(16).padStart(8, '0');
}

/** The files of saved weights: the manifest's name and text, the binary file's name and bytes. */
export interface WeightFiles {
  /** {@link MANIFEST_FILE}. */
  readonly manifestName: string;
  /** The manifest as `saveWeights` writes it (pretty JSON, a final newline). */
  readonly manifest: string;
  /** `weights-<8 hex digits of the content's FNV-1a>.bin`. */
  readonly binaryName: string;
  /** The weights, little-endian float32 in the manifest's order. */
  readonly binary: Uint8Array;
}

/**
 * The files `saveWeights` from `@ppo/nets/node` writes, in memory (browser-safe): for a page
 * that offers the weights as downloads, or another store.
 *
 * @example
 * ```ts
 * const { manifestName, manifest, binaryName, binary } = weightFiles(policy);
 * ```
 */
export function weightFiles(target: WeightsTarget): WeightFiles {
  const { specs, data } = encodeVariables(target);
  const binaryName = `weights-${contentTag(data)}.bin`;
  return { manifestName: MANIFEST_FILE, manifest: `${JSON.stringify(makeManifest(specs, binaryName), null, 2)}\n`, binaryName, binary: data };
}

/** Validates parsed manifest JSON, naming what is wrong. */
export function parseManifest(json: unknown, source: string): WeightsManifest {
  const m = json as Partial<WeightsManifest> | null;
  if (m === null || typeof m !== 'object' || m.format !== 'ppo-weights' || m.version !== 1 || !Array.isArray(m.weightsManifest)) {
    throw new PpoTypeError('BAD_WEIGHTS', `${source}: not a ppo-weights version 1 manifest`);
  }
  for (const group of m.weightsManifest) {
    if (!Array.isArray(group?.paths) || !Array.isArray(group.weights)) throw new PpoTypeError('BAD_WEIGHTS', `${source}: weightsManifest groups need paths and weights`);
    for (const w of group.weights) {
      if (typeof w?.name !== 'string' || !Array.isArray(w.shape) || !w.shape.every((d) => Number.isInteger(d) && d >= 0)) {
        throw new PpoTypeError('BAD_WEIGHTS', `${source}: bad weight entry ${JSON.stringify(w)}`);
      }
    }
  }
  return m as WeightsManifest;
}

/**
 * Applies weights from a manifest and its binary data (the files of `saveWeights` from
 * `@ppo/nets/node`, fetched in a browser, with the data of all paths concatenated in order).
 */
export function applyWeights(manifest: unknown, data: ArrayBuffer | Uint8Array, target: WeightsTarget): void {
  const m = parseManifest(manifest, 'weights manifest');
  const specs = m.weightsManifest.flatMap((g) => g.weights);
  assignVariables(target, specs, data instanceof Uint8Array ? data : new Uint8Array(data), 'weights');
}

/**
 * Serialises variables into one self-describing ArrayBuffer (a small header, the JSON
 * manifest, then the raw float32 data). Round trips through {@link deserializeWeights} are
 * bitwise exact.
 *
 * @example
 * ```ts
 * const bytes = serializeWeights(policy);
 * deserializeWeights(bytes, otherPolicy); // same architecture
 * ```
 */
export function serializeWeights(target: WeightsTarget): ArrayBuffer {
  const { specs, data } = encodeVariables(target);
  const json = new TextEncoder().encode(JSON.stringify(makeManifest(specs, 'weights.bin')));
  const padded = Math.ceil(json.byteLength / 4) * 4;
  const out = new Uint8Array(HEADER_BYTES + padded + data.byteLength);
  const view = new DataView(out.buffer);
  view.setUint32(0, MAGIC, true);
  view.setUint32(4, 1, true);
  view.setUint32(8, json.byteLength, true);
  out.set(json, HEADER_BYTES);
  out.fill(0x20, HEADER_BYTES + json.byteLength, HEADER_BYTES + padded);
  out.set(data, HEADER_BYTES + padded);
  return out.buffer;
}

/**
 * Loads weights written by {@link serializeWeights} into `target`. Throws, naming the
 * variable, when one is missing, has another shape, or is not in the model; assigns nothing
 * in that case.
 */
export function deserializeWeights(buffer: ArrayBuffer | Uint8Array, target: WeightsTarget): void {
  const bytes = buffer instanceof Uint8Array ? buffer : new Uint8Array(buffer);
  if (bytes.byteLength < HEADER_BYTES) throw new PpoRangeError('BAD_WEIGHTS', `buffer is too short for serialized weights (${bytes.byteLength} bytes)`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint32(0, true) !== MAGIC) throw new PpoTypeError('BAD_WEIGHTS', 'buffer does not hold serialized weights (bad magic number)');
  if (view.getUint32(4, true) !== 1) throw new PpoTypeError('BAD_WEIGHTS', `unsupported serialized weights version ${view.getUint32(4, true)}`);
  const jsonLength = view.getUint32(8, true);
  const padded = Math.ceil(jsonLength / 4) * 4;
  if (HEADER_BYTES + padded > bytes.byteLength) throw new PpoRangeError('BAD_WEIGHTS', 'serialized weights are truncated');
  const text = new TextDecoder().decode(bytes.subarray(HEADER_BYTES, HEADER_BYTES + jsonLength));
  const json = JSON.parse(text) as unknown;
  const manifest = parseManifest(json, 'serialized weights');
  assignVariables(target, manifest.weightsManifest.flatMap((g) => g.weights), bytes.subarray(HEADER_BYTES + padded), 'serialized weights');
}

/** Copies of the variables' values by name. */
export function readNamedWeights(target: WeightsTarget): Map<string, Float32Array> {
  return new Map(namedVariables(target).map(([name, v]) => [name, Float32Array.from(v.dataSync() as Float32Array)]));
}

/** Assigns values by name; every variable must be present with its exact size, nothing extra. */
export function writeNamedWeights(
  target: WeightsTarget,
  weights: ReadonlyMap<string, Float32Array> | Readonly<Record<string, Float32Array>>,
): void {
  const map: ReadonlyMap<string, Float32Array> =
    weights instanceof Map
      ? (weights as ReadonlyMap<string, Float32Array>)
      : new Map(Object.entries(weights as Readonly<Record<string, Float32Array>>));
  const entries = namedVariables(target);
  const names = new Set(entries.map(([n]) => n));
  for (const name of map.keys()) if (!names.has(name)) throw new PpoRangeError('INVALID_ARGUMENT', `weights: variable '${name}' is not in the model`);
  for (const [name, v] of entries) {
    const values = map.get(name);
    if (values === undefined) throw new PpoRangeError('INVALID_ARGUMENT', `weights: variable '${name}' is missing`);
    if (!(values instanceof Float32Array) || values.length !== v.size) {
      throw new PpoRangeError('INVALID_ARGUMENT', `weights: variable '${name}' needs a Float32Array of ${v.size} values (shape [${v.shape.join(', ')}]), got ${values instanceof Float32Array ? values.length : String(values)}`);
    }
    assertAllFinite(`weights: variable '${name}'`, values, v.shape);
  }
  for (const [name, v] of entries) {
    // A copy: on the cpu backend a tensor keeps a reference to the array it was made from.
    const values = Float32Array.from(map.get(name) as Float32Array);
    tf.tidy(() => v.assign(tf.tensor(values, v.shape, 'float32')));
  }
}
