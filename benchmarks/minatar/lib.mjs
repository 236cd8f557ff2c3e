// @ts-check
// The MinAtar results' files, table and plots. The scoring helpers are the MuJoCo harness's.
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { learningCurveSvg, resolveConfig } from '@ppo/trainer';
import { meanOfLast, meanStd, writeAtomic } from '../mujoco/lib.mjs';

/** benchmarks/results/minatar: the committed results (JSON per run, README table, plots). */
export const RESULTS_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'results', 'minatar');
/** Finished runs' result files, and the progress files of runs under way (`.partial.json`). */
export const RUNS_DIR = join(RESULTS_DIR, 'runs');
/** Run directories (checkpoints, action logs, metrics): large, not committed (.gitignore). */
export const WORK_DIR = join(RESULTS_DIR, 'work');
/**
 * Where a results tree keeps its parts: `runs/` (run files), `work/` (run directories, not
 * committed), README.md and `plots/`. The committed tree is {@link RESULTS_DIR}; a test run
 * may name a throwaway one.
 * @param {string} root
 */
export const resultsLayout = (root) => ({ root, runs: join(root, 'runs'), work: join(root, 'work') });

/** The algorithms the harness runs: PPO (the trainer's `minatar` preset) and A2C (the A2C app's MinAtar setup). */
export const ALGOS = Object.freeze(/** @type {const} */ (['ppo', 'a2c']));
/** @typedef {(typeof ALGOS)[number]} Algo */
/** Display names. @type {Readonly<Record<Algo, string>>} */
export const ALGO_LABEL = Object.freeze({ ppo: 'PPO', a2c: 'A2C' });

/** Episodes a score averages over (as the MuJoCo harness scores). */
export const SCORE_EPISODES = 100;

/**
 * The MinAtar paper's returns at 5M frames (Young & Tian 2019, figures; 30 seeds, sticky
 * actions 0.1, 6 actions), read off the plots: DQN and AC(λ). The goal is the better of the two.
 * @type {Readonly<Record<string, { dqn: number; acLambda: number }>>}
 */
export const REFERENCE = Object.freeze({
  Asterix: { dqn: 16.7, acLambda: 18.6 },
  Breakout: { dqn: 10.1, acLambda: 17.5 },
  Freeway: { dqn: 50.2, acLambda: 47.4 },
  Seaquest: { dqn: 20.1, acLambda: 15.1 },
  SpaceInvaders: { dqn: 43.4, acLambda: 183.8 },
});

/** The five games, in the paper's order. */
export const GAMES = Object.freeze(Object.keys(REFERENCE));

/** The registry id of a game's full-action-set version, the paper's setting. */
export const envId = (/** @type {string} */ game) => `MinAtar/${game}-v0`;

/**
 * A run's file-name stem: `<Game>-v0-seed<n>` for PPO (the id without its `MinAtar/` folder),
 * `<Game>-v0-a2c-seed<n>` for A2C.
 * @param {string} game
 * @param {number} seed
 * @param {Algo} [algo]
 */
export const runName = (game, seed, algo = 'ppo') => `${game}-v0-${algo === 'ppo' ? '' : `${algo}-`}seed${seed}`;

/** A run file's algorithm: files written before A2C runs existed have no `algo` and are PPO's. @param {{ algo?: Algo }} file @returns {Algo} */
export const algoOf = (file) => file.algo ?? 'ppo';

/**
 * @typedef {object} MinAtarRunFile
 * @property {string} env registry id
 * @property {string} game
 * @property {number} seed
 * @property {'running' | 'complete'} status a `.partial.json` file is a run under way
 * @property {number} steps env steps trained so far (steps = frames: MinAtar has no frame skip)
 * @property {number} totalSteps the run's budget
 * @property {number | null} score mean raw return of the last `scoreEpisodes` episodes
 * @property {number} scoreEpisodes
 * @property {number} episodes
 * @property {number} wallSeconds over all sittings
 * @property {number} stepsPerSecond
 * @property {string} backend
 * @property {string} commit
 * @property {string} preset the trainer preset: its network for both algorithms, its hyperparameters for PPO
 * @property {Algo} [algo] absent in PPO files written before A2C runs existed
 * @property {Record<string, unknown>} [hyperparameters] A2C's settings (the A2C app's `a2cSetup`); PPO's
 *   learning settings (its run's config.json without the fields that name the run, {@link ppoHyperparameters})
 * @property {string} updatedAt ISO time
 * @property {{ steps: number[]; returns: number[] }} curve
 */

