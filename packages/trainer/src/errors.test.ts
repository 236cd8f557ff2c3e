import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '@ppo/nets';
import { writeCheckpoint, readCheckpoint } from './checkpoint-files';
import { ConfigError, resolveConfig } from './config';
import { PPO } from './ppo';
import { PpoError } from './index';
import type { Checkpoint } from './checkpoint';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** The error `fn` throws (or its promise rejects with). */
async function caught(fn: () => unknown): Promise<unknown> {
  try {
    await fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
}

describe('trainer errors carry a stable code', () => {
  let checkpoint: Checkpoint;
  beforeAll(async () => {
    await selectBackend('cpu');
    const ppo = await PPO.create({ config: { env: 'CartPole-v1', hiddenSizes: [4] } });
    checkpoint = ppo.checkpoint();
    await ppo.close();
  });

  it('every bad-checkpoint condition is BAD_CHECKPOINT, whichever layer finds it', async () => {
    const wrongFormat = await caught(() => PPO.restore({ ...checkpoint, meta: { ...checkpoint.meta, format: 'other' as never } }, null));
    const shortData = await caught(() => PPO.restore({ ...checkpoint, data: checkpoint.data.subarray(0, 10) }, null));
    const otherNetwork = await caught(async () => {
      const other = await PPO.create({ config: { env: 'CartPole-v1', hiddenSizes: [8] } });
      const bigger = other.checkpoint();
      await other.close();
      await PPO.restore({ ...checkpoint, meta: { ...checkpoint.meta, weights: bigger.meta.weights } }, null);
    });
    const dir = mkdtempSync(join(tmpdir(), 'ppo-errors-'));
    dirs.push(dir);
    writeCheckpoint(dir, checkpoint);
    writeFileSync(join(dir, 'data.bin'), new Uint8Array(checkpoint.data.byteLength));
    const corrupt = await caught(() => readCheckpoint(dir));
    for (const error of [wrongFormat, shortData, otherNetwork, corrupt]) {
      expect(PpoError.is(error, 'BAD_CHECKPOINT'), String(error)).toBe(true);
      expect(error).toBeInstanceOf(PpoError);
    }
    // Argument-shaped errors stay RangeError/TypeError for existing catch blocks.
    expect(wrongFormat).toBeInstanceOf(TypeError);
    expect(shortData).toBeInstanceOf(RangeError);
    expect((corrupt as Error).name).toBe('CorruptCheckpointError');
  });

  it('a config error is INVALID_CONFIG and still a RangeError naming the field; other codes tell apart', async () => {
    const config = await caught(() => resolveConfig({ overrides: { gamma: 2 } }));
    expect(config).toBeInstanceOf(ConfigError);
    expect(config).toBeInstanceOf(RangeError);
    expect(PpoError.is(config, 'INVALID_CONFIG')).toBe(true);
    expect((config as ConfigError).field).toBe('gamma');
    const unused = await caught(() => PPO.create({ config: { backend: 'wasm' } }));
    expect(PpoError.is(unused, 'INVALID_CONFIG')).toBe(true);
    const ppo = await PPO.create({ config: { env: 'CartPole-v1', hiddenSizes: [4] } });
    await ppo.close();
    const closed = await caught(() => ppo.train());
    expect(PpoError.is(closed, 'INVALID_STATE')).toBe(true);
    expect(PpoError.is(closed, 'BAD_CHECKPOINT')).toBe(false);
    expect(PpoError.is(new Error('plain'))).toBe(false);
  });
});
