// A bundled app imports its tfjs backend statically: a dynamic import of a package name cannot
// be resolved in a browser. Importing the wasm backend registers it; the bundler emits its three
// binaries as assets (`?url`), and setWasmPaths tells the backend where they are served.
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import wasmUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimdUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreadedSimdUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import { Rng } from '@ppo/utils';
import { make } from '@ppo/envs';
import { selectBackend, type BackendName } from '@ppo/nets';
import { loadPolicy, type LoadedPolicy } from './load-policy.js';

/** Makes the wasm backend current, with its binaries read from where the bundle serves them. */
export async function setupBackend(): Promise<BackendName> {
  setWasmPaths({
    'tfjs-backend-wasm.wasm': wasmUrl,
    'tfjs-backend-wasm-simd.wasm': wasmSimdUrl,
    'tfjs-backend-wasm-threaded-simd.wasm': wasmThreadedSimdUrl,
  });
  // The backend is registered already (the import above), so this only initializes it.
  return selectBackend('wasm'); // or, with no wasm import and no binaries to serve: selectBackend('cpu')
}

/**
 * Plays one episode of the policy's env, one step per animation frame, handing each SVG frame
 * to `draw`. Resolves to the episode's return; `isStopped` ends it early (resolving to null).
 */
export function play(
  { policy, spec, prepare }: LoadedPolicy,
  draw: (svg: string) => void,
  { seed = 0, isStopped = () => false }: { seed?: number; isStopped?: () => boolean } = {},
): Promise<number | null> {
  const env = make<Float32Array, number>(spec.env, spec.envOptions);
  const rng = new Rng(seed);
  let observation = env.reset({ seed }).observation;
  let episodeReturn = 0;
  const render = (): void => {
    const picture = env.render?.();
    if (picture?.kind === 'svg') draw(picture.svg);
  };
  return new Promise((resolve, reject) => {
    const frame = (): void => {
      try {
        if (isStopped()) {
          env.close();
          resolve(null);
          return;
        }
        // Deterministic: the most likely action.
        const { actions } = policy.act(prepare(observation), 1, rng, { deterministic: true });
        const step = env.step(actions[0]);
        episodeReturn += step.reward;
        observation = step.observation;
        render();
        if (step.terminated || step.truncated) {
          env.close();
          resolve(episodeReturn);
          return;
        }
        requestAnimationFrame(frame);
      } catch (error) {
        env.close();
        reject(error instanceof Error ? error : new Error(String(error)));
      }
    };
    render();
    requestAnimationFrame(frame);
  });
}

/** A running demo; `dispose` stops the episode and frees the policy's weights. */
export interface Demo {
  readonly dispose: () => void;
}

/**
 * The page's entry point. `root` holds a `.frame` element (the animation), a `.status` element
 * and a `button` that plays another episode; `exportUrl` is where the `ppo export` folder is
 * served.
 */
export async function startDemo(root: HTMLElement, exportUrl: string): Promise<Demo> {
  const frame = root.querySelector<HTMLElement>('.frame');
  const status = root.querySelector<HTMLElement>('.status');
  const button = root.querySelector<HTMLButtonElement>('button');
  if (frame === null || status === null || button === null) throw new Error('startDemo: root needs a .frame, a .status and a button');
  let stopped = false;
  const backend = await setupBackend();
  const loaded = await loadPolicy(async (name) => {
    const response = await fetch(`${exportUrl}/${name}`);
    if (!response.ok) throw new Error(`${exportUrl}/${name}: HTTP ${response.status}`);
    return response.arrayBuffer();
  });
  root.dataset.backend = backend;
  let episode = 0;
  const run = async (): Promise<void> => {
    button.disabled = true;
    status.textContent = `Playing episode ${episode + 1} on the ${backend} backend…`;
    const episodeReturn = await play(loaded, (svg) => (frame.innerHTML = svg), { seed: episode, isStopped: () => stopped });
    if (episodeReturn === null) return;
    episode++;
    // The browser test reads this attribute.
    root.dataset.episodeReturn = String(episodeReturn);
    status.textContent = `Episode ${episode}: return ${episodeReturn} (the maximum is 500), on the ${backend} backend.`;
    button.disabled = false;
  };
  const fail = (error: unknown): void => {
    status.textContent = `The demo failed: ${error instanceof Error ? error.message : String(error)}`;
    console.error(error);
  };
  button.addEventListener('click', () => {
    run().catch(fail);
  });
  run().catch(fail);
  return {
    dispose: () => {
      stopped = true;
      loaded.policy.dispose();
    },
  };
}
