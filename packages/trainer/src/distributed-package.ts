/**
 * Node-only: `@ppo/distributed`, loaded on demand by `ppo train --workers` and `ppo worker`.
 * It builds on this package, so the trainer names it in no dependency list and finds it the
 * way it finds env packages: in the user's project, else beside the trainer.
 */
import { PpoError } from '@ppo/utils';
import type { RolloutCollector } from './collect-rollout';
import type { PPOConfig } from './config';
import { resolveNearby } from './env-packages';

/** Where `ppo train --workers` and `ppo worker` reach the NATS server (JSON-safe: it crosses into the training process). */
export interface NatsSettings {
  /** `nats://host:4222` or `tls://host:4222`. */
  readonly servers: string;
  /** A NATS credentials file; a token comes from the `PPO_NATS_TOKEN` environment variable instead. */
  readonly credsFile?: string;
  /** A PEM file of the CA that signed the server's certificate. */
  readonly tlsCaFile?: string;
  /** Subject prefix and bucket of the run (default `ppo`). */
  readonly prefix?: string;
}

/** The settings of `ppo train --workers`. */
export interface WorkersSettings extends NatsSettings {
  /** Workers to wait for before the first rollout (default 1). */
  readonly expectWorkers?: number;
  /** How long a silent worker keeps its slots (ms). */
  readonly workerTimeoutMs?: number;
}

interface Connection {
  close(): Promise<void>;
  isClosed(): boolean;
}

/** The part of `@ppo/distributed` (and its `./node` entry) the trainer calls. */
export interface DistributedModule {
  connect(options: { servers: string; token?: string; credsFile?: string; tlsCaFile?: string; name?: string }): Promise<Connection>;
  createLearner(options: {
    nc: Connection;
    config: PPOConfig;
    prefix?: string;
    expectWorkers?: number;
    workerTimeoutMs?: number;
    log?: (line: string) => void;
  }): Promise<{ collect: RolloutCollector; close(): void }>;
  workerMain(options: {
    servers: string;
    token?: string;
    credsFile?: string;
    tlsCaFile?: string;
    prefix?: string;
    signal?: AbortSignal;
    prepareRun?: (config: PPOConfig) => Promise<void>;
    log?: (line: string) => void;
  }): Promise<void>;
}

/** The token of the NATS server from `PPO_NATS_TOKEN` (a flag would show in the process list). */
export function natsToken(): string | undefined {
  const token = process.env.PPO_NATS_TOKEN;
  return token === undefined || token === '' ? undefined : token;
}

/** Imports `@ppo/distributed` and its `./node` entry; a `DISTRIBUTED_MISSING` error says how to add it. */
export async function loadDistributed(cwd: string = process.cwd()): Promise<DistributedModule> {
  const main = resolveNearby('@ppo/distributed', cwd);
  const node = resolveNearby('@ppo/distributed/node', cwd);
  if (main.url === null || node.url === null) {
    throw new PpoError(
      'DISTRIBUTED_MISSING',
      `rollout workers need @ppo/distributed, which is not installed (looked in ${main.searched.join(' and ')}): add it with 'pnpm add @ppo/distributed' (or 'npm install @ppo/distributed')`,
      { cause: main.problem ?? node.problem },
    );
  }
  const [core, nodeEntry] = (await Promise.all([import(/* @vite-ignore */ main.url), import(/* @vite-ignore */ node.url)])) as [Record<string, unknown>, Record<string, unknown>];
  return { createLearner: core.createLearner, connect: nodeEntry.connect, workerMain: nodeEntry.workerMain } as DistributedModule;
}
