/**
 * Strict type checks of a checkpoint's JSON half as read from a file: every field of
 * {@link CheckpointMeta} with its exact type, so that a value of the wrong type (such as
 * `"globalStep": "1024"`) is an error naming the field instead of a silently different run.
 */
import { CHECKPOINT_VERSION, type CheckpointMeta } from './checkpoint';
import { ConfigError, validateConfig } from './config';
import { describeValue, PpoError } from '@ppo/utils';

/** A checkpoint whose JSON does not have the expected fields and types; names the field. */
export class CheckpointFormatError extends PpoError {
  override readonly name = 'CheckpointFormatError';
  /** The offending field's path, such as `counters.globalStep`. */
  readonly field: string;
  constructor(source: string, field: string, problem: string) {
    super('BAD_CHECKPOINT', `${source}: ${field} ${problem}`);
    this.name = 'CheckpointFormatError';
    this.field = field;
  }
}

type Check = (value: unknown, field: string) => void;

/** Says "the string" too: a number written as a string is the usual tampering. */
function describe(value: unknown): string {
  return typeof value === 'string' ? `the string ${describeValue(value)}` : describeValue(value);
}

/** Checks of one source file; each throws {@link CheckpointFormatError}. */
function checks(source: string) {
  const fail = (field: string, expected: string, value: unknown): never => {
    throw new CheckpointFormatError(source, field, `must be ${expected}, got ${describe(value)}`);
  };
  // Unknown keys are refused inside the nested states (they come from other packages' stable
  // formats); unknown top-level fields are left to the trainer that reads them.
  const isObject = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);
  const object = (value: unknown, field: string): Record<string, unknown> => (isObject(value) ? value : fail(field, 'an object', value));
  const count: Check = (value, field) => {
    if (!Number.isSafeInteger(value) || (value as number) < 0) fail(field, 'an integer >= 0', value);
  };
  const finite: Check = (value, field) => {
    if (typeof value !== 'number' || !Number.isFinite(value)) fail(field, 'a finite number', value);
  };
  const finiteList: Check = (value, field) => {
    if (!Array.isArray(value)) return fail(field, 'an array of finite numbers', value);
    value.forEach((x, k) => finite(x, `${field}[${k}]`));
  };
  const exactKeys = (value: Record<string, unknown>, field: string, keys: readonly string[]): void => {
    for (const key of Object.keys(value)) if (!keys.includes(key)) throw new CheckpointFormatError(source, `${field}.${key}`, `is not a known field (expected ${keys.join(', ')})`);
    for (const key of keys) if (!Object.hasOwn(value, key)) throw new CheckpointFormatError(source, `${field}.${key}`, 'is missing');
  };
  const rng: Check = (value, field) => {
    const state = object(value, field);
    exactKeys(state, field, ['algorithm', 'words', 'spareNormal']);
    if (state.algorithm !== 'xoshiro128**') fail(`${field}.algorithm`, "'xoshiro128**'", state.algorithm);
    const words = state.words;
    if (!Array.isArray(words) || words.length !== 4) return fail(`${field}.words`, 'an array of 4 integers in [0, 2^32)', words);
    words.forEach((w, k) => {
      if (!Number.isInteger(w) || (w as number) < 0 || (w as number) >= 2 ** 32) fail(`${field}.words[${k}]`, 'an integer in [0, 2^32)', w);
    });
    if (state.spareNormal !== null) finite(state.spareNormal, `${field}.spareNormal`);
  };
  const runningStats: Check = (value, field) => {
    if (value === null) return;
    const state = object(value, field);
    exactKeys(state, field, ['size', 'mean', 'var', 'count']);
    count(state.size, `${field}.size`);
    finiteList(state.mean, `${field}.mean`);
    finiteList(state.var, `${field}.var`);
    finite(state.count, `${field}.count`);
  };
  const entries: Check = (value, field) => {
    if (!Array.isArray(value)) return fail(field, 'an array of array entries', value);
    value.forEach((item, k) => {
      const at = `${field}[${k}]`;
      const entry = object(item, at);
      exactKeys(entry, at, ['name', 'shape', 'offset', 'size']);
      if (typeof entry.name !== 'string') fail(`${at}.name`, 'a string', entry.name);
      if (!Array.isArray(entry.shape)) return fail(`${at}.shape`, 'an array of integers >= 0', entry.shape);
      entry.shape.forEach((d, j) => count(d, `${at}.shape[${j}]`));
      count(entry.offset, `${at}.offset`);
      count(entry.size, `${at}.size`);
      const product = (entry.shape as number[]).reduce((p, q) => p * q, 1);
      if (product !== entry.size) fail(`${at}.size`, `the product of its shape (${product})`, entry.size);
    });
  };
  return { object, count, finite, finiteList, exactKeys, rng, runningStats, entries, fail };
}

