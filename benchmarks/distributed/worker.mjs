// @ts-check
/* global process, console, AbortController */
// A rollout worker process for bench.mjs: node worker.mjs URL TOKEN PREFIX BACKEND. The MuJoCo
// envs are registered here (a worker makes only envs installed on its machine). On SIGTERM it
// stops and prints its CPU time as one JSON line.
import { initMujoco, registerMujocoEnvs } from '@ppo/envs-mujoco';
import { workerMain } from '@ppo/distributed/node';
import { selectBackend } from '@ppo/nets';

const [servers, token, prefix, backend] = process.argv.slice(2);
await initMujoco();
registerMujocoEnvs();
await selectBackend(/** @type {'wasm' | 'cpu'} */ (backend));
const stop = new AbortController();
process.once('SIGTERM', () => stop.abort());
const cpuStart = process.cpuUsage();
await workerMain({ servers, token, prefix, name: 'ppo-bench-worker', signal: stop.signal });
const cpu = process.cpuUsage(cpuStart);
console.log(JSON.stringify({ workerCpuSeconds: (cpu.user + cpu.system) / 1e6 }));
