import { ActorCritic, applyWeights, type WeightsManifest } from '@ppo/nets';
import { RunningMeanStd } from '@ppo/utils';
import { POLICY_FILE, type ExportedPolicy } from '@ppo/trainer';

/** Reads one file of an export folder. */
export type ReadExportFile = (name: string) => Promise<ArrayBuffer | Uint8Array>;

/** A policy restored from `ppo export`, and what training did to observations before it saw them. */
export interface LoadedPolicy {
  readonly policy: ActorCritic;
  readonly spec: ExportedPolicy;
  /** Normalizes (the mujoco preset) and clips a raw observation as training did. */
  readonly prepare: (observation: Float32Array) => Float32Array;
}

/** Loads an exported policy (select the tfjs backend first). */
export async function loadPolicy(read: ReadExportFile): Promise<LoadedPolicy> {
  const readJson = async (name: string): Promise<unknown> => JSON.parse(new TextDecoder().decode(await read(name)));
  const spec = (await readJson(POLICY_FILE)) as ExportedPolicy;
  const manifest = (await readJson('weights.json')) as WeightsManifest;
  const chunks = await Promise.all(manifest.weightsManifest.flatMap((group) => group.paths).map(async (path) => new Uint8Array(await read(path))));
  const bytes = new Uint8Array(chunks.reduce((sum, chunk) => sum + chunk.byteLength, 0));
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }

  const policy = new ActorCritic({ ...spec.actorCritic, seed: 0 }); // the weights replace the init
  applyWeights(manifest, bytes, policy);

  const { normalization, clip } = spec.observation;
  const statistics = normalization === null ? null : RunningMeanStd.fromState(normalization);
  const prepare = (observation: Float32Array): Float32Array => {
    if (statistics !== null) return statistics.normalize(observation, undefined, clip === null ? {} : { clip });
    return clip === null ? observation : observation.map((x) => Math.min(clip, Math.max(-clip, x)));
  };
  return { policy, spec, prepare };
}
