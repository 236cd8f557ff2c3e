/**
 * A run directory (and an export folder) is untrusted input: the cases of a copied or tampered
 * run, each either refused with a message naming what is wrong or resumed to the result of an
 * untouched run, and never writing outside the run or importing code the user did not name.
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { selectBackend } from '@ppo/nets';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallbackContext } from './callbacks';
import type { Checkpoint } from './checkpoint';
import { readCheckpoint, readCheckpointFiles, writeCheckpoint } from './checkpoint-files';
import { main } from './cli-main';
import { exportRun } from './export-run';
import { RUN_LAYOUT } from './run-files';
import { RunLockedError } from './run-lock';
import { plotRun, runTraining } from './runner';
import { captureIo } from './test-cli-io';
import { QUIET, runResult, TINY_RUN } from './test-runs';

const root = mkdtempSync(join(tmpdir(), 'ppo-trust-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const complete = join(root, 'complete');
const partial = join(root, 'partial');
let expected: Record<string, string>;

beforeAll(async () => {
  await selectBackend('cpu');
  await runTraining({ out: complete, config: TINY_RUN, plot: false, ...QUIET });
  expected = runResult(complete);
  // Stopped after update 2 of 3: checkpoints 0, 1 and 2, final/ of update 2.
  const stopAtTwo = { onUpdateEnd: (context: CallbackContext) => void (context.update === 2 && context.stop()) };
  await runTraining({ out: partial, config: TINY_RUN, plot: false, callbacks: [stopAtTwo], ...QUIET });
});

let count = 0;
/** A fresh copy of a fixture run, and a folder outside it holding a file that must survive. */
function copy(of: string): { run: string; outside: string; victim: string } {
  const base = join(root, `case-${count++}`);
  const run = join(base, 'run');
  cpSync(of, run, { recursive: true });
  const outside = join(base, 'outside');
  mkdirSync(outside);
  const victim = join(outside, 'victim.txt');
  writeFileSync(victim, 'precious\n');
  return { run, outside, victim };
}

/** Rewrites a checkpoint folder with `change` applied to its JSON, checksums recomputed (as anyone can). */
function tamper(directory: string, change: (meta: Record<string, unknown>) => void): void {
  const { checkpoint, actionLog } = readCheckpointFiles(directory);
  const meta = structuredClone(checkpoint.meta) as unknown as Record<string, unknown>;
  change(meta);
  writeCheckpoint(directory, { meta: meta as unknown as Checkpoint['meta'], data: checkpoint.data }, actionLog);
}

const checkpointDir = (run: string, update: number) => join(run, RUN_LAYOUT.checkpoints, `update-${String(update).padStart(6, '0')}`);

async function resume(run: string): Promise<string[]> {
  const notices: string[] = [];
  await runTraining({ out: run, resume: true, plot: false, ...QUIET, onNotice: (message) => void notices.push(message) });
  return notices;
}

