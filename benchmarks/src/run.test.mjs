/* global process */
// A smoke test of the suite: one job of each kind with tiny counts (`--smoke`), and the
// argument checks of run.mjs and compare.mjs. Needs the packages built. node --test src/
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const here = dirname(fileURLToPath(import.meta.url));
const run = promisify(execFile);
/** Runs a script of this directory and resolves with its exit code and output, failing or not. */
const script = (name, args) =>
  run(process.execPath, [join(here, name), ...args], { timeout: 120_000 }).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (error) => ({ code: error.code, stdout: error.stdout, stderr: error.stderr }),
  );

describe('run.mjs --smoke', () => {
  const out = mkdtempSync(join(tmpdir(), 'bench-smoke-'));
  after(() => rmSync(out, { recursive: true, force: true }));

  it('runs one job of each kind and writes a report of every row', async () => {
    const { code, stdout, stderr } = await script('run.mjs', ['--smoke', '--backends', 'wasm', '--out', out]);
    assert.equal(code, 0, `${stdout}\n${stderr}`);
    const files = readdirSync(out);
    assert.equal(files.length, 1);
    assert.match(files[0], /^bench-\d{4}-\d{2}-\d{2}-wasm-smoke\.json$/);
    const report = JSON.parse(readFileSync(join(out, files[0]), 'utf8'));
    assert.equal(report.smoke, true);
    assert.deepEqual(report.sideBySide, { available: false, reason: 'not run in a smoke pass' });
    assert.equal(report.quick, true);
    assert.ok(['tensorflow', 'wasm', 'cpu'].includes(report.defaultBackend), report.defaultBackend);
    const kinds = report.results.map((r) => r.job.kind);
    assert.deepEqual(kinds, ['env-cartpole-sync64', 'env-halfcheetah-single', 'env-halfcheetah-async2', 'act', 'update', 'train', 'rss']);
    for (const row of report.results) {
      assert.equal(row.runs.length, 1, row.name);
      assert.ok(Number.isFinite(row.median), `${row.name}: median ${row.median}`);
      assert.ok(row.peakRssMb > 0, row.name);
      assert.ok(row.checks.some((c) => c.figure === 'peakRssMaxMb' && c.limit === 400), row.name);
      if (row.group !== 'env') assert.equal(row.backendUsed, row.backend, row.name);
    }
    const train = report.results.find((r) => r.group === 'train');
    assert.ok(train.median > 0 && train.medianPerCpuSecond > 0 && train.medianWithStartup > 0);
    const rss = report.results.find((r) => r.group === 'rss');
    assert.equal(rss.unit, 'MB/100k steps');
    assert.ok(rss.rssRuns[0].rssMaxMb >= rss.rssRuns[0].rssLastMb && rss.rssRuns[0].steps > 0);
    if (process.platform === 'linux') {
      assert.ok(report.otherCpuCores >= 0 && typeof report.sharedMachine === 'boolean');
      assert.equal(typeof train.medianMainThreadBusy, 'number');
    }
  });
});

describe('argument checks', () => {
  it('run.mjs names a bad --repeats and a bad --skip', async () => {
    const repeats = await script('run.mjs', ['--repeats', '0']);
    assert.notEqual(repeats.code, 0);
    assert.match(repeats.stderr, /--repeats must be a positive integer, got 0/);
    const skip = await script('run.mjs', ['--skip', 'envs']);
    assert.match(skip.stderr, /--skip takes groups among env, act, update, train, rss, side, got "envs"/);
  });

  it('compare.mjs names a bad repeats argument', async () => {
    const { code, stderr } = await script('compare.mjs', ['a', 'b', '{"kind":"act"}', '2.5']);
    assert.equal(code, 2);
    assert.match(stderr, /repeats must be a positive integer, got "2\.5"/);
  });
});
