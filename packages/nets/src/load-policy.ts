import { describeValue, PpoError, PpoRangeError, PpoTypeError, RunningMeanStd, Rng } from '@ppo/utils';
import { ActorCritic } from './actor-critic';
import { EXPORT_FILE_NAME, parseExportedPolicy, POLICY_FILE, type ExportedPolicy } from './exported-policy';
import { applyWeights, MANIFEST_FILE, parseManifest } from './weights';

/** Reads one file of an export folder by its plain name (`policy.json`, `weights.json`, ...). */
export type ReadPolicyFile = (name: string) => Promise<ArrayBuffer | Uint8Array>;

/** Options of {@link loadPolicy}. */
export interface LoadPolicyOptions {
  /** Largest size of one file, in bytes (default 256 MiB); a larger file is refused unread where the reader allows. */
  readonly maxFileBytes?: number;
}

/** Default of {@link LoadPolicyOptions.maxFileBytes}. */
export const DEFAULT_MAX_POLICY_FILE_BYTES = 256 * 1024 * 1024;


function badExport(message: string): PpoError {
  return new PpoError('BAD_EXPORT', message);
}

/**
 * The SHA-256 of `bytes` as 64 hex digits, with Web Crypto (`crypto.subtle`: browsers on secure
 * pages, Node 20+): the digests `policy.json` lists for an export's files.
 */
export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const subtle = (globalThis as { crypto?: { subtle?: { digest(algorithm: string, data: Uint8Array): Promise<ArrayBuffer> } } }).crypto?.subtle;
  if (subtle === undefined) {
    throw new PpoError('BAD_EXPORT', 'checking an export needs crypto.subtle (Web Crypto), which browsers give only to secure pages (https or localhost)');
  }
  const digest = new Uint8Array(await subtle.digest('SHA-256', bytes));
  return Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** A reader that fetches `name` relative to the folder URL `base` (a trailing slash is added). */
function fetchReader(base: string | URL): ReadPolicyFile {
  const location = (globalThis as { location?: { href?: string } }).location?.href;
  let folder: URL;
  try {
    folder = new URL(base, location);
  } catch {
    throw new PpoTypeError('INVALID_ARGUMENT', `source must be a folder URL, a URL string or a read function, got ${describeValue(base)}`);
  }
  if (!folder.pathname.endsWith('/')) folder.pathname += '/';
  return async (name) => {
    const response = await fetch(new URL(name, folder));
    if (!response.ok) throw badExport(`cannot fetch ${new URL(name, folder).href}: HTTP ${response.status}`);
    return response.arrayBuffer();
  };
}

/**
 * A deterministic policy loaded from an export folder: the trained network, and what training
 * did to observations before the network saw them and to actions before the env got them.
 */
export class LoadedPolicy {
  /** The checked `policy.json`. */
  readonly spec: ExportedPolicy;
  /** The network with the exported weights (owned: {@link LoadedPolicy.dispose} disposes it). */
  readonly network: ActorCritic;
  /** Flat size of one raw observation. */
  readonly observationSize: number;
  /** Values per action: 1 for a discrete space, the box size for a box. */
  readonly actionSize: number;
  private readonly statistics: RunningMeanStd | null;

  /** Use {@link loadPolicy}. */
  constructor(spec: ExportedPolicy, network: ActorCritic) {
    this.spec = spec;
    this.network = network;
    this.observationSize = network.observationSize;
    this.actionSize = network.actionSize;
    const { normalization } = spec.observation;
    this.statistics = normalization === null ? null : RunningMeanStd.fromState(normalization);
  }

  /**
   * Normalizes (with the frozen training statistics) and clips raw observations as training
   * did; returns a new array. `observations` holds `count * observationSize` values.
   */
  prepare(observations: Float32Array): Float32Array {
    const { clip } = this.spec.observation;
    if (this.statistics !== null) return this.statistics.normalize(observations, new Float32Array(observations.length), clip === null ? {} : { clip });
    return clip === null ? Float32Array.from(observations) : observations.map((x) => Math.min(clip, Math.max(-clip, x)));
  }

