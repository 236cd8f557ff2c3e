/**
 * The Playground's run in IndexedDB: the latest trainer checkpoint, the action log up to it
 * (`PPO.restore` replays it to rebuild the envs) and the metrics of every update so far, as one
 * record written in one transaction, so a reload finds a checkpoint and its log together or the
 * previous pair. The record carries the SHA-256 of its contents: damaged or foreign data is
 * refused with an error that says what is wrong, never used.
 */
import type { Checkpoint, CheckpointMeta } from '@ppo/trainer';
import type { StoredRunSummary } from './protocol.js';

const DATABASE = 'ppo-playground';
const STORE = 'runs';
const KEY = 'current';
const FORMAT = 'ppo-playground-run';
const VERSION = 1;

/** The metrics of one update, as the page plots them. */
export interface UpdateRecord {
  readonly globalStep: number;
  readonly update: number;
  readonly metrics: Readonly<Record<string, number>>;
}

/** A run read back from IndexedDB, checked. */
export interface StoredRun {
  readonly checkpoint: Checkpoint;
  /** The action log up to the checkpoint (`meta.actionLogBytes` bytes). */
  readonly actionLog: Uint8Array;
  readonly history: UpdateRecord[];
  /** The tfjs backend the run trained on (it resumes on the same one). */
  readonly backend: string;
}

/** The record as stored: JSON as strings, arrays as ArrayBuffers. */
interface RunRecord {
  readonly format: string;
  readonly version: number;
  readonly meta: string;
  readonly data: ArrayBuffer;
  readonly actionLog: ArrayBuffer;
  readonly history: string;
  readonly backend: string;
  readonly sha256: string;
}

/** Raised for a stored run that is damaged or was not written by this page. */
export class StoredRunError extends Error {
  override readonly name = 'StoredRunError';
}

function request<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error ?? new Error('IndexedDB request failed'));
  });
}

function done(tx: IDBTransaction): Promise<void> {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error ?? new Error('IndexedDB transaction failed'));
    tx.onabort = () => reject(tx.error ?? new Error('IndexedDB transaction aborted'));
  });
}

async function sha256(parts: readonly (string | ArrayBuffer)[]): Promise<string> {
  const encoder = new TextEncoder();
  const chunks = parts.map((p) => (typeof p === 'string' ? encoder.encode(p) : new Uint8Array(p)));
  const all = new Uint8Array(chunks.reduce((n, c) => n + c.byteLength + 8, 0));
  let offset = 0;
  for (const chunk of chunks) {
    // Each part's length first, so moving bytes from one part to the next changes the digest.
    new DataView(all.buffer).setFloat64(offset, chunk.byteLength);
    all.set(chunk, offset + 8);
    offset += chunk.byteLength + 8;
  }
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', all));
  return Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
}

function copyBuffer(bytes: Uint8Array): ArrayBuffer {
  return bytes.slice().buffer;
}

/** The Playground's one stored run (IndexedDB database `ppo-playground`). */
export class RunStore {
  private constructor(private readonly db: IDBDatabase) {}

  /** Opens (creating on first use) the database. */
  static async open(): Promise<RunStore> {
    const req = indexedDB.open(DATABASE, 1);
    req.onupgradeneeded = () => {
      if (!req.result.objectStoreNames.contains(STORE)) req.result.createObjectStore(STORE);
    };
    return new RunStore(await request(req));
  }

  /** Replaces the stored run with this checkpoint, its action log and the metrics so far. */
  async save(checkpoint: Checkpoint, actionLog: Uint8Array, history: readonly UpdateRecord[], backend: string): Promise<void> {
    const meta = JSON.stringify(checkpoint.meta);
    const data = copyBuffer(new Uint8Array(checkpoint.data.buffer, checkpoint.data.byteOffset, checkpoint.data.byteLength));
    const log = copyBuffer(actionLog.subarray(0, checkpoint.meta.actionLogBytes));
    const historyJson = JSON.stringify(history);
    const record: RunRecord = { format: FORMAT, version: VERSION, meta, data, actionLog: log, history: historyJson, backend, sha256: await sha256([meta, data, log, historyJson, backend]) };
    const tx = this.db.transaction(STORE, 'readwrite');
    tx.objectStore(STORE).put(record, KEY);
    await done(tx);
  }

