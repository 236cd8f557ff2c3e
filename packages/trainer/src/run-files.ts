/**
 * Node-only: the run directory (config.json, metrics.jsonl, progress.csv, checkpoints/,
 * final/), file loggers and atomic checkpoint files.
 */
import { appendFileSync, closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, readdirSync, renameSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CHECKPOINT_VERSION, type Checkpoint, type CheckpointMeta } from './checkpoint';
import { METRIC_NAMES, type Logger } from './loggers';
import type { CheckpointSink } from './ppo';

/** File and folder names inside a run directory. */
export const RUN_LAYOUT = Object.freeze({
  config: 'config.json',
  metrics: 'metrics.jsonl',
  progress: 'progress.csv',
  checkpoints: 'checkpoints',
  final: 'final',
  actions: 'checkpoints/actions.bin',
  latest: 'checkpoints/latest.json',
  plot: 'learning-curve.svg',
  plotPng: 'learning-curve.png',
});

/** Writes `contents` to `path` atomically: a temporary file in the same folder, fsync, rename. */
export function writeFileAtomic(path: string, contents: string | Uint8Array): void {
  const temp = `${path}.tmp-${process.pid}`;
  const fd = openSync(temp, 'w');
  try {
    writeFileSync(fd, contents);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temp, path);
}

/** Appends one JSON object per record: `{ "global_step": step, ...metrics }` (NaN becomes null). */
export class JsonlLogger implements Logger {
  /** The file written. */
  readonly path: string;
  constructor(path: string) {
    this.path = path;
  }
  log(step: number, metrics: Readonly<Record<string, number>>): void {
    appendFileSync(this.path, `${JSON.stringify({ global_step: step, ...metrics })}\n`);
  }
}

/** Default columns of {@link CsvLogger}: the step, then CleanRL's per-update metrics. */
export const PROGRESS_COLUMNS = Object.freeze([
  'global_step',
  'charts/update',
  'charts/mean_recent_return',
  ...METRIC_NAMES.filter((name) => name !== 'charts/episodic_return' && name !== 'charts/episodic_length'),
  'charts/clip_range',
  'charts/epochs',
]);

/**
 * One CSV row per update (records carrying `charts/SPS`), fixed columns, a header when the
 * file is new. Missing or NaN values are empty cells.
 */
export class CsvLogger implements Logger {
  /** The file written. */
  readonly path: string;
  private readonly columns: readonly string[];
  constructor(path: string, columns: readonly string[] = PROGRESS_COLUMNS) {
    this.path = path;
    this.columns = columns;
    if (!existsSync(path) || statSync(path).size === 0) appendFileSync(path, `${columns.join(',')}\n`);
  }
  log(step: number, metrics: Readonly<Record<string, number>>): void {
    if (metrics['charts/SPS'] === undefined) return;
    const row = this.columns.map((c) => {
      const x = c === 'global_step' ? step : metrics[c];
      return x === undefined || !Number.isFinite(x) ? '' : String(x);
    });
    appendFileSync(this.path, `${row.join(',')}\n`);
  }
}

/** Reads metrics.jsonl back as `{ step, metrics }` records (null becomes NaN). */
export function readMetrics(path: string): { step: number; metrics: Record<string, number> }[] {
  if (!existsSync(path)) return [];
  const records: { step: number; metrics: Record<string, number> }[] = [];
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    if (line.trim() === '') continue;
    const raw = JSON.parse(line) as Record<string, number | null>;
    const metrics: Record<string, number> = {};
    for (const [k, v] of Object.entries(raw)) if (k !== 'global_step') metrics[k] = v === null ? Number.NaN : v;
    records.push({ step: Number(raw.global_step), metrics });
  }
  return records;
}

const META_FILE = 'checkpoint.json';
const DATA_FILE = 'data.bin';

/**
 * Writes a checkpoint folder atomically: both files go into a temporary folder next to
 * `directory`, are fsynced, and the folder is renamed into place.
 */
