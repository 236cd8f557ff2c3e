// The built package (test runs after build): an error thrown by the CommonJS build is
// recognised by the ESM build and the other way round, which `instanceof` alone cannot do.
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import type * as Index from './index';

type Build = typeof Index;

const esm = (await import(new URL('../dist/index.js', import.meta.url).href)) as Build;
const cjs = createRequire(import.meta.url)('../dist/index.cjs') as Build;

describe('errors across the ESM and CommonJS builds', () => {
  it('are two copies of the classes', () => {
    expect(esm.PpoError).not.toBe(cjs.PpoError);
  });

  it('tell each other errors apart by code, with is() and instanceof', () => {
    const fromCjs = new cjs.PpoRangeError('NON_FINITE', 'x[0] must be finite, got NaN');
    const fromEsm = new esm.PpoError('UNKNOWN_ENV', 'no env registered as "X-v0"');
    expect(esm.PpoError.is(fromCjs, 'NON_FINITE')).toBe(true);
    expect(fromCjs instanceof esm.PpoError).toBe(true);
    expect(fromCjs).toBeInstanceOf(RangeError);
    expect(cjs.PpoError.is(fromEsm, 'UNKNOWN_ENV')).toBe(true);
    expect(cjs.PpoError.is(fromEsm, 'ALREADY_REGISTERED')).toBe(false);
    expect(fromEsm instanceof cjs.PpoError).toBe(true);
  });

  it('keep their names through bundling', () => {
    expect(new esm.PpoError('INVALID_STATE', 'm').name).toBe('PpoError');
    expect(new cjs.PpoError('INVALID_STATE', 'm').name).toBe('PpoError');
    expect(String(new cjs.PpoTypeError('INVALID_ARGUMENT', 'm'))).toBe('TypeError: m');
  });
});
