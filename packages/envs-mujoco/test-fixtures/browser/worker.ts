// The same run in a module Web Worker, where a page trains without blocking its UI.
import * as pkg from '@ppo/envs-mujoco';
import { runHalfCheetah } from './scenario';

runHalfCheetah(pkg).then(
  (result) => postMessage({ result }),
  (error: unknown) => postMessage({ error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) }),
);
