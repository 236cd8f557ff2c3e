import type { MessagePort } from 'node:worker_threads';
import type { SpaceSpec } from '../spaces';

// The control block shared by the main thread and the workers: one row of STRIDE int32 per
// worker. The main thread writes CMD then bumps SEQ and notifies; the worker runs the command,
// writes its results, sets DONE = SEQ and notifies.
export const STRIDE = 8;
export const SEQ = 0;
export const CMD = 1;
export const DONE = 2;
export const STATUS = 3;
/** 1 when the worker posted a message (infos or an error) for the command just done. */
export const HAS_MESSAGE = 4;

export const CMD_STEP = 1;
export const CMD_RESET = 2;
export const CMD_CLOSE = 3;

export const STATUS_OK = 0;
export const STATUS_DEAD = 2;

/** What the main thread gives a worker at start. */
export interface WorkerStartData {
  readonly envId: string;
  readonly makeOptions: Readonly<Record<string, unknown>>;
  readonly modules: readonly string[];
  /** Global index of the worker's first env, and how many envs it runs. */
  readonly start: number;
  readonly count: number;
  readonly workerIndex: number;
}

/** The worker's first message: its envs are made (or could not be). */
export type WorkerReadyMessage =
  | { readonly type: 'ready'; readonly observationSpace: SpaceSpec; readonly actionSpace: SpaceSpec }
  | { readonly type: 'error'; readonly error: SerializedError };

/** Shared memory handed to a worker once every worker is ready. */
export interface WorkerBuffers {
  readonly type: 'buffers';
  readonly control: SharedArrayBuffer;
  readonly observations: SharedArrayBuffer;
  readonly finalObservations: SharedArrayBuffer;
  readonly actions: SharedArrayBuffer;
  readonly actionsAreFloat: boolean;
  readonly rewards: SharedArrayBuffer;
  readonly terminated: SharedArrayBuffer;
  readonly truncated: SharedArrayBuffer;
  readonly port: MessagePort;
}

/** An error as it crosses threads; the env fields are set when an env threw. */
export interface SerializedError {
  readonly message: string;
  readonly stack?: string;
  /** The `code` of an error of the project (of the env's own error, for an env failure), kept across the thread boundary. */
  readonly code?: string;
  readonly envIndex?: number;
  readonly envId?: string;
  readonly phase?: string;
}

/** A worker's message for one command: the non-empty infos by global env index, or an error. */
export type WorkerReply =
  | { readonly infos: ReadonlyArray<readonly [number, Record<string, unknown>]> }
  | { readonly error: SerializedError };
