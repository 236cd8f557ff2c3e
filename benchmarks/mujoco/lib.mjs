// @ts-check
/* global process */
// The MuJoCo reproduction's result files, scores, curves, table and plots. Pure functions plus
// the few file helpers that bench.mjs and train-one.mjs share.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { learningCurveSvg } from '@ppo/trainer';
import { readMetrics } from '@ppo/trainer/node';

/** benchmarks/results/mujoco: the committed results (JSON per run, README table, plots). */
export const RESULTS_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'results', 'mujoco');
/** Where the committed result file of each run lives. */
export const RUNS_DIR = join(RESULTS_DIR, 'runs');
/** Run directories (checkpoints, action logs, metrics): large, not committed (.gitignore). */
export const WORK_DIR = join(RESULTS_DIR, 'work');
/** Episodes the score averages over: the paper scores a run by its last 100 episodes. */
export const SCORE_EPISODES = 100;
/** Points kept in a run's learning curve. */
export const CURVE_POINTS = 200;

/**
 * The paper's seven tasks with the reference figures of REFERENCE.md: the paper's Figure 3 at 1M
 * steps (read off the plot, via tianshou's README), the issue's targets, and CleanRL's
 * ppo_continuous_action.py on Gymnasium v4 (1M steps, 3 seeds; null where it publishes none).
 * @type {Readonly<Record<string, { paper: number; target: number; cleanrl: { mean: number; std: number } | null }>>}
 */
export const REFERENCE = Object.freeze({
  'HalfCheetah-v5': { paper: 1800, target: 1800, cleanrl: { mean: 1442.64, std: 46.03 } },
  'Hopper-v5': { paper: 2330, target: 2300, cleanrl: { mean: 2382.86, std: 271.74 } },
  'Walker2d-v5': { paper: 3460, target: 3400, cleanrl: { mean: 2287.95, std: 571.78 } },
  'Swimmer-v5': { paper: 108, target: 100, cleanrl: null },
  'InvertedPendulum-v5': { paper: 1000, target: 950, cleanrl: { mean: 963.09, std: 22.2 } },
  'InvertedDoublePendulum-v5': { paper: 8000, target: 7500, cleanrl: null },
  'Reacher-v5': { paper: -7, target: -7, cleanrl: null },
});

/** The paper's seven tasks, the default of `--envs`. */
export const PAPER_ENVS = Object.freeze(Object.keys(REFERENCE));

/**
 * Named changes to the `mujoco` preset, run with `--variant NAME` to find out what a detail is
 * worth. Their results sit beside the preset's runs and are tabulated apart, next to the same
 * seed without the change.
 * @type {Readonly<Record<string, { overrides: Readonly<Record<string, unknown>>; about: string }>>}
 */
export const VARIANTS = Object.freeze({
  'no-truncation-bootstrap': {
    overrides: { bootstrapTruncated: false },
    about: "GAE ends a time-limit truncation like a termination (no bootstrap from the final observation), as CleanRL's ppo_continuous_action.py does",
  },
  'raw-rewards': {
    overrides: { normalizeReward: false, clipReward: null },
    about: 'rewards reach GAE unscaled: no NormalizeReward and no reward clip (observations are still normalized)',
  },
  'gamma-0.9999': {
    overrides: { gamma: 0.9999 },
    about: "discount 0.9999 instead of the paper's 0.99, the discount RL Baselines3 Zoo's tuned Swimmer settings use (its return rewards progress over the whole 1,000 steps)",
  },
});

