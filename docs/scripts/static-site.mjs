/* global console, process, URL */
// What the site's browser tests share: the browser to drive (browserOrExit) and the built site
// served from a local static server under BASE (serveSite).
import { spawnSync } from 'node:child_process';
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { dirname, extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BROWSER_VARIABLES, chooseBrowser, thisMachine } from './find-browser.mjs';

export const docsRoot = join(dirname(fileURLToPath(import.meta.url)), '..');
export const distDir = join(docsRoot, '.vitepress', 'dist');
export const screenshotDir = join(docsRoot, '.screenshots');
export const BASE = '/ppo/'; // must match `base` in .vitepress/config.mts
export const CHROMIUM_FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'];

/**
 * The browser to drive (see find-browser.mjs); installs Debian's when it may, else exits with the
 * command to run. `name` prefixes the messages.
 */
export function browserOrExit(name) {
  let choice = chooseBrowser(thisMachine());
  if (choice.kind === 'install') {
    console.log(`${name}: no Chrome or Chromium found; installing Debian's: ${choice.command.join(' ')}`);
    const installed = spawnSync(choice.command[0], choice.command.slice(1), { cwd: join(docsRoot, '..'), stdio: 'inherit' });
    if (installed.status !== 0) {
      console.error(`${name}: the install failed (exit ${String(installed.status)}); run it yourself: ${choice.command.join(' ')}`);
      process.exit(1);
    }
    choice = chooseBrowser(thisMachine());
  }
  if (choice.kind === 'found') {
    console.log(`${name}: browser ${choice.path} (from ${choice.via})`);
    return choice.path;
  }
  if (choice.kind === 'bad-variable') {
    console.error(`${name}: $${choice.variable} is ${choice.path}, which is not an executable file; point it at a Chrome or Chromium binary, or unset it`);
  } else {
    console.error(`${name}: no Chrome or Chromium found ($${BROWSER_VARIABLES.join(', $')}, PATH, the usual places). Run: ${choice.kind === 'missing' ? choice.command : choice.command.join(' ')}`);
  }
  console.error('(set PPO_SKIP_BROWSER=1 to skip this test on a machine without a browser)');
  process.exit(1);
}

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.ico': 'image/x-icon',
  '.wasm': 'application/wasm',
  '.bin': 'application/octet-stream',
  '.txt': 'text/plain; charset=utf-8',
};

/** Maps a URL path under BASE to a file of the build, or null. */
export function resolveFile(pathname) {
  if (!pathname.startsWith(BASE)) return null;
  let rel = decodeURIComponent(pathname.slice(BASE.length));
  if (rel === '' || rel.endsWith('/')) rel += 'index.html';
  const file = normalize(join(distDir, rel));
  if (!file.startsWith(distDir)) return null;
  if (existsSync(file) && statSync(file).isFile()) return file;
  if (extname(file) === '' && existsSync(`${file}.html`)) return `${file}.html`;
  return null;
}

/** Serves the build on 127.0.0.1 (a free port); resolves to its origin and a `close`. */
export async function serveSite() {
  const server = createServer((req, res) => {
    const { pathname } = new URL(req.url ?? '/', 'http://127.0.0.1');
    const file = resolveFile(pathname);
    if (file === null) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end(`not found: ${pathname}`);
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
    createReadStream(file).pipe(res);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { origin: `http://127.0.0.1:${server.address().port}`, close: () => server.close() };
}
