/**
 * The `ppo train` progress output as a person sees it: the built executable in a pseudo
 * terminal 50 columns wide (util-linux `script`, where it exists).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { builtCli } from './test-cli-io';

const root = mkdtempSync(join(tmpdir(), 'ppo-progress-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const hasScript = spawnSync('script', ['--version'], { encoding: 'utf8' }).status === 0;

/** Single-quoted for sh. */
const quote = (text: string) => `'${text.replace(/'/g, `'\\''`)}'`;

describe.skipIf(!hasScript)('ppo train on a terminal', () => {
  it('says it started before the slow imports, draws the bar before the first update ends, and never wraps in 50 columns', () => {
    const out = join(root, 'run');
    const command = [process.execPath, builtCli(), 'train', '--env', 'CartPole-v1', '--total-steps', '256', '--num-envs', '2', '--num-steps', '64', '--num-minibatches', '1', '--update-epochs', '1', '--backend', 'cpu', '--out', out];
    const run = spawnSync('script', ['-qfec', `stty cols 50 rows 20; ${command.map(quote).join(' ')}`, '/dev/null'], { encoding: 'utf8', timeout: 120_000 });
    expect(run.status, run.stdout + run.stderr).toBe(0);
    const screen = run.stdout;
    const started = screen.indexOf('ppo train: starting');
    const firstBar = screen.indexOf('\r  0.0% 0/256 steps | elapsed 0:00 | ETA ?\x1b[K');
    expect(started).toBeGreaterThan(-1);
    // The 0% line is drawn when the trainer is ready, before the first update (128 steps) ends.
    expect(firstBar).toBeGreaterThan(started);
    expect(screen.indexOf('128/256 steps')).toBeGreaterThan(firstBar);
    const barLine = screen.slice(firstBar, screen.indexOf('\n', firstBar));
    const draws = barLine.split('\r').filter((d) => d !== '');
    expect(draws.length).toBeGreaterThanOrEqual(3);
    for (const draw of draws) {
      expect(draw.endsWith('\x1b[K'), JSON.stringify(draw)).toBe(true);
      expect(draw.length - 3, JSON.stringify(draw)).toBeLessThanOrEqual(49);
    }
    expect(draws[draws.length - 1]).toMatch(/^100\.0% 256\/256 steps \| elapsed \d+:\d\d \| ETA 0:00/);
    expect(screen).toMatch(/done: 256 steps, 2 updates/);
  });
});
