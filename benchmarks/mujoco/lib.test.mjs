// Tests of the reproduction's scoring, curves, table and plots: node --test benchmarks/mujoco/
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { downsampleCurve, envPlotSvg, episodesFromMetrics, meanOfLast, meanStd, PAPER_ENVS, pendingRuns, resultPath, REFERENCE, resultsMarkdown, runStatus } from './lib.mjs';

/**
 * A result file with typical fields.
 * @param {string} env
 * @param {number} seed
 * @param {number | null} score
 * @param {Partial<import('./lib.mjs').RunResultFile>} [extra]
 * @returns {import('./lib.mjs').RunResultFile}
 */
function run(env, seed, score, extra = {}) {
  return {
    env,
    seed,
    steps: 1_000_000,
    totalSteps: 1_000_000,
    score,
    scoreEpisodes: 100,
    episodes: 1000,
    wallSeconds: 1800,
    stepsPerSecond: 556,
    backend: 'wasm',
    commit: 'abc123',
    preset: 'mujoco',
    finishedAt: '2026-11-25T00:00:00.000Z',
    curve: { steps: [5000, 10000], returns: [-300, score ?? 0] },
    ...extra,
  };
}

describe('scores', () => {
  it('averages the last 100 episodes, or all of fewer', () => {
    const returns = Array.from({ length: 250 }, (_, k) => k);
    // The last 100 are 150..249, mean 199.5.
    assert.equal(meanOfLast(returns, 100), 199.5);
    assert.equal(meanOfLast([1, 2, 6], 100), 3);
    assert.equal(meanOfLast([], 100), null);
    assert.throws(() => meanOfLast([1], 0), /count must be a positive integer, got 0/);
  });

  it('gives the sample standard deviation over seeds', () => {
    // 1800, 1500, 2100: mean 1800, squared deviations 0 + 90000 + 90000 over n-1 = 2 -> std 300.
    const { mean, std } = meanStd([1800, 1500, 2100]);
    assert.equal(mean, 1800);
    assert.ok(Math.abs(std - 300) < 1e-9);
    assert.deepEqual(meanStd([5]), { mean: 5, std: 0 });
    assert.throws(() => meanStd([]), /non-empty/);
  });

  it('reads finished episodes from metrics records and skips update records', () => {
    const records = [
      { step: 1000, metrics: { 'charts/episodic_return': -50, 'charts/episodic_length': 1000 } },
      { step: 2048, metrics: { 'charts/SPS': 500, 'losses/approx_kl': 0.01 } },
      { step: 2000, metrics: { 'charts/episodic_return': Number.NaN } },
      { step: 3000, metrics: { 'charts/episodic_return': 20 } },
    ];
    assert.deepEqual(episodesFromMetrics(records), [
      { step: 1000, ret: -50 },
      { step: 3000, ret: 20 },
    ]);
  });
});

describe('learning curves', () => {
  it('bins episodes on a fixed step grid and averages each bin', () => {
    // Budget 1000 in 4 bins of 250 steps: (0,250], (250,500], (500,750], (750,1000].
    const episodes = [
      { step: 100, ret: 1 },
      { step: 250, ret: 3 },
      { step: 251, ret: 10 },
      { step: 900, ret: -4 },
      { step: 1000, ret: -6 },
    ];
    assert.deepEqual(downsampleCurve(episodes, 1000, 4), { steps: [250, 500, 1000], returns: [2, 10, -5] });
  });

  it('keeps at most the requested number of points', () => {
    const episodes = Array.from({ length: 5000 }, (_, k) => ({ step: (k + 1) * 200, ret: k }));
    const curve = downsampleCurve(episodes, 1_000_000);
    assert.equal(curve.steps.length, 200);
    assert.equal(curve.steps.at(-1), 1_000_000);
    // The first bin (0, 5000] holds the episodes ending at 200..5000: k = 0..24, mean 12.
    assert.equal(curve.returns[0], 12);
  });

  it('validates its arguments', () => {
    assert.throws(() => downsampleCurve([], 0), /totalSteps must be a positive integer, got 0/);
    assert.throws(() => downsampleCurve([], 10, 1.5), /points must be a positive integer, got 1.5/);
  });
});

