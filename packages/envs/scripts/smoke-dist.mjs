/* global URL, console */
// Checks that the built package runs AsyncVectorEnv workers for ESM and CommonJS consumers,
// including envs registered by `modules` through either build. Run after `pnpm build`.
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const here = (name) => fileURLToPath(new URL(name, import.meta.url));

async function check(label, lib, node, envId, modules) {
  const venv = await node.AsyncVectorEnv.create({ envId, numEnvs: 3, numWorkers: 2, modules });
  try {
    if (modules.length > 0) {
      if (modules[0].endsWith('.cjs')) createRequire(import.meta.url)(modules[0]);
      else await import(modules[0]);
    }
    // The reference uses the registry the module registered into (each build has its own).
    const registry = modules[0]?.endsWith('.cjs') ? cjs[0] : esm[0];
    const sync = new lib.SyncVectorEnv([0, 1, 2].map(() => () => registry.make(envId)));
    const a = venv.reset({ seed: 3 }).observations.slice();
    const b = sync.reset({ seed: 3 }).observations.slice();
    if (a.join() !== b.join()) throw new Error(`${label} ${envId}: reset differs`);
    let ends = 0;
    for (let t = 0; t < 40; t++) {
      const actions = Int32Array.from([t % 2, 1, (t >> 1) % 2]);
      const x = venv.step(actions);
      const y = sync.step(actions);
      if (x.observations.join() !== y.observations.join() || x.truncated.join() !== y.truncated.join()) {
        throw new Error(`${label} ${envId}: step ${t} differs`);
      }
      ends += x.terminated.reduce((s, v) => s + v, 0) + x.truncated.reduce((s, v) => s + v, 0);
    }
    if (ends === 0) throw new Error(`${label} ${envId}: no episode ended`);
  } finally {
    await venv.close();
  }
  if (venv.runningWorkers !== 0) throw new Error(`${label} ${envId}: ${venv.runningWorkers} workers left`);
  console.log(`ok ${label} ${envId}`);
}

const require = createRequire(import.meta.url);
const esm = [await import('@ppo/envs'), await import('@ppo/envs/node')];
const cjs = [require('@ppo/envs'), require('@ppo/envs/node')];
for (const [label, [lib, node]] of [['esm', esm], ['cjs', cjs]]) {
  await check(label, lib, node, 'CartPole-v1', []);
  await check(label, lib, node, 'SmokeEsm-v0', [here('./smoke-env.mjs')]);
  await check(label, lib, node, 'SmokeCjs-v0', [here('./smoke-env.cjs')]);
}
