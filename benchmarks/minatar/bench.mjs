// @ts-check
/* global process, console, URL */
// PPO and A2C on the MinAtar games (the paper's Atari half, at MinAtar scale):
//   pnpm bench:minatar [--algo ppo|a2c] [--games Breakout,Seaquest] [--seeds 1,2,3] [--steps 5000000]
//                      [--backend auto] [--resume] [--skip-done] [--report-only] [--results-dir DIR]
// Runs one game x seed at a time, each in its own process (train-one.mjs); finished runs on disk
// are kept. README.md and plots/ are regenerated after every checkpoint and run.
import { fork } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { ALGOS, GAMES, RESULTS_DIR, resultsLayout, runName, writeReport } from './lib.mjs';

const USAGE = `usage: pnpm bench:minatar [--algo ${ALGOS.join('|')}] [--games ${GAMES.join(',')}] [--seeds 1,2,3] [--steps 5000000]
                          [--backend auto|wasm|cpu] [--resume] [--skip-done] [--report-only] [--results-dir DIR]`;

/** @param {string} message @returns {never} */
function usageError(message) {
  console.error(`${message}\n${USAGE}`);
  process.exit(2);
}

/** @type {Record<string, string | boolean | undefined>} */
let values = {};
try {
  ({ values } = parseArgs({
    options: {
      algo: { type: 'string', default: 'ppo' },
      games: { type: 'string', default: GAMES.join(',') },
      seeds: { type: 'string', default: '1,2,3' },
      steps: { type: 'string', default: '5000000' },
      backend: { type: 'string', default: 'auto' },
      resume: { type: 'boolean', default: false },
      'skip-done': { type: 'boolean', default: false },
      'report-only': { type: 'boolean', default: false },
      'results-dir': { type: 'string', default: RESULTS_DIR },
      help: { type: 'boolean', default: false },
    },
    strict: true,
    args: process.argv.slice(2).filter((a) => a !== '--'),
  }));
} catch (error) {
  usageError(error instanceof Error ? error.message : String(error));
}
if (values.help === true) {
  console.log(USAGE);
  process.exit(0);
}
const resultsRoot = String(values['results-dir']);
const { runs: runsDir, work: workDir } = resultsLayout(resultsRoot);
if (values['report-only'] === true) {
  const { runs, readme } = writeReport(resultsRoot);
  console.log(`${runs.length} run(s) -> ${readme}`);
  process.exit(0);
}
const games = String(values.games).split(',').filter((s) => s !== '');
for (const g of games) if (!GAMES.includes(g)) usageError(`--games: unknown game "${g}"`);
const seeds = String(values.seeds).split(',').map((s) => (/^\d+$/.test(s) ? Number(s) : usageError(`--seeds: "${s}" is not a non-negative integer`)));
const steps = /^\d+$/.test(String(values.steps)) ? Number(values.steps) : usageError('--steps must be a positive integer');
const backend = String(values.backend);
const algo = /** @type {import('./lib.mjs').Algo} */ (String(values.algo));
if (!ALGOS.includes(algo)) usageError(`--algo must be one of ${ALGOS.join(', ')}, got "${algo}"`);

const jobs = games
  .flatMap((game) => seeds.map((seed) => ({ game, seed })))
  .filter(({ game, seed }) => values['skip-done'] !== true || !existsSync(join(runsDir, `${runName(game, seed, algo)}.json`)));
mkdirSync(workDir, { recursive: true });
const child = fileURLToPath(new URL('./train-one.mjs', import.meta.url));
console.log(`${jobs.length} ${algo.toUpperCase()} run(s) of ${steps.toLocaleString('en-US')} steps; logs in ${workDir}`);

/** @type {import('node:child_process').ChildProcess | null} */
let running = null;
let stopping = false;
// Ctrl-C / SIGTERM: the run finishes its update, checkpoints and exits; --resume continues it.
for (const signal of /** @type {const} */ (['SIGINT', 'SIGTERM'])) {
  process.on(signal, () => {
    stopping = true;
    running?.kill(signal);
  });
}

let failures = 0;
for (const { game, seed } of jobs) {
  if (stopping) break;
  const log = createWriteStream(join(workDir, `${runName(game, seed, algo)}.log`), { flags: values.resume === true ? 'a' : 'w' });
  const args = ['--game', game, '--seed', String(seed), '--algo', algo, '--steps', String(steps), '--backend', backend, '--results-dir', resultsRoot];
  if (values.resume === true) args.push('--resume');
  const proc = fork(child, args, { stdio: ['ignore', 'pipe', 'pipe', 'ipc'], detached: true });
  running = proc;
  proc.stdout?.pipe(log);
  proc.stderr?.pipe(log);
  console.log(`[${algo} ${game} s${seed}] started (pid ${proc.pid ?? '?'})`);
  const code = await new Promise((resolve) => proc.on('exit', (c, s) => resolve(c ?? (s === null ? 1 : 128))));
  running = null;
  console.log(`[${algo} ${game} s${seed}] ${code === 0 ? 'finished' : `exited with ${String(code)}`}`);
  if (code !== 0) failures++;
}
const { runs, readme } = writeReport(resultsRoot);
console.log(`${runs.length} run(s) on disk -> ${readme}`);
if (failures > 0 || stopping) process.exitCode = 1;
