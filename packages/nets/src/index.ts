/**
 * @packageDocumentation
 * Action distributions, policy and value networks, weights I/O and backend selection on
 * TensorFlow.js (`@tensorflow/tfjs` is a peer dependency).
 */
export { BACKEND_NAMES, BACKEND_REQUESTS, selectBackend, type BackendName, type BackendRequest, type SelectBackendOptions } from './backend';
export { type RandomSource } from './random';
export {
  Bernoulli,
  Categorical,
  DiagGaussian,
  MultiCategorical,
  TanhGaussian,
  gaussHermite,
  type CategoricalOptions,
  type Distribution,
  type TanhGaussianOptions,
} from './distributions';
export { orthogonal, PPO_GAINS } from './init';
/**
 * The fused-training view of an MLP actor-critic: host evaluation and hand-derived gradients
 * (see `ActorCritic.hostModel`).
 */
export { HostActorCritic, type HostActorCriticSpec, type HostEvaluation } from './host-actor-critic';
/**
 * The fused-training view of the MinAtar actor-critic (a shared one-convolution torso and a
 * categorical head): host evaluation and hand-derived gradients (see `ActorCritic.hostModel`).
 */
export { HostConvActorCritic, type HostConvActorCriticSpec } from './host-conv-actor-critic';
/** What `ActorCritic.hostModel` returns: a policy evaluated and differentiated on the host. */
export { type HostModel } from './host-model';
/** The one-convolution torso's variables and shapes, as `NatureCnn.hostTorso` gives them. */
export { type ConvTorsoVariables } from './host-conv-net';
/** Dense layers as variables or host arrays, for code that runs an {@link Mlp} on the host. */
export { type DenseVariables, type HostDense } from './host-mlp';
export { Mlp, mlp, type Activation, type MlpInit, type MlpOptions } from './mlp';
export { NatureCnn, natureCnn, type NatureCnnOptions } from './cnn';
/** One encoder per key of a Dict observation (SB3's MultiInputPolicy). */
export { MultiInputTorso, type MultiInputTorsoOptions, type ObservationPart } from './multi-input';
export { layersTorso, type Torso } from './torso';
export {
  ActorCritic,
  type ActionSpaceSpec,
  type ActOptions,
  type ActorCriticOptions,
  type ActResult,
  type EvaluateResult,
} from './actor-critic';
export type { Policy } from './policy';
export { isRecurrentPolicy, type RecurrentActResult, type RecurrentPolicy, type SequenceInputs } from './recurrent-policy';
export { RECURRENT_CELL_KINDS, recurrentCell, type RecurrentCell, type RecurrentCellKind, type RecurrentCellOptions } from './recurrent-cell';
export { RecurrentActorCritic, type RecurrentActorCriticOptions } from './recurrent-actor-critic';
export {
  TokenPolicy,
  type GenerateOptions,
  type GenerateResult,
  type TokenLogProbsOptions,
  type TokenLogProbsResult,
  type TokenPolicyOptions,
} from './token-policy';
export { tokenLogProbsFromLogits, type TokenLogProbsFromLogitsOptions } from './token-log-probs';
export {
  applyWeights,
  MANIFEST_FILE,
  deserializeWeights,
  serializeWeights,
  weightFiles,
  type WeightFiles,
  type WeightsManifest,
  type WeightSpec,
  type WeightsTarget,
} from './weights';
export { parseExportedPolicy, POLICY_FILE, type ExportedPolicy } from './exported-policy';
export {
  DEFAULT_MAX_POLICY_FILE_BYTES,
  loadPolicy,
  LoadedPolicy,
  sha256Hex,
  type LoadPolicyOptions,
  type ReadPolicyFile,
} from './load-policy';

/** The errors this package throws: each has a stable `code`; `PpoError.is(error, code?)` tells them apart across builds (shared by every package through `@ppo/utils`). */
export { PpoError, PpoRangeError, PpoTypeError, type ErrorCode } from '@ppo/utils';
