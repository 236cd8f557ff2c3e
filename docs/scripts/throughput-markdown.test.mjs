// Tests of the throughput section of the Benchmarks page: node --test scripts/
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { newestReports, parseBenchReport, targetsMarkdown, throughputMarkdown } from './throughput-markdown.mjs';

/**
 * A result file of the suite as written before it measured other processes' CPU use: one act row
 * per backend and one update and training row.
 * @param {string} date
 * @param {{ backends?: string[]; shared?: boolean | null; quick?: boolean; note?: string }} [options]
 */
function report(date, { backends = ['wasm'], shared = false, quick = false, note = '' } = {}) {
  return {
    date,
    quick,
    repeats: 3,
    machine: { cpu: 'Test CPU', cores: 2, memoryGb: 24, node: 'v20.0.0', platform: 'linux x64', loadAverageAtStart: [0.5, 1, 1.5], loadAverageAtEnd: [3, 2, 1] },
    sharedMachine: shared,
    note,
    results: [
      { group: 'env', name: 'CartPole-v1, SyncVectorEnv x 64', backend: null, unit: 'env steps/s', median: 12_973_991.6, medianPerCpuSecond: null, peakRssMb: 102.5, runs: [10_530_119.1, 12_973_991.6, 13_052_266.4] },
      ...backends.map((backend) => ({ group: 'act', name: 'act, batch 8', backend, unit: 'calls/s', median: 6521.97, medianPerCpuSecond: null, peakRssMb: 121, runs: [6521.97] })),
      { group: 'update', name: 'PPO update, minibatch 64', backend: backends[0], unit: 'ms/minibatch', median: 2.857, medianPerCpuSecond: null, peakRssMb: 128, runs: [2.857] },
      { group: 'train', name: 'train CartPole-v1, classic preset', backend: backends[0], unit: 'env steps/s', median: 6078.35, medianPerCpuSecond: 4488.35, peakRssMb: 130, runs: [6078.35] },
    ],
  };
}

/** A result file with every field the suite writes now: other processes' CPU, targets, rss. */
function currentReport(date, { shared = false } = {}) {
  const base = report(date, { backends: ['cpu', 'wasm'], shared });
  return {
    ...base,
    repeats: { env: 3, act: 3, update: 3, train: 5, rss: 1 },
    durationSeconds: 512,
    defaultBackend: 'wasm',
    otherCpuCores: shared ? 0.61 : 0.04,
    sharedThresholdCores: 0.25,
    results: [
      ...base.results,
      {
        group: 'train',
        name: 'train CartPole-v1, classic preset',
        backend: 'wasm',
        backendUsed: 'wasm',
        unit: 'env steps/s',
        median: 5900.4,
        medianPerCpuSecond: 4400.2,
        medianMainThreadBusy: 0.987,
        medianWithStartup: 4100.6,
        peakRssMb: 131,
        runs: [5900.4, 6100.1],
        checks: [
          { figure: 'median', relation: '>=', limit: 6000, value: 5900.4, pass: false },
          { figure: 'peakRssMaxMb', relation: '<', limit: 400, value: 133, pass: true },
        ],
      },
      { group: 'rss', name: 'RSS drift, train CartPole-v1, classic preset', backend: 'wasm', backendUsed: 'wasm', unit: 'MB/100k steps', median: 0.123, medianPerCpuSecond: null, peakRssMb: 150, runs: [0.123] },
    ],
  };
}

const TARGETS = {
  throughput: [{ what: 'CartPole-v1 training, classic preset', atLeast: 6000, unit: 'env steps/s' }],
  peakRssLimitMb: 400,
  ratios: [{ what: 'CartPole-v1 training, classic preset, over PyTorch', atLeast: 3 }],
};

describe('newestReports', () => {
  it('shows each backend from its newest day, idle runs before shared ones, and drops --quick passes', () => {
    const reports = [
      { file: 'old.json', report: report('2026-11-20T10:00:00.000Z', { backends: ['cpu'] }) },
      { file: 'shared.json', report: report('2026-11-25T12:59:30.663Z', { backends: ['cpu', 'wasm'], shared: true }) },
      { file: 'idle.json', report: report('2026-11-25T13:15:44.883Z') },
      { file: 'quick.json', report: report('2026-11-26T09:00:00.000Z', { backends: ['cpu', 'wasm'], quick: true }) },
    ];
    assert.deepEqual(
      newestReports(reports).map(({ file, backends }) => [file, backends]),
      [
        ['idle.json', ['wasm']],
        ['shared.json', ['cpu']],
      ],
    );
    assert.deepEqual(newestReports([]), []);
  });

  it('takes a newer day over an idle older one, and an unmeasured machine between idle and shared', () => {
    const reports = [
      { file: 'idle-old.json', report: report('2026-11-24T10:00:00.000Z') },
      { file: 'shared-new.json', report: report('2026-11-25T09:00:00.000Z', { shared: true }) },
      { file: 'unknown.json', report: report('2026-11-25T08:00:00.000Z', { shared: null }) },
    ];
    assert.deepEqual(
      newestReports(reports).map(({ file }) => file),
      ['unknown.json'],
    );
    assert.deepEqual(
      newestReports(reports.slice(0, 2)).map(({ file }) => file),
      ['shared-new.json'],
    );
  });
});

