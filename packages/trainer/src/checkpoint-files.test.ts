import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { selectBackend } from '@ppo/nets';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Checkpoint } from './checkpoint';
import { CorruptCheckpointError, readCheckpoint, readCheckpointFiles, writeCheckpoint } from './checkpoint-files';
import { PPO } from './ppo';
import { CheckpointFormatError } from './validate-checkpoint';

const root = mkdtempSync(join(tmpdir(), 'ppo-checkpoint-files-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

let checkpoint: Checkpoint;
beforeAll(async () => {
  await selectBackend('cpu');
  const ppo = await PPO.create({ config: { env: 'Pendulum-v1', hiddenSizes: [4], normalizeObservation: true } });
  checkpoint = ppo.checkpoint();
  await ppo.close();
});

let count = 0;
function written(meta: Checkpoint['meta'] = checkpoint.meta): string {
  const dir = join(root, `c${count++}`);
  writeCheckpoint(dir, { meta, data: checkpoint.data });
  return dir;
}

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

describe('checkpoint files', () => {
  it('write a manifest with the length and SHA-256 of each file, and read back what was written', () => {
    const dir = written();
    const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as { files: Record<string, { bytes: number; sha256: string }> };
    for (const file of ['checkpoint.json', 'data.bin']) {
      const bytes = readFileSync(join(dir, file));
      expect(manifest.files[file]).toEqual({ bytes: bytes.byteLength, sha256: sha256(bytes) });
    }
    const back = readCheckpointFiles(dir);
    expect(back.checkpoint.meta).toEqual(checkpoint.meta);
    expect(Buffer.from(back.checkpoint.data.buffer).equals(Buffer.from(checkpoint.data.buffer))).toBe(true);
    expect(back.actionLog).toEqual({ bytes: 0, sha256: sha256(new Uint8Array(0)) });
  });

  it.each([
    ['one flipped bit in data.bin', 'data.bin', (b: Buffer): void => {
      b[5] ^= 0x10;
    }, /data\.bin does not match its SHA-256 checksum in manifest\.json/],
    ['a changed digit in checkpoint.json', 'checkpoint.json', (b: Buffer): void => {
      b.write('3', b.indexOf('"seed":') + 7);
    }, /checkpoint\.json does not match its SHA-256 checksum/],
    ['data.bin cut short', 'data.bin', null, /data\.bin has \d+ bytes, its manifest says \d+/],
  ] as const)('refuse %s, naming the file', (_what, file, change, message) => {
    const dir = written();
    const path = join(dir, file);
    const bytes = readFileSync(path);
    if (change === null) writeFileSync(path, bytes.subarray(0, bytes.byteLength - 4));
    else {
      change(bytes);
      writeFileSync(path, bytes);
    }
    const error = (() => {
      try {
        readCheckpoint(dir);
      } catch (e) {
        return e;
      }
      return null;
    })();
    expect(error).toBeInstanceOf(CorruptCheckpointError);
    expect((error as CorruptCheckpointError).file).toBe(path);
    expect((error as Error).message).toMatch(message);
  });

  it('refuse a folder without its manifest, or with a manifest listing other files', () => {
    const missing = written();
    unlinkSync(join(missing, 'manifest.json'));
    expect(() => readCheckpoint(missing)).toThrow(/manifest\.json is missing \(no complete checkpoint in /);
    const extra = written();
    const manifest = JSON.parse(readFileSync(join(extra, 'manifest.json'), 'utf8')) as { files: Record<string, unknown> };
    manifest.files['../../outside'] = manifest.files['data.bin'];
    writeFileSync(join(extra, 'manifest.json'), JSON.stringify(manifest));
    expect(() => readCheckpoint(extra)).toThrow(/manifest\.json must list exactly the files checkpoint\.json and data\.bin/);
  });

  it('refuse a version 1 checkpoint (no checksums) with a message saying so', () => {
    const dir = join(root, 'v1');
    writeCheckpoint(dir, { meta: { ...checkpoint.meta, version: 1 }, data: checkpoint.data });
    unlinkSync(join(dir, 'manifest.json'));
    expect(() => readCheckpoint(dir)).toThrow(CheckpointFormatError);
    expect(() => readCheckpoint(dir)).toThrow(/checkpoint\.json: version is 1, but this version of @ppo\/trainer reads checkpoint format 2 only \(older checkpoints carry no checksums; train the run again\)/);
  });

  // Checksums recomputed after the change (as anyone editing the files can): the types catch it.
  type Meta = Record<string, unknown> & { counters: Record<string, unknown>; rngs: Record<string, Record<string, unknown>>; weights: Record<string, unknown>[] };
  it.each([
    ['"globalStep": "1024"', (m: Meta) => void (m.counters.globalStep = '1024'), /counters\.globalStep must be an integer >= 0, got the string "1024"/],
    ['a negative update', (m: Meta) => void (m.counters.update = -1), /counters\.update must be an integer >= 0, got -1/],
    ['a fractional actionLogBytes', (m: Meta) => void (m.actionLogBytes = 1.5), /actionLogBytes must be an integer >= 0, got 1\.5/],
    ['3 generator words', (m: Meta) => void (m.rngs.action.words = [1, 2, 3]), /rngs\.action\.words must be an array of 4 integers/],
    ['a weight whose size is not its shape', (m: Meta) => void (m.weights[0].size = 3), /weights\[0\]\.size must be the product of its shape/],
    ['a logSizes key leaving the run', (m: Meta) => void (m.logSizes = { '../../../home/me/.bashrc': 0 }), /logSizes\["\.\.\/\.\.\/\.\.\/home\/me\/\.bashrc"\] is not a log file of a run \(expected metrics\.jsonl, progress\.csv, events\.out\.tfevents\.ppo\)/],
    ['a klBeta string', (m: Meta) => void (m.klBeta = '0.1'), /klBeta must be a finite number, got the string "0\.1"/],
    ['normalization statistics with a string mean', (m: Meta) => void ((m.normalization as Record<string, Record<string, unknown>>).observation.mean = ['0']), /normalization\.observation\.mean\[0\] must be a finite number/],
    ['a config out of range', (m: Meta) => void ((m.config as Record<string, unknown>).gamma = 2), /config\.gamma is invalid/],
    ['a missing field', (m: Meta) => void delete m.optimizer, /: optimizer is missing/],
  ])('refuse %s, naming the field', (_what, change, message) => {
    const meta = structuredClone(checkpoint.meta) as unknown as Meta;
    change(meta);
    const dir = written(meta as unknown as Checkpoint['meta']);
    expect(() => readCheckpoint(dir)).toThrow(CheckpointFormatError);
    expect(() => readCheckpoint(dir)).toThrow(message);
  });
});
