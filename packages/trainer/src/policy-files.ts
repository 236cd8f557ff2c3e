/**
 * A trained policy's export files in memory (browser-safe): what `ppo export` writes to a folder,
 * for a page that offers them as downloads. `exportRun` and `exportPolicy` of
 * `@ppo/trainer/node` write exactly these files.
 */
import { sha256Hex, weightFiles, type ActorCritic } from '@ppo/nets';
import { PpoError } from '@ppo/utils';
import { policyToLayersModel } from './layers-export';
import { ONNX_FILE, policyToOnnx } from './onnx-export';
import { policyGraph } from './policy-graph';
import { POLICY_FILE, type ExportedPolicy } from './policy-export';
import type { PPO } from './ppo';

/** What describes a policy to export: `policy.json` without the fields the export fills in. */
export type PolicyDescription = Omit<ExportedPolicy, 'format' | 'version' | 'files'>;

/**
 * The LayersModel's and the ONNX file's bytes by file name; none (with a notice saying why) for
 * a policy those formats cannot express, which keeps @ppo/nets' own format.
 */
async function standardFormats(
  spec: Omit<ExportedPolicy, 'files'>,
  weights: ReadonlyMap<string, Float32Array>,
  notice: (message: string) => void,
): Promise<Map<string, Uint8Array>> {
  const files = new Map<string, Uint8Array>();
  const skipped = (format: string, error: unknown): void => {
    if (!PpoError.is(error, 'UNSUPPORTED_EXPORT')) throw error;
    notice(`export: no ${format}: ${(error as Error).message}`);
  };
  let graph;
  try {
    graph = policyGraph({ ...spec, files: {} }, weights);
  } catch (error) {
    skipped('LayersModel or ONNX file', error);
    return files;
  }
  try {
    for (const [name, bytes] of await policyToLayersModel(graph)) files.set(name, bytes);
  } catch (error) {
    skipped('LayersModel', error);
  }
  files.set(ONNX_FILE, policyToOnnx(graph, { env: spec.env }));
  return files;
}

/** Options of {@link policyFiles}. */
export interface PolicyFilesOptions {
  /** Receives notices (a format the policy cannot be written in); default: ignored. */
  readonly onNotice?: (message: string) => void;
}

/**
 * The export of `network` in memory, file name to bytes, sorted by name: `policy.json`
 * ({@link ExportedPolicy} version 2, with the SHA-256 of every other file), the weights in
 * @ppo/nets' format (`weights.json` and `weights-<hash>.bin`), the tfjs LayersModel
 * (`model.json`, `group1-shard*of*.bin`) and `policy.onnx`, as `ppo export` writes them (see
 * `exportRun` of `@ppo/trainer/node`). `loadPolicy` of @ppo/nets loads them back from a read
 * function. Needs a tfjs backend and Web Crypto (`crypto.subtle`).
 *
 * @example
 * ```ts
 * const { files } = await policyFiles(ppo.actorCritic, describePolicy(ppo));
 * for (const [name, bytes] of files) offerDownload(name, bytes);
 * ```
 */
export async function policyFiles(
  network: ActorCritic,
  description: PolicyDescription,
  options: PolicyFilesOptions = {},
): Promise<{ readonly policy: ExportedPolicy; readonly files: ReadonlyMap<string, Uint8Array> }> {
  const weights = weightFiles(network);
  const files = new Map<string, Uint8Array>([
    [weights.manifestName, new TextEncoder().encode(weights.manifest)],
    [weights.binaryName, weights.binary],
  ]);
  const spec: Omit<ExportedPolicy, 'files'> = { format: 'ppo-policy', version: 2, ...description };
  for (const [name, bytes] of await standardFormats(spec, network.getWeights(), options.onNotice ?? (() => undefined))) files.set(name, bytes);
  const names = [...files.keys()].sort();
  const digests: Record<string, string> = {};
  for (const name of names) digests[name] = await sha256Hex(files.get(name) as Uint8Array);
  const policy: ExportedPolicy = { ...spec, files: digests };
  files.set(POLICY_FILE, new TextEncoder().encode(`${JSON.stringify(policy, null, 2)}\n`));
  return { policy, files: new Map([...files].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) };
}

/**
 * The description of a trainer's built-in policy for {@link policyFiles}: the env, the network
 * options that rebuild it, the observation normalization statistics and clipping of its config,
 * and `source` (where it came from; default: this trainer's counters, no checkpoint).
 * Throws for a recurrent or custom policy (see {@link PPO.actorCritic}).
 */
export function describePolicy(ppo: PPO, source?: ExportedPolicy['source']): PolicyDescription {
  const { config } = ppo;
  const network = ppo.actorCritic;
  const torso = ppo.torsoOptions as NonNullable<PPO['torsoOptions']>;
  return {
    env: config.env,
    envOptions: config.envOptions,
    actorCritic: {
      observationSize: network.observationSize,
      actionSpace: network.actionSpace,
      ...torso,
      hiddenSizes: config.hiddenSizes,
      activation: config.activation,
      shared: network.shared,
    },
    observation: {
      normalization: ppo.observationNormalization,
      clip: config.clipObservation,
    },
    clipAction: config.clipAction,
    ...(ppo.actionMaskSize > 0 ? { actionMask: { size: ppo.actionMaskSize } } : {}),
    source: source ?? { checkpoint: '', globalStep: ppo.globalStep, update: ppo.update },
  };
}
