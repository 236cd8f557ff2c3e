/** Width in pixels of every MuJoCo frame. */
export const MUJOCO_FRAME_WIDTH = 480;
/** Height in pixels of every MuJoCo frame. */
export const MUJOCO_FRAME_HEIGHT = 320;

/**
 * How a MuJoCo task is drawn by `render()`: an orthographic camera looking along a world axis,
 * optionally following a body.
 *
 * - `'side'` looks along +y at the x-z plane from the -y side: world x to the right, z up
 *   (the planar tasks' own plane).
 * - `'top'` looks down -z at the x-y plane: world x to the right, y up.
 */
export interface MujocoView {
  /** Which plane the camera looks at. */
  readonly projection: 'side' | 'top';
  /** Scale: pixels per metre. */
  readonly pixelsPerMeter: number;
  /**
   * World coordinates (along the screen's right and up axes, metres) at the frame's centre.
   * With `track`, the tracked coordinates are offsets from the body's position.
   */
  readonly center: readonly [number, number];
  /**
   * Name of a body the camera follows: along x in a side view (the height stays fixed, so
   * jumps and falls show), along x and y in a top view.
   */
  readonly track?: string;
  /** Spacing in metres of the ground's grid lines, which make motion visible under a tracking camera. Default 0.5. */
  readonly gridSpacing?: number;
}
