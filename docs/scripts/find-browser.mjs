// @ts-check
/* global process */
// Finds a Chrome or Chromium for the docs' browser test, so that `pnpm test` runs on a machine
// that has one anywhere usual, installs Debian's where it may (root with apt), and otherwise
// stops with the one command to run. Pure decisions over an injected view of the machine (the
// environment, PATH, which files are executable), so the tests can fake any machine.
import { accessSync, constants } from 'node:fs';
import { join } from 'node:path';

/** Variables naming the browser binary, in order of precedence. `PPO_CHROMIUM_PATH` is the older name. */
export const BROWSER_VARIABLES = Object.freeze(['PPO_BROWSER', 'CHROME_PATH', 'PPO_CHROMIUM_PATH']);

/** Names a Chrome or Chromium binary goes by on PATH. */
export const PATH_NAMES = Object.freeze(['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable', 'chrome']);

/**
 * Where the browsers install themselves when they are not on PATH.
 * @param {string} platform `process.platform`
 * @param {string} home the home directory
 * @returns {string[]}
 */
export function usualLocations(platform, home) {
  if (platform === 'darwin') {
    const apps = ['Google Chrome.app/Contents/MacOS/Google Chrome', 'Chromium.app/Contents/MacOS/Chromium', 'Google Chrome Canary.app/Contents/MacOS/Google Chrome Canary'];
    return [...apps.map((app) => `/Applications/${app}`), ...apps.map((app) => `${home}/Applications/${app}`)];
  }
  if (platform === 'linux') {
    return ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome', '/usr/bin/google-chrome-stable', '/snap/bin/chromium', '/opt/google/chrome/chrome'];
  }
  return [];
}

/**
 * @typedef {object} Machine
 * @property {Readonly<Record<string, string | undefined>>} env the environment variables
 * @property {string} platform `process.platform`
 * @property {string} home the home directory
 * @property {(path: string) => boolean} isExecutable whether a file exists and may be run
 * @property {number | null} uid the user id (null where there is none, as on Windows)
 */

/**
 * @typedef {{ kind: 'found'; path: string; via: string }
 *   | { kind: 'bad-variable'; variable: string; path: string }
 *   | { kind: 'install'; command: string[] }
 *   | { kind: 'missing'; command: string }} BrowserChoice
 */

/** The script that installs Debian's Chromium with apt (it also knows when sudo is needed). */
export const ENSURE_SCRIPT = 'docs/scripts/ensure-chromium.sh';

/**
 * Decides which browser the test uses: a variable's binary (which must then exist), else the
 * first Chrome or Chromium on PATH, else one in the usual places; with none, on Linux with apt,
 * installing Debian's (at once as root, otherwise the command that asks for sudo); elsewhere the
 * one command that gets a browser.
 * @param {Machine} machine
 * @returns {BrowserChoice}
 */
export function chooseBrowser(machine) {
  for (const variable of BROWSER_VARIABLES) {
    const path = machine.env[variable];
    if (path === undefined || path === '') continue;
    return machine.isExecutable(path) ? { kind: 'found', path, via: `$${variable}` } : { kind: 'bad-variable', variable, path };
  }
  const dirs = (machine.env.PATH ?? '').split(machine.platform === 'win32' ? ';' : ':').filter((dir) => dir !== '');
  for (const name of PATH_NAMES) {
    for (const dir of dirs) {
      const path = join(dir, name);
      if (machine.isExecutable(path)) return { kind: 'found', path, via: 'PATH' };
    }
  }
  for (const path of usualLocations(machine.platform, machine.home)) {
    if (machine.isExecutable(path)) return { kind: 'found', path, via: 'a usual location' };
  }
  if (machine.platform === 'linux' && dirs.some((dir) => machine.isExecutable(join(dir, 'apt-get')))) {
    return machine.uid === 0 ? { kind: 'install', command: ['bash', ENSURE_SCRIPT] } : { kind: 'missing', command: `bash ${ENSURE_SCRIPT}` };
  }
  if (machine.platform === 'darwin') return { kind: 'missing', command: 'brew install --cask google-chrome' };
  return { kind: 'missing', command: 'PPO_BROWSER=/path/to/chrome pnpm test' };
}

/**
 * Whether `path` is a file this process may run.
 * @param {string} path
 */
export function isExecutable(path) {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * This machine, as {@link chooseBrowser} sees it.
 * @returns {Machine}
 */
export function thisMachine() {
  return {
    env: process.env,
    platform: process.platform,
    home: process.env.HOME ?? '',
    isExecutable,
    uid: typeof process.getuid === 'function' ? process.getuid() : null,
  };
}
