import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PpoError } from '@ppo/utils';
import { TensorBoardLogger } from './tensorboard-logger';
import { readEvents } from './test-tensorboard';

const dir = mkdtempSync(join(tmpdir(), 'ppo-tb-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('TensorBoardLogger', () => {
  it('writes the version event, then one event of float32 scalars per record, read back by an independent decoder', () => {
    const path = join(dir, 'a', 'events.out.tfevents.test');
    let now = 1_700_000_000_123;
    const tb = new TensorBoardLogger(path, { clock: () => now });
    now += 2500;
    tb.log(128, { 'charts/episodic_return': 21.5, 'charts/episodic_length': 21 });
    now += 500;
    tb.log(2 ** 40 + 3, { 'losses/approx_kl': 0.012345678, 'charts/SPS': 1234, 'losses/explained_variance': Number.NaN, 'eval/mean_return': Infinity });
    tb.log(2 ** 40 + 3, { 'losses/explained_variance': Number.NaN });
    const events = readEvents(path);
    expect(events).toHaveLength(3);
    expect(events[0]).toEqual({ wallTime: 1_700_000_000.123, step: 0, what: 'fileVersion', fileVersion: 'brain.Event:2' });
    expect(events[1]).toEqual({
      wallTime: 1_700_000_002.623,
      step: 128,
      what: 'summary',
      summary: {
        value: [
          { tag: 'charts/episodic_return', value: 'simpleValue', simpleValue: 21.5 },
          { tag: 'charts/episodic_length', value: 'simpleValue', simpleValue: 21 },
        ],
      },
    });
    // Steps past 2^32 survive the varint; values are float32 (relative error below 2^-24).
    expect(events[2].step).toBe(2 ** 40 + 3);
    expect(events[2].wallTime).toBe(1_700_000_003.123);
    expect(events[2].summary?.value.map((v) => v.tag)).toEqual(['losses/approx_kl', 'charts/SPS']);
    expect(Math.abs((events[2].summary?.value[0].simpleValue ?? 0) - 0.012345678)).toBeLessThan(0.012345678 * 2 ** -24);
    expect(events[2].summary?.value[1].simpleValue).toBe(1234);
    // The reader checks both CRCs: one flipped bit of the data is caught.
    const bytes = readFileSync(path);
    bytes[bytes.length - 6] ^= 1;
    writeFileSync(path, bytes);
    expect(() => readEvents(path)).toThrow(/bad data CRC/);
  });

  it('appends to an existing file without a second version event (resume), and starts an empty one with it', () => {
    const path = join(dir, 'events.out.tfevents.resume');
    new TensorBoardLogger(path).log(4, { 'charts/SPS': 10 });
    new TensorBoardLogger(path).log(8, { 'charts/SPS': 20 });
    expect(readEvents(path).map((e) => [e.step, e.fileVersion ?? e.summary?.value[0].simpleValue])).toEqual([
      [0, 'brain.Event:2'],
      [4, 10],
      [8, 20],
    ]);
    const empty = join(dir, 'events.out.tfevents.empty');
    writeFileSync(empty, '');
    new TensorBoardLogger(empty);
    expect(readEvents(empty).map((e) => e.fileVersion)).toEqual(['brain.Event:2']);
  });

  it('refuses a file name TensorBoard would not read, a bad step, and a link in place of the file', () => {
    expect(() => new TensorBoardLogger(join(dir, 'metrics.bin'))).toThrow(/path must name a file whose name contains 'tfevents'.*metrics\.bin/);
    const tb = new TensorBoardLogger(join(dir, 'events.out.tfevents.steps'));
    for (const step of [-1, 1.5, Number.NaN]) {
      let error: unknown;
      try {
        tb.log(step, { x: 1 });
      } catch (e) {
        error = e;
      }
      expect(PpoError.is(error, 'INVALID_ARGUMENT'), String(step)).toBe(true);
      expect(String(error)).toMatch(new RegExp(`step must be a non-negative integer, got ${String(step)}`));
    }
    const victim = join(dir, 'victim.txt');
    writeFileSync(victim, 'keep');
    symlinkSync(victim, join(dir, 'events.out.tfevents.link'));
    expect(() => new TensorBoardLogger(join(dir, 'events.out.tfevents.link')).log(1, { x: 1 })).toThrow(/symbolic link/);
    expect(readFileSync(victim, 'utf8')).toBe('keep');
  });
});