/**
 * Config fields that name a run or say how it executes, not what it learns with: left out of a PPO
 * run's recorded hyperparameters.
 */
const RUN_FIELDS = new Set(['env', 'envOptions', 'envModules', 'totalSteps', 'seed', 'vectorEnv', 'numWorkers', 'backend', 'checkpointEvery', 'evalEvery', 'evalEpisodes']);

/**
 * A PPO config's learning settings: every field but those that name the run or say how it executes.
 * @param {Readonly<Record<string, unknown>>} config a resolved config, as a run directory's config.json holds it
 * @returns {Record<string, unknown>}
 */
export const ppoHyperparameters = (config) => Object.fromEntries(Object.entries(config).filter(([key]) => !RUN_FIELDS.has(key)));

/** The `minatar` preset's learning settings today: the results table counts only PPO runs trained with them. */
export const presetHyperparameters = () => ppoHyperparameters(resolveConfig({ preset: 'minatar' }));

/**
 * Where a PPO run's settings differ from the preset's, as `[field, the run's value, the preset's
 * value]` over the fields both have (a field added to the config later is not a difference);
 * null when the file records none. A2C runs: always `[]`.
 * @param {MinAtarRunFile} file
 * @param {Readonly<Record<string, unknown>>} [preset] {@link presetHyperparameters}
 * @returns {[string, unknown, unknown][] | null}
 */
export function settingsDiff(file, preset = presetHyperparameters()) {
  if (algoOf(file) !== 'ppo') return [];
  const mine = file.hyperparameters;
  if (mine === undefined) return null;
  return Object.keys(preset)
    .filter((key) => Object.hasOwn(mine, key) && JSON.stringify(mine[key]) !== JSON.stringify(preset[key]))
    .map((key) => /** @type {[string, unknown, unknown]} */ ([key, mine[key], preset[key]]));
}

/** Whether a run counts in the results: every A2C run, and PPO runs trained with the preset's settings of today. */
const countsIn = (/** @type {MinAtarRunFile} */ file, /** @type {Readonly<Record<string, unknown>>} */ preset) => settingsDiff(file, preset)?.length === 0;

/**
 * Every run file on disk: finished runs, and runs under way where no finished file exists.
 * @param {string} [dir]
 * @returns {MinAtarRunFile[]}
 */
export function readRuns(dir = RUNS_DIR) {
  if (!existsSync(dir)) return [];
  /** @type {Map<string, MinAtarRunFile>} */
  const byRun = new Map();
  for (const name of readdirSync(dir).sort()) {
    if (!name.endsWith('.json')) continue;
    const file = /** @type {MinAtarRunFile} */ (JSON.parse(readFileSync(join(dir, name), 'utf8')));
    const key = `${algoOf(file)}\u0000${file.game}\u0000${file.seed}`;
    const seen = byRun.get(key);
    if (seen === undefined || (seen.status === 'running' && file.status === 'complete')) byRun.set(key, file);
  }
  const order = (/** @type {MinAtarRunFile} */ r) => [GAMES.indexOf(r.game), ALGOS.indexOf(algoOf(r)), r.seed];
  return [...byRun.values()].sort((a, b) => {
    const [x, y] = [order(a), order(b)];
    return x[0] - y[0] || x[1] - y[1] || x[2] - y[2];
  });
}

/** How busy the machine was, for a speed measured on shared cores. @param {number | undefined} load */
const loadNote = (load) => (load === undefined ? '' : `, load average ${load} when measured`);

