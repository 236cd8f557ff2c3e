import { PpoTypeError, PpoError } from '@ppo/utils';
import type { MainModule, MjModel } from 'mujoco-js';

/**
 * The MuJoCo WebAssembly module, once started. The module is one WASM instance with one heap
 * for every model of the process (as the native library is one per process), so it is held
 * here rather than per env; it is set only by the explicit {@link initMujoco} call.
 */
let instance: MainModule | undefined;
let starting: Promise<MainModule> | undefined;
let fileCounter = 0;

/** Directory of the in-memory (Emscripten MEMFS) file system where models are compiled from. */
const MODEL_DIR = '/ppo-envs-mujoco';

/** Options of {@link initMujoco}. */
export interface InitMujocoOptions {
  /**
   * An already started module (what `await loadMujoco(moduleArg)` of `mujoco-js` returns), for
   * callers who start it themselves, for example to pass Emscripten options such as `print` and
   * `printErr`. No option is needed to find the WebAssembly binary: `mujoco-js` inlines it in
   * its script.
   */
  readonly module?: MainModule;
}

function prepare(module: MainModule): MainModule {
  const fs = module.FS;
  if (!fs.analyzePath(MODEL_DIR, false).exists) fs.mkdir(MODEL_DIR);
  return module;
}

/**
 * Starts the MuJoCo WebAssembly module (about 0.4 s in Node). Must be awaited once before any
 * MuJoCo env is built; later calls return the same module. Concurrent calls share one start.
 *
 * The same call works in Node, in a page and in a Web Worker. `mujoco-js` (0.0.7) carries its
 * WebAssembly binary inside its script (base64), so there is no `.wasm` file to serve and no
 * URL to pass: a bundler such as Vite turns the `import('mujoco-js')` made here into a chunk of
 * its own (10.3 MiB minified, 2.8 MiB gzipped) that the browser fetches only when this function
 * first runs. A bundle that starts MuJoCo both in a page and in a worker holds that chunk twice,
 * so run the envs (and `render()`, whose frames are strings that `postMessage` carries) in one
 * place. With Vite, workers that start MuJoCo need the `'es'` worker format
 * (`worker: { format: 'es' }` in the Vite config, `vite: { worker: { format: 'es' } }` in a
 * VitePress config); the default `'iife'` cannot hold the dynamic import.
 *
 * @example
 * ```ts
 * import { make } from '@ppo/envs';
 * import { initMujoco, registerMujocoEnvs } from '@ppo/envs-mujoco';
 * await initMujoco();
 * registerMujocoEnvs();
 * const env = make('HalfCheetah-v5');
 * ```
 *
 * @example In a module Web Worker of a page, sending frames to the page:
 * ```ts
 * // worker.ts, started by the page with
 * //   new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' })
 * import { HalfCheetahEnv, initMujoco } from '@ppo/envs-mujoco';
 * await initMujoco();
 * const env = new HalfCheetahEnv();
 * env.reset({ seed: 0 });
 * const action = new Float32Array(env.nu);
 * for (let t = 0; t < 1000; t++) {
 *   env.step(action);
 *   postMessage({ svg: env.render().svg }); // the page sets `element.innerHTML = svg`
 * }
 * ```
 */
export async function initMujoco(options: InitMujocoOptions = {}): Promise<MainModule> {
  if (options === null || typeof options !== 'object') {
    throw new PpoTypeError('INVALID_ARGUMENT', `initMujoco: options must be an object { module? }, got ${String(options)}`);
  }
  if (options.module !== undefined) {
    const m = options.module as Partial<MainModule> | null;
    if (m === null || typeof m !== 'object' || typeof m.mj_step !== 'function' || typeof m.MjModel !== 'function') {
      throw new PpoTypeError('INVALID_ARGUMENT', 'initMujoco: options.module must be a started mujoco-js module (the result of `await loadMujoco()`)');
    }
  }
  if (instance !== undefined) return instance;
  if (options.module !== undefined) {
    instance = prepare(options.module);
    return instance;
  }
  starting ??= import('mujoco-js')
    .then(async (pkg) => prepare(await pkg.default()))
    .then(
      (module) => {
        instance = module;
        return module;
      },
      (error: unknown) => {
        starting = undefined;
        throw error;
      },
    );
  return starting;
}

/** Whether {@link initMujoco} has completed, so that MuJoCo envs can be built synchronously. */
export function isMujocoReady(): boolean {
  return instance !== undefined;
}

/**
 * The started module; raises a clear error when {@link initMujoco} has not completed.
 *
 * @param owner - named in the error message (the env or function that needs the module).
 */
export function getMujoco(owner = 'getMujoco'): MainModule {
  if (instance === undefined) {
    throw new PpoError(
      'INVALID_STATE',
      `${owner}: the MuJoCo WebAssembly module is not started; call \`await initMujoco()\` from '@ppo/envs-mujoco' once before making MuJoCo envs`,
    );
  }
  return instance;
}

/**
 * Compiles an MJCF document held in a string: it is written to the module's in-memory file
 * system, loaded, and the file removed. The caller owns the returned model and frees it with
 * `model.delete()`.
 */
export function compileModel(module: MainModule, xml: string, owner: string): MjModel {
  if (typeof xml !== 'string' || xml.length === 0) {
    throw new PpoTypeError('INVALID_ARGUMENT', `${owner}: the MJCF model must be a non-empty string`);
  }
  fileCounter += 1;
  const path = `${MODEL_DIR}/model-${fileCounter}.xml`;
  module.FS.writeFile(path, xml);
  try {
    const model = module.MjModel.loadFromXML(path) as MjModel | null | undefined;
    if (model === null || model === undefined) throw new PpoError('SIMULATOR_FAILED', `${owner}: MuJoCo could not compile the model`);
    return model;
  } catch (error) {
    throw new PpoError('SIMULATOR_FAILED', `${owner}: MuJoCo could not compile the model: ${error instanceof Error ? error.message : String(error)}`);
  } finally {
    module.FS.unlink(path);
  }
}
