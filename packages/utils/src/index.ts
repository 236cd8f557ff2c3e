/**
 * `@ppo/utils`: what the other packages share and nothing else, with no dependencies: the
 * seeded random generator, running statistics, errors with identity, boundary checks and the
 * JSON form of spaces.
 *
 * @packageDocumentation
 */

export { Rng, shuffleInPlace, type RandomSource, type RngState } from './rng';
export {
  RunningMeanStd,
  type NormalizeOptions,
  type RunningMeanStdOptions,
  type RunningMeanStdState,
} from './running-mean-std';
export {
  PpoError,
  PpoRangeError,
  PpoTypeError,
  type ErrorCode,
  type PpoErrorLike,
  type PpoErrorOptions,
} from './errors';
export {
  FLOAT32_MAX,
  assertAllFinite,
  assertFiniteNumber,
  assertFlagArray,
  assertFlagValues,
  assertFloat32Array,
  assertFloatArray,
  assertInteger,
  assertLength,
  assertNoOverlap,
  assertNonNegative,
  assertUnitInterval,
  checkPositiveInt,
  describeValue,
  findNonFinite,
  formatPosition,
  type FloatArray,
} from './validate';
export {
  type ActionSpaceSpec,
  type BoxSpec,
  type DiscreteSpec,
  type MultiBinarySpec,
  type MultiDiscreteSpec,
  type SpaceSpec,
} from './space-spec';
