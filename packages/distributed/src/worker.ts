import type { NatsConnection, Subscription } from '@nats-io/nats-core';
import { headers } from '@nats-io/nats-core';
import type { ObjectStore } from '@nats-io/obj';
import { make, SyncVectorEnv, type Env, type VectorEnv, type VectorNormalizeObservation, type VectorNormalizeReward } from '@ppo/envs';
import type { Policy } from '@ppo/nets';
import { createTrainer, episodeOf, validateConfig, wrapVectorEnv, type PPO, type PPOConfig } from '@ppo/trainer';
import { PpoError, Rng } from '@ppo/utils';
import { ownCopy, splitPayload } from './binary-frame';
import { openBucket, retrying } from './object-store';
import { CHUNK_HEADERS, digest, decodeJson, encodeJson, OBJECTS, parseTask, subjects, type Subjects, type Task } from './protocol';
import { encodeSlotRollout, type SlotEpisode, type SlotRollout } from './slot-rollout';
import { decodeWeights } from './weights-codec';

/** Options of {@link runWorker}. */
export interface WorkerOptions {
  /** An open connection (from `connect` in `@ppo/distributed/node`, or `wsconnect` of `@nats-io/nats-core` in a browser). */
  readonly nc: NatsConnection;
  /** Subject prefix and bucket name of the run (default `ppo`); the learner's must match. */
  readonly prefix?: string;
  /** Milliseconds between heartbeats (default 500). */
  readonly heartbeatMs?: number;
  /**
   * Makes one env of the run's config (default `make(config.env, config.envOptions)` from the
   * registry). Only envs installed on this machine can be made: a worker runs no code it receives.
   */
  readonly makeEnv?: (config: PPOConfig) => Env<unknown, unknown>;
  /**
   * Called once per run, with its config, before any env is made: load what makes the env id
   * (an env package installed here). Default: nothing.
   */
  readonly prepareRun?: (config: PPOConfig) => Promise<void> | void;
  /** Stops the worker (it closes its envs and returns; the connection stays open). */
  readonly signal?: AbortSignal;
  /** Receives a line per notable event (slots rolled out, replays, errors). */
  readonly log?: (line: string) => void;
  /** Called after each rollout's chunks are published (for a progress display). */
  readonly onRollout?: (sent: RolloutSent) => void;
}

/** What a worker sent for one task, as {@link WorkerOptions.onRollout} reports it. */
export interface RolloutSent {
  /** The weights version the slots were rolled out with. */
  readonly version: number;
  /** The slots rolled out. */
  readonly slots: readonly number[];
  /** Env steps taken (slots x the run's `numSteps`). */
  readonly steps: number;
  /** Chunk messages published. */
  readonly messages: number;
  /** Bytes of the chunk messages' payloads. */
  readonly bytes: number;
}

/** One env slot the worker holds: its wrapped env, current observation and rollouts done. */
interface SlotEnv {
  readonly env: VectorEnv;
  /** The slot's own normalizers (null when off): each slot normalizes with its env's statistics alone. */
  readonly observationNormalizer: VectorNormalizeObservation | null;
  readonly rewardNormalizer: VectorNormalizeReward | null;
  readonly observation: Float32Array;
  rollouts: number;
}

/** The run the worker serves: its config and a policy of the same architecture as the learner's. */
interface RunState {
  readonly run: string;
  readonly config: PPOConfig;
  readonly trainer: PPO;
  readonly policy: Policy;
  weightsVersion: number;
  readonly slots: Map<number, SlotEnv>;
  /** The last frame produced per slot, keyed by slot, for a repeated request of the same version. */
  readonly sent: Map<number, { version: number; frame: Uint8Array }>;
}

const YIELD_EVERY_MS = 20;

/**
 * A rollout worker: announces itself on `<prefix>.hello`, and for every task the learner sends
 * rolls its slots out with the published weights, drawing the action noise exactly as the
 * single-process trainer does for those env indices, and returns each slot's rollout as a
 * chunk. Slot i's env is seeded `config.seed + i` (as env i of the single-process vector env);
 * a slot whose env is not where the run is (new to this worker, or the learner resumed from an
 * earlier checkpoint) is rebuilt and brought there by replaying the run's logged actions.
 * Returns when `signal` aborts or the connection closes.
 *
 * Browser use: connect with `wsconnect` from `@nats-io/nats-core` to a server with a
 * `websocket` listener, register the env, then call `runWorker`.
 *
 * @example
 * ```ts
 * import { wsconnect } from '@nats-io/nats-core';
 * import { runWorker } from '@ppo/distributed';
 * const nc = await wsconnect({ servers: 'wss://nats.example.org:8443', token: 'secret' });
 * const stop = new AbortController();
 * await runWorker({ nc, signal: stop.signal });
 * ```
 */
