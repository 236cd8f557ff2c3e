/**
 * The checkpoint format: one JSON document (config, counters, generator states, normalization
 * statistics, optimizer step, weight manifest) plus one binary blob of float32 arrays
 * (weights, then Adam's first and second moments). Pure data: files are written by
 * `@ppo/trainer/node`.
 */
import type { RngState } from '@ppo/utils';
import { PpoRangeError } from '@ppo/utils';
import type { PPOConfig } from './config';

/**
 * The current checkpoint format version. Version 2 added a checksummed manifest next to the
 * files (written by `@ppo/trainer/node`); version 1 checkpoints are refused with a message.
 */
export const CHECKPOINT_VERSION = 2;

/** Shape and offset of one array in the binary blob. */
export interface ArrayEntry {
  /** The variable's name, prefixed `m/` or `v/` for Adam's moments. */
  readonly name: string;
  /** The array's shape. */
  readonly shape: number[];
  /** Offset in float32 elements from the start of the blob. */
  readonly offset: number;
  /** Number of float32 elements (the product of `shape`). */
  readonly size: number;
}

/** The JSON half of a checkpoint. */
export interface CheckpointMeta {
  /** Always `ppo-checkpoint`. */
  readonly format: 'ppo-checkpoint';
  /** {@link CHECKPOINT_VERSION} when written. */
  readonly version: number;
  /** The run's full, validated config. */
  readonly config: PPOConfig;
  /** The trainer's counters: env steps summed over envs, updates and episodes completed. */
  readonly counters: {
    readonly globalStep: number;
    readonly update: number;
    readonly episodes: number;
  };
  /** States of the trainer's generators (`action`, `minibatch`, `evaluation`), to resume them exactly. */
  readonly rngs: Readonly<Record<string, RngState>>;
  /** RunningMeanStd states of the observation and return normalizers, or null when off. */
  readonly normalization: {
    readonly observation: unknown;
    readonly reward: unknown;
  };
  /** PPO-KL's current beta, or null for PPO-Clip. */
  readonly klBeta: number | null;
  /** Raw returns of the most recent episodes (for the recent-return metric). */
  readonly recentReturns: number[];
  /** Adam's step count (its moments are in `adamM` and `adamV`). */
  readonly optimizer: { readonly step: number };
  /** Rows of env actions taken so far (`globalStep / numEnvs`); resume replays them. */
  readonly actionRows: number;
  /** Byte length of the action log up to this checkpoint (`actionRows * numEnvs * actionSize * 4`). */
  readonly actionLogBytes: number;
  /** Where each trainable variable's values lie in the blob, in the network's variable order. */
  readonly weights: ArrayEntry[];
  /** Adam's first moments, one per variable, in the same order. */
  readonly adamM: ArrayEntry[];
  /** Adam's second moments, one per variable, in the same order. */
  readonly adamV: ArrayEntry[];
  /** Byte lengths of the run directory's log files at this checkpoint (resume truncates to them). */
  readonly logSizes: Readonly<Record<string, number>>;
  /**
   * States of custom components (an optimizer other than Adam, an objective or advantage
   * estimator with state), by role, each a component's `getState()` encoded as JSON with its
   * typed arrays in base64. Absent when every component is built in.
   */
  readonly components?: Readonly<Record<string, unknown>>;
}

/** A checkpoint in memory. */
export interface Checkpoint {
  readonly meta: CheckpointMeta;
  /** Every float32 array named in `meta`, concatenated. */
  readonly data: Float32Array;
}

/** Lays named arrays out in one blob; returns the entries and the blob. */
export function packArrays(groups: { name: string; shape: number[]; data: Float32Array }[][]): {
  entries: ArrayEntry[][];
  data: Float32Array;
} {
  let total = 0;
  for (const group of groups) for (const a of group) total += a.data.length;
  const data = new Float32Array(total);
  let offset = 0;
  const entries = groups.map((group) =>
    group.map((a) => {
      const size = a.shape.reduce((p, q) => p * q, 1);
      if (size !== a.data.length) {
        throw new PpoRangeError('INVALID_ARGUMENT', `array '${a.name}' has shape [${a.shape.join(', ')}] but ${a.data.length} values`);
      }
      data.set(a.data, offset);
      const entry = { name: a.name, shape: [...a.shape], offset, size };
      offset += size;
      return entry;
    }),
  );
  return { entries, data };
}

/** The arrays of one entry list, as views into `data`, after checking they fit. */
export function unpackArrays(entries: readonly ArrayEntry[], data: Float32Array, what: string): Float32Array[] {
  return entries.map((e) => {
    if (!Number.isInteger(e.offset) || e.offset < 0 || e.offset + e.size > data.length) {
      throw new PpoRangeError('BAD_CHECKPOINT', `checkpoint ${what} '${e.name}' lies outside the data (offset ${e.offset}, size ${e.size}, data ${data.length})`);
    }
    return data.subarray(e.offset, e.offset + e.size);
  });
}
