/**
 * User text the CLI must refuse, by name and before anything is written: numbers that are not
 * plain decimals or not exact, keys that only `in` would find, sizes that never finish, values a
 * later stage rejects, and output directories that are not the CLI's to write.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main, parseArgs, usageHint, UsageError } from './cli-main';
import { RUN_LAYOUT } from './run-files';
import { captureIo } from './test-cli-io';

const root = mkdtempSync(join(tmpdir(), 'ppo-cli-input-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const tiny = ['--env', 'CartPole-v1', '--num-envs', '2', '--num-steps', '16', '--num-minibatches', '1', '--update-epochs', '1', '--total-steps', '32', '--backend', 'cpu', '--quiet'];

describe('numbers on the command line', () => {
  it.each([
    [['train', '--learning-rate', '0x10'], /--learning-rate expects a finite decimal number, got '0x10'/],
    [['train', '--learning-rate', '0b1'], /--learning-rate expects a finite decimal number, got '0b1'/],
    [['train', '--learning-rate', ' 1'], /--learning-rate expects a finite decimal number, got ' 1'/],
    [['train', '--max-grad-norm', 'Infinity'], /--max-grad-norm expects a finite decimal number or 'null', got 'Infinity'/],
    [['train', '--total-steps', '100000000000000000000000'], /--total-steps expects a decimal integer \(at most 9007199254740991 in magnitude\), got '100000000000000000000000'/],
    [['train', '--total-steps', '1e23'], /--total-steps expects a decimal integer/],
    [['train', '--total-steps', '0x400'], /--total-steps expects a decimal integer/],
    [['train', '--hidden-sizes', '0x40,64'], /--hidden-sizes expects a comma-separated list of decimal integers such as 64,64, got '0x40,64'/],
    [['eval', 'a', '--episodes', '99999999999999999999'], /--episodes expects a decimal integer in \[1, 1000000\], got '99999999999999999999'/],
    [['eval', 'a', '--seed', '0x1'], /--seed expects a decimal integer in \[0, 4294967295\], got '0x1'/],
    [['train', '--env-timeout-ms', '0'], /--env-timeout-ms expects a decimal integer of milliseconds in \[1, 2147483647\], got '0'/],
    [['train', '--stop-grace-ms', '0x10'], /--stop-grace-ms expects a decimal integer of milliseconds/],
    [['train', '--env-start-timeout-ms', '1e10'], /--env-start-timeout-ms expects a decimal integer of milliseconds in \[1, 2147483647\], got '1e10'/],
    [['train', '--preset', '__proto__'], /--preset expects one of classic, mujoco, atari, minatar, got '__proto__'/],
    [['train', '--preset', 'toString'], /--preset expects one of classic, mujoco, atari, minatar, got 'toString'/],
  ])('refuses %j', (argv, message) => {
    expect(() => parseArgs(argv)).toThrow(UsageError);
    expect(() => parseArgs(argv)).toThrow(message);
  });

  it('takes the time limits, also with --resume (they are not part of the run)', () => {
    expect(parseArgs(['train', '--resume', 'r', '--env-timeout-ms', '1e3', '--env-start-timeout-ms', '60000', '--stop-grace-ms', '2500'])).toMatchObject({
      resume: 'r',
      envTimeoutMs: 1000,
      envStartTimeoutMs: 60000,
      stopGraceMs: 2500,
    });
  });

  it('reads exact decimal integers with an exponent', () => {
    expect(parseArgs(['train', '--env', 'CartPole-v1', '--total-steps', '1e6', '--hidden-sizes', '128, 1.28e2'])).toMatchObject({ overrides: { totalSteps: 1_000_000, hiddenSizes: [128, 128] } });
  });
});

/** Runs `main` and expects a usage failure naming `message`, with nothing written to `out`. */
async function expectRefused(argv: string[], message: RegExp | string, out: string): Promise<void> {
  const c = captureIo();
  expect(await main([...argv, '--out', out], c.io)).toBe(2);
  const err = c.err.join('');
  expect(err).toMatch(message);
  expect(err).toMatch(new RegExp(`\\n${usageHint('train')}\\n$`));
  expect(existsSync(out)).toBe(false);
}

