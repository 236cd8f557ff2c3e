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
/**
 * Engine-independent trigonometry: `sin`, `cos`, `atan`, `atan2` follow fdlibm's algorithms
 * and `hypot` V8's scaled, compensated sum, using only exactly rounded IEEE-754 operations, so
 * each returns the same bits in every JavaScript engine (equal to Node 20's `Math.*`). Use them
 * instead of `Math.sin` and friends wherever results must match across Node and browsers.
 */
export { cos, sin } from './deterministic-math/trig';
/** See {@link sin}: engine-independent `atan` and `atan2(y, x)`. */
export { atan, atan2 } from './deterministic-math/atan';
/** See {@link sin}: engine-independent `hypot(...values)`, following the ES rules for NaN and Infinity. */
export { hypot } from './deterministic-math/hypot';
// Engine-independent exp, log, tanh and pow: fdlibm's algorithms in IEEE-754 arithmetic, so a
// browser gives the same bits as Node 20 (whose Math.exp, Math.log, ... they equal bit for bit).
export {
  /** e^x; the same bits in every engine (equal to Node 20's `Math.exp`). */
  exp,
  /** e^x - 1, accurate near 0; the same bits in every engine (equal to Node 20's `Math.expm1`). */
  expm1,
} from './deterministic-math/exp';
export {
  /** The natural logarithm; the same bits in every engine (equal to Node 20's `Math.log`). */
  log,
  /** log(1 + x), accurate near 0; the same bits in every engine (equal to Node 20's `Math.log1p`). */
  log1p,
  /** The base-10 logarithm; the same bits in every engine (equal to Node 20's `Math.log10`). */
  log10,
} from './deterministic-math/log';
/** The hyperbolic tangent; the same bits in every engine (equal to Node 20's `Math.tanh`). */
export { tanh } from './deterministic-math/tanh';
/** x ** y with ECMAScript's special cases; the same bits in every engine (equal to Node 20's `Math.pow` and `**`). */
export { pow } from './deterministic-math/pow';
/**
 * Byte helpers for WebAssembly modules assembled in code: `leb128` (unsigned LEB128),
 * `wasmSection(id, content)`, `wasmName(s)` and the opcode table `WASM_OPCODES`. The kernels of
 * `@ppo/core` and `@ppo/nets` use them.
 */
export { leb128, WASM_OPCODES, wasmName, wasmSection } from './wasm-bytes';
