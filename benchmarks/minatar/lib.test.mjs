// Tests of the MinAtar results' files, table and plots: node --test benchmarks/minatar/
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { algoOf, ALGOS, gamePlotSvg, presetHyperparameters, readRuns, REFERENCE, resultsLayout, resultsMarkdown, runName, RUNS_DIR, settingsDiff, writeReport } from './lib.mjs';

const PRESET = presetHyperparameters();

/**
 * A run file with typical fields; a PPO run has the preset's settings.
 * @param {string} game
 * @param {number} seed
 * @param {number | null} score
 * @param {'running' | 'complete'} [status]
 * @param {import('./lib.mjs').Algo | undefined} [algo] undefined: a PPO file written before A2C runs existed
 * @returns {import('./lib.mjs').MinAtarRunFile}
 */
function run(game, seed, score, status = 'complete', algo = undefined) {
  return {
    ...(algo === undefined ? {} : { algo }),
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
    stepsPerSecond: algo === 'a2c' ? 900 : 500,
    backend: 'wasm',
    commit: 'abc123',
    preset: 'minatar',
    updatedAt: '2026-12-07T00:00:00.000Z',
    ...(algo === 'a2c' ? {} : { hyperparameters: { ...PRESET } }),
    curve: { steps: [2_500_000, 5_000_000], returns: [5, score ?? 0] },
  };
}

