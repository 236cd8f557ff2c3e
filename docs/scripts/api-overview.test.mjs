// Tests of the API overview's package lines: node --test scripts/api-overview.test.mjs
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { describePackages } from './api-overview.mjs';

const index = '# API reference\n\n## Packages\n\n- [@ppo/core](@ppo/core.md)\n- [@ppo/envs](@ppo/envs/index.md)\n';

describe('describePackages', () => {
  it("puts each package's description after its link", () => {
    const descriptions = new Map([['@ppo/core', 'PPO losses. '], ['@ppo/envs', 'Environments.']]);
    assert.equal(describePackages(index, descriptions), '# API reference\n\n## Packages\n\n- [@ppo/core](@ppo/core.md): PPO losses.\n- [@ppo/envs](@ppo/envs/index.md): Environments.\n');
  });

  it('refuses a package without a description and an index without package links', () => {
    assert.throws(() => describePackages(index, new Map([['@ppo/core', 'x']])), /@ppo\/envs has no description/);
    assert.throws(() => describePackages('# API reference\n', new Map()), /no package links found/);
  });
});
