/**
 * Errors with identity. Every error the packages of the project throw carries a stable `code` and a
 * brand registered with `Symbol.for`, so a caller tells errors apart with
 * {@link PpoError.is} even when the thrower is another copy of a package (its ESM build next to
 * its CJS build, or two installed versions), where `instanceof` fails.
 */

/** The brand every error of the project carries (on its prototype); shared by all copies through the global symbol registry. */
const BRAND: unique symbol = Symbol.for('@ppo/error') as never;

/**
 * The codes the packages use. Other packages may add their own (any string); these stay stable.
 *
 * - `INVALID_ARGUMENT`: an argument of the wrong type, shape or range (a `TypeError` or `RangeError`).
 * - `NON_FINITE`: NaN or an infinity where a finite number is needed (a `RangeError`).
 * - `INVALID_STATE`: a call the object cannot take now (closed, disposed, before `reset`, a call pending).
 * - `UNKNOWN_ENV`, `ALREADY_REGISTERED`: the env registry.
 * - `ENV_FAILED`: an env of a vector env threw; the env's error is `cause`.
 * - `ENV_CHECK_FAILED`: `checkEnv` found an env breaking the `Env` contract.
 * - `WORKER_FAILED`, `TIMEOUT`: a worker thread of a vector env died or did not answer in time.
 * - `MODULE_NOT_FOUND`: a module specifier cannot be resolved.
 * - `BACKEND_UNAVAILABLE`: a tfjs backend cannot be used.
 * - `BAD_WEIGHTS`: serialized weights or a weights manifest that cannot be read into a model.
 * - `BAD_CHECKPOINT`: a checkpoint that cannot be restored.
 * - `SIMULATOR_FAILED`: the physics simulator could not load or run a model.
 * - `NO_VALID_ACTION`: an action mask that allows no action (in some row or sub-space).
 */
export type ErrorCode =
  | 'INVALID_ARGUMENT'
  | 'NON_FINITE'
  | 'INVALID_STATE'
  | 'UNKNOWN_ENV'
  | 'ALREADY_REGISTERED'
  | 'ENV_FAILED'
  | 'ENV_CHECK_FAILED'
  | 'WORKER_FAILED'
  | 'TIMEOUT'
  | 'MODULE_NOT_FOUND'
  | 'BACKEND_UNAVAILABLE'
  | 'BAD_WEIGHTS'
  | 'BAD_CHECKPOINT'
  | 'SIMULATOR_FAILED'
  | 'NO_VALID_ACTION'
  // Any other string, without widening the known codes away in editors.
  | (string & {});

/** Options of the error constructors. */
export interface PpoErrorOptions {
  /** The error that led to this one. */
  readonly cause?: unknown;
}

/** An error thrown by a package of the project, whatever built-in class it extends. */
export interface PpoErrorLike extends Error {
  readonly code: ErrorCode;
}

function isBranded(value: unknown): value is PpoErrorLike {
  return typeof value === 'object' && value !== null && (value as { [BRAND]?: unknown })[BRAND] === true;
}

function brand(prototype: object): void {
  Object.defineProperty(prototype, BRAND, { value: true });
}

/**
 * The base of the errors of the project that are neither a `TypeError` nor a `RangeError`. Argument
 * errors are {@link PpoTypeError} and {@link PpoRangeError}, so `catch (e) { if (e instanceof
 * RangeError) ... }` keeps working; `instanceof PpoError` and {@link PpoError.is} recognise all
 * three, from any copy of the packages.
 *
 * @example
 * ```ts
 * try {
 *   make('CartPol-v1');
 * } catch (error) {
 *   if (PpoError.is(error, 'UNKNOWN_ENV')) console.log(error.message);
 *   else throw error;
 * }
 * ```
 */
export class PpoError extends Error implements PpoErrorLike {
  /** A stable identifier of the kind of error (see {@link ErrorCode}). */
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string, options?: PpoErrorOptions) {
    super(message, options);
    // Set here rather than from the class name, which bundlers may rename; subclasses set their own.
    this.name = 'PpoError';
    this.code = code;
  }

  /**
   * Whether `error` was thrown by a package of the project (any copy, any of the three classes), and,
   * when `code` is given, whether it has that code.
   */
  static is(error: unknown, code?: ErrorCode): error is PpoErrorLike {
    return isBranded(error) && (code === undefined || error.code === code);
  }

  /**
   * `instanceof PpoError` holds for every error of the project, {@link PpoRangeError} and
   * {@link PpoTypeError} included, from any copy; subclasses keep the usual prototype check.
   */
  static override [Symbol.hasInstance](value: unknown): boolean {
    return this === PpoError ? isBranded(value) : Function.prototype[Symbol.hasInstance].call(this, value);
  }
}

/** A `RangeError` with an {@link ErrorCode}: a value of the right kind outside its domain. */
export class PpoRangeError extends RangeError implements PpoErrorLike {
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string, options?: PpoErrorOptions) {
    super(message, options);
    this.code = code;
  }
}

/** A `TypeError` with an {@link ErrorCode}: a value of the wrong kind. */
export class PpoTypeError extends TypeError implements PpoErrorLike {
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string, options?: PpoErrorOptions) {
    super(message, options);
    this.code = code;
  }
}

brand(PpoError.prototype);
brand(PpoRangeError.prototype);
brand(PpoTypeError.prototype);
