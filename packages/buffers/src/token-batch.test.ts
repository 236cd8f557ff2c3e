import { describe, expect, it } from 'vitest';
import { Rng } from '@ppo/utils';
import { TokenBatch, type TokenSequence } from './token-batch';

/** Naive reference: nested arrays built position by position, padded on the right. */
function reference(seqs: TokenSequence[], length: number, pad: number) {
  const rows = seqs.map((s) => {
    const tokens: number[] = [];
    const attention: number[] = [];
    const loss: number[] = [];
    const old: number[] = [];
    const ref: number[] = [];
    for (let p = 0; p < length; p++) {
      if (p < s.prompt.length) {
        tokens.push(s.prompt[p]);
        attention.push(1);
        loss.push(0);
        old.push(0);
        ref.push(0);
      } else if (p < s.prompt.length + s.completion.length) {
        const j = p - s.prompt.length;
        tokens.push(s.completion[j]);
        attention.push(1);
        loss.push(1);
        old.push(Math.fround(s.oldLogProbs[j]));
        ref.push(s.refLogProbs ? Math.fround(s.refLogProbs[j]) : 0);
      } else {
        tokens.push(pad);
        attention.push(0);
        loss.push(0);
        old.push(0);
        ref.push(0);
      }
    }
    return { tokens, attention, loss, old, ref };
  });
  return {
    tokens: rows.flatMap((r) => r.tokens),
    attention: rows.flatMap((r) => r.attention),
    loss: rows.flatMap((r) => r.loss),
    old: rows.flatMap((r) => r.old),
    ref: rows.flatMap((r) => r.ref),
  };
}

function randomSequences(rng: Rng, count: number, withRef: boolean): TokenSequence[] {
  return Array.from({ length: count }, (_, i) => {
    const p = rng.nextInt(5);
    const c = 1 + rng.nextInt(6);
    const seq: TokenSequence = {
      prompt: Array.from({ length: p }, () => rng.nextInt(50)),
      completion: Int32Array.from({ length: c }, () => rng.nextInt(50)),
      oldLogProbs: Float64Array.from({ length: c }, () => -3 * rng.nextFloat()),
      reward: rng.normal(0, 1),
      groupId: Math.floor(i / 2),
    };
    return withRef ? { ...seq, refLogProbs: Array.from({ length: c }, () => -3 * rng.nextFloat()) } : seq;
  });
}

const TWO: TokenSequence[] = [
  { prompt: [5, 6], completion: [7, 8, 2], oldLogProbs: [-0.1, -1.2, -0.3], reward: 1, groupId: 0 },
  { prompt: [5, 6], completion: [9, 2], oldLogProbs: [-2.0, -0.4], reward: 0, groupId: 0 },
];

describe('TokenBatch.fromSequences layout', () => {
  it('pads the documented example to [2, 5] with a completion-only loss mask', () => {
    const batch = TokenBatch.fromSequences(TWO);
    expect(batch.shape).toEqual([2, 5]);
    expect(Array.from(batch.tokens)).toEqual([5, 6, 7, 8, 2, 5, 6, 9, 2, 0]);
    expect(Array.from(batch.attentionMask)).toEqual([1, 1, 1, 1, 1, 1, 1, 1, 1, 0]);
    expect(Array.from(batch.lossMask)).toEqual([0, 0, 1, 1, 1, 0, 0, 1, 1, 0]);
    expect(Array.from(batch.oldLogProbs)).toEqual([0, 0, -0.1, -1.2, -0.3, 0, 0, -2, -0.4, 0].map(Math.fround));
    expect(batch.refLogProbs).toBeNull();
    expect(Array.from(batch.rewards)).toEqual([1, 0]);
    expect(Array.from(batch.groupIds)).toEqual([0, 0]);
    expect(Array.from(batch.promptLengths)).toEqual([2, 2]);
    expect(Array.from(batch.completionLengths)).toEqual([3, 2]);
    expect(batch.numCompletionTokens).toBe(5);
  });

  it('gives tensor-ready typed arrays', () => {
    const batch = TokenBatch.fromSequences(TWO);
    expect(batch.tokens).toBeInstanceOf(Int32Array);
    expect(batch.attentionMask).toBeInstanceOf(Int32Array);
    expect(batch.groupIds).toBeInstanceOf(Int32Array);
    expect(batch.lossMask).toBeInstanceOf(Float32Array);
    expect(batch.oldLogProbs).toBeInstanceOf(Float32Array);
    expect(batch.rewards).toBeInstanceOf(Float32Array);
  });

  it.each([
    { withRef: false, pad: 0, maxLength: undefined },
    { withRef: true, pad: 3, maxLength: undefined },
    { withRef: true, pad: 99, maxLength: 16 },
  ])('matches the naive reference on random sequences (ref: $withRef, pad: $pad, maxLength: $maxLength)', ({ withRef, pad, maxLength }) => {
    const rng = new Rng(withRef ? 2 : 1);
    for (let trial = 0; trial < 20; trial++) {
      const seqs = randomSequences(rng, 1 + rng.nextInt(8), withRef);
      const batch = TokenBatch.fromSequences(seqs, { padTokenId: pad, maxLength });
      const longest = Math.max(...seqs.map((s) => s.prompt.length + s.completion.length));
      const length = maxLength ?? longest;
      expect(batch.shape).toEqual([seqs.length, length]);
      const ref = reference(seqs, length, pad);
      expect(Array.from(batch.tokens)).toEqual(ref.tokens);
      expect(Array.from(batch.attentionMask)).toEqual(ref.attention);
      expect(Array.from(batch.lossMask)).toEqual(ref.loss);
      expect(Array.from(batch.oldLogProbs)).toEqual(ref.old);
      if (withRef) expect(Array.from(batch.refLogProbs ?? [])).toEqual(ref.ref);
      expect(Array.from(batch.rewards)).toEqual(seqs.map((s) => Math.fround(s.reward)));
      expect(Array.from(batch.groupIds)).toEqual(seqs.map((s) => s.groupId));
      expect(batch.numCompletionTokens).toBe(ref.loss.reduce((a, b) => a + b, 0));
    }
  });

  it('allows an empty prompt', () => {
    const batch = TokenBatch.fromSequences([{ prompt: [], completion: [4], oldLogProbs: [-1], reward: 0, groupId: 0 }]);
    expect(Array.from(batch.lossMask)).toEqual([1]);
  });
});

