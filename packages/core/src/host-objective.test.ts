import { describe, expect, it } from 'vitest';
import { hostObjective } from './host-objective';
import { ClipPpoObjective, KlPenaltyPpoObjective, type ObjectiveBatch, type ObjectiveContext } from './objective';
import type { HostPpoBatch } from './ppo-loss-host';

describe('hostObjective', () => {
  it('accepts an objective whose compute and computeOnHost come from the same class or object', () => {
    const clip = new ClipPpoObjective();
    expect(hostObjective(clip)).toBe(clip);
    // A subclass that overrides neither, or both, keeps the pair together.
    class Same extends ClipPpoObjective {}
    class Both extends ClipPpoObjective {
      override compute(batch: ObjectiveBatch, context: ObjectiveContext) {
        return super.compute(batch, context);
      }
      override computeOnHost(batch: HostPpoBatch, context: ObjectiveContext) {
        return super.computeOnHost(batch, context);
      }
    }
    expect(hostObjective(new Same())).not.toBeNull();
    expect(hostObjective(new Both())).not.toBeNull();
    const literal = { compute: clip.compute.bind(clip), computeOnHost: clip.computeOnHost.bind(clip) };
    expect(hostObjective(literal)).toBe(literal);
  });

  it('refuses an objective without a host computation, or whose two methods come from different places', () => {
    expect(hostObjective(new KlPenaltyPpoObjective())).toBeNull();
    class ComputeOnly extends ClipPpoObjective {
      override compute(batch: ObjectiveBatch, context: ObjectiveContext) {
        return super.compute(batch, context);
      }
    }
    class HostOnly extends ClipPpoObjective {
      override computeOnHost(batch: HostPpoBatch, context: ObjectiveContext) {
        return super.computeOnHost(batch, context);
      }
    }
    expect(hostObjective(new ComputeOnly())).toBeNull();
    expect(hostObjective(new HostOnly())).toBeNull();
    // An instance whose compute was replaced (a wrapper, a spy) runs that compute only on the general path.
    const patched = new ClipPpoObjective();
    const original = patched.compute.bind(patched);
    patched.compute = (batch, context) => original(batch, context);
    expect(hostObjective(patched)).toBeNull();
    const clip = new ClipPpoObjective();
    const notFunction = { compute: clip.compute.bind(clip), computeOnHost: 1 };
    expect(hostObjective(notFunction)).toBeNull();
  });
});
