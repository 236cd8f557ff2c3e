/* global Buffer, console, document, fetch, indexedDB, MutationObserver, process, window */
// Drives the Playground page (/playground/) of the built site in headless Chromium and checks that
// - with the default settings on cpu and on wasm, the page's first updates give the metrics of a
//   `PPO` run in Node with the same seed, preset and backend, value for value (SPS aside): the
//   run's transcendental functions are `@ppo/utils`' engine-independent ones, not the engine's
//   Math functions;
// - a reload after the run paused itself at update 10 (its checkpoint stored), then Resume,
//   continues from IndexedDB to the metrics of the uninterrupted run, value for value;
// - a damaged or foreign stored run is refused with a message on the page;
// - CartPole-v1 reaches a mean return of 475 with the default settings, offline once the page is
//   loaded (the wall time is printed);
// - the trained policy exports (the files of `ppo export`) and, uploaded again, plays;
// - another task (MinAtar Breakout) trains and draws;
// - a MuJoCo task (InvertedPendulum-v5) loads MuJoCo only when picked, saying so, then trains,
//   draws its geoms and gives the first updates of a Node run with the same settings, value for value;
// - MuJoCo that cannot be fetched is reported on the page, and picking the task again retries;
// - nothing logs a console error, fails a request or reaches another host.
// Screenshots go to .screenshots/playground-*.png.
import { mkdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { PPO } from '@ppo/trainer';
import { selectBackend } from '@ppo/nets/node';
import { initMujoco, registerMujocoEnvs } from '@ppo/envs-mujoco';
import { BASE, CHROMIUM_FLAGS, browserOrExit, docsRoot, screenshotDir, serveSite } from './static-site.mjs';

const NAME = 'playground test';
const PAGE = `${BASE}playground/`;
// The default run of the page (the classic preset on CartPole-v1, seed 1), built in Node.
const DEFAULT_RUN = { preset: 'classic', config: { env: 'CartPole-v1', seed: 1 } };
// Updates compared on each backend; the resumed run is compared up to RESUME_UPDATES, after a
// reload once the run paused itself at PAUSED_AT (its checkpoint stored).
const COMPARED_UPDATES = 3;
const PAUSED_AT = 10;
const RESUME_UPDATES = 14;
// A MuJoCo run of the page: the mujoco preset (the task's recommended one) with short rollouts,
// so that its updates take seconds; the page's fields are set to the same values.
const MUJOCO_RUN = { preset: 'mujoco', config: { env: 'InvertedPendulum-v5', seed: 1, numSteps: 256, numMinibatches: 4 } };
const MUJOCO_UPDATES = 2;
const SOLVED = 475;
// Limits only catch a broken page; the solve takes minutes on a busy 2-core machine.
const TIMEOUT_MS = 120_000;
const SOLVE_TIMEOUT_MS = 1_200_000;

if (process.env.PPO_SKIP_BROWSER === '1') {
  console.log(`${NAME}: skipped (PPO_SKIP_BROWSER=1)`);
  process.exit(0);
}
const CHROMIUM = browserOrExit(NAME);

/** The metrics two runs must agree on: all but the wall-clock ones, as JSON (NaN as null). */
function comparable(record) {
  const metrics = Object.fromEntries(Object.entries(record.metrics).filter(([name]) => name !== 'charts/SPS'));
  return JSON.stringify({ globalStep: record.globalStep, update: record.update, metrics });
}

/** The first `updates` updates of `run` (the page's default one unless given) in Node on `backend`. */
async function nodeRun(backend, updates, run = DEFAULT_RUN) {
  await selectBackend(backend);
  const ppo = await PPO.create(run);
  const records = [];
  await ppo.train({
    callbacks: [
      {
        onUpdateEnd(context, metrics) {
          records.push({ globalStep: context.globalStep, update: context.update, metrics: { ...metrics } });
          if (context.update >= updates) context.stop();
        },
      },
    ],
  });
  await ppo.close();
  return records;
}

const problems = [];
const { origin, close } = await serveSite();
const { chromium } = await import('playwright-core');
const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_FLAGS });
mkdirSync(screenshotDir, { recursive: true });
const shot = async (page, name) => {
  const path = join(screenshotDir, `playground-${name}.png`);
  await page.locator('[data-testid="playground"]').screenshot({ path });
  return relative(docsRoot, path);
};

