// @ts-check
/* global process, console, URL */
// The MuJoCo reproduction (issue: the paper's Figure 3 in Node):
//   pnpm bench:mujoco [--envs HalfCheetah-v5,Hopper-v5] [--seeds 1,2,3] [--steps 1000000]
//                     [--parallel 2] [--backend auto] [--variant NAME] [--resume] [--skip-done]
//                     [--report-only] [--status]
// Each env x seed trains in its own process (train-one.mjs), at most --parallel at once, and
// writes results/mujoco/runs/<env>-seed<n>.json; finished runs already on disk are kept, a
// re-run of the same env and seed replaces its file. README.md and plots/ are regenerated from
// every run file at the end (and after each run, so a long batch shows progress).
import { fork } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { MUJOCO_ENV_IDS } from '@ppo/envs-mujoco';
import { PAPER_ENVS, pendingRuns, runName, runStatus, SCORE_EPISODES, VARIANTS, WORK_DIR, writeReport } from './lib.mjs';

const USAGE = `usage: pnpm bench:mujoco [--envs ${PAPER_ENVS.slice(0, 2).join(',')}] [--seeds 1,2,3] [--steps 1000000] [--parallel 1]
                         [--backend auto|wasm|cpu] [--variant NAME] [--resume] [--skip-done] [--report-only] [--status]
  --envs         MuJoCo task ids, comma-separated (default: the paper's seven)
  --seeds        seeds, comma-separated non-negative integers (default 1,2,3)
  --steps        env steps per run (default 1000000, the paper's budget)
  --parallel     runs at once, one process each (default 1; the machine has 2 cores)
  --backend      tfjs backend (default auto: wasm here)
  --variant      run a named change to the preset instead of the preset itself: ${Object.keys(VARIANTS).join(', ')}
  --resume       continue a run from its last checkpoint instead of starting it again
  --skip-done    leave out the env x seed pairs that already have a result of --steps steps
  --report-only  only regenerate README.md and the plots from the run files
  --status       print the progress of every run directory (finished or not) and exit`;

/**
 * @param {string} message
 * @returns {never}
 */
function usageError(message) {
  console.error(`${message}\n${USAGE}`);
  process.exit(2);
}

/**
 * Parses a comma-separated list of non-negative integers.
 * @param {string} flag
 * @param {string} text
 * @param {number} max exclusive upper bound
 */
function intList(flag, text, max) {
  const items = text.split(',').map((s) => s.trim()).filter((s) => s !== '');
  if (items.length === 0) usageError(`${flag} must list at least one value, got "${text}"`);
  return items.map((s) => {
    const n = Number(s);
    if (!/^\d+$/.test(s) || n >= max) usageError(`${flag}: "${s}" is not an integer in [0, ${max})`);
    return n;
  });
}

