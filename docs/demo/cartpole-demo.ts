import { serveWasmBinaries } from './wasm-binaries.js';
import { make } from '@ppo/envs';
import { loadPolicy, selectBackend, type BackendName, type LoadedPolicy } from '@ppo/nets';
import { onnxActions } from './onnx-check.js';

/** Makes the wasm backend current, with its binaries read from where the bundle serves them. */
export async function setupBackend(): Promise<BackendName> {
  serveWasmBinaries();
  // wasm-binaries.ts imports the backend, which registers it, so this only initializes it.
  return selectBackend('wasm'); // or, with no wasm import and no binaries to serve: selectBackend('cpu')
}

/** One episode: its return (null when stopped early), and each observation with the action taken. */
export interface Episode {
  readonly episodeReturn: number | null;
  readonly observations: Float32Array[];
  readonly actions: number[];
}

/**
 * Plays one episode of the policy's env, one step per animation frame, handing each SVG frame
 * to `draw`. `isStopped` ends it early (the return is then null).
 */
export function play(
  policy: LoadedPolicy,
  draw: (svg: string) => void,
  { seed = 0, isStopped = () => false }: { seed?: number; isStopped?: () => boolean } = {},
): Promise<Episode> {
  const env = make<Float32Array, number>(policy.spec.env, policy.spec.envOptions);
  let observation = env.reset({ seed }).observation;
  let episodeReturn = 0;
  const observations: Float32Array[] = [];
  const actions: number[] = [];
  const render = (): void => {
    const picture = env.render?.();
    if (picture?.kind === 'svg') draw(picture.svg);
  };
  return new Promise((resolve, reject) => {
    const frame = (): void => {
      try {
        if (isStopped()) {
          env.close();
          resolve({ episodeReturn: null, observations, actions });
          return;
        }
        // Deterministic: the most likely action, after the observation preprocessing of training.
        const [action] = policy.predict(observation);
        observations.push(Float32Array.from(observation));
        actions.push(action);
        const step = env.step(action);
        episodeReturn += step.reward;
        observation = step.observation;
        render();
        if (step.terminated || step.truncated) {
          env.close();
          resolve({ episodeReturn, observations, actions });
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

/** How many of the episode's actions the export's ONNX file, run by onnxruntime-web, takes too. */
async function onnxAgreement(exportUrl: string, policy: LoadedPolicy, episode: Episode): Promise<number> {
  const size = policy.observationSize;
  const batch = new Float32Array(episode.observations.length * size);
  episode.observations.forEach((o, i) => batch.set(o, i * size));
  const actions = await onnxActions(`${exportUrl}/policy.onnx`, batch, episode.observations.length, size);
  return episode.actions.filter((a, i) => actions[i] === a).length;
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
  // Fetches policy.json and the weights it lists, checking each file's SHA-256.
  const loaded = await loadPolicy(exportUrl);
  root.dataset.backend = backend;
  let episode = 0;
  const run = async (): Promise<void> => {
    button.disabled = true;
    status.textContent = `Playing episode ${episode + 1} on the ${backend} backend…`;
    const played = await play(loaded, (svg) => (frame.innerHTML = svg), { seed: episode, isStopped: () => stopped });
    if (played.episodeReturn === null) return;
    episode++;
    const agreed = await onnxAgreement(exportUrl, loaded, played);
    // The browser test reads these attributes.
    root.dataset.onnxAgreement = `${agreed}/${played.actions.length}`;
    root.dataset.episodeReturn = String(played.episodeReturn);
    status.textContent =
      `Episode ${episode}: return ${played.episodeReturn} (the maximum is 500), on the ${backend} backend. ` +
      `The ONNX export, run by onnxruntime-web, takes the same action in ${agreed} of the ${played.actions.length} steps.`;
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
      loaded.dispose();
    },
  };
}
