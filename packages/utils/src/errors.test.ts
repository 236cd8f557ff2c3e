import { describe, expect, it } from 'vitest';
import { PpoError, PpoRangeError, PpoTypeError } from './errors';

describe('PpoError', () => {
  it('carries its code, message, cause and the class name', () => {
    const cause = new Error('inner');
    const e = new PpoError('UNKNOWN_ENV', 'no env', { cause });
    expect(e.code).toBe('UNKNOWN_ENV');
    expect(e.message).toBe('no env');
    expect(e.cause).toBe(cause);
    expect(e.name).toBe('PpoError');
    expect(String(e)).toBe('PpoError: no env');
  });

  it('keeps the built-in classes and names of argument errors', () => {
    const range = new PpoRangeError('NON_FINITE', 'x[0] must be finite');
    const type = new PpoTypeError('INVALID_ARGUMENT', 'x must be a Float32Array');
    expect(range).toBeInstanceOf(RangeError);
    expect(type).toBeInstanceOf(TypeError);
    expect(range.name).toBe('RangeError');
    expect(type.name).toBe('TypeError');
    expect(range.code).toBe('NON_FINITE');
  });

  it('recognises every error of the project with is() and instanceof, by code when given', () => {
    for (const e of [new PpoError('INVALID_STATE', 'a'), new PpoRangeError('INVALID_ARGUMENT', 'b'), new PpoTypeError('INVALID_ARGUMENT', 'c')]) {
      expect(PpoError.is(e)).toBe(true);
      expect(e instanceof PpoError).toBe(true);
      expect(PpoError.is(e, e.code)).toBe(true);
      expect(PpoError.is(e, 'BAD_CHECKPOINT')).toBe(false);
    }
    for (const other of [new Error('x'), new RangeError('y'), { code: 'INVALID_ARGUMENT' }, null, undefined, 'INVALID_ARGUMENT']) {
      expect(PpoError.is(other)).toBe(false);
      expect(other instanceof PpoError).toBe(false);
    }
  });

  it('recognises an error of another copy of the package by its registered brand', () => {
    // What a second build defines: its own classes, the same global symbol.
    class OtherCopyError extends RangeError {
      readonly code = 'UNKNOWN_ENV';
    }
    Object.defineProperty(OtherCopyError.prototype, Symbol.for('@ppo/error'), { value: true });
    const foreign = new OtherCopyError('no env');
    expect(PpoError.is(foreign, 'UNKNOWN_ENV')).toBe(true);
    expect(foreign instanceof PpoError).toBe(true);
  });

  it('keeps the prototype check for subclasses', () => {
    class EnvFailure extends PpoError {
      override name = 'EnvFailure';
    }
    const e = new PpoError('ENV_FAILED', 'x');
    expect(e instanceof EnvFailure).toBe(false);
    const sub = new EnvFailure('ENV_FAILED', 'y');
    expect(sub instanceof EnvFailure).toBe(true);
    expect(sub instanceof PpoError).toBe(true);
    expect(sub.name).toBe('EnvFailure');
  });
});
