// @ts-check
/* global process, console, URL */
// PPO on the MinAtar games (the paper's Atari half, at MinAtar scale):
//   pnpm bench:minatar [--games Breakout,Seaquest] [--seeds 1,2,3] [--steps 5000000]
//                      [--backend auto] [--resume] [--skip-done] [--report-only]
// Runs one game x seed at a time, each in its own process (train-one.mjs); finished runs on disk
// are kept. README.md and plots/ are regenerated after every checkpoint and run.
import { fork } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { GAMES, runName, RUNS_DIR, WORK_DIR, writeReport } from './lib.mjs';

const USAGE = `usage: pnpm bench:minatar [--games ${GAMES.join(',')}] [--seeds 1,2,3] [--steps 5000000]
                          [--backend auto|wasm|cpu] [--resume] [--skip-done] [--report-only]`;

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
      games: { type: 'string', default: GAMES.join(',') },
      seeds: { type: 'string', default: '1,2,3' },
      steps: { type: 'string', default: '5000000' },
      backend: { type: 'string', default: 'auto' },
      resume: { type: 'boolean', default: false },
      'skip-done': { type: 'boolean', default: false },
      'report-only': { type: 'boolean', default: false },
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
if (values['report-only'] === true) {
  const { runs, readme } = writeReport();
  console.log(`${runs.length} run(s) -> ${readme}`);
  process.exit(0);
}
const games = String(values.games).split(',').filter((s) => s !== '');
for (const g of games) if (!GAMES.includes(g)) usageError(`--games: unknown game "${g}"`);
const seeds = String(values.seeds).split(',').map((s) => (/^\d+$/.test(s) ? Number(s) : usageError(`--seeds: "${s}" is not a non-negative integer`)));
const steps = /^\d+$/.test(String(values.steps)) ? Number(values.steps) : usageError('--steps must be a positive integer');
const backend = String(values.backend);

const jobs = games
  .flatMap((game) => seeds.map((seed) => ({ game, seed })))
  .filter(({ game, seed }) => values['skip-done'] !== true || !existsSync(join(RUNS_DIR, `${runName(game, seed)}.json`)));
mkdirSync(WORK_DIR, { recursive: true });
const child = fileURLToPath(new URL('./train-one.mjs', import.meta.url));
console.log(`${jobs.length} run(s) of ${steps.toLocaleString('en-US')} steps; logs in ${WORK_DIR}`);

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
  const log = createWriteStream(join(WORK_DIR, `${runName(game, seed)}.log`), { flags: values.resume === true ? 'a' : 'w' });
  const args = ['--game', game, '--seed', String(seed), '--steps', String(steps), '--backend', backend];
  if (values.resume === true) args.push('--resume');
  const proc = fork(child, args, { stdio: ['ignore', 'pipe', 'pipe', 'ipc'], detached: true });
  running = proc;
  proc.stdout?.pipe(log);
  proc.stderr?.pipe(log);
  console.log(`[${game} s${seed}] started (pid ${proc.pid ?? '?'})`);
  const code = await new Promise((resolve) => proc.on('exit', (c, s) => resolve(c ?? (s === null ? 1 : 128))));
  running = null;
  console.log(`[${game} s${seed}] ${code === 0 ? 'finished' : `exited with ${String(code)}`}`);
  if (code !== 0) failures++;
}
const { runs, readme } = writeReport();
console.log(`${runs.length} run(s) on disk -> ${readme}`);
if (failures > 0 || stopping) process.exitCode = 1;
