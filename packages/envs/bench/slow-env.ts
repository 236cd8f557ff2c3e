// A CartPole whose step also burns a fixed amount of CPU, standing in for an env that costs tens
// of microseconds a step. Registered as BenchSlowCartPole-v0 (passed to workers via `modules`).
import type { Info, StepResult } from '../src/env';
import type { StepIntoTarget } from '../src/vector/step-into';
import { CartPoleEnv } from '../src/classic-control/cartpole';
import { isRegistered, register } from '../src/registry';

/** Options of {@link SlowCartPoleEnv}. */
export interface SlowCartPoleOptions {
  /** Iterations of busy work per step. */
  readonly work?: number;
}

/** CartPole-v1 plus `work` iterations of arithmetic per step. */
export class SlowCartPoleEnv extends CartPoleEnv {
  private readonly work: number;
  /** Keeps the busy loop from being optimized away. */
  sink = 0;

  constructor(options: SlowCartPoleOptions = {}) {
    super();
    this.work = options.work ?? 0;
  }

  private burn(): void {
    let s = 0;
    for (let k = 0; k < this.work; k++) s += Math.sqrt(k + this.sink);
    this.sink = s * 1e-12;
  }

  override step(action: number): StepResult<Float32Array> {
    this.burn();
    return super.step(action);
  }

  // Vector envs take this path (through TimeLimit); it must cost the same.
  override stepInto(action: number, target: StepIntoTarget, index: number): Info | undefined {
    this.burn();
    return super.stepInto(action, target, index);
  }
}

if (!isRegistered('BenchSlowCartPole-v0')) {
  register('BenchSlowCartPole-v0', (o) => new SlowCartPoleEnv(o), { maxEpisodeSteps: 500 });
}
