/**
 * Node-only: runs {@link runTraining} in a child process so that this process stays free to
 * receive SIGINT and SIGTERM whatever the training does. A signal handler cannot run while the
 * training thread is blocked (an env stuck in a loop, or the async vector env waiting on its
 * workers), so the signals are handled here: the first asks the child to stop after its current
 * update (a checkpoint is written), and if it has not ended within the grace period, or on a
 * second signal, the child is killed. Checkpoints are written atomically, so the last one on
 * disk is intact and `--resume` continues from it.
 */
import { fork } from 'node:child_process';
import { PpoError } from '@ppo/utils';
import { ConfigError } from './config';
import { EnvModulesConsentError } from './env-modules';
import type { RunResult } from './runner';
import type { ChildError, ChildTrainingOptions, FromChild, ToChild } from './train-process';

/** How {@link superviseTraining} ended. */
export type SupervisedRun =
  | { readonly kind: 'result'; readonly result: RunResult }
  /** Killed after a signal: it did not stop within the grace period, or a second signal came. */
  | { readonly kind: 'killed'; readonly signal: 'SIGINT' | 'SIGTERM'; readonly reason: 'grace' | 'second signal' }
  /** Killed by a signal this process did not send (the OOM killer, a SIGKILL from outside). */
  | { readonly kind: 'died'; readonly signal: NodeJS.Signals };

/** Options of {@link superviseTraining}. */
export interface SuperviseOptions {
  /** How long the child may take to finish its update and checkpoint after a signal, in milliseconds. */
  readonly graceMs: number;
}

/** The child's error as the CLI tells it apart: a config error, a consent error, or any other. */
function rebuild(error: ChildError): Error {
  if (error.modules !== undefined) return new EnvModulesConsentError(error.modules);
  if (error.field !== undefined) {
    const e = new ConfigError(error.field, '');
    e.message = error.message;
    return e;
  }
  // The child's code survives, so callers tell errors apart as they would in-process.
  const e = error.code === undefined ? new Error(error.message) : new PpoError(error.code, error.message);
  e.name = error.name;
  return e;
}

/**
 * Runs the training in a child process (the built `train-child.js` next to this bundle) with
 * the parent's standard streams; resolves with its result, rejects with its error, or
 * resolves `killed` when a signal ended it.
 */
export function superviseTraining(options: ChildTrainingOptions, supervise: SuperviseOptions): Promise<SupervisedRun> {
  // The child would take the parent's debugger port too and fail to start.
  const execArgv = process.execArgv.filter((arg) => !arg.startsWith('--inspect'));
  const child = fork(new URL('./train-child.js', import.meta.url), [], {
    stdio: ['inherit', 'inherit', 'inherit', 'ipc'],
    execArgv,
    // Structured clone, not JSON: a result's NaN (no episode finished yet) must stay NaN.
    serialization: 'advanced',
  });
  let outcome: FromChild | undefined;
  let signal: 'SIGINT' | 'SIGTERM' | null = null;
  let killedFor: 'grace' | 'second signal' | null = null;
  let grace: ReturnType<typeof setTimeout> | undefined;
  const kill = (reason: 'grace' | 'second signal'): void => {
    killedFor ??= reason;
    child.kill('SIGKILL');
  };
  const onSignal = (name: 'SIGINT' | 'SIGTERM'): void => {
    if (signal !== null) {
      kill('second signal');
      return;
    }
    signal = name;
    if (child.connected) child.send({ type: 'stop', signal: name } satisfies ToChild);
    grace = setTimeout(() => kill('grace'), supervise.graceMs);
  };
  const onSigint = (): void => onSignal('SIGINT');
  const onSigterm = (): void => onSignal('SIGTERM');
  process.on('SIGINT', onSigint);
  process.on('SIGTERM', onSigterm);
  child.on('message', (message: FromChild) => {
    outcome ??= message;
  });
  child.send({ type: 'start', options } satisfies ToChild);
  return new Promise<SupervisedRun>((resolve, reject) => {
    const done = (): void => {
      clearTimeout(grace);
      process.off('SIGINT', onSigint);
      process.off('SIGTERM', onSigterm);
    };
    child.on('error', (error) => {
      done();
      child.kill('SIGKILL');
      reject(error);
    });
    child.on('exit', (code, exitSignal) => {
      done();
      if (outcome?.type === 'result') resolve({ kind: 'result', result: outcome.result });
      else if (outcome?.type === 'error') reject(rebuild(outcome.error));
      else if (signal !== null) resolve({ kind: 'killed', signal, reason: killedFor ?? 'second signal' });
      else if (exitSignal !== null) resolve({ kind: 'died', signal: exitSignal });
      else reject(new PpoError('WORKER_FAILED', `the training process ended without a result (exit code ${String(code)})`));
    });
  });
}
