/**
 * A2C (synchronous advantage actor-critic, Mnih et al. 2016) as components of the PPO trainer:
 * its rollout phase (`collectRollout`, run by `PPO`), n-step returns from GAE with lambda 1, its
 * own objective (policy gradient + value + entropy, no ratio, no clipping), and RMSprop; one
 * update of one epoch over one minibatch per rollout. No loop of its own. The setup and its
 * defaults (CartPole-v1, the MinAtar games) are in `a2c-setup.ts`.
 */
import { PPO, StopOnReward, type CallbackContext } from '@ppo/trainer';
import { a2cSetup, isMinAtar, type A2CSettings } from './a2c-setup';

export { A2CObjective, type A2CCoefficients } from './a2c-objective';

/** Settings of {@link trainA2C}; everything but `totalSteps` has a default (see `defaultA2CSettings`). */
export interface A2COptions extends Partial<A2CSettings> {
  totalSteps: number;
  seed?: number;
  /** Default CartPole-v1; a MinAtar id (`MinAtar/Breakout-v0`) needs its envs registered (`registerMinAtarEnvs`). */
  envId?: string;
  /** Stop once the mean return of the last `window` episodes reaches this; null never stops early. Default 475 (CartPole-v1's threshold), null for MinAtar. */
  solvedAt?: number | null;
  /** Episodes of the reported mean return. Default 20, 100 for MinAtar (the benchmark's score). */
  window?: number;
  onUpdate?: (progress: A2CProgress) => void;
  /** Run the updates fused on the host (default true); false takes the general tfjs path (see `ppoUpdate`'s `fused`). */
  fused?: boolean;
}

/** What one update reports; `meanReturn` (of the last `window` episodes) is NaN before the first finished episode. */
export interface A2CProgress {
  step: number; updates: number; episodes: number; meanReturn: number;
  loss: number; policyLoss: number; valueLoss: number; entropy: number;
}

/** The final progress, every episode's return and the trained policy's weights (by variable name). */
export interface A2CResult extends A2CProgress {
  solved: boolean;
  /** The env step at which the mean of the last `window` returns first reached `solvedAt` (null if never). */
  stepsToSolve: number | null;
  returns: number[];
  weights: Map<string, Float32Array>;
}

/**
 * Trains A2C until solved (the mean of the last `window` returns reaches `solvedAt`, checked at
 * every finished episode) or `totalSteps` env steps, rounded down to whole rollouts (at least one).
 */
export async function trainA2C(options: A2COptions): Promise<A2CResult> {
  const { totalSteps, seed = 1, envId = 'CartPole-v1', solvedAt = isMinAtar(envId) ? null : 475, window = isMinAtar(envId) ? 100 : 20, onUpdate, fused = true, ...settings } = options;
  if (!Number.isInteger(totalSteps) || totalSteps < 1) {
    throw new RangeError(`trainA2C: totalSteps must be a positive integer, got ${totalSteps}`);
  }
  const setup = a2cSetup({ envId, seed, totalSteps, settings: definedOnly(settings) });
  const ppo = await PPO.create({ preset: setup.preset, config: { ...setup.config, checkpointEvery: 0 }, components: setup.components });
  const returns: number[] = [];
  const solved = solvedAt === null ? null : new StopOnReward({ threshold: solvedAt, window });
  let progress: A2CProgress = { step: 0, updates: 0, episodes: 0, meanReturn: NaN, loss: NaN, policyLoss: NaN, valueLoss: NaN, entropy: NaN };
  await ppo.train({
    fused,
    callbacks: [
      ...(solved === null ? [] : [solved]),
      {
        onEpisodeEnd: (_context, episode) => void returns.push(episode.return),
        onUpdateEnd: (context: CallbackContext, m) => {
          progress = {
            step: context.globalStep, updates: context.update, episodes: returns.length, meanReturn: meanOf(returns.slice(-window)),
            loss: m['losses/loss'], policyLoss: m['losses/policy_loss'], valueLoss: m['losses/value_loss'], entropy: m['losses/entropy'],
          };
          onUpdate?.(progress);
        },
      },
    ],
  });
  const weights = ppo.policy.getWeights();
  await ppo.close();
  const stepsToSolve = solved?.solvedAt ?? null;
  return { ...progress, solved: stepsToSolve !== null, stepsToSolve, returns, weights };
}

/** The settings given, without the keys left undefined (which would hide the defaults). */
function definedOnly(settings: Partial<A2CSettings>): Partial<A2CSettings> {
  return Object.fromEntries(Object.entries(settings).filter(([, x]) => x !== undefined));
}

function meanOf(values: readonly number[]): number {
  return values.length === 0 ? Number.NaN : values.reduce((a, b) => a + b, 0) / values.length;
}
