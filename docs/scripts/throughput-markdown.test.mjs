// Tests of the throughput section of the Benchmarks page: node --test scripts/
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { newestReports, parseBenchReport, throughputMarkdown } from './throughput-markdown.mjs';

/**
 * A result file of the suite with one act row per backend and one training row.
 * @param {string} date
 * @param {{ backends?: string[]; shared?: boolean; quick?: boolean; note?: string }} [options]
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

describe('newestReports', () => {
  it('keeps the newest day, idle runs first, and drops --quick passes', () => {
    const reports = [
      { file: 'old.json', report: report('2026-11-20T10:00:00.000Z') },
      { file: 'shared.json', report: report('2026-11-25T12:59:30.663Z', { backends: ['cpu', 'wasm'], shared: true }) },
      { file: 'idle.json', report: report('2026-11-25T13:15:44.883Z') },
      { file: 'quick.json', report: report('2026-11-26T09:00:00.000Z', { quick: true }) },
    ];
    assert.deepEqual(
      newestReports(reports).map(({ file }) => file),
      ['idle.json', 'shared.json'],
    );
    assert.deepEqual(newestReports([]), []);
  });
});

describe('throughputMarkdown', () => {
  it('names the file, time, machine, backends and load, and tabulates every row', () => {
    const md = throughputMarkdown([
      { file: 'benchmarks/results/bench-2026-11-25-wasm.json', report: report('2026-11-25T13:15:44.883Z', { note: 'wasm only' }) },
      { file: 'benchmarks/results/bench-2026-11-20.json', report: report('2026-11-20T10:00:00.000Z') },
    ]);
    assert.match(md, /^The newest full run of the suite: `benchmarks\/results\/bench-2026-11-25-wasm\.json` \(1 other result file, older or `--quick`, not shown\)\./);
    assert.match(md, /\n### 2026-11-25, wasm, idle machine\n/);
    assert.match(md, /From `benchmarks\/results\/bench-2026-11-25-wasm\.json`, finished 2026-11-25 13:15 UTC\. Machine: Test CPU, 2 cores, 24 GB, Node v20\.0\.0 \(linux x64\)\./);
    assert.match(md, /Load average \(1, 5, 15 min\) 0\.5, 1, 1\.5 at the start, 3, 2, 1 at the end: no other job ran\./);
    assert.match(md, /Note of the run: wasm only/);
    const rows = md.split('\n').filter((line) => line.startsWith('| ') && !line.startsWith('| measurement'));
    assert.deepEqual(rows, [
      '| CartPole-v1, SyncVectorEnv x 64 | — | 12,973,992 | env steps/s | — | 10,530,119 · 12,973,992 · 13,052,266 | 103 |',
      '| act, batch 8 | wasm | 6,522 | calls/s | — | 6,522 | 121 |',
      // Milliseconds keep two decimals.
      '| PPO update, minibatch 64 | wasm | 2.86 | ms/minibatch | — | 2.86 | 128 |',
      '| train CartPole-v1, classic preset | wasm | 6,078 | env steps/s | 4,488 | 6,078 | 130 |',
    ]);
    assert.doesNotMatch(md, /bench-2026-11-20/);
  });

  it('shows every run of the newest day and says which shared the machine', () => {
    const md = throughputMarkdown([
      { file: 'a.json', report: report('2026-11-25T12:59:30.663Z', { backends: ['cpu', 'wasm'], shared: true }) },
      { file: 'b.json', report: report('2026-11-25T13:15:44.883Z') },
    ]);
    assert.match(md, /^The newest full runs of the suite: `b\.json` and `a\.json`\.\n/);
    assert.match(md, /### 2026-11-25, cpu, wasm, shared machine\n[^]*other jobs shared the machine\./);
    assert.ok(md.indexOf('idle machine') < md.indexOf('shared machine'));
    assert.equal(throughputMarkdown([{ file: 'b.json', report: report('2026-11-25T13:15:44.883Z') }], { headingLevel: 4 }).includes('\n#### 2026-11-25'), true);
  });

  it('says so when no result file is committed', () => {
    assert.match(throughputMarkdown([]), /No result file of the suite is committed yet; `pnpm bench` writes one\./);
  });
});

describe('parseBenchReport', () => {
  it('names a file that is not a result of the suite', () => {
    assert.equal(parseBenchReport('x.json', JSON.stringify(report('2026-11-25T13:15:44.883Z'))).repeats, 3);
    assert.throws(() => parseBenchReport('results/x.json', '{"runs": []}'), /results\/x\.json is not a result file of the benchmark suite: expected date, machine and results/);
  });
});