/**
 * @typedef {object} RunResultFile
 * @property {string} env registry id
 * @property {number} seed master seed of the run
 * @property {number} steps env steps trained
 * @property {number} totalSteps the run's budget
 * @property {number | null} score mean raw return of the last `scoreEpisodes` episodes (null when none finished)
 * @property {number} scoreEpisodes episodes averaged (100, fewer if the run had fewer)
 * @property {number} episodes episodes finished
 * @property {number} wallSeconds wall time over all sittings, replay of a resume included
 * @property {number} stepsPerSecond steps / wallSeconds
 * @property {string} backend tfjs backend
 * @property {string} commit git commit of the code (with `+dirty` when the tree had changes)
 * @property {string} preset trainer preset
 * @property {string} finishedAt ISO time
 * @property {{ steps: number[]; returns: number[] }} curve mean raw return per step bin
 * @property {string} [variant] the name of a {@link VARIANTS} entry; absent for the preset itself
 * @property {Record<string, unknown>} [overrides] the variant's config changes
 */

/**
 * Mean of the last `count` values (all of them if fewer), or null for none.
 * @param {readonly number[]} values
 * @param {number} count
 * @returns {number | null}
 */
export function meanOfLast(values, count) {
  if (!Number.isInteger(count) || count < 1) throw new RangeError(`count must be a positive integer, got ${String(count)}`);
  if (values.length === 0) return null;
  const tail = values.slice(-count);
  return tail.reduce((a, b) => a + b, 0) / tail.length;
}

/**
 * Mean and sample standard deviation (n - 1; 0 for one value) of a non-empty list.
 * @param {readonly number[]} values
 * @returns {{ mean: number; std: number }}
 */
export function meanStd(values) {
  if (values.length === 0) throw new RangeError('values must be non-empty, got an empty list');
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  if (values.length === 1) return { mean, std: 0 };
  const ss = values.reduce((a, b) => a + (b - mean) ** 2, 0);
  return { mean, std: Math.sqrt(ss / (values.length - 1)) };
}

/**
 * Downsamples a run's episodes to a learning curve: the budget is cut into `points` equal step
 * bins and each bin with finished episodes gives (bin end, mean return of those episodes). A
 * fixed grid lets the curves of different seeds line up.
 * @param {readonly { step: number; ret: number }[]} episodes in step order
 * @param {number} totalSteps
 * @param {number} [points]
 * @returns {{ steps: number[]; returns: number[] }}
 */
export function downsampleCurve(episodes, totalSteps, points = CURVE_POINTS) {
  if (!Number.isInteger(totalSteps) || totalSteps < 1) throw new RangeError(`totalSteps must be a positive integer, got ${String(totalSteps)}`);
  if (!Number.isInteger(points) || points < 1) throw new RangeError(`points must be a positive integer, got ${String(points)}`);
  const sums = new Float64Array(points);
  const counts = new Int32Array(points);
  for (const { step, ret } of episodes) {
    if (!Number.isFinite(ret)) continue;
    const bin = Math.min(points - 1, Math.max(0, Math.ceil((step * points) / totalSteps) - 1));
    sums[bin] += ret;
    counts[bin] += 1;
  }
  /** @type {{ steps: number[]; returns: number[] }} */
  const curve = { steps: [], returns: [] };
  for (let b = 0; b < points; b++) {
    if (counts[b] === 0) continue;
    curve.steps.push(Math.round(((b + 1) * totalSteps) / points));
    curve.returns.push(Number((sums[b] / counts[b]).toFixed(3)));
  }
  return curve;
}

/**
 * The finished episodes in a run's metrics records (`charts/episodic_return` lines).
 * @param {readonly { step: number; metrics: Readonly<Record<string, number>> }[]} records
 * @returns {{ step: number; ret: number }[]}
 */
export function episodesFromMetrics(records) {
  /** @type {{ step: number; ret: number }[]} */
  const out = [];
  for (const r of records) {
    const ret = r.metrics['charts/episodic_return'];
    if (ret !== undefined && Number.isFinite(ret)) out.push({ step: r.step, ret });
  }
  return out;
}

/**
 * A run's name, shared by its result file, run directory and log: `<env>-seed<n>`, plus
 * `.<variant>` for a variant.
 * @param {string} env
 * @param {number} seed
 * @param {string | null} [variant]
 */
