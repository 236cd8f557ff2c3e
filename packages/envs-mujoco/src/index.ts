/**
 * @packageDocumentation
 * Gymnasium's MuJoCo v5 tasks on MuJoCo's official WebAssembly build (`mujoco-js`):
 * HalfCheetah, Hopper, Walker2d, Swimmer, InvertedPendulum, InvertedDoublePendulum, Reacher, Ant and Humanoid,
 * with Gymnasium's observations, rewards, termination, reset noise and frame skips. The models
 * are compiled from MJCF strings held in the package; nothing is fetched at run time.
 *
 * Start the WASM module once with `await initMujoco()`, then build envs directly
 * (`new HalfCheetahEnv()`) or register the ids with `registerMujocoEnvs()` and use `make`.
 * `env.render()` draws the current state as an SVG frame. The same code runs in Node, in
 * browser pages and in Web Workers (the WebAssembly binary is inside `mujoco-js`'s script).
 */

// WASM module start
export { initMujoco, isMujocoReady, getMujoco, compileModel, type InitMujocoOptions } from './runtime';

// Base class
export { MujocoEnv, type MujocoEnvOptions, type MujocoTaskConfig } from './mujoco-env';

// Rendering (`MujocoEnv.render()`)
export { type MujocoView, MUJOCO_FRAME_WIDTH, MUJOCO_FRAME_HEIGHT } from './scene-view';

// Tasks
export { HalfCheetahEnv, type HalfCheetahOptions } from './half-cheetah';
export { HopperEnv } from './hopper';
export { Walker2dEnv } from './walker2d';
export { PlanarWalkerEnv, type PlanarWalkerOptions } from './planar-walker';
export { SwimmerEnv, type SwimmerOptions } from './swimmer';
export { InvertedPendulumEnv, type InvertedPendulumOptions } from './inverted-pendulum';
export { InvertedDoublePendulumEnv, type InvertedDoublePendulumOptions } from './inverted-double-pendulum';
export { ReacherEnv, type ReacherOptions } from './reacher';
export { AntEnv, type AntOptions } from './ant';
export { HumanoidEnv, type HumanoidOptions } from './humanoid';

// Registry
export { registerMujocoEnvs, MUJOCO_ENV_IDS, type MujocoEnvRegistration } from './register';

// Models
export {
  HALF_CHEETAH_XML,
  HOPPER_XML,
  WALKER2D_XML,
  SWIMMER_XML,
  INVERTED_PENDULUM_XML,
  INVERTED_DOUBLE_PENDULUM_XML,
  REACHER_XML,
  ANT_XML,
  HUMANOID_XML,
} from './models';

/** The errors this package throws: each has a stable `code`; `PpoError.is(error, code?)` tells them apart across builds (shared by every package through `@ppo/utils`). */
export { PpoError, PpoRangeError, PpoTypeError, type ErrorCode } from '@ppo/utils';
