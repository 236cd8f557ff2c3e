/**
 * The HalfCheetah app: command-line parsing and the two actions (train a run, evaluate a saved
 * run), shared by the `start` and `eval` scripts and the smoke test.
 */
import { join, resolve } from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { initMujoco, registerMujocoEnvs } from '@ppo/envs-mujoco';
import type { Backend, EvaluationResult, PPOConfig } from '@ppo/trainer';
import { evaluateRun, runTraining, type RunResult } from '@ppo/trainer/node';

/** The task this app trains. */
export const ENV_ID = 'HalfCheetah-v5';

const BACKENDS: readonly Backend[] = ['auto', 'tensorflow', 'wasm', 'cpu'];

/** Thrown for a bad command line; the scripts print it with the usage and exit with code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** Usage of `pnpm start` (training). */
export const TRAIN_USAGE = `usage: pnpm start [--steps 1000000] [--seed 1] [--out runs/halfcheetah-seed1] [--backend auto|wasm|cpu] [--resume]
  Trains PPO (the paper's MuJoCo settings: @ppo/trainer's mujoco preset) on ${ENV_ID}.
  Ctrl-C finishes the update, writes a checkpoint and stops; --resume continues the run in --out
  from it (with the run's saved config: --steps, --seed and --backend are then ignored).`;

/** Usage of `pnpm eval`. */
export const EVAL_USAGE = `usage: pnpm eval <run directory> [--episodes 10] [--seed N] [--backend auto|wasm|cpu]
  Runs the saved deterministic policy (final/, else the latest checkpoint) and prints JSON.`;

/** Parsed options of the training command. */
export interface TrainArgs {
  readonly steps: number;
  readonly seed: number;
  readonly out: string;
  readonly backend: Backend;
  readonly resume: boolean;
}

/** Parsed options of the evaluation command. */
export interface EvalArgs {
  readonly runDir: string;
  readonly episodes: number;
  readonly seed: number | undefined;
  readonly backend: Backend | undefined;
}

function parse(argv: readonly string[], options: NonNullable<ParseArgsConfig['options']>, allowPositionals: boolean) {
  try {
    // pnpm passes a lone `--` through when a script is called as `pnpm start -- --steps 10`.
    return parseArgs({ args: argv.filter((a) => a !== '--'), options, strict: true, allowPositionals });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}

function integer(flag: string, text: string | undefined, min: number, max: number): number {
  const value = Number(text);
  if (text === undefined || !/^\d+$/.test(text) || value < min || value > max) {
    throw new UsageError(`${flag} must be an integer in [${min}, ${max}], got ${JSON.stringify(text)}`);
  }
  return value;
}

function backendOf(text: string | undefined): Backend | undefined {
  if (text === undefined) return undefined;
  if (!(BACKENDS as readonly string[]).includes(text)) throw new UsageError(`--backend must be one of ${BACKENDS.join(', ')}, got ${JSON.stringify(text)}`);
  return text as Backend;
}

/**
 * Parses the training command line (`--steps`, `--seed`, `--out`, `--backend`, `--resume`).
 * The default run directory is `runs/halfcheetah-seed<seed>`.
 * @throws {@link UsageError} on an unknown flag or a bad value.
 */
export function parseTrainArgs(argv: readonly string[]): TrainArgs {
  const { values } = parse(
    argv,
    {
      steps: { type: 'string', default: '1000000' },
      seed: { type: 'string', default: '1' },
      out: { type: 'string' },
      backend: { type: 'string', default: 'auto' },
      resume: { type: 'boolean', default: false },
    },
    false,
  );
  const seed = integer('--seed', values.seed as string, 0, 2 ** 32 - 1);
  return {
    steps: integer('--steps', values.steps as string, 1, Number.MAX_SAFE_INTEGER),
    seed,
    out: resolve((values.out as string | undefined) ?? join('runs', `halfcheetah-seed${seed}`)),
    backend: backendOf(values.backend as string) ?? 'auto',
    resume: values.resume === true,
  };
}

/**
 * Parses the evaluation command line: a run directory, then `--episodes`, `--seed`, `--backend`.
 * @throws {@link UsageError} on a missing directory, an unknown flag or a bad value.
 */
export function parseEvalArgs(argv: readonly string[]): EvalArgs {
  const { values, positionals } = parse(
    argv,
    { episodes: { type: 'string', default: '10' }, seed: { type: 'string' }, backend: { type: 'string' } },
    true,
  );
  if (positionals.length !== 1) throw new UsageError(`expected one run directory, got ${positionals.length === 0 ? 'none' : positionals.join(' ')}`);
  return {
    runDir: resolve(positionals[0]),
    episodes: integer('--episodes', values.episodes as string, 1, 100_000),
    seed: values.seed === undefined ? undefined : integer('--seed', values.seed as string, 0, 2 ** 32 - 1),
    backend: backendOf(values.backend as string | undefined),
  };
}

/** Starts the MuJoCo WebAssembly module and registers the tasks (idempotent). */
export async function setUpMujoco(): Promise<void> {
  await initMujoco();
  registerMujocoEnvs();
}

/**
 * Trains (or resumes) PPO on HalfCheetah-v5 with the `mujoco` preset in `args.out`.
 * `overrides` change config fields over the preset (the smoke test shrinks the rollout).
 */
export async function trainHalfCheetah(
  args: TrainArgs,
  options: { overrides?: Partial<PPOConfig>; console?: boolean; handleSignals?: boolean } = {},
): Promise<RunResult> {
  await setUpMujoco();
  return runTraining({
    out: args.out,
    preset: 'mujoco',
    config: { ...options.overrides, env: ENV_ID, seed: args.seed, totalSteps: args.steps, backend: args.backend },
    resume: args.resume,
    console: options.console,
    handleSignals: options.handleSignals,
  });
}

/** Evaluates the saved policy of a run directory (deterministic actions, frozen normalization). */
export async function evaluateHalfCheetah(args: EvalArgs): Promise<EvaluationResult> {
  await setUpMujoco();
  return evaluateRun(args.runDir, { episodes: args.episodes, seed: args.seed, backend: args.backend });
}