export function runName(env, seed, variant = null) {
  return `${env}-seed${seed}${variant === null ? '' : `.${variant}`}`;
}

/**
 * The result file of one run.
 * @param {string} env
 * @param {number} seed
 * @param {{ variant?: string | null; runsDir?: string }} [options]
 */
export function resultPath(env, seed, { variant = null, runsDir = RUNS_DIR } = {}) {
  return join(runsDir, `${runName(env, seed, variant)}.json`);
}

/**
 * The env x seed pairs still to run. With `skipDone`, a pair whose result file was asked for
 * `steps` env steps is left out; the run itself stops at a whole number of rollouts, so the
 * file's `totalSteps` (the request), not its `steps` (what ran), is compared.
 * @param {string[]} envs
 * @param {number[]} seeds
 * @param {number} steps
 * @param {{ skipDone: boolean; variant?: string | null; runsDir?: string }} options
 * @returns {{ env: string; seed: number }[]}
 */
export function pendingRuns(envs, seeds, steps, { skipDone, variant = null, runsDir = RUNS_DIR }) {
  return envs
    .flatMap((env) => seeds.map((seed) => ({ env, seed })))
    .filter(({ env, seed }) => {
      const file = resultPath(env, seed, { variant, runsDir });
      if (!skipDone || !existsSync(file)) return true;
      const done = /** @type {{ totalSteps: number }} */ (JSON.parse(readFileSync(file, 'utf8')));
      return done.totalSteps !== steps;
    });
}

/**
 * The run directory of one run.
 * @param {string} env
 * @param {number} seed
 * @param {string | null} [variant]
 */
export function workPath(env, seed, variant = null) {
  return join(WORK_DIR, runName(env, seed, variant));
}

/**
 * Writes a file atomically (temporary file, then rename), creating its folder.
 * @param {string} path
 * @param {string} contents
 */
export function writeAtomic(path, contents) {
  mkdirSync(dirname(path), { recursive: true });
  const temp = `${path}.tmp-${process.pid}`;
  writeFileSync(temp, contents);
  renameSync(temp, path);
}

/**
 * Every committed run result, sorted by env then seed.
 * @param {string} [dir]
 * @returns {RunResultFile[]}
 */
export function readResults(dir = RUNS_DIR) {
  if (!existsSync(dir)) return [];
  /** @type {RunResultFile[]} */
  const results = [];
  for (const name of readdirSync(dir)) {
    if (!name.endsWith('.json')) continue;
    const parsed = /** @type {RunResultFile} */ (JSON.parse(readFileSync(join(dir, name), 'utf8')));
    if (typeof parsed.env !== 'string' || !Number.isInteger(parsed.seed)) throw new TypeError(`${join(dir, name)} is not a run result (env, seed missing)`);
    results.push(parsed);
  }
  const order = (/** @type {RunResultFile} */ r) => `${r.variant ?? ''}\u0000${r.env}`;
  return results.sort((a, b) => (order(a) === order(b) ? a.seed - b.seed : order(a) < order(b) ? -1 : 1));
}

/**
 * The code's commit, `+dirty` when tracked files differ from it (the harness's own outputs under
 * benchmarks/results aside: it rewrites the table after every run); `unknown` outside git.
 */
