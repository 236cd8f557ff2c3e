import { describe, expect, it } from 'vitest';
import { constantSchedule, linearSchedule, trainingProgress } from './schedule';

describe('schedules', () => {
  it('constantSchedule returns its value at every progress', () => {
    const s = constantSchedule(0.2);
    for (const p of [0, 0.3, 1]) expect(s(p)).toBe(0.2);
  });

  it('linearSchedule interpolates start -> end and holds end after endFraction', () => {
    const lr = linearSchedule({ start: 3e-4, end: 0 });
    expect(lr(0)).toBe(3e-4);
    expect(lr(0.25)).toBeCloseTo(2.25e-4, 15);
    expect(lr(1)).toBe(0);
    const eps = linearSchedule({ start: 1, end: 0.05, endFraction: 0.1 });
    expect(eps(0.05)).toBeCloseTo(0.525, 15);
    expect(eps(0.1)).toBe(0.05);
    expect(eps(0.7)).toBe(0.05);
    const rising = linearSchedule({ start: -1, end: 1 });
    expect(rising(0.75)).toBeCloseTo(0.5, 15);
  });

  it("reproduces CleanRL's learning-rate annealing over iterations", () => {
    const lr0 = 2.5e-4;
    const numIterations = 7;
    const lr = linearSchedule({ start: lr0, end: 0 });
    for (let iteration = 1; iteration <= numIterations; iteration++) {
      const frac = 1 - (iteration - 1) / numIterations;
      expect(lr(trainingProgress(iteration - 1, numIterations))).toBeCloseTo(frac * lr0, 15);
    }
  });

  it('trainingProgress is step / total clamped to 1', () => {
    expect(trainingProgress(0, 10)).toBe(0);
    expect(trainingProgress(5, 10)).toBe(0.5);
    expect(trainingProgress(15, 10)).toBe(1);
  });

  it('validates arguments, naming them', () => {
    expect(() => constantSchedule(Number.NaN)).toThrow(/constantSchedule: value must be a finite number, got NaN/);
    expect(() => linearSchedule({ start: Number.POSITIVE_INFINITY, end: 0 })).toThrow(/linearSchedule: start must be a finite number/);
    expect(() => linearSchedule({ start: 1, end: Number.NaN })).toThrow(/linearSchedule: end/);
    expect(() => linearSchedule({ start: 1, end: 0, endFraction: 0 })).toThrow(/endFraction must be in \(0, 1\], got 0/);
    expect(() => linearSchedule({ start: 1, end: 0, endFraction: 1.5 })).toThrow(/endFraction/);
    const s = linearSchedule({ start: 1, end: 0 });
    expect(() => s(-0.1)).toThrow(/progress must be a number in \[0, 1\], got -0.1/);
    expect(() => s(Number.NaN)).toThrow(/progress/);
    expect(() => constantSchedule(1)(2)).toThrow(RangeError);
    expect(() => trainingProgress(-1, 10)).toThrow(/trainingProgress: step must be an integer >= 0, got -1/);
    expect(() => trainingProgress(1, 0)).toThrow(/trainingProgress: totalSteps must be a positive integer, got 0/);
  });
});
