// The page: runs the scenario on the bundled package (`@ppo/envs-mujoco`, as a site imports it),
// shows the last frame, runs it again in a module worker, and leaves the results, with how the
// browser parsed the frame, for the test.
import * as pkg from '@ppo/envs-mujoco';
import { runHalfCheetah, type ScenarioResult } from './scenario';

/** What the test reads from the page. */
export interface PageResult extends ScenarioResult {
  /** The browser's XML parser's complaint about the frame, or null when it is well formed. */
  readonly parseError: string | null;
  /** Number of elements with a `data-geom` attribute in the parsed frame. */
  readonly geomElements: number;
  /** The same run in a module Web Worker. */
  readonly inWorker: ScenarioResult;
}

/** The scenario's result from a module worker (`worker.format: 'es'` in the Vite config). */
function runInWorker(): Promise<ScenarioResult> {
  const worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' });
  return new Promise<ScenarioResult>((resolve, reject) => {
    worker.onmessage = (event: MessageEvent<{ result?: ScenarioResult; error?: string }>) => {
      worker.terminate();
      if (event.data.result !== undefined) resolve(event.data.result);
      else reject(new Error(`worker: ${event.data.error}`));
    };
    worker.onerror = (event) => {
      worker.terminate();
      reject(new Error(`worker: ${event.message}`));
    };
  });
}

declare global {
  interface Window {
    pageResult?: Promise<PageResult>;
  }
}

async function run(): Promise<PageResult> {
  const result = await runHalfCheetah(pkg);
  const doc = new DOMParser().parseFromString(result.svg, 'image/svg+xml');
  const error = doc.querySelector('parsererror');
  document.getElementById('frame')!.innerHTML = result.svg;
  return {
    ...result,
    parseError: error === null ? null : (error.textContent ?? 'parsererror'),
    geomElements: doc.querySelectorAll('[data-geom]').length,
    inWorker: await runInWorker(),
  };
}

window.pageResult = run();