export function gitCommit() {
  try {
    const cwd = dirname(fileURLToPath(import.meta.url));
    const head = execFileSync('git', ['rev-parse', '--short=12', 'HEAD'], { cwd, encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no', '--', ':(top)', ':(top,exclude)benchmarks/results'], { cwd, encoding: 'utf8' }).trim() !== '';
    return dirty ? `${head}+dirty` : head;
  } catch {
    return 'unknown';
  }
}

/**
 * @param {number | null | undefined} x
 * @param {number} [digits]
 */
function fmt(x, digits = 0) {
  if (x === null || x === undefined || !Number.isFinite(x)) return '—';
  return x.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

/**
 * Digits to show for a score of this size (Reacher's -7 needs decimals, HalfCheetah's 1800 none).
 * @param {number} x
 */
function digitsFor(x) {
  return Math.abs(x) < 100 ? 1 : 0;
}

/**
 * The markdown report of the results (README.md of benchmarks/results/mujoco): a summary table,
 * per env the mean +- sample std of the final score over seeds against the paper's, the
 * target's and CleanRL's figures; then one row per run (score, speed, wall time and the commit
 * of the code, flagged when the tree had uncommitted changes). Two narrow tables rather than one
 * wide one, so both read on a laptop screen. The defaults fit that README; a page elsewhere (the
 * docs site) says where it finds the run files and plots and at which level its title sits.
 * @param {readonly RunResultFile[]} results
 * @param {{ headingLevel?: number; runsPath?: string; plotsPath?: string }} [options] headingLevel: the title's
 *   (sections one deeper), 1 to 5; runsPath: the run files' folder as the text names it; plotsPath: the folder
 *   of the `<env>.svg` plots as the page links it
 * @returns {string}
 */
export function resultsMarkdown(results, { headingLevel = 1, runsPath = 'runs/', plotsPath = 'plots' } = {}) {
  if (!Number.isInteger(headingLevel) || headingLevel < 1 || headingLevel > 5) {
    throw new RangeError(`headingLevel must be an integer from 1 to 5, got ${String(headingLevel)}`);
  }
  const presetRuns = results.filter((r) => r.variant === undefined);
  /** @type {Map<string, RunResultFile[]>} */
  const byEnv = new Map();
  for (const r of presetRuns) byEnv.set(r.env, [...(byEnv.get(r.env) ?? []), r]);
  const envs = [...PAPER_ENVS.filter((e) => byEnv.has(e)), ...[...byEnv.keys()].filter((e) => !(e in REFERENCE)).sort()];
  const lines = [
    `${'#'.repeat(headingLevel)} PPO on MuJoCo (Gymnasium v5 tasks), reproduced in Node`,
    '',
    `Generated by \`pnpm bench:mujoco\` (benchmarks/mujoco/bench.mjs) from the run files in \`${runsPath}\`; do not edit by hand.`,
    "Each run: @ppo/trainer's `mujoco` preset (the paper's Table 3 with CleanRL's continuous-control wrappers), one env,",
    'scored as the paper scores it: the mean raw return of its last 100 training episodes.',
    'Score = mean ± sample std over seeds. Paper = Figure 3 of Schulman et al. (2017) at 1M steps, read off the plot;',
    "target = the value this reproduction aims for; CleanRL = ppo_continuous_action.py on Gymnasium **v4**, 1M steps, 3 seeds.",
    '',
    '| env | seeds | score (mean ± std) | paper | target | CleanRL (v4) | score / target |',
    '|---|---:|---:|---:|---:|---:|---:|',
  ];
  for (const env of envs) {
    const runs = byEnv.get(env) ?? [];
    const scored = runs.flatMap((r) => (r.score !== null && Number.isFinite(r.score) ? [r.score] : []));
    const ref = REFERENCE[env];
    let score = '—';
    let ratio = '—';
    if (scored.length > 0) {
      const { mean, std } = meanStd(scored);
      const d = digitsFor(mean);
      score = scored.length > 1 ? `${fmt(mean, d)} ± ${fmt(std, d)}` : fmt(mean, d);
      if (ref !== undefined) ratio = ref.target < 0 ? fmt(ref.target / mean, 2) : fmt(mean / ref.target, 2);
    }
    const cleanrl = ref?.cleanrl ? `${fmt(ref.cleanrl.mean)} ± ${fmt(ref.cleanrl.std)}` : '—';
    lines.push(`| ${env} | ${scored.length} | ${score} | ${fmt(ref?.paper)} | ${fmt(ref?.target)} | ${cleanrl} | ${ratio} |`);
  }
  if (envs.length === 0) lines.push('| (no runs yet) | | | | | | |');
  const backends = [...new Set(presetRuns.map((r) => r.backend))].join(', ') || '—';
  lines.push('', `score / target: how far the mean reaches the target (for Reacher's negative returns, target / score). Backends: ${backends}.`);
  lines.push(...runsMarkdown(envs.flatMap((env) => byEnv.get(env) ?? []), headingLevel + 1));
  lines.push(...variantsMarkdown(results, headingLevel + 1));
  lines.push(
    '',
    'Learning curves (mean raw return of the episodes finished in each of 200 step bins, one line per seed; flat lines: the paper in black, CleanRL in grey):',
    '',
    ...envs.map((env) => `![${env}](${plotsPath}/${env}.svg)`),
    '',
  );
  return lines.join('\n');
}

/** The suffix gitCommit() gives a commit whose tree had uncommitted changes. */
const DIRTY = '+dirty';

/**
 * The per-run section of the results page: each preset run's score, steps, speed, wall time and
 * code, and what a `+dirty` commit means. Empty when no run has finished.
 * @param {readonly RunResultFile[]} runs the preset's runs, in table order
 * @param {number} headingLevel of its heading
 * @returns {string[]}
 */
function runsMarkdown(runs, headingLevel) {
  if (runs.length === 0) return [];
  const lines = [
    '',
    `${'#'.repeat(headingLevel)} Every run`,
    '',
    '| env | seed | score | steps | steps/s | wall time | code |',
    '|---|---:|---:|---:|---:|---:|---|',
  ];
  for (const r of runs) {
    const code = r.commit.endsWith(DIRTY) ? `${r.commit.slice(0, -DIRTY.length)}*` : r.commit;
    lines.push(`| ${r.env} | ${r.seed} | ${fmt(r.score, digitsFor(r.score ?? 0))} | ${fmt(r.steps)} | ${fmt(r.stepsPerSecond)} | ${fmt(r.wallSeconds / 60, 1)} min | ${code} |`);
  }
  const dirty = runs.filter((r) => r.commit.endsWith(DIRTY));
  lines.push(
    '',
    'Every run file is in these tables: an env with fewer seeds had fewer runs, none was left out.',
    '',
    dirty.length === 0
      ? 'Every run was trained on committed code (its commit is in the table).'
      : `\\* ${dirty.length} of ${runs.length} runs were trained on a working tree with uncommitted changes to tracked files (the harness records the commit with \`${DIRTY}\`, not the changes): the code of those runs is that commit plus changes that are not on record.`,
  );
  return lines;
}

/**
 * The variants section of the results page: each variant run beside the preset's run of the
 * same env and seed. Empty when no variant has run.
 * @param {readonly RunResultFile[]} results
 * @param {number} headingLevel of its heading
 * @returns {string[]}
 */
function variantsMarkdown(results, headingLevel) {
  const variantRuns = results.filter((r) => r.variant !== undefined);
  if (variantRuns.length === 0) return [];
  const lines = [
    '',
    `${'#'.repeat(headingLevel)} Variants`,
    '',
    'The same runs with one detail of the preset changed (`--variant NAME`), scored the same way, beside the preset\'s run of the same env and seed:',
    '',
    ...[...new Set(variantRuns.map((r) => r.variant))].map((name) => `- \`${name}\`: ${VARIANTS[name ?? '']?.about ?? '(no longer defined)'}.`),
    '',
    '| variant | env | seed | steps | score | preset, same seed | difference |',
    '|---|---|---:|---:|---:|---:|---:|',
  ];
  for (const r of variantRuns) {
    const preset = results.find((p) => p.variant === undefined && p.env === r.env && p.seed === r.seed && p.totalSteps === r.totalSteps);
    const presetScore = preset?.score ?? null;
    const diff = r.score !== null && presetScore !== null ? r.score - presetScore : null;
    const d = digitsFor(r.score ?? 0);
    lines.push(`| ${r.variant} | ${r.env} | ${r.seed} | ${fmt(r.steps)} | ${fmt(r.score, d)} | ${fmt(presetScore, d)} | ${diff === null ? '—' : `${diff > 0 ? '+' : ''}${fmt(diff, d)}`} |`);
  }
  return lines;
}

const SEED_COLOURS = ['#4c78a8', '#e45756', '#54a24b', '#b279a2', '#f58518', '#72b7b2', '#9d755d', '#bab0ac'];

/**
 * One env's plot: every seed's curve, and the paper's and CleanRL's scores as flat lines.
 * @param {string} env
 * @param {readonly RunResultFile[]} runs this env's runs
 * @returns {string} an SVG document
 */
export function envPlotSvg(env, runs) {
  const xMax = Math.max(1, ...runs.map((r) => r.totalSteps));
  /** @type {import('@ppo/trainer').PlotSeries[]} */
  const series = runs.map((r, k) => ({
    label: `seed ${r.seed} (score ${fmt(r.score, digitsFor(r.score ?? 0))})`,
    xs: r.curve.steps,
    ys: r.curve.returns,
    color: SEED_COLOURS[k % SEED_COLOURS.length],
    style: 'line',
  }));
  const ref = REFERENCE[env];
  if (ref !== undefined) series.push({ label: `paper, Figure 3 (${fmt(ref.paper)})`, xs: [0, xMax], ys: [ref.paper, ref.paper], color: '#222222', style: 'line' });
  if (ref?.cleanrl) {
    series.push({ label: `CleanRL v4 (${fmt(ref.cleanrl.mean)})`, xs: [0, xMax], ys: [ref.cleanrl.mean, ref.cleanrl.mean], color: '#888888', style: 'line' });
  }
  // Below the plot: inside, the legend covered curves that rise into the top-left corner (Reacher's).
  return learningCurveSvg(series, { title: `PPO on ${env}`, yLabel: 'episodic return (raw)' });
}

/**
 * Regenerates README.md and plots/<env>.svg from every run result on disk.
 * @returns {{ results: RunResultFile[]; readme: string }}
 */
export function writeReport() {
  const results = readResults();
  const readme = join(RESULTS_DIR, 'README.md');
  writeAtomic(readme, resultsMarkdown(results));
  const presetRuns = results.filter((r) => r.variant === undefined);
  for (const env of new Set(presetRuns.map((r) => r.env))) {
    writeAtomic(join(RESULTS_DIR, 'plots', `${env}.svg`), envPlotSvg(env, presetRuns.filter((r) => r.env === env)));
  }
  return { results, readme };
}

/**
 * The progress of every run directory under `workDir` (finished or not), from its metrics: the
 * last update's step and steps/s and the mean raw return of its last 100 episodes so far.
 * @param {string} [workDir]
 * @returns {{ run: string; step: number; totalSteps: number | null; episodes: number; recentScore: number | null; stepsPerSecond: number | null }[]}
 */
export function runStatus(workDir = WORK_DIR) {
  if (!existsSync(workDir)) return [];
  return readdirSync(workDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .sort((a, b) => (a.name < b.name ? -1 : 1))
    .map((entry) => {
      const dir = join(workDir, entry.name);
      const records = readMetrics(join(dir, 'metrics.jsonl'));
      const updates = records.filter((r) => r.metrics['charts/SPS'] !== undefined);
      const last = updates.at(-1);
      const episodes = episodesFromMetrics(records);
      const configPath = join(dir, 'config.json');
      const totalSteps = existsSync(configPath) ? Number(JSON.parse(readFileSync(configPath, 'utf8')).totalSteps) : null;
      return {
        run: entry.name,
        step: last?.step ?? 0,
        totalSteps,
        episodes: episodes.length,
        recentScore: meanOfLast(episodes.map((e) => e.ret), SCORE_EPISODES),
        stepsPerSecond: last?.metrics['charts/SPS'] ?? null,
      };
    });
}
