/**
 * Node-only: the run directory (config.json, metrics.jsonl, progress.csv, checkpoints/,
 * final/), file loggers, atomic files, and the choice of the checkpoint to resume from. A run
 * directory is untrusted input: names read from its files and links in it never lead outside it.
 */
import { createHash } from 'node:crypto';
import { existsSync, lstatSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Checkpoint } from './checkpoint';
import { CHECKPOINT_FILES, CorruptCheckpointError, digest, LOG_FILES, readCheckpointFiles, writeCheckpoint, type Digest } from './checkpoint-files';
import { assertInside, UnsafePathError } from './confined-path';
import { append, createFile, flush, makeFolder, readRegularFile, remove, rename, truncate } from './file-ops';
import { EVAL_METRIC_NAMES } from './evaluation';
import { METRIC_NAMES, type Logger } from './loggers';
import { LOGGED_METRIC_NAMES } from './metric-names';
import type { CheckpointSink } from './ppo';
import { PpoError } from '@ppo/utils';

export { readCheckpoint, writeCheckpoint } from './checkpoint-files';

/** File and folder names inside a run directory. */
export const RUN_LAYOUT = Object.freeze({
  config: 'config.json',
  metrics: 'metrics.jsonl',
  progress: 'progress.csv',
  /**
   * The TensorBoard event file of `--tensorboard`. A fixed name, without the usual time and host
   * name: a checkpoint records its length like the other logs (resume cuts it back), and a run
   * directory shared with others does not carry the machine's name.
   */
  tensorboard: 'events.out.tfevents.ppo',
  checkpoints: 'checkpoints',
  final: 'final',
  actions: 'checkpoints/actions.bin',
  latest: 'checkpoints/latest.json',
  plot: 'learning-curve.svg',
  plotPng: 'learning-curve.png',
  lock: 'ppo.lock',
});

/** Where notices (a checkpoint skipped, modules imported) go by default: standard error. */
export function noticeToStderr(message: string): void {
  process.stderr.write(`ppo: ${message}\n`);
}

/**
 * `runDir/name` for one of the run's own files, after checking that no link on the way leads
 * out of the run directory (see `assertInside`).
 */
export function runPath(runDir: string, name: string): string {
  return existsSync(runDir) ? assertInside(runDir, name) : join(runDir, name);
}

/**
 * Writes `contents` to `path` atomically: a temporary file in the same folder, fsync, rename.
 * A link at `path` is replaced, never followed.
 */
export function writeFileAtomic(path: string, contents: string | Uint8Array): void {
  const temp = `${path}.tmp-${process.pid}`;
  createFile(temp, contents);
  rename(temp, path);
}

/** Appends one JSON object per record: `{ "global_step": step, ...metrics }` (NaN becomes null). */
export class JsonlLogger implements Logger {
  /** The file written. */
  readonly path: string;
  constructor(path: string) {
    this.path = path;
  }
  log(step: number, metrics: Readonly<Record<string, number>>): void {
    append(this.path, `${JSON.stringify({ global_step: step, ...metrics })}\n`);
  }
}

/**
 * Default columns of {@link CsvLogger}: `global_step`, then every metric the trainer logs to
 * metrics.jsonl: CleanRL's names, the trainer's own (`charts/update`,
 * `charts/mean_recent_return`, `charts/grad_norm`, ...; see `LOGGED_METRIC_NAMES`) and the
 * evaluation's `eval/*`. A fixed list, so that the header is written once, before any record,
 * and columns that appear late (evaluations) or never (`charts/kl_beta` without the KL
 * objective) still have their place. A custom objective's own terms are in metrics.jsonl only.
 */
export const PROGRESS_COLUMNS: readonly string[] = Object.freeze([
  ...new Set([
    'global_step',
    'charts/update',
    'charts/episodic_return',
    'charts/episodic_length',
    'charts/mean_recent_return',
    ...METRIC_NAMES,
    ...Object.values(LOGGED_METRIC_NAMES),
    ...EVAL_METRIC_NAMES,
  ]),
]);

/**
 * metrics.jsonl as CSV: one row per record (an episode's end, an update, an evaluation), fixed
 * columns, a header when the file is new. Missing or NaN values are empty cells; metrics
 * outside the columns are left out. Per-update rows are those with `charts/update` set.
 */
