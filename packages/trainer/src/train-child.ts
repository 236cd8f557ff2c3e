/**
 * The child process in which `ppo train` runs its training (see supervise-training.ts): it
 * waits for a `start` message, runs {@link runTraining}, and reports the result or the error
 * once. A `stop` message, or the parent going away, stops the run as a signal does; the
 * process's own SIGINT/SIGTERM (a terminal sends them to the whole process group) do the same.
 */
import { PpoError } from '@ppo/utils';
import { inCliTerms } from './cli-wording';
import { ConfigError } from './config';
import { EnvModulesConsentError } from './env-modules';
import { runTraining } from './runner';
import type { FromChild, ToChild } from './train-process';

const stop = new AbortController();

function send(message: FromChild): void {
  if (process.connected) process.send?.(message);
}

async function run(options: Extract<ToChild, { type: 'start' }>['options']): Promise<void> {
  try {
    // Notices go to the user of `ppo train`: in the command line's terms.
    const result = await runTraining({ ...options, stop: stop.signal, onNotice: (message) => process.stderr.write(`ppo: ${inCliTerms(message)}\n`) });
    send({ type: 'result', result });
  } catch (error) {
    const e = error instanceof Error ? error : new Error(String(error));
    const details = e instanceof ConfigError ? { field: e.field } : e instanceof EnvModulesConsentError ? { modules: e.modules } : {};
    send({ type: 'error', error: { name: e.name, message: e.message, ...(PpoError.is(e) ? { code: e.code } : {}), ...details } });
    process.exitCode = 1;
  } finally {
    process.disconnect?.();
  }
}

process.on('message', (message: ToChild) => {
  if (message.type === 'start') void run(message.options);
  else if (message.type === 'stop') stop.abort(message.signal);
});
process.on('disconnect', () => stop.abort('SIGTERM'));
