/**
 * Metric loggers. Metric names follow CleanRL (`charts/episodic_return`, `losses/approx_kl`,
 * ...) so runs compare directly. File loggers live in `@ppo/trainer/node`.
 */
import { PpoRangeError } from '@ppo/utils';

/** A sink for scalar metrics keyed by the global env step. */
export interface Logger {
  /** Records `metrics` at `step`. Values are finite numbers or NaN (missing). */
  log(step: number, metrics: Readonly<Record<string, number>>): void;
  /** Flushes and releases what the logger holds. */
  close?(): void | Promise<void>;
}

/** CleanRL's metric names, as the trainer emits them. */
export const METRIC_NAMES = Object.freeze([
  'charts/episodic_return',
  'charts/episodic_length',
  'charts/SPS',
  'charts/learning_rate',
  'losses/policy_loss',
  'losses/value_loss',
  'losses/entropy',
  'losses/old_approx_kl',
  'losses/approx_kl',
  'losses/clipfrac',
  'losses/explained_variance',
] as const);

/** Options of {@link ConsoleLogger}. */
export interface ConsoleLoggerOptions {
  /** Writes a chunk of text; defaults to `process.stdout.write` where it exists, else console.log. */
  write?: (text: string) => void;
  /** Draw a single updating progress bar (true on a terminal) or print plain lines. */
  tty?: boolean;
  /** Total env steps, for the bar and the percentage. */
  totalSteps: number;
  /** Bar width in characters. Default 30. */
  width?: number;
}

interface MaybeProcess {
  process?: { stdout?: { isTTY?: boolean; write(text: string): boolean } };
}

function fmt(x: number | undefined, digits = 2): string {
  return x === undefined || Number.isNaN(x) ? '-' : x.toFixed(digits);
}

/**
 * Progress on the console: on a TTY one line redrawn in place with a bar, steps, SPS and the
 * recent return; otherwise one plain line per update.
 */
export class ConsoleLogger implements Logger {
  private readonly write: (text: string) => void;
  private readonly tty: boolean;
  private readonly totalSteps: number;
  private readonly width: number;
  private lastReturn = Number.NaN;
  private drewBar = false;

  constructor(options: ConsoleLoggerOptions) {
    if (!Number.isInteger(options.totalSteps) || options.totalSteps < 1) {
      throw new PpoRangeError('INVALID_ARGUMENT', `totalSteps must be a positive integer, got ${String(options.totalSteps)}`);
    }
    const stdout = (globalThis as MaybeProcess).process?.stdout;
    this.write =
      options.write ??
      (stdout !== undefined
        ? (text: string) => {
            stdout.write(text);
          }
        : (text: string) => {
            console.log(text.replace(/\n$/, ''));
          });
    this.tty = options.tty ?? stdout?.isTTY === true;
    this.totalSteps = options.totalSteps;
    this.width = options.width ?? 30;
  }

  log(step: number, metrics: Readonly<Record<string, number>>): void {
    const ret = metrics['charts/mean_recent_return'] ?? metrics['charts/episodic_return'];
    if (ret !== undefined && !Number.isNaN(ret)) this.lastReturn = ret;
    // Per-episode records arrive between updates; only updates (which carry SPS) print.
    const sps = metrics['charts/SPS'];
    if (sps === undefined) return;
    const fraction = Math.min(1, step / this.totalSteps);
    if (this.tty) {
      const filled = Math.round(fraction * this.width);
      const bar = '#'.repeat(filled) + '-'.repeat(this.width - filled);
      this.write(
        `\r[${bar}] ${(fraction * 100).toFixed(1).padStart(5)}% ${step}/${this.totalSteps} steps | ${fmt(sps, 0)} SPS | return ${fmt(this.lastReturn, 1)}\x1b[K`,
      );
      this.drewBar = true;
    } else {
      this.write(
        `step=${step} (${(fraction * 100).toFixed(1)}%) sps=${fmt(sps, 0)} return=${fmt(this.lastReturn, 1)} ` +
          `policy_loss=${fmt(metrics['losses/policy_loss'], 4)} value_loss=${fmt(metrics['losses/value_loss'], 4)} ` +
          `entropy=${fmt(metrics['losses/entropy'], 4)} approx_kl=${fmt(metrics['losses/approx_kl'], 5)}\n`,
      );
    }
  }

  close(): void {
    if (this.drewBar) this.write('\n');
    this.drewBar = false;
  }
}

/** Keeps every record in memory; handy in tests and notebooks. */
export class MemoryLogger implements Logger {
  /** Every record, in order. */
  readonly records: { step: number; metrics: Record<string, number> }[] = [];
  log(step: number, metrics: Readonly<Record<string, number>>): void {
    this.records.push({ step, metrics: { ...metrics } });
  }
}
