import type { Msg, NatsConnection, Subscription } from '@nats-io/nats-core';
import type { ObjectStore } from '@nats-io/obj';
import type { CollectRolloutOptions, CollectRolloutResult, PPOConfig, RolloutCollector, RolloutPosition } from '@ppo/trainer';
import { checkPositiveInt, PpoError, PpoRangeError, PpoTypeError, type RngState, type RunningMeanStdState } from '@ppo/utils';
import { findNormalizers, mergeInSlotOrder } from './normalization';
import { joinParts, ownCopy } from './binary-frame';
import { openBucket, retrying } from './object-store';
import { CHUNK_HEADERS, digest, decodeJson, encodeJson, OBJECTS, subjects, type Hello, type Subjects, type Task } from './protocol';
import { decodeSlotRollout, type SlotRollout } from './slot-rollout';
import { encodeWeights } from './weights-codec';

/** Options of {@link createLearner}. */
export interface LearnerOptions {
  /** An open connection (from `connect` in `@ppo/distributed/node`, or `wsconnect` of `@nats-io/nats-core`). */
  readonly nc: NatsConnection;
  /** The run's config (the trainer's `config`): workers build their policy and envs from it. */
  readonly config: PPOConfig;
  /** Subject prefix and bucket name (default `ppo`); the workers' must match. */
  readonly prefix?: string;
  /** Workers to wait for before the first rollout (default 1); later rollouts use whoever is alive. */
  readonly expectWorkers?: number;
  /** A worker silent this long (ms) is presumed dead and its slots are reassigned (default 10000). */
  readonly workerTimeoutMs?: number;
  /** Unanswered tasks are sent again after this long (ms), covering messages lost in a disconnect (default 3000). */
  readonly resendMs?: number;
  /**
   * Receives a line per event: `worker ID joined`, `waiting for ...`, `reassigning slots ...`,
   * and `vN: slots ... -> ID` for every task sent.
   */
  readonly log?: (line: string) => void;
}

/** Bytes that crossed the server for one rollout, as the learner counts them. */
export interface RolloutTraffic {
  /** Weights object put for the rollout. */
  readonly weightsBytes: number;
  /** Task messages sent (resends included). */
  readonly taskBytes: number;
  /** Chunk parts received (duplicates included). */
  readonly chunkBytes: number;
  /** Chunk part messages received (duplicates included). */
  readonly chunkMessages: number;
  /** The rollout's actions object put for replays. */
  readonly actionsBytes: number;
}

/** The learner's side: a {@link RolloutCollector} fed by workers. */
export interface Learner {
  /** Pass as `PPO.train({ collect })`. */
  readonly collect: RolloutCollector;
  /** Traffic of the last rollout. */
  readonly lastTraffic: RolloutTraffic | null;
  /** Workers heard from within the timeout. */
  liveWorkers(): string[];
  /** Unsubscribes (the connection stays open). */
  close(): void;
}

interface Assembly {
  readonly parts: (Uint8Array | undefined)[];
  got: number;
}

const TICK_MS = 100;

/**
 * Creates the learner's rollout collector: for every rollout it publishes the run's config and
 * the current weights to the object store, assigns the `numEnvs` env slots to live workers
 * (keeping each slot where it was when its worker is alive; reassigning a dead worker's slots
 * after `workerTimeoutMs`), sends each worker the action generator's state, assembles exactly
 * `numEnvs × numSteps` steps from the chunks of the current weights version, ordered by slot,
 * into the trainer's buffer, and advances the counters and generator as `collectRollout` would.
 *
 * With no observation or reward normalization, the result is the single-process run's, bit for
 * bit, whoever rolls out which slot: faults change who does the work, not the data. With
 * normalization each slot normalizes with its own env's running statistics (as if every env had
 * its own wrapper): the run is then the same for any number of workers and any faults, and is
 * the single-process run when `numEnvs` is 1 (the `mujoco` preset), but with several envs it
 * differs from the single-process run, whose statistics are shared by all envs. The trainer's
 * own normalizers (checkpoints, evaluation, export) get the slots' statistics merged in slot
 * order after every rollout. Recurrent policies and action masks are refused.
 *
 * @example
 * ```ts
 * import { connect } from '@ppo/distributed/node';
 * const nc = await connect({ servers: 'nats://127.0.0.1:4222', token: process.env.NATS_TOKEN });
 * const ppo = await PPO.create({ config: { env: 'CartPole-v1', seed: 1 } });
 * const learner = await createLearner({ nc, config: ppo.config, expectWorkers: 2 });
 * await ppo.train({ collect: learner.collect });
 * learner.close();
 * ```
 */
