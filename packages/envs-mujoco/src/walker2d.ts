import { WALKER2D_XML } from './models';
import { PlanarWalkerEnv, type PlanarWalkerOptions } from './planar-walker';

/**
 * Walker2d-v5: a planar biped. Observation 17: `qpos[1:]` (8) and `clip(qvel, ±10)` (9). Reward
 * `1 * healthy + dx/dt - 1e-3 |a|^2`. Terminated when `qpos[1]` leaves (0.8, 2) or `qpos[2]`
 * leaves (-1, 1). Reset: qpos and qvel `+ U(-5e-3, 5e-3)`.
 */
export class Walker2dEnv extends PlanarWalkerEnv {
  constructor(options: PlanarWalkerOptions = {}) {
    super(
      { name: 'Walker2d-v5', xml: WALKER2D_XML, checkStateRange: false, healthyZRange: [0.8, 2], healthyAngleRange: [-1, 1] },
      options,
    );
  }
}
