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
  it('ConsoleLogger draws the bar at once, redraws it in place with elapsed time and ETA, and prints plain lines otherwise', () => {
    let now = 1_000_000;
    const tty: string[] = [];
    const bar = new ConsoleLogger({ totalSteps: 1000, tty: true, width: 10, columns: () => 200, clock: () => now, write: (t) => void tty.push(t) });
    // Drawn when made, before any record: the user sees the run has started.
    expect(tty).toEqual(['\r[----------]   0.0% 0/1000 steps | elapsed 0:00 | ETA ? | - SPS | return -\x1b[K']);
    now += 5_000;
    bar.log(10, { 'charts/episodic_return': 9 });
    // 10 steps in 5 s: 990 left take 495 s.
    expect(tty[1]).toBe('\r[----------]   1.0% 10/1000 steps | elapsed 0:05 | ETA 8:15 | - SPS | return 9.0\x1b[K');
    now += 50;
    bar.log(12, { 'charts/episodic_return': 9 });
    expect(tty).toHaveLength(2); // episodes redraw at most every 100 ms
    now += 4_950;
    bar.log(250, update);
    expect(tty[2]).toBe('\r[###-------]  25.0% 250/1000 steps | elapsed 0:10 | ETA 0:30 | 1234 SPS | return 21.5\x1b[K');
    now += 3_600_000;
    bar.log(1000, update);
    expect(tty[3]).toBe('\r[##########] 100.0% 1000/1000 steps | elapsed 1:00:10 | ETA 0:00 | 1234 SPS | return 21.5\x1b[K');
    bar.close();
    expect(tty[4]).toBe('\n');
    const plain: string[] = [];
    now = 0;
    const lines = new ConsoleLogger({ totalSteps: 1000, tty: false, clock: () => now, write: (t) => void plain.push(t) });
    now = 20_000;
    lines.log(400, { 'charts/episodic_return': 9 });
    lines.log(500, update);
    lines.close();
    expect(plain).toEqual(['step=500 (50.0%) elapsed=0:20 eta=0:20 sps=1234 return=21.5 policy_loss=-0.0100 value_loss=2.0000 entropy=- approx_kl=-\n']);
  });

  it('ConsoleLogger fits the terminal: the bar shrinks, then goes, then the text is cut, so the line never wraps', () => {
    let columns = 120;
    const tty: string[] = [];
    const bar = new ConsoleLogger({ totalSteps: 2000, initialStep: 1000, tty: true, columns: () => columns, clock: () => 0, write: (t) => void tty.push(t) });
    const visible = (chunk: string) => {
      expect(chunk.startsWith('\r') && chunk.endsWith('\x1b[K'), JSON.stringify(chunk)).toBe(true);
      return chunk.slice(1, -3);
    };
    for (const width of [120, 100, 80, 60, 40, 20, 5, 1]) {
      columns = width;
      bar.log(1500, update);
      const line = visible(tty[tty.length - 1]);
      expect(line.length, `${width} columns`).toBeLessThanOrEqual(Math.max(1, width - 1));
      expect(line, `${width} columns`).not.toMatch(/[\r\n]/);
    }
    const [wide, medium, standard, small, smaller, narrow] = tty.slice(1).map(visible);
    const text = '75.0% 1500/2000 steps | elapsed 0:00 | ETA ? | 1234 SPS | return 21.5';
    expect(wide).toBe(`[${'#'.repeat(23)}${'-'.repeat(7)}]  ${text}`); // the full 30-character bar
    expect(medium).toBe(`[${'#'.repeat(20)}${'-'.repeat(6)}]  ${text}`); // a shorter bar, every field
    expect(standard).toBe(`[${'#'.repeat(13)}${'-'.repeat(4)}]  75.0% 1500/2000 steps | elapsed 0:00 | ETA ? | return 21.5`); // SPS gone
    expect(small).toBe(`[${'#'.repeat(8)}${'-'.repeat(3)}]  75.0% 1500/2000 steps | elapsed 0:00 | ETA ?`); // the return gone
    expect(smaller).toBe(' 75.0% 1500/2000 steps | elapsed 0:00 |'); // no bar, the text cut to 39 characters
    expect(narrow).toBe(' 75.0% 1500/2000 st'); // 19 characters
    // Unknown width (a terminal that does not say, or says 0): 80 columns.
    for (const reported of [undefined, 0]) {
      const unknown: string[] = [];
      new ConsoleLogger({ totalSteps: 10, tty: true, columns: () => reported, write: (t) => void unknown.push(t) });
      expect(visible(unknown[0]), String(reported)).toMatch(/^\[-{17}\] {3}0\.0% 0\/10 steps \| elapsed 0:00 \| ETA \? \| - SPS \| return -$/);
    }
  });

  it('ConsoleLogger refuses a bad totalSteps or initialStep, naming it', () => {
    expect(() => new ConsoleLogger({ totalSteps: 0 })).toThrow(/totalSteps must be a positive integer, got 0/);
    expect(() => new ConsoleLogger({ totalSteps: 10, initialStep: -1 })).toThrow(/initialStep must be a non-negative integer, got -1/);
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
    expect(rows).toHaveLength(3);
    expect(rows[0]).toBe(PROGRESS_COLUMNS.join(','));
    const cell = (row: number, column: string) => rows[row].split(',')[PROGRESS_COLUMNS.indexOf(column)];
    expect(cell(1, 'global_step')).toBe('4');
    expect(cell(1, 'charts/episodic_return')).toBe('10');
    expect(cell(1, 'charts/SPS')).toBe('');
    expect(cell(2, 'global_step')).toBe('8');
    expect(cell(2, 'charts/SPS')).toBe('1234');
    expect(cell(2, 'losses/approx_kl')).toBe('');
    // A second logger on the same file appends without a second header (resume).
    new CsvLogger(join(dir, 'p.csv')).log(9, update);
    expect(readFileSync(join(dir, 'p.csv'), 'utf8').trim().split('\n')).toHaveLength(4);
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
