// The benchmark suite: env stepping, `act`, PPO minibatch updates and end-to-end training on
// the built packages. Every measurement runs in a fresh child process (job.mjs), `repeats`
// times; the table shows medians. Writes results/bench-<date>.json.
//
// Usage: node src/run.mjs [--quick] [--backends cpu,wasm] [--repeats N] [--note "text"]
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runJob } from './child.mjs';
import { median } from './stats.mjs';

const here = dirname(fileURLToPath(import.meta.url));

function parseArgs(argv) {
  const options = { quick: false, backends: ['cpu', 'wasm'], repeats: null, note: '' };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    // pnpm passes a literal `--` through when arguments follow `pnpm bench --`.
    if (arg === '--') continue;
    if (arg === '--quick') options.quick = true;
    else if (arg === '--backends') options.backends = String(argv[++i]).split(',');
    else if (arg === '--repeats') options.repeats = Number(argv[++i]);
    else if (arg === '--note') options.note = String(argv[++i]);
    else throw new RangeError(`unknown argument ${JSON.stringify(arg)}; expected --quick, --backends cpu,wasm, --repeats N or --note "text"`);
  }
  for (const b of options.backends) {
    if (b !== 'cpu' && b !== 'wasm') throw new RangeError(`--backends takes cpu and/or wasm, got ${JSON.stringify(b)}`);
  }
  if (options.repeats !== null && !(Number.isInteger(options.repeats) && options.repeats >= 1)) {
    throw new RangeError(`--repeats must be a positive integer, got ${options.repeats}`);
  }
  options.repeats ??= options.quick ? 1 : 3;
  return options;
}

const options = parseArgs(process.argv.slice(2));
const { quick, backends, repeats } = options;

/** The suite: a name for the table, the job, and the figure's unit. */
const suite = [
  { group: 'env', name: 'CartPole-v1, SyncVectorEnv x 64', job: { kind: 'env-cartpole-sync64' } },
  { group: 'env', name: 'HalfCheetah-v5, single env', job: { kind: 'env-halfcheetah-single' } },
  { group: 'env', name: 'HalfCheetah-v5, AsyncVectorEnv 2 envs / 2 workers', job: { kind: 'env-halfcheetah-async2' } },
  ...backends.flatMap((backend) => [1, 8, 64].map((batch) => ({ group: 'act', name: `act, batch ${batch}`, backend, job: { kind: 'act', backend, batch } }))),
  ...backends.flatMap((backend) =>
    [64, 512].map((minibatch) => ({ group: 'update', name: `PPO update, minibatch ${minibatch}`, backend, job: { kind: 'update', backend, minibatch } })),
  ),
  ...backends.flatMap((backend) => [
    { group: 'train', name: 'train CartPole-v1, classic preset', backend, job: { kind: 'train', backend, env: 'CartPole-v1', preset: 'classic' } },
    { group: 'train', name: 'train HalfCheetah-v5, mujoco preset', backend, job: { kind: 'train', backend, env: 'HalfCheetah-v5', preset: 'mujoco' } },
  ]),
];

const cpuList = cpus();
const machine = {
  cpu: cpuList[0]?.model ?? 'unknown',
  cores: cpuList.length,
  memoryGb: Math.round(totalmem() / 2 ** 30),
  node: process.version,
  platform: `${process.platform} ${process.arch}`,
  loadAverageAtStart: loadavg().map((x) => Number(x.toFixed(2))),
};
console.log(`machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGb} GB, Node ${machine.node}; backends: ${backends.join(', ')} (default here: wasm)`);
console.log(`load average at start: ${machine.loadAverageAtStart.join(' ')}${quick ? '; --quick pass' : ''}; medians of ${repeats} run(s)\n`);

const results = [];
for (const entry of suite) {
  const runs = [];
  for (let r = 0; r < repeats; r++) runs.push(await runJob(join(here, 'job.mjs'), { ...entry.job, quick }));
  const perCpu = runs.every((x) => x.perCpuSecond !== undefined) ? median(runs.map((x) => x.perCpuSecond)) : null;
  const row = {
    group: entry.group,
    name: entry.name,
    backend: entry.backend ?? null,
    unit: runs[0].unit,
    median: median(runs.map((x) => x.value)),
    medianPerCpuSecond: perCpu,
    peakRssMb: median(runs.map((x) => x.maxRssMb)),
    runs: runs.map((x) => x.value),
  };
  results.push(row);
  const figure = `${row.median.toFixed(row.unit === 'ms/minibatch' ? 2 : 0)} ${row.unit}`;
  const cpuNote = perCpu === null ? '' : ` (${perCpu.toFixed(0)} per CPU-second)`;
  console.log(`${`${row.name}${row.backend === null ? '' : ` [${row.backend}]`}`.padEnd(58)} ${figure.padStart(20)}${cpuNote.padEnd(26)} peak RSS ${row.peakRssMb.toFixed(0)} MB`);
}

machine.loadAverageAtEnd = loadavg().map((x) => Number(x.toFixed(2)));
// A load average above the core count means other jobs shared the machine during the run.
const shared = Math.max(...machine.loadAverageAtStart, ...machine.loadAverageAtEnd) > machine.cores;
const date = new Date().toISOString();
const report = {
  date,
  quick,
  repeats,
  machine,
  sharedMachine: shared,
  note:
    options.note ||
    (shared
      ? 'The machine was shared with other jobs during this run (load average above the core count): wall-clock rates are depressed; the per-CPU-second training rates are the steadier figures.'
      : ''),
  results,
};
const outDir = join(here, '..', 'results');
mkdirSync(outDir, { recursive: true });
const file = join(outDir, `bench-${date.slice(0, 10)}${quick ? '-quick' : ''}.json`);
writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
console.log(`\nwrote ${file}`);