describe('TokenBatch validation', () => {
  const seq = TWO[0];
  const bad = (patch: Partial<Record<keyof TokenSequence, unknown>>): TokenSequence[] => [TWO[1], { ...seq, ...patch } as TokenSequence];

  it('names the sequence and field at fault', () => {
    expect(() => TokenBatch.fromSequences([])).toThrow(/sequences must be a non-empty array, got an empty array/);
    expect(() => TokenBatch.fromSequences(null as unknown as TokenSequence[])).toThrow(RangeError);
    expect(() => TokenBatch.fromSequences([TWO[0], 4 as unknown as TokenSequence])).toThrow(/sequences\[1\] must be an object/);
    expect(() => TokenBatch.fromSequences(bad({ completion: [] , oldLogProbs: [] }))).toThrow(/sequences\[1\]\.completion must have at least one token/);
    expect(() => TokenBatch.fromSequences(bad({ prompt: [1, 2.5] }))).toThrow(/sequences\[1\]\.prompt\[1\] must be an integer/);
    expect(() => TokenBatch.fromSequences(bad({ completion: [7, -1, 2] }))).toThrow(/sequences\[1\]\.completion\[1\]/);
    expect(() => TokenBatch.fromSequences(bad({ prompt: 'ab' }))).toThrow(/prompt must be a typed array or an array of numbers, got "ab"/);
    expect(() => TokenBatch.fromSequences(bad({ completion: undefined }))).toThrow(/completion must be a typed array/);
    expect(() => TokenBatch.fromSequences(bad({ oldLogProbs: [-1, -1] }))).toThrow(
      /sequences\[1\]\.oldLogProbs must have length completion.length = 3, got length 2/,
    );
    expect(() => TokenBatch.fromSequences(bad({ oldLogProbs: [-1, Number.NaN, -1] }))).toThrow(/oldLogProbs\[1\] must be a finite number within float32 range, got NaN/);
    expect(() => TokenBatch.fromSequences(bad({ reward: Number.NaN }))).toThrow(/sequences\[1\]\.reward must be a finite number/);
    expect(() => TokenBatch.fromSequences(bad({ reward: 1e39 }))).toThrow(/reward must be a finite number within float32 range, got 1e\+39/);
    expect(() => TokenBatch.fromSequences(bad({ groupId: -1 }))).toThrow(/sequences\[1\]\.groupId must be an integer in \[0, 2147483647\], got -1/);
    expect(() => TokenBatch.fromSequences(bad({ groupId: 0.5 }))).toThrow(/groupId/);
  });

  it('requires reference log-probs for all sequences or none, of the right length', () => {
    expect(() => TokenBatch.fromSequences(bad({ refLogProbs: [-1, -1, -1] }))).toThrow(/sequences\[1\]\.refLogProbs must be given for every sequence or for none/);
    const both = [{ ...TWO[1], refLogProbs: [-1, -1] }, { ...seq, refLogProbs: [-1, -1] }];
    expect(() => TokenBatch.fromSequences(both)).toThrow(/sequences\[1\]\.refLogProbs must have length completion.length = 3/);
    const inf = [{ ...TWO[1], refLogProbs: [-1, Number.NEGATIVE_INFINITY] }];
    expect(() => TokenBatch.fromSequences(inf)).toThrow(/refLogProbs\[1\] must be a finite number/);
  });

  it('checks the options', () => {
    expect(() => TokenBatch.fromSequences(TWO, { maxLength: 4 })).toThrow(/sequences\[0\] has 5 tokens \(prompt \+ completion\), more than maxLength = 4/);
    expect(() => TokenBatch.fromSequences(TWO, { maxLength: 0 })).toThrow(/maxLength must be an integer/);
    expect(() => TokenBatch.fromSequences(TWO, { padTokenId: -1 })).toThrow(/padTokenId must be an integer in \[0, 2147483647\], got -1/);
    expect(() => TokenBatch.fromSequences(TWO, { vocabSize: 9 })).toThrow(/sequences\[1\]\.completion\[0\] must be an integer in \[0, 8\], got 9/);
    expect(() => TokenBatch.fromSequences(TWO, { vocabSize: 10 })).not.toThrow();
    expect(() => TokenBatch.fromSequences(TWO, { vocabSize: 0 })).toThrow(/vocabSize/);
  });

  it('checks the group layout when groupSize is given', () => {
    const withGroups = (ids: number[]): TokenSequence[] => ids.map((groupId) => ({ ...seq, groupId }));
    expect(TokenBatch.fromSequences(withGroups([0, 0, 1, 1]), { groupSize: 2 }).groupSize).toBe(2);
    expect(() => TokenBatch.fromSequences(withGroups([0, 0, 1]), { groupSize: 2 })).toThrow(/batch size 3 is not a multiple/);
    expect(() => TokenBatch.fromSequences(withGroups([0, 1, 0, 1]), { groupSize: 2 })).toThrow(/sequences\[1\] has groupId 1 but its block starting at 0 has 0/);
    expect(() => TokenBatch.fromSequences(withGroups([0, 0, 0, 0]), { groupSize: 2 })).toThrow(/groupId 0 appears in more than one block/);
    expect(() => TokenBatch.fromSequences(withGroups([0, 0]), { groupSize: 3 })).toThrow(/groupSize must be an integer in \[1, 2\]/);
  });
});