export class CsvLogger implements Logger {
  /** The file written. */
  readonly path: string;
  private readonly columns: readonly string[];
  constructor(path: string, columns: readonly string[] = PROGRESS_COLUMNS) {
    this.path = path;
    this.columns = columns;
    if (!existsSync(path) || statSync(path).size === 0) append(path, `${columns.join(',')}\n`);
  }
  log(step: number, metrics: Readonly<Record<string, number>>): void {
    const row = this.columns.map((c) => {
      const x = c === 'global_step' ? step : metrics[c];
      return x === undefined || !Number.isFinite(x) ? '' : String(x);
    });
    append(this.path, `${row.join(',')}\n`);
  }
}

/** Reads metrics.jsonl back as `{ step, metrics }` records (null becomes NaN). */
export function readMetrics(path: string): { step: number; metrics: Record<string, number> }[] {
  if (!existsSync(path)) return [];
  const records: { step: number; metrics: Record<string, number> }[] = [];
  for (const line of readRegularFile(path).toString('utf8').split('\n')) {
    if (line.trim() === '') continue;
    const raw = JSON.parse(line) as Record<string, number | null>;
    const metrics: Record<string, number> = {};
    for (const [k, v] of Object.entries(raw)) if (k !== 'global_step') metrics[k] = v === null ? Number.NaN : v;
    records.push({ step: Number(raw.global_step), metrics });
  }
  return records;
}

const CHECKPOINT_NAME = /^update-\d{6,}$/;

function checkpointName(update: number): string {
  return `update-${String(update).padStart(6, '0')}`;
}

/**
 * The newest checkpoint folder of a run (from checkpoints/latest.json), or null when there is
 * no latest.json. The name it holds must be a checkpoint folder's (`update-NNNNNN`).
 */
export function latestCheckpointDir(runDir: string): string | null {
  const latest = runPath(runDir, RUN_LAYOUT.latest);
  if (!existsSync(latest)) return null;
  let record: unknown;
  try {
    record = JSON.parse(readRegularFile(latest, 4096).toString('utf8'));
  } catch (error) {
    throw new CorruptCheckpointError(latest, `is not readable JSON (${error instanceof Error ? error.message : String(error)})`);
  }
  const name = (record as { name?: unknown } | null)?.name;
  if (typeof name !== 'string' || !CHECKPOINT_NAME.test(name)) {
    throw new UnsafePathError(`${latest}: name ${JSON.stringify(name) ?? String(name)}`, 'is not the name of a checkpoint folder (update-NNNNNN)');
  }
  return runPath(runDir, `${RUN_LAYOUT.checkpoints}/${name}`);
}

/** The checkpoint to evaluate or export: final/ when present, else the latest. */
export function bestAvailableCheckpointDir(runDir: string): string {
  const final = runPath(runDir, RUN_LAYOUT.final);
  if (existsSync(final)) return final;
  const latest = latestCheckpointDir(runDir);
  if (latest === null) throw new PpoError('NOT_A_RUN', `${runDir} holds no checkpoint (no ${RUN_LAYOUT.final}/ and no ${RUN_LAYOUT.latest})`);
  return latest;
}

/**
 * The run directory's checkpoint sink: the action log in checkpoints/actions.bin, each
 * checkpoint in checkpoints/update-NNNNNN (the newest `keep` are kept), checkpoints/latest.json
 * pointing at the newest, and the final one also in final/. Each checkpoint's manifest holds
 * the SHA-256 of the action log up to it, kept as a running hash of what was appended.
 */
export class RunCheckpointSink implements CheckpointSink {
  private readonly runDir: string;
  private readonly keep: number;
  private readonly actionHash = createHash('sha256');
  private actionBytes = 0;
  /** When false, `final` checkpoints are not copied to final/ (a run stopped by a signal). */
  finalAllowed = true;

  /** Continues the action log already in the run directory (resume cuts it to the checkpoint first). */
  constructor(runDir: string, options: { keep?: number } = {}) {
    this.runDir = runDir;
    this.keep = options.keep ?? 3;
    const folder = runPath(runDir, RUN_LAYOUT.checkpoints);
    if (!existsSync(folder)) makeFolder(folder);
    const actions = runPath(runDir, RUN_LAYOUT.actions);
    if (existsSync(actions)) this.hashActions(readRegularFile(actions));
  }

  private hashActions(bytes: Uint8Array): void {
    this.actionHash.update(bytes);
    this.actionBytes += bytes.byteLength;
  }

