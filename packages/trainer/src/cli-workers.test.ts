import { describe, expect, it } from 'vitest';
import { parseArgs, UsageError } from './cli-main';

describe('ppo train --workers and ppo worker on the command line', () => {
  it('reads the learner settings, also with --resume', () => {
    expect(parseArgs(['train', '--env', 'CartPole-v1', '--workers', 'nats://10.0.0.1:4222', '--expect-workers', '3', '--worker-timeout-ms', '5000', '--nats-creds', 'me.creds', '--nats-prefix', 'run-a'])).toMatchObject({
      command: 'train',
      workers: { servers: 'nats://10.0.0.1:4222', expectWorkers: 3, workerTimeoutMs: 5000, credsFile: 'me.creds', prefix: 'run-a' },
    });
    expect(parseArgs(['train', '--resume', 'runs/a', '--workers', 'tls://nats.example.org:4222', '--nats-ca', 'ca.pem'])).toMatchObject({
      resume: 'runs/a',
      workers: { servers: 'tls://nats.example.org:4222', tlsCaFile: 'ca.pem' },
    });
    expect(parseArgs(['train', '--env', 'CartPole-v1'])).toMatchObject({ workers: null });
  });

  it('reads the worker command', () => {
    expect(parseArgs(['worker', '--nats', 'nats://127.0.0.1:4222', '--env-modules', './my-envs.mjs', '--backend', 'cpu'])).toEqual({
      command: 'worker',
      nats: { servers: 'nats://127.0.0.1:4222' },
      envModules: ['./my-envs.mjs'],
      backend: 'cpu',
    });
  });

  it.each([
    [['worker'], /ppo worker needs --nats URL/],
    [['worker', '--nats', 'http://x:4222'], /--nats expects a NATS server URL/],
    [['train', '--env', 'CartPole-v1', '--workers', 'localhost:4222'], /--workers expects a NATS server URL/],
    [['train', '--env', 'CartPole-v1', '--expect-workers', '2'], /apply only with --workers/],
    [['train', '--env', 'CartPole-v1', '--workers', 'nats://h:1', '--expect-workers', '0'], /--expect-workers expects a decimal integer >= 1, got '0'/],
    [['worker', '--nats', 'nats://h:1', '--nats-prefix', 'a.b'], /--nats-prefix expects letters/],
  ])('refuses %j', (argv, message) => {
    expect(() => parseArgs(argv)).toThrow(UsageError);
    expect(() => parseArgs(argv)).toThrow(message);
  });
});
