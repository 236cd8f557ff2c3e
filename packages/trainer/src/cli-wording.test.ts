import { describe, expect, it } from 'vitest';
import { inCliTerms } from './cli-wording';

describe('inCliTerms', () => {
  it.each([
    ["'runs/a' (the `out` directory) already holds a run; continue it with `resume: true` or choose another `out`", "'runs/a' (the --out directory) already holds a run; continue it with --resume or choose another --out"],
    ['pass `envModules` with the modules, or `trustRunModules: true`', 'pass --env-modules with the modules, or --trust-run-modules'],
    ['importing the modules the run names (`trustRunModules`): a.mjs', 'importing the modules the run names (--trust-run-modules): a.mjs'],
  ])('maps %j', (library, cli) => {
    expect(inCliTerms(library)).toBe(cli);
  });

  it('leaves unknown backticked words and plain text alone', () => {
    expect(inCliTerms('no env registered as `Foo-v0`; out of range')).toBe('no env registered as `Foo-v0`; out of range');
  });
});
