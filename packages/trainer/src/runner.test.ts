import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type * as tf from '@tensorflow/tfjs';
import { ClipPpoObjective, RmsProp } from '@ppo/core';
import type { CallbackContext } from './callbacks';
import { readCheckpoint } from './checkpoint-files';
import type { PPOConfig } from './config';
import { PROGRESS_COLUMNS, readMetrics, RUN_LAYOUT } from './run-files';
import { runTraining } from './runner';
import { TensorBoardLogger } from './tensorboard-logger';
import { readEvents } from './test-tensorboard';

const root = mkdtempSync(join(tmpdir(), 'ppo-runner-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const tiny: Partial<PPOConfig> = { env: 'CartPole-v1', seed: 2, numEnvs: 2, numSteps: 16, numMinibatches: 2, updateEpochs: 1, totalSteps: 64, checkpointEvery: 1, backend: 'cpu' };
const quiet = { console: false, plot: false, handleSignals: false } as const;

describe('runTraining', () => {
  it('leaves no run directory behind when the trainer cannot be built, so the same out can be retried', async () => {
    const out = join(root, 'retry');
    const failures: [Partial<PPOConfig>, RegExp][] = [
      [{ env: 'NoSuchEnv-v0' }, /no env registered as "NoSuchEnv-v0"/],
      [{ loss: 'kl', klBetaInit: 0 }, /initialBeta|klBetaInit/],
    ];
    for (const [overrides, message] of failures) {
      await expect(runTraining({ out, config: { ...tiny, ...overrides }, ...quiet })).rejects.toThrow(message);
      expect(existsSync(out)).toBe(false);
    }
    const result = await runTraining({ out, config: tiny, ...quiet });
    expect(result.stoppedBy).toBe('complete');
    expect(result.globalStep).toBe(64);
  });

  it("names the run directory's problems in the library's terms, not the command line's", async () => {
    const out = join(root, 'taken');
    await runTraining({ out, config: tiny, ...quiet });
    const again = runTraining({ out, config: tiny, ...quiet });
    await expect(again).rejects.toMatchObject({ code: 'RUN_EXISTS' });
    await expect(runTraining({ out, config: tiny, ...quiet })).rejects.toThrow(
      /^`out` '.*taken' already holds a run \(config\.json exists\); continue it with `resume: true` or choose another `out`$/,
    );
    const empty = join(root, 'never-ran');
    await expect(runTraining({ out: empty, resume: true, config: tiny, ...quiet })).rejects.not.toThrow(/--/);
  });

  it('removes the leftovers of a checkpoint write cut short before resuming', async () => {
    const out = join(root, 'leftovers');
    const stopAtTwo = {
      onUpdateEnd: (context: CallbackContext) => {
        if (context.update === 2) context.stop();
      },
    };
    const first = await runTraining({ out, config: { ...tiny, totalSteps: 128 }, ...quiet, callbacks: [stopAtTwo] });
    expect(first.stoppedBy).toBe('callback');
    expect(first.update).toBe(2);
    const folder = join(out, RUN_LAYOUT.checkpoints);
    mkdirSync(join(folder, 'update-000003.tmp-31337'));
    writeFileSync(join(folder, 'latest.json.tmp-31337'), '{"name":"upd');
    const resumed = await runTraining({ out, resume: true, ...quiet });
    expect(resumed.stoppedBy).toBe('complete');
    expect(resumed.update).toBe(4);
    expect(readdirSync(folder).filter((name) => /\.(tmp|old)-\d+$/.test(name))).toEqual([]);
  });
});

describe('runTraining with components', () => {
  const components = () => ({
    optimizer: (variables: readonly tf.Variable[]) => new RmsProp(variables, { epsilon: 1e-5 }),
    objective: new ClipPpoObjective({ vfCoef: 0.25 }),
  });

  it('trains with them, refuses the fields they replace, and resumes bitwise when given them again', async () => {
    const config = { ...tiny, totalSteps: 128 };
    await expect(runTraining({ out: join(root, 'replaced'), config: { ...config, vfCoef: 1 }, components: components(), ...quiet })).rejects.toThrow(
      /config\.vfCoef: is not used with a custom objective component/,
    );
    expect(existsSync(join(root, 'replaced'))).toBe(false);
    const straight = join(root, 'components-straight');
    await runTraining({ out: straight, config, components: components(), ...quiet });
    const out = join(root, 'components-resumed');
    const stopAtTwo = {
      onUpdateEnd: (context: CallbackContext) => {
        if (context.update === 2) context.stop();
      },
    };
    await runTraining({ out, config, components: components(), ...quiet, callbacks: [stopAtTwo] });
    // The checkpoint holds the RmsProp's state: resuming without the component is refused by name.
    await expect(runTraining({ out, resume: true, ...quiet })).rejects.toThrow(/custom optimizer component/);
    const resumed = await runTraining({ out, resume: true, components: components(), ...quiet });
    expect(resumed.update).toBe(4);
    const finalOf = (dir: string) => readCheckpoint(join(dir, RUN_LAYOUT.final));
    const [a, b] = [finalOf(straight), finalOf(out)];
    expect(Buffer.from(b.data.buffer).equals(Buffer.from(a.data.buffer))).toBe(true);
    expect(b.meta.components).toEqual(a.meta.components);
    expect(readMetrics(join(out, RUN_LAYOUT.metrics)).map((r) => r.metrics['losses/value_loss'])).toEqual(
      readMetrics(join(straight, RUN_LAYOUT.metrics)).map((r) => r.metrics['losses/value_loss']),
    );
  });
});

describe('runTraining logs', () => {
  // One run, stopped after update 2 and resumed, with evaluations: every log must hold each
  // record once, in order, as metrics.jsonl does.
  const out = join(root, 'logs');
  const tensorboard = join(out, RUN_LAYOUT.tensorboard);
  beforeAll(async () => {
    const config = { ...tiny, totalSteps: 128, evalEvery: 2, evalEpisodes: 1 };
    const stopAtTwo = {
      onUpdateEnd: (context: CallbackContext) => {
        if (context.update === 2) context.stop();
      },
    };
    await runTraining({ out, config, ...quiet, tensorboard: true, callbacks: [stopAtTwo] });
    // What a process killed after the checkpoint of update 2 would have left behind.
    new TensorBoardLogger(tensorboard).log(9999, { 'charts/SPS': 1 });
    const resumed = await runTraining({ out, resume: true, ...quiet, tensorboard: true });
    expect(resumed.update).toBe(4);
  });

  it('writes every record of metrics.jsonl to the TensorBoard event file, cut back on resume with the other logs', () => {
    const [version, ...events] = readEvents(tensorboard);
    expect(version).toMatchObject({ step: 0, what: 'fileVersion', fileVersion: 'brain.Event:2' });
    const records = readMetrics(join(out, RUN_LAYOUT.metrics));
    expect(records.some((r) => r.metrics['eval/mean_return'] !== undefined)).toBe(true);
    expect(events).toHaveLength(records.length);
    events.forEach((event, k) => {
      const finite = Object.entries(records[k].metrics).filter(([, v]) => Number.isFinite(v));
      expect(event.step, `record ${k}`).toBe(records[k].step);
      expect(event.summary?.value.map((v) => [v.tag, v.simpleValue]), `record ${k}`).toEqual(finite.map(([tag, v]) => [tag, Math.fround(v)]));
    });
  });

  it('writes progress.csv with the rows and columns of metrics.jsonl (grad_norm and eval/* included)', () => {
    const [header, ...rows] = readFileSync(join(out, RUN_LAYOUT.progress), 'utf8').trimEnd().split('\n');
    const columns = header.split(',');
    expect(columns).toEqual(PROGRESS_COLUMNS);
    const records = readMetrics(join(out, RUN_LAYOUT.metrics));
    const inJsonl = new Set(records.flatMap((r) => Object.keys(r.metrics)));
    for (const name of ['charts/grad_norm', 'eval/mean_return', 'charts/episodic_return', 'losses/approx_kl']) expect(inJsonl.has(name), name).toBe(true);
    expect([...inJsonl].filter((name) => !columns.includes(name))).toEqual([]);
    expect(rows).toHaveLength(records.length);
    rows.forEach((row, k) => {
      const cells = row.split(',');
      expect(cells).toHaveLength(columns.length);
      expect(Number(cells[0]), `row ${k}`).toBe(records[k].step);
      const fromCsv = Object.fromEntries(columns.slice(1).flatMap((c, j) => (cells[j + 1] === '' ? [] : [[c, Number(cells[j + 1])]])));
      const fromJsonl = Object.fromEntries(Object.entries(records[k].metrics).filter(([, v]) => Number.isFinite(v)));
      expect(fromCsv, `row ${k}`).toEqual(fromJsonl);
    });
  });

  it('writes no event file without the option', async () => {
    const plain = join(root, 'no-tensorboard');
    await runTraining({ out: plain, config: tiny, ...quiet });
    expect(existsSync(join(plain, RUN_LAYOUT.tensorboard))).toBe(false);
  });
});

describe('runTraining stop and env limits', () => {
  it('stops after the current update when its stop signal is aborted, naming the reason as the signal', async () => {
    const out = join(root, 'abort');
    const stop = new AbortController();
    const result = await runTraining({
      out,
      config: { ...tiny, totalSteps: 32 * 10 },
      ...quiet,
      stop: stop.signal,
      callbacks: [{ onRolloutEnd: (context: CallbackContext) => void (context.update === 1 && stop.abort('SIGTERM')) }],
    });
    expect(result).toMatchObject({ stoppedBy: 'signal', signal: 'SIGTERM', update: 2 });
    expect(existsSync(join(out, RUN_LAYOUT.final))).toBe(false);
  });

  it('refuses env timeouts with a sync vector env before anything is written', async () => {
    const out = join(root, 'sync-timeout');
    await expect(runTraining({ out, config: tiny, ...quiet, envTimeoutMs: 100 })).rejects.toThrow(
      /^envTimeoutMs needs vectorEnv 'async' \(a sync vector env runs in the training thread, where a call cannot be timed out\), got vectorEnv 'sync'$/,
    );
    expect(existsSync(out)).toBe(false);
  });
});
