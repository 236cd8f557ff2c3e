/**
 * Env steps per second on one core: each task stepped with random actions in [-1, 1] (scaled to
 * the control range), reset at termination and every 1000 steps as the time limit would, plus
 * the raw physics rate of HalfCheetah (frameSkip x mj_step, no observation or reward).
 *
 * Run: pnpm bench
 */
import {
  AntEnv,
  HalfCheetahEnv,
  HumanoidEnv,
  HopperEnv,
  initMujoco,
  InvertedDoublePendulumEnv,
  InvertedPendulumEnv,
  type MujocoEnv,
  ReacherEnv,
  SwimmerEnv,
  Walker2dEnv,
} from '../src/index';

const STEPS = 30_000;
const mujoco = await initMujoco();


function randomActions(nu: number, count: number, scale: number): Float32Array[] {
  let x = 12345;
  return Array.from({ length: count }, () => {
    const a = new Float32Array(nu);
    for (let k = 0; k < nu; k++) {
      x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
      a[k] = scale * ((x / 4294967296) * 2 - 1);
    }
    return a;
  });
}

function measure(env: MujocoEnv, useStepInto: boolean, actions = randomActions(env.nu, 1024, env.actionSpace.high[0])): number {
  const target = {
    observations: new Float32Array(env.observationSpace.flatDim),
    rewards: new Float32Array(1),
    terminated: new Uint8Array(1),
    truncated: new Uint8Array(1),
  };
  const run = (n: number): number => {
    env.reset({ seed: 0 });
    let t = 0;
    const start = performance.now();
    for (let i = 0; i < n; i++) {
      const a = actions[i & 1023];
      let terminated: boolean;
      if (useStepInto) {
        env.stepInto(a, target, 0);
        terminated = target.terminated[0] === 1;
      } else {
        terminated = env.step(a).terminated;
      }
      if (terminated || ++t === 1000) {
        env.reset();
        t = 0;
      }
    }
    return (n / (performance.now() - start)) * 1000;
  };
  run(3000); // warm-up (JIT)
  return run(STEPS);
}

const rows: string[] = [];
for (const build of [
  () => new HalfCheetahEnv(),
  () => new HopperEnv(),
  () => new Walker2dEnv(),
  () => new SwimmerEnv(),
  () => new InvertedPendulumEnv(),
  () => new InvertedDoublePendulumEnv(),
  () => new ReacherEnv(),
  () => new AntEnv(),
  () => new HumanoidEnv(),
]) {
  const env = build();
  const step = measure(env, false);
  const into = measure(env, true);
  rows.push(`${env.name.padEnd(28)} step ${Math.round(step).toString().padStart(7)}/s   stepInto ${Math.round(into).toString().padStart(7)}/s`);
  env.close();
}

// Raw physics on the very same trajectory (same seed, same actions, same resets): only
// `ctrl = action` and frameSkip x mj_step, no observation, reward or checks.
function measureRaw(env: MujocoEnv, actions: Float32Array[]): number {
  const model = env['model'];
  const data = env['data'];
  const run = (n: number): number => {
    env.reset({ seed: 0 });
    const ctrl = data.ctrl as Float64Array;
    let t = 0;
    const start = performance.now();
    for (let i = 0; i < n; i++) {
      ctrl.set(actions[i & 1023]);
      for (let k = 0; k < env.frameSkip; k++) mujoco.mj_step(model, data);
      if (++t === 1000) {
        env.reset();
        t = 0;
      }
    }
    return (n / (performance.now() - start)) * 1000;
  };
  run(3000);
  return run(STEPS);
}
// Random actions flip the cheetah onto its back (under one contact on average); zero actions
// keep it standing on both feet (two contacts), closer to a running gait's contact load.
const cheetah = new HalfCheetahEnv();
const standing = Array.from({ length: 1024 }, () => new Float32Array(6));
const results = [
  ['random actions', randomActions(6, 1024, 1)],
  ['zero actions (standing)', standing],
] as const;
const lines = results.map(([label, actions]) => {
  const raw = measureRaw(cheetah, actions);
  const full = measure(cheetah, false, actions);
  return `HalfCheetah-v5, ${label}: raw physics ${Math.round(raw)} env steps/s (${Math.round(raw * 5)} mj_step/s), env.step ${Math.round(full)}/s (${((100 * full) / raw).toFixed(0)}% of raw)`;
});
cheetah.close();

console.log(rows.join('\n'));
console.log(lines.join('\n'));
