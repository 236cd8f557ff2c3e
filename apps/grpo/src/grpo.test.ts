import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '@ppo/nets';
import { beforeAll, describe, expect, it } from 'vitest';
import { runGrpo, type Variant } from './grpo';
import { lineChartSvg } from './plot';

describe('GRPO app (smoke)', () => {
  beforeAll(async () => {
    await selectBackend('wasm');
  });

  it.each(['grpo', 'beta0', 'dr-grpo', 'dapo'] as const)('runs the %s variant end to end without leaking tensors', (variant: Variant) => {
    const start = tf.memory().numTensors;
    const seen: number[] = [];
    const result = runGrpo({
      variant,
      seed: 3,
      iterations: 2,
      pretrainMaxSteps: 3,
      prompts: 2,
      groupSize: 4,
      hiddenSize: 16,
      embeddingSize: 8,
      evalPrompts: 16,
      onIteration: (m) => seen.push(m.iteration),
    });
    expect(tf.memory().numTensors).toBe(start);
    expect(seen).toEqual([0, 1, 2]);
    expect(result.pretrainSteps).toBe(3);
    for (const m of result.history.slice(1)) {
      expect(m.reward).toBeGreaterThanOrEqual(0);
      expect(m.reward).toBeLessThanOrEqual(1);
      expect(m.accuracy).toBeGreaterThanOrEqual(0);
      expect(Number.isFinite(m.clipFraction)).toBe(true);
      // Only the beta0 variant runs without a reference model.
      expect(Number.isNaN(m.kl)).toBe(variant === 'beta0');
    }
  });

  it('is reproducible for a seed', () => {
    const run = () => runGrpo({ seed: 5, iterations: 2, pretrainMaxSteps: 2, prompts: 2, groupSize: 4, hiddenSize: 16, embeddingSize: 8, evalPrompts: 16 }).history;
    expect(run()).toEqual(run().map((m, i) => (i === 0 ? m : { ...m, seconds: expect.any(Number) as number })));
  });

  it('draws a chart with one polyline per series', () => {
    const svg = lineChartSvg({ title: 'a <b>', xLabel: 'x', series: [{ name: 'acc', color: 'red', points: [[0, 0.1], [1, Number.NaN], [2, 0.9]] }] });
    expect(svg).toContain('a &lt;b&gt;');
    expect(svg.match(/<polyline/g)).toHaveLength(1);
    expect(svg).toMatch(/points="[\d.]+,[\d.]+ [\d.]+,[\d.]+"/);
  });
});