export async function createLearner(options: LearnerOptions): Promise<Learner> {
  const { nc, config } = options;
  const prefix = options.prefix ?? 'ppo';
  const subs = subjects(prefix);
  const expect = options.expectWorkers ?? 1;
  checkPositiveInt('createLearner: expectWorkers', expect);
  const timeout = options.workerTimeoutMs ?? 10_000;
  const resendMs = options.resendMs ?? 3_000;
  checkPositiveInt('createLearner: workerTimeoutMs', timeout);
  checkPositiveInt('createLearner: resendMs', resendMs);
  const learner = new NatsLearner(nc, config, subs, prefix, expect, timeout, resendMs, options.log ?? (() => undefined));
  await learner.open();
  return learner;
}

class NatsLearner implements Learner {
  readonly collect: RolloutCollector;
  lastTraffic: RolloutTraffic | null = null;
  private readonly configText: string;
  private readonly run: string;
  private bucket: ObjectStore | null = null;
  private readonly seen = new Map<string, number>();
  private readonly owners = new Map<number, string>();
  private subscriptions: Subscription[] = [];
  private started = false;
  private closed = false;
  private wake: (() => void) | null = null;
  /** What the current rollout is waiting for. */
  private current: { version: number; received: Map<number, SlotRollout>; assembling: Map<number, Assembly>; chunkBytes: number; chunkMessages: number } | null = null;

  constructor(
    private readonly nc: NatsConnection,
    private readonly config: PPOConfig,
    private readonly subs: Subjects,
    private readonly bucketName: string,
    private readonly expect: number,
    private readonly timeout: number,
    private readonly resendMs: number,
    private readonly log: (line: string) => void,
  ) {
    this.configText = JSON.stringify(config);
    this.run = digest(this.configText);
    this.collect = (o, p) => this.gather(o, p);
  }

  private live(): boolean {
    return !this.closed && !this.nc.isClosed();
  }

  async open(): Promise<void> {
    this.subscriptions = [
      this.nc.subscribe(this.subs.hello, { callback: (error, msg) => { if (error === null) this.onHello(msg); } }),
      this.nc.subscribe(this.subs.chunk, { callback: (error, msg) => { if (error === null) this.onChunk(msg); } }),
    ];
    this.bucket = await retrying(() => openBucket(this.nc, this.bucketName), () => this.live());
  }

  liveWorkers(): string[] {
    const now = Date.now();
    return [...this.seen].filter(([, at]) => now - at <= this.timeout).map(([id]) => id).sort();
  }

  private onHello(msg: Msg): void {
    try {
      const hello = decodeJson(msg.data, 'hello') as Partial<Hello> | null;
      if (hello === null || typeof hello.worker !== 'string' || !/^[A-Za-z0-9_-]+$/.test(hello.worker)) return;
      if (!this.seen.has(hello.worker)) this.log(`worker ${hello.worker} joined`);
      this.seen.set(hello.worker, Date.now());
      this.wake?.();
    } catch {
      // A malformed heartbeat is dropped.
    }
  }

  private onChunk(msg: Msg): void {
    const current = this.current;
    const h = msg.headers;
    if (current === null || h === undefined) return;
    if (h.get(CHUNK_HEADERS.run) !== this.run || Number(h.get(CHUNK_HEADERS.version)) !== current.version) return;
    const slot = Number(h.get(CHUNK_HEADERS.slot));
    const part = Number(h.get(CHUNK_HEADERS.part));
    const parts = Number(h.get(CHUNK_HEADERS.parts));
    if (!Number.isInteger(slot) || slot < 0 || slot >= this.config.numEnvs || current.received.has(slot)) return;
    if (!Number.isInteger(parts) || parts < 1 || !Number.isInteger(part) || part < 0 || part >= parts) return;
    current.chunkBytes += msg.data.length;
    current.chunkMessages += 1;
    let assembly = current.assembling.get(slot);
    if (assembly === undefined || assembly.parts.length !== parts) {
      assembly = { parts: new Array<Uint8Array | undefined>(parts).fill(undefined), got: 0 };
      current.assembling.set(slot, assembly);
    }
    if (assembly.parts[part] === undefined) assembly.got += 1;
    // A resent part is the same bytes (a slot's rollout is a function of the run, version and generator state).
    assembly.parts[part] = ownCopy(msg.data);
    if (assembly.got < parts) return;
    current.assembling.delete(slot);
    try {
      const rollout = decodeSlotRollout(joinParts(assembly.parts as Uint8Array[]));
      if (rollout.slot !== slot || rollout.version !== current.version || rollout.run !== this.run) throw new PpoError('BAD_MESSAGE', 'chunk headers and frame disagree');
      current.received.set(slot, rollout);
      this.wake?.();
    } catch (error) {
      this.log(`dropped a chunk of slot ${slot}: ${(error as Error).message}`);
    }
  }

  private async waitEvent(ms: number): Promise<void> {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
    this.wake = null;
  }

