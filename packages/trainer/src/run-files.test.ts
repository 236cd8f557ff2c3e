import type * as NodeFs from 'node:fs';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { selectBackend } from '@ppo/nets';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Checkpoint } from './checkpoint';
import { PPO } from './ppo';
import { readCheckpoint, removeStaleCheckpointWrites, RUN_LAYOUT, RunCheckpointSink, writeCheckpoint } from './run-files';

// Records which file each fsync and rename touched, in order, passing every call through.
const diskLog = vi.hoisted(() => [] as string[]);
vi.mock('node:fs', async (importOriginal) => {
  const real = await importOriginal<typeof NodeFs>();
  const paths = new Map<number, string>();
  return {
    ...real,
    openSync: (path: string, flags: NodeFs.OpenMode) => {
      const fd = real.openSync(path, flags);
      paths.set(fd, path);
      return fd;
    },
    fsyncSync: (fd: number) => {
      diskLog.push(`fsync ${paths.get(fd) ?? '?'}`);
      real.fsyncSync(fd);
    },
    renameSync: (from: string, to: string) => {
      diskLog.push(`rename ${to}`);
      real.renameSync(from, to);
    },
  };
});

const root = mkdtempSync(join(tmpdir(), 'ppo-run-files-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

// A real checkpoint of a fresh trainer; checkpointAt relabels it (the files do not care).
let fresh: Checkpoint;
beforeAll(async () => {
  await selectBackend('cpu');
  const ppo = await PPO.create({ config: { env: 'CartPole-v1', hiddenSizes: [4] } });
  fresh = ppo.checkpoint();
  await ppo.close();
});

function checkpointAt(update: number, actionLogBytes = 0): Checkpoint {
  const meta = { ...fresh.meta, counters: { ...fresh.meta.counters, update }, actionLogBytes };
  return { meta, data: fresh.data };
}

describe('RunCheckpointSink', () => {
  it('flushes the action log and the logs to disk before the checkpoint that counts their bytes', () => {
    const runDir = join(root, 'fsync');
    const sink = new RunCheckpointSink(runDir);
    writeFileSync(join(runDir, RUN_LAYOUT.metrics), '{"global_step":512}\n');
    writeFileSync(join(runDir, RUN_LAYOUT.progress), 'global_step\n512\n');
    sink.appendActions(Int32Array.from([1, 0, 1, 1]));
    diskLog.length = 0;
    sink.save(checkpointAt(1, 16), { final: false });
    const checkpointInPlace = diskLog.indexOf(`rename ${join(runDir, RUN_LAYOUT.checkpoints, 'update-000001')}`);
    expect(checkpointInPlace).toBeGreaterThan(-1);
    for (const file of [RUN_LAYOUT.actions, RUN_LAYOUT.metrics, RUN_LAYOUT.progress]) {
      const flushed = diskLog.indexOf(`fsync ${join(runDir, file)}`);
      expect(flushed, file).toBeGreaterThan(-1);
      expect(flushed, file).toBeLessThan(checkpointInPlace);
    }
    expect(readCheckpoint(join(runDir, RUN_LAYOUT.checkpoints, 'update-000001')).meta.logSizes).toEqual({
      [RUN_LAYOUT.metrics]: 20,
      [RUN_LAYOUT.progress]: 16,
      [RUN_LAYOUT.tensorboard]: 0,
    });
  });
});

describe('removeStaleCheckpointWrites', () => {
  it('removes the temporary leftovers of a killed write (in checkpoints/, and of final/ and config.json) and touches nothing else', () => {
    const runDir = join(root, 'stale');
    const folder = join(runDir, RUN_LAYOUT.checkpoints);
    writeCheckpoint(join(folder, 'update-000002'), checkpointAt(2));
    // A half-written checkpoint folder (no checkpoint.json yet), a complete one for a target
    // that exists, the old copy of a replaced one, and a half-written latest.json.
    mkdirSync(join(folder, 'update-000004.tmp-4242'));
    writeFileSync(join(folder, 'update-000004.tmp-4242', 'data.bin.tmp-4242'), 'x');
    writeCheckpoint(join(folder, 'update-000002.tmp-77'), checkpointAt(2));
    writeCheckpoint(join(folder, 'update-000002.old-77'), checkpointAt(2));
    writeFileSync(join(folder, 'latest.json.tmp-99'), '{"na');
    writeFileSync(join(folder, 'latest.json'), '{"name":"update-000002","update":2}\n');
    writeFileSync(join(folder, 'actions.bin'), new Uint8Array(8));
    // In the run directory: the leftovers of config.json and of a half-written final/ go,
    // look-alikes of other names stay.
    writeFileSync(join(runDir, 'config.json.tmp-5'), '{}');
    mkdirSync(join(runDir, 'final.tmp-5'));
    writeFileSync(join(runDir, 'notes.txt.tmp-5'), 'mine');
    mkdirSync(join(runDir, 'export.old-5'));

    removeStaleCheckpointWrites(runDir);
    expect(readdirSync(folder).sort()).toEqual(['actions.bin', 'latest.json', 'update-000002']);
    expect(readdirSync(runDir).sort()).toEqual(['checkpoints', 'export.old-5', 'notes.txt.tmp-5']);
  });

  it('puts a complete checkpoint back when the kill fell between the two renames that replace it', () => {
    for (const kind of ['tmp', 'old']) {
      const runDir = join(root, `between-renames-${kind}`);
      const folder = join(runDir, RUN_LAYOUT.checkpoints);
      writeCheckpoint(join(folder, `update-000003.${kind}-12`), checkpointAt(3));
      removeStaleCheckpointWrites(runDir);
      expect(readdirSync(folder)).toEqual(['update-000003']);
      expect(readCheckpoint(join(folder, 'update-000003')).meta.counters.update).toBe(3);
    }
    // With both copies, the new one wins and the old one goes.
    const runDir = join(root, 'between-renames-both');
    const folder = join(runDir, RUN_LAYOUT.checkpoints);
    writeCheckpoint(join(folder, 'update-000003.old-12'), checkpointAt(1));
    writeCheckpoint(join(folder, 'update-000003.tmp-12'), checkpointAt(3));
    removeStaleCheckpointWrites(runDir);
    expect(readdirSync(folder)).toEqual(['update-000003']);
    expect(readCheckpoint(join(folder, 'update-000003')).meta.counters.update).toBe(3);
  });

  it('does nothing for a run directory without checkpoints', () => {
    const runDir = join(root, 'empty');
    mkdirSync(runDir);
    removeStaleCheckpointWrites(runDir);
    expect(readdirSync(runDir)).toEqual([]);
  });
});