/** @type {ReturnType<typeof parseArgs>['values'] & Record<string, string | boolean | undefined>} */
let values;
try {
  ({ values } = parseArgs({
    options: {
      envs: { type: 'string', default: PAPER_ENVS.join(',') },
      seeds: { type: 'string', default: '1,2,3' },
      steps: { type: 'string', default: '1000000' },
      parallel: { type: 'string', default: '1' },
      backend: { type: 'string', default: 'auto' },
      variant: { type: 'string' },
      resume: { type: 'boolean', default: false },
      'skip-done': { type: 'boolean', default: false },
      'report-only': { type: 'boolean', default: false },
      status: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
    strict: true,
    // pnpm passes a lone `--` through when the script is called as `pnpm bench:mujoco -- ...`.
    args: process.argv.slice(2).filter((a) => a !== '--'),
  }));
} catch (error) {
  usageError(error instanceof Error ? error.message : String(error));
}
if (values.help === true) {
  console.log(USAGE);
  process.exit(0);
}
const envs = String(values.envs).split(',').map((s) => s.trim()).filter((s) => s !== '');
const knownIds = MUJOCO_ENV_IDS.map((r) => r.id);
for (const env of envs) if (!knownIds.includes(env)) usageError(`--envs: unknown task "${env}"; expected some of ${knownIds.join(', ')}`);
if (envs.length === 0) usageError('--envs must list at least one task');
const seeds = intList('--seeds', String(values.seeds), 2 ** 32);
const [steps] = intList('--steps', String(values.steps), Number.MAX_SAFE_INTEGER);
if (steps < 1) usageError('--steps must be at least 1');
const [parallel] = intList('--parallel', String(values.parallel), 65);
if (parallel < 1) usageError('--parallel must be at least 1');
const backend = String(values.backend);
if (!['auto', 'wasm', 'cpu', 'tensorflow'].includes(backend)) usageError(`--backend must be auto, wasm, cpu or tensorflow, got "${backend}"`);

const variant = values.variant === undefined ? null : String(values.variant);
if (variant !== null && !(variant in VARIANTS)) usageError(`--variant: unknown variant "${variant}"; expected one of ${Object.keys(VARIANTS).join(', ')}`);

if (values.status === true) {
  for (const s of runStatus()) {
    const total = s.totalSteps === null ? '?' : s.totalSteps.toLocaleString('en-US');
    const score = s.recentScore === null ? '—' : s.recentScore.toFixed(1);
    console.log(`${s.run}: ${s.step.toLocaleString('en-US')} / ${total} steps, ${s.episodes} episodes, mean of the last ${SCORE_EPISODES} ${score}, ${s.stepsPerSecond ?? '—'} steps/s`);
  }
  process.exit(0);
}
if (values['report-only'] === true) {
  const { results, readme } = writeReport();
  console.log(`${results.length} run(s) -> ${readme}`);
  process.exit(0);
}

const child = fileURLToPath(new URL('./train-one.mjs', import.meta.url));
const jobs = pendingRuns(envs, seeds, steps, { skipDone: values['skip-done'] === true, variant });
mkdirSync(WORK_DIR, { recursive: true });
console.log(`${jobs.length} run(s) of ${steps.toLocaleString('en-US')} steps, ${parallel} at a time; logs in ${WORK_DIR}`);

/** @type {Set<import('node:child_process').ChildProcess>} */
const running = new Set();
let stopping = false;
// Forward Ctrl-C / SIGTERM to the runs: each finishes its update, checkpoints and exits, so
// `--resume` can continue it later.
for (const signal of /** @type {const} */ (['SIGINT', 'SIGTERM'])) {
  process.on(signal, () => {
    stopping = true;
    for (const proc of running) proc.kill(signal);
  });
}

/**
 * Runs one env x seed in a child process; resolves with its exit code.
 * @param {{ env: string; seed: number }} job
 * @returns {Promise<number>}
 */
function runJob({ env, seed }) {
  const tag = `[${env} s${seed}${variant === null ? '' : ` ${variant}`}]`;
  const log = createWriteStream(join(WORK_DIR, `${runName(env, seed, variant)}.log`), { flags: values.resume === true ? 'a' : 'w' });
  const args = ['--env', env, '--seed', String(seed), '--steps', String(steps), '--backend', backend];
  if (variant !== null) args.push('--variant', variant);
  if (values.resume === true) args.push('--resume');
  // Own process group: a terminal's Ctrl-C reaches only this process, which forwards it once (a
  // second SIGINT makes a run exit without its checkpoint).
  const proc = fork(child, args, { stdio: ['ignore', 'pipe', 'pipe', 'ipc'], detached: true });
  running.add(proc);
  console.log(`${tag} started (pid ${proc.pid ?? '?'})`);
  let updates = 0;
  /** @param {Buffer} chunk */
  const forward = (chunk) => {
    log.write(chunk);
    for (const line of chunk.toString().split('\n')) {
      // One progress line in 25 updates keeps the console readable; everything goes to the log.
      const progress = line.startsWith('step=');
      if (progress) updates++;
      if ((progress && updates % 25 === 1) || /^RESULT |error|Error|stopped/.test(line)) console.log(`${tag} ${line}`);
    }
  };
  proc.stdout?.on('data', forward);
  proc.stderr?.on('data', forward);
  return new Promise((resolve) => {
    proc.on('exit', (code, signal) => {
      running.delete(proc);
      log.end();
      const status = code ?? (signal === null ? 1 : 128);
      console.log(`${tag} ${status === 0 ? 'finished' : `exited with ${signal ?? String(code)}`}`);
      if (status === 0) writeReport();
      resolve(status);
    });
  });
}

let next = 0;
let failures = 0;
async function worker() {
  while (!stopping && next < jobs.length) {
    const job = jobs[next++];
    if ((await runJob(job)) !== 0) failures++;
  }
}
await Promise.all(Array.from({ length: Math.min(parallel, jobs.length) }, () => worker()));
const { results, readme } = writeReport();
console.log(`${results.length} run(s) on disk -> ${readme}`);
if (failures > 0 || stopping) process.exitCode = 1;