describe('paths read from a run directory stay inside it', () => {
  it('a logSizes key made of ../ segments is refused; resume falls back to the checkpoint before and the file outside is untouched', async () => {
    const { run, victim } = copy(partial);
    tamper(checkpointDir(run, 2), (meta) => void (meta.logSizes = { [`../outside/victim.txt`]: 0 }));
    const notices = await resume(run);
    expect(notices.join('\n')).toMatch(/update-000002\/checkpoint\.json: logSizes\["\.\.\/outside\/victim\.txt"\] is not a log file of a run/);
    expect(notices.join('\n')).toMatch(/resuming from the newest checkpoint that passes: .*update-000001/);
    expect(readFileSync(victim, 'utf8')).toBe('precious\n');
    expect(runResult(run)).toEqual(expected);
  });

  it('a latest.json naming ../../outside/evil is refused and no checkpoint outside is loaded', async () => {
    const { run, outside } = copy(partial);
    // A complete, valid checkpoint outside the run, of another update.
    cpSync(checkpointDir(complete, 3), join(outside, 'evil'), { recursive: true });
    writeFileSync(join(run, RUN_LAYOUT.latest), JSON.stringify({ name: '../../outside/evil', update: 3 }));
    const notices = await resume(run);
    expect(notices.join('\n')).toMatch(/latest\.json: name "\.\.\/\.\.\/outside\/evil" is not the name of a checkpoint folder \(update-NNNNNN\)/);
    expect(notices.join('\n')).toMatch(/resuming from the newest checkpoint that passes: .*update-000002/);
    expect(runResult(run)).toEqual(expected);
  });

  it.each([RUN_LAYOUT.metrics, RUN_LAYOUT.progress, RUN_LAYOUT.actions])('%s as a symbolic link to a file outside is refused and the file is untouched', async (file) => {
    const { run, victim } = copy(partial);
    rmSync(join(run, file));
    symlinkSync(victim, join(run, file));
    await expect(resume(run)).rejects.toThrow(new RegExp(`${file.replace('.', '\\.')} is a symbolic link to .*victim\\.txt, outside`));
    expect(readFileSync(victim, 'utf8')).toBe('precious\n');
  });

  it('a checkpoints/ folder that is a link out of the run is refused', async () => {
    const { run, outside } = copy(partial);
    cpSync(join(run, RUN_LAYOUT.checkpoints), join(outside, 'checkpoints'), { recursive: true });
    rmSync(join(run, RUN_LAYOUT.checkpoints), { recursive: true });
    symlinkSync(join(outside, 'checkpoints'), join(run, RUN_LAYOUT.checkpoints));
    await expect(resume(run)).rejects.toThrow(/checkpoints is a symbolic link to .*outside/);
    expect(readdirSync(join(outside, 'checkpoints')).sort()).toEqual(['actions.bin', 'latest.json', 'update-000000', 'update-000001', 'update-000002']);
  });

  it('a learning-curve.svg that is a link to a file outside is replaced, not followed', () => {
    const { run, victim } = copy(complete);
    symlinkSync(victim, join(run, RUN_LAYOUT.plot));
    plotRun(run);
    expect(readFileSync(victim, 'utf8')).toBe('precious\n');
    expect(readFileSync(join(run, RUN_LAYOUT.plot), 'utf8')).toMatch(/^<svg/);
  });
});

describe('checksums', () => {
  it('one flipped bit in the latest data.bin: resume says so, falls back to the checkpoint before, and ends as the untouched run', async () => {
    const { run } = copy(partial);
    const data = join(checkpointDir(run, 2), 'data.bin');
    const bytes = readFileSync(data);
    bytes[17] ^= 0x01;
    writeFileSync(data, bytes);
    const notices = await resume(run);
    expect(notices[0]).toMatch(/skipping a checkpoint that fails verification: .*update-000002\/data\.bin does not match its SHA-256 checksum/);
    expect(runResult(run)).toEqual(expected);
  });

  it('one flipped bit at the start of actions.bin: every checkpoint that replays it is skipped, naming the file', async () => {
    const { run } = copy(partial);
    const actions = join(run, RUN_LAYOUT.actions);
    const bytes = readFileSync(actions);
    bytes[0] ^= 0x01;
    writeFileSync(actions, bytes);
    const notices = await resume(run);
    expect(notices.filter((n) => /actions\.bin does not match the SHA-256 checksum of its first \d+ bytes/.test(n))).toHaveLength(2);
    // update-000000 replays no action: the run restarts from it.
    expect(notices.at(-1)).toMatch(/resuming from the newest checkpoint that passes: .*update-000000$/);
    expect(runResult(run)).toEqual(expected);
  });

  it('when no checkpoint passes, resume refuses, listing each file at fault', async () => {
    const { run } = copy(partial);
    for (const update of [0, 1, 2]) writeFileSync(join(checkpointDir(run, update), 'data.bin'), 'garbage!');
    await expect(resume(run)).rejects.toThrow(/no checkpoint passes verification:\n.*update-000002\/data\.bin has 8 bytes.*\n.*update-000001\/data\.bin.*\n.*update-000000\/data\.bin/);
  });

  it('"globalStep": "1024" in final/ makes eval and export fail naming the field', async () => {
    const { run } = copy(complete);
    tamper(join(run, RUN_LAYOUT.final), (meta) => void ((meta.counters as Record<string, unknown>).globalStep = '1024'));
    for (const command of ['eval', 'export']) {
      const c = captureIo();
      expect(await main([command, run], c.io)).toBe(1);
      expect(c.err.join('')).toMatch(/final\/checkpoint\.json: counters\.globalStep must be an integer >= 0, got the string "1024"/);
    }
  });
});

