/**
 * The committed `bin/ppo.mjs`, which package managers link before the first build: it runs the
 * built command line, or says how to build it.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { builtCli } from './test-cli-io';

const packageDir = fileURLToPath(new URL('..', import.meta.url));
const bin = join(packageDir, 'bin', 'ppo.mjs');
const root = mkdtempSync(join(tmpdir(), 'ppo-bin-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('bin/ppo.mjs', () => {
  it('is the package bin, and a file that is committed rather than built', () => {
    const pkg = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as { bin: Record<string, string>; files: string[] };
    expect(pkg.bin).toEqual({ ppo: './bin/ppo.mjs' });
    expect(pkg.files).toContain('bin');
  });

  it('runs the built command line', () => {
    builtCli();
    const version = spawnSync(process.execPath, [bin, '--version'], { encoding: 'utf8' });
    expect(version.status, version.stderr).toBe(0);
    expect(version.stdout).toBe(`${(JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as { version: string }).version}\n`);
    const refused = spawnSync(process.execPath, [bin, 'train', '--learning-rat', '1'], { encoding: 'utf8' });
    expect(refused.status).toBe(2);
    expect(refused.stderr).toBe("ppo: unknown option --learning-rat; did you mean --learning-rate?\nrun 'ppo train --help' for the options\n");
  });

  it('says to build the package when dist/ is missing', () => {
    mkdirSync(join(root, 'bin'));
    copyFileSync(bin, join(root, 'bin', 'ppo.mjs'));
    const run = spawnSync(process.execPath, [join(root, 'bin', 'ppo.mjs'), '--help'], { encoding: 'utf8' });
    expect(run.status).toBe(1);
    expect(run.stderr).toBe(`ppo: @ppo/trainer is not built (${join(root, 'dist', 'cli.js')} is missing): run 'pnpm build' in the repository first\n`);
    expect(run.stdout).toBe('');
  });
});