  appendActions(actions: Float32Array | Int32Array): void {
    const bytes = new Uint8Array(actions.buffer, actions.byteOffset, actions.byteLength);
    append(runPath(this.runDir, RUN_LAYOUT.actions), bytes);
    this.hashActions(bytes);
  }

  save(checkpoint: Checkpoint, options: { final: boolean }): string {
    if (checkpoint.meta.actionLogBytes !== this.actionBytes) {
      throw new PpoError('INVALID_STATE', `the action log holds ${this.actionBytes} bytes, the checkpoint of update ${checkpoint.meta.counters.update} counts ${checkpoint.meta.actionLogBytes}`);
    }
    // The checkpoint names a length of the action log and of the logs; they reach the disk
    // first, so a crash never leaves a checkpoint pointing past the end of one of them.
    const actions = runPath(this.runDir, RUN_LAYOUT.actions);
    if (existsSync(actions)) flush(actions);
    const logSizes: Record<string, number> = {};
    for (const file of LOG_FILES) {
      const path = runPath(this.runDir, file);
      const exists = existsSync(path);
      if (exists) flush(path);
      logSizes[file] = exists ? statSync(path).size : 0;
    }
    const withSizes: Checkpoint = { meta: { ...checkpoint.meta, logSizes }, data: checkpoint.data };
    const actionLog: Digest = { bytes: this.actionBytes, sha256: this.actionHash.copy().digest('hex') };
    const name = checkpointName(checkpoint.meta.counters.update);
    const directory = runPath(this.runDir, `${RUN_LAYOUT.checkpoints}/${name}`);
    writeCheckpoint(directory, withSizes, actionLog);
    writeFileAtomic(runPath(this.runDir, RUN_LAYOUT.latest), `${JSON.stringify({ name, update: checkpoint.meta.counters.update })}\n`);
    this.prune();
    if (options.final && this.finalAllowed) {
      const final = runPath(this.runDir, RUN_LAYOUT.final);
      writeCheckpoint(final, withSizes, actionLog);
      return final;
    }
    return directory;
  }

  private prune(): void {
    const folder = runPath(this.runDir, RUN_LAYOUT.checkpoints);
    const names = readdirSync(folder)
      .filter((n) => CHECKPOINT_NAME.test(n))
      .sort();
    for (const n of names.slice(0, Math.max(0, names.length - this.keep))) remove(join(folder, n));
  }
}

/** `update-000004.tmp-123` or `latest.json.old-123`: the target name and the kind of leftover. */
const WRITE_LEFTOVER = /^(.+)\.(tmp|old)-\d+$/;

/** The names in the run directory itself whose interrupted writes leave leftovers. */
const ROOT_WRITES: readonly string[] = [RUN_LAYOUT.final, RUN_LAYOUT.config, RUN_LAYOUT.plot, RUN_LAYOUT.plotPng];

/** Whether `path` is a checkpoint folder that passes verification (a complete write). */
function isCompleteCheckpoint(path: string): boolean {
  if (!lstatSync(path).isDirectory()) return false;
  try {
    readCheckpointFiles(path);
    return true;
  } catch {
    return false;
  }
}

function removeLeftovers(folder: string, targets: ((name: string) => boolean) | null): void {
  // tmp before old: of two complete copies of one checkpoint, the newer one wins.
  const leftovers = readdirSync(folder)
    .map((name) => ({ name, match: WRITE_LEFTOVER.exec(name) }))
    .filter((entry): entry is { name: string; match: RegExpExecArray } => entry.match !== null && (targets === null || targets(entry.match[1])))
    .sort((a, b) => (a.match[2] === b.match[2] ? 0 : a.match[2] === 'tmp' ? -1 : 1));
  for (const { name, match } of leftovers) {
    const path = join(folder, name);
    const target = join(folder, match[1]);
    if (!existsSync(target) && isCompleteCheckpoint(path)) rename(path, target);
    else remove(path);
  }
}

/**
 * Cleans up after a process killed in the middle of {@link writeCheckpoint} or
 * {@link writeFileAtomic}: `*.tmp-PID` and `*.old-PID` entries in checkpoints/, and those of
 * final/, config.json and the plots in the run directory, are removed, except that a complete
 * checkpoint folder whose target is missing (the kill fell between the two renames that
 * replace a checkpoint) is renamed into place. Nothing else is touched. Call it holding the
 * run's lock, so that no live process is writing them.
 */
