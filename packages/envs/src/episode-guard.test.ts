import { PpoError } from '@ppo/utils';
import { describe, expect, it } from 'vitest';
import { EpisodeGuard } from './episode-guard';

describe('EpisodeGuard', () => {
  it('raises on a step before the first reset, and on reading the state', () => {
    const guard = new EpisodeGuard('Toy-v0');
    expect(() => guard.checkStep()).toThrow(new PpoError('INVALID_STATE', 'Toy-v0.step: call reset() before step()'));
    expect(() => guard.checkStarted('render')).toThrow(new PpoError('INVALID_STATE', 'Toy-v0.render: call reset() first'));
    expect(() => guard.checkStarted('getState', 'reset() or setState()')).toThrow(
      new PpoError('INVALID_STATE', 'Toy-v0.getState: call reset() or setState() first'),
    );
    guard.start('setState');
    expect(() => guard.checkStep()).not.toThrow();
    expect(() => guard.checkStarted('getState')).not.toThrow();
  });

  it('lets an episode run until a step terminates it, then raises until the next reset', () => {
    const guard = new EpisodeGuard('Toy-v0');
    guard.start();
    for (let t = 0; t < 3; t++) {
      guard.checkStep();
      guard.endStep(false, false);
    }
    guard.checkStep();
    guard.endStep(true, false);
    expect(() => guard.checkStep()).toThrow(
      new PpoError('INVALID_STATE', 'Toy-v0.step: the episode has ended (terminated); call reset() before stepping again'),
    );
    // The ended episode's state can still be read.
    expect(() => guard.checkStarted('getState')).not.toThrow();
    guard.start();
    expect(() => guard.checkStep()).not.toThrow();
  });

  it('names truncation, and termination when both flags are set', () => {
    const truncated = new EpisodeGuard('Toy-v0');
    truncated.start();
    truncated.endStep(false, true);
    expect(() => truncated.checkStep()).toThrow(/Toy-v0.step: the episode has ended \(truncated\); call reset\(\)/);
    const both = new EpisodeGuard('Toy-v0');
    both.start();
    both.endStep(true, true);
    expect(() => both.checkStep()).toThrow(/the episode has ended \(terminated\)/);
  });

  it('raises in every check after close, whatever the phase was', () => {
    for (const started of [false, true]) {
      const guard = new EpisodeGuard('Toy-v0');
      if (started) guard.start();
      expect(guard.closed).toBe(false);
      guard.close();
      guard.close();
      expect(guard.closed).toBe(true);
      expect(() => guard.checkStep()).toThrow(new PpoError('INVALID_STATE', 'Toy-v0.step: the env is closed'));
      expect(() => guard.checkStarted('getState')).toThrow(new PpoError('INVALID_STATE', 'Toy-v0.getState: the env is closed'));
      expect(() => guard.checkOpen('reset')).toThrow(new PpoError('INVALID_STATE', 'Toy-v0.reset: the env is closed'));
      expect(() => guard.start('setState')).toThrow(new PpoError('INVALID_STATE', 'Toy-v0.setState: the env is closed'));
      expect(guard.closed).toBe(true);
    }
  });

  it('rejects an owner that is not a non-empty string', () => {
    expect(() => new EpisodeGuard('')).toThrow(/EpisodeGuard: owner must be a non-empty string, got ""/);
    expect(() => new EpisodeGuard(3 as unknown as string)).toThrow(/owner must be a non-empty string, got 3/);
  });
});
