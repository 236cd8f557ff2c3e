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
  /** Total env steps, for the bar, the percentage and the ETA. */
  totalSteps: number;
  /** The env step training starts from (a resumed run's), so the ETA counts only this session's speed. Default 0. */
  initialStep?: number;
  /** Longest bar in characters; it shrinks, then goes, in a narrow terminal. Default 30. */
  width?: number;
  /**
   * The terminal's width in characters, read at every redraw (terminals resize); the bar's line
   * is kept one shorter, so it never wraps. Default: `process.stdout.columns`; 80 when unknown or 0.
   */
  columns?: () => number | undefined;
  /** Milliseconds for the elapsed time and the ETA. Default `Date.now`. */
  clock?: () => number;
}

interface MaybeProcess {
  process?: { stdout?: { isTTY?: boolean; columns?: number; write(text: string): boolean } };
}

function fmt(x: number | undefined, digits = 2): string {
  return x === undefined || Number.isNaN(x) ? '-' : x.toFixed(digits);
}

/** Seconds as m:ss, or h:mm:ss from an hour on; `?` when unknown (NaN). */
function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '?';
  const whole = Math.round(seconds);
  const h = Math.floor(whole / 3600);
  const m = Math.floor((whole % 3600) / 60);
  const sec = String(whole % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${sec}` : `${m}:${sec}`;
}

/** Per-episode records redraw the bar at most this often (updates always redraw it). */
const REDRAW_MS = 100;
/** Narrower than this, the bar is left out. */
const MIN_BAR = 10;

/**
 * Progress on the console. On a TTY: one line redrawn in place, with a bar, the steps, the
 * elapsed time and the ETA, SPS and the recent return; drawn as soon as the logger is made and
 * again as episodes end, so it moves before the first update is done; fitted to the terminal's
 * width (a shorter bar, fewer fields, at last cut) so that it never wraps. Otherwise one plain
 * line per update.
 */
export class ConsoleLogger implements Logger {
  private readonly write: (text: string) => void;
  private readonly tty: boolean;
  private readonly totalSteps: number;
  private readonly initialStep: number;
  private readonly width: number;
  private readonly columns: () => number | undefined;
  private readonly clock: () => number;
  private readonly started: number;
  private lastReturn = Number.NaN;
  private lastSps = Number.NaN;
  private step: number;
  private lastDraw = Number.NEGATIVE_INFINITY;
  private drewBar = false;

  constructor(options: ConsoleLoggerOptions) {
    if (!Number.isInteger(options.totalSteps) || options.totalSteps < 1) {
      throw new PpoRangeError('INVALID_ARGUMENT', `totalSteps must be a positive integer, got ${String(options.totalSteps)}`);
    }
    const initialStep = options.initialStep ?? 0;
    if (!Number.isInteger(initialStep) || initialStep < 0) {
      throw new PpoRangeError('INVALID_ARGUMENT', `initialStep must be a non-negative integer, got ${String(options.initialStep)}`);
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
    this.initialStep = initialStep;
    this.step = initialStep;
    this.width = options.width ?? 30;
    this.columns = options.columns ?? (() => stdout?.columns);
    this.clock = options.clock ?? Date.now;
    this.started = this.clock();
    if (this.tty) this.draw(this.started);
  }

  /** Elapsed seconds and the ETA in seconds (NaN until a step is done), at `now`. */
  private timing(now: number): { elapsed: number; eta: number } {
    const elapsed = (now - this.started) / 1000;
    const done = this.step - this.initialStep;
    const left = Math.max(0, this.totalSteps - this.step);
    return { elapsed, eta: left === 0 ? 0 : done > 0 && elapsed > 0 ? (left * elapsed) / done : Number.NaN };
  }

  private draw(now: number): void {
    const fraction = Math.min(1, this.step / this.totalSteps);
    const { elapsed, eta } = this.timing(now);
    const head = `${(fraction * 100).toFixed(1).padStart(5)}% ${this.step}/${this.totalSteps} steps | elapsed ${formatDuration(elapsed)} | ETA ${formatDuration(eta)}`;
    const sps = ` | ${fmt(this.lastSps, 0)} SPS`;
    const ret = ` | return ${fmt(this.lastReturn, 1)}`;
    // One column is kept free: a line that fills the last column wraps in some terminals.
    // A terminal of unknown size reports undefined or 0 columns: 80 then.
    const columns = this.columns();
    const room = Math.max(1, (columns !== undefined && columns > 0 ? columns : 80) - 1);
    // The bar shrinks first; where even a short one does not fit, SPS goes, then the return,
    // then the bar, and last the text is cut.
    const texts = [head + sps + ret, head + ret, head];
    const fits = texts.find((t) => room - t.length - 3 >= MIN_BAR);
    let line = texts[texts.length - 1];
    if (fits !== undefined) {
      const barWidth = Math.min(this.width, room - fits.length - 3);
      const filled = Math.round(fraction * barWidth);
      line = `[${'#'.repeat(filled)}${'-'.repeat(barWidth - filled)}] ${fits}`;
    }
    this.write(`\r${line.slice(0, room)}\x1b[K`);
    this.drewBar = true;
    this.lastDraw = now;
  }

  log(step: number, metrics: Readonly<Record<string, number>>): void {
    const ret = metrics['charts/mean_recent_return'] ?? metrics['charts/episodic_return'];
    if (ret !== undefined && !Number.isNaN(ret)) this.lastReturn = ret;
    const sps = metrics['charts/SPS'];
    const isUpdate = sps !== undefined;
    if (isUpdate) this.lastSps = sps;
    this.step = Math.max(this.step, step);
    const now = this.clock();
    if (this.tty) {
      if (isUpdate || now - this.lastDraw >= REDRAW_MS) this.draw(now);
      return;
    }
    // Per-episode and evaluation records arrive between updates; only updates print a line.
    if (!isUpdate) return;
    const { elapsed, eta } = this.timing(now);
    this.write(
      `step=${step} (${(Math.min(1, step / this.totalSteps) * 100).toFixed(1)}%) elapsed=${formatDuration(elapsed)} eta=${formatDuration(eta)} ` +
        `sps=${fmt(sps, 0)} return=${fmt(this.lastReturn, 1)} ` +
        `policy_loss=${fmt(metrics['losses/policy_loss'], 4)} value_loss=${fmt(metrics['losses/value_loss'], 4)} ` +
        `entropy=${fmt(metrics['losses/entropy'], 4)} approx_kl=${fmt(metrics['losses/approx_kl'], 5)}\n`,
    );
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