describe('throughputMarkdown', () => {
  it('names the file, time, machine, backends and load of an older file, and tabulates every row', () => {
    const md = throughputMarkdown([
      { file: 'benchmarks/results/bench-2026-11-25-wasm.json', report: report('2026-11-25T13:15:44.883Z', { note: 'wasm only' }) },
      { file: 'benchmarks/results/bench-2026-11-20-wasm.json', report: report('2026-11-20T10:00:00.000Z') },
    ]);
    assert.match(
      md,
      /^The newest full run of the suite, for each backend: `benchmarks\/results\/bench-2026-11-25-wasm\.json` \(wasm\); 1 other result file, older, superseded or `--quick`, not shown\./,
    );
    assert.match(md, /\n### 2026-11-25, wasm, idle machine\n/);
    assert.match(md, /From `benchmarks\/results\/bench-2026-11-25-wasm\.json`, finished 2026-11-25 13:15 UTC\. Machine: Test CPU, 2 cores, 24 GB, Node v20\.0\.0 \(linux x64\)\. Backends: wasm\. Medians of 3 runs\./);
    assert.match(md, /Load average \(1, 5, 15 min\) 0\.5, 1, 1\.5 at the start, 3, 2, 1 at the end: no other job ran \(judged from the load averages\)\./);
    assert.match(md, /Note of the run: wasm only/);
    const rows = md.split('\n').filter((line) => line.startsWith('| ') && !line.startsWith('| measurement'));
    assert.deepEqual(rows, [
      '| CartPole-v1, SyncVectorEnv x 64 | — | 12,973,992 | env steps/s | — | — | — | 10,530,119 · 12,973,992 · 13,052,266 | 103 | — |',
      '| act, batch 8 | wasm | 6,522 | calls/s | — | — | — | 6,522 | 121 | — |',
      // Milliseconds keep two decimals.
      '| PPO update, minibatch 64 | wasm | 2.86 | ms/minibatch | — | — | — | 2.86 | 128 | — |',
      '| train CartPole-v1, classic preset | wasm | 6,078 | env steps/s | 4,488 | — | — | 6,078 | 130 | — |',
    ]);
    assert.doesNotMatch(md, /bench-2026-11-20/);
  });

  it('shows the measured CPU use of others, the targets met and missed, and only the rows of the backends it is shown for', () => {
    const md = throughputMarkdown(
      [
        { file: 'all.json', report: currentReport('2026-11-25T12:00:00.000Z') },
        { file: 'cpu-shared.json', report: report('2026-11-25T13:00:00.000Z', { backends: ['cpu'], shared: true }) },
      ],
      { targets: TARGETS },
    );
    assert.ok(md.startsWith(targetsMarkdown(TARGETS)));
    assert.match(md, /The newest full run of the suite, for each backend: `all\.json` \(cpu, wasm\); 1 other result file/);
    assert.match(md, /finished 2026-11-25 12:00 UTC after 8\.5 minutes\./);
    assert.match(md, /Backends: cpu, wasm; the default here is wasm\. Runs per measurement \(the table shows medians\): env 3, act 3, update 3, train 5, rss 1\./);
    assert.match(md, /Other processes kept 0\.04 cores busy on average \(above 0\.25 counts as shared\): no other job ran; load average/);
    assert.ok(md.includes('| train CartPole-v1, classic preset | wasm | 5,900 | env steps/s | 4,400 | 99% | 4,101 | 5,900 · 6,100 | 131 | ≥ 6,000: **missed**, RSS < 400: met |'));
    assert.ok(md.includes('| RSS drift, train CartPole-v1, classic preset | wasm | 0.12 | MB/100k steps |'));
    assert.doesNotMatch(md, /cpu-shared\.json/);

    const split = throughputMarkdown([
      { file: 'all.json', report: currentReport('2026-11-25T12:00:00.000Z', { shared: true }) },
      { file: 'wasm.json', report: report('2026-11-25T13:00:00.000Z') },
    ]);
    assert.match(split, /^The newest full runs of the suite, for each backend: `wasm\.json` \(wasm\) and `all\.json` \(cpu\)\.\n/);
    assert.match(split, /### 2026-11-25, cpu, shared machine\n[^]*Backends: cpu, wasm \(shown here: cpu\)[^]*0\.61 cores busy[^]*other jobs shared the machine;/);
    const cpuTable = split.slice(split.indexOf('### 2026-11-25, cpu'));
    assert.doesNotMatch(cpuTable, /\| wasm \|/);
    assert.ok(split.indexOf('idle machine') < split.indexOf('shared machine'));
    assert.equal(throughputMarkdown([{ file: 'b.json', report: report('2026-11-25T13:15:44.883Z') }], { headingLevel: 4 }).includes('\n#### 2026-11-25'), true);
  });

  it('says so when no result file is committed', () => {
    assert.match(throughputMarkdown([]), /No result file of the suite is committed yet; `pnpm bench` writes one\./);
    assert.match(throughputMarkdown([], { targets: TARGETS }), /^Targets, checked[^]*No result file/);
  });
});

describe('targetsMarkdown', () => {
  it('lists the targets, PyTorch only as a ratio measured side by side', () => {
    const md = targetsMarkdown(TARGETS);
    assert.ok(md.includes('| CartPole-v1 training, classic preset, default backend | ≥ 6,000 env steps/s |'));
    assert.ok(md.includes('| peak RSS of every job, largest over its runs | < 400 MB |'));
    assert.ok(md.includes('| CartPole-v1 training, classic preset, over PyTorch, side by side | ≥ 3.0× |'));
    assert.ok(!md.includes('env steps/s |\n| CartPole-v1, 1 thread'));
  });
});

describe('parseBenchReport', () => {
  it('names a file that is not a result of the suite', () => {
    assert.equal(parseBenchReport('x.json', JSON.stringify(report('2026-11-25T13:15:44.883Z'))).repeats, 3);
    assert.throws(() => parseBenchReport('results/x.json', '{"runs": []}'), /results\/x\.json is not a result file of the benchmark suite: expected date, machine and results/);
  });
});
