/**
 * The description of an exported policy (`ppo export`, `exportRun` from `@ppo/trainer/node`):
 * what a page needs, next to the weights, to rebuild the network and feed it observations.
 */
import type { RunningMeanStdState } from '@ppo/utils';
import type { ActionSpaceSpec, ObservationPart } from '@ppo/nets';
import type { PPOConfig } from './config';

/** Name of the policy description in an export folder, next to @ppo/nets' `weights.json`. */
export const POLICY_FILE = 'policy.json';

/**
 * The JSON of `policy.json` in an export folder. The folder also holds the weights in
 * @ppo/nets' format (`weights.json`, a tfjs-compatible manifest, and the binary file it names),
 * under `ActorCritic`'s own variable names.
 *
 * @example
 * ```ts
 * const spec = (await (await fetch('/policy/policy.json')).json()) as ExportedPolicy;
 * const policy = new ActorCritic({ ...spec.actorCritic, seed: 0 }); // the weights replace the init
 * applyWeights(manifest, bytes, policy);
 * ```
 */
export interface ExportedPolicy {
  readonly format: 'ppo-policy';
  readonly version: 1;
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
    readonly torso: PPOConfig['torso'];
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
    readonly activation: PPOConfig['activation'];
    readonly shared: boolean;
  };
  /**
   * What training did to each raw observation before the network saw it, in this order:
   * normalize with the frozen running statistics, `(x - mean) / sqrt(var + 1e-8)` (null when
   * `normalizeObservation` was off; `RunningMeanStd.fromState(state).normalize(x)` from
   * @ppo/gae computes it), then clip to `[-clip, clip]` (null: no clipping).
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
   * `MultiDiscrete`). Pass the env's mask with every observation, as `policy.act(obs, 1, rng,
   * { deterministic: true, actionMask })` takes it, so masked actions are never chosen.
   */
  readonly actionMask?: { readonly size: number };
  /** The checkpoint exported: its folder relative to the run directory, and its counters. */
  readonly source: { readonly checkpoint: string; readonly globalStep: number; readonly update: number };
}
