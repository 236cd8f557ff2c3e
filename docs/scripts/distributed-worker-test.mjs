/* global console, document, process */
// The browser rollout worker page against a real nats-server on 127.0.0.1 (with a WebSocket
// listener): the page (headless Chromium, cpu backend) serves as the only worker of a Node
// learner for a short CartPole run, whose metrics and final weights must equal the
// single-process run's (cpu backend), with no console or page errors. Needs the built site
// (pnpm build in docs/) and nats-server (packages/distributed/scripts/ensure-nats-server.sh).
import { existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import { createLearner } from '@ppo/distributed';
import { connect, startNatsServer } from '@ppo/distributed/node';
import { selectBackend } from '@ppo/nets';
import { MemoryLogger, PPO } from '@ppo/trainer';
import { BASE, CHROMIUM_FLAGS, browserOrExit, distDir, serveSite } from './static-site.mjs';

const NAME = 'distributed worker page test';
const PAGE = `${BASE}distributed/worker.html`;
// Short episodes (a 20-step limit) so rollouts cross truncations and final-observation values travel too.
const CONFIG = { env: 'CartPole-v1', envOptions: { maxEpisodeSteps: 20 }, numEnvs: 4, numSteps: 32, totalSteps: 4 * 32 * 3, updateEpochs: 2, numMinibatches: 2, seed: 7 };
const PREFIX = 'pagetest';
// Only catches a broken page; a healthy run takes seconds.
const TIMEOUT_MS = 60_000;

if (process.env.PPO_SKIP_BROWSER === '1') {
  console.log(`${NAME}: skipped (PPO_SKIP_BROWSER=1)`);
  process.exit(0);
}
const CHROMIUM = browserOrExit(NAME);
if (!existsSync(join(distDir, 'index.html'))) {
  console.error(`${NAME}: ${relative(process.cwd(), distDir)}/index.html is missing; build the site first (pnpm build in docs/)`);
  process.exit(1);
}

/** The records without charts/SPS (wall-clock speed). */
const withoutSps = (records) => records.map(({ step, metrics }) => ({ step, metrics: Object.fromEntries(Object.entries(metrics).filter(([k]) => k !== 'charts/SPS')) }));

/** Trains CONFIG, in this process or with the collector `collectorFor` gives; returns the metrics and final weights. */
async function train(collectorFor) {
  const ppo = await PPO.create({ config: CONFIG });
  const logger = new MemoryLogger();
  try {
    await ppo.train({ loggers: [logger], ...(collectorFor === undefined ? {} : { collect: await collectorFor(ppo) }) });
    return { metrics: withoutSps(logger.records), weights: ppo.policy.getWeights() };
  } finally {
    await ppo.close();
  }
}

const problems = [];
await selectBackend('cpu');
const reference = await train();

const server = await startNatsServer({ websocket: true });
const site = await serveSite();
const { chromium } = await import('playwright-core');
const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_FLAGS });
const nc = await connect({ servers: server.url, token: server.token });
try {
  const context = await browser.newContext();
  // Every request of the page and its Web Worker (the NATS WebSocket is not a routed request).
  context.on('response', (response) => {
    if (response.status() >= 400 && response.url() !== `${site.origin}/favicon.ico`) problems.push(`HTTP ${response.status()} for ${response.url()}`);
  });
  const page = await context.newPage();
  page.setDefaultTimeout(TIMEOUT_MS);
  page.on('console', (message) => {
    // The site has no favicon: Chromium's own request for /favicon.ico (outside the site's base) is not the page's.
    if (message.type() === 'error' && message.location().url !== `${site.origin}/favicon.ico`) problems.push(`console error: ${message.text()} (${message.location().url})`);
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  await page.goto(`${site.origin}${PAGE}`, { waitUntil: 'load' });
  const root = page.locator('.rollout-worker');
  await page.waitForFunction(() => document.querySelector('.rollout-worker')?.getAttribute('data-state') === 'idle');
  // The env list is the page's own bundled envs.
  const envs = await root.locator('[data-field="env"] option').allTextContents();
  if (!envs.includes('CartPole-v1')) problems.push(`the env list lacks CartPole-v1: ${envs.join(', ')}`);
  // A URL of another scheme is refused in the page.
  await root.locator('[data-field="url"]').fill(server.url);
  await root.locator('[data-action="connect"]').click();
  if ((await root.getAttribute('data-state')) !== 'error') problems.push(`a ${server.url} URL was not refused (state ${await root.getAttribute('data-state')})`);

  await root.locator('[data-field="url"]').fill(server.wsUrl);
  await root.locator('[data-field="token"]').fill(server.token);
  await root.locator('[data-field="env"]').selectOption('CartPole-v1');
  await root.locator('[data-field="prefix"]').fill(PREFIX);
  await root.locator('[data-field="backend"]').selectOption('cpu');
  await root.locator('[data-action="connect"]').click();
  await page.waitForFunction(() => document.querySelector('.rollout-worker')?.getAttribute('data-state') !== 'connecting');
  const state = await root.getAttribute('data-state');
  if (state !== 'connected') throw new Error(`the page did not connect: ${await root.locator('.status').textContent()}`);

  let learner = null;
  let distributed;
  try {
    distributed = await train(async (ppo) => {
      learner = await createLearner({ nc, config: ppo.config, prefix: PREFIX, expectWorkers: 1 });
      return learner.collect;
    });
  } finally {
    learner?.close();
  }
  const traffic = learner?.lastTraffic;
  const shown = await page.evaluate(() => {
    const el = document.querySelector('.rollout-worker');
    return { version: el?.getAttribute('data-version'), slots: el?.getAttribute('data-slots'), chunks: el?.getAttribute('data-chunks'), steps: el?.getAttribute('data-steps') };
  });
  await root.locator('[data-action="disconnect"]').click();
  await page.waitForFunction(() => document.querySelector('.rollout-worker')?.getAttribute('data-state') === 'stopped');

  if (JSON.stringify(distributed.metrics) !== JSON.stringify(reference.metrics)) {
    problems.push(`the metrics differ from the single-process run's:\n  single:  ${JSON.stringify(reference.metrics.at(-1))}\n  browser: ${JSON.stringify(distributed.metrics.at(-1))}`);
  }
  if (!distributed.metrics.some((r) => 'charts/episodic_return' in r.metrics)) problems.push('no episode ended in the run');
  for (const [name, values] of reference.weights) {
    const got = distributed.weights.get(name);
    if (got === undefined || got.length !== values.length || got.some((v, i) => !Object.is(v, values[i]))) problems.push(`final weights ${name} differ`);
  }
  // The page shows the last rollout: version 2 (the third), all 4 slots, 3 x 4 x 32 steps.
  if (shown.version !== '2' || shown.slots !== '0, 1, 2, 3' || shown.steps !== String(CONFIG.totalSteps) || !(Number(shown.chunks) >= 12)) {
    problems.push(`the page shows ${JSON.stringify(shown)}, expected version 2, slots 0-3, ${CONFIG.totalSteps} steps, at least 12 chunks`);
  }
  console.log(`${NAME}: ${distributed.metrics.length} metric records compared with the single-process run's; the page sent ${shown.chunks} chunks (${traffic?.chunkBytes} bytes in the last rollout)`);
} finally {
  await nc.close();
  await browser.close();
  site.close();
  await server.dispose();
}

if (problems.length > 0) {
  console.error(`${NAME}: ${problems.length} problem(s):`);
  for (const p of problems) console.error(`  ${p}`);
  process.exit(1);
}
console.log(`${NAME}: the metrics and final weights equal the single-process run's; no console errors`);
