/**
 * Test-only support (not exported, not bundled): access to an env's MuJoCo objects and
 * independent reads of its state.
 */
import type { MjData, MjModel } from 'mujoco-js';
import type { MujocoEnv } from './mujoco-env';

/** The env's model and data (protected members, read for tests only). */
export function internals(env: MujocoEnv): { model: MjModel; data: MjData } {
  return { model: env['model'], data: env['data'] };
}

/** Size in bytes of the WebAssembly heap the env lives in. */
export function heapBytes(env: MujocoEnv): number {
  return (internals(env).data.qpos as Float64Array).buffer.byteLength;
}

/** `[qpos, qvel]` of the env as two float64 copies. */
export function split(env: MujocoEnv): { qpos: Float64Array; qvel: Float64Array } {
  const s = env.getState();
  return { qpos: s.slice(0, env.nq), qvel: s.slice(env.nq) };
}

/** A Float32Array action with uniform entries in [-1, 1] from a simple LCG (deterministic). */
export function actionSequence(nu: number, count: number, seed: number, scale = 1): Float32Array[] {
  let x = seed >>> 0;
  const out: Float32Array[] = [];
  for (let i = 0; i < count; i++) {
    const a = new Float32Array(nu);
    for (let k = 0; k < nu; k++) {
      x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
      a[k] = scale * ((x / 4294967296) * 2 - 1);
    }
    out.push(a);
  }
  return out;
}

/** Sum of squares of the float32 entries, in float64. */
export function sumSquares(a: Float32Array): number {
  let s = 0;
  for (const v of a) s += v * v;
  return s;
}
