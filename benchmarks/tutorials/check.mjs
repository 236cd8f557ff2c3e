// @ts-check
/* global console, process, URL */
// The tutorial promise check (`pnpm bench:tutorials`): runs every route of tutorial 1 (the
// quickstart app, the `ppo` command line, `runTraining`) and the getting-started snippet
// (`PPO.create`) with the seed, budget and preset each page shows, and fails unless each run is
// solved at the step the page states (and evaluates to the mean it states). Several minutes of
// training, so it is a benchmark, not a test of `pnpm test`. Needs `pnpm build` first.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { selectBackend } from '@ppo/nets';
import { PPO, StopOnReward } from '@ppo/trainer';
import { readMetrics, RUN_LAYOUT, runTraining } from '@ppo/trainer/node';
import { firstSolvedStep, pagePromise, SOLVED, trainCommand, undelivered } from './promises.mjs';

const repo = fileURLToPath(new URL('../../', import.meta.url));
const read = (/** @type {string} */ path) => readFileSync(join(repo, path), 'utf8');
const tutorialPage = 'docs/tutorials/cartpole.md';
const startPage = 'docs/guide/getting-started.md';
const tutorial = pagePromise(tutorialPage, read(tutorialPage));
const start = pagePromise(startPage, read(startPage));
const work = mkdtempSync(join(tmpdir(), 'ppo-tutorial-check-'));
const EVAL_EPISODES = 10;

/** @type {{ route: string; solvedAt: number | null; evaluation: number | null; promise: import('./promises.mjs').PagePromise; seconds: number }[]} */
const rows = [];

/**
 * @param {string} route
 * @param {import('./promises.mjs').PagePromise} promise
 * @param {() => Promise<{ solvedAt: number | null; evaluation: number | null }>} run
 */
async function measure(route, promise, run) {
  const t0 = Date.now();
  const { solvedAt, evaluation } = await run();
  rows.push({ route, solvedAt, evaluation, promise, seconds: (Date.now() - t0) / 1000 });
  console.log(`${route}: solved at ${solvedAt ?? 'never'} (page: ${promise.solvedAt}), evaluation ${evaluation ?? '-'}, ${((Date.now() - t0) / 1000).toFixed(0)} s`);
}

/**
 * @param {string[]} args
 * @param {string} cwd
 */
function node(args, cwd) {
  const run = spawnSync(process.execPath, args, { cwd, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (run.status !== 0) throw new Error(`node ${args.join(' ')} exited ${String(run.status)}:\n${run.stderr}`);
  return run.stdout;
}

try {
  await selectBackend('wasm');
  const settings = (/** @type {typeof tutorial} */ p) => /** @type {const} */ ({ env: 'CartPole-v1', seed: p.seed, totalSteps: p.totalSteps, backend: 'wasm' });

  await measure('getting started: PPO.create', start, async () => {
    const solved = new StopOnReward(SOLVED);
    const ppo = await PPO.create({ preset: /** @type {'classic'} */ (start.preset), config: { env: 'CartPole-v1', seed: start.seed, totalSteps: start.totalSteps } });
    try {
      await ppo.train({ callbacks: [solved] });
      return { solvedAt: solved.solvedAt, evaluation: (await ppo.evaluate({ episodes: EVAL_EPISODES })).mean };
    } finally {
      await ppo.close();
    }
  });

  await measure('tutorial 1: runTraining', tutorial, async () => {
    const solved = new StopOnReward(SOLVED);
    await runTraining({ out: join(work, 'code'), preset: /** @type {'classic'} */ (tutorial.preset), config: settings(tutorial), callbacks: [solved], console: false, plot: false });
    return { solvedAt: solved.solvedAt, evaluation: null };
  });

  await measure('tutorial 1: quickstart', tutorial, async () => {
    // The app's own budget and seed must be the page's: it states them in its first line.
    const out = node([join(repo, 'apps/quickstart/dist/main.js')], work);
    const header = /\(classic preset, seed (\d+)\).*at most ([\d,]+) steps/.exec(out);
    if (header === null || Number(header[1]) !== tutorial.seed || Number(header[2].replace(/,/g, '')) !== tutorial.totalSteps) {
      throw new Error(`the quickstart does not run the page's seed ${tutorial.seed} and budget ${tutorial.totalSteps}:\n${out}`);
    }
    const solvedAfter = /Solved after ([\d,]+) steps/.exec(out);
    return { solvedAt: solvedAfter === null ? null : Number(solvedAfter[1].replace(/,/g, '')), evaluation: null };
  });

  await measure('tutorial 1: command line', tutorial, async () => {
    const args = trainCommand(tutorialPage, read(tutorialPage));
    const runDir = join(work, 'cli');
    args[args.indexOf('--out') + 1] = runDir;
    const cli = join(repo, 'packages/trainer/dist/cli.js');
    node([cli, ...args, '--quiet'], work);
    const summary = /** @type {{ mean: number }} */ (JSON.parse(node([cli, 'eval', runDir, '--episodes', String(EVAL_EPISODES), '--json'], work)));
    return { solvedAt: firstSolvedStep(readMetrics(join(runDir, RUN_LAYOUT.metrics))), evaluation: summary.mean };
  });
} finally {
  rmSync(work, { recursive: true, force: true });
}

const failed = rows.flatMap((r) => undelivered([r], r.promise));
console.log('\n| route | solved at | page says | evaluation mean | page says | seconds |\n|---|---:|---:|---:|---:|---:|');
for (const r of rows) console.log(`| ${r.route} | ${r.solvedAt ?? 'never'} | ${r.promise.solvedAt} | ${r.evaluation ?? '—'} | ${r.promise.evaluationMean ?? '—'} | ${r.seconds.toFixed(0)} |`);
if (failed.length > 0) {
  console.error(`\n${failed.length} route(s) do not deliver what the page states: ${failed.join(', ')}`);
  process.exit(1);
}
console.log('\nevery route delivers what its page states');
