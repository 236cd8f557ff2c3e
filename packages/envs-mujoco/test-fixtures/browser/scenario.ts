/**
 * The run the browser test compares: HalfCheetah-v5 reset with a seed and stepped 100 times
 * with fixed actions, then drawn. The same function runs in Node and, bundled by Vite, in the
 * page, on the package it is handed, so that any difference comes from the platform.
 */
import { actionSequence } from '../../src/test-utils';

/**
 * The part of the package the run uses, structurally, so that both the sources (Node) and the
 * built package (the page) fit.
 */
export interface ScenarioPackage {
  initMujoco(): Promise<unknown>;
  HalfCheetahEnv: new () => {
    readonly nu: number;
    reset(options: { seed: number }): { observation: Float32Array };
    step(action: Float32Array): { observation: Float32Array; reward: number; terminated: boolean; info: Record<string, unknown> };
    render(): { svg: string };
    close(): void;
  };
}

/** What the run records, as plain data (it crosses from the page to the test as JSON). */
export interface ScenarioResult {
  /** The reset observation, then one per step. */
  readonly observations: number[][];
  readonly rewards: number[];
  readonly terminated: boolean[];
  /** `info.x_position` of each step (float64). */
  readonly xPositions: number[];
  /** The frame after the last step. */
  readonly svg: string;
}

export const SCENARIO_SEED = 42;
export const SCENARIO_STEPS = 100;

export async function runHalfCheetah(pkg: ScenarioPackage): Promise<ScenarioResult> {
  await pkg.initMujoco();
  const env = new pkg.HalfCheetahEnv();
  try {
    const observations = [Array.from(env.reset({ seed: SCENARIO_SEED }).observation)];
    const rewards: number[] = [];
    const terminated: boolean[] = [];
    const xPositions: number[] = [];
    for (const action of actionSequence(env.nu, SCENARIO_STEPS, 7)) {
      const step = env.step(action);
      observations.push(Array.from(step.observation));
      rewards.push(step.reward);
      terminated.push(step.terminated);
      xPositions.push(step.info.x_position as number);
    }
    return { observations, rewards, terminated, xPositions, svg: env.render().svg };
  } finally {
    env.close();
  }
}