describe('kill windows', () => {
  it('a run killed after its last checkpoint but before final/ was written resumes to write final/', async () => {
    const { run } = copy(complete);
    rmSync(join(run, RUN_LAYOUT.final), { recursive: true });
    const c = captureIo();
    expect(await main(['train', '--resume', run, '--quiet'], c.io)).toBe(0);
    expect(c.out.join('')).toMatch(/^done: 48 steps, 3 updates/);
    expect(runResult(run)).toEqual(expected);
  });

  it('a run killed before its first checkpoint resumes by starting over from config.json', async () => {
    const { run } = copy(complete);
    for (const name of readdirSync(run)) if (name !== RUN_LAYOUT.config) rmSync(join(run, name), { recursive: true });
    writeFileSync(join(run, RUN_LAYOUT.metrics), '{"global_step":16,"partial');
    const notices = await resume(run);
    expect(notices).toEqual([expect.stringMatching(/holds no checkpoint yet \(the run was stopped before its first\): starting it over from its config\.json/)]);
    expect(runResult(run)).toEqual(expected);
  });
});

describe('one process per run directory', () => {
  it('a second resume while one runs is refused naming the holder; the first ends as usual', async () => {
    const { run } = copy(partial);
    const first = runTraining({ out: run, resume: true, plot: false, ...QUIET });
    await expect(runTraining({ out: run, resume: true, plot: false, ...QUIET })).rejects.toThrow(RunLockedError);
    await expect(runTraining({ out: run, resume: true, plot: false, ...QUIET })).rejects.toThrow(new RegExp(`is in use by another process: pid ${process.pid} on .* \\(ppo train --resume, since `));
    await first;
    expect(runResult(run)).toEqual(expected);
    expect(existsSync(join(run, RUN_LAYOUT.lock))).toBe(false);
  });
});

describe('env modules named by a run', () => {
  const marker = join(root, 'evil-ran');
  const evil = join(root, 'evil.mjs');
  writeFileSync(evil, `import { writeFileSync } from 'node:fs';\nwriteFileSync(${JSON.stringify(marker)}, 'ran');\n`);
  const harmless = join(root, 'harmless.mjs');
  writeFileSync(harmless, 'export {};\n');

  /** A copy whose checkpoints and config name `modules`. */
  function naming(of: string, modules: string[]): string {
    const { run } = copy(of);
    const targets = [join(run, RUN_LAYOUT.final), ...[0, 1, 2, 3].map((u) => checkpointDir(run, u))].filter((dir) => existsSync(dir));
    for (const dir of targets) tamper(dir, (meta) => void ((meta.config as Record<string, unknown>).envModules = modules));
    return run;
  }

  it.each([
    [['train', '--resume'], partial],
    [['eval'], complete],
    [['export'], complete],
  ])('%j refuses to import them without consent, listing them (exit 2)', async (command, fixture) => {
    const run = naming(fixture, [pathToFileURL(evil).href]);
    const c = captureIo();
    expect(await main([...command, run, ...(command[0] === 'train' ? ['--quiet'] : [])], c.io), c.err.join('')).toBe(2);
    expect(c.err.join('')).toContain(`this run names env modules, which are code and are only imported with your consent: ${pathToFileURL(evil).href}.`);
    expect(c.err.join('')).toContain('--trust-run-modules');
    expect(existsSync(marker)).toBe(false);
  });

  it('--env-modules imports the modules named on the command line instead', async () => {
    const run = naming(partial, [pathToFileURL(evil).href]);
    const c = captureIo();
    expect(await main(['train', '--resume', run, '--quiet', '--env-modules', harmless], c.io)).toBe(0);
    expect(existsSync(marker)).toBe(false);
    expect(readCheckpoint(join(run, RUN_LAYOUT.final)).meta.config.envModules).toEqual([pathToFileURL(harmless).href]);
  });

  it('data:, http: and https: entries are refused everywhere, even with --trust-run-modules', async () => {
    const inline = `data:text/javascript,import('node:fs').then(f=>f.writeFileSync(${JSON.stringify(marker)},'ran'))`;
    for (const spec of [inline, 'http://example.com/envs.mjs', 'https://example.com/envs.mjs']) {
      const scheme = spec.slice(0, spec.indexOf(':'));
      const run = naming(complete, [spec]);
      const e = captureIo();
      expect(await main(['eval', run, '--trust-run-modules'], e.io)).toBe(1);
      expect(e.err.join('')).toMatch(new RegExp(`is refused: ${scheme}: URLs are never imported`));
      const t = captureIo();
      expect(await main(['train', '--env', 'CartPole-v1', '--env-modules', spec, '--out', join(root, `new-${scheme}`), '--quiet'], t.io)).toBe(2);
      expect(t.err.join('')).toMatch(new RegExp(`--env-modules entry '${scheme}:.*' is refused`));
      expect(existsSync(join(root, `new-${scheme}`))).toBe(false);
    }
    expect(existsSync(marker)).toBe(false);
  });

  it('--trust-run-modules imports them, saying which', async () => {
    const run = naming(complete, [pathToFileURL(harmless).href]);
    const c = captureIo();
    expect(await main(['eval', run, '--episodes', '1', '--trust-run-modules'], c.io), c.err.join('')).toBe(0);
    expect(c.err.join('')).toBe(`ppo: importing the env modules the run names (--trust-run-modules): ${pathToFileURL(harmless).href}\n`);
  });
});