export async function runWorker(options: WorkerOptions): Promise<void> {
  const worker = new RolloutWorker(options);
  try {
    await worker.run();
  } finally {
    await worker.close();
  }
}

class RolloutWorker {
  readonly id: string;
  private readonly nc: NatsConnection;
  private readonly subjects: Subjects;
  private readonly bucketName: string;
  private readonly log: (line: string) => void;
  private bucket: ObjectStore | null = null;
  private state: RunState | null = null;
  private readonly queue: Task[] = [];
  /** Slots queued or being rolled out, as `${run}/${version}/${slot}`. */
  private readonly inFlight = new Set<string>();
  private wake: (() => void) | null = null;
  private sub: Subscription | null = null;
  private timer: ReturnType<typeof setInterval> | null = null;
  private stopped = false;

  constructor(private readonly options: WorkerOptions) {
    this.nc = options.nc;
    const prefix = options.prefix ?? 'ppo';
    this.subjects = subjects(prefix);
    this.bucketName = prefix;
    this.log = options.log ?? (() => undefined);
    this.id = `w${Date.now().toString(36)}${Math.floor(Math.random() * 2 ** 32).toString(36)}`;
  }

  private live(): boolean {
    return !this.stopped && !this.nc.isClosed();
  }

  async run(): Promise<void> {
    const signal = this.options.signal;
    const stop = () => {
      this.stopped = true;
      this.wake?.();
    };
    signal?.addEventListener('abort', stop, { once: true });
    if (signal?.aborted === true) return;
    void this.nc.closed().then(stop);
    this.sub = this.nc.subscribe(this.subjects.task(this.id), {
      callback: (error, msg) => {
        if (error !== null) return;
        try {
          this.onTask(parseTask(msg.data));
        } catch (e) {
          this.log(`ignored a malformed task: ${(e as Error).message}`);
        }
      },
    });
    const hello = () => {
      if (this.nc.isClosed()) return;
      try {
        this.nc.publish(this.subjects.hello, encodeJson({ worker: this.id }));
      } catch {
        // Disconnected: the next heartbeat goes out after the reconnect.
      }
    };
    hello();
    this.timer = setInterval(hello, this.options.heartbeatMs ?? 500);
    this.log(`worker ${this.id} ready`);
    while (this.live()) {
      const task = this.queue.shift();
      if (task === undefined) {
        await new Promise<void>((resolve) => (this.wake = resolve));
        this.wake = null;
        continue;
      }
      try {
        await this.perform(task);
      } catch (error) {
        if (!this.live()) break;
        this.log(`task v${task.version} slots ${task.slots.join(',')} failed: ${(error as Error).message}`);
      } finally {
        for (const slot of task.slots) this.inFlight.delete(`${task.run}/${task.version}/${slot}`);
      }
    }
  }

  private onTask(task: Task): void {
    const todo: number[] = [];
    for (const slot of task.slots) {
      const key = `${task.run}/${task.version}/${slot}`;
      const done = this.state?.run === task.run ? this.state.sent.get(slot) : undefined;
      if (done !== undefined && done.version === task.version) this.publishFrame(task, slot, done.frame);
      else if (!this.inFlight.has(key)) {
        this.inFlight.add(key);
        todo.push(slot);
      }
    }
    if (todo.length === 0) return;
    this.queue.push({ ...task, slots: todo });
    this.wake?.();
  }

  private async store(): Promise<ObjectStore> {
    this.bucket ??= await retrying(() => openBucket(this.nc, this.bucketName), () => this.live());
    return this.bucket;
  }

  private async blob(name: string): Promise<Uint8Array> {
    const store = await this.store();
    const data = await retrying(() => store.getBlob(name), () => this.live());
    if (data === null) throw new PpoError('INVALID_STATE', `object '${name}' is not in bucket '${this.bucketName}'`);
    return data;
  }

  /** Loads the run's config and builds a policy of its architecture (once per run). */
  private async runState(run: string): Promise<RunState> {
    if (this.state?.run === run) return this.state;
    const bytes = await this.blob(OBJECTS.config);
    if (digest(new TextDecoder().decode(bytes)) !== run) throw new PpoError('INVALID_STATE', `the stored config is not the one of run ${run} (a newer run replaced it)`);
    const config = validateConfig(decodeJson(bytes, 'config') as Record<string, unknown>);
    await this.closeRun();
    await this.options.prepareRun?.(config);
    const makeEnv = this.options.makeEnv ?? ((c: PPOConfig) => make<unknown, unknown>(c.env, c.envOptions));
    // Only the policy is used (its weights come from the learner): one env is enough to build it.
    const trainer = await createTrainer({ ...config, numEnvs: 1, numMinibatches: 1 }, { makeEnv: () => makeEnv(config) });
    this.state = { run, config, trainer, policy: trainer.policy, weightsVersion: -1, slots: new Map(), sent: new Map() };
    this.log(`joined run ${run} (${config.env}, ${config.numEnvs} slots)`);
    return this.state;
  }

