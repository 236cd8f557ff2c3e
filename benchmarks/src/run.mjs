/* global console, process */
// The benchmark suite: env stepping, `act`, PPO minibatch updates, end-to-end training and the
// resident memory of a long run, on the built packages. Every measurement runs in a fresh child
// process (job.mjs), several times; the table shows medians and marks the targets
// (targets.mjs). Then, when the PyTorch references are installed (torch-peer.mjs), the same
// training side by side with them, alternating (side-by-side.mjs). Writes
// results/bench-<date>-<backends>[-quick|-smoke].json.
//
// Usage: node src/run.mjs [--quick | --smoke] [--backends cpu,wasm] [--repeats N] [--skip rss,side,...]
//                         [--out DIR] [--note "text"] [--torch-ref-dir DIR]
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runJob } from './child.mjs';
import { runSideBySide } from './side-by-side.mjs';
import { sideBySideMarkdown } from './side-by-side-markdown.mjs';
import { findTorchPeer } from './torch-peer.mjs';
import { cpuSnapshot, otherCores } from './proc-stat.mjs';
import { median } from './stats.mjs';
import { checkRow, PEAK_RSS_LIMIT_MB, RATIO_TARGETS, THROUGHPUT_TARGETS } from './targets.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const jobFile = join(here, 'job.mjs');
const GROUPS = ['env', 'act', 'update', 'train', 'rss', 'side'];
/** Other processes keeping more than this many cores busy on average mark a run as shared. */
const SHARED_CORES = 0.25;
const USAGE = 'expected --quick, --smoke, --backends cpu,wasm, --repeats N, --skip GROUP[,GROUP], --out DIR, --note "text" or --torch-ref-dir DIR';

function parseArgs(argv) {
  const options = { size: 'full', backends: ['cpu', 'wasm'], repeats: null, skip: [], out: join(here, '..', 'results'), note: '', torchRefDir: null };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    // pnpm passes a literal `--` through when arguments follow `pnpm bench --`.
    if (arg === '--') continue;
    if (arg === '--quick' || arg === '--smoke') {
      if (options.size !== 'full') throw new RangeError(`--quick and --smoke exclude each other, got both`);
      options.size = arg.slice(2);
    } else if (arg === '--backends') options.backends = String(argv[++i]).split(',');
    else if (arg === '--repeats') options.repeats = Number(argv[++i]);
    else if (arg === '--skip') options.skip = String(argv[++i]).split(',');
    else if (arg === '--out') options.out = resolve(String(argv[++i]));
    else if (arg === '--note') options.note = String(argv[++i]);
    else if (arg === '--torch-ref-dir') options.torchRefDir = resolve(String(argv[++i]));
    else throw new RangeError(`unknown argument ${JSON.stringify(arg)}; ${USAGE}`);
  }
  for (const b of options.backends) {
    if (b !== 'cpu' && b !== 'wasm') throw new RangeError(`--backends takes cpu and/or wasm, got ${JSON.stringify(b)}`);
  }
  for (const g of options.skip) {
    if (!GROUPS.includes(g)) throw new RangeError(`--skip takes groups among ${GROUPS.join(', ')}, got ${JSON.stringify(g)}`);
  }
  if (options.repeats !== null && !(Number.isInteger(options.repeats) && options.repeats >= 1)) {
    throw new RangeError(`--repeats must be a positive integer, got ${options.repeats}`);
  }
  options.backends = [...new Set(options.backends)].sort();
  return options;
}

const options = parseArgs(process.argv.slice(2));
const { size, backends } = options;
/**
 * Runs per measurement: 5 for training (its targets have thin margins), 1 for the long memory
 * run, 3 otherwise; one each in a --quick or --smoke pass; --repeats overrides them all.
 */
const repeats = Object.fromEntries(GROUPS.map((g) => [g, options.repeats ?? (size !== 'full' || g === 'rss' ? 1 : g === 'train' ? 5 : 3)]));
// Side-by-side pairs: the alternating runs against PyTorch (3 in a full pass).
const sidePairs = repeats.side;

