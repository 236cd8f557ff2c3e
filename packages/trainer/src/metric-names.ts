/**
 * The one table from the camelCase metric names of the phases, objectives and optimizers to
 * the CleanRL names the trainer logs, so results compare directly with CleanRL's.
 */
export const LOGGED_METRIC_NAMES: Readonly<Record<string, string>> = Object.freeze({
  learningRate: 'charts/learning_rate',
  policyLoss: 'losses/policy_loss',
  valueLoss: 'losses/value_loss',
  entropy: 'losses/entropy',
  oldApproxKl: 'losses/old_approx_kl',
  approxKl: 'losses/approx_kl',
  clipFraction: 'losses/clipfrac',
  explainedVariance: 'losses/explained_variance',
  clipRange: 'charts/clip_range',
  epochs: 'charts/epochs',
  gradNorm: 'charts/grad_norm',
  klAfterUpdate: 'losses/approx_kl_after_update',
  klBeta: 'charts/kl_beta',
});

/**
 * The logged name of a metric: its CleanRL name from {@link LOGGED_METRIC_NAMES}, else
 * `losses/` and the name in snake_case (a custom objective's `myTerm` logs as `losses/my_term`).
 */
export function loggedMetricName(name: string): string {
  return Object.hasOwn(LOGGED_METRIC_NAMES, name)
    ? LOGGED_METRIC_NAMES[name]
    : `losses/${name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)}`;
}

/** The metrics under their logged names, in the same order. */
export function toLoggedMetrics(metrics: Readonly<Record<string, number>>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [name, value] of Object.entries(metrics)) out[loggedMetricName(name)] = value;
  return out;
}
