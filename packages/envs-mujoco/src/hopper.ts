import { HOPPER_XML } from './models';
import { PlanarWalkerEnv, type PlanarWalkerOptions } from './planar-walker';

/**
 * Hopper-v5: a planar one-legged hopper. Observation 11: `qpos[1:]` (5) and `clip(qvel, ±10)`
 * (6). Reward `1 * healthy + dx/dt - 1e-3 |a|^2`. Terminated when `qpos[1] <= 0.7`,
 * `|qpos[2]| >= 0.2`, or an entry of `[qpos[2:], qvel]` leaves (-100, 100). Reset: qpos and qvel
 * `+ U(-5e-3, 5e-3)`.
 */
export class HopperEnv extends PlanarWalkerEnv {
  constructor(options: PlanarWalkerOptions = {}) {
    super(
      { name: 'Hopper-v5', xml: HOPPER_XML, checkStateRange: true, healthyZRange: [0.7, Infinity], healthyAngleRange: [-0.2, 0.2] },
      options,
    );
  }
}