const suiteStart = cpuSnapshot();
const loadAverageAtStart = loadavg().map((x) => Number(x.toFixed(2)));
// The backend `selectBackend('auto')` picks here, asked in a child so that this process loads no
// backend; the targets and the memory run use it.
const defaultBackend = (await runJob(jobFile, { kind: 'default-backend' })).backendUsed;

/** The suite: a name for the table, and the job. */
const fullSuite = [
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
  { group: 'rss', name: 'RSS drift, train CartPole-v1, classic preset', backend: defaultBackend, job: { kind: 'rss', backend: defaultBackend } },
].filter((entry) => !options.skip.includes(entry.group));
if (options.skip.includes('side')) delete repeats.side;
// A smoke pass only checks that every kind of job runs: the first of each kind.
const suite = size === 'smoke' ? fullSuite.filter((entry, k) => fullSuite.findIndex((e) => e.job.kind === entry.job.kind) === k) : fullSuite;

const cpuList = cpus();
const machine = {
  cpu: cpuList[0]?.model ?? 'unknown',
  cores: cpuList.length,
  memoryGb: Math.round(totalmem() / 2 ** 30),
  node: process.version,
  platform: `${process.platform} ${process.arch}`,
  loadAverageAtStart,
};
console.log(`machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGb} GB, Node ${machine.node}; backends: ${backends.join(', ')} (default here: ${defaultBackend})`);
console.log(
  `load average at start: ${loadAverageAtStart.join(' ')}${size === 'full' ? '' : `; --${size} pass`}; medians of ${[...new Set(Object.values(repeats))].join(' or ')} run(s)\n`,
);

const fmt = (x, digits = 0) => (x === null || !Number.isFinite(x) ? '—' : x.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits }));
const medianOf = (runs, key) => (runs.every((x) => typeof x[key] === 'number') ? median(runs.map((x) => x[key])) : null);

const results = [];
for (const entry of suite) {
  const before = cpuSnapshot();
  const runs = [];
  for (let r = 0; r < repeats[entry.group]; r++) runs.push(await runJob(jobFile, { ...entry.job, size }));
  const after = cpuSnapshot();
  const row = {
    group: entry.group,
    name: entry.name,
    backend: entry.backend ?? null,
    backendUsed: runs[0].backendUsed ?? null,
    job: entry.job,
    unit: runs[0].unit,
    median: median(runs.map((x) => x.value)),
    medianPerCpuSecond: medianOf(runs, 'perCpuSecond'),
    medianMainThreadBusy: medianOf(runs, 'mainThreadBusy'),
    medianWithStartup: medianOf(runs, 'withStartup'),
    peakRssMb: median(runs.map((x) => x.maxRssMb)),
    peakRssMaxMb: Math.max(...runs.map((x) => x.maxRssMb)),
    runs: runs.map((x) => x.value),
    otherCpuCores: otherCores(before, after),
    seconds: after.wall - before.wall,
  };
  if (entry.group === 'rss') row.rssRuns = runs.map(({ steps, rssFirstMb, rssLastMb, rssMaxMb }) => ({ steps, rssFirstMb, rssLastMb, rssMaxMb }));
  row.checks = checkRow(entry.job, row, defaultBackend);
  results.push(row);

  const digits = row.unit === 'ms/minibatch' || row.group === 'rss' ? 2 : 0;
  const extras = [
    row.medianPerCpuSecond === null ? null : `${fmt(row.medianPerCpuSecond)} per CPU-s`,
    row.medianMainThreadBusy === null ? null : `main thread ${fmt(100 * row.medianMainThreadBusy)}% on core`,
    row.medianWithStartup === null ? null : `${fmt(row.medianWithStartup)} incl. start-up`,
    row.rssRuns === undefined ? null : `RSS first/last/max ${fmt(row.rssRuns[0].rssFirstMb)}/${fmt(row.rssRuns[0].rssLastMb)}/${fmt(row.rssRuns[0].rssMaxMb)} MB over ${fmt(row.rssRuns[0].steps)} steps`,
    `others ${fmt(row.otherCpuCores, 2)} cores`,
  ].filter((x) => x !== null);
  const checks = row.checks.map((c) => `${c.figure === 'median' ? '' : 'RSS '}${c.relation} ${fmt(c.limit)} ${c.pass ? 'pass' : 'FAIL'}`).join(', ');
  console.log(
    `${`${row.name}${row.backend === null ? '' : ` [${row.backendUsed ?? row.backend}]`}`.padEnd(52)} ${`${fmt(row.median, digits)} ${row.unit}`.padStart(22)}  ` +
      `peak RSS ${fmt(row.peakRssMb)} MB  (${extras.join('; ')})  ${checks}`,
  );
}

