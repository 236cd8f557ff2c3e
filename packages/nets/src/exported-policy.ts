import { describeValue, PpoError, RunningMeanStd, type ActionSpaceSpec, type RunningMeanStdState } from '@ppo/utils';
import type { Activation } from './mlp';
import type { ObservationPart } from './multi-input';

/** Name of the policy description in an export folder. */
export const POLICY_FILE = 'policy.json';

/**
 * The JSON of `policy.json` in an export folder (`ppo export`, `exportRun` from
 * `@ppo/trainer/node`). The folder also holds the weights in @ppo/nets' format
 * (`weights.json` and the binary file it names) under `ActorCritic`'s variable names, and, from
 * version 2 on, the same policy as a tfjs LayersModel (`model.json` and its shards) and as ONNX
 * (`policy.onnx`). `loadPolicy` reads and checks it.
 */
export interface ExportedPolicy {
  readonly format: 'ppo-policy';
  /** 1: weights and description only; 2: adds the LayersModel, ONNX and `files` checksums. */
  readonly version: 1 | 2;
  /** The registry id and env options the policy was trained on. */
  readonly env: string;
  readonly envOptions: Record<string, unknown>;
  /** Options of `new ActorCritic(...)` that rebuild the trained network (add any `seed`: the weights replace the init). */
  readonly actorCritic: {
    /** Flat observation size. */
    readonly observationSize: number;
    /** The env's action space (bounds, sizes) as the network saw it. */
    readonly actionSpace: ActionSpaceSpec;
    /** The feature extractor; `hiddenSizes` and `activation` shape the `mlp` one (and the vector encoders of `multi-input`). */
    readonly torso: 'mlp' | 'nature-cnn' | 'multi-input';
    /**
     * With `multi-input` (a Dict or Tuple observation space): the parts of each flat
     * observation, in order (the Dict's sorted keys), images with their shape.
     */
    readonly observationParts?: readonly ObservationPart[];
    /** With `nature-cnn`: the image shape [height, width, channels] of the flat observations. */
    readonly observationShape?: readonly [number, number, number];
    /** With `nature-cnn`: the factor observations are multiplied by first (`observationScale`). */
    readonly inputScale?: number;
    readonly hiddenSizes: number[];
    readonly activation: Activation;
    readonly shared: boolean;
  };
  /**
   * What training did to each raw observation before the network saw it, in this order:
   * normalize with the frozen running statistics, `(x - mean) / sqrt(var + 1e-8)` (null when
   * `normalizeObservation` was off), then clip to `[-clip, clip]` (null: no clipping).
   * The LayersModel and ONNX files have both steps built in; the weights do not.
   */
  readonly observation: {
    readonly normalization: RunningMeanStdState | null;
    readonly clip: number | null;
  };
  /** Whether training clipped box actions to the action space's bounds before stepping the env. */
  readonly clipAction: boolean;
  /**
   * Present when the env gave action masks (`info.action_mask`) and the policy was trained
   * with them: `size` flags per observation (n for `Discrete(n)`, `sum(nvec)` for
   * `MultiDiscrete`). Pass the env's mask with every observation (`predict(obs, 1, mask)` of
   * `loadPolicy`), so masked actions are never chosen.
   */
  readonly actionMask?: { readonly size: number };
  /** The checkpoint exported: its folder relative to the run directory, and its counters. */
  readonly source: { readonly checkpoint: string; readonly globalStep: number; readonly update: number };
  /** Version 2: the SHA-256 (64 lowercase hex digits) of every other file of the folder, by name. */
  readonly files?: Readonly<Record<string, string>>;
}

/** Names an export folder may hold besides `policy.json`: no folders, no parent steps. */
export const EXPORT_FILE_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$/;