describe('TokenBatch accessors', () => {
  it('groupSize detects contiguous equal groups and returns null otherwise', () => {
    const make = (ids: number[]): TokenBatch => TokenBatch.fromSequences(ids.map((groupId) => ({ ...TWO[0], groupId })));
    expect(make([3, 3, 3, 7, 7, 7]).groupSize).toBe(3);
    expect(make([1, 2, 3]).groupSize).toBe(1);
    expect(make([5]).groupSize).toBe(1);
    expect(make([0, 0, 1]).groupSize).toBeNull();
    expect(make([0, 1, 0, 1]).groupSize).toBeNull();
    expect(make([0, 0, 0, 0]).groupSize).toBe(4);
  });

  it('broadcastToTokens puts each sequence value on its completion tokens only', () => {
    const batch = TokenBatch.fromSequences(TWO);
    // toEqual tells +0 from -0, so padding must be a true zero.
    expect(Array.from(batch.broadcastToTokens([2, -3]))).toEqual([0, 0, 2, 2, 2, 0, 0, -3, -3, 0]);
    const out = new Float32Array(10).fill(9);
    expect(batch.broadcastToTokens(Float32Array.of(1, 1), out)).toBe(out);
    expect(Array.from(out)).toEqual(Array.from(batch.lossMask));
    expect(() => batch.broadcastToTokens([1])).toThrow(/values must have length batchSize = 2, got length 1/);
    expect(() => batch.broadcastToTokens([1, Number.NaN])).toThrow(/values\[1\]/);
    expect(() => batch.broadcastToTokens([1, 2], new Float32Array(9))).toThrow(/out must have length batchSize \* length = 10, got length 9/);
  });

  it('row gives zero-copy views of one sequence', () => {
    const batch = TokenBatch.fromSequences(TWO.map((s) => ({ ...s, refLogProbs: s.oldLogProbs })));
    const row = batch.row(1);
    expect(Array.from(row.tokens)).toEqual([5, 6, 9, 2, 0]);
    expect(Array.from(row.lossMask)).toEqual([0, 0, 1, 1, 0]);
    expect(Array.from(row.refLogProbs ?? [])).toEqual(Array.from(row.oldLogProbs));
    expect(row.tokens.buffer).toBe(batch.tokens.buffer);
    row.tokens[4] = 42;
    expect(batch.tokens[9]).toBe(42);
    expect(() => batch.row(2)).toThrow(/index must be an integer in \[0, 1\], got 2/);
  });

  it('slice gives contiguous rows as views', () => {
    const rng = new Rng(3);
    const batch = TokenBatch.fromSequences(randomSequences(rng, 6, true));
    const part = batch.slice(2, 5);
    const l = batch.length;
    expect(part.shape).toEqual([3, l]);
    expect(Array.from(part.tokens)).toEqual(Array.from(batch.tokens.subarray(2 * l, 5 * l)));
    expect(Array.from(part.refLogProbs ?? [])).toEqual(Array.from(batch.refLogProbs?.subarray(2 * l, 5 * l) ?? []));
    expect(Array.from(part.rewards)).toEqual(Array.from(batch.rewards.subarray(2, 5)));
    expect(part.tokens.buffer).toBe(batch.tokens.buffer);
    expect(() => batch.slice(3, 3)).toThrow(/end must be an integer in \[4, 6\]/);
    expect(() => batch.slice(-1, 2)).toThrow(/start/);
  });

  it('select copies the chosen rows in order', () => {
    const rng = new Rng(4);
    const seqs = randomSequences(rng, 7, true);
    const batch = TokenBatch.fromSequences(seqs, { padTokenId: 1 });
    const picked = [6, 0, 3, 3];
    const sub = batch.select(Int32Array.from(picked));
    const expected = TokenBatch.fromSequences(picked.map((i) => seqs[i]), { padTokenId: 1, maxLength: batch.length });
    for (const key of ['tokens', 'attentionMask', 'lossMask', 'oldLogProbs', 'refLogProbs', 'rewards', 'groupIds', 'promptLengths', 'completionLengths'] as const) {
      expect(Array.from(sub[key] ?? [])).toEqual(Array.from(expected[key] ?? []));
    }
    expect(sub.tokens.buffer).not.toBe(batch.tokens.buffer);
    expect(() => batch.select([])).toThrow(/indices must not be empty/);
    expect(() => batch.select([7])).toThrow(/indices\[0\] must be an integer in \[0, 6\], got 7/);
  });
});

