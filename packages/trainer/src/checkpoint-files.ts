/**
 * Node-only: a checkpoint on disk. A folder of `checkpoint.json` (the JSON half), `data.bin`
 * (the float32 blob) and `manifest.json`, which gives each file's length and SHA-256 and the
 * length and SHA-256 of the action log prefix the checkpoint replays. Reading verifies all of
 * them and checks every field's type.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Checkpoint } from './checkpoint';
import { createFile, makeFolder, readRegularFile, remove, rename } from './file-ops';
import { validateCheckpointMeta } from './validate-checkpoint';
import { PpoError } from '@ppo/utils';

/** Files of a checkpoint folder. */
export const CHECKPOINT_FILES = Object.freeze({ meta: 'checkpoint.json', data: 'data.bin', manifest: 'manifest.json' });

/** The run's log files a checkpoint records the length of (the keys of `meta.logSizes`). */
export const LOG_FILES: readonly string[] = Object.freeze(['metrics.jsonl', 'progress.csv', 'events.out.tfevents.ppo']);

const MANIFEST_FORMAT = 'ppo-checkpoint-manifest';

/** Length and SHA-256 (hex) of some bytes. */
export interface Digest {
  readonly bytes: number;
  readonly sha256: string;
}

/** A checkpoint file that is missing, truncated or fails its checksum; names the file. */
export class CorruptCheckpointError extends PpoError {
  override readonly name = 'CorruptCheckpointError';
  /** The file at fault. */
  readonly file: string;
  constructor(file: string, problem: string) {
    super('BAD_CHECKPOINT', `${file} ${problem}`);
    this.name = 'CorruptCheckpointError';
    this.file = file;
  }
}

/** SHA-256 of `bytes` with their length. */
export function digest(bytes: Uint8Array): Digest {
  return { bytes: bytes.byteLength, sha256: createHash('sha256').update(bytes).digest('hex') };
}

/**
 * Writes a checkpoint folder atomically: the files and their manifest go into a temporary
 * folder next to `directory`, each flushed, and the folder is renamed into place (replacing
 * an earlier folder of the same name). `actionLog` is the digest of the action log prefix the
 * checkpoint counts (`meta.actionLogBytes` bytes), verified when resuming; default: empty.
 */
export function writeCheckpoint(directory: string, checkpoint: Checkpoint, actionLog: Digest = digest(new Uint8Array(0))): void {
  const data = checkpoint.data;
  const dataBytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  const metaText = `${JSON.stringify(checkpoint.meta)}\n`;
  const manifest = {
    format: MANIFEST_FORMAT,
    files: { [CHECKPOINT_FILES.meta]: digest(Buffer.from(metaText, 'utf8')), [CHECKPOINT_FILES.data]: digest(dataBytes) },
    actionLog,
  };
  const temp = `${directory}.tmp-${process.pid}`;
  remove(temp);
  makeFolder(temp);
  createFile(join(temp, CHECKPOINT_FILES.data), dataBytes, { exclusive: true });
  createFile(join(temp, CHECKPOINT_FILES.meta), metaText, { exclusive: true });
  // Last: a folder with a manifest is complete.
  createFile(join(temp, CHECKPOINT_FILES.manifest), `${JSON.stringify(manifest)}\n`, { exclusive: true });
  if (existsSync(directory)) {
    // A checkpoint of the same update from a run killed after it: replace it.
    const old = `${directory}.old-${process.pid}`;
    rename(directory, old);
    rename(temp, directory);
    remove(old);
  } else {
    rename(temp, directory);
  }
}

function parseDigest(value: unknown, file: string, field: string): Digest {
  const ok =
    value !== null &&
    typeof value === 'object' &&
    Number.isSafeInteger((value as Digest).bytes) &&
    (value as Digest).bytes >= 0 &&
    typeof (value as Digest).sha256 === 'string' &&
    /^[0-9a-f]{64}$/.test((value as Digest).sha256);
  if (!ok) throw new CorruptCheckpointError(file, `has no valid ${field} (expected { bytes, sha256 })`);
  return value as Digest;
}