  private async put(name: string, data: Uint8Array): Promise<void> {
    const bucket = this.bucket as ObjectStore;
    await retrying(() => bucket.putBlob({ name }, data), () => this.live());
  }

  /** Balanced assignment of `slots` to `workers`, keeping a slot with its owner while the owner is under its share. */
  private assign(slots: readonly number[], workers: readonly string[]): void {
    const share = Math.ceil(this.config.numEnvs / workers.length);
    const load = new Map(workers.map((w) => [w, 0]));
    const loose: number[] = [];
    for (const slot of slots) {
      const owner = this.owners.get(slot);
      const count = owner === undefined ? undefined : load.get(owner);
      if (owner !== undefined && count !== undefined && count < share) load.set(owner, count + 1);
      else loose.push(slot);
    }
    for (const slot of loose) {
      const [least] = [...load].sort((a, b) => a[1] - b[1] || (a[0] < b[0] ? -1 : 1));
      this.owners.set(slot, least[0]);
      load.set(least[0], least[1] + 1);
    }
  }

  private async gather(options: CollectRolloutOptions, position: RolloutPosition): Promise<CollectRolloutResult> {
    if (!this.live()) throw new PpoError('INVALID_STATE', 'the learner is closed');
    const { buffer, rng } = options;
    const { numEnvs: n, numSteps } = this.config;
    if (options.recurrent !== undefined || options.actionMasks !== undefined) {
      throw new PpoRangeError('INVALID_ARGUMENT', 'the NATS learner does not support recurrent policies or action masks yet');
    }
    if (buffer.numEnvs !== n || buffer.numSteps !== numSteps) {
      throw new PpoRangeError('INVALID_ARGUMENT', `the learner's config has ${n} envs x ${numSteps} steps, the buffer ${buffer.numEnvs} x ${buffer.numSteps}`);
    }
    const generator = rng as Partial<{ getState(): RngState; setState(state: RngState): void }>;
    if (typeof generator.getState !== 'function' || typeof generator.setState !== 'function') {
      throw new PpoTypeError('INVALID_ARGUMENT', 'the NATS learner needs an rng with getState/setState (an Rng)');
    }
    const version = position.update;
    const bucket = this.bucket as ObjectStore;
    if (!this.started) {
      // A fresh run clears what an earlier run left; a resumed one keeps the logged actions workers replay.
      if (version === 0) {
        const names = (await retrying(() => bucket.list(), () => this.live())).map((info) => info.name);
        for (const name of names) await retrying(() => bucket.delete(name), () => this.live());
      }
      await this.put(OBJECTS.config, new TextEncoder().encode(this.configText));
      this.started = true;
    }
    const weights = encodeWeights(options.policy.getWeights());
    await this.put(OBJECTS.weights(version), weights);
    // Best effort: an old version left behind (the server was down) costs only space.
    if (version >= 2) await bucket.delete(OBJECTS.weights(version - 2)).catch(() => undefined);
    const rngState = generator.getState();
    const current = { version, received: new Map<number, SlotRollout>(), assembling: new Map<number, Assembly>(), chunkBytes: 0, chunkMessages: 0 };
    this.current = current;
    let taskBytes = 0;
    const all = Array.from({ length: n }, (_, i) => i);
    try {
      // Wait for the expected workers before this learner's first rollout, for at least one before any.
      const needed = this.owners.size === 0 ? this.expect : 1;
      if (this.liveWorkers().length < needed) this.log(`waiting for ${needed} worker${needed === 1 ? '' : 's'} on ${this.subs.hello} (${this.liveWorkers().length} so far)`);
      while (this.liveWorkers().length < needed) {
        if (!this.live()) throw new PpoError('INVALID_STATE', 'the learner was closed while waiting for workers');
        await this.waitEvent(TICK_MS);
      }
      this.assign(all, this.liveWorkers());
      const sentAt = new Map<string, number>();
      const sentSlots = new Map<string, string>();
      while (current.received.size < n) {
        if (!this.live()) throw new PpoError('INVALID_STATE', 'the learner was closed during a rollout');
        const workers = this.liveWorkers();
        const pending = all.filter((s) => !current.received.has(s));
        const orphans = pending.filter((s) => !workers.includes(this.owners.get(s) as string));
        if (orphans.length > 0 && workers.length > 0) {
          this.log(`reassigning slots ${orphans.join(',')} (their worker is silent)`);
          for (const s of orphans) this.owners.delete(s);
          this.assign(orphans, workers);
        }
        const now = Date.now();
        for (const worker of workers) {
          const slots = pending.filter((s) => this.owners.get(s) === worker);
          if (slots.length === 0) continue;
          const key = slots.join(',');
          if (sentSlots.get(worker) === key && now - (sentAt.get(worker) ?? 0) < this.resendMs) continue;
          const task: Task = { run: this.run, version, slots, rngState };
          const bytes = encodeJson(task);
          try {
            this.nc.publish(this.subs.task(worker), bytes);
            this.log(`v${version}: slots ${key} -> ${worker}${sentSlots.get(worker) === key ? ' (again)' : ''}`);
            taskBytes += bytes.length;
            sentAt.set(worker, now);
            sentSlots.set(worker, key);
          } catch {
            // Disconnected: sent again on a later tick.
          }
        }
        await this.waitEvent(TICK_MS);
      }
    } finally {
      this.current = null;
    }
    const stop = await this.assemble(options, current.received);
    generator.setState(current.received.get(0)?.rngState as RngState);
    const actions = new Uint8Array(buffer.actions.buffer, buffer.actions.byteOffset, buffer.actions.byteLength);
    await this.put(OBJECTS.actions(version), actions);
    this.lastTraffic = { weightsBytes: weights.length, taskBytes, chunkBytes: current.chunkBytes, chunkMessages: current.chunkMessages, actionsBytes: actions.length };
    return { stopRequested: stop };
  }

