import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RUN_LAYOUT } from './run-files';
import { builtCli } from './test-cli-io';

/** How a CLI child process ended, with everything it printed (test helper, not exported). */
export interface Finished {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Every CLI process started, so that a test file's `afterAll` can kill those still running. */
export const startedClis: ChildProcess[] = [];

/** Starts the built CLI; `onStdout` sees the output so far each time more arrives. */
export function startCli(
  args: string[],
  onStdout?: (child: ChildProcess, stdout: string) => void,
  cwd?: string,
): { child: ChildProcess; finished: Promise<Finished> } {
  const child = spawn(process.execPath, [builtCli(), ...args], { stdio: ['ignore', 'pipe', 'pipe'], cwd });
  startedClis.push(child);
  let stdout = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (text: string) => {
    stdout += text;
    onStdout?.(child, stdout);
  });
  child.stderr?.setEncoding('utf8').on('data', (text: string) => {
    stderr += text;
  });
  const finished = new Promise<Finished>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  return { child, finished };
}

/** The update of a run's latest checkpoint, or null before the first one. */
export function latestUpdate(runDir: string): number | null {
  const path = join(runDir, RUN_LAYOUT.latest);
  // latest.json is replaced by a rename, so a read sees the old or the new file whole.
  return existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as { update: number }).update : null;
}

/** The pids of every descendant of `pid` (Linux: from /proc), children first. */
export function descendants(pid: number): number[] {
  const out: number[] = [];
  let tasks: string[] = [];
  try {
    tasks = readdirSync(`/proc/${pid}/task`);
  } catch {
    return out;
  }
  for (const task of tasks) {
    let children = '';
    try {
      children = readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8');
    } catch {
      continue;
    }
    for (const child of children.split(' ').filter((s) => s !== '').map(Number)) out.push(child, ...descendants(child));
  }
  return out;
}

/** Whether a process with this pid is still alive (a zombie counts as gone). */
export function alive(pid: number): boolean {
  try {
    return !/^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, 'utf8'));
  } catch {
    return false;
  }
}

/** Kills a CLI and everything it started (cleanup after a failed test). */
export function killTree(child: ChildProcess): void {
  if (child.pid === undefined) return;
  for (const pid of descendants(child.pid)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
}
