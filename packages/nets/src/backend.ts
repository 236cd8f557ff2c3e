import { PpoRangeError, PpoError } from '@ppo/utils';
import * as tf from '@tensorflow/tfjs';

/** The backends {@link selectBackend} knows, by the name tfjs registers each under, fastest first (the order `'auto'` tries). */
export const BACKEND_NAMES = ['tensorflow', 'wasm', 'cpu'] as const;

/** What {@link selectBackend} can be asked for: `'auto'` or one of {@link BACKEND_NAMES}. */
export const BACKEND_REQUESTS = ['auto', ...BACKEND_NAMES] as const;

/** A backend that {@link selectBackend} can be asked for. */
export type BackendRequest = (typeof BACKEND_REQUESTS)[number];

/** The name tfjs registers each backend under. */
export type BackendName = (typeof BACKEND_NAMES)[number];

/** Options of {@link selectBackend}. */
export interface SelectBackendOptions {
  /**
   * Loads an optional backend package by name (it registers the backend as a side effect).
   * Defaults to a dynamic `import()`; tests and bundlers may supply their own.
   */
  readonly load?: (packageName: string) => Promise<unknown>;
}

const BACKEND_PACKAGES: Readonly<Record<Exclude<BackendName, 'cpu'>, string>> = {
  tensorflow: '@tensorflow/tfjs-node',
  wasm: '@tensorflow/tfjs-backend-wasm',
};

const INSTALL_HINTS: Readonly<Record<Exclude<BackendName, 'cpu'>, string>> = {
  tensorflow:
    "install it with 'npm install @tensorflow/tfjs-node' (it downloads libtensorflow for your platform), or ask for 'wasm' or 'cpu'",
  wasm: "install it with 'npm install @tensorflow/tfjs-backend-wasm', or ask for 'cpu'",
};

/**
 * The default `load`: a dynamic `import()`.
 *
 * @internal
 */
export async function importPackage(packageName: string): Promise<unknown> {
  return import(packageName);
}

async function tryBackend(name: BackendName, load: (packageName: string) => Promise<unknown>): Promise<Error | null> {
  if (name !== 'cpu' && tf.findBackendFactory(name) === null) {
    try {
      await load(BACKEND_PACKAGES[name]);
    } catch (error) {
      return error instanceof Error ? error : new Error(String(error));
    }
  }
  try {
    const ok = await tf.setBackend(name);
    return ok ? null : new Error(`tf.setBackend('${name}') returned false`);
  } catch (error) {
    return error instanceof Error ? error : new Error(String(error));
  }
}

/**
 * Makes one backend current for the shared tfjs engine and returns its name.
 *
 * `auto` tries `@tensorflow/tfjs-node` (native TensorFlow), then
 * `@tensorflow/tfjs-backend-wasm` (its `.wasm` binaries ship inside the npm package, so no
 * network is needed), then the plain JavaScript `cpu` backend. Asking for a backend whose
 * package is missing raises an error that says how to install it. Gradients come with the
 * `@tensorflow/tfjs` umbrella package, so they are registered whichever backend runs.
 *
 * In Node, use `selectBackend` of `@ppo/nets/node` instead: it also tells the wasm backend
 * where its binaries are installed, which this browser-safe entry point cannot look up (it
 * works here too as long as the wasm package is not bundled into another file).
 *
 * @example
 * ```ts
 * const backend = await selectBackend('auto'); // 'tensorflow', 'wasm' or 'cpu'
 * ```
 */
export async function selectBackend(request: BackendRequest = 'auto', options: SelectBackendOptions = {}): Promise<BackendName> {
  const load = options.load ?? importPackage;
  if (request === 'auto') {
    for (const name of BACKEND_NAMES) {
      if ((await tryBackend(name, load)) === null) return name;
    }
    throw new PpoError('BACKEND_UNAVAILABLE', "selectBackend('auto') found no usable backend, not even 'cpu'");
  }
  if (!(BACKEND_NAMES as readonly unknown[]).includes(request)) {
    const allowed = BACKEND_REQUESTS.map((name) => `'${name}'`).join(', ');
    throw new PpoRangeError('INVALID_ARGUMENT', `backend must be one of ${allowed}, got ${JSON.stringify(request)}`);
  }
  const failure = await tryBackend(request, load);
  if (failure !== null) {
    const hint = request === 'cpu' ? '' : `; ${INSTALL_HINTS[request]}`;
    throw new PpoError('BACKEND_UNAVAILABLE', `backend '${request}' is not available (${failure.message})${hint}`, { cause: failure });
  }
  return request;
}
