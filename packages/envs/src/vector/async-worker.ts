// The worker-thread side of AsyncVectorEnv: it makes its slice of the envs, then serves step and
// reset commands in a blocking loop over shared memory (see async-protocol.ts).
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { parentPort, receiveMessageOnPort, workerData } from 'node:worker_threads';
import type { Env, Info } from '../env';
import { isRegistered, make, type MakeOptions } from '../registry';
import {
  CMD,
  CMD_CLOSE,
  CMD_RESET,
  CMD_STEP,
  DONE,
  HAS_MESSAGE,
  PHASE,
  PHASE_AUTORESET,
  PHASE_CLOSE,
  PHASE_IDLE,
  PHASE_IMPORT,
  PHASE_INDEX,
  PHASE_MAKE,
  PHASE_RESET,
  PHASE_STEP,
  SEQ,
  STATUS,
  STATUS_DEAD,
  STRIDE,
  type SerializedError,
  type WorkerBuffers,
  type WorkerReadyMessage,
  type WorkerReply,
  type WorkerStartData,
} from './async-protocol';
import { hasStepInto, type StepIntoEnv } from './step-into';
import { SyncVectorEnv, VectorEnvError } from './sync-vector-env';
import { PpoError } from '@ppo/utils';

type MakeFn = (id: string, options: MakeOptions) => Env<unknown, unknown>;

function serialize(error: unknown): SerializedError {
  const base = error instanceof Error
    ? { message: error.message, stack: error.stack, ...(PpoError.is(error) ? { code: error.code } : {}) }
    : { message: String(error) };
  if (error instanceof VectorEnvError) {
    const cause = error.cause instanceof Error ? error.cause.message : String(error.cause);
    // The code of the env's own error: the rebuilt VectorEnvError carries ENV_FAILED itself.
    const code = PpoError.is(error.cause) ? error.cause.code : undefined;
    return { message: cause, stack: error.stack, code, envIndex: error.envIndex, envId: error.envId, phase: error.phase };
  }
  return base;
}

function isEmpty(info: Info): boolean {
  for (const _ in info) return false;
  return true;
}

/**
 * The `make` that knows `id`: this build's registry, else (for modules that registered through
 * the CommonJS build of the package) the CommonJS registry next to this file.
 */
function resolveMake(id: string): MakeFn {
  if (isRegistered(id)) return make;
  const here = import.meta.url;
  if (here.startsWith('file:') && !here.endsWith('.ts')) {
    const cjsEntry = fileURLToPath(new URL('./index.cjs', here));
    if (existsSync(cjsEntry)) {
      const cjs = createRequire(here)(cjsEntry) as { isRegistered(id: string): boolean; make: MakeFn };
      if (cjs.isRegistered(id)) return cjs.make;
    }
  }
  return make; // raises the registry's "no env registered" error
}

/** Publishes what this worker is doing, for the main thread's timeout messages. */
type MarkPhase = (phase: number, index: number) => void;

function phaseMarker(control: Int32Array, row: number): MarkPhase {
  return (phase, index) => {
    Atomics.store(control, row + PHASE_INDEX, index);
    Atomics.store(control, row + PHASE, phase);
  };
}

/**
 * `env` seen through an object that marks the phase and the env's global index before each
 * call, so that a call that never returns can be named. Only what a `SyncVectorEnv` uses is
 * forwarded, and every call runs on the env itself (its private fields stay reachable).
 */
function tracked(env: Env<unknown, unknown>, index: number, mark: MarkPhase, stepping: () => boolean): Env<unknown, unknown> {
  const view: Env<unknown, unknown> & Partial<StepIntoEnv<unknown>> = {
    get id() {
      return env.id;
    },
    get observationSpace() {
      return env.observationSpace;
    },
    get actionSpace() {
      return env.actionSpace;
    },
    step(action) {
      mark(PHASE_STEP, index);
      return env.step(action);
    },
    reset(options) {
      mark(stepping() ? PHASE_AUTORESET : PHASE_RESET, index);
      return env.reset(options);
    },
    close() {
      mark(PHASE_CLOSE, index);
      env.close();
    },
  };
  if (hasStepInto(env)) {
    const fast = env as unknown as StepIntoEnv<unknown>;
    view.stepInto = (action, out, i) => {
      mark(PHASE_STEP, index);
      return fast.stepInto(action, out, i);
    };
  }
  return view;
}

