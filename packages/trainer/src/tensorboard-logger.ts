/**
 * Node-only: a {@link Logger} that writes a TensorBoard event file (scalars), without native
 * dependencies or TensorFlow.
 */
import { existsSync, statSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import { PpoRangeError } from '@ppo/utils';
import { append, makeFolder } from './file-ops';
import type { Logger } from './loggers';
import { encodeEvent, EVENT_FILE_VERSION, tfRecord, type EventContent } from './tensorboard-events';

/** Options of {@link TensorBoardLogger}. */
export interface TensorBoardLoggerOptions {
  /** The wall clock in milliseconds since the Unix epoch (each event's `wall_time`). Default `Date.now`. */
  readonly clock?: () => number;
}

/**
 * Appends each record to a TensorBoard event file as one `Event` with a scalar per finite
 * metric, tagged with the metric's name (`charts/episodic_return`, `losses/approx_kl`, ...);
 * NaN and infinite values (missing) are left out. A new or empty file starts with the
 * `brain.Event:2` version event; an existing one is appended to (resume). The file's name
 * must contain `tfevents`, which is how TensorBoard finds event files; its folder is created.
 * Open it with `tensorboard --logdir <its folder or a parent>`.
 *
 * @example
 * ```ts
 * const tb = new TensorBoardLogger('runs/mine/events.out.tfevents.ppo');
 * await ppo.train({ loggers: [tb] });
 * ```
 */
export class TensorBoardLogger implements Logger {
  /** The event file written. */
  readonly path: string;
  private readonly clock: () => number;

  constructor(path: string, options: TensorBoardLoggerOptions = {}) {
    if (!basename(path).includes('tfevents')) {
      throw new PpoRangeError('INVALID_ARGUMENT', `path must name a file whose name contains 'tfevents' (TensorBoard reads only those), got '${path}'`);
    }
    this.path = path;
    this.clock = options.clock ?? Date.now;
    if (!existsSync(dirname(path))) makeFolder(dirname(path));
    if (!existsSync(path) || statSync(path).size === 0) this.write(0, { fileVersion: EVENT_FILE_VERSION });
  }

  private write(step: number, content: EventContent): void {
    append(this.path, tfRecord(encodeEvent(this.clock() / 1000, step, content)));
  }

  log(step: number, metrics: Readonly<Record<string, number>>): void {
    if (!Number.isSafeInteger(step) || step < 0) throw new PpoRangeError('INVALID_ARGUMENT', `step must be a non-negative integer, got ${String(step)}`);
    const scalars: Record<string, number> = {};
    let count = 0;
    for (const [tag, value] of Object.entries(metrics)) {
      if (!Number.isFinite(value)) continue;
      scalars[tag] = value;
      count += 1;
    }
    if (count > 0) this.write(step, { scalars });
  }
}
