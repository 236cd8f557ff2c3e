import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const main = fileURLToPath(new URL('../dist/main.js', import.meta.url));
const cwd = mkdtempSync(join(tmpdir(), 'ppo-quickstart-'));
afterAll(() => rmSync(cwd, { recursive: true, force: true }));

function runMain(args: string[]) {
  if (!existsSync(main)) throw new Error(`${main} is missing: build the app first (pnpm build)`);
  return spawnSync(process.execPath, [main, ...args], { cwd, encoding: 'utf8', timeout: 100_000 });
}

describe('quickstart', () => {
  it('trains a tiny budget, prints the result and writes the learning curve', () => {
    // Two updates of the classic preset (4 envs x 128 steps).
    const run = runMain(['--', '--total-steps', '1024']);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toContain('at most 1,024 steps');
    expect(run.stdout).toMatch(/Not solved within 1,024 steps: mean return of the last 20 episodes \d+\.\d/);
    const runDir = /Run directory: (.+)/.exec(run.stdout)?.[1];
    expect(runDir?.startsWith(join(cwd, 'runs', 'cartpole-'))).toBe(true);
    const svg = /Learning curve: (\S+)/.exec(run.stdout)?.[1] ?? '';
    expect(svg).toBe(join(runDir ?? '', 'learning-curve.svg'));
    expect(readFileSync(svg, 'utf8')).toMatch(/^<svg[\s\S]*PPO on CartPole-v1 \(seed 1\)[\s\S]*<\/svg>\s*$/);
    expect(readFileSync(join(runDir ?? '', 'learning-curve.png')).subarray(1, 4).toString('latin1')).toBe('PNG');
    expect(run.stdout).toContain(`pnpm exec ppo eval ${runDir ?? ''} --episodes 10`);
    // The command it prints works: the ppo bin pnpm linked for this app (what pnpm exec runs).
    const ppo = fileURLToPath(new URL('../node_modules/.bin/ppo', import.meta.url));
    const evaluated = spawnSync(ppo, ['eval', runDir ?? '', '--episodes', '2'], { cwd: fileURLToPath(new URL('..', import.meta.url)), encoding: 'utf8', timeout: 100_000 });
    expect(evaluated.status, evaluated.stderr).toBe(0);
    expect(evaluated.stdout).toMatch(/over 2 episodes; mean length \d+\.\d; deterministic actions\n$/);
  });

  it.each([[['--total-steps', '0']], [['--total-steps']], [['--steps', '10']]])('exits 2 with the usage for %j', (args) => {
    const run = runMain(args);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/usage: main\.js \[--total-steps N\]/);
  });
});
