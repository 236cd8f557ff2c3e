/**
 * CPU time of `render()` per frame for every task: the env is stepped with fixed actions and
 * drawn after each step; the step's own time is measured separately and subtracted. CPU time
 * (`process.cpuUsage()`), not wall time, because the machine may be shared.
 *
 * Run: pnpm exec tsx bench/render.bench.ts
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

const FRAMES = 5000;
await initMujoco();

function cpuMicros(): number {
  const u = process.cpuUsage();
  return u.user + u.system;
}

/** Microseconds of CPU per call of `body`, over `FRAMES` steps of `env` (reset at termination). */
function perStep(env: MujocoEnv, draw: boolean): number {
  const action = new Float32Array(env.nu).fill(0.3);
  env.reset({ seed: 0 });
  let bytes = 0;
  const start = cpuMicros();
  for (let i = 0; i < FRAMES; i++) {
    if (env.step(action).terminated) env.reset();
    if (draw) bytes += env.render().svg.length;
  }
  const micros = (cpuMicros() - start) / FRAMES;
  if (draw && bytes === 0) throw new Error('no frames');
  return micros;
}

for (const make of [
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
  const env = make();
  perStep(env, true); // warm-up
  const rounds = [0, 1, 2].map(() => perStep(env, true) - perStep(env, false));
  env.reset({ seed: 0 });
  const size = env.render().svg.length;
  console.log(`${env.name.padEnd(26)} render ${Math.min(...rounds).toFixed(1)} us CPU/frame (best of 3; ${size} bytes)`);
  env.close();
}