  /** Writes the slots' rollouts into the buffer step by step, in slot order, as `collectRollout` does. */
  private async assemble(options: CollectRolloutOptions, received: Map<number, SlotRollout>): Promise<boolean> {
    const { buffer, counters, observations } = options;
    const { numEnvs: n, numSteps } = this.config;
    const rollouts = Array.from({ length: n }, (_, i) => received.get(i) as SlotRollout);
    const first = rollouts[0];
    for (const r of rollouts) {
      if (r.observationSize !== buffer.observationSize || r.actionSize !== buffer.actionSize || r.numSteps !== numSteps || r.actionType !== buffer.actionType) {
        throw new PpoError('BAD_MESSAGE', `slot ${r.slot}'s rollout has shape ${r.numSteps} x ${r.observationSize}/${r.actionSize} ${r.actionType}, the buffer ${numSteps} x ${buffer.observationSize}/${buffer.actionSize} ${buffer.actionType}`);
      }
      if (JSON.stringify(r.rngState) !== JSON.stringify(first.rngState)) throw new PpoError('BAD_MESSAGE', `slot ${r.slot} ended with another generator state than slot 0`);
    }
    const size = buffer.observationSize;
    const width = buffer.actionSize;
    const obs = new Float32Array(n * size);
    const actions = buffer.actionType === 'int32' ? new Int32Array(n * width) : new Float32Array(n * width);
    const logProbs = new Float32Array(n);
    const values = new Float32Array(n);
    const rewards = new Float32Array(n);
    const terminated = new Uint8Array(n);
    const truncated = new Uint8Array(n);
    const finals = new Float32Array(n);
    let stop = false;
    buffer.reset();
    for (let t = 0; t < numSteps; t++) {
      let anyCut = false;
      for (let i = 0; i < n; i++) {
        const r = rollouts[i];
        obs.set(r.observations.subarray(t * size, (t + 1) * size), i * size);
        actions.set(r.actions.subarray(t * width, (t + 1) * width), i * width);
        logProbs[i] = r.logProbs[t];
        values[i] = r.values[t];
        rewards[i] = r.rewards[t];
        terminated[i] = r.terminated[t];
        truncated[i] = r.truncated[t];
        finals[i] = r.finalValues[t];
        if (r.truncated[t] === 1 && r.terminated[t] === 0 && this.config.bootstrapTruncated) anyCut = true;
      }
      buffer.add({ observations: obs, actions, logProbs, values, rewards, terminated, truncated });
      if (anyCut) buffer.setNextValues(t, finals);
      counters.globalStep += n;
      for (let i = 0; i < n; i++) {
        for (const episode of rollouts[i].episodes) {
          if (episode.step !== t) continue;
          counters.episodes += 1;
          const record = { envIndex: i, return: episode.return, length: episode.length, globalStep: counters.globalStep };
          if ((await options.onEpisodeEnd?.(record)) === true) stop = true;
        }
      }
    }
    buffer.bootstrapNextValues(rollouts.map((r) => r.lastValue));
    rollouts.forEach((r, i) => observations.set(r.lastObservation, i * size));
    const normalizers = findNormalizers(options.env);
    for (const kind of ['observation', 'reward'] as const) {
      const normalizer = normalizers[kind];
      if (normalizer === null) continue;
      const states = rollouts.map((r) => r.normalization[kind]);
      if (states.some((state) => state === null)) throw new PpoError('BAD_MESSAGE', `a slot sent no ${kind} normalization statistics, the trainer normalizes ${kind}s`);
      normalizer.setState(mergeInSlotOrder(states as RunningMeanStdState[]));
    }
    return stop;
  }

  close(): void {
    this.closed = true;
    for (const sub of this.subscriptions) sub.unsubscribe();
    this.wake?.();
  }
}