  /** Deletes the stored run. */
  async clear(): Promise<void> {
    const tx = this.db.transaction(STORE, 'readwrite');
    tx.objectStore(STORE).delete(KEY);
    await done(tx);
  }

  /** The stored run, checked; null when there is none. Throws {@link StoredRunError} when it is damaged or foreign. */
  async load(): Promise<StoredRun | null> {
    const raw: unknown = await request(this.db.transaction(STORE, 'readonly').objectStore(STORE).get(KEY));
    if (raw === undefined) return null;
    const record = checkRecord(raw);
    const actual = await sha256([record.meta, record.data, record.actionLog, record.history, record.backend]);
    if (actual !== record.sha256) {
      throw new StoredRunError(`the run stored in this browser is damaged: its contents have SHA-256 ${actual}, the record says ${record.sha256}. Reset discards it.`);
    }
    const meta = parseJson(record.meta, 'checkpoint') as CheckpointMeta;
    if (meta === null || typeof meta !== 'object' || meta.format !== 'ppo-checkpoint') {
      throw new StoredRunError(`the stored checkpoint is not a 'ppo-checkpoint' (format ${JSON.stringify((meta as { format?: unknown } | null)?.format)}). Reset discards it.`);
    }
    if (record.data.byteLength % 4 !== 0) throw new StoredRunError(`the stored checkpoint's data has ${record.data.byteLength} bytes, not a whole number of float32 values. Reset discards it.`);
    if (record.actionLog.byteLength !== meta.actionLogBytes) {
      throw new StoredRunError(`the stored action log has ${record.actionLog.byteLength} bytes, the checkpoint needs ${String(meta.actionLogBytes)}. Reset discards it.`);
    }
    const history = parseJson(record.history, 'metrics history');
    if (!Array.isArray(history)) throw new StoredRunError('the stored metrics history is not a list. Reset discards it.');
    return { checkpoint: { meta, data: new Float32Array(record.data) }, actionLog: new Uint8Array(record.actionLog), history: history as UpdateRecord[], backend: record.backend };
  }

  /** What the stored run is (it is loaded and checked). */
  async summary(): Promise<StoredRunSummary | null> {
    const run = await this.load();
    if (run === null) return null;
    const { config, counters } = run.checkpoint.meta;
    return { env: config.env, seed: config.seed, globalStep: counters.globalStep, update: counters.update, backend: run.backend };
  }

  close(): void {
    this.db.close();
  }
}

function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new StoredRunError(`the stored ${what} is not JSON (${(error as Error).message}). Reset discards it.`);
  }
}

function checkRecord(raw: unknown): RunRecord {
  const r = raw as Partial<RunRecord> | null;
  if (r === null || typeof r !== 'object' || r.format !== FORMAT) {
    throw new StoredRunError(`IndexedDB '${DATABASE}' holds data this page did not write (expected format '${FORMAT}', got ${JSON.stringify(r !== null && typeof r === 'object' ? r.format : r)}). Reset discards it.`);
  }
  if (r.version !== VERSION) throw new StoredRunError(`the stored run has version ${JSON.stringify(r.version)}, this page reads version ${VERSION}. Reset discards it.`);
  for (const field of ['meta', 'history', 'backend', 'sha256'] as const) {
    if (typeof r[field] !== 'string') throw new StoredRunError(`the stored run's '${field}' is not a string. Reset discards it.`);
  }
  for (const field of ['data', 'actionLog'] as const) {
    if (!(r[field] instanceof ArrayBuffer)) throw new StoredRunError(`the stored run's '${field}' is not binary data. Reset discards it.`);
  }
  return r as RunRecord;
}
