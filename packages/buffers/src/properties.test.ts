// Property tests over random shapes and options (fast-check), complementing the example tests.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RolloutBuffer } from './rollout-buffer';
import { Rng } from '@ppo/utils';
import { TokenBatch, type TokenSequence } from './token-batch';

describe('RolloutBuffer.minibatches properties', () => {
  it('partitions the stored transitions (or env columns) exactly, with gathered rows equal to storage', () => {
    fc.assert(
      fc.property(
        fc.record({
          numSteps: fc.integer({ min: 1, max: 9 }),
          numEnvs: fc.integer({ min: 1, max: 6 }),
          observationSize: fc.integer({ min: 1, max: 4 }),
          actionSize: fc.integer({ min: 1, max: 3 }),
          actionType: fc.constantFrom('float32' as const, 'int32' as const),
          fillFraction: fc.double({ min: 0, max: 1, noNaN: true }),
          mode: fc.constantFrom('shuffle' as const, 'sequential' as const),
          bySize: fc.boolean(),
          pick: fc.double({ min: 0, max: 1, noNaN: true }),
          dropLast: fc.boolean(),
          seed: fc.integer({ min: 0, max: 2 ** 32 - 1 }),
        }),
        (c) => {
          const rng = new Rng(c.seed);
          const buffer = new RolloutBuffer(c);
          const steps = 1 + Math.floor(c.fillFraction * (c.numSteps - 1));
          for (let t = 0; t < steps; t++) {
            const n = c.numEnvs;
            buffer.add({
              observations: rng.fillNormal(new Float32Array(n * c.observationSize)),
              actions: Float64Array.from({ length: n * c.actionSize }, () => rng.nextInt(9)),
              logProbs: rng.fillNormal(new Float32Array(n)),
              values: rng.fillNormal(new Float32Array(n)),
              rewards: rng.fillNormal(new Float32Array(n)),
              terminated: Uint8Array.from({ length: n }, () => rng.nextInt(2)),
              truncated: Uint8Array.from({ length: n }, () => rng.nextInt(2)),
            });
          }
          rng.fillNormal(buffer.advantages);
          rng.fillNormal(buffer.returns);
          const sequential = c.mode === 'sequential';
          const units = sequential ? c.numEnvs : steps * c.numEnvs;
          const unitLength = sequential ? steps : 1;
          const k = 1 + Math.floor(c.pick * (units - 1)); // units per minibatch, or minibatches
          const options = c.bySize
            ? { minibatchSize: k * unitLength, dropLast: c.dropLast }
            : { numMinibatches: k };
          const seen = new Int32Array(steps * c.numEnvs);
          let minibatches = 0;
          for (const mb of buffer.minibatches({ ...options, rng, mode: c.mode })) {
            minibatches++;
            const d = c.observationSize;
            const a = c.actionSize;
            // Plain comparisons counted into one expect: thousands of expect calls are slow.
            let mismatches = 0;
            for (let r = 0; r < mb.size; r++) {
              const idx = mb.indices[r];
              seen[idx]++;
              for (let j = 0; j < d; j++) if (mb.observations[r * d + j] !== buffer.observations[idx * d + j]) mismatches++;
              for (let j = 0; j < a; j++) if (mb.actions[r * a + j] !== buffer.actions[idx * a + j]) mismatches++;
              if (mb.advantages[r] !== buffer.advantages[idx]) mismatches++;
              if (mb.returns[r] !== buffer.returns[idx]) mismatches++;
              if (mb.logProbs[r] !== buffer.logProbs[idx]) mismatches++;
              if (mb.values[r] !== buffer.values[idx]) mismatches++;
              if (mb.terminated[r] !== buffer.terminated[idx]) mismatches++;
              if (mb.truncated[r] !== buffer.truncated[idx]) mismatches++;
            }
            if (sequential) {
              // Each column in time order: step t of the minibatch's env j at row t * numSequences + j.
              for (let t = 0; t < steps; t++) {
                for (let j = 0; j < mb.numSequences; j++) {
                  if (mb.indices[t * mb.numSequences + j] !== t * c.numEnvs + mb.envIndices[j]) mismatches++;
                }
              }
            }
            expect(mismatches).toBe(0);
          }
          const dropped = c.bySize && c.dropLast ? units % k : 0;
          const expectedCount = c.bySize ? Math.floor(units / k) + (units % k !== 0 && !c.dropLast ? 1 : 0) : k;
          expect(minibatches).toBe(expectedCount);
          const total = seen.reduce((s, x) => s + x, 0);
          expect(total).toBe((units - dropped) * unitLength);
          expect(seen.every((x) => x === 0 || x === 1)).toBe(true);
        },
      ),
      { numRuns: 200, seed: 20261125 },
    );
  });
});

describe('TokenBatch properties', () => {
  const sequenceArb = fc
    .record({
      prompt: fc.array(fc.integer({ min: 0, max: 99 }), { maxLength: 6 }),
      completion: fc.array(fc.integer({ min: 0, max: 99 }), { minLength: 1, maxLength: 6 }),
      reward: fc.double({ min: -10, max: 10, noNaN: true }),
      groupId: fc.integer({ min: 0, max: 5 }),
    })
    .chain((s) =>
      fc
        .array(fc.double({ min: -20, max: 0, noNaN: true }), { minLength: s.completion.length, maxLength: s.completion.length })
        .map((oldLogProbs): TokenSequence => ({ ...s, oldLogProbs })),
    );

  it('masks, lengths and masked log-probs agree with the input sequences', () => {
    fc.assert(
      fc.property(fc.array(sequenceArb, { minLength: 1, maxLength: 8 }), fc.integer({ min: 0, max: 99 }), (seqs, pad) => {
        const batch = TokenBatch.fromSequences(seqs, { padTokenId: pad });
        const l = batch.length;
        expect(l).toBe(Math.max(...seqs.map((s) => s.prompt.length + s.completion.length)));
        let maskSum = 0;
        seqs.forEach((s, b) => {
          const row = batch.row(b);
          const p = s.prompt.length;
          const c = s.completion.length;
          expect(Array.from(row.tokens.subarray(0, p + c))).toEqual([...Array.from(s.prompt), ...Array.from(s.completion)]);
          expect(Array.from(row.tokens.subarray(p + c))).toEqual(new Array<number>(l - p - c).fill(pad));
          expect(Array.from(row.attentionMask)).toEqual(Array.from({ length: l }, (_, j) => (j < p + c ? 1 : 0)));
          expect(Array.from(row.lossMask)).toEqual(Array.from({ length: l }, (_, j) => (j >= p && j < p + c ? 1 : 0)));
          expect(Array.from(row.oldLogProbs)).toEqual(
            Array.from({ length: l }, (_, j) => (j >= p && j < p + c ? Math.fround(s.oldLogProbs[j - p]) : 0)),
          );
          maskSum += c;
        });
        expect(batch.numCompletionTokens).toBe(maskSum);
      }),
      { numRuns: 200, seed: 20261125 },
    );
  });
});