export function writeCheckpoint(directory: string, checkpoint: Checkpoint): void {
  const temp = `${directory}.tmp-${process.pid}`;
  rmSync(temp, { recursive: true, force: true });
  mkdirSync(temp, { recursive: true });
  const data = checkpoint.data;
  writeFileAtomic(join(temp, DATA_FILE), new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
  writeFileAtomic(join(temp, META_FILE), `${JSON.stringify(checkpoint.meta)}\n`);
  if (existsSync(directory)) {
    // A checkpoint of the same update from a run killed after it: replace it.
    const old = `${directory}.old-${process.pid}`;
    renameSync(directory, old);
    renameSync(temp, directory);
    rmSync(old, { recursive: true, force: true });
  } else {
    renameSync(temp, directory);
  }
}

/** Reads a checkpoint folder written by {@link writeCheckpoint}. */
export function readCheckpoint(directory: string): Checkpoint {
  const metaPath = join(directory, META_FILE);
  if (!existsSync(metaPath)) throw new Error(`no checkpoint in ${directory} (missing ${META_FILE})`);
  const meta = JSON.parse(readFileSync(metaPath, 'utf8')) as CheckpointMeta;
  if (meta.format !== 'ppo-checkpoint' || meta.version !== CHECKPOINT_VERSION) {
    throw new Error(`${metaPath} is not a ppo-checkpoint of version ${CHECKPOINT_VERSION}`);
  }
  const bytes = readFileSync(join(directory, DATA_FILE));
  if (bytes.byteLength % 4 !== 0) throw new Error(`${join(directory, DATA_FILE)} has ${bytes.byteLength} bytes, not a whole number of float32s`);
  const data = new Float32Array(bytes.byteLength / 4);
  new Uint8Array(data.buffer).set(bytes);
  return { meta, data };
}

/** The newest checkpoint folder of a run (from checkpoints/latest.json), or null. */
export function latestCheckpointDir(runDir: string): string | null {
  const latest = join(runDir, RUN_LAYOUT.latest);
  if (!existsSync(latest)) return null;
  const { name } = JSON.parse(readFileSync(latest, 'utf8')) as { name: string };
  return join(runDir, RUN_LAYOUT.checkpoints, name);
}

/** The checkpoint to evaluate: final/ when present, else the latest. */
export function bestAvailableCheckpointDir(runDir: string): string {
  const final = join(runDir, RUN_LAYOUT.final);
  if (existsSync(join(final, META_FILE))) return final;
  const latest = latestCheckpointDir(runDir);
  if (latest === null) throw new Error(`${runDir} holds no checkpoint (no ${RUN_LAYOUT.final}/ and no ${RUN_LAYOUT.latest})`);
  return latest;
}

/**
 * The run directory's checkpoint sink: the action log in checkpoints/actions.bin, each
 * checkpoint in checkpoints/update-NNNNNN (the newest `keep` are kept), checkpoints/latest.json
 * pointing at the newest, and the final one also in final/.
 */
export class RunCheckpointSink implements CheckpointSink {
  private readonly runDir: string;
  private readonly keep: number;
  /** When false, `final` checkpoints are not copied to final/ (a run stopped by a signal). */
  finalAllowed = true;

  constructor(runDir: string, options: { keep?: number } = {}) {
    this.runDir = runDir;
    this.keep = options.keep ?? 3;
    mkdirSync(join(runDir, RUN_LAYOUT.checkpoints), { recursive: true });
  }

  appendActions(actions: Float32Array | Int32Array): void {
    appendFileSync(join(this.runDir, RUN_LAYOUT.actions), new Uint8Array(actions.buffer, actions.byteOffset, actions.byteLength));
  }

  save(checkpoint: Checkpoint, options: { final: boolean }): string {
    // The checkpoint names a length of the action log and of the logs; they reach the disk
    // first, so a crash never leaves a checkpoint pointing past the end of one of them.
    fsyncIfExists(join(this.runDir, RUN_LAYOUT.actions));
    const logSizes: Record<string, number> = {};
    for (const file of [RUN_LAYOUT.metrics, RUN_LAYOUT.progress]) {
      const path = join(this.runDir, file);
      fsyncIfExists(path);
      logSizes[file] = existsSync(path) ? statSync(path).size : 0;
    }
    const withSizes: Checkpoint = { meta: { ...checkpoint.meta, logSizes }, data: checkpoint.data };
    const name = `update-${String(checkpoint.meta.counters.update).padStart(6, '0')}`;
    const directory = join(this.runDir, RUN_LAYOUT.checkpoints, name);
    writeCheckpoint(directory, withSizes);
    writeFileAtomic(join(this.runDir, RUN_LAYOUT.latest), `${JSON.stringify({ name, update: checkpoint.meta.counters.update })}\n`);
    this.prune();
    if (options.final && this.finalAllowed) {
      writeCheckpoint(join(this.runDir, RUN_LAYOUT.final), withSizes);
      return join(this.runDir, RUN_LAYOUT.final);
    }
    return directory;
  }

  private prune(): void {
    const folder = join(this.runDir, RUN_LAYOUT.checkpoints);
    const names = readdirSync(folder)
      .filter((n) => /^update-\d+$/.test(n))
      .sort();
    for (const n of names.slice(0, Math.max(0, names.length - this.keep))) rmSync(join(folder, n), { recursive: true, force: true });
  }
}

function fsyncIfExists(path: string): void {
  if (!existsSync(path)) return;
  // Opened for writing: some platforms refuse to flush a read-only handle.
  const fd = openSync(path, 'r+');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** `update-000004.tmp-123` or `latest.json.old-123`: the target name and the kind of leftover. */
const CHECKPOINT_WRITE_LEFTOVER = /^(.+)\.(tmp|old)-\d+$/;

/**
 * Cleans up after a process killed in the middle of {@link writeCheckpoint} or
 * {@link writeFileAtomic} in the run's checkpoints/ folder: `*.tmp-PID` and `*.old-PID`
 * entries are removed, except that a complete checkpoint folder whose target is missing (the
 * kill fell between the two renames that replace a checkpoint) is renamed into place.
 * Nothing else is touched, nor anything outside checkpoints/.
 */
export function removeStaleCheckpointWrites(runDir: string): void {
  const folder = join(runDir, RUN_LAYOUT.checkpoints);
  if (!existsSync(folder)) return;
  // tmp before old: of two complete copies of one checkpoint, the newer one wins.
  const leftovers = readdirSync(folder)
    .map((name) => ({ name, match: CHECKPOINT_WRITE_LEFTOVER.exec(name) }))
    .filter((entry): entry is { name: string; match: RegExpExecArray } => entry.match !== null)
    .sort((a, b) => (a.match[2] === b.match[2] ? 0 : a.match[2] === 'tmp' ? -1 : 1));
  for (const { name, match } of leftovers) {
    const path = join(folder, name);
    const target = join(folder, match[1]);
    if (!existsSync(target) && existsSync(join(path, META_FILE))) renameSync(path, target);
    else rmSync(path, { recursive: true, force: true });
  }
}

/** Cuts a file back to `size` bytes (resume drops what was written after the checkpoint). */
export function truncateFile(path: string, size: number): void {
  if (!existsSync(path)) {
    if (size > 0) throw new Error(`${path} is missing but the checkpoint expects ${size} bytes`);
    return;
  }
  if (statSync(path).size < size) throw new Error(`${path} is shorter than the checkpoint expects (${size} bytes)`);
  truncateSync(path, size);
}