async function main(): Promise<void> {
  const port0 = parentPort;
  if (port0 === null) throw new PpoError('INVALID_STATE', 'async-worker must run in a worker thread');
  const data = workerData as WorkerStartData;
  const mark = phaseMarker(new Int32Array(data.control), data.workerIndex * STRIDE);
  const envs: Env<unknown, unknown>[] = [];
  try {
    for (let k = 0; k < data.modules.length; k++) {
      mark(PHASE_IMPORT, k);
      await import(data.modules[k]);
    }
    const makeFn = resolveMake(data.envId);
    for (let k = 0; k < data.count; k++) {
      mark(PHASE_MAKE, data.start + k);
      try {
        envs.push(makeFn(data.envId, data.makeOptions));
      } catch (error) {
        throw new VectorEnvError('AsyncVectorEnv', data.start + k, data.envId, 'make', error);
      }
    }
  } catch (error) {
    for (const env of envs) env.close();
    port0.postMessage({ type: 'error', error: serialize(error) } satisfies WorkerReadyMessage);
    return;
  }
  mark(PHASE_IDLE, 0);
  const ready: WorkerReadyMessage = {
    type: 'ready',
    observationSpace: envs[0].observationSpace.toJSON(),
    actionSpace: envs[0].actionSpace.toJSON(),
  };
  const buffers = await new Promise<WorkerBuffers>((resolve) => {
    port0.once('message', resolve);
    port0.postMessage(ready);
  });
  serve(envs, data, buffers, mark);
}

/** The blocking command loop; returns after CMD_CLOSE. */
function serve(envs: Env<unknown, unknown>[], data: WorkerStartData, b: WorkerBuffers, mark: MarkPhase): void {
  const { start, count } = data;
  const control = new Int32Array(data.control);
  const row = data.workerIndex * STRIDE;
  const port = b.port;
  // A worker that dies (process.exit in an env, an uncaught error) must not leave the main
  // thread waiting forever: mark the row dead and wake it.
  process.on('exit', () => {
    Atomics.store(control, row + STATUS, STATUS_DEAD);
    Atomics.notify(control, row + DONE);
  });
  let venv: SyncVectorEnv | undefined;
  let setupError: unknown;
  let cmd = 0;
  const stepping = (): boolean => cmd === CMD_STEP;
  try {
    const d = envs[0].observationSpace.flatDim;
    const f32 = (buffer: SharedArrayBuffer, width: number): Float32Array => new Float32Array(buffer, start * width * 4, count * width);
    const u8 = (buffer: SharedArrayBuffer): Uint8Array => new Uint8Array(buffer, start, count);
    venv = new SyncVectorEnv(
      envs.map((env, k) => () => tracked(env, start + k, mark, stepping)),
      {
        indexOffset: start,
        buffers: {
          observations: f32(b.observations, d),
          finalObservations: f32(b.finalObservations, d),
          rewards: f32(b.rewards, 1),
          terminated: u8(b.terminated),
          truncated: u8(b.truncated),
        },
      },
    );
  } catch (error) {
    setupError = error;
  }
  const a = venv?.actionSize ?? 1;
  const actions = b.actionsAreFloat
    ? new Float32Array(b.actions, start * a * 4, count * a)
    : new Int32Array(b.actions, start * a * 4, count * a);

  let seq = 0;
  for (;;) {
    // A wake-up alone is no command: the main thread bumps SEQ and then notifies, and when it is
    // descheduled in between, this worker may run that command and be waiting again before the
    // notify lands. Only a new SEQ starts a command; otherwise the last one (a step, or a reset
    // whose seed message is already read) would run twice behind the main thread's back.
    while (Atomics.load(control, row + SEQ) === seq) Atomics.wait(control, row + SEQ, seq);
    seq = Atomics.load(control, row + SEQ);
    cmd = Atomics.load(control, row + CMD);
    let reply: WorkerReply | undefined;
    try {
      if (venv === undefined) throw setupError;
      if (cmd === CMD_STEP) {
        reply = collectInfos(venv.step(actions).infos, start, false);
      } else if (cmd === CMD_RESET) {
        const message = receiveMessageOnPort(port)?.message as { seed?: number; options?: Record<string, unknown> } | undefined;
        const seed = message?.seed;
        const r = venv.reset({
          ...(seed === undefined ? {} : { seed: seed + start }),
          ...(message?.options === undefined ? {} : { options: message.options }),
        });
        reply = collectInfos(r.infos, start, true);
      } else if (cmd === CMD_CLOSE) {
        venv.close();
      }
    } catch (error) {
      reply = { error: serialize(error) };
    }
    if (reply !== undefined) {
      try {
        port.postMessage(reply);
      } catch (error) {
        // An info that cannot be cloned to the main thread.
        port.postMessage({ error: serialize(new Error(`an info could not be sent to the main thread: ${serialize(error).message}`)) });
      }
    }
    mark(PHASE_IDLE, 0);
    Atomics.store(control, row + HAS_MESSAGE, reply === undefined ? 0 : 1);
    Atomics.store(control, row + DONE, seq);
    Atomics.notify(control, row + DONE);
    if (cmd === CMD_CLOSE) break;
  }
  port.close();
}

/** The infos worth sending: every one at reset, otherwise only the non-empty ones. */
function collectInfos(infos: Info[], start: number, all: boolean): WorkerReply | undefined {
  let out: [number, Info][] | undefined;
  for (let k = 0; k < infos.length; k++) {
    if (all || !isEmpty(infos[k])) (out ??= []).push([start + k, infos[k]]);
  }
  return out === undefined ? undefined : { infos: out };
}

void main();
