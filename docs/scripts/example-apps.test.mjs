/* global URL */
// Every example app is linked from the docs: node --test scripts/example-apps.test.mjs
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { describe, it } from 'node:test';

const appsDir = new URL('../../apps/', import.meta.url);
const page = readFileSync(new URL('../guide/getting-started.md', import.meta.url), 'utf8');

describe('example apps', () => {
  it('are each linked from the getting-started page', () => {
    const apps = readdirSync(appsDir).filter((name) => existsSync(new URL(`${name}/package.json`, appsDir)));
    assert.ok(apps.length >= 5, `found only ${apps.length} apps`);
    const missing = apps.filter((name) => !page.includes(`(https://github.com/ppo-js/ppo/tree/main/apps/${name})`));
    assert.deepEqual(missing, []);
  });
});
