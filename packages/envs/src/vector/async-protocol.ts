import type { MessagePort } from 'node:worker_threads';
import type { SpaceSpec } from '../spaces';

// The control block shared by the main thread and the workers: one row of STRIDE int32 per
// worker. The main thread writes CMD then bumps SEQ and notifies; the worker runs the command,
// writes its results, sets DONE = SEQ and notifies. Each side acts on the values, never on a
// wake-up alone: a notify can land after the command it announced is already done.
export const STRIDE = 8;
export const SEQ = 0;
export const CMD = 1;
export const DONE = 2;
export const STATUS = 3;
/** 1 when the worker posted a message (infos or an error) for the command just done. */
export const HAS_MESSAGE = 4;
/** What the worker is doing (a PHASE_* code), so that a timeout can say which call hangs. */
export const PHASE = 5;
/** The global index of the env in that call, or the index of the module being imported. */
export const PHASE_INDEX = 6;

export const CMD_STEP = 1;
export const CMD_RESET = 2;
export const CMD_CLOSE = 3;

export const PHASE_IDLE = 0;
export const PHASE_IMPORT = 1;
export const PHASE_MAKE = 2;
export const PHASE_STEP = 3;
export const PHASE_RESET = 4;
export const PHASE_AUTORESET = 5;
export const PHASE_CLOSE = 6;
/** The call each PHASE_* code stands for, as error messages name it. */
export const PHASE_NAMES: readonly string[] = ['idle', 'import', 'make', 'step', 'reset', 'autoreset', 'close'];

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
  /** The control block (see STRIDE), shared from the start so that the worker reports its phase while it imports and makes. */
  readonly control: SharedArrayBuffer;
}

/** The worker's first message: its envs are made (or could not be). */
export type WorkerReadyMessage =
  | { readonly type: 'ready'; readonly observationSpace: SpaceSpec; readonly actionSpace: SpaceSpec }
  | { readonly type: 'error'; readonly error: SerializedError };

/** Shared memory handed to a worker once every worker is ready. */
export interface WorkerBuffers {
  readonly type: 'buffers';
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