describe('TokenBatch from completion slots', () => {
  /** B rows of T slots as a sampler returns them: the ends are random, the slots after them hold junk. */
  function sampled(rng: Rng, b: number, p: number, t: number) {
    return {
      prompts: Int32Array.from({ length: b * p }, () => rng.nextInt(30)),
      promptLength: p,
      completions: Int32Array.from({ length: b * t }, () => rng.nextInt(30)),
      completionLengths: Int32Array.from({ length: b }, () => 1 + rng.nextInt(t)),
      slots: t,
      oldLogProbs: Float32Array.from({ length: b * t }, () => -3 * rng.nextFloat()),
      refLogProbs: Float32Array.from({ length: b * t }, () => -3 * rng.nextFloat()),
      rewards: Float32Array.from({ length: b }, () => rng.nextInt(2)),
    };
  }

  it.each([
    [1, 0, 1],
    [4, 3, 5],
    [6, 2, 3],
  ])('fromCompletions equals fromSequences of the sequences written out by hand (B %i, P %i, T %i)', (b, p, t) => {
    const input = sampled(new Rng(b + 10 * p + 100 * t), b, p, t);
    const byHand: TokenSequence[] = Array.from({ length: b }, (_, i) => {
      const n = input.completionLengths[i];
      return {
        prompt: Array.from(input.prompts).slice(i * p, i * p + p),
        completion: Array.from(input.completions).slice(i * t, i * t + n),
        oldLogProbs: Array.from(input.oldLogProbs).slice(i * t, i * t + n),
        refLogProbs: Array.from(input.refLogProbs).slice(i * t, i * t + n),
        reward: input.rewards[i],
        groupId: i,
      };
    });
    const options = { maxLength: p + t, padTokenId: 29 };
    const got = TokenBatch.fromCompletions(input, options);
    const want = TokenBatch.fromSequences(byHand, options);
    for (const key of ['tokens', 'attentionMask', 'lossMask', 'oldLogProbs', 'refLogProbs', 'rewards', 'groupIds', 'promptLengths', 'completionLengths'] as const) {
      expect(got[key], key).toEqual(want[key]);
    }
    // Without reference log-probs the batch has none.
    expect(TokenBatch.fromCompletions({ ...input, refLogProbs: undefined }).refLogProbs).toBeNull();
  });

  it('groups contiguously by groupSize, or takes the given ids', () => {
    const input = sampled(new Rng(3), 6, 2, 3);
    expect(Array.from(TokenBatch.fromCompletions(input, { groupSize: 3 }).groupIds)).toEqual([0, 0, 0, 1, 1, 1]);
    expect(Array.from(TokenBatch.fromCompletions(input).groupIds)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(Array.from(TokenBatch.fromCompletions({ ...input, groupIds: [7, 7, 8, 8, 9, 9] }, { groupSize: 2 }).groupIds)).toEqual([7, 7, 8, 8, 9, 9]);
    expect(() => TokenBatch.fromCompletions({ ...input, groupIds: [7, 7, 8, 8, 9, 9] }, { groupSize: 3 })).toThrow(/groupSize = 3: sequences\[2\] has groupId 8/);
  });

  it('fromCompletions names a bad argument', () => {
    const input = sampled(new Rng(4), 2, 2, 3);
    const bad = (patch: Record<string, unknown>) => () => TokenBatch.fromCompletions({ ...input, ...patch });
    expect(bad({ completionLengths: Int32Array.of(1, 4) })).toThrow(/TokenBatch.fromCompletions: completionLengths\[1\] must be an integer in \[1, 3\], got 4/);
    expect(bad({ completionLengths: new Int32Array(0) })).toThrow(/completionLengths must not be empty/);
    expect(bad({ prompts: new Int32Array(3) })).toThrow(/prompts must have length B \* promptLength = 4, got length 3/);
    expect(bad({ completions: new Int32Array(5) })).toThrow(/completions must have length B \* slots = 6, got length 5/);
    expect(bad({ oldLogProbs: new Float32Array(5) })).toThrow(/oldLogProbs must have length B \* slots = 6/);
    expect(bad({ refLogProbs: new Float32Array(7) })).toThrow(/refLogProbs must have length B \* slots = 6/);
    expect(bad({ rewards: [1] })).toThrow(/rewards must have length B = 2, got length 1/);
    expect(bad({ slots: 0 })).toThrow(/slots must be an integer in \[1, /);
    // The checks of fromSequences name the sequence.
    expect(bad({ oldLogProbs: Float32Array.of(0, 0, 0, Number.NaN, 0, 0) })).toThrow(/sequences\[1\]\.oldLogProbs\[0\]/);
    expect(() => TokenBatch.fromCompletions(null as unknown as typeof input)).toThrow(/input must be an object, got null/);
  });

  it('scatterCompletionSlots puts slot j of row i on completion token j of sequence i, 0 elsewhere', () => {
    const input = sampled(new Rng(5), 5, 3, 4);
    const batch = TokenBatch.fromCompletions(input, { maxLength: 9 });
    const values = Float32Array.from({ length: 5 * 4 }, (_, k) => k - 7.5);
    const got = batch.scatterCompletionSlots(values, 4);
    // Reference: walk each row of the batch and count completion tokens as they come.
    for (let i = 0; i < 5; i++) {
      let j = 0;
      for (let k = 0; k < 9; k++) {
        const at = i * 9 + k;
        if (batch.lossMask[at] === 1) expect(got[at]).toBe(values[i * 4 + j++]);
        else expect(Object.is(got[at], 0)).toBe(true);
      }
      expect(j).toBe(input.completionLengths[i]);
    }
    // Into a given array, overwriting what it held.
    const out = new Float32Array(45).fill(9);
    expect(batch.scatterCompletionSlots(values, 4, out)).toBe(out);
    expect(Array.from(out)).toEqual(Array.from(got));
    // The old log-probs round-trip into the batch's own layout.
    expect(batch.scatterCompletionSlots(input.oldLogProbs, 4)).toEqual(batch.oldLogProbs);
  });

  it('scatterCompletionSlots names a bad argument', () => {
    const batch = TokenBatch.fromSequences(TWO);
    expect(() => batch.scatterCompletionSlots(new Float32Array(5), 3)).toThrow(/scatterCompletionSlots: values must have length batchSize \* slots = 6, got length 5/);
    expect(() => batch.scatterCompletionSlots(new Float32Array(4), 2)).toThrow(/sequence 0 has 3 completion tokens, more than slots = 2/);
    expect(() => batch.scatterCompletionSlots([0, 0, Number.POSITIVE_INFINITY, 0, 0, 0], 3)).toThrow(/values\[2\]/);
    expect(() => batch.scatterCompletionSlots(new Float32Array(6), 3, new Float32Array(9))).toThrow(/out must have length batchSize \* length = 10, got length 9/);
  });
});