function fail(argument: string, value: unknown, expected: string): never {
  throw new PpoError('BAD_EXPORT', `${POLICY_FILE}: ${argument} must be ${expected}, got ${describeValue(value)}`);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function checkPositiveInteger(argument: string, value: unknown): void {
  if (!Number.isSafeInteger(value) || (value as number) < 1) fail(argument, value, 'a positive integer');
}

/**
 * Checks the parsed JSON of an untrusted `policy.json` and returns it typed. Errors (code
 * `BAD_EXPORT`) name the field, its value and what was expected. The action space itself is
 * checked where the network is built (`new ActorCritic`), the statistics by
 * `RunningMeanStd.fromState`.
 */
export function parseExportedPolicy(json: unknown): ExportedPolicy {
  if (!isRecord(json)) fail('the file', json, 'a JSON object');
  if (json.format !== 'ppo-policy') fail('format', json.format, "'ppo-policy'");
  if (json.version !== 1 && json.version !== 2) fail('version', json.version, '1 or 2');
  if (typeof json.env !== 'string') fail('env', json.env, 'a string');
  if (!isRecord(json.envOptions)) fail('envOptions', json.envOptions, 'an object');
  if (!isRecord(json.source)) fail('source', json.source, 'an object');
  const net = json.actorCritic;
  if (!isRecord(net)) fail('actorCritic', net, 'an object');
  checkPositiveInteger('actorCritic.observationSize', net.observationSize);
  if (!isRecord(net.actionSpace)) fail('actorCritic.actionSpace', net.actionSpace, 'an object');
  // Exports written before the CNN torso have no `torso`: theirs is the MLP.
  const torso = net.torso ?? 'mlp';
  if (torso !== 'mlp' && torso !== 'nature-cnn' && torso !== 'multi-input') fail('actorCritic.torso', net.torso, "'mlp', 'nature-cnn' or 'multi-input'");
  if (torso === 'multi-input') {
    // The parts' names and sizes are checked where the network is built (`new ActorCritic`).
    if (!Array.isArray(net.observationParts) || net.observationParts.length === 0 || net.observationParts.length > 64) {
      fail('actorCritic.observationParts', net.observationParts, 'an array of 1 to 64 observation parts');
    }
    (net.observationParts as unknown[]).forEach((part, i) => {
      if (!isRecord(part)) fail(`actorCritic.observationParts[${i}]`, part, 'an object { name, size, image? }');
    });
  }
  if (!Array.isArray(net.hiddenSizes) || net.hiddenSizes.length > 64) fail('actorCritic.hiddenSizes', net.hiddenSizes, 'an array of at most 64 widths');
  (net.hiddenSizes as unknown[]).forEach((h, i) => checkPositiveInteger(`actorCritic.hiddenSizes[${i}]`, h));
  if (net.activation !== 'tanh' && net.activation !== 'relu') fail('actorCritic.activation', net.activation, "'tanh' or 'relu'");
  if (typeof net.shared !== 'boolean') fail('actorCritic.shared', net.shared, 'a boolean');
  if (torso === 'nature-cnn') {
    const shape = net.observationShape;
    if (!Array.isArray(shape) || shape.length !== 3) fail('actorCritic.observationShape', shape, '[height, width, channels]');
    (shape as unknown[]).forEach((d, i) => checkPositiveInteger(`actorCritic.observationShape[${i}]`, d));
    const [h, w, c] = shape as number[];
    if (h * w * c !== net.observationSize) fail('actorCritic.observationShape', shape, `a shape of observationSize ${String(net.observationSize)} values`);
    if (net.inputScale !== undefined && !(typeof net.inputScale === 'number' && Number.isFinite(net.inputScale))) {
      fail('actorCritic.inputScale', net.inputScale, 'a finite number');
    }
  }
  const observation = json.observation;
  if (!isRecord(observation)) fail('observation', observation, 'an object');
  const { normalization, clip } = observation;
  if (normalization !== null) {
    if (!isRecord(normalization)) fail('observation.normalization', normalization, 'null or running statistics');
    if (normalization.size !== net.observationSize) fail('observation.normalization.size', normalization.size, `observationSize ${String(net.observationSize)}`);
    try {
      RunningMeanStd.fromState(normalization as unknown as RunningMeanStdState);
    } catch (error) {
      throw new PpoError('BAD_EXPORT', `${POLICY_FILE}: observation.normalization is not valid running statistics: ${(error as Error).message}`);
    }
  }
  if (clip !== null && !(typeof clip === 'number' && Number.isFinite(clip) && clip > 0)) fail('observation.clip', clip, 'null or a finite number > 0');
  if (typeof json.clipAction !== 'boolean') fail('clipAction', json.clipAction, 'a boolean');
  if (json.actionMask !== undefined) {
    if (!isRecord(json.actionMask)) fail('actionMask', json.actionMask, 'an object { size }');
    checkPositiveInteger('actionMask.size', json.actionMask.size);
  }
  if (json.version === 2) {
    if (!isRecord(json.files)) fail('files', json.files, 'an object of file names and SHA-256 digests');
    for (const [name, digest] of Object.entries(json.files)) {
      if (!EXPORT_FILE_NAME.test(name) || name === POLICY_FILE) fail(`files['${name}']`, name, 'a plain file name of the folder other than policy.json');
      if (typeof digest !== 'string' || !/^[0-9a-f]{64}$/.test(digest)) fail(`files['${name}']`, digest, 'a SHA-256 digest of 64 lowercase hex digits');
    }
  }
  return { ...json, actorCritic: { ...net, torso } } as unknown as ExportedPolicy;
}
