/**
 * The package in a browser page: a small page (test-fixtures/browser) that imports
 * `@ppo/envs-mujoco` is bundled by Vite, served locally and run in headless Chrome or Chromium;
 * its HalfCheetah run must equal the same run in Node value for value, and its frame must parse.
 * The page bundles the built package (`dist/`, what a site gets), so run `pnpm build` first (the
 * test task depends on it).
 *
 * The browser is the one the docs' browser test uses (docs/scripts/find-browser.mjs:
 * `$PPO_BROWSER`, `$CHROME_PATH`, PATH, the usual places), driven by playwright-core, which never
 * downloads one. Without a browser the test fails and names the command that installs one.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { extname, join, normalize, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { build, type Logger, createLogger } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chooseBrowser, thisMachine } from '../../../docs/scripts/find-browser.mjs';
import type { PageResult } from '../test-fixtures/browser/main';
import { runHalfCheetah, SCENARIO_STEPS, type ScenarioPackage, type ScenarioResult } from '../test-fixtures/browser/scenario';

const PACKAGE_DIR = fileURLToPath(new URL('..', import.meta.url));
const FIXTURE_DIR = join(PACKAGE_DIR, 'test-fixtures', 'browser');
const DIST_INDEX = join(PACKAGE_DIR, 'dist', 'index.js');
// As the docs' browser test launches it.
const BROWSER_FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'];
const CONTENT_TYPES: Readonly<Record<string, string>> = { '.html': 'text/html', '.js': 'text/javascript', '.map': 'application/json' };

/** The browser binary, or an error that says how to get one. */
function browserPath(): string {
  const choice = chooseBrowser(thisMachine());
  if (choice.kind === 'found') return choice.path;
  if (choice.kind === 'bad-variable') {
    throw new Error(`browser test: $${choice.variable} is ${choice.path}, which is not an executable file; point it at a Chrome or Chromium binary, or unset it`);
  }
  const command = choice.kind === 'install' ? choice.command.join(' ') : choice.command;
  throw new Error(`browser test: no Chrome or Chromium found ($PPO_BROWSER, $CHROME_PATH, PATH, the usual places); install one (from the repository root: ${command}) or set PPO_BROWSER`);
}

/** Serves `dir` on a free local port. */
async function serve(dir: string): Promise<{ server: Server; url: string }> {
  const server = createServer((request, response) => {
    const path = normalize(join(dir, decodeURIComponent(new URL(request.url ?? '/', 'http://x').pathname)));
    const file = path.endsWith('/') ? join(path, 'index.html') : path;
    if (relative(dir, file).startsWith('..') || !existsSync(file)) {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, { 'content-type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream' });
    response.end(readFileSync(file));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return { server, url: `http://127.0.0.1:${address.port}/` };
}

describe('@ppo/envs-mujoco bundled by Vite in headless Chromium', () => {
  let outDir: string;
  let warnings: string[];

  beforeAll(async () => {
    if (!existsSync(DIST_INDEX)) throw new Error(`browser test: ${DIST_INDEX} is missing; run pnpm build in packages/envs-mujoco first`);
    outDir = mkdtempSync(join(tmpdir(), 'envs-mujoco-page-'));
    warnings = [];
    const logger: Logger = createLogger('warn');
    const warn = logger.warn.bind(logger);
    logger.warn = (message, options) => {
      warnings.push(message);
      warn(message, options);
    };
    await build({
      configFile: false,
      root: FIXTURE_DIR,
      customLogger: logger,
      resolve: { alias: { '@ppo/envs-mujoco': DIST_INDEX } },
      // Module workers: the package loads MuJoCo with a dynamic import, which Vite's default
      // 'iife' worker format cannot split into a chunk.
      worker: { format: 'es' },
      // The MuJoCo module is one 11 MB chunk (its WebAssembly binary is inlined); minifying it
      // only slows the test.
      build: { outDir, emptyOutDir: true, minify: false, reportCompressedSize: false, chunkSizeWarningLimit: 16_384 },
    });
  }, 120_000);

  afterAll(() => {
    if (outDir !== undefined) rmSync(outDir, { recursive: true, force: true });
  });

  it('the bundle builds without warnings', () => {
    expect(warnings).toEqual([]);
  });

  it('HalfCheetah-v5 gives the same observations, rewards and frame as in Node, in the page and in a worker', async () => {
    const executablePath = browserPath();
    const { server, url } = await serve(outDir);
    const browser = await chromium.launch({ executablePath, headless: true, args: BROWSER_FLAGS });
    try {
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on('console', (message) => {
        if (message.type() === 'error') errors.push(message.text());
      });
      page.on('pageerror', (error) => errors.push(error.message));
      page.on('requestfailed', (request) => errors.push(`request failed: ${request.url()}`));
      page.on('response', (response) => {
        if (response.status() >= 400) errors.push(`HTTP ${response.status()}: ${response.url()}`);
      });
      await page.goto(url);
      await page.waitForFunction(() => window.pageResult !== undefined);
      const inPage: PageResult = await page.evaluate(() => window.pageResult!);
      expect(errors).toEqual([]);
      expect(inPage.parseError).toBeNull();
      expect(inPage.geomElements).toBe(9);
      expect(await page.locator('#frame svg [data-geom]').count()).toBe(9);

      const built = (await import(pathToFileURL(DIST_INDEX).href)) as ScenarioPackage;
      const inNode: ScenarioResult = await runHalfCheetah(built);
      expect(inNode.rewards).toHaveLength(SCENARIO_STEPS);
      // The joints moved, so the comparison covers real dynamics.
      const first = inNode.observations[0];
      const last = inNode.observations[SCENARIO_STEPS];
      expect(Math.max(...first.map((v, k) => Math.abs(last[k] - v)))).toBeGreaterThan(0.1);
      // Value for value: the same WebAssembly and the same JavaScript arithmetic give the same bits.
      const { parseError: _p, geomElements: _g, inWorker, ...result } = inPage;
      expect(result).toEqual(inNode);
      expect(inWorker).toEqual(inNode);
    } finally {
      await browser.close();
      server.close();
    }
  });
});
