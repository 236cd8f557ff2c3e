/**
 * Node-only: `ppo export`, a run's policy as @ppo/nets weights plus the description a page
 * needs to rebuild it.
 */
import { existsSync, lstatSync, readdirSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { saveWeights, selectBackend, MANIFEST_FILE } from '@ppo/nets/node';
import type { RunningMeanStdState } from '@ppo/utils';
import { PpoError } from '@ppo/utils';
import { readCheckpoint } from './checkpoint-files';
import { importRunEnvModules, type RunModuleConsent } from './env-modules';
import { createFile, makeFolder, remove, rename } from './file-ops';
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

/** Options of {@link exportRun}. */
export interface ExportRunOptions extends RunModuleConsent {
  /** The export folder; default `<runDir>/export`. */
  readonly out?: string;
  /** Receives notices (such as the env modules imported); default: standard error. */
  readonly onNotice?: (message: string) => void;
}

/** Whether `name` is a file an export writes. */
function isExportFile(name: string): boolean {
  return name === POLICY_FILE || name === MANIFEST_FILE || /^weights-[0-9a-f]{8}\.bin$/.test(name);
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
 * (default `<runDir>/export`): the network's
 * weights in @ppo/nets' format (`weights.json` and its binary file, as `saveWeights` writes
 * them, under `ActorCritic`'s variable names) and `policy.json` ({@link ExportedPolicy}: the
 * network options, the action space, the observation normalization statistics and clipping).
 * A page loads it with `applyWeights` from `@ppo/nets`, without the trainer's checkpoint
 * format.
 *
 * The export is written whole into a new folder next to `out` and renamed into place, so a
 * reader (or a kill) sees the old export or the new one, never a mix; an existing `out` is
 * replaced only if it holds nothing but an earlier export. The run directory is locked
 * meanwhile. The env modules the run names are imported only with consent
 * (`options.envModules` or `options.trustRunModules`, see `importRunEnvModules`).
 *
 * @example
 * ```ts
 * await exportRun('runs/cartpole'); // runs/cartpole/export/{policy.json, weights.json, weights-*.bin}
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

async function exportCheckpoint(runDir: string, out: string, consent: RunModuleConsent, notice: (message: string) => void): Promise<ExportResult> {
  const checkpointDir = bestAvailableCheckpointDir(runDir);
  const stored = readCheckpoint(checkpointDir);
  const envModules = await importRunEnvModules(stored.meta.config.envModules, consent, notice);
  const checkpoint = { ...stored, meta: { ...stored.meta, config: { ...stored.meta.config, envModules } } };
  const { config, counters, normalization } = checkpoint.meta;
  await selectBackend(config.backend);
  const ppo = await PPO.restore(checkpoint, null);
  try {
    const network = ppo.actorCritic;
    const torso = ppo.torsoOptions as NonNullable<typeof ppo.torsoOptions>;
    const policy: ExportedPolicy = {
      format: 'ppo-policy',
      version: 1,
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
        normalization: normalization.observation as RunningMeanStdState | null,
        clip: config.clipObservation,
      },
      clipAction: config.clipAction,
      ...(ppo.actionMaskSize > 0 ? { actionMask: { size: ppo.actionMaskSize } } : {}),
      source: { checkpoint: relative(runDir, checkpointDir), globalStep: counters.globalStep, update: counters.update },
    };
    removeExportLeftovers(out);
    const temp = `${out}.tmp-${process.pid}`;
    makeFolder(temp);
    await saveWeights(temp, network);
    createFile(join(temp, POLICY_FILE), `${JSON.stringify(policy, null, 2)}\n`, { exclusive: true });
    replaceFolder(out, temp);
    return { out, checkpoint: checkpointDir, policy };
  } finally {
    await ppo.close();
  }
}
