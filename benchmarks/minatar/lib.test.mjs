// Tests of the MinAtar results' files, table and plots: node --test benchmarks/minatar/
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { gamePlotSvg, readRuns, REFERENCE, resultsMarkdown, runName } from './lib.mjs';

/**
 * A run file with typical fields.
 * @param {string} game
 * @param {number} seed
 * @param {number | null} score
 * @param {'running' | 'complete'} [status]
 * @returns {import('./lib.mjs').MinAtarRunFile}
 */
function run(game, seed, score, status = 'complete') {
  return {
    env: `MinAtar/${game}-v0`,
    game,
    seed,
    status,
    steps: status === 'complete' ? 5_000_000 : 1_000_000,
    totalSteps: 5_000_000,
    score,
    scoreEpisodes: 100,
    episodes: 4000,
    wallSeconds: 10_000,
    stepsPerSecond: 500,
    backend: 'wasm',
    commit: 'abc123',
    preset: 'minatar',
    updatedAt: '2026-12-07T00:00:00.000Z',
    curve: { steps: [2_500_000, 5_000_000], returns: [5, score ?? 0] },
  };
}

describe('readRuns', () => {
  it('prefers a finished run to its progress file and orders by game then seed', () => {
    const dir = mkdtempSync(join(tmpdir(), 'minatar-runs-'));
    try {
      const files = [run('Seaquest', 2, 30), run('Breakout', 1, 9, 'running'), run('Breakout', 1, 20), run('Breakout', 3, 4, 'running')];
      files.forEach((f) => writeFileSync(join(dir, `${runName(f.game, f.seed)}${f.status === 'running' ? '.partial' : ''}.json`), JSON.stringify(f)));
      const runs = readRuns(dir);
      assert.deepEqual(runs.map((r) => [r.game, r.seed, r.status]), [['Breakout', 1, 'complete'], ['Breakout', 3, 'running'], ['Seaquest', 2, 'complete']]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('resultsMarkdown', () => {
  it('gives mean ± sample std of finished seeds against the better paper figure, and lists runs under way', () => {
    const md = resultsMarkdown([run('Breakout', 1, 16), run('Breakout', 2, 20), run('Freeway', 1, 12, 'running')]);
    // Mean 18, sample std 2.83: above AC(λ)'s 17.5, the better paper figure.
    assert.match(md, /\| Breakout \| 2 \| 18\.0 ± 2\.8 \| 16\.0, 20\.0 \| 10\.1 \| 17\.5 \| yes \| 500 \|/);
    assert.match(md, /\| Freeway \| 0 \| — \| — \| 50\.2 \| 47\.4 \| — \| — \|/);
    assert.match(md, /\| Freeway seed 1 \| 1,000,000 \| 5,000,000 \| 12\.0 \| 500 \|/);
    assert.match(md, /!\[Breakout\]\(plots\/Breakout\.svg\)/);
    assert.doesNotMatch(resultsMarkdown([run('Seaquest', 1, 20)]), /Runs under way/);
    assert.match(resultsMarkdown([run('Seaquest', 1, 20)]), /\| Seaquest \| 1 \| 20\.0 ± 0\.0 \| 20\.0 \| 20\.1 \| 15\.1 \| no \|/);
  });
});

describe('gamePlotSvg', () => {
  it('draws every seed and both references', () => {
    const svg = gamePlotSvg('SpaceInvaders', [run('SpaceInvaders', 1, 100), run('SpaceInvaders', 2, 50, 'running')]);
    assert.match(svg, /^<svg/);
    for (const label of ['seed 1', 'seed 2 (under way)', `DQN ${REFERENCE.SpaceInvaders.dqn}`, `AC(λ) ${REFERENCE.SpaceInvaders.acLambda}`]) assert.ok(svg.includes(label), label);
  });
});