function readJson(path: string, bytes: Uint8Array): unknown {
  try {
    return JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch (error) {
    throw new CorruptCheckpointError(path, `is not valid JSON (${error instanceof Error ? error.message : String(error)})`);
  }
}

function readFileIn(directory: string, file: string, limit?: number): Buffer {
  const path = join(directory, file);
  try {
    return readRegularFile(path, limit);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new CorruptCheckpointError(path, 'is missing');
    throw error;
  }
}

// Manifests are small; a huge one is not ours.
const MANIFEST_LIMIT = 1 << 16;

/**
 * Reads and verifies a checkpoint folder written by {@link writeCheckpoint}; also returns the
 * digest of the action log prefix it replays.
 *
 * @throws {@link CorruptCheckpointError} naming a missing or corrupt file;
 *   `CheckpointFormatError` naming a field of the wrong type or an unsupported format version.
 */
export function readCheckpointFiles(directory: string): { checkpoint: Checkpoint; actionLog: Digest } {
  const manifestPath = join(directory, CHECKPOINT_FILES.manifest);
  if (!existsSync(manifestPath)) {
    const metaPath = join(directory, CHECKPOINT_FILES.meta);
    // A checkpoint of an older format has no manifest: say so rather than "missing".
    if (existsSync(metaPath)) validateCheckpointMeta(readJson(metaPath, readFileIn(directory, CHECKPOINT_FILES.meta)), metaPath, LOG_FILES);
    throw new CorruptCheckpointError(manifestPath, `is missing (no complete checkpoint in ${directory})`);
  }
  const manifest = readJson(manifestPath, readFileIn(directory, CHECKPOINT_FILES.manifest, MANIFEST_LIMIT)) as Record<string, unknown> | null;
  if (manifest === null || typeof manifest !== 'object' || manifest.format !== MANIFEST_FORMAT) {
    throw new CorruptCheckpointError(manifestPath, `is not a checkpoint manifest (format '${MANIFEST_FORMAT}')`);
  }
  const listed = manifest.files as Record<string, unknown> | null;
  const expected = [CHECKPOINT_FILES.meta, CHECKPOINT_FILES.data];
  if (listed === null || typeof listed !== 'object' || Object.keys(listed).sort().join() !== [...expected].sort().join()) {
    throw new CorruptCheckpointError(manifestPath, `must list exactly the files ${expected.join(' and ')}`);
  }
  const contents = new Map<string, Buffer>();
  for (const file of expected) {
    const { bytes, sha256 } = parseDigest(listed[file], manifestPath, `entry for ${file}`);
    const path = join(directory, file);
    const content = readFileIn(directory, file, bytes);
    if (content.byteLength !== bytes) throw new CorruptCheckpointError(path, `has ${content.byteLength} bytes, its manifest says ${bytes}`);
    if (digest(content).sha256 !== sha256) throw new CorruptCheckpointError(path, `does not match its SHA-256 checksum in ${CHECKPOINT_FILES.manifest} (the file is corrupt)`);
    contents.set(file, content);
  }
  const metaPath = join(directory, CHECKPOINT_FILES.meta);
  const meta = validateCheckpointMeta(readJson(metaPath, contents.get(CHECKPOINT_FILES.meta) as Buffer), metaPath, LOG_FILES);
  const bytes = contents.get(CHECKPOINT_FILES.data) as Buffer;
  const dataPath = join(directory, CHECKPOINT_FILES.data);
  if (bytes.byteLength % 4 !== 0) throw new CorruptCheckpointError(dataPath, `has ${bytes.byteLength} bytes, not a whole number of float32s`);
  const data = new Float32Array(bytes.byteLength / 4);
  new Uint8Array(data.buffer).set(bytes);
  const actionLog = parseDigest(manifest.actionLog, manifestPath, 'actionLog');
  if (actionLog.bytes !== meta.actionLogBytes) {
    throw new CorruptCheckpointError(manifestPath, `gives the action log ${actionLog.bytes} bytes, ${CHECKPOINT_FILES.meta} says ${meta.actionLogBytes}`);
  }
  return { checkpoint: { meta, data }, actionLog };
}

/** Reads and verifies a checkpoint folder written by {@link writeCheckpoint} (see {@link readCheckpointFiles}). */
export function readCheckpoint(directory: string): Checkpoint {
  return readCheckpointFiles(directory).checkpoint;
}