try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 1000 } });
  await context.route('**/*', (route) => (route.request().url().startsWith(origin) ? route.continue() : route.abort()));
  const page = await context.newPage();
  page.setDefaultTimeout(TIMEOUT_MS);
  let step = 'load';
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`${step}: console error: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`${step}: page error: ${error.message}`));
  page.on('requestfailed', (request) => problems.push(`${step}: request failed: ${request.url()} (${request.failure()?.errorText ?? 'unknown'})`));
  page.on('response', (response) => {
    if (response.status() >= 400) problems.push(`${step}: HTTP ${response.status()} for ${response.url()}`);
  });
  const byId = (id) => page.locator(`[data-testid="${id}"]`);
  const open = async () => {
    await page.goto(`${origin}${PAGE}`, { waitUntil: 'load' });
    await page.waitForSelector('[data-testid="playground"][data-ready="true"]');
  };
  /** The page's per-update records so far. */
  const records = async () =>
    (await byId('metrics-jsonl').textContent())
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => JSON.parse(line));
  const waitForUpdate = (update, timeout = TIMEOUT_MS) =>
    page.waitForFunction(
      (n) => document.querySelector('[data-testid="metrics-jsonl"]').textContent.split('\n').filter((l) => l.trim() !== '').length >= n,
      update,
      { timeout },
    );
  const waitForState = (state) => page.waitForSelector(`[data-testid="playground"][data-state="${state}"]`);
  const pause = async () => {
    await byId('pause').click();
    await waitForState('paused');
  };
  const reset = async () => {
    await byId('reset').click();
    await waitForState('idle');
  };
  /** Checks that `pageRecords` start with `expected`, value for value. */
  const compareExactly = (what, pageRecords, expected) => {
    for (let i = 0; i < expected.length; i++) {
      const got = pageRecords[i] === undefined ? 'nothing' : comparable(pageRecords[i]);
      const want = comparable(expected[i]);
      if (got !== want) {
        problems.push(`${what}: update ${i + 1} differs:\n    got      ${got}\n    expected ${want}`);
        return;
      }
    }
    console.log(`${NAME}: ${what}: ${expected.length} updates equal, value for value`);
  };
  /** Starts a run on `backend` that pauses itself after update `updates`, and waits until it has. */
  const trainUntil = async (backend, updates) => {
    await byId('backend').selectOption(backend);
    await byId('pause-after').fill(String(updates));
    await byId('train').click();
    await page.waitForSelector(`[data-testid="playground"][data-state="paused"][data-saved-update="${updates}"]`);
  };

  // 1. Same numbers as Node, on cpu and on wasm. The wasm run goes on uninterrupted to
  // RESUME_UPDATES, the reference of the resume below.
  // The page's JavaScript weight: every script it loads, the worker's included, until it is ready.
  step = 'load';
  const scripts = new Map();
  const countScript = async (response) => {
    if (!response.url().endsWith('.js')) return;
    const body = await response.body().catch(() => null);
    if (body !== null) scripts.set(response.url(), body.byteLength);
  };
  context.on('response', countScript);
  await open();
  await page.waitForLoadState('networkidle');
  context.off('response', countScript);
  const jsBytes = [...scripts.values()].reduce((sum, n) => sum + n, 0);
  const workerBytes = [...scripts].filter(([url]) => url.includes('training-worker')).reduce((sum, [, n]) => sum + n, 0);
  console.log(`${NAME}: the page loads ${scripts.size} JavaScript files, ${(jsBytes / 1024).toFixed(0)} kB uncompressed (${(workerBytes / 1024).toFixed(0)} kB of them the worker's)`);
  const earlyMujoco = [...scripts.keys()].filter((url) => url.includes('mujoco'));
  if (earlyMujoco.length > 0) problems.push(`${step}: the page loads MuJoCo before a MuJoCo task is picked: ${earlyMujoco.join(', ')}`);
  let uninterrupted = [];
  for (const [backend, updates] of [
    ['cpu', COMPARED_UPDATES],
    ['wasm', RESUME_UPDATES],
  ]) {
    step = `same numbers (${backend})`;
    const reference = await nodeRun(backend, COMPARED_UPDATES);
    await open();
    await trainUntil(backend, updates);
    const got = await records();
    if (got.length !== updates) problems.push(`${step}: the run paused after update ${got.length}, expected ${updates}`);
    compareExactly(`${step} against Node`, got, reference);
    uninterrupted = got.slice(0, RESUME_UPDATES);
    await reset();
  }

  // 2. A reload resumes from IndexedDB and continues as the uninterrupted run.
  step = 'reload and resume';
  await open();
  await trainUntil('wasm', PAUSED_AT);
  await page.reload({ waitUntil: 'load' });
  await page.waitForSelector('[data-testid="playground"][data-ready="true"]');
  await page.waitForFunction(() => !document.querySelector('[data-testid="resume"]').disabled);
  const storedStatus = await byId('status').textContent();
  await byId('resume').click();
  await waitForUpdate(RESUME_UPDATES);
  await pause();
  compareExactly(`${step} (${storedStatus.trim()})`, await records(), uninterrupted);

  // 3. Damaged and foreign stored runs are refused.
  const tamper = (how) =>
    page.evaluate(
      (kind) =>
        new Promise((resolve, reject) => {
          const opened = indexedDB.open('ppo-playground', 1);
          opened.onerror = () => reject(opened.error);
          opened.onsuccess = () => {
            const tx = opened.result.transaction('runs', 'readwrite');
            const runs = tx.objectStore('runs');
            const got = runs.get('current');
            got.onsuccess = () => {
              if (kind === 'damage') {
                const record = got.result;
                const bytes = new Uint8Array(record.data);
                bytes[5] ^= 1;
                runs.put({ ...record, data: bytes.buffer }, 'current');
              } else {
                runs.put({ format: 'something-else', version: 3 }, 'current');
              }
            };
            tx.oncomplete = () => {
              opened.result.close();
              resolve();
            };
            tx.onerror = () => reject(tx.error);
          };
        }),
      how,
    );
  for (const [how, expected] of [
    ['damage', 'is damaged'],
    ['foreign', 'did not write'],
  ]) {
    step = `${how} stored run`;
    await tamper(how);
    await page.reload({ waitUntil: 'load' });
    await page.waitForSelector('[data-testid="error"]:not([hidden])');
    const message = await byId('error').textContent();
    if (!message.includes(expected)) problems.push(`${step}: the page says ${JSON.stringify(message)}, expected a message with '${expected}'`);
    if (!(await byId('resume').isDisabled())) problems.push(`${step}: Resume is enabled for a run that cannot be used`);
    console.log(`${NAME}: ${step}: refused (${message})`);
  }
  await reset();

  // 4. CartPole is solved with the default settings, offline once the page is loaded;
  // screenshots while it learns. PPO_PLAYGROUND_SOLVE_BACKENDS (a comma-separated list) measures
  // other backends first; the default backend's run is the one exported below.
  const solve = async (backend) => {
    step = `solve CartPole (${backend ?? 'default backend'})`;
    await open();
    await page.waitForLoadState('networkidle');
    await context.setOffline(true);
    if (backend !== undefined) await byId('backend').selectOption(backend);
    const used = await byId('backend').inputValue();
    const started = Date.now();
    await byId('train').click();
    await page.waitForFunction(() => Number(document.querySelector('[data-testid="step"]').textContent) >= 60_000, null, { timeout: SOLVE_TIMEOUT_MS });
    const shots = backend === undefined ? [await shot(page, 'cartpole-learning')] : [];
    await page.waitForFunction((threshold) => Number(document.querySelector('[data-testid="mean-return"]').textContent) >= threshold, SOLVED, { timeout: SOLVE_TIMEOUT_MS });
    const seconds = (Date.now() - started) / 1000;
    if (backend === undefined) shots.push(await shot(page, 'cartpole-solved'));
    await pause();
    await context.setOffline(false);
    const solvedAt = (await records()).find((r) => r.metrics['charts/mean_recent_return'] >= SOLVED)?.globalStep;
    console.log(`${NAME}: CartPole-v1 (defaults, ${used}) reached a mean return of ${SOLVED} in the update ending at step ${solvedAt}, ${seconds.toFixed(1)} s of wall time after Train${shots.length > 0 ? `; screenshots ${shots.join(', ')}` : ''}`);
  };
  for (const backend of (process.env.PPO_PLAYGROUND_SOLVE_BACKENDS ?? '').split(',').filter((b) => b !== '')) {
    await solve(backend);
    await reset();
  }
  await solve(undefined);

  // 5. Export the policy, upload it again, watch it play.
  step = 'export and upload';
  await byId('download').click();
  await page.waitForSelector('[data-testid="downloads"] a');
  const files = await page.$$eval('[data-testid="downloads"] a', (links) =>
    Promise.all(links.map(async (a) => ({ name: a.download, bytes: Array.from(new Uint8Array(await (await fetch(a.href)).arrayBuffer())) }))),
  );
  const names = files.map((f) => f.name);
  for (const wanted of ['policy.json', 'weights.json', 'model.json', 'policy.onnx']) {
    if (!names.includes(wanted)) problems.push(`${step}: the export has no ${wanted} (got ${names.join(', ')})`);
  }
  await byId('upload').setInputFiles(files.map((f) => ({ name: f.name, mimeType: 'application/octet-stream', buffer: Buffer.from(f.bytes) })));
  const watched = Number(await (await page.waitForFunction(() => document.querySelector('[data-testid="playground"]').dataset.watchReturn)).jsonValue());
  if (!(watched >= 200)) problems.push(`${step}: the uploaded policy's first episode returned ${watched}, expected at least 200`);
  console.log(`${NAME}: exported ${names.join(', ')}; uploaded again, the policy's first episode returned ${watched}`);
  const missing = files.filter((f) => f.name !== 'weights.json');
  await byId('upload').setInputFiles(missing.map((f) => ({ name: f.name, mimeType: 'application/octet-stream', buffer: Buffer.from(f.bytes) })));
  await page.waitForSelector('[data-testid="error"]:not([hidden])');
  const uploadError = await byId('error').textContent();
  if (!uploadError.includes('weights.json')) problems.push(`${step}: an upload without weights.json says ${JSON.stringify(uploadError)}, expected it to name weights.json`);
  await reset();

  // 6. Another task draws and learns.
  step = 'MinAtar Breakout';
  await open();
  await byId('env').selectOption('MinAtar/Breakout-v1');
  await page.waitForFunction(() => document.querySelector('[data-testid="hp-numEnvs"]').value === '8');
  await byId('train').click();
  await waitForUpdate(2, TIMEOUT_MS * 3);
  await page.waitForSelector('[data-testid="frame"] svg');
  const breakoutShot = await shot(page, 'minatar-breakout');
  await pause();
  await reset();
  console.log(`${NAME}: MinAtar Breakout trained 2 updates and drew its frames; screenshot ${breakoutShot}`);

  // 7. A MuJoCo task: MuJoCo loads when the task is picked (and not before: the JavaScript weight
  // above had no MuJoCo chunk), trains, draws its bodies and gives Node's numbers.
  step = 'MuJoCo InvertedPendulum';
  await initMujoco();
  registerMujocoEnvs();
  const mujocoReference = await nodeRun('wasm', MUJOCO_UPDATES, MUJOCO_RUN);
  await open();
  await page.waitForLoadState('networkidle');
  scripts.clear();
  context.on('response', countScript);
  // Every status text the page shows, to see the loading message however briefly it stays.
  await page.evaluate(() => {
    const status = document.querySelector('[data-testid="status"]');
    window.statusTexts = [status.textContent];
    new MutationObserver(() => window.statusTexts.push(status.textContent)).observe(status, { childList: true, characterData: true, subtree: true });
  });
  await byId('env').selectOption(MUJOCO_RUN.config.env);
  await page.waitForFunction(() => document.querySelector('[data-testid="hp-numSteps"]').value === '2048');
  const statusTexts = await page.evaluate(() => window.statusTexts);
  if (!statusTexts.some((text) => text.includes('Loading MuJoCo'))) problems.push(`${step}: the page never said it was loading MuJoCo (statuses: ${JSON.stringify(statusTexts)})`);
  if (await page.locator('[data-testid="playground"][data-loading]').count() !== 0) problems.push(`${step}: the page still says it is loading after MuJoCo started`);
  if ((await byId('preset').inputValue()) !== MUJOCO_RUN.preset) problems.push(`${step}: the preset for ${MUJOCO_RUN.config.env} is ${await byId('preset').inputValue()}, expected ${MUJOCO_RUN.preset}`);
  await byId('hp-numSteps').fill(String(MUJOCO_RUN.config.numSteps));
  await byId('hp-numMinibatches').fill(String(MUJOCO_RUN.config.numMinibatches));
  await byId('train').click();
  await page.waitForFunction(() => Number(document.querySelector('[data-testid="step"]').textContent) > 0);
  await waitForUpdate(MUJOCO_UPDATES);
  await page.waitForSelector('[data-testid="frame"] svg [data-geom]', { state: 'attached' });
  const geoms = await page.locator('[data-testid="frame"] svg [data-geom]').count();
  const mujocoShot = await shot(page, 'mujoco-inverted-pendulum');
  await pause();
  context.off('response', countScript);
  compareExactly(`${step} against Node`, await records(), mujocoReference);
  const steps = Number(await byId('step').textContent());
  if (!(steps >= MUJOCO_UPDATES * MUJOCO_RUN.config.numSteps)) problems.push(`${step}: the step counter shows ${steps}, expected at least ${MUJOCO_UPDATES * MUJOCO_RUN.config.numSteps}`);
  const mujocoBytes = [...scripts.values()].reduce((sum, n) => sum + n, 0);
  console.log(`${NAME}: ${step}: MuJoCo loaded when the task was picked (${scripts.size} more JavaScript files, ${(mujocoBytes / 1024).toFixed(0)} kB uncompressed, ${((jsBytes + mujocoBytes) / 1024).toFixed(0)} kB with the page's); ${MUJOCO_UPDATES} updates at step ${steps}, ${geoms} geoms drawn; screenshot ${mujocoShot}`);
  await reset();

  // 8. A locomotion task on the MuJoCo already started: its bodies drawn while it trains.
  step = 'MuJoCo HalfCheetah';
  await byId('env').selectOption('HalfCheetah-v5');
  await page.waitForFunction(() => document.querySelector('[data-testid="hp-numSteps"]').value === '2048');
  await byId('hp-numSteps').fill(String(MUJOCO_RUN.config.numSteps));
  await byId('train').click();
  await waitForUpdate(1);
  const cheetahGeoms = await page.locator('[data-testid="frame"] svg [data-geom]').count();
  if (cheetahGeoms < 9) problems.push(`${step}: the frame has ${cheetahGeoms} geoms, expected HalfCheetah's floor, torso, head and 6 leg parts at least`);
  const cheetahShot = await shot(page, 'mujoco-half-cheetah');
  await pause();
  await reset();
  console.log(`${NAME}: ${step}: trained and drew ${cheetahGeoms} geoms; screenshot ${cheetahShot}`);

  // 9. MuJoCo that cannot be fetched: the page says so, and picking the task again retries. In a
  // context of its own, whose failed request is the point rather than a problem.
  step = 'MuJoCo unreachable';
  const failing = await browser.newContext();
  let blocked = true;
  await failing.route('**/*', (route) => (blocked && route.request().url().includes('mujoco_wasm') ? route.abort() : route.continue()));
  const failingPage = await failing.newPage();
  failingPage.setDefaultTimeout(TIMEOUT_MS);
  await failingPage.goto(`${origin}${PAGE}`, { waitUntil: 'load' });
  await failingPage.waitForSelector('[data-testid="playground"][data-ready="true"]');
  await failingPage.locator('[data-testid="env"]').selectOption(MUJOCO_RUN.config.env);
  await failingPage.waitForSelector('[data-testid="error"]:not([hidden])');
  const loadError = await failingPage.locator('[data-testid="error"]').textContent();
  if (!loadError.includes('MuJoCo failed to load')) problems.push(`${step}: the page says ${JSON.stringify(loadError)}, expected 'MuJoCo failed to load'`);
  if ((await failingPage.locator('[data-testid="status"]').textContent()).includes('Loading')) problems.push(`${step}: the status still says MuJoCo is loading after it failed`);
  blocked = false;
  await failingPage.locator('[data-testid="env"]').selectOption('CartPole-v1');
  await failingPage.locator('[data-testid="env"]').selectOption(MUJOCO_RUN.config.env);
  await failingPage.waitForFunction(() => document.querySelector('[data-testid="hp-numSteps"]').value === '2048');
  await failing.close();
  console.log(`${NAME}: ${step}: the page said ${JSON.stringify(loadError)}; picking the task again loaded it`);
} finally {
  await browser.close();
  close();
}

if (problems.length > 0) {
  console.error(`${NAME}: ${problems.length} problem(s):`);
  for (const p of problems) console.error(`  ${p}`);
  process.exit(1);
}
console.log(`${NAME}: no console errors, no failed requests`);
