import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { selectBackend } from './backend';

describe('selectBackend', () => {
  it("'auto' falls back past packages that fail to load", async () => {
    const calls: string[] = [];
    const wasmRegistered = tf.findBackendFactory('wasm') !== null;
    const got = await selectBackend('auto', {
      load: (name) => {
        calls.push(name);
        return Promise.reject(new Error(`Cannot find module '${name}'`));
      },
    });
    // tfjs-node is tried first; wasm needs no load when another suite already registered it.
    expect(calls[0]).toBe('@tensorflow/tfjs-node');
    expect(got).toBe(wasmRegistered ? 'wasm' : 'cpu');
    expect(tf.getBackend()).toBe(got);
  });

  it("'cpu' and 'wasm' become the current backend", async () => {
    expect(await selectBackend('cpu')).toBe('cpu');
    expect(tf.getBackend()).toBe('cpu');
    expect(await selectBackend('wasm')).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
    // That gradients come with @ppo/nets whatever else a program imports is tested on the
    // built package in a fresh process (dist.test.ts): this file imports @tensorflow/tfjs.
  });

  it("'tensorflow' without @tensorflow/tfjs-node says how to install it", async () => {
    const cause = new Error("Cannot find module '@tensorflow/tfjs-node'");
    const failure = selectBackend('tensorflow', { load: () => Promise.reject(cause) });
    await expect(failure).rejects.toThrow(/backend 'tensorflow' is not available \(Cannot find module '@tensorflow\/tfjs-node'\); install it with 'npm install @tensorflow\/tfjs-node'/);
    await expect(failure).rejects.toHaveProperty('cause', cause);
  });

  it('an injected load that throws synchronously is reported too', async () => {
    await expect(
      selectBackend('tensorflow', {
        load: () => {
          throw new TypeError('loader exploded');
        },
      }),
    ).rejects.toThrow(/loader exploded.*npm install @tensorflow\/tfjs-node/);
  });

  it('rejects an unknown request, naming it', async () => {
    await expect(selectBackend('webgpu' as 'cpu')).rejects.toThrow(/backend must be one of 'auto', 'tensorflow', 'wasm', 'cpu', got "webgpu"/);
  });
});
