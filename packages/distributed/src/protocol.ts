/**
 * The messages learner and workers exchange. Subjects hang off a prefix (default `ppo`), so
 * several runs can share one server:
 *
 * - `<prefix>.hello` (worker -> learner, JSON {@link Hello}) every heartbeat: the worker is alive.
 * - `<prefix>.task.<workerId>` (learner -> worker, JSON {@link Task}): roll these slots out.
 * - `<prefix>.chunk` (worker -> learner): a slot's rollout frame, split into parts under the
 *   server's `max_payload`, each part with the {@link CHUNK_HEADERS}.
 *
 * The JetStream object store bucket `<prefix>` holds what outlives a message: `config` (the
 * run's config as JSON), `weights-<version>` and `actions-<update>` (every slot's actions of a
 * rollout, time-major, which a worker replays to bring a slot's env to where the run is).
 */
import type { RngState } from '@ppo/utils';
import { PpoError, PpoRangeError } from '@ppo/utils';

/** A worker's heartbeat. */
export interface Hello {
  /** The worker's id (unique per process). */
  readonly worker: string;
}

/** The learner asks a worker to roll out some slots. */
export interface Task {
  /** The run: the digest of its config object. */
  readonly run: string;
  /** The weights version (updates completed) to act with. */
  readonly version: number;
  /** The slots to roll out from where the run is (`version` rollouts done). */
  readonly slots: readonly number[];
  /** The action generator's state at the start of the rollout (shared by all slots). */
  readonly rngState: RngState;
}

/** Headers of a chunk part. */
export const CHUNK_HEADERS = {
  run: 'Ppo-Run',
  version: 'Ppo-Version',
  slot: 'Ppo-Slot',
  part: 'Ppo-Part',
  parts: 'Ppo-Parts',
} as const;

/** The subjects under `prefix`. */
export interface Subjects {
  readonly hello: string;
  readonly chunk: string;
  task(worker: string): string;
}

const TOKEN = /^[A-Za-z0-9_-]+$/;

/** Checks a subject prefix (also the object store bucket's name): letters, digits, `-`, `_`. */
export function checkPrefix(prefix: unknown): string {
  if (typeof prefix !== 'string' || !TOKEN.test(prefix)) {
    throw new PpoRangeError('INVALID_ARGUMENT', `prefix must be letters, digits, '-' or '_' (it names subjects and a bucket), got ${JSON.stringify(prefix)}`);
  }
  return prefix;
}

/** The subjects of a run under `prefix`. */
export function subjects(prefix: string): Subjects {
  checkPrefix(prefix);
  return {
    hello: `${prefix}.hello`,
    chunk: `${prefix}.chunk`,
    task: (worker) => `${prefix}.task.${worker}`,
  };
}

/** Object names in the run's bucket. */
export const OBJECTS = {
  config: 'config',
  weights: (version: number) => `weights-${version}`,
  actions: (update: number) => `actions-${update}`,
} as const;

/** A short digest (FNV-1a, 64 bits as hex) that names a run by its config text. */
export function digest(text: string): string {
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193 ^ 0x5bd1e995;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 0x01000193);
    h2 = Math.imul(h2 ^ c, 0x5bd1e995) ^ (h2 >>> 15);
  }
  return (h1 >>> 0).toString(16).padStart(8, '0') + (h2 >>> 0).toString(16).padStart(8, '0');
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** JSON to bytes. */
export function encodeJson(value: unknown): Uint8Array {
  return encoder.encode(JSON.stringify(value));
}

/** Bytes to JSON; throws `BAD_MESSAGE` on text that is not JSON. */
export function decodeJson(bytes: Uint8Array, what: string): unknown {
  try {
    return JSON.parse(decoder.decode(bytes));
  } catch (error) {
    throw new PpoError('BAD_MESSAGE', `${what}: not JSON`, { cause: error });
  }
}

/** Reads a {@link Task}; throws `BAD_MESSAGE` on anything else. */
export function parseTask(bytes: Uint8Array): Task {
  const t = decodeJson(bytes, 'task') as Partial<Task> | null;
  if (
    t === null ||
    typeof t !== 'object' ||
    typeof t.run !== 'string' ||
    !Number.isInteger(t.version) ||
    (t.version as number) < 0 ||
    !Array.isArray(t.slots) ||
    !t.slots.every((s) => Number.isInteger(s) && s >= 0) ||
    typeof t.rngState !== 'object'
  ) {
    throw new PpoError('BAD_MESSAGE', 'task: malformed');
  }
  return t as Task;
}