  private async perform(task: Task): Promise<void> {
    const state = await this.runState(task.run);
    const { config } = state;
    const bad = task.slots.find((s) => s >= config.numEnvs);
    if (bad !== undefined) throw new PpoError('BAD_MESSAGE', `task names slot ${bad}, the run has ${config.numEnvs}`);
    if (state.weightsVersion !== task.version) {
      state.policy.setWeights(decodeWeights(await this.blob(OBJECTS.weights(task.version))));
      state.weightsVersion = task.version;
    }
    for (const slot of task.slots) await this.bringSlotTo(state, slot, task.version);
    await this.rollout(state, task);
  }

  /** Makes slot `slot`'s env as env `slot` of the single-process vector env starts. */
  private freshSlot(state: RunState, slot: number): SlotEnv {
    const { config } = state;
    const makeEnv = this.options.makeEnv ?? ((c: PPOConfig) => make<unknown, unknown>(c.env, c.envOptions));
    const { env, observationNormalizer, rewardNormalizer } = wrapVectorEnv(new SyncVectorEnv([() => makeEnv(config)]), config, { training: true });
    const first = env.reset({ seed: (config.seed + slot) % 4294967296 });
    return { env, observationNormalizer, rewardNormalizer, observation: Float32Array.from(first.observations), rollouts: 0 };
  }

  /** Brings the slot's env to `version` rollouts done, rebuilding it and replaying logged actions when needed. */
  private async bringSlotTo(state: RunState, slot: number, version: number): Promise<void> {
    let held = state.slots.get(slot);
    if (held !== undefined && held.rollouts === version) return;
    if (held === undefined || held.rollouts > version) {
      if (held !== undefined) await held.env.close();
      held = this.freshSlot(state, slot);
      state.slots.set(slot, held);
    }
    const { numEnvs, numSteps } = state.config;
    const width = held.env.actionSize;
    const intActions = state.policy.actionType === 'int32';
    if (held.rollouts < version) this.log(`slot ${slot}: replaying rollouts ${held.rollouts}..${version - 1}`);
    while (held.rollouts < version) {
      const bytes = ownCopy(await this.blob(OBJECTS.actions(held.rollouts)));
      const all = intActions ? new Int32Array(bytes.buffer) : new Float32Array(bytes.buffer);
      if (all.length !== numSteps * numEnvs * width) throw new PpoError('BAD_MESSAGE', `actions of rollout ${held.rollouts} hold ${all.length} values, expected ${numSteps * numEnvs * width}`);
      const row = intActions ? new Int32Array(width) : new Float32Array(width);
      for (let t = 0; t < numSteps; t++) {
        const at = (t * numEnvs + slot) * width;
        row.set(all.subarray(at, at + width));
        const result = held.env.step(row);
        held.observation.set(result.observations);
      }
      held.rollouts += 1;
    }
  }

