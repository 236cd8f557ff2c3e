// One registry per process: every copy of the registry module (the ESM and CommonJS builds, or
// two evaluations of the source) reads and writes the same table on globalThis.
import { createRequire } from 'node:module';
import { PpoError } from '@ppo/utils';
import { describe, expect, it, vi } from 'vitest';
import type * as Index from './index';
import type * as RegistryNs from './registry';
import { CartPoleEnv } from './classic-control/cartpole';
import { REGISTRY_FORMAT, REGISTRY_KEY, sharedRegistry } from './registry-store';

type Build = typeof Index;
type RegistryModule = typeof RegistryNs;


async function freshCopy(): Promise<RegistryModule> {
  vi.resetModules();
  const copy: RegistryModule = await import('./registry');
  return copy;
}

describe('the env registry across copies of the module', () => {
  it('two evaluations of the source share one table, built-ins registered once', async () => {
    const first = await freshCopy();
    const second = await freshCopy();
    expect(first.register).not.toBe(second.register);
    first.register('SharedSource-v0', (o) => new CartPoleEnv(o), { maxEpisodeSteps: 7 });
    expect(second.isRegistered('SharedSource-v0')).toBe(true);
    expect(second.envSpec('SharedSource-v0').maxEpisodeSteps).toBe(7);
    expect(() => second.register('SharedSource-v0', (o) => new CartPoleEnv(o))).toThrow(/already registered/);
    expect(second.listEnvs().filter((s) => s.id === 'CartPole-v1')).toHaveLength(1);
  });

  it('the ESM and CommonJS builds see one registry', async () => {
    const esm = (await import(new URL('../dist/index.js', import.meta.url).href)) as Build;
    const cjs = createRequire(import.meta.url)('../dist/index.cjs') as Build;
    expect(esm.register).not.toBe(cjs.register);
    // A CommonJS env module registers through require('@ppo/envs') ...
    cjs.register('SharedCjs-v0', (o) => new cjs.CartPoleEnv(o), { maxEpisodeSteps: 3 });
    // ... and the ESM build's make builds it, with the registered limit.
    const env = esm.make('SharedCjs-v0');
    expect(env.id).toBe('SharedCjs-v0');
    env.reset({ seed: 1 });
    let truncated = false;
    for (let t = 0; t < 3; t++) truncated = env.step(0).truncated;
    expect(truncated).toBe(true);
    esm.register('SharedEsm-v0', (o) => new esm.CartPoleEnv(o));
    expect(cjs.listEnvs().map((s) => s.id)).toEqual(esm.listEnvs().map((s) => s.id));
    expect(cjs.isRegistered('SharedEsm-v0')).toBe(true);
  });

  it('refuses a slot of another format, naming both formats', () => {
    const holder = { [REGISTRY_KEY]: { format: 999, entries: new Map() } };
    let caught: unknown;
    try {
      sharedRegistry(holder);
    } catch (error) {
      caught = error;
    }
    expect(PpoError.is(caught, 'REGISTRY_MISMATCH')).toBe(true);
    expect((caught as Error).message).toMatch(/format 999 .*needs format 1\./);
    expect(() => sharedRegistry({ [REGISTRY_KEY]: 'tampered' })).toThrow(/registry of format "tampered"/);
  });

  it('creates the slot once, hidden and read-only, and hands back the same table', () => {
    const holder = {};
    const table = sharedRegistry<number>(holder);
    table.set('a', 1);
    expect(sharedRegistry<number>(holder).get('a')).toBe(1);
    const slot = Object.getOwnPropertyDescriptor(holder, REGISTRY_KEY);
    expect(slot).toMatchObject({ enumerable: false, configurable: false, writable: false });
    expect(REGISTRY_KEY).toBe(Symbol.for('@ppo/envs/registry'));
    expect((Object.getOwnPropertyDescriptor(globalThis, REGISTRY_KEY)?.value as { format: number }).format).toBe(REGISTRY_FORMAT);
  });
});