describe('refused before anything is written', () => {
  it('--preset __proto__ and toString', async () => {
    await expectRefused(['train', ...tiny, '--preset', '__proto__'], /--preset expects one of classic, mujoco, atari, minatar, got '__proto__'/, join(root, 'proto-preset'));
    await expectRefused(['train', ...tiny, '--preset', 'toString'], /--preset expects one of classic, mujoco, atari, minatar, got 'toString'/, join(root, 'tostring-preset'));
  });

  it('"__proto__" and "constructor" keys in --config', async () => {
    const proto = join(root, 'proto.json');
    writeFileSync(proto, '{"__proto__": {"learningRate": 5}, "seed": 2}');
    await expectRefused(['train', ...tiny, '--config', proto], /config\.__proto__: unknown field/, join(root, 'proto-config'));
    const ctor = join(root, 'ctor.json');
    writeFileSync(ctor, '{"constructor": 5}');
    await expectRefused(['train', ...tiny, '--config', ctor], /config\.constructor: unknown field/, join(root, 'ctor-config'));
  });

  it('an inexact integer in --config', async () => {
    const file = join(root, 'big.json');
    writeFileSync(file, '{"totalSteps": 100000000000000000000000}');
    await expectRefused(['train', '--env', 'CartPole-v1', '--backend', 'cpu', '--config', file], /config\.totalSteps: expected an integer in \[1, 9007199254740991\], got 1e\+23/, join(root, 'big'));
  });

  it('--hidden-sizes 100000000 (which never finished) and --clip-coef 1e9 (which failed after the run directory existed)', async () => {
    await expectRefused(['train', ...tiny, '--hidden-sizes', '100000000'], /config\.hiddenSizes: expected an array of 1 to 16 integers in \[1, 4096\], got \[100000000\]/, join(root, 'wide'));
    await expectRefused(['train', ...tiny, '--clip-coef', '1e9'], /config\.clipCoef: expected a finite number > 0 and <= 1, got 1000000000/, join(root, 'clip'));
  });
});

describe('output directories', () => {
  it('refuses a foreign non-empty --out and leaves its files as they were', async () => {
    const out = join(root, 'foreign');
    mkdirSync(out);
    writeFileSync(join(out, 'metrics.jsonl'), 'keep\n');
    writeFileSync(join(out, 'notes.txt'), 'mine\n');
    const c = captureIo();
    expect(await main(['train', ...tiny, '--out', out], c.io)).toBe(1);
    expect(c.err.join('')).toMatch(/--out '.*foreign' is a directory that is not empty \(metrics\.jsonl, notes\.txt\); a run starts in a new or empty directory/);
    expect(readdirSync(out).sort()).toEqual(['metrics.jsonl', 'notes.txt']);
    expect(readFileSync(join(out, 'metrics.jsonl'), 'utf8')).toBe('keep\n');
  });

  it('starts again in a directory a killed start left with only its stale lock and temporary config', async () => {
    const out = join(root, 'cut-short');
    mkdirSync(out);
    // A lock whose process has exited, and the temporary file of a config write cut short.
    const deadPid = Number(execFileSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }));
    writeFileSync(join(out, RUN_LAYOUT.lock), JSON.stringify({ pid: deadPid, hostname: hostname(), started: '2026-01-01T00:00:00.000Z', command: 'train', token: 'planted' }));
    writeFileSync(join(out, `${RUN_LAYOUT.config}.tmp-${deadPid}`), '{');
    const c = captureIo();
    expect(await main(['train', ...tiny, '--out', out], c.io), c.err.join('')).toBe(0);
    expect(existsSync(join(out, RUN_LAYOUT.config))).toBe(true);
  });

  it('refuses an --out that is a file', async () => {
    const out = join(root, 'a-file');
    writeFileSync(out, 'x');
    const c = captureIo();
    expect(await main(['train', ...tiny, '--out', out], c.io)).toBe(1);
    expect(c.err.join('')).toMatch(/--out '.*a-file' exists and is not a directory/);
    expect(readFileSync(out, 'utf8')).toBe('x');
  });

  it('trains in an empty existing directory', async () => {
    const out = join(root, 'empty');
    mkdirSync(out);
    const c = captureIo();
    expect(await main(['train', ...tiny, '--out', out], c.io)).toBe(0);
    expect(existsSync(join(out, 'config.json'))).toBe(true);
  });

  it('ppo plot refuses a directory that is not a run and writes nothing into it', async () => {
    const dir = join(root, 'not-a-run');
    mkdirSync(dir);
    writeFileSync(join(dir, 'data.txt'), '1\n');
    const c = captureIo();
    expect(await main(['plot', dir], c.io)).toBe(1);
    expect(c.err.join('')).toMatch(/not-a-run is not a run directory \(it has no config\.json\)/);
    expect(readdirSync(dir)).toEqual(['data.txt']);
  });
});

/** A read-only file system mounted at a new directory, or null where this process may not mount. */
function readOnlyMount(): string | null {
  const dir = mkdtempSync(join(root, 'ro-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'ro,size=64k', 'tmpfs', dir], { stdio: 'ignore' });
    return dir;
  } catch {
    return null;
  }
}

describe('a read-only disk', () => {
  const mounted = process.getuid?.() === 0 ? readOnlyMount() : null;
  afterAll(() => {
    if (mounted !== null) execFileSync('umount', [mounted]);
  });

  // Mounting needs root (and a system that lets it mount); where that is missing this case cannot be made.
  it.skipIf(mounted === null)('names the read-only file system instead of ENOENT, for a new and an existing --out', async () => {
    const dir = mounted as string;
    for (const out of [join(dir, 'run'), join(dir, 'deeper', 'run'), dir]) {
      const c = captureIo();
      expect(await main(['train', ...tiny, '--out', out], c.io)).toBe(1);
      expect(c.err.join('')).toMatch(new RegExp(`--out '${out}' cannot be written: '${dir}' is on a read-only file system \\(EROFS\\)`));
    }
  });
});