/** A finished PPO run trained with other settings than the preset's. @param {string} game @param {number} seed @param {number} score @param {Record<string, unknown>} changes */
const offPreset = (game, seed, score, changes) => {
  const file = run(game, seed, score, 'complete', 'ppo');
  return { ...file, hyperparameters: { ...file.hyperparameters, ...changes } };
};

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

  it('keeps PPO and A2C runs of the same game and seed apart (a file without algo is PPO) and orders game, algorithm, seed', () => {
    const dir = mkdtempSync(join(tmpdir(), 'minatar-runs-'));
    try {
      const files = [run('Breakout', 2, 7, 'complete', 'a2c'), run('Breakout', 1, 3, 'running', 'a2c'), run('Breakout', 1, 9), run('Asterix', 1, 2, 'complete', 'ppo'), run('Breakout', 1, 5, 'complete', 'a2c')];
      files.forEach((f) => writeFileSync(join(dir, `${runName(f.game, f.seed, algoOf(f))}${f.status === 'running' ? '.partial' : ''}.json`), JSON.stringify(f)));
      assert.deepEqual(readdirSync(dir).sort(), ['Asterix-v0-seed1.json', 'Breakout-v0-a2c-seed1.json', 'Breakout-v0-a2c-seed1.partial.json', 'Breakout-v0-a2c-seed2.json', 'Breakout-v0-seed1.json']);
      const runs = readRuns(dir);
      assert.deepEqual(runs.map((r) => [r.game, algoOf(r), r.seed, r.status, r.score]), [
        ['Asterix', 'ppo', 1, 'complete', 2],
        ['Breakout', 'ppo', 1, 'complete', 9],
        ['Breakout', 'a2c', 1, 'complete', 5],
        ['Breakout', 'a2c', 2, 'complete', 7],
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reads every committed run file; those without algo as PPO', () => {
    const names = existsSync(RUNS_DIR) ? readdirSync(RUNS_DIR).filter((n) => n.endsWith('.json')) : [];
    const runs = readRuns();
    assert.ok(runs.length <= names.length);
    for (const name of names) {
      const file = JSON.parse(readFileSync(join(RUNS_DIR, name), 'utf8'));
      assert.ok(ALGOS.includes(algoOf(file)), name);
      // The file name says the algorithm: A2C's carry `-a2c-`, PPO's (with or without the field) do not.
      assert.equal(name.includes('-a2c-'), algoOf(file) === 'a2c', name);
      assert.equal(name.replace(/(\.partial)?\.json$/, ''), runName(file.game, file.seed, algoOf(file)), name);
      // Every run records its settings, so the table can tell runs of another preset apart.
      assert.equal(typeof file.hyperparameters, 'object', name);
    }
  });
});

describe('settingsDiff', () => {
  it("names each setting where a PPO run differs from the preset, over the fields both have; null when none are recorded; [] for A2C", () => {
    const entCoef = Number(PRESET.entCoef) + 0.02;
    const byField = (/** @type {[string, unknown, unknown][] | null} */ diff) => [...(diff ?? [])].sort((a, b) => a[0].localeCompare(b[0]));
    assert.deepEqual(byField(settingsDiff(offPreset('Seaquest', 1, 30, { entCoef, gamma: 0.9 }), PRESET)), [
      ['entCoef', entCoef, PRESET.entCoef],
      ['gamma', 0.9, PRESET.gamma],
    ]);
    assert.deepEqual(settingsDiff(run('Seaquest', 1, 30), PRESET), []);
    // A field the run does not have (added to the config after it ran) is not a difference.
    const { clipVloss: _dropped, ...older } = PRESET;
    assert.deepEqual(settingsDiff({ ...run('Seaquest', 1, 30), hyperparameters: older }, PRESET), []);
    // Arrays and null compare by value.
    assert.deepEqual(settingsDiff(offPreset('Seaquest', 1, 30, { hiddenSizes: [64, 64] }), { ...PRESET, hiddenSizes: [64, 64] }), []);
    const { hyperparameters: _none, ...unrecorded } = run('Seaquest', 1, 30);
    assert.equal(settingsDiff(unrecorded, PRESET), null);
    assert.deepEqual(settingsDiff(run('Seaquest', 1, 30, 'complete', 'a2c'), PRESET), []);
  });
});

describe('resultsMarkdown', () => {
  it('gives mean ± sample std of finished seeds against the better paper figure, and lists runs under way', () => {
    const md = resultsMarkdown([run('Breakout', 1, 16), run('Breakout', 2, 20, 'complete', 'ppo'), run('Freeway', 1, 12, 'running')]);
    // Mean 18, sample std 2.83: above AC(λ)'s 17.5, the better paper figure.
    assert.match(md, /\| Breakout \| 2 \| 18\.0 ± 2\.8 \| 16\.0, 20\.0 \| 0 \| — \| — \| 10\.1 \| 17\.5 \| yes \| 500 \/ — \|/);
    assert.match(md, /\| Freeway \| 0 \| — \| — \| 0 \| — \| — \| 50\.2 \| 47\.4 \| — \| — \/ — \|/);
    assert.match(md, /\| Freeway PPO seed 1 \| 1,000,000 \| 5,000,000 \| 12\.0 \| 500 \|/);
    assert.match(md, /!\[Breakout\]\(plots\/Breakout\.svg\)/);
    assert.doesNotMatch(resultsMarkdown([run('Seaquest', 1, 20)]), /Runs under way/);
    assert.match(resultsMarkdown([run('Seaquest', 1, 20)]), /\| Seaquest \| 1 \| 20\.0 \| 20\.0 \| 0 \| — \| — \| 20\.1 \| 15\.1 \| no \|/);
  });

  it('gives A2C its own columns from its finished runs, next to PPO, and names the algorithm of runs under way', () => {
    const md = resultsMarkdown([
      run('Asterix', 1, 20),
      run('Asterix', 1, 4, 'complete', 'a2c'),
      run('Asterix', 2, 6, 'complete', 'a2c'),
      run('Asterix', 3, 30, 'running', 'a2c'),
      run('Seaquest', 1, 3, 'complete', 'a2c'),
    ]);
    // A2C's mean 5 ± 1.41 of its two finished seeds; the run under way does not count. The goal is PPO's.
    assert.match(md, /\| Asterix \| 1 \| 20\.0 \| 20\.0 \| 2 \| 5\.0 ± 1\.4 \| 4\.0, 6\.0 \| 16\.7 \| 18\.6 \| yes \| 500 \/ 900 \|/);
    assert.match(md, /\| Seaquest \| 0 \| — \| — \| 1 \| 3\.0 \| 3\.0 \| 20\.1 \| 15\.1 \| — \| — \/ 900 \|/);
    assert.match(md, /\| Asterix A2C seed 3 \| 1,000,000 \| 5,000,000 \| 30\.0 \| 900 \|/);
    assert.match(md, /!\[Seaquest\]\(plots\/Seaquest\.svg\)/);
  });

  it('counts only PPO runs trained with the preset; lists the others apart with what differs', () => {
    const entCoef = Number(PRESET.entCoef) + 0.02;
    const { hyperparameters: _none, ...unrecorded } = run('Breakout', 3, 2);
    const md = resultsMarkdown([run('Breakout', 1, 16), offPreset('Breakout', 2, 30, { entCoef }), unrecorded, offPreset('Seaquest', 1, 25, { learningRate: 1e-3 })], { preset: PRESET });
    assert.match(md, /\| Breakout \| 1 \| 16\.0 \| 16\.0 \| 0 \|/);
    assert.match(md, /\| Seaquest \| 0 \| — \| — \| 0 \|/);
    assert.match(md, /## PPO runs with other settings/);
    assert.ok(md.includes(`| Breakout seed 2 | entCoef ${entCoef} → ${PRESET.entCoef} | 5,000,000 | 30.0 |`), md);
    assert.ok(md.includes('| Breakout seed 3 | not recorded | 5,000,000 | 2.0 |'), md);
    assert.ok(md.includes(`| Seaquest seed 1 | learningRate 0.001 → ${PRESET.learningRate} | 5,000,000 | 25.0 |`), md);
    // Only games with runs that count are plotted.
    assert.doesNotMatch(md, /plots\/Seaquest\.svg/);
    assert.doesNotMatch(resultsMarkdown([run('Breakout', 1, 16)], { preset: PRESET }), /other settings/);
  });
});

describe('gamePlotSvg', () => {
  it('draws every seed and both references', () => {
    const svg = gamePlotSvg('SpaceInvaders', [run('SpaceInvaders', 1, 100), run('SpaceInvaders', 2, 50, 'running')]);
    assert.match(svg, /^<svg/);
    assert.ok(svg.includes('MinAtar/SpaceInvaders-v0 (PPO)'));
    for (const label of ['PPO seed 1', 'PPO seed 2 (under way)', `DQN ${REFERENCE.SpaceInvaders.dqn}`, `AC(λ) ${REFERENCE.SpaceInvaders.acLambda}`]) assert.ok(svg.includes(label), label);
  });

  it("overlays PPO's and A2C's curves, each algorithm in its own colours", () => {
    const svg = gamePlotSvg('Breakout', [run('Breakout', 1, 10), run('Breakout', 1, 4, 'complete', 'a2c'), run('Breakout', 2, 3, 'running', 'a2c')]);
    assert.ok(svg.includes('MinAtar/Breakout-v0 (PPO and A2C)'));
    for (const label of ['PPO seed 1', 'A2C seed 1', 'A2C seed 2 (under way)']) assert.ok(svg.includes(label), label);
    // The first PPO seed and the first A2C seed get different colours.
    assert.ok(svg.includes('#4c78a8') && svg.includes('#e45756'));
  });
});

describe('writeReport', () => {
  it('writes the README and plots of a throwaway results tree from its run files only', () => {
    const root = mkdtempSync(join(tmpdir(), 'minatar-results-'));
    try {
      const { runs } = resultsLayout(root);
      mkdirSync(runs, { recursive: true });
      writeFileSync(join(runs, `${runName('Freeway', 1, 'a2c')}.json`), JSON.stringify(run('Freeway', 1, 21, 'complete', 'a2c')));
      const report = writeReport(root);
      assert.equal(report.runs.length, 1);
      assert.match(readFileSync(join(root, 'README.md'), 'utf8'), /\| Freeway \| 0 \| — \| — \| 1 \| 21\.0 \| 21\.0 \|/);
      assert.deepEqual(readdirSync(join(root, 'plots')), ['Freeway.svg']);
      // When a game's runs stop counting (trained with an earlier preset), its plot goes too.
      rmSync(join(runs, `${runName('Freeway', 1, 'a2c')}.json`));
      writeFileSync(join(runs, `${runName('Freeway', 1)}.json`), JSON.stringify(offPreset('Freeway', 1, 40, { entCoef: Number(PRESET.entCoef) + 0.02 })));
      writeReport(root);
      assert.deepEqual(readdirSync(join(root, 'plots')), []);
      assert.match(readFileSync(join(root, 'README.md'), 'utf8'), /\| Freeway seed 1 \| entCoef/);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