describe('ppo export --out', () => {
  it('refuses a folder holding anything but an earlier export, and deletes nothing a crafted weights.json lists', async () => {
    const { run, outside, victim } = copy(complete);
    const target = join(outside, 'site');
    mkdirSync(target);
    writeFileSync(join(target, 'index.html'), '<html>');
    writeFileSync(join(target, 'weights.json'), JSON.stringify({ format: 'ppo-weights', version: 1, weightsManifest: [{ paths: ['index.html', '../victim.txt'], weights: [] }] }));
    const c = captureIo();
    expect(await main(['export', run, '--out', target], c.io)).toBe(1);
    expect(c.err.join('')).toMatch(/export folder .*site holds entries that an export does not write \(index\.html\)/);
    expect(readFileSync(join(target, 'index.html'), 'utf8')).toBe('<html>');
    // A folder of export file names only is replaced whole: the files it lists are not followed.
    rmSync(join(target, 'index.html'));
    expect(await main(['export', run, '--out', target], captureIo().io)).toBe(0);
    expect(readFileSync(victim, 'utf8')).toBe('precious\n');
    expect(readdirSync(target).sort()).toEqual([
      'group1-shard1of1.bin', 'model.json', 'policy.json', 'policy.onnx', expect.stringMatching(/^weights-[0-9a-f]{8}\.bin$/), 'weights.json',
    ]);
  });

  it('refuses an export folder that is a symbolic link', async () => {
    const { run, outside } = copy(complete);
    symlinkSync(outside, join(root, `link-${count}`));
    await expect(exportRun(run, { out: join(root, `link-${count}`), onNotice: () => undefined })).rejects.toThrow(/export folder .* is a symbolic link; give the folder itself/);
  });

  it('replaces an earlier export whole, removing its old weights', async () => {
    const { run, outside } = copy(complete);
    const target = join(outside, 'site');
    await exportRun(partial, { out: target, onNotice: () => undefined });
    const before = readdirSync(target).sort();
    await exportRun(run, { out: target, onNotice: () => undefined });
    const after = readdirSync(target).sort();
    const weights = (names: string[]): string | undefined => names.find((name) => name.startsWith('weights-'));
    expect(after).toHaveLength(6);
    expect(weights(after)).not.toBe(weights(before));
    expect(readdirSync(outside).sort()).toEqual(['site', 'victim.txt']);
  });
});
