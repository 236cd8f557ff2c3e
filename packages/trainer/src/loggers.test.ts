import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { StopOnReward, runHook, type CallbackContext } from './callbacks';
import { ConsoleLogger } from './loggers';
import { CsvLogger, JsonlLogger, PROGRESS_COLUMNS, readMetrics } from './run-files';

const dir = mkdtempSync(join(tmpdir(), 'ppo-loggers-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const update = { 'charts/SPS': 1234, 'losses/policy_loss': -0.01, 'losses/value_loss': 2, 'charts/mean_recent_return': 21.5 };

describe('loggers', () => {
  it('ConsoleLogger redraws one bar on a TTY and prints plain lines otherwise', () => {
    const tty: string[] = [];
    const bar = new ConsoleLogger({ totalSteps: 1000, tty: true, width: 10, write: (t) => void tty.push(t) });
    bar.log(10, { 'charts/episodic_return': 9 });
    bar.log(250, update);
    bar.close();
    expect(tty[0]).toBe('\r[###-------]  25.0% 250/1000 steps | 1234 SPS | return 21.5\x1b[K');
    expect(tty[1]).toBe('\n');
    const plain: string[] = [];
    const lines = new ConsoleLogger({ totalSteps: 1000, tty: false, write: (t) => void plain.push(t) });
    lines.log(500, update);
    lines.close();
    expect(plain).toEqual(['step=500 (50.0%) sps=1234 return=21.5 policy_loss=-0.0100 value_loss=2.0000 entropy=- approx_kl=-\n']);
  });

  it('JsonlLogger and CsvLogger write records that read back', () => {
    const jsonl = new JsonlLogger(join(dir, 'm.jsonl'));
    jsonl.log(4, { 'charts/episodic_return': 10, 'charts/episodic_length': 10 });
    jsonl.log(8, { ...update, 'losses/explained_variance': Number.NaN });
    expect(readMetrics(join(dir, 'm.jsonl'))).toEqual([
      { step: 4, metrics: { 'charts/episodic_return': 10, 'charts/episodic_length': 10 } },
      { step: 8, metrics: { ...update, 'losses/explained_variance': Number.NaN } },
    ]);
    const csv = new CsvLogger(join(dir, 'p.csv'));
    csv.log(4, { 'charts/episodic_return': 10 });
    csv.log(8, update);
    const rows = readFileSync(join(dir, 'p.csv'), 'utf8').trim().split('\n');
    expect(rows).toHaveLength(2);
    expect(rows[0]).toBe(PROGRESS_COLUMNS.join(','));
    const cells = rows[1].split(',');
    expect(cells[PROGRESS_COLUMNS.indexOf('global_step')]).toBe('8');
    expect(cells[PROGRESS_COLUMNS.indexOf('charts/SPS')]).toBe('1234');
    expect(cells[PROGRESS_COLUMNS.indexOf('losses/approx_kl')]).toBe('');
    // A second logger on the same file appends without a second header (resume).
    new CsvLogger(join(dir, 'p.csv')).log(9, update);
    expect(readFileSync(join(dir, 'p.csv'), 'utf8').trim().split('\n')).toHaveLength(3);
  });
});

describe('callbacks', () => {
  it('StopOnReward stops once the window mean reaches the threshold; runHook reports false returns', async () => {
    let stops = 0;
    const context: CallbackContext = { globalStep: 0, update: 0, numUpdates: 1, stop: () => void stops++ };
    const cb = new StopOnReward({ threshold: 10, window: 3 });
    for (const [k, r] of [5, 20, 4, 3, 23].entries()) void cb.onEpisodeEnd(context, { envIndex: 0, return: r, length: 1, globalStep: k * 100 });
    expect(cb.solvedAt).toBe(400);
    expect(cb.solvedMean).toBe(10);
    expect(stops).toBe(1);
    expect(await runHook([{ onStart: () => undefined }, { onStart: () => Promise.resolve(false) }], 'onStart', context)).toBe(true);
    expect(await runHook([{ onStart: () => true }], 'onStart', context)).toBe(false);
    expect(() => new StopOnReward({ threshold: Number.NaN })).toThrow(/threshold must be a finite number, got NaN/);
  });
});
