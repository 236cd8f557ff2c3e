// Checks that `changeset version` versions the published packages independently under the
// repository's .changeset/config.json: it runs the real CLI on a copy of the workspace's
// manifests in a temporary directory (offline, nothing in the repository is touched).
// Part of the root `pnpm test`.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import process from 'node:process';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const cli = createRequire(join(root, 'package.json')).resolve('@changesets/cli/bin.js');
const config = JSON.parse(readFileSync(join(root, '.changeset/config.json'), 'utf8'));

/** Every workspace package directory (relative to the root) holding a package.json. */
function workspaceDirs() {
  const dirs = ['docs', 'benchmarks'];
  for (const parent of ['packages', 'apps']) {
    for (const name of readdirSync(join(root, parent))) dirs.push(`${parent}/${name}`);
  }
  return dirs.filter((dir) => existsSync(join(root, dir, 'package.json')));
}

const manifests = workspaceDirs().map((dir) => ({
  dir,
  json: JSON.parse(readFileSync(join(root, dir, 'package.json'), 'utf8')),
}));
const published = manifests.filter((m) => m.json.private !== true);
const unpublished = manifests.filter((m) => m.json.private === true);
/** The version every published package has in the copies: as after a first 0.1.0 release. */
const RELEASED = '0.1.0';

const temps = [];
after(() => {
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
});

/**
 * Runs `changeset version` on a fresh copy with the given changesets ({ name: { pkg: type } })
 * and resolves to the copy's directory and the resulting version of every package by name.
 */
async function versionWith(changesets) {
  const dir = mkdtempSync(join(tmpdir(), 'ppo-changesets-'));
  temps.push(dir);
  for (const file of ['package.json', 'pnpm-workspace.yaml']) cpSync(join(root, file), join(dir, file));
  mkdirSync(join(dir, '.changeset'));
  cpSync(join(root, '.changeset/config.json'), join(dir, '.changeset/config.json'));
  for (const { dir: pkgDir, json } of manifests) {
    mkdirSync(join(dir, pkgDir), { recursive: true });
    const copy = json.private === true ? json : { ...json, version: RELEASED };
    writeFileSync(join(dir, pkgDir, 'package.json'), `${JSON.stringify(copy, null, 2)}\n`);
  }
  for (const [name, releases] of Object.entries(changesets)) {
    const header = Object.entries(releases).map(([pkg, type]) => `"${pkg}": ${type}`).join('\n');
    writeFileSync(join(dir, '.changeset', `${name}.md`), `---\n${header}\n---\n\nA change.\n`);
  }
  await promisify(execFile)(process.execPath, [cli, 'version'], { cwd: dir });
  const versions = {};
  for (const { dir: pkgDir } of manifests) {
    const json = JSON.parse(readFileSync(join(dir, pkgDir, 'package.json'), 'utf8'));
    versions[json.name] = json.version;
  }
  return { dir, versions };
}

/** Published packages that list `name` among their dependencies or peer dependencies. */
function dependentsOf(name) {
  return published
    .filter(({ json }) => name in (json.dependencies ?? {}) || name in (json.peerDependencies ?? {}))
    .map(({ json }) => json.name);
}

// The runs are independent, so they start together (the CLI's start-up dominates their time).
const runs = {};
before(async () => {
  const entries = published.map(({ json }) => [json.name, { only: { [json.name]: 'patch' } }]);
  entries.push(['mixed', { gae: { '@ppo/gae': 'minor' }, core: { '@ppo/core': 'patch' } }]);
  const results = await Promise.all(entries.map(([, changesets]) => versionWith(changesets)));
  entries.forEach(([key], j) => (runs[key] = results[j]));
});

describe('changeset version', () => {
  it('groups no packages (fixed and linked are empty)', () => {
    assert.deepEqual(config.fixed, []);
    assert.deepEqual(config.linked, []);
  });

  it('ignores exactly the private workspace packages (apps, docs, benchmarks)', () => {
    assert.deepEqual([...config.ignore].sort(), unpublished.map((m) => m.json.name).sort());
  });

  for (const { json } of published) {
    it(`bumps only ${json.name} for a patch changeset of ${json.name}`, () => {
      const { versions } = runs[json.name];
      for (const other of manifests) {
        const expected =
          other.json.name === json.name ? '0.1.1' : other.json.private === true ? other.json.version : RELEASED;
        assert.equal(versions[other.json.name], expected, `${other.json.name} after a patch of ${json.name}`);
      }
    });
  }

  it('gives each package its own bump, and dependents a patch only where semver forces one', () => {
    // A minor bump of @ppo/gae leaves the ^0.1.0 range its dependents publish: they get a patch.
    const { dir, versions } = runs.mixed;
    const forced = new Set(dependentsOf('@ppo/gae'));
    assert.ok(forced.size > 0, '@ppo/gae has dependents in the workspace');
    for (const { json } of published) {
      const expected =
        json.name === '@ppo/gae' ? '0.2.0' : json.name === '@ppo/core' || forced.has(json.name) ? '0.1.1' : RELEASED;
      assert.equal(versions[json.name], expected, json.name);
    }
    for (const { dir: pkgDir, json } of unpublished) {
      assert.equal(versions[json.name], json.version, `${json.name} keeps its version`);
      assert.equal(existsSync(join(dir, pkgDir, 'CHANGELOG.md')), false, `${json.name} gets no changelog`);
    }
  });
});