export function removeStaleCheckpointWrites(runDir: string): void {
  if (!existsSync(runDir)) return;
  removeLeftovers(runDir, (target) => ROOT_WRITES.includes(target));
  const folder = runPath(runDir, RUN_LAYOUT.checkpoints);
  if (existsSync(folder)) removeLeftovers(folder, null);
}

/**
 * Cuts one of the run's files back to `size` bytes (resume drops what was written after the
 * checkpoint); `name` is relative to the run directory and never leads out of it.
 */
export function truncateFile(runDir: string, name: string, size: number): void {
  const path = runPath(runDir, name);
  if (!existsSync(path)) {
    if (size > 0) throw new PpoError('BAD_CHECKPOINT', `${path} is missing but the checkpoint expects ${size} bytes`);
    return;
  }
  if (!lstatSync(path).isFile()) throw new UnsafePathError(path, 'is not a regular file');
  if (statSync(path).size < size) throw new PpoError('BAD_CHECKPOINT', `${path} is shorter than the checkpoint expects (${size} bytes)`);
  truncate(path, size);
}

/** The checkpoint {@link findResumeCheckpoint} chose, and the ones it passed over. */
export interface ResumePoint {
  /** The checkpoint folder. */
  readonly directory: string;
  readonly checkpoint: Checkpoint;
  /** The digest of the action log prefix it replays (checked against checkpoints/actions.bin). */
  readonly actionLog: Digest;
  /** Newer checkpoints that failed verification, each with the reason. */
  readonly skipped: readonly string[];
}

/**
 * The checkpoint to resume a run from: the one latest.json names, or, when it (or latest.json)
 * fails verification, the newest older one that passes. Verified are the checkpoint's files
 * (checksums and field types), the action log prefix it replays (its checksum) and the lengths
 * of the logs it counts. Returns null when the run never wrote a checkpoint; throws, listing
 * each reason, when none passes.
 */
export function findResumeCheckpoint(runDir: string): ResumePoint | null {
  const folder = runPath(runDir, RUN_LAYOUT.checkpoints);
  const skipped: string[] = [];
  const candidates: string[] = [];
  let newest = Number.POSITIVE_INFINITY;
  try {
    const latest = latestCheckpointDir(runDir);
    if (latest !== null) {
      candidates.push(latest);
      newest = Number(/update-(\d+)$/.exec(latest)?.[1]);
    }
  } catch (error) {
    skipped.push(error instanceof Error ? error.message : String(error));
  }
  if (existsSync(folder)) {
    const older = readdirSync(folder)
      .filter((n) => CHECKPOINT_NAME.test(n) && Number(n.slice('update-'.length)) < newest)
      .sort()
      .reverse();
    candidates.push(...older.map((n) => runPath(runDir, `${RUN_LAYOUT.checkpoints}/${n}`)));
  }
  if (candidates.length === 0 && skipped.length === 0) return null;
  const actionsPath = runPath(runDir, RUN_LAYOUT.actions);
  const actions = existsSync(actionsPath) ? readRegularFile(actionsPath) : new Uint8Array(0);
  for (const directory of candidates) {
    try {
      const { checkpoint, actionLog } = readCheckpointFiles(directory);
      if (actions.byteLength < actionLog.bytes) throw new CorruptCheckpointError(actionsPath, `holds ${actions.byteLength} bytes, ${directory} replays ${actionLog.bytes}`);
      if (digest(actions.subarray(0, actionLog.bytes)).sha256 !== actionLog.sha256) {
        throw new CorruptCheckpointError(actionsPath, `does not match the SHA-256 checksum of its first ${actionLog.bytes} bytes in ${join(directory, CHECKPOINT_FILES.manifest)} (the file is corrupt)`);
      }
      for (const [file, size] of Object.entries(checkpoint.meta.logSizes)) {
        const path = runPath(runDir, file);
        const length = existsSync(path) ? statSync(path).size : 0;
        if (length < size) throw new CorruptCheckpointError(path, `holds ${length} bytes, ${directory} counts ${size}`);
      }
      return { directory, checkpoint, actionLog, skipped };
    } catch (error) {
      skipped.push(error instanceof Error ? error.message : String(error));
    }
  }
  throw new PpoError('BAD_CHECKPOINT', `cannot resume ${runDir}: no checkpoint passes verification:\n  ${skipped.join('\n  ')}`);
}