/** @param {number | null | undefined} x @param {number} [digits] */
function fmt(x, digits = 1) {
  if (x === null || x === undefined || !Number.isFinite(x)) return '—';
  return x.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

/** The games' own speed, written by env-speed.mjs. */
export const ENV_SPEED_FILE = join(RESULTS_DIR, 'env-speed.json');

/**
 * @typedef {object} EnvSpeedFile
 * @property {string} node
 * @property {number} steps steps timed per game
 * @property {Record<string, number>} stepsPerSecond per game, wall clock
 * @property {Record<string, number>} [cpuStepsPerSecond] per game, per second of the process's CPU time
 * @property {string} measuredAt ISO time
 * @property {number} [loadAverage] the machine's 1-minute load average when measured (other work shares the cores)
 */

/** The env-speed file, or null when none was written. @returns {EnvSpeedFile | null} */
export function readEnvSpeed(path = ENV_SPEED_FILE) {
  return existsSync(path) ? /** @type {EnvSpeedFile} */ (JSON.parse(readFileSync(path, 'utf8'))) : null;
}

/** Training speed with the preset, written by train-speed.mjs. */
export const TRAIN_SPEED_FILE = join(RESULTS_DIR, 'train-speed.json');

/**
 * @typedef {object} TrainSpeedFile
 * @property {string} node
 * @property {string} backend
 * @property {number} updates updates per game (the first is left out of the timing)
 * @property {Record<string, number>} stepsPerSecond env steps/s of training, per game measured, wall clock
 * @property {Record<string, number>} [cpuStepsPerSecond] the same per second of the process's CPU time
 * @property {string} measuredAt ISO time
 * @property {number} [loadAverage] the machine's 1-minute load average when measured
 */

/** The train-speed file, or null when none was written. @returns {TrainSpeedFile | null} */
export function readTrainSpeed(path = TRAIN_SPEED_FILE) {
  return existsSync(path) ? /** @type {TrainSpeedFile} */ (JSON.parse(readFileSync(path, 'utf8'))) : null;
}

/**
 * The finished runs of one game and algorithm as table cells: seeds, mean ± sample std (the mean
 * alone for one seed, which has no spread to show), per seed.
 * @param {readonly MinAtarRunFile[]} done
 */
function scoreCells(done) {
  if (done.length === 0) return { seeds: '0', score: '—', perSeed: '—', mean: Number.NaN };
  const scores = done.map((r) => r.score ?? Number.NaN);
  const { mean, std } = meanStd(scores);
  return { seeds: String(done.length), score: done.length > 1 ? `${fmt(mean)} ± ${fmt(std)}` : fmt(mean), perSeed: scores.map((x) => fmt(x)).join(', '), mean };
}

/**
 * The markdown results table: per game the finished runs' mean ± sample std for PPO and for A2C,
 * the paper's DQN and AC(λ), the runs still under way with their progress, PPO runs trained with
 * other settings than the preset's (listed apart, not counted), and the games' own speed.
 * @param {readonly MinAtarRunFile[]} allRuns
 * @param {{ headingLevel?: number; runsPath?: string; plotsPath?: string; envSpeed?: EnvSpeedFile | null; trainSpeed?: TrainSpeedFile | null; preset?: Readonly<Record<string, unknown>> }} [options]
 *   `preset`: the PPO settings runs must have to count ({@link presetHyperparameters})
 */
export function resultsMarkdown(allRuns, { headingLevel = 1, runsPath = 'runs/', plotsPath = 'plots', envSpeed = null, trainSpeed = null, preset = presetHyperparameters() } = {}) {
  const h = '#'.repeat(headingLevel);
  const runs = allRuns.filter((r) => countsIn(r, preset));
  const lines = [
    `${h} PPO and A2C on MinAtar`,
    '',
    `Generated by \`pnpm bench:minatar\` (benchmarks/minatar/bench.mjs) from the run files in \`${runsPath}\`; do not edit by hand.`,
    "Each run: `MinAtar/<Game>-v0` (6 actions, sticky actions 0.1), 5M steps (= frames), scored by the mean raw return of its last 100 training episodes.",
    "PPO: @ppo/trainer's `minatar` preset (the paper's Atari settings with lr 5e-4 and clip 0.1 held constant and entropy 0.02; benchmarks/minatar/README.md says why). A2C: the A2C app's MinAtar setup (RL Zoo's Atari A2C settings: 16 envs × 5 steps, RMSprop lr 7e-4), on the same network.",
    'DQN and AC(λ): the MinAtar paper at 5M frames, read off its figures; the goal is the better of the two.',
    "Steps/s PPO / A2C: the mean of each run's own wall-clock rate, on whatever machine and load it ran, so it is a record, not a speed comparison; the speed tables below are each measured in one sitting.",
    '',
    '| game | PPO seeds | PPO score (mean ± std) | PPO per seed | A2C seeds | A2C score (mean ± std) | A2C per seed | DQN | AC(λ) | PPO goal met | steps/s PPO / A2C |',
    '|---|---:|---:|---|---:|---:|---|---:|---:|---|---:|',
  ];
  for (const game of GAMES) {
    const ref = REFERENCE[game];
    const goal = Math.max(ref.dqn, ref.acLambda);
    const doneOf = (/** @type {Algo} */ algo) => runs.filter((r) => r.game === game && algoOf(r) === algo && r.status === 'complete');
    const [ppo, a2c] = [doneOf('ppo'), doneOf('a2c')];
    const [p, a] = [scoreCells(ppo), scoreCells(a2c)];
    const speed = (/** @type {readonly MinAtarRunFile[]} */ done) => (done.length === 0 ? '—' : fmt(meanStd(done.map((r) => r.stepsPerSecond)).mean, 0));
    const met = ppo.length === 0 ? '—' : p.mean >= goal ? 'yes' : 'no';
    lines.push(`| ${game} | ${p.seeds} | ${p.score} | ${p.perSeed} | ${a.seeds} | ${a.score} | ${a.perSeed} | ${fmt(ref.dqn)} | ${fmt(ref.acLambda)} | ${met} | ${speed(ppo)} / ${speed(a2c)} |`);
  }
  const running = runs.filter((r) => r.status === 'running');
  if (running.length > 0) {
    lines.push('', `${h}# Runs under way`, '', '| run | steps | of | mean of the last 100 so far | steps/s |', '|---|---:|---:|---:|---:|');
    for (const r of running) {
      lines.push(`| ${r.game} ${ALGO_LABEL[algoOf(r)]} seed ${r.seed} | ${fmt(r.steps, 0)} | ${fmt(r.totalSteps, 0)} | ${fmt(r.score)} | ${fmt(r.stepsPerSecond, 0)} |`);
    }
  }
  const others = allRuns.filter((r) => !countsIn(r, preset));
  if (others.length > 0) {
    lines.push(
      '',
      `${h}# PPO runs with other settings`,
      '',
      "Trained with settings that differ from today's `minatar` preset, so not counted above or plotted: run, settings that differ (the run's → the preset's), steps, mean of the last 100 episodes.",
      '',
      '| run | settings that differ | steps | score |',
      '|---|---|---:|---:|',
    );
    for (const r of others) {
      const diff = settingsDiff(r, preset);
      const what = diff === null ? 'not recorded' : diff.map(([key, mine, theirs]) => `${key} ${JSON.stringify(mine)} → ${JSON.stringify(theirs)}`).join(', ');
      lines.push(`| ${r.game} seed ${r.seed}${r.status === 'running' ? ' (stopped or under way)' : ''} | ${what} | ${fmt(r.steps, 0)} | ${fmt(r.score)} |`);
    }
  }
  if (envSpeed !== null) {
    lines.push(
      '',
      `${h}# The games alone`,
      '',
      `Env steps/s of one env, random actions, resets included (benchmarks/minatar/env-speed.mjs, ${fmt(envSpeed.steps, 0)} steps per game, Node ${envSpeed.node}, ${envSpeed.measuredAt.slice(0, 10)}${loadNote(envSpeed.loadAverage)}):`,
      '',
      `| | ${GAMES.join(' | ')} |`,
      `|---|${GAMES.map(() => '---:').join('|')}|`,
      `| steps/s (wall clock) | ${GAMES.map((g) => fmt(envSpeed.stepsPerSecond[g], 0)).join(' | ')} |`,
      ...(envSpeed.cpuStepsPerSecond === undefined ? [] : [`| steps per CPU second | ${GAMES.map((g) => fmt(envSpeed.cpuStepsPerSecond?.[g], 0)).join(' | ')} |`]),
    );
  }
  if (trainSpeed !== null) {
    const measured = Object.keys(trainSpeed.stepsPerSecond);
    lines.push(
      '',
      `${h}# Training speed`,
      '',
      `Env steps/s of PPO training with the preset (benchmarks/minatar/train-speed.mjs: ${trainSpeed.updates} updates of 8 × 128 steps, the first left out; ${trainSpeed.backend} backend, Node ${trainSpeed.node}, ${trainSpeed.measuredAt.slice(0, 10)}${loadNote(trainSpeed.loadAverage)}):`,
      '',
      `| | ${measured.join(' | ')} |`,
      `|---|${measured.map(() => '---:').join('|')}|`,
      `| steps/s (wall clock) | ${measured.map((g) => fmt(trainSpeed.stepsPerSecond[g], 0)).join(' | ')} |`,
      ...(trainSpeed.cpuStepsPerSecond === undefined ? [] : [`| steps per CPU second | ${measured.map((g) => fmt(trainSpeed.cpuStepsPerSecond?.[g], 0)).join(' | ')} |`]),
    );
  }
  const plotted = GAMES.filter((g) => runs.some((r) => r.game === g));
  if (plotted.length > 0) {
    lines.push('', `${h}# Learning curves`, '');
    for (const game of plotted) lines.push(`![${game}](${plotsPath}/${game}.svg)`);
  }
  return `${lines.join('\n')}\n`;
}

/** Line colours per algorithm, one per seed: PPO in blues and greens, A2C in reds and oranges. @type {Readonly<Record<Algo, readonly string[]>>} */
const SEED_COLOURS = Object.freeze({ ppo: ['#4c78a8', '#54a24b', '#72b7b2', '#2f4b7c'], a2c: ['#e45756', '#f58518', '#b279a2', '#9d755d'] });

/**
 * One game's learning curves (every run of either algorithm, finished or under way) with the
 * paper's references as flat lines at 5M frames.
 * @param {string} game
 * @param {readonly MinAtarRunFile[]} runs
 */
export function gamePlotSvg(game, runs) {
  const ref = REFERENCE[game];
  /** @type {import('@ppo/trainer').PlotSeries[]} */
  const series = ALGOS.flatMap((algo) =>
    runs
      .filter((r) => algoOf(r) === algo)
      .map((r, i) => ({
        label: `${ALGO_LABEL[algo]} seed ${r.seed}${r.status === 'running' ? ' (under way)' : ''}`,
        xs: r.curve.steps,
        ys: r.curve.returns,
        color: SEED_COLOURS[algo][i % SEED_COLOURS[algo].length],
        style: /** @type {const} */ ('line'),
      })),
  );
  series.push({ label: `DQN ${ref.dqn}`, xs: [0, 5e6], ys: [ref.dqn, ref.dqn], color: '#888', style: 'line' });
  series.push({ label: `AC(λ) ${ref.acLambda}`, xs: [0, 5e6], ys: [ref.acLambda, ref.acLambda], color: '#bbb', style: 'line' });
  const algos = ALGOS.filter((algo) => runs.some((r) => algoOf(r) === algo)).map((algo) => ALGO_LABEL[algo]);
  return learningCurveSvg(series, { title: `MinAtar/${game}-v0 (${algos.join(' and ')})`, xLabel: 'env steps (frames)', yLabel: 'episodic return' });
}

/**
 * Regenerates README.md and plots/<game>.svg of a results tree (default the committed one) from
 * every run file in it; a game's plot shows the runs that count in the table.
 * @param {string} [root]
 */
export function writeReport(root = RESULTS_DIR) {
  const runs = readRuns(resultsLayout(root).runs);
  const readme = join(root, 'README.md');
  const preset = presetHyperparameters();
  writeAtomic(readme, resultsMarkdown(runs, { envSpeed: readEnvSpeed(join(root, 'env-speed.json')), trainSpeed: readTrainSpeed(join(root, 'train-speed.json')), preset }));
  for (const game of GAMES) {
    const mine = runs.filter((r) => r.game === game && countsIn(r, preset));
    const plot = join(root, 'plots', `${game}.svg`);
    // A plot of runs that no longer count would contradict the table.
    if (mine.length > 0) writeAtomic(plot, gamePlotSvg(game, mine));
    else rmSync(plot, { force: true });
  }
  return { runs, readme };
}

/** The score of a list of episode returns, as {@link SCORE_EPISODES} says. */
export const scoreOf = (/** @type {readonly number[]} */ returns) => meanOfLast(returns, SCORE_EPISODES);
