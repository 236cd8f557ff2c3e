/* global process */
// The PyTorch references the speed goals are measured against (CleanRL-default CartPole; the
// paper's HalfCheetah with native MuJoCo through a small C shim). They live outside this
// repository, next to it by default: --torch-ref-dir DIR or PPO_TORCH_REF_DIR names another
// place. They run on Debian's interpreter (PPO_TORCH_PYTHON, default /usr/bin/python3), where
// their packages are installed; their README says how.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { HALF_CHEETAH_XML } from '@ppo/envs-mujoco';

/**
 * Finds the references and checks they can run: their folder, the interpreter with torch and
 * numpy, and (for HalfCheetah) the MuJoCo shim, built with gcc when missing, and our own
 * HalfCheetah model written to a file so both sides simulate the same model.
 * @param {{ dir?: string | null; repoRoot: string }} options
 * @returns {{ available: true; dir: string; python: string; torchVersion: string; shim: string | null; shimProblem: string | null; halfCheetahXml: string } | { available: false; reason: string }}
 */
export function findTorchPeer({ dir, repoRoot }) {
  const refDir = resolve(dir ?? process.env.PPO_TORCH_REF_DIR ?? join(repoRoot, '..', 'shared', 'bench'));
  if (!existsSync(join(refDir, 'ref_ppo_cartpole.py'))) return { available: false, reason: `no PyTorch references in ${refDir} (set PPO_TORCH_REF_DIR or --torch-ref-dir)` };
  const python = process.env.PPO_TORCH_PYTHON ?? '/usr/bin/python3';
  let torchVersion;
  try {
    torchVersion = execFileSync(python, ['-c', 'import torch, numpy; print(torch.__version__)'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return { available: false, reason: `${python} cannot import torch and numpy (see ${join(refDir, 'README.md')})` };
  }
  const work = mkdtempSync(join(tmpdir(), 'ppo-torch-peer-'));
  const halfCheetahXml = join(work, 'half_cheetah.xml');
  writeFileSync(halfCheetahXml, HALF_CHEETAH_XML);
  let shim = process.env.PPO_MJSHIM ?? join(work, 'libmjshim.so');
  let shimProblem = null;
  if (!existsSync(shim)) {
    try {
      execFileSync('gcc', ['-O2', '-shared', '-fPIC', join(refDir, 'mjshim.c'), '-o', shim, '-lmujoco', '-lm'], { stdio: ['ignore', 'ignore', 'pipe'] });
    } catch (error) {
      shimProblem = `could not build the MuJoCo shim (gcc and libmujoco-dev needed): ${String(error.stderr ?? error).trim().split('\n')[0]}`;
      shim = null;
    }
  }
  return { available: true, dir: refDir, python, torchVersion, shim, shimProblem, halfCheetahXml };
}

/**
 * Runs one reference and resolves with its JSON line plus the CPU seconds it used (all threads,
 * from the shell's `times`).
 * @param {{ dir: string; python: string; shim: string | null; halfCheetahXml: string }} peer
 * @param {'CartPole-v1' | 'HalfCheetah-v5'} env
 * @param {number} steps
 * @param {1 | 2} threads
 * @returns {Promise<{ sps: number; seconds: number; steps: number; cpuSeconds: number | null }>}
 */
export function runTorchPeer(peer, env, steps, threads) {
  const script = env === 'CartPole-v1' ? 'ref_ppo_cartpole.py' : 'ref_ppo_halfcheetah.py';
  const args = [join(peer.dir, script), String(steps), String(threads), ...(env === 'CartPole-v1' ? [] : [peer.halfCheetahXml, String(peer.shim)])];
  return new Promise((resolvePromise, reject) => {
    // `times` prints the shell's children's user and system time on its second line.
    const child = spawn('bash', ['-c', '"$@"; status=$?; times; exit $status', 'peer', peer.python, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk) => (out += chunk));
    child.stderr.on('data', (chunk) => (err += chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      const lines = out.trim().split('\n');
      const json = lines.find((line) => line.startsWith('{'));
      if (code !== 0 || json === undefined) {
        reject(new Error(`PyTorch reference ${script} ${args.slice(1).join(' ')} failed (exit ${code}): ${err.slice(-1500)}`));
        return;
      }
      const result = JSON.parse(json);
      resolvePromise({ sps: result.sps, seconds: result.seconds, steps: result.steps, cpuSeconds: childCpuSeconds(lines.at(-1)) });
    });
  });
}

/** Sums the `1m2.5s 0m0.1s` user and system times of a `times` line (null when absent). */
export function childCpuSeconds(line) {
  const parts = [...String(line).matchAll(/(\d+)m([\d.]+)s/g)];
  if (parts.length !== 2) return null;
  return parts.reduce((s, [, m, sec]) => s + 60 * Number(m) + Number(sec), 0);
}
