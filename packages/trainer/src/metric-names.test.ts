import { describe, expect, it } from 'vitest';
import { METRIC_NAMES } from './loggers';
import { LOGGED_METRIC_NAMES, loggedMetricName, toLoggedMetrics } from './metric-names';

describe('metric names', () => {
  it('maps the camelCase metrics to CleanRL names and keeps their order', () => {
    for (const name of Object.values(LOGGED_METRIC_NAMES)) expect(name).toMatch(/^(charts|losses)\/[a-z_]+$/);
    const cleanRl = METRIC_NAMES.filter((n) => !['charts/episodic_return', 'charts/episodic_length', 'charts/SPS'].includes(n));
    for (const name of cleanRl) expect(Object.values(LOGGED_METRIC_NAMES)).toContain(name);
    expect(loggedMetricName('clipFraction')).toBe('losses/clipfrac');
    expect(loggedMetricName('myExtraTerm')).toBe('losses/my_extra_term');
    expect(loggedMetricName('toString')).toBe('losses/to_string');
    expect(Object.keys(toLoggedMetrics({ learningRate: 1, policyLoss: 2, z: 3 }))).toEqual(['charts/learning_rate', 'losses/policy_loss', 'losses/z']);
  });
});
