/* global process */
import { spawn } from 'node:child_process';

/**
 * Runs one job of `jobFile` in a fresh Node process and resolves with the object it printed on
 * its `RESULT` line. `nodeArgs` go before the script (for example `--cpu-prof`).
 */
export function runJob(jobFile, job, nodeArgs = []) {
  return new Promise((resolve, reject) => {
    // stderr is kept for the error message only: tfjs prints a banner on every start.
    const child = spawn(process.execPath, [...nodeArgs, jobFile, JSON.stringify(job)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk) => {
      out += chunk;
    });
    child.stderr.on('data', (chunk) => {
      err += chunk;
    });
    child.on('error', reject);
    child.on('close', (code) => {
      const line = out.split('\n').find((l) => l.startsWith('RESULT '));
      if (code !== 0 || line === undefined) reject(new Error(`job ${JSON.stringify(job)} failed with exit code ${code}: ${out.slice(-1000)}${err.slice(-2000)}`));
      else resolve(JSON.parse(line.slice('RESULT '.length)));
    });
  });
}