describe('report', () => {
  it('has the paper figures for the seven tasks', () => {
    assert.deepEqual(PAPER_ENVS, ['HalfCheetah-v5', 'Hopper-v5', 'Walker2d-v5', 'Swimmer-v5', 'InvertedPendulum-v5', 'InvertedDoublePendulum-v5', 'Reacher-v5']);
    assert.equal(REFERENCE['Reacher-v5'].paper, -7);
    assert.equal(REFERENCE['HalfCheetah-v5'].cleanrl?.mean, 1442.64);
  });

  it('tabulates mean ± std over seeds against the references', () => {
    const md = resultsMarkdown([run('Hopper-v5', 2, 2000), run('HalfCheetah-v5', 1, 1500), run('HalfCheetah-v5', 2, 2100), run('Reacher-v5', 1, -8)]);
    const summary = md.slice(0, md.indexOf('## Every run'));
    const rows = summary.split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| env'));
    // Paper order, not alphabetical.
    assert.deepEqual(rows.map((r) => r.split(' | ')[0]), ['| HalfCheetah-v5', '| Hopper-v5', '| Reacher-v5']);
    // 1500 and 2100: mean 1800, sample std 424 (= 600 / sqrt 2); score / target 1.00.
    assert.equal(rows[0], '| HalfCheetah-v5 | 2 | 1,800 ± 424 | 1,800 | 1,800 | 1,443 ± 46 | 1.00 |');
    assert.equal(rows[1], '| Hopper-v5 | 1 | 2,000 | 2,330 | 2,300 | 2,383 ± 272 | 0.87 |');
    // Negative returns: one decimal, and the ratio is target / score (-7 / -8).
    assert.equal(rows[2], '| Reacher-v5 | 1 | -8.0 | -7 | -7 | — | 0.88 |');
    assert.match(md, /!\[HalfCheetah-v5\]\(plots\/HalfCheetah-v5\.svg\)/);
  });

  it('lists every run with its code, and says how many ran on uncommitted changes', () => {
    const md = resultsMarkdown([run('Hopper-v5', 1, 2500, { commit: 'abc123+dirty' }), run('Hopper-v5', 2, 1500), run('Reacher-v5', 1, -4.2)]);
    const table = md.slice(md.indexOf('## Every run'), md.indexOf('Every run file'));
    assert.match(table, /\| env \| seed \| score \| steps \| steps\/s \| wall time \| code \|/);
    assert.match(table, /\| Hopper-v5 \| 1 \| 2,500 \| 1,000,000 \| [\d,]+ \| [\d.]+ min \| abc123\* \|/);
    assert.match(table, /| Hopper-v5 \| 2 \| 1,500 \| .* \| abc123 \|/);
    assert.match(table, /\| Reacher-v5 \| 1 \| -4\.2 \|/);
    assert.match(md, /\\\* 1 of 3 runs were trained on a working tree with uncommitted changes/);
    assert.match(resultsMarkdown([run('Hopper-v5', 1, 2500)]), /Every run was trained on committed code/);
    // No table row is wider than seven columns.
    for (const line of md.split('\n').filter((l) => l.startsWith('|'))) assert.ok(line.split('|').length - 2 <= 7, line);
  });

  it('tabulates variant runs apart, beside the preset run of the same seed', () => {
    const variant = 'no-truncation-bootstrap';
    const md = resultsMarkdown([run('Hopper-v5', 1, 2500), run('Hopper-v5', 1, 2200, { variant }), run('Hopper-v5', 2, 1500, { variant })]);
    // The main table counts only the preset's run.
    assert.match(md, /\| Hopper-v5 \| 1 \| 2,500 \| 2,330 \|/);
    assert.match(md, /## Variants/);
    assert.match(md, /- `no-truncation-bootstrap`: GAE ends a time-limit truncation/);
    assert.match(md, /\| no-truncation-bootstrap \| Hopper-v5 \| 1 \| 1,000,000 \| 2,200 \| 2,500 \| -300 \|/);
    assert.match(md, /\| no-truncation-bootstrap \| Hopper-v5 \| 2 \| 1,000,000 \| 1,500 \| — \| — \|/);
    assert.doesNotMatch(resultsMarkdown([run('Hopper-v5', 1, 2500)]), /Variants/);
  });

  it('places its title, sections, run folder and plot links where a page elsewhere asks', () => {
    const runs = [run('Hopper-v5', 1, 2500), run('Hopper-v5', 1, 2200, { variant: 'no-truncation-bootstrap' })];
    const md = resultsMarkdown(runs, { headingLevel: 2, runsPath: 'benchmarks/results/mujoco/runs/', plotsPath: '/results/mujoco/plots' });
    assert.match(md, /^## PPO on MuJoCo/);
    assert.match(md, /\n### Variants\n/);
    assert.match(md, /from the run files in `benchmarks\/results\/mujoco\/runs\/`/);
    assert.match(md, /!\[Hopper-v5\]\(\/results\/mujoco\/plots\/Hopper-v5\.svg\)/);
    // The defaults are the README's own.
    const readme = resultsMarkdown(runs);
    assert.match(readme, /^# PPO on MuJoCo/);
    assert.match(readme, /\n## Variants\n/);
    assert.match(readme, /from the run files in `runs\/`/);
    assert.throws(() => resultsMarkdown(runs, { headingLevel: 6 }), /headingLevel must be an integer from 1 to 5, got 6/);
  });

  it('counts only scored runs and says so when there are none', () => {
    const md = resultsMarkdown([run('Swimmer-v5', 1, null)]);
    assert.match(md, /\| Swimmer-v5 \| 0 \| — \| 108 \| 100 \| — \| — \|/);
    assert.match(resultsMarkdown([]), /\(no runs yet\)/);
  });

  it('plots one line per seed plus the paper and CleanRL levels', () => {
    const svg = envPlotSvg('HalfCheetah-v5', [run('HalfCheetah-v5', 1, 1500), run('HalfCheetah-v5', 2, 2100)]);
    assert.ok(svg.startsWith('<svg'));
    assert.equal(svg.match(/<polyline/g)?.length, 4);
    assert.match(svg, /seed 2 \(score 2,100\)/);
    assert.match(svg, /paper, Figure 3 \(1,800\)/);
    assert.match(svg, /CleanRL v4 \(1,443\)/);
    // Tasks without a CleanRL figure get only the paper's line.
    assert.equal(envPlotSvg('Swimmer-v5', [run('Swimmer-v5', 1, 90)]).match(/<polyline/g)?.length, 2);
  });
});

describe('status', () => {
  it('reports the progress of unfinished run directories from their metrics', () => {
    const work = mkdtempSync(join(tmpdir(), 'mujoco-status-'));
    try {
      const dir = join(work, 'Hopper-v5-seed2');
      mkdirSync(dir);
      writeFileSync(join(dir, 'config.json'), JSON.stringify({ totalSteps: 1_000_000 }));
      const lines = [
        { global_step: 900, 'charts/episodic_return': 10, 'charts/episodic_length': 900 },
        { global_step: 2048, 'charts/SPS': 300, 'losses/approx_kl': 0.01 },
        { global_step: 3000, 'charts/episodic_return': 30, 'charts/episodic_length': 2100 },
        { global_step: 4096, 'charts/SPS': 320, 'losses/approx_kl': null },
      ];
      writeFileSync(join(dir, 'metrics.jsonl'), `${lines.map((l) => JSON.stringify(l)).join('\n')}\n`);
      mkdirSync(join(work, 'Swimmer-v5-seed1'));
      assert.deepEqual(runStatus(work), [
        { run: 'Hopper-v5-seed2', step: 4096, totalSteps: 1_000_000, episodes: 2, recentScore: 20, stepsPerSecond: 320 },
        { run: 'Swimmer-v5-seed1', step: 0, totalSteps: null, episodes: 0, recentScore: null, stepsPerSecond: null },
      ]);
      assert.deepEqual(runStatus(join(work, 'missing')), []);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });
});

describe('pending runs', () => {
  it('skips only the pairs whose result was asked for the same number of steps', () => {
    const runsDir = mkdtempSync(join(tmpdir(), 'mujoco-runs-'));
    try {
      // A run of 1M steps stops after 488 rollouts of 2048, so its file records 999,424 steps.
      writeFileSync(join(runsDir, 'Hopper-v5-seed1.json'), JSON.stringify(run('Hopper-v5', 1, 2500, { steps: 999_424 })));
      writeFileSync(join(runsDir, 'Hopper-v5-seed2.json'), JSON.stringify(run('Hopper-v5', 2, 10, { steps: 4096, totalSteps: 4096 })));
      const envs = ['Hopper-v5', 'Swimmer-v5'];
      assert.deepEqual(pendingRuns(envs, [1, 2], 1_000_000, { skipDone: true, runsDir }), [
        { env: 'Hopper-v5', seed: 2 },
        { env: 'Swimmer-v5', seed: 1 },
        { env: 'Swimmer-v5', seed: 2 },
      ]);
      assert.equal(pendingRuns(envs, [1, 2], 1_000_000, { skipDone: false, runsDir }).length, 4);
      // A variant's result is its own: the preset's file does not make it done.
      const variant = 'no-truncation-bootstrap';
      assert.equal(pendingRuns(['Hopper-v5'], [1], 1_000_000, { skipDone: true, variant, runsDir }).length, 1);
      writeFileSync(resultPath('Hopper-v5', 1, { variant, runsDir }), JSON.stringify(run('Hopper-v5', 1, 2000, { variant })));
      assert.equal(pendingRuns(['Hopper-v5'], [1], 1_000_000, { skipDone: true, variant, runsDir }).length, 0);
    } finally {
      rmSync(runsDir, { recursive: true, force: true });
    }
  });
});
