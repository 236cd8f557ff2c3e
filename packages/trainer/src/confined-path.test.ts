import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { assertInside, UnsafePathError } from './confined-path';

const root = mkdtempSync(join(tmpdir(), 'ppo-confined-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const run = join(root, 'run');
const outside = join(root, 'outside');
mkdirSync(join(run, 'checkpoints', 'update-000001'), { recursive: true });
mkdirSync(outside);
writeFileSync(join(outside, 'victim.txt'), 'keep me');
symlinkSync(outside, join(run, 'escape'));
symlinkSync(join(outside, 'victim.txt'), join(run, 'metrics.jsonl'));
symlinkSync(join(run, 'checkpoints'), join(run, 'alias'));
symlinkSync(join(root, 'nowhere'), join(run, 'dangling'));

describe('assertInside', () => {
  it('follows no link out of the folder, allows links inside it and paths not made yet', () => {
    expect(assertInside(run, 'checkpoints/update-000001')).toBe(join(run, 'checkpoints', 'update-000001'));
    expect(assertInside(run, 'alias/update-000001')).toBe(join(run, 'alias', 'update-000001'));
    expect(assertInside(run, 'checkpoints/update-000009/data.bin')).toBe(join(run, 'checkpoints', 'update-000009', 'data.bin'));
    expect(() => assertInside(run, 'metrics.jsonl')).toThrow(UnsafePathError);
    expect(() => assertInside(run, 'metrics.jsonl')).toThrow(/metrics\.jsonl is a symbolic link to .*victim\.txt, outside/);
    expect(() => assertInside(run, 'escape/victim.txt')).toThrow(/escape is a symbolic link to .*outside, outside/);
    expect(() => assertInside(run, 'dangling')).toThrow(/dangling is a symbolic link that points nowhere/);
  });
});
