/* global console, document, process, URL */
// Loads the built site in headless Chromium from a local static server, visits the home page and
// every page of the sidebar, and fails on console errors, page errors, failed requests, images
// that do not load and broken internal links (missing pages or missing #anchors). Checks that the
// Benchmarks page shows its generated tables and every learning-curve plot, and that the demo
// page really runs the exported CartPole policy (and its ONNX file, with onnxruntime-web), and
// that no code block is cut off at 1280 px. Saves screenshots of the home and demo pages and of a
// tutorial's code blocks.
//
// The browser is a Chrome or Chromium already on the machine ($PPO_BROWSER, $CHROME_PATH, PATH or
// the usual places; find-browser.mjs), else Debian's chromium, installed when the test runs as
// root with apt (ensure-chromium.sh); it is driven by playwright-core, which never downloads a
// browser of its own.
import { existsSync, mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { BASE, CHROMIUM_FLAGS, browserOrExit, distDir, docsRoot, resolveFile, screenshotDir, serveSite } from './static-site.mjs';

// The sidebar has the guide (2), the tutorials (5) and the demo, the API overview and at least
// one page per package (7), and the benchmarks: fewer links means the sidebar or the API build
// broke.
const MIN_SIDEBAR_PAGES = 16;
// The Benchmarks page's tables and plots come from fragments generated at build time
// (scripts/benchmark-pages.mjs); a fragment that failed to be included leaves them out silently.
// Tables: the reproduction targets, the MuJoCo results and at least one throughput run.
const BENCHMARKS_PAGE = `${BASE}benchmarks.html`;
const MIN_BENCHMARKS_TABLES = 3;
// One learning-curve plot per committed plot file.
const PLOTS_DIR = join(docsRoot, '..', 'benchmarks', 'results', 'mujoco', 'plots');
const MIN_BENCHMARKS_IMAGES = existsSync(PLOTS_DIR) ? readdirSync(PLOTS_DIR).filter((name) => name.endsWith('.svg')).length : 0;
// Waits end as soon as their condition holds; the limits only catch a broken page, and allow for
// a machine several times slower than idle (CI may share it with other work).
const PAGE_TIMEOUT_MS = 60_000;
const IMAGE_TIMEOUT_MS = 60_000;
// The demo plays episode 1 (seed 0) of the committed CartPole-v1 policy (docs/demo/cartpole.md)
// on the wasm backend. Measured with the same deterministic actions in Node on wasm and cpu:
// returns 294 to 500 over seeds 0-19, 294 for seed 0; far below means the page is broken.
const DEMO_PAGE = `${BASE}demo/cartpole.html`;
const DEMO_MIN_RETURN = 200;
const DEMO_BACKEND = 'wasm';
// An episode of at most 500 steps at one step per animation frame, plus loading the policy:
// at 60 frames per second 500 steps take about 8 s.
const DEMO_TIMEOUT_MS = 180_000;

if (process.env.PPO_SKIP_BROWSER === '1') {
  console.log('docs browser test: skipped (PPO_SKIP_BROWSER=1)');
  process.exit(0);
}
const CHROMIUM = browserOrExit('docs browser test');
if (!existsSync(join(distDir, 'index.html'))) {
  console.error(`docs browser test: ${relative(process.cwd(), distDir)}/index.html is missing; build the site first (pnpm build in docs/)`);
  process.exit(1);
}

const { origin, close } = await serveSite();

const problems = [];
const htmlCache = new Map();
/** The HTML of a built page, or null when the link points nowhere. */
function pageHtml(pathname) {
  if (!htmlCache.has(pathname)) {
    const file = resolveFile(pathname);
    htmlCache.set(pathname, file !== null && file.endsWith('.html') ? readFileSync(file, 'utf8') : file === null ? null : '');
  }
  return htmlCache.get(pathname);
}

const { chromium } = await import('playwright-core');
const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_FLAGS });
try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  // Nothing on the site may reach another host.
  await context.route('**/*', (route) => (route.request().url().startsWith(origin) ? route.continue() : route.abort()));
  const page = await context.newPage();
  // Navigation too (playwright's default limit is 30 s).
  page.setDefaultTimeout(PAGE_TIMEOUT_MS);
  let current = '';
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`${current}: console error: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`${current}: page error: ${error.message}`));
  page.on('requestfailed', (request) => {
    const reason = request.failure()?.errorText ?? 'unknown';
    // Leaving a page cancels the prefetches of the pages it links to; a missing file shows up
    // as an HTTP error below instead.
    if (reason === 'net::ERR_ABORTED') return;
    problems.push(`${current}: request failed: ${request.url()} (${reason})`);
  });
  page.on('response', (response) => {
    if (response.status() >= 400) problems.push(`${current}: HTTP ${response.status()} for ${response.url()}`);
  });

  const visit = async (pathname) => {
    current = pathname;
    await page.goto(`${origin}${pathname}`, { waitUntil: 'load' });
    await page.waitForSelector('#app > *', { timeout: PAGE_TIMEOUT_MS });
  };

  /**
   * The images of the current page that did not load (naturalWidth 0: missing, or not an image),
   * once every image has settled; lazy ones are made eager so that none waits for a scroll.
   */
  const brokenImages = async () => {
    await page.$$eval('img', (images) => images.forEach((img) => (img.loading = 'eager')));
    // One still loading at the timeout counts as broken below.
    await page.waitForFunction(() => [...document.images].every((img) => img.complete), null, { timeout: IMAGE_TIMEOUT_MS }).catch(() => undefined);
    return page.$$eval('img', (images) => images.filter((img) => !img.complete || img.naturalWidth === 0).map((img) => img.getAttribute('src') ?? '(no src)'));
  };

  let links = 0;
  /** Checks every internal link of the current page: the page exists, and so does its #anchor. */
  const checkLinks = async (pathname) => {
    const hrefs = await page.$$eval('a[href]', (anchors) => anchors.map((a) => a.href));
    for (const href of new Set(hrefs)) {
      const url = new URL(href);
      if (url.origin !== origin) continue;
      links++;
      const html = pageHtml(url.pathname);
      if (html === null) {
        problems.push(`${pathname}: broken link to ${url.pathname}`);
      } else if (url.hash.length > 1 && html !== '') {
        const id = decodeURIComponent(url.hash.slice(1));
        if (!html.includes(`id="${id}"`)) problems.push(`${pathname}: link to ${url.pathname}${url.hash}, but that page has no such anchor`);
      }
    }
  };

  // The home page, its links and its screenshot.
  await visit(BASE);
  await checkLinks(BASE);
  const heroName = await page.textContent('.VPHero .name');
  if (!heroName?.includes('@ppo')) problems.push(`${BASE}: the hero does not render (got ${JSON.stringify(heroName)})`);
  for (const src of await brokenImages()) problems.push(`${BASE}: image ${src} does not load`);
  mkdirSync(screenshotDir, { recursive: true });
  const screenshot = join(screenshotDir, 'home.png');
  await page.screenshot({ path: screenshot });

  // The sidebar, read from a guide page.
  await visit(`${BASE}guide/getting-started.html`);
  const sidebar = await page.$$eval('.VPSidebar a[href]', (links) => links.map((a) => a.href));
  const pages = [...new Set(sidebar.map((href) => new URL(href).pathname))];
  if (pages.length < MIN_SIDEBAR_PAGES) problems.push(`the sidebar links ${pages.length} pages, expected at least ${MIN_SIDEBAR_PAGES}`);

  let images = 0;
  for (const pathname of pages) {
    if (pageHtml(pathname) === null) {
      problems.push(`sidebar: ${pathname} does not exist`);
      continue;
    }
    await visit(pathname);
    const title = await page.textContent('.vp-doc h1').catch(() => null);
    if (!title || title.trim() === '') problems.push(`${pathname}: no page title rendered`);
    images += await page.$$eval('img', (all) => all.length);
    // At 1280 px no line of code may run past its block (custom.css wraps them).
    const clipped = await page.$$eval('.vp-doc div[class*="language-"] pre', (blocks) =>
      blocks.filter((pre) => pre.scrollWidth > pre.clientWidth + 1).map((pre) => (pre.textContent ?? '').split('\n')[0].slice(0, 60)),
    );
    for (const first of clipped) problems.push(`${pathname}: a code block is wider than its box at 1280 px (first line: ${first})`);
    if (pathname === `${BASE}tutorials/halfcheetah.html`) {
      await page.locator('.vp-doc div[class*="language-ts"]').first().scrollIntoViewIfNeeded();
      await page.screenshot({ path: join(screenshotDir, 'code-blocks-1280.png') });
    }
    for (const src of await brokenImages()) problems.push(`${pathname}: image ${src} does not load`);
    if (pathname === BENCHMARKS_PAGE) {
      const tables = await page.$$eval('.vp-doc table', (all) => all.length);
      const plots = await page.$$eval('.vp-doc img', (all) => all.length);
      if (tables < MIN_BENCHMARKS_TABLES || plots < MIN_BENCHMARKS_IMAGES) {
        problems.push(`${pathname}: ${tables} tables and ${plots} images, expected at least ${MIN_BENCHMARKS_TABLES} and ${MIN_BENCHMARKS_IMAGES} (are the generated fragments included?)`);
      }
      // The MuJoCo results tables (first column env or variant) must be readable at 1280 px
      // without scrolling sideways. The throughput tables are not held to it yet.
      const wide = await page.$$eval('.vp-doc table', (all) =>
        all
          .filter((table) => ['env', 'variant'].includes(table.querySelector('th')?.textContent?.trim() ?? '') && table.scrollWidth > table.clientWidth + 1)
          .map((table) => table.querySelector('th')?.textContent ?? '?'),
      );
      for (const first of wide) problems.push(`${pathname}: the table starting with column '${first}' is wider than the page at 1280 px`);
      await page.screenshot({ path: join(screenshotDir, 'benchmarks-1280.png') });
    }
    await checkLinks(pathname);
  }
  if (!pages.includes(BENCHMARKS_PAGE)) problems.push(`sidebar: no link to ${BENCHMARKS_PAGE}`);
  if (!pages.includes(DEMO_PAGE)) problems.push(`sidebar: no link to ${DEMO_PAGE}`);
  console.log(`docs browser test: visited the home page and ${pages.length} sidebar pages, checked ${links} internal links and ${images} images; screenshot ${relative(docsRoot, screenshot)}`);

  // The demo: a frame of the env is drawn, and the first episode ends with a good return.
  await visit(DEMO_PAGE);
  const demo = await page
    .waitForFunction(
      () => {
        const root = document.querySelector('.cartpole-demo');
        const returned = root?.getAttribute('data-episode-return');
        return returned === null || returned === undefined
          ? null
          : { returned: Number(returned), backend: root.getAttribute('data-backend'), svg: root.querySelectorAll('.frame svg').length, onnx: root.getAttribute('data-onnx-agreement') };
      },
      null,
      { timeout: DEMO_TIMEOUT_MS },
    )
    .then((handle) => handle.jsonValue())
    .catch(async (error) => {
      const status = await page.textContent('.cartpole-demo .status').catch(() => null);
      problems.push(`${DEMO_PAGE}: no episode finished within ${DEMO_TIMEOUT_MS / 1000} s (status ${JSON.stringify(status)}; ${error.message.split('\n')[0]})`);
      return null;
    });
  if (demo !== null) {
    if (demo.svg !== 1) problems.push(`${DEMO_PAGE}: expected one SVG frame of the env, found ${demo.svg}`);
    if (demo.backend !== DEMO_BACKEND) problems.push(`${DEMO_PAGE}: ran on ${JSON.stringify(demo.backend)}, expected ${DEMO_BACKEND}`);
    if (!(demo.returned > DEMO_MIN_RETURN)) problems.push(`${DEMO_PAGE}: the episode's return is ${demo.returned}, expected more than ${DEMO_MIN_RETURN}`);
    // The export's policy.onnx, run by onnxruntime-web on every observation of the episode, takes
    // the action the tfjs policy took at each step (CartPole's reward is 1 per step).
    if (demo.onnx !== `${demo.returned}/${demo.returned}`) problems.push(`${DEMO_PAGE}: the ONNX export agrees on ${demo.onnx} steps, expected all ${demo.returned}`);
    const demoShot = join(screenshotDir, 'demo.png');
    await page.screenshot({ path: demoShot });
    console.log(`docs browser test: the demo played an episode with return ${demo.returned} on ${demo.backend}, ONNX (onnxruntime-web) agreeing on ${demo.onnx} steps; screenshot ${relative(docsRoot, demoShot)}`);
  }
} finally {
  await browser.close();
  close();
}

if (problems.length > 0) {
  console.error(`docs browser test: ${problems.length} problem(s):`);
  for (const p of problems) console.error(`  ${p}`);
  process.exit(1);
}
console.log('docs browser test: no console errors, no failed requests, no broken images, no broken links');