const META_FIELDS = [
  'format', 'version', 'config', 'counters', 'rngs', 'normalization', 'klBeta', 'recentReturns',
  'optimizer', 'actionRows', 'actionLogBytes', 'weights', 'adamM', 'adamV', 'logSizes',
] as const;

function checkRequired(meta: Record<string, unknown>, source: string): void {
  for (const key of META_FIELDS) if (!Object.hasOwn(meta, key)) throw new CheckpointFormatError(source, key, 'is missing');
}

/**
 * Checks the parsed JSON of a checkpoint (`source` names the file in errors) and returns it
 * typed. A checkpoint of another format version is refused with a message saying so. The keys
 * of `logSizes` must be among `logFiles`.
 *
 * @throws {@link CheckpointFormatError} naming the first field that is missing, unknown or of
 *   the wrong type.
 */
export function validateCheckpointMeta(value: unknown, source: string, logFiles: readonly string[]): CheckpointMeta {
  const c = checks(source);
  const meta = c.object(value, 'the checkpoint');
  if (meta.format !== 'ppo-checkpoint') c.fail('format', "'ppo-checkpoint'", meta.format);
  if (meta.version !== CHECKPOINT_VERSION) {
    throw new CheckpointFormatError(
      source,
      'version',
      `is ${describe(meta.version)}, but this version of @ppo/trainer reads checkpoint format ${CHECKPOINT_VERSION} only` +
        (typeof meta.version === 'number' && meta.version < CHECKPOINT_VERSION ? ' (older checkpoints carry no checksums; train the run again)' : ''),
    );
  }
  checkRequired(meta, source);
  try {
    validateConfig(c.object(meta.config, 'config'));
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    throw Object.assign(new CheckpointFormatError(source, `config.${error.field}`, `is invalid: ${error.message}`), { cause: error });
  }
  const counters = c.object(meta.counters, 'counters');
  c.exactKeys(counters, 'counters', ['globalStep', 'update', 'episodes']);
  for (const key of ['globalStep', 'update', 'episodes']) c.count(counters[key], `counters.${key}`);
  const rngs = c.object(meta.rngs, 'rngs');
  c.exactKeys(rngs, 'rngs', ['action', 'minibatch', 'evaluation']);
  for (const [key, state] of Object.entries(rngs)) c.rng(state, `rngs.${key}`);
  const normalization = c.object(meta.normalization, 'normalization');
  c.exactKeys(normalization, 'normalization', ['observation', 'reward']);
  c.runningStats(normalization.observation, 'normalization.observation');
  c.runningStats(normalization.reward, 'normalization.reward');
  if (meta.klBeta !== null) c.finite(meta.klBeta, 'klBeta');
  c.finiteList(meta.recentReturns, 'recentReturns');
  const optimizer = c.object(meta.optimizer, 'optimizer');
  c.exactKeys(optimizer, 'optimizer', ['step']);
  c.count(optimizer.step, 'optimizer.step');
  c.count(meta.actionRows, 'actionRows');
  c.count(meta.actionLogBytes, 'actionLogBytes');
  for (const key of ['weights', 'adamM', 'adamV']) c.entries(meta[key], key);
  const logSizes = c.object(meta.logSizes, 'logSizes');
  for (const [file, size] of Object.entries(logSizes)) {
    if (!logFiles.includes(file)) throw new CheckpointFormatError(source, `logSizes[${JSON.stringify(file)}]`, `is not a log file of a run (expected ${logFiles.join(', ')})`);
    c.count(size, `logSizes[${JSON.stringify(file)}]`);
  }
  return meta as unknown as CheckpointMeta;
}