  /** The mask as `act` takes it, after checking it against `policy.json`'s `actionMask`. */
  private checkMask(actionMask: Uint8Array | Int8Array, count: number): Uint8Array {
    const size = this.spec.actionMask?.size;
    if (size === undefined) throw new PpoTypeError('INVALID_ARGUMENT', 'actionMask: this policy was trained without action masks (policy.json has no actionMask); call predict without one');
    if (!(actionMask instanceof Uint8Array || actionMask instanceof Int8Array)) {
      throw new PpoTypeError('INVALID_ARGUMENT', `actionMask must be a Uint8Array or Int8Array of 0/1 flags, got ${describeValue(actionMask)}`);
    }
    if (actionMask.length !== count * size) {
      throw new PpoRangeError('INVALID_ARGUMENT', `actionMask must hold count * actionMask.size = ${count} * ${size} flags, got ${actionMask.length}`);
    }
    return actionMask instanceof Uint8Array ? actionMask : new Uint8Array(actionMask.buffer, actionMask.byteOffset, actionMask.length);
  }

  /**
   * The deterministic actions for `count` raw observations (row-major, `count *
   * observationSize` values): the mode of the policy's distribution (argmax for a discrete
   * space, the mean for a box, clipped to the bounds when training clipped), after the
   * observation normalization and clipping of training. Returns an Int32Array (discrete) or a
   * Float32Array of `count * actionSize` values. A policy trained with action masks
   * (`actionMask` in `policy.json`) takes the env's `info.action_mask` of each observation,
   * stacked (`count * actionMask.size` flags): the mode is then taken over the allowed actions.
   *
   * @example
   * ```ts
   * const [action] = policy.predict(Float32Array.from(observation));
   * const [masked] = policy.predict(Float32Array.from(observation), 1, info.action_mask);
   * ```
   */
  predict(observations: Float32Array | readonly number[], count = 1, actionMask?: Uint8Array | Int8Array): Int32Array | Float32Array {
    const input = observations instanceof Float32Array ? observations : Array.isArray(observations) ? Float32Array.from(observations) : null;
    if (input === null) throw new PpoTypeError('INVALID_ARGUMENT', `observations must be a Float32Array or an array of numbers, got ${describeValue(observations)}`);
    if (!Number.isSafeInteger(count) || count < 1) throw new PpoRangeError('INVALID_ARGUMENT', `count must be a positive integer, got ${describeValue(count)}`);
    if (input.length !== count * this.observationSize) {
      throw new PpoRangeError('INVALID_ARGUMENT', `observations must hold count * observationSize = ${count} * ${this.observationSize} values, got ${input.length}`);
    }
    const { actions } = this.network.act(this.prepare(input), count, new Rng(0), actionMask === undefined ? { deterministic: true } : { deterministic: true, actionMask: this.checkMask(actionMask, count) });
    const space = this.spec.actorCritic.actionSpace;
    if (this.spec.clipAction && space.type === 'box') {
      for (let i = 0; i < actions.length; i++) {
        const j = i % this.actionSize;
        const low = space.low[j] ?? -Infinity;
        const high = space.high[j] ?? Infinity;
        actions[i] = Math.min(high, Math.max(low, actions[i]));
      }
    }
    return actions;
  }

  /** Disposes the network's variables. */
  dispose(): void {
    this.network.dispose();
  }
}

/**
 * Loads a policy exported by `ppo export` (`exportRun` from `@ppo/trainer/node`) and checks it
 * as untrusted input: `policy.json` field by field, every file's size, the weights manifest
 * (file names, dtypes, shapes against the network `policy.json` describes, finite values) and,
 * from export version 2 on, every file's SHA-256 against the digests in `policy.json`. Errors
 * (code `BAD_EXPORT`, or `BAD_WEIGHTS` for the weights) name the file, field, value and
 * expectation. Select the tfjs backend first. Browser-safe; in Node, `loadPolicyFolder` from
 * `@ppo/nets/node` reads a folder on disk.
 *
 * @param source - The export folder's URL (fetched relative to the page), or a function that reads a file by name.
 * @example
 * ```ts
 * const policy = await loadPolicy('/policy/');          // a folder served next to the page
 * const action = policy.predict(observation);           // Int32Array | Float32Array
 * policy.dispose();
 * ```
 */
