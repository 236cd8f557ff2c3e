/** The composed run: the trainer's loop with our policy, objective and advantage estimator. */
import { monteCarloEstimator } from '@ppo/gae';
import { PPO, StopOnReward, type Logger } from '@ppo/trainer';
import { HandWrittenClipObjective } from './objective';
import { LayersCategoricalPolicy } from './policy';

/** Options of {@link trainComposedPpo}. */
export interface ComposeOptions {
  readonly seed: number;
  readonly totalSteps: number;
  /** Stop once the mean return of the last 20 episodes reaches this. Default 475 (CartPole-v1 solved). */
  readonly threshold?: number;
  readonly loggers?: readonly Logger[];
}

/** What {@link trainComposedPpo} reports. */
export interface ComposeResult {
  /** The env step at which the mean of the last 20 returns reached the threshold, or null. */
  readonly solvedAt: number | null;
  readonly globalStep: number;
  /** Mean raw return of the last 20 episodes. */
  readonly recentReturn: number;
  /** Greedy evaluation over 10 episodes. */
  readonly evaluation: { readonly mean: number; readonly min: number };
}

export async function trainComposedPpo(options: ComposeOptions): Promise<ComposeResult> {
  const ppo = await PPO.create({
    // CleanRL's ppo.py settings for everything the components do not replace.
    config: { env: 'CartPole-v1', seed: options.seed, totalSteps: options.totalSteps },
    components: {
      policy: (spec) => {
        if (spec.actionSpace.type !== 'discrete') throw new TypeError('this policy needs a discrete action space');
        return new LayersCategoricalPolicy(spec.observationSize, spec.actionSpace.n, spec.seed);
      },
      objective: new HandWrittenClipObjective({ clip: 0.2, vfCoef: 0.5, entCoef: 0.01 }),
      advantageEstimator: monteCarloEstimator({ gamma: 0.99 }),
    },
  });
  const solved = new StopOnReward({ threshold: options.threshold ?? 475, window: 20 });
  try {
    await ppo.train({ callbacks: [solved], loggers: options.loggers });
    const evaluation = await ppo.evaluate({ episodes: 10 });
    return { solvedAt: solved.solvedAt, globalStep: ppo.globalStep, recentReturn: ppo.recentReturn, evaluation };
  } finally {
    await ppo.close();
  }
}