  /**
   * Steps the task's slots in lockstep. The policy acts on a batch of all `numEnvs` rows (this
   * worker's slots filled in, the others zero) with the generator the learner sent, so the
   * draws, and the rows this worker keeps, are exactly the single-process trainer's.
   */
  private async rollout(state: RunState, task: Task): Promise<void> {
    const { config, policy } = state;
    const { numEnvs: n, numSteps } = config;
    const slots = task.slots;
    const envs = slots.map((s) => state.slots.get(s) as SlotEnv);
    const size = envs[0].env.observationSize;
    const width = envs[0].env.actionSize;
    const rng = Rng.fromState(task.rngState);
    const bootstrap = config.bootstrapTruncated;
    const batch = new Float32Array(n * size);
    const finalBatch = new Float32Array(n * size);
    const out = slots.map(() => ({
      observations: new Float32Array(numSteps * size),
      actions: policy.actionType === 'int32' ? new Int32Array(numSteps * width) : new Float32Array(numSteps * width),
      logProbs: new Float32Array(numSteps),
      values: new Float32Array(numSteps),
      rewards: new Float32Array(numSteps),
      terminated: new Uint8Array(numSteps),
      truncated: new Uint8Array(numSteps),
      finalValues: new Float32Array(numSteps),
      episodes: [] as SlotEpisode[],
    }));
    let lastYield = Date.now();
    for (let t = 0; t < numSteps; t++) {
      slots.forEach((slot, k) => batch.set(envs[k].observation, slot * size));
      const acted = policy.act(batch, n, rng);
      let anyCut = false;
      for (let k = 0; k < slots.length; k++) {
        const slot = slots[k];
        const o = out[k];
        const held = envs[k];
        o.observations.set(held.observation, t * size);
        const action = acted.actions.subarray(slot * width, (slot + 1) * width);
        o.actions.set(action, t * width);
        o.logProbs[t] = acted.logProbs[slot];
        o.values[t] = acted.values[slot];
        const result = held.env.step(action);
        o.rewards[t] = result.rewards[0];
        o.truncated[t] = result.truncated[0];
        o.terminated[t] = bootstrap ? result.terminated[0] : result.terminated[0] | result.truncated[0];
        if (result.truncated[0] === 1 && result.terminated[0] === 0 && bootstrap) {
          anyCut = true;
          finalBatch.set(result.finalObservations.subarray(0, size), slot * size);
        }
        if (result.terminated[0] === 1 || result.truncated[0] === 1) {
          const episode = episodeOf(result.infos[0]);
          if (episode !== null) o.episodes.push({ step: t, return: episode.r, length: episode.l });
        }
        held.observation.set(result.observations.subarray(0, size));
      }
      if (anyCut) {
        const finals = policy.predictValues(finalBatch, n);
        slots.forEach((slot, k) => {
          if (out[k].truncated[t] === 1 && out[k].terminated[t] === 0) out[k].finalValues[t] = finals[slot];
        });
      }
      // Let heartbeats and incoming tasks through during a long rollout.
      if (Date.now() - lastYield >= YIELD_EVERY_MS) {
        await new Promise((resolve) => setTimeout(resolve, 0));
        lastYield = Date.now();
        if (!this.live()) return;
      }
    }
    slots.forEach((slot, k) => batch.set(envs[k].observation, slot * size));
    const last = policy.predictValues(batch, n);
    const rngState = rng.getState();
    let messages = 0;
    let bytes = 0;
    for (let k = 0; k < slots.length; k++) {
      const slot = slots[k];
      envs[k].rollouts = task.version + 1;
      const rollout: SlotRollout = {
        run: task.run,
        version: task.version,
        slot,
        numSteps,
        observationSize: size,
        actionSize: width,
        actionType: policy.actionType,
        ...out[k],
        lastObservation: Float32Array.from(envs[k].observation),
        lastValue: last[slot],
        rngState,
        normalization: {
          observation: envs[k].observationNormalizer?.getState() ?? null,
          reward: envs[k].rewardNormalizer?.getState() ?? null,
        },
      };
      const frame = encodeSlotRollout(rollout);
      state.sent.set(slot, { version: task.version, frame });
      const published = this.publishFrame(task, slot, frame);
      messages += published;
      if (published > 0) bytes += frame.length;
    }
    this.log(`rolled out v${task.version} slots ${slots.join(',')}`);
    this.options.onRollout?.({ version: task.version, slots, steps: slots.length * numSteps, messages, bytes });
  }

  /** Publishes a slot's frame in parts; returns the number of messages sent (0 when disconnected). */
  private publishFrame(task: Task, slot: number, frame: Uint8Array): number {
    // Leave room for the headers (about 100 bytes) within the server's max_payload.
    const maxPart = Math.max(256, (this.nc.info?.max_payload ?? 1024 * 1024) - 512);
    const parts = splitPayload(frame, maxPart);
    try {
      parts.forEach((part, i) => {
        const h = headers();
        h.set(CHUNK_HEADERS.run, task.run);
        h.set(CHUNK_HEADERS.version, String(task.version));
        h.set(CHUNK_HEADERS.slot, String(slot));
        h.set(CHUNK_HEADERS.part, String(i));
        h.set(CHUNK_HEADERS.parts, String(parts.length));
        this.nc.publish(this.subjects.chunk, part, { headers: h });
      });
      return parts.length;
    } catch (error) {
      // Disconnected: the learner asks again after its resend interval.
      this.log(`could not send slot ${slot}: ${(error as Error).message}`);
      return 0;
    }
  }

  private async closeRun(): Promise<void> {
    const state = this.state;
    this.state = null;
    if (state === null) return;
    for (const held of state.slots.values()) await held.env.close();
    await state.trainer.close();
  }

  async close(): Promise<void> {
    this.stopped = true;
    if (this.timer !== null) clearInterval(this.timer);
    this.sub?.unsubscribe();
    await this.closeRun();
  }
}
