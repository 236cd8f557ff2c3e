// Tests of the browser finder on fake machines: node --test scripts/find-browser.test.mjs
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { chooseBrowser, ENSURE_SCRIPT, usualLocations } from './find-browser.mjs';

/**
 * A machine with exactly the executables listed.
 * @param {{ files?: string[]; env?: Record<string, string>; platform?: string; uid?: number | null }} spec
 */
function machine({ files = [], env = {}, platform = 'linux', uid = 1000 }) {
  const executables = new Set(files);
  return { env: { PATH: '/usr/local/bin:/usr/bin:/bin', ...env }, platform, home: '/home/u', isExecutable: (path) => executables.has(path), uid };
}

describe('chooseBrowser', () => {
  it('takes the binary a variable names, PPO_BROWSER before CHROME_PATH before PPO_CHROMIUM_PATH', () => {
    const files = ['/opt/a/chrome', '/opt/b/chrome', '/opt/c/chrome', '/usr/bin/chromium'];
    assert.deepEqual(chooseBrowser(machine({ files, env: { PPO_BROWSER: '/opt/a/chrome', CHROME_PATH: '/opt/b/chrome' } })), { kind: 'found', path: '/opt/a/chrome', via: '$PPO_BROWSER' });
    assert.deepEqual(chooseBrowser(machine({ files, env: { CHROME_PATH: '/opt/b/chrome', PPO_CHROMIUM_PATH: '/opt/c/chrome' } })), { kind: 'found', path: '/opt/b/chrome', via: '$CHROME_PATH' });
    assert.deepEqual(chooseBrowser(machine({ files, env: { PPO_CHROMIUM_PATH: '/opt/c/chrome' } })), { kind: 'found', path: '/opt/c/chrome', via: '$PPO_CHROMIUM_PATH' });
  });

  it('refuses a variable naming a missing file rather than silently using another browser', () => {
    assert.deepEqual(chooseBrowser(machine({ files: ['/usr/bin/chromium'], env: { CHROME_PATH: '/nowhere/chrome' } })), { kind: 'bad-variable', variable: 'CHROME_PATH', path: '/nowhere/chrome' });
  });

  it('finds Chrome or Chromium on PATH, in PATH order, before the usual places', () => {
    const files = ['/usr/bin/chromium', '/home/u/bin/google-chrome', '/usr/local/bin/chromium'];
    assert.deepEqual(chooseBrowser(machine({ files, env: { PATH: '/home/u/bin:/usr/local/bin' } })), { kind: 'found', path: '/usr/local/bin/chromium', via: 'PATH' });
    assert.deepEqual(chooseBrowser(machine({ files: ['/home/u/bin/google-chrome'], env: { PATH: '/home/u/bin' } })), { kind: 'found', path: '/home/u/bin/google-chrome', via: 'PATH' });
  });

  it('looks in the usual places of Linux and macOS when PATH has none', () => {
    assert.deepEqual(chooseBrowser(machine({ files: ['/opt/google/chrome/chrome'], env: { PATH: '/bin' } })), { kind: 'found', path: '/opt/google/chrome/chrome', via: 'a usual location' });
    const mac = '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome';
    assert.deepEqual(chooseBrowser(machine({ platform: 'darwin', files: [mac] })), { kind: 'found', path: mac, via: 'a usual location' });
    const userMac = '/home/u/Applications/Chromium.app/Contents/MacOS/Chromium';
    assert.deepEqual(chooseBrowser(machine({ platform: 'darwin', files: [userMac] })).kind, 'found');
    assert.ok(usualLocations('linux', '/h').includes('/usr/bin/chromium'));
    assert.deepEqual(usualLocations('win32', '/h'), []);
  });

  it("installs Debian's Chromium as root with apt, and names the command otherwise", () => {
    const apt = ['/usr/bin/apt-get'];
    assert.deepEqual(chooseBrowser(machine({ files: apt, uid: 0 })), { kind: 'install', command: ['bash', ENSURE_SCRIPT] });
    assert.deepEqual(chooseBrowser(machine({ files: apt, uid: 1000 })), { kind: 'missing', command: `bash ${ENSURE_SCRIPT}` });
    assert.deepEqual(chooseBrowser(machine({ files: [], uid: 0 })), { kind: 'missing', command: 'PPO_BROWSER=/path/to/chrome pnpm test' });
    assert.deepEqual(chooseBrowser(machine({ platform: 'darwin', files: [] })), { kind: 'missing', command: 'brew install --cask google-chrome' });
  });

  it('ignores empty variables and an empty PATH', () => {
    assert.deepEqual(chooseBrowser(machine({ files: ['/usr/bin/chromium'], env: { PPO_BROWSER: '', PATH: '' } })), { kind: 'found', path: '/usr/bin/chromium', via: 'a usual location' });
  });
});
