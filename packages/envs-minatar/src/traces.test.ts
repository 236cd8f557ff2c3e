import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { MINATAR_GAMES, type MinAtarGame } from './games/create-game';
import { MinAtarEnv } from './minatar-env';

// Traces of the original Python games (scripts/make-traces.py): per step the action, reward,
// done flag, difficulty-ramp level and the CRC-32 of the observation as 0/1 bytes; some full
// observations; counts of the rare events each trace reached.
interface Trace {
  readonly game: MinAtarGame;
  readonly version: 0 | 1;
  readonly seed: number;
  readonly actions: string;
  readonly rewards: number[];
  readonly dones: number[];
  readonly ramps: number[];
  readonly hashes: number[];
  readonly resetHashes: number[];
  readonly fullObservations: Record<string, number[]>;
  readonly events: Record<string, number>;
}

function loadTraces(game: MinAtarGame): Trace[] {
  const file = new URL(`../traces/${game}.json.gz`, import.meta.url);
  return (JSON.parse(gunzipSync(readFileSync(file)).toString('utf8')) as { traces: Trace[] }).traces;
}

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** CRC-32 (zlib's) of the observation as 0/1 bytes. */
function crc32(obs: Float32Array): number {
  let c = 0xffffffff;
  for (let k = 0; k < obs.length; k++) c = CRC_TABLE[(c ^ obs[k]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

interface Replay {
  readonly rewards: number[];
  readonly dones: number[];
  readonly ramps: number[];
  readonly hashes: number[];
  readonly resetHashes: number[];
  readonly observations: Map<number, number[]>;
  readonly freewayTruncations: number;
}

/** Plays a trace's actions on our env with the Gymnasium wrapper's protocol. */
function replay(trace: Trace): Replay {
  const env = new MinAtarEnv(trace.game, { minimalActionSet: trace.version === 1 });
  const out: Replay = { rewards: [], dones: [], ramps: [], hashes: [], resetHashes: [], observations: new Map(), freewayTruncations: 0 };
  let obs = env.reset({ seed: trace.seed }).observation;
  out.resetHashes.push(crc32(obs));
  out.observations.set(0, Array.from(obs));
  let truncations = 0;
  for (let t = 0; t < trace.actions.length; t++) {
    const step = env.step(Number(trace.actions[t]));
    obs = step.observation;
    out.rewards.push(step.reward);
    out.dones.push(step.terminated || step.truncated ? 1 : 0);
    if (step.truncated) truncations += 1;
    out.ramps.push(env.difficultyRamp() ?? -1);
    out.hashes.push(crc32(obs));
    if (String(t + 1) in trace.fullObservations) out.observations.set(t + 1, Array.from(obs));
    if (step.terminated || step.truncated) out.resetHashes.push(crc32(env.reset().observation));
  }
  return { ...out, freewayTruncations: truncations };
}

/** The first step where two sequences differ, for a readable failure. */
function firstMismatch(a: readonly number[], b: readonly number[]): number {
  for (let k = 0; k < Math.max(a.length, b.length); k++) if (a[k] !== b[k]) return k;
  return -1;
}

describe.each(MINATAR_GAMES)('MinAtar/%s against the original', (game) => {
  const traces = loadTraces(game);

  it('has traces for both action sets and several seeds', () => {
    expect(new Set(traces.map((t) => t.version))).toEqual(new Set([0, 1]));
    expect(new Set(traces.map((t) => t.seed)).size).toBeGreaterThanOrEqual(3);
  });

  for (const trace of traces) {
    it(`v${trace.version} seed ${trace.seed}: same observations, rewards, ends and ramps for ${trace.actions.length} steps`, () => {
      const ours = replay(trace);
      expect(firstMismatch(ours.hashes, trace.hashes)).toBe(-1);
      expect(firstMismatch(ours.rewards, trace.rewards)).toBe(-1);
      expect(firstMismatch(ours.dones, trace.dones)).toBe(-1);
      expect(firstMismatch(ours.ramps, trace.ramps)).toBe(-1);
      expect(ours.resetHashes).toEqual(trace.resetHashes);
      for (const [t, expected] of Object.entries(trace.fullObservations)) {
        expect(ours.observations.get(Number(t)), `observation after step ${t}`).toEqual(expected);
      }
      // Freeway's only end is its clock, reported as a truncation; other games never truncate.
      const ends = trace.dones.reduce((s, d) => s + d, 0);
      expect(ours.freewayTruncations).toBe(game === 'Freeway' ? ends : 0);
    });
  }
});

describe('difficultyRamping: false', () => {
  it('keeps the level at 0 where the original ramps up', () => {
    const trace = loadTraces('Asterix')[0];
    const env = new MinAtarEnv('Asterix', { difficultyRamping: false });
    env.reset({ seed: trace.seed });
    for (let t = 0; t < trace.actions.length; t++) {
      const step = env.step(Number(trace.actions[t]));
      expect(env.difficultyRamp()).toBe(0);
      if (step.terminated) env.reset();
    }
    expect(Math.max(...trace.ramps)).toBeGreaterThan(0);
  });
});

describe('the traces reach the rare states', () => {
  const total = (game: MinAtarGame, event: string): number =>
    loadTraces(game).reduce((s, t) => s + (t.events[event] ?? 0), 0);

  it('Seaquest surfaces with 6 divers (and plays on with the count below zero)', () => {
    expect(total('Seaquest', 'surface_with_6_divers')).toBeGreaterThan(0);
    expect(total('Seaquest', 'negative_diver_count')).toBeGreaterThan(0);
  });

  it('Breakout breaks bricks and refills the rows', () => {
    expect(total('Breakout', 'brick')).toBeGreaterThan(0);
    expect(total('Breakout', 'brick_refill')).toBeGreaterThan(0);
  });

  it('Asterix, Seaquest and SpaceInvaders ramp up their difficulty', () => {
    for (const game of ['Asterix', 'Seaquest', 'SpaceInvaders'] as const) expect(total(game, 'ramp_up'), game).toBeGreaterThan(0);
    expect(total('SpaceInvaders', 'wave_cleared')).toBeGreaterThan(0);
  });

  it('Freeway reaches its 2,500-step end and crossings', () => {
    const traces = loadTraces('Freeway');
    expect(traces.some((t) => t.dones.indexOf(1) === 2500)).toBe(true); // done on step 2,501
    expect(total('Freeway', 'crossing')).toBeGreaterThan(0);
  });
});