/** Against PyTorch, side by side: skipped in a smoke pass, and when the references are not installed. */
let sideBySide = null;
if (!options.skip.includes('side')) {
  const peer = size === 'smoke' ? { available: false, reason: 'not run in a smoke pass' } : findTorchPeer({ dir: options.torchRefDir, repoRoot: join(here, '..', '..') });
  if (!peer.available) {
    console.log(`\nPyTorch side by side: not run (${peer.reason})`);
    sideBySide = { available: false, reason: peer.reason };
  } else {
    console.log(`\nPyTorch side by side: references in ${peer.dir}, torch ${peer.torchVersion}; ${sidePairs} alternating pair(s) per workload on ${defaultBackend}`);
    const workloads = await runSideBySide({
      peer,
      backend: defaultBackend,
      size,
      pairs: sidePairs,
      runOurs: (job) => runJob(jobFile, job),
      log: (line) => console.log(line),
    });
    sideBySide = { available: true, refDir: peer.dir, python: peer.python, torchVersion: peer.torchVersion, workloads };
  }
}

const suiteEnd = cpuSnapshot();
machine.loadAverageAtEnd = loadavg().map((x) => Number(x.toFixed(2)));
const others = otherCores(suiteStart, suiteEnd);
const shared = others === null ? null : others > SHARED_CORES;
const failed = results.flatMap((row) => row.checks.filter((c) => !c.pass).map((c) => `${row.name} [${row.backendUsed ?? row.backend ?? '—'}] ${c.figure} ${fmt(c.value)} (target ${c.relation} ${fmt(c.limit)})`));
for (const w of sideBySide?.workloads ?? []) {
  if (w.target !== null && w.target !== undefined && !w.target.pass) failed.push(`${w.env} side by side: median ratio ${w.medianRatio.toFixed(2)} (target >= ${w.target.atLeast})`);
}
const date = new Date().toISOString();
const report = {
  date,
  quick: size !== 'full',
  smoke: size === 'smoke',
  repeats,
  durationSeconds: suiteEnd.wall - suiteStart.wall,
  machine,
  defaultBackend,
  otherCpuCores: others,
  sharedThresholdCores: SHARED_CORES,
  sharedMachine: shared,
  targets: { throughput: THROUGHPUT_TARGETS, peakRssLimitMb: PEAK_RSS_LIMIT_MB, ratios: RATIO_TARGETS, failed },
  sideBySide,
  note:
    options.note ||
    (shared
      ? `Other processes kept ${fmt(others, 2)} cores busy on average during this run: wall-clock rates are depressed. Rates per CPU-second vary less with the load.`
      : ''),
  results,
};
mkdirSync(options.out, { recursive: true });
const file = join(options.out, `bench-${date.slice(0, 10)}-${backends.join('-')}${size === 'full' ? '' : `-${size}`}.json`);
writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
console.log(
  `\nsuite took ${fmt(report.durationSeconds / 60, 1)} min; other processes used ${fmt(others, 2)} cores on average ` +
    `(${shared === null ? 'not measurable here' : shared ? `shared machine: above ${SHARED_CORES}` : 'idle machine'}); load average at end ${machine.loadAverageAtEnd.join(' ')}`,
);
if (sideBySide?.available) console.log(`\n${sideBySideMarkdown(report)}`);
console.log(failed.length === 0 ? 'targets: all met' : `targets missed:\n  ${failed.join('\n  ')}`);
console.log(`wrote ${file}`);
