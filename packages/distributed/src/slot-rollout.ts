import type { RngState, RunningMeanStdState } from '@ppo/utils';
import { PpoError } from '@ppo/utils';
import { decodeFrame, encodeFrame } from './binary-frame';

/** An episode that finished in a slot during a rollout. */
export interface SlotEpisode {
  /** The rollout step (0-based) on which it finished. */
  readonly step: number;
  /** Its raw return. */
  readonly return: number;
  /** Its length in steps. */
  readonly length: number;
}

/**
 * One env slot's share of a rollout, as a worker returns it: `numSteps` rows of what
 * `collectRollout` stores for that env, time-major.
 */
export interface SlotRollout {
  /** The run (digest of its config) the rollout belongs to. */
  readonly run: string;
  /** The weights version (updates completed) that acted. */
  readonly version: number;
  /** The env slot, in [0, numEnvs). */
  readonly slot: number;
  readonly numSteps: number;
  readonly observationSize: number;
  readonly actionSize: number;
  readonly actionType: 'int32' | 'float32';
  /** The observations acted on (`numSteps * observationSize`). */
  readonly observations: Float32Array;
  /** `numSteps * actionSize`. */
  readonly actions: Float32Array | Int32Array;
  readonly logProbs: Float32Array;
  readonly values: Float32Array;
  readonly rewards: Float32Array;
  readonly terminated: Uint8Array;
  readonly truncated: Uint8Array;
  /** Value of the final observation on steps cut by truncation (and not terminated); 0 elsewhere. */
  readonly finalValues: Float32Array;
  /** The observation after the last step (`observationSize`). */
  readonly lastObservation: Float32Array;
  /** The value of `lastObservation`. */
  readonly lastValue: number;
  /** Episodes that finished, in step order. */
  readonly episodes: readonly SlotEpisode[];
  /** The action generator's state after the rollout (the same for every slot). */
  readonly rngState: RngState;
  /** The slot's own normalization statistics after the rollout (null where that normalization is off). */
  readonly normalization: SlotNormalization;
}

/** A slot's observation and reward normalization statistics. */
export interface SlotNormalization {
  readonly observation: RunningMeanStdState | null;
  readonly reward: RunningMeanStdState | null;
}

/** The JSON part of a frame: the rollout's scalar fields (its arrays travel as binary parts). */
type Header = { readonly kind: 'slot-rollout' } & Pick<
  SlotRollout,
  'run' | 'version' | 'slot' | 'numSteps' | 'observationSize' | 'actionSize' | 'actionType' | 'lastValue' | 'episodes' | 'rngState' | 'normalization'
>;

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0;
}

/** Packs a slot's rollout into one binary frame (split it with `splitPayload` to send). */
export function encodeSlotRollout(r: SlotRollout): Uint8Array {
  const header: Header = {
    kind: 'slot-rollout',
    run: r.run,
    version: r.version,
    slot: r.slot,
    numSteps: r.numSteps,
    observationSize: r.observationSize,
    actionSize: r.actionSize,
    actionType: r.actionType,
    lastValue: r.lastValue,
    episodes: r.episodes,
    rngState: r.rngState,
    normalization: r.normalization,
  };
  return encodeFrame(header, [r.observations, r.actions, r.logProbs, r.values, r.rewards, r.finalValues, r.lastObservation, r.terminated, r.truncated]);
}

/** Reads a frame written by {@link encodeSlotRollout}; throws `BAD_MESSAGE` when it is anything else. */
export function decodeSlotRollout(bytes: Uint8Array): SlotRollout {
  const { header, reader } = decodeFrame(bytes);
  const h = header as Partial<Header> | null;
  if (
    h === null ||
    typeof h !== 'object' ||
    h.kind !== 'slot-rollout' ||
    typeof h.run !== 'string' ||
    !isCount(h.version) ||
    !isCount(h.slot) ||
    !isCount(h.numSteps) ||
    !isCount(h.observationSize) ||
    !isCount(h.actionSize) ||
    (h.actionType !== 'int32' && h.actionType !== 'float32') ||
    typeof h.lastValue !== 'number' ||
    !Array.isArray(h.episodes) ||
    typeof h.rngState !== 'object' ||
    typeof h.normalization !== 'object' ||
    h.normalization === null
  ) {
    throw new PpoError('BAD_MESSAGE', `slot rollout: malformed header ${JSON.stringify(header).slice(0, 200)}`);
  }
  const n = h.numSteps;
  const observations = reader.float32(n * h.observationSize, 'observations');
  const actions = h.actionType === 'int32' ? reader.int32(n * h.actionSize, 'actions') : reader.float32(n * h.actionSize, 'actions');
  return {
    run: h.run,
    version: h.version,
    slot: h.slot,
    numSteps: n,
    observationSize: h.observationSize,
    actionSize: h.actionSize,
    actionType: h.actionType,
    observations,
    actions,
    logProbs: reader.float32(n, 'logProbs'),
    values: reader.float32(n, 'values'),
    rewards: reader.float32(n, 'rewards'),
    finalValues: reader.float32(n, 'finalValues'),
    lastObservation: reader.float32(h.observationSize, 'lastObservation'),
    terminated: reader.uint8(n, 'terminated'),
    truncated: reader.uint8(n, 'truncated'),
    lastValue: h.lastValue,
    episodes: h.episodes,
    rngState: h.rngState,
    normalization: h.normalization,
  };
}