export async function loadPolicy(source: string | URL | ReadPolicyFile, options: LoadPolicyOptions = {}): Promise<LoadedPolicy> {
  const read = typeof source === 'function' ? source : fetchReader(source);
  const maxBytes = options.maxFileBytes ?? DEFAULT_MAX_POLICY_FILE_BYTES;
  if (!Number.isSafeInteger(maxBytes) || maxBytes < 1) throw new PpoRangeError('INVALID_ARGUMENT', `options.maxFileBytes must be a positive integer, got ${describeValue(maxBytes)}`);

  const readBytes = async (name: string): Promise<Uint8Array> => {
    const data = await read(name);
    if (!(data instanceof ArrayBuffer) && !(data instanceof Uint8Array)) {
      throw new PpoTypeError('INVALID_ARGUMENT', `read('${name}') must give an ArrayBuffer or a Uint8Array, got ${describeValue(data)}`);
    }
    const bytes = data instanceof Uint8Array ? data : new Uint8Array(data);
    if (bytes.byteLength > maxBytes) throw badExport(`${name} has ${bytes.byteLength} bytes, more than maxFileBytes ${maxBytes}`);
    return bytes;
  };
  const parseJson = (name: string, bytes: Uint8Array): unknown => {
    try {
      return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
    } catch (error) {
      throw badExport(`${name} is not UTF-8 JSON: ${(error as Error).message}`);
    }
  };

  const spec = parseExportedPolicy(parseJson(POLICY_FILE, await readBytes(POLICY_FILE)));
  const readChecked = async (name: string): Promise<Uint8Array> => {
    if (!EXPORT_FILE_NAME.test(name) || name === POLICY_FILE) throw badExport(`${MANIFEST_FILE} names the file '${name}', expected a plain file name of the folder`);
    const expected = spec.files?.[name];
    if (spec.version === 2 && expected === undefined) throw badExport(`${POLICY_FILE} has no checksum for ${name}, which the export needs`);
    const bytes = await readBytes(name);
    if (expected !== undefined) {
      const actual = await sha256Hex(bytes);
      if (actual !== expected) throw badExport(`${name} has SHA-256 ${actual}, expected ${expected} (from ${POLICY_FILE}): the file is damaged or was changed`);
    }
    return bytes;
  };

  const manifest = parseManifest(parseJson(MANIFEST_FILE, await readChecked(MANIFEST_FILE)), MANIFEST_FILE);
  const paths = manifest.weightsManifest.flatMap((group) => group.paths);
  if (paths.length > 64) throw badExport(`${MANIFEST_FILE} names ${paths.length} weight files, expected at most 64`);
  const chunks: Uint8Array[] = [];
  for (const path of paths) chunks.push(await readChecked(path));
  const bytes = new Uint8Array(chunks.reduce((sum, chunk) => sum + chunk.byteLength, 0));
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }

  // The weights bound the network's size: refuse a description whose MLP would not fit in
  // them before allocating it.
  const net = spec.actorCritic;
  if (net.torso === 'mlp') {
    let fanIn = net.observationSize;
    let kernels = 0;
    for (const width of net.hiddenSizes) {
      kernels += fanIn * width;
      fanIn = width;
    }
    // The policy head; the action space itself is checked by the network.
    const space = net.actionSpace as { type?: unknown; n?: unknown; shape?: unknown };
    const headSize = space.type === 'discrete' ? Number(space.n) : space.type === 'box' && Array.isArray(space.shape) ? space.shape.reduce((p: number, d) => p * Number(d), 1) : 0;
    if (Number.isFinite(headSize) && headSize > 0) kernels += fanIn * headSize;
    if (kernels * 4 > bytes.byteLength) throw badExport(`${POLICY_FILE}: actorCritic describes kernels of ${kernels} floats, but the weights hold ${bytes.byteLength / 4}`);
  }
  let network: ActorCritic;
  try {
    network = new ActorCritic({ ...spec.actorCritic, seed: 0 }); // the weights replace the init
  } catch (error) {
    throw badExport(`${POLICY_FILE}: actorCritic does not describe a network: ${(error as Error).message}`);
  }
  try {
    applyWeights(manifest, bytes, network);
    return new LoadedPolicy(spec, network);
  } catch (error) {
    network.dispose();
    throw error;
  }
}
