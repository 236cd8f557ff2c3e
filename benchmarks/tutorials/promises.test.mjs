// Tests of the tutorial check's page reading and solved-step rule: node --test tutorials/
/* global URL */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { firstSolvedStep, pagePromise, trainCommand, undelivered } from './promises.mjs';

const page = (/** @type {string} */ name) => readFileSync(new URL(`../../docs/${name}`, import.meta.url), 'utf8');

describe('pagePromise', () => {
  it('reads one seed, budget, preset and solved step from code, commands and prose', () => {
    const md = [
      '```ts',
      "config: { env: 'CartPole-v1', seed: 1, totalSteps: 500_000 }, preset: 'classic'",
      '```',
      '',
      '```sh',
      'npx ppo train --env CartPole-v1 --preset classic --seed 1 --total-steps 500000',
      '```',
      'It prints `solved at step 183380; evaluation mean 500`; seed 2 is solved at step 148,780 (try `--seed 2`).',
    ].join('\n');
    assert.deepEqual(pagePromise('p', md), { seed: 1, totalSteps: 500000, preset: 'classic', solvedAt: 183380, evaluationMean: 500 });
  });

  it('refuses a page whose routes disagree or that states no solved step', () => {
    const fenced = (/** @type {string} */ body) => `\`\`\`ts\n${body}\n\`\`\`\n`;
    assert.throws(() => pagePromise('p', `${fenced("seed: 1, totalSteps: 500_000 preset: 'classic' --seed 2")}\`solved at step 5\``), /p: expected one seed .* found 1, 2/);
    assert.throws(() => pagePromise('p', `${fenced("seed: 1, totalSteps: 200_000 preset: 'classic' --total-steps 500000")}\`solved at step 5\``), /one budget .* 200000, 500000/);
    assert.throws(() => pagePromise('p', `${fenced("seed: 1, totalSteps: 5 preset: 'classic'")}solved at step 5, not quoted`), /"solved at step N" .* none/);
  });

  it('reads the pages the check runs', () => {
    assert.deepEqual(pagePromise('tutorial 1', page('tutorials/cartpole.md')), { seed: 1, totalSteps: 500000, preset: 'classic', solvedAt: 183380, evaluationMean: 500 });
    assert.deepEqual(pagePromise('getting started', page('guide/getting-started.md')).solvedAt, 183380);
  });
});

describe('firstSolvedStep', () => {
  const episodes = (/** @type {number[]} */ returns) => returns.map((r, k) => ({ step: 10 * (k + 1), metrics: { 'charts/episodic_return': r } }));

  it('is the step of the episode whose window mean first reaches the threshold', () => {
    // Windows of 3: (1+2+3)/3 = 2, (2+3+4)/3 = 3, (3+4+5)/3 = 4 >= 4 at the fifth episode.
    assert.equal(firstSolvedStep(episodes([1, 2, 3, 4, 5, 6]), { threshold: 4, window: 3 }), 50);
    assert.equal(firstSolvedStep(episodes([9, 9]), { threshold: 4, window: 3 }), null);
  });

  it('skips update records, which carry no episode return', () => {
    const records = [...episodes([5, 5]), { step: 25, metrics: { 'losses/approx_kl': 0.01 } }, { step: 30, metrics: { 'charts/episodic_return': 5 } }];
    assert.equal(firstSolvedStep(records, { threshold: 5, window: 3 }), 30);
  });
});

describe('trainCommand', () => {
  it("splits the page's ppo train line into arguments", () => {
    assert.deepEqual(trainCommand('tutorial 1', page('tutorials/cartpole.md')), [
      'train', '--env', 'CartPole-v1', '--preset', 'classic', '--seed', '1', '--total-steps', '500000', '--backend', 'wasm', '--out', 'runs/cartpole-cli',
    ]);
    assert.throws(() => trainCommand('p', 'ppo train --seed 1 in prose only'), /p: no `ppo train` command line/);
  });
});

describe('undelivered', () => {
  const promise = { seed: 1, totalSteps: 500000, preset: 'classic', solvedAt: 183380, evaluationMean: 500 };

  it('names the routes solved elsewhere or never, or evaluating to another mean; a route that evaluates nothing is held to the step only', () => {
    const results = [
      { route: 'code', solvedAt: 183380, evaluation: null },
      { route: 'cli', solvedAt: 183380, evaluation: 500 },
      { route: 'late', solvedAt: 160000, evaluation: null },
      { route: 'never', solvedAt: null, evaluation: 500 },
      { route: 'worse', solvedAt: 183380, evaluation: 480.5 },
    ];
    assert.deepEqual(undelivered(results, promise), ['late', 'never', 'worse']);
    assert.deepEqual(undelivered([{ route: 'cli', solvedAt: 183380, evaluation: 480 }], { ...promise, evaluationMean: null }), []);
  });
});
