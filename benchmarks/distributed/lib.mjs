// @ts-check
// The pure parts of the distributed throughput benchmark (bench.mjs): the run's config, the
// figures taken from each update's timings and traffic, and the report's table.

/** The tasks of the report (issue: HalfCheetah and Humanoid). */
export const DEFAULT_ENVS = Object.freeze(['HalfCheetah-v5', 'Humanoid-v5']);
/** Worker process counts compared with the single process (0 in a run's record). */
export const DEFAULT_WORKERS = Object.freeze([1, 2, 4]);

/**
 * The `mujoco` preset's overrides for a throughput run: `numEnvs` slots of `numSteps` steps
 * (4 x 512 keeps the preset's 2048 steps per update while giving each worker a slot) and a
 * budget of `updates` updates. The preset's normalization stays on (with workers, each slot
 * normalizes with its own statistics).
 * @param {{ env: string; updates: number; numEnvs: number; numSteps: number; seed: number }} options
 */
export function benchConfig({ env, updates, numEnvs, numSteps, seed }) {
  for (const [name, value] of Object.entries({ updates, numEnvs, numSteps })) {
    if (!Number.isInteger(value) || value < 1) throw new RangeError(`${name} must be a positive integer, got ${String(value)}`);
  }
  if (!Number.isInteger(seed) || seed < 0) throw new RangeError(`seed must be a non-negative integer, got ${String(seed)}`);
  return { env, seed, numEnvs, numSteps, totalSteps: updates * numEnvs * numSteps };
}

/**
 * @typedef {object} UpdateSample one update as the learner measured it
 * @property {number} steps env steps in the rollout
 * @property {number} rolloutSeconds wall time of the rollout (collecting, or waiting for the workers' chunks)
 * @property {number} updateSeconds wall time of the advantage estimate and the PPO update
 * @property {number} bytes bytes through the server for the rollout (weights, tasks, chunks, actions); 0 in one process
 * @property {number} rolloutCpuSeconds the learner process's CPU time during the rollout
 * @property {number} updateCpuSeconds the learner process's CPU time during the update
 */

/**
 * The figures of a run, from its updates after the first `warmup` (the first rollout includes
 * starting the workers, compiling and loading the wasm binaries).
 * @param {readonly UpdateSample[]} samples
 * @param {number} warmup
 */
export function summarize(samples, warmup = 1) {
  if (!Number.isInteger(warmup) || warmup < 0) throw new RangeError(`warmup must be a non-negative integer, got ${String(warmup)}`);
  const kept = samples.slice(warmup);
  if (kept.length === 0) throw new RangeError(`summarize: ${samples.length} updates measured, none left after ${warmup} warm-up update(s)`);
  const sum = (/** @type {(s: UpdateSample) => number} */ pick) => kept.reduce((total, s) => total + pick(s), 0);
  const steps = sum((s) => s.steps);
  const rollout = sum((s) => s.rolloutSeconds);
  const update = sum((s) => s.updateSeconds);
  return {
    updates: kept.length,
    stepsPerSecond: steps / (rollout + update),
    rolloutStepsPerSecond: steps / rollout,
    rolloutSeconds: rollout / kept.length,
    updateSeconds: update / kept.length,
    bytesPerUpdate: sum((s) => s.bytes) / kept.length,
    rolloutCpuSeconds: sum((s) => s.rolloutCpuSeconds) / kept.length,
    updateCpuSeconds: sum((s) => s.updateCpuSeconds) / kept.length,
  };
}

/**
 * The report's markdown table: one row per env and worker count (0: the single process).
 * @param {readonly { env: string; workers: number; summary: ReturnType<typeof summarize> }[]} rows
 */
export function markdownTable(rows) {
  const lines = [
    '| env | workers | env steps/s | rollout s/update | update s/update | learner CPU s/update (rollout + update) | bytes/update |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const { env, workers, summary: s } of rows) {
    const who = workers === 0 ? 'one process' : String(workers);
    const bytes = workers === 0 ? '-' : `${(s.bytesPerUpdate / 1e6).toFixed(2)} MB`;
    const cpu = `${s.rolloutCpuSeconds.toFixed(2)} + ${s.updateCpuSeconds.toFixed(2)}`;
    lines.push(`| ${env} | ${who} | ${Math.round(s.stepsPerSecond)} | ${s.rolloutSeconds.toFixed(2)} | ${s.updateSeconds.toFixed(2)} | ${cpu} | ${bytes} |`);
  }
  return `${lines.join('\n')}\n`;
}

/**
 * Parses a comma-separated list of positive integers.
 * @param {string} flag
 * @param {string} text
 */
export function positiveInts(flag, text) {
  const items = text.split(',').map((s) => s.trim()).filter((s) => s !== '');
  if (items.length === 0) throw new RangeError(`${flag} must list at least one value, got "${text}"`);
  return items.map((s) => {
    if (!/^\d+$/.test(s) || Number(s) < 1) throw new RangeError(`${flag}: "${s}" is not a positive integer`);
    return Number(s);
  });
}
