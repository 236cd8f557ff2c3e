/**
 * Node-only: `ppo export`, a run's policy as @ppo/nets weights plus the description a page
 * needs to rebuild it, as a tfjs LayersModel and as ONNX.
 */
import { existsSync, lstatSync, readdirSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { selectBackend, MANIFEST_FILE } from '@ppo/nets/node';
import { ActorCritic } from '@ppo/nets';
import { describeValue, PpoError } from '@ppo/utils';
import { readCheckpoint } from './checkpoint-files';
import { assertInside } from './confined-path';
import { importRunEnvModules, type RunModuleConsent } from './env-modules';
import { loadEnvPackage } from './env-packages';
import { createFile, makeFolder, remove, rename } from './file-ops';
import { LAYERS_MODEL_FILE } from './layers-export';
import { ONNX_FILE } from './onnx-export';
import { describePolicy, policyFiles, type PolicyDescription } from './policy-files';
import { POLICY_FILE, type ExportedPolicy } from './policy-export';
import { PPO } from './ppo';
import { bestAvailableCheckpointDir, noticeToStderr, runPath } from './run-files';
import { lockRunDirectory, processAlive } from './run-lock';

/** What {@link exportRun} wrote. */
export interface ExportResult {
  /** The export folder. */
  readonly out: string;
  /** The checkpoint folder exported. */
  readonly checkpoint: string;
  /** The policy description written to `policy.json`. */
  readonly policy: ExportedPolicy;
}

export type { PolicyDescription } from './policy-files';

/** Options of {@link exportRun}. */
export interface ExportRunOptions extends RunModuleConsent {
  /** The export folder; default `<runDir>/export`. */
  readonly out?: string;
  /** Receives notices (such as the env modules imported); default: standard error. */
  readonly onNotice?: (message: string) => void;
}

/** Whether `name` is a file an export writes. */
function isExportFile(name: string): boolean {
  return (
    name === POLICY_FILE ||
    name === MANIFEST_FILE ||
    name === LAYERS_MODEL_FILE ||
    name === ONNX_FILE ||
    /^weights-[0-9a-f]{8}\.bin$/.test(name) ||
    /^group1-shard\d+of\d+\.bin$/.test(name)
  );
}

/** Refuses an export folder that holds anything but an earlier export (or is a link). */
function checkExportTarget(out: string): void {
  let stats;
  try {
    stats = lstatSync(out);
  } catch {
    return;
  }
  if (stats.isSymbolicLink()) throw new PpoError('BAD_OUTPUT', `export folder ${out} is a symbolic link; give the folder itself`);
  if (!stats.isDirectory()) throw new PpoError('BAD_OUTPUT', `export folder ${out} exists and is not a folder`);
  const foreign = readdirSync(out, { withFileTypes: true }).filter((entry) => !entry.isFile() || !isExportFile(entry.name));
  if (foreign.length > 0) {
    throw new PpoError(
      'BAD_OUTPUT',
      `export folder ${out} holds entries that an export does not write (${foreign.slice(0, 5).map((e) => e.name).join(', ')}${foreign.length > 5 ? ', ...' : ''}); ` +
        'an export replaces only a folder that holds an earlier export: choose a new or empty folder',
    );
  }
}

/** Whether `name` is a file an export writes, or the temporary name `saveWeights` writes it under. */
function isExportWriteFile(name: string): boolean {
  return isExportFile(name) || /^weights(\.json|-[0-9a-f]{8}\.bin)\.tmp-\d+-[0-9a-f]{8}$/.test(name);
}

/**
 * Removes the temporary folders (`<out>.tmp-PID`, `<out>.old-PID`) of exports to `out` that
 * were killed midway: those of this process, or of a process that is gone, holding nothing but
 * an export's files.
 */
function removeExportLeftovers(out: string): void {
  const parent = dirname(out);
  if (!existsSync(parent)) return;
  const prefix = `${basename(out)}.`;
  for (const entry of readdirSync(parent, { withFileTypes: true })) {
    const match = entry.name.startsWith(prefix) ? /^(tmp|old)-(\d+)$/.exec(entry.name.slice(prefix.length)) : null;
    if (match === null || !entry.isDirectory()) continue;
    const pid = Number(match[2]);
    if (pid !== process.pid && processAlive(pid)) continue;
    const path = join(parent, entry.name);
    if (readdirSync(path).every(isExportWriteFile)) remove(path);
  }
}

/** Puts the complete folder `temp` in the place of `out` (an earlier export or nothing). */
function replaceFolder(out: string, temp: string): void {
  if (!existsSync(out)) {
    rename(temp, out);
    return;
  }
  const old = `${out}.old-${process.pid}`;
  rename(out, old);
  rename(temp, out);
  remove(old);
}

/**
 * Exports a run's policy (final/, or the latest checkpoint of a run stopped early) to `out`
 * (default `<runDir>/export`), as
 * - `policy.json` ({@link ExportedPolicy}, version 2: the network options, the action space,
 *   the observation normalization statistics and clipping, and the SHA-256 of every other file),
 *   with the weights in @ppo/nets' format (`weights.json` and its binary file, under
 *   `ActorCritic`'s variable names): `loadPolicy` from `@ppo/nets` loads and checks them;
 * - `model.json` and `group1-shard*of*.bin`: a standard tfjs LayersModel of the deterministic
 *   policy that `tf.loadLayersModel` loads; `predict` takes raw observations (normalization and
 *   clipping built in) and gives the logits of a discrete policy (the action is their argmax
 *   plus the space's `start`) or a box policy's action (clipped to the bounds when training
 *   clipped);
 * - `policy.onnx`: the same policy as ONNX (opset 13), input `observation` [batch, D] float32,
 *   output `action` (int32 [batch] for discrete spaces, float32 [batch, size] for box).
 * A policy the standard formats cannot express (an action space other than discrete and box)
 * is exported without them, with a notice.
 *
 * The export is written whole into a new folder next to `out` and renamed into place, so a
 * reader (or a kill) sees the old export or the new one, never a mix; an existing `out` is
 * replaced only if it holds nothing but an earlier export. The run directory is locked
 * meanwhile. The env modules the run names are imported only with consent
 * (`options.envModules` or `options.trustRunModules`, see `importRunEnvModules`).
 *
 * @example
 * ```ts
 * await exportRun('runs/cartpole'); // runs/cartpole/export/{policy.json, weights.json, model.json, policy.onnx, ...}
 * ```
 */
export async function exportRun(runDir: string, options: ExportRunOptions = {}): Promise<ExportResult> {
  if (!existsSync(runDir)) throw new PpoError('NOT_A_RUN', `run directory '${runDir}' does not exist`);
  const out = options.out ?? runPath(runDir, 'export');
  const notice = options.onNotice ?? noticeToStderr;
  const lock = lockRunDirectory(runDir, 'export');
  try {
    checkExportTarget(out);
    return await exportCheckpoint(runDir, out, options, notice);
  } finally {
    lock.release();
  }
}

/** Writes the export of `network` whole into a new folder next to `out`, then puts it in place. */
async function writeExport(out: string, network: ActorCritic, description: PolicyDescription, notice: (message: string) => void): Promise<ExportedPolicy> {
  removeExportLeftovers(out);
  const { policy, files } = await policyFiles(network, description, { onNotice: notice });
  const temp = `${out}.tmp-${process.pid}`;
  makeFolder(temp);
  for (const [name, bytes] of files) createFile(assertInside(temp, name), bytes, { exclusive: true });
  replaceFolder(out, temp);
  return policy;
}

/** Options of {@link exportPolicy}. */
export interface ExportPolicyOptions {
  /** Receives notices (a format the policy cannot be written in); default: standard error. */
  readonly onNotice?: (message: string) => void;
}

/**
 * Exports a network of your own (a custom loop, a `PPO` in code) to the folder `out`, in the
 * files and with the guarantees of {@link exportRun}, on the active tfjs backend.
 * `description.actorCritic` must describe `network` (its observation size, action space and
 * torso sharing are checked).
 *
 * @example
 * ```ts
 * await exportPolicy(ppo.actorCritic, {
 *   env: 'CartPole-v1', envOptions: {}, clipAction: false,
 *   actorCritic: { observationSize: 4, actionSpace: { type: 'discrete', n: 2 }, torso: 'mlp', hiddenSizes: [64, 64], activation: 'tanh', shared: false },
 *   observation: { normalization: null, clip: null },
 *   source: { checkpoint: '', globalStep: 0, update: 0 },
 * }, 'site/policy');
 * ```
 */
export async function exportPolicy(network: ActorCritic, description: PolicyDescription, out: string, options: ExportPolicyOptions = {}): Promise<ExportedPolicy> {
  if (!(network instanceof ActorCritic)) throw new PpoError('INVALID_ARGUMENT', `network must be an ActorCritic, got ${describeValue(network)}`);
  const net = description.actorCritic;
  const mismatch =
    net.observationSize !== network.observationSize ? `observationSize ${net.observationSize}, the network has ${network.observationSize}` :
    JSON.stringify(net.actionSpace) !== JSON.stringify(network.actionSpace) ? `actionSpace ${JSON.stringify(net.actionSpace)}, the network has ${JSON.stringify(network.actionSpace)}` :
    net.shared !== network.shared ? `shared ${net.shared}, the network has ${network.shared}` : null;
  if (mismatch !== null) throw new PpoError('INVALID_ARGUMENT', `description.actorCritic does not describe the network: ${mismatch}`);
  checkExportTarget(out);
  return writeExport(out, network, description, options.onNotice ?? noticeToStderr);
}

async function exportCheckpoint(runDir: string, out: string, consent: RunModuleConsent, notice: (message: string) => void): Promise<ExportResult> {
  const checkpointDir = bestAvailableCheckpointDir(runDir);
  const stored = readCheckpoint(checkpointDir);
  const envModules = await importRunEnvModules(stored.meta.config.envModules, consent, notice);
  const checkpoint = { ...stored, meta: { ...stored.meta, config: { ...stored.meta.config, envModules } } };
  const { config, counters } = checkpoint.meta;
  await loadEnvPackage(config.env);
  await selectBackend(config.backend);
  const ppo = await PPO.restorePolicy(checkpoint);
  try {
    const source = { checkpoint: relative(runDir, checkpointDir), globalStep: counters.globalStep, update: counters.update };
    const policy = await writeExport(out, ppo.actorCritic, describePolicy(ppo, source), notice);
    return { out, checkpoint: checkpointDir, policy };
  } finally {
    await ppo.close();
  }
}
