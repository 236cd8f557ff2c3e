// Side-by-side throughput against the PyTorch references: short training runs of both sides,
// alternating, on one machine within one run, so both see the same load. The peer of each
// pair is the faster of PyTorch with 1 and with 2 threads; the figure is the median over the
// pairs of our rate divided by the peer's. side-by-side-markdown.mjs renders the results.
import { loadavg } from 'node:os';
import { fmt } from './side-by-side-markdown.mjs';
import { median } from './stats.mjs';
import { RATIO_TARGETS } from './targets.mjs';
import { runTorchPeer } from './torch-peer.mjs';

/** The workloads: the preset's batch, and the steps both sides train per run. */
export const SIDE_BY_SIDE_WORKLOADS = [
  { env: 'CartPole-v1', preset: 'classic', batch: 512, steps: { full: 102_400, quick: 20_480, smoke: 1_024 } },
  { env: 'HalfCheetah-v5', preset: 'mujoco', batch: 2048, steps: { full: 20_480, quick: 10_240, smoke: 2_048 } },
];

/**
 * Runs the alternating pairs. `runOurs(job)` runs one of our training jobs and resolves with
 * its result (`value`, `perCpuSecond`). Pairs alternate their order (ours first, then PyTorch
 * first) so a drift in load favours neither side.
 * @returns {Promise<object[]>} one entry per workload
 */
export async function runSideBySide({ peer, backend, size, pairs, runOurs, log }) {
  const out = [];
  for (const w of SIDE_BY_SIDE_WORKLOADS) {
    if (w.env !== 'CartPole-v1' && peer.shim === null) {
      out.push({ env: w.env, preset: w.preset, skipped: peer.shimProblem });
      log(`side by side ${w.env}: skipped, ${peer.shimProblem}`);
      continue;
    }
    const steps = w.steps[size];
    const runs = [];
    for (let k = 0; k < pairs; k++) {
      const ours = async () => runOurs({ kind: 'train', backend, env: w.env, preset: w.preset, updates: steps / w.batch, size });
      const torch = async (threads) => runTorchPeer(peer, w.env, steps, threads);
      const pair = {};
      if (k % 2 === 0) {
        pair.ours = await ours();
        pair.torch1 = await torch(1);
        pair.torch2 = await torch(2);
      } else {
        pair.torch2 = await torch(2);
        pair.torch1 = await torch(1);
        pair.ours = await ours();
      }
      const peerSps = Math.max(pair.torch1.sps, pair.torch2.sps);
      const row = {
        ours: pair.ours.value,
        oursPerCpuSecond: pair.ours.perCpuSecond,
        oursPeakRssMb: pair.ours.maxRssMb,
        torch1: pair.torch1.sps,
        torch2: pair.torch2.sps,
        torch1PerCpuSecond: pair.torch1.cpuSeconds === null ? null : pair.torch1.steps / pair.torch1.cpuSeconds,
        torch2PerCpuSecond: pair.torch2.cpuSeconds === null ? null : pair.torch2.steps / pair.torch2.cpuSeconds,
        peer: peerSps,
        ratio: pair.ours.value / peerSps,
        loadAverage: loadavg().map((x) => Number(x.toFixed(2))),
      };
      runs.push(row);
      log(
        `side by side ${w.env}, pair ${k + 1}/${pairs}: ours ${fmt(row.ours)}, PyTorch ${fmt(row.torch1)} (1 thread) / ${fmt(row.torch2)} (2 threads) ` +
          `env steps/s: ratio ${row.ratio.toFixed(2)} (load ${row.loadAverage.join(' ')})`,
      );
    }
    const target = RATIO_TARGETS.find((t) => t.env === w.env);
    const medianRatio = median(runs.map((r) => r.ratio));
    out.push({
      env: w.env,
      preset: w.preset,
      steps,
      pairs: runs,
      medianRatio,
      medianOurs: median(runs.map((r) => r.ours)),
      medianTorch1: median(runs.map((r) => r.torch1)),
      medianTorch2: median(runs.map((r) => r.torch2)),
      target: target === undefined ? null : { atLeast: target.atLeast, pass: medianRatio >= target.atLeast },
    });
  }
  return out;
}
