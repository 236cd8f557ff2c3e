/**
 * The `ppo` command line: `train`, `eval`, `export`, `plot`, `list-envs`. Node-only.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isRegistered, listEnvs } from '@ppo/envs';
import { CONFIG_SCHEMA, ConfigError, isPresetName, PRESETS, resolveConfig, type PPOConfig, type PresetName } from './config';
import { EnvModulesConsentError, importEnvModules, type RunModuleConsent } from './env-modules';
import { exportRun } from './export-run';
import { parseDecimal, parseDecimalInteger } from './parse-number';
import { evaluateRun, plotRun, runTraining, type RunResult } from './runner';
import { superviseTraining } from './supervise-training';
import { PpoError } from '@ppo/utils';

/** The usage text printed by `ppo --help` and on a usage error. */
export const USAGE = `Usage:
  ppo train --env ID [--preset classic|mujoco|atari|minatar] [--total-steps N] [--seed S] [--num-envs N]
            [--env-modules MODULE,...] [--backend auto|wasm|cpu|tensorflow] [--out DIR]
            [--config file.json] [--quiet] [--<hyperparameter> VALUE ...]
  ppo train --resume DIR [--env-modules MODULE,... | --trust-run-modules]
            (both forms also take [--env-timeout-ms MS] [--env-start-timeout-ms MS] [--stop-grace-ms MS])
  ppo eval DIR [--episodes K] [--seed S] [--backend auto|wasm|cpu|tensorflow]
           [--env-modules MODULE,... | --trust-run-modules]
  ppo export DIR [--out DIR2] [--env-modules MODULE,... | --trust-run-modules]
  ppo plot DIR
  ppo list-envs [--env-modules MODULE,...] [--json]
  ppo --help            (also ppo help, and --help or -h after any command)

--env-modules imports modules that register envs before any env is made, in the worker
threads of --vector-env async too: package specifiers such as @ppo/envs-mujoco/register
(resolved from the current directory) or file paths such as ./my-envs.mjs; data:, http: and
other URLs are refused. A run stores them as absolute URLs, but --resume, eval and export
import modules only with your consent: name them again with --env-modules, or pass
--trust-run-modules to import the ones the run names (they are printed first). See SECURITY.md.

SIGINT or SIGTERM stops a run after its current update with a checkpoint; training runs in a
child process, which is ended if it has not stopped within --stop-grace-ms (default 5000) or
on a second signal; the last checkpoint on disk is kept and --resume continues from it. With
--vector-env async, --env-timeout-ms bounds each step and reset of the envs and
--env-start-timeout-ms (default: the larger of --env-timeout-ms and 30000) the import of the
env modules and the making of the envs in the workers; the error names the env and the call.

ppo export writes a run's final policy to DIR/export (or DIR2) for a browser page: the weights
in @ppo/nets' format (weights.json and its .bin) and policy.json (the network options, the
action space, the observation normalization and clipping). It writes a new folder and renames
it into place, replacing only a folder that holds an earlier export.

Hyperparameters (kebab-case of the config fields; booleans also as --flag / --no-flag;
'null' turns off a nullable one; lists as 64,64):
${Object.keys(CONFIG_SCHEMA)
  .map((k) => `  --${kebab(k)}`)
  .join('\n')}

A run directory holds config.json, metrics.jsonl, progress.csv, checkpoints/, final/,
learning-curve.svg (+ .png) and, while a process uses it, ppo.lock. Checkpoints carry SHA-256
checksums; --resume falls back to the newest checkpoint that passes. Exit codes: 0 ok, 1 error, 2 usage, 130/143 stopped by a signal.`;

function kebab(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

const FLAG_TO_FIELD: ReadonlyMap<string, keyof PPOConfig> = new Map(
  (Object.keys(CONFIG_SCHEMA) as (keyof PPOConfig)[]).map((k) => [kebab(k), k]),
);

const COMMANDS: ReadonlySet<string> = new Set(['train', 'eval', 'export', 'plot', 'list-envs']);

/** A bad command line; `main` prints the usage and exits with code 2. */
export class UsageError extends PpoError {
  constructor(message: string) {
    super('USAGE', message);
    this.name = 'UsageError';
  }
}

/** A parsed command line. */
export type ParsedCommand =
  | { command: 'help' }
  | { command: 'list-envs'; json: boolean; envModules: string[] }
  | { command: 'plot'; dir: string }
  | ({ command: 'export'; dir: string; out: string | null } & RunModuleConsent)
  | ({ command: 'eval'; dir: string; episodes?: number; seed?: number; backend?: PPOConfig['backend'] } & RunModuleConsent)
  | ({
      command: 'train';
      resume: string | null;
      out: string | null;
      preset: PresetName;
      configFile: string | null;
      overrides: Partial<PPOConfig>;
      quiet: boolean;
    } & RunModuleConsent &
      TrainLimits);

/** Process settings of `ppo train`, not part of the run's config (so they are allowed with --resume). */
export interface TrainLimits {
  readonly envTimeoutMs?: number;
  readonly envStartTimeoutMs?: number;
  readonly stopGraceMs?: number;
}

function parseValue(field: keyof PPOConfig, text: string): unknown {
  const kind = CONFIG_SCHEMA[field];
  const bad = (expected: string): never => {
    throw new UsageError(`--${kebab(field)} expects ${expected}, got '${text}'`);
  };
  switch (kind.kind) {
    case 'string':
      return text;
    case 'enum':
      if (!kind.values.includes(text)) bad(`one of ${kind.values.join(', ')}`);
      return text;
    case 'bool':
      if (['true', '1', 'yes'].includes(text)) return true;
      if (['false', '0', 'no'].includes(text)) return false;
      return bad('true or false');
    case 'int':
      // The range is checked with the whole config; here only the syntax and exactness.
      return parseDecimalInteger(text) ?? bad(`a decimal integer (at most ${Number.MAX_SAFE_INTEGER} in magnitude)`);
    case 'number':
      if (kind.nullable === true && (text === 'null' || text === 'none')) return null;
      return parseDecimal(text) ?? bad(`a finite decimal number${kind.nullable === true ? " or 'null'" : ''}`);
    case 'intList': {
      const parts = text.split(',').map((p) => parseDecimalInteger(p.trim()));
      if (!parts.every((p) => p !== undefined)) bad('a comma-separated list of decimal integers such as 64,64');
      return parts;
    }
    case 'stringList': {
      const parts = text.split(',').map((p) => p.trim());
      if (parts.some((p) => p === '')) bad('a comma-separated list of non-empty entries such as ./my-envs.mjs,@ppo/envs-mujoco/register');
      return parts;
    }
    case 'object':
      try {
        const value: unknown = JSON.parse(text);
        if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new Error('not an object');
        return value;
      } catch {
        return bad('a JSON object');
      }
  }
}

function checkConsentFlags(envModules: readonly string[] | undefined, trustRunModules: boolean | undefined): void {
  if (envModules !== undefined && trustRunModules === true) {
    throw new UsageError('give either --env-modules (the modules to import) or --trust-run-modules (import those the run names), not both');
  }
}

const LIMIT_FLAGS: Readonly<Record<string, 'envTimeoutMs' | 'envStartTimeoutMs' | 'stopGraceMs'>> = {
  'env-timeout-ms': 'envTimeoutMs',
  'env-start-timeout-ms': 'envStartTimeoutMs',
  'stop-grace-ms': 'stopGraceMs',
};

/** A time limit: whole milliseconds in [1, 2^31 - 1] (the longest a timer can wait). */
function parseMilliseconds(flag: string, text: string): number {
  const value = parseDecimalInteger(text);
  if (value === undefined || value < 1 || value > 2 ** 31 - 1) throw new UsageError(`${flag} expects a decimal integer of milliseconds in [1, ${2 ** 31 - 1}], got '${text}'`);
  return value;
}

/** An integer flag of eval with the range of the config field it stands for. */
function parseInteger(flag: string, text: string, field: 'evalEpisodes' | 'seed'): number {
  const kind = CONFIG_SCHEMA[field];
  const [min, max] = kind.kind === 'int' ? [kind.min, kind.max ?? Number.MAX_SAFE_INTEGER] : [0, Number.MAX_SAFE_INTEGER];
  const value = parseDecimalInteger(text);
  if (value === undefined || value < min || value > max) throw new UsageError(`${flag} expects a decimal integer in [${min}, ${max}], got '${text}'`);
  return value;
}

/**
 * Parses `argv` (without the node and script paths); `--help` or `-h` anywhere after a command
 * asks for the usage. Throws {@link UsageError} on an unknown command or flag, a missing
 * value, or a value of the wrong type.
 */
export function parseArgs(argv: readonly string[]): ParsedCommand {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') return { command: 'help' };
  if (COMMANDS.has(command) && rest.some((arg) => arg === '--help' || arg === '-h')) return { command: 'help' };
  const takeValue = (k: number, flag: string): string => {
    const value = rest[k + 1];
    if (value === undefined || value.startsWith('--')) throw new UsageError(`${flag} needs a value`);
    return value;
  };
  if (command === 'list-envs') {
    let json = false;
    let envModules: string[] = [];
    for (let k = 0; k < rest.length; k++) {
      const arg = rest[k];
      if (arg === '--json') json = true;
      else if (arg === '--env-modules') envModules = parseValue('envModules', takeValue(k++, arg)) as string[];
      else throw new UsageError(`unknown argument '${arg}' for list-envs`);
    }
    return { command: 'list-envs', json, envModules };
  }
  if (command === 'plot' || command === 'eval' || command === 'export') {
    let dir: string | undefined;
    let episodes: number | undefined;
    let seed: number | undefined;
    let backend: PPOConfig['backend'] | undefined;
    let out: string | null = null;
    let envModules: string[] | undefined;
    let trustRunModules: boolean | undefined;
    for (let k = 0; k < rest.length; k++) {
      const arg = rest[k];
      if (command !== 'plot' && arg === '--env-modules') {
        envModules = parseValue('envModules', takeValue(k++, arg)) as string[];
      } else if (command !== 'plot' && arg === '--trust-run-modules') {
        trustRunModules = true;
      } else if (command === 'export' && arg === '--out') {
        out = takeValue(k++, arg);
      } else if (command === 'eval' && arg === '--episodes') {
        episodes = parseInteger('--episodes', takeValue(k, arg), 'evalEpisodes');
        k++;
      } else if (command === 'eval' && arg === '--seed') {
        seed = parseInteger('--seed', takeValue(k, arg), 'seed');
        k++;
      } else if (command === 'eval' && arg === '--backend') {
        backend = parseValue('backend', takeValue(k, arg)) as PPOConfig['backend'];
        k++;
      } else if (arg.startsWith('-')) {
        throw new UsageError(`unknown flag '${arg}' for ${command}`);
      } else if (dir === undefined) {
        dir = arg;
      } else {
        throw new UsageError(`unexpected argument '${arg}' for ${command}`);
      }
    }
    if (dir === undefined) throw new UsageError(`${command} needs a run directory`);
    checkConsentFlags(envModules, trustRunModules);
    if (command === 'export') return { command: 'export', dir, out, envModules, trustRunModules };
    return command === 'plot' ? { command: 'plot', dir } : { command: 'eval', dir, episodes, seed, backend, envModules, trustRunModules };
  }
  if (command !== 'train') throw new UsageError(`unknown command '${command}'`);
  let resume: string | null = null;
  let out: string | null = null;
  let preset: PresetName = 'classic';
  let configFile: string | null = null;
  let quiet = false;
  const limits: { -readonly [K in keyof TrainLimits]: TrainLimits[K] } = {};
  let trustRunModules: boolean | undefined;
  const overrides: Record<string, unknown> = {};
  for (let k = 0; k < rest.length; k++) {
    const arg = rest[k];
    if (!arg.startsWith('--')) throw new UsageError(`unexpected argument '${arg}'`);
    const flag = arg.slice(2);
    if (flag === 'resume') {
      resume = takeValue(k++, arg);
    } else if (flag === 'out') {
      out = takeValue(k++, arg);
    } else if (flag === 'config') {
      configFile = takeValue(k++, arg);
    } else if (flag === 'quiet') {
      quiet = true;
    } else if (Object.hasOwn(LIMIT_FLAGS, flag)) {
      limits[LIMIT_FLAGS[flag]] = parseMilliseconds(arg, takeValue(k++, arg));
    } else if (flag === 'trust-run-modules') {
      trustRunModules = true;
    } else if (flag === 'preset') {
      const value = takeValue(k++, arg);
      if (!isPresetName(value)) throw new UsageError(`--preset expects one of ${Object.keys(PRESETS).join(', ')}, got '${value}'`);
      preset = value;
    } else if (flag.startsWith('no-') && CONFIG_SCHEMA[FLAG_TO_FIELD.get(flag.slice(3)) ?? ('' as keyof PPOConfig)]?.kind === 'bool') {
      overrides[FLAG_TO_FIELD.get(flag.slice(3)) as string] = false;
    } else {
      const field = FLAG_TO_FIELD.get(flag);
      if (field === undefined) throw new UsageError(`unknown flag '${arg}'`);
      const next = rest[k + 1];
      if (CONFIG_SCHEMA[field].kind === 'bool' && (next === undefined || next.startsWith('--'))) {
        overrides[field] = true;
      } else {
        overrides[field] = parseValue(field, takeValue(k++, arg));
      }
    }
  }
  if (resume === null) {
    if (trustRunModules === true) throw new UsageError('--trust-run-modules applies to --resume, eval and export only: a new run imports the --env-modules given');
    return { command: 'train', resume, out, preset, configFile, overrides, quiet, ...limits };
  }
  // With --resume, --env-modules is consent to import modules, not a setting.
  const { envModules, ...settings } = overrides as Partial<PPOConfig>;
  if (Object.keys(settings).length > 0 || configFile !== null || out !== null) {
    throw new UsageError('--resume takes no other settings: the run continues with its saved config');
  }
  checkConsentFlags(envModules, trustRunModules);
  return { command: 'train', resume, out, preset, configFile, overrides: {}, quiet, envModules, trustRunModules, ...limits };
}

/** Where {@link main} writes; defaults to the process streams. */
export interface CliIo {
  /** Receives results, progress and usage text printed on request. */
  readonly stdout: (text: string) => void;
  /** Receives errors and the usage text that follows a usage error. */
  readonly stderr: (text: string) => void;
}

const PROCESS_IO: CliIo = {
  stdout: (text) => {
    process.stdout.write(text);
  },
  stderr: (text) => {
    process.stderr.write(text);
  },
};

function loadConfigFile(path: string): Partial<PPOConfig> {
  if (!existsSync(path)) throw new UsageError(`--config file '${path}' does not exist`);
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new UsageError(`--config file '${path}' is not valid JSON (${(error as Error).message})`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new UsageError(`--config file '${path}' must hold a JSON object`);
  return value;
}

/** Options of {@link main}. */
export interface MainOptions {
  /**
   * Run `train` in a child process while this process handles SIGINT and SIGTERM, so that a
   * signal ends the run within the grace period whatever the training is doing (the `ppo`
   * executable does). Needs the built package. Default false: train in this process, where a
   * signal is handled only when the training thread is free (not while an env call hangs).
   */
  readonly isolateTraining?: boolean;
}

/** How long a stopped run may take to finish its update before it is ended, by default. */
const DEFAULT_STOP_GRACE_MS = 5000;

/**
 * Runs the command line and resolves to the exit code: 0 ok, 1 error, 2 usage (an unknown
 * flag, a bad value, a config error, an unknown env id or an --env-modules entry that cannot
 * be imported; the usage follows the message; also a run naming env modules without
 * --env-modules or --trust-run-modules, with the list of modules only), 130/143 stopped by
 * SIGINT/SIGTERM (after writing a checkpoint, or, when isolated and the run did not stop in
 * time, after ending it with the last checkpoint kept).
 */
export async function main(argv: readonly string[], io: CliIo = PROCESS_IO, options: MainOptions = {}): Promise<number> {
  const usageFailure = (error: Error): number => {
    io.stderr(`ppo: ${error.message}\n\n${USAGE}\n`);
    return 2;
  };
  let parsed: ParsedCommand;
  let config: PPOConfig | null = null;
  try {
    parsed = parseArgs(argv);
    if (parsed.command === 'train' && parsed.resume === null) {
      const fromFile = parsed.configFile === null ? {} : loadConfigFile(parsed.configFile);
      config = resolveConfig({ preset: parsed.preset, overrides: { ...fromFile, ...parsed.overrides } });
      if (config.vectorEnv !== 'async' && (parsed.envTimeoutMs !== undefined || parsed.envStartTimeoutMs !== undefined)) {
        throw new UsageError('--env-timeout-ms and --env-start-timeout-ms need --vector-env async (a sync env runs in the training thread, where a call cannot be timed out)');
      }
      // The env id can only be checked once the modules that register envs are imported.
      await importEnvModules(config.envModules);
      if (!isRegistered(config.env)) {
        throw new UsageError(
          `--env expects a registered env id, got '${config.env}'; registered ids: ${listEnvs()
            .map((s) => s.id)
            .join(', ')} (--env-modules registers more; ppo list-envs lists them)`,
        );
      }
    } else if (parsed.command === 'list-envs') {
      await importEnvModules(parsed.envModules);
    }
  } catch (error) {
    if (error instanceof UsageError || error instanceof ConfigError) return usageFailure(error);
    throw error;
  }
  // Settings from the command line, as opposed to a run's saved config (resume, eval, export).
  const fromCommandLine = parsed.command === 'train' && parsed.resume === null;
  const onNotice = (message: string) => io.stderr(`ppo: ${message}\n`);
  try {
    switch (parsed.command) {
      case 'help':
        io.stdout(`${USAGE}\n`);
        return 0;
      case 'list-envs': {
        const specs = listEnvs();
        if (parsed.json) io.stdout(`${JSON.stringify(specs, null, 2)}\n`);
        else {
          for (const s of specs) {
            io.stdout(`${s.id.padEnd(32)} max steps ${String(s.maxEpisodeSteps ?? '-').padStart(5)}   solved at ${String(s.rewardThreshold ?? '-')}\n`);
          }
        }
        return 0;
      }
      case 'plot': {
        if (!existsSync(parsed.dir)) throw new PpoError('NOT_A_RUN', `run directory '${parsed.dir}' does not exist`);
        const { svg, png } = plotRun(parsed.dir);
        io.stdout(`${svg}\n${png}\n`);
        return 0;
      }
      case 'eval': {
        const result = await evaluateRun(parsed.dir, {
          episodes: parsed.episodes,
          seed: parsed.seed,
          backend: parsed.backend,
          envModules: parsed.envModules,
          trustRunModules: parsed.trustRunModules,
          onNotice,
        });
        const { returns: _returns, lengths: _lengths, ...summary } = result;
        io.stdout(`${JSON.stringify({ ...summary, meanLength: result.lengths.reduce((a, b) => a + b, 0) / result.lengths.length })}\n`);
        return 0;
      }
      case 'export': {
        if (!existsSync(parsed.dir)) throw new PpoError('NOT_A_RUN', `run directory '${parsed.dir}' does not exist`);
        const result = await exportRun(parsed.dir, { out: parsed.out ?? undefined, envModules: parsed.envModules, trustRunModules: parsed.trustRunModules, onNotice });
        io.stdout(`exported ${result.checkpoint} (${result.policy.source.globalStep} steps) to ${result.out}\n`);
        return 0;
      }
      case 'train': {
        const out =
          parsed.resume ??
          parsed.out ??
          join('runs', `${(config as PPOConfig).env}__seed${(config as PPOConfig).seed}__${new Date().toISOString().replace(/[:.]/g, '-')}`);
        const runOptions = {
          out,
          resume: parsed.resume !== null,
          config: config ?? undefined,
          console: !parsed.quiet,
          envModules: parsed.envModules,
          trustRunModules: parsed.trustRunModules,
          envTimeoutMs: parsed.envTimeoutMs,
          envStartTimeoutMs: parsed.envStartTimeoutMs,
        };
        let result: RunResult;
        if (options.isolateTraining === true) {
          // The child reports notices on the same stderr.
          const run = await superviseTraining(runOptions, { graceMs: parsed.stopGraceMs ?? DEFAULT_STOP_GRACE_MS });
          if (run.kind === 'killed') {
            const why = run.reason === 'grace' ? `it did not stop within ${parsed.stopGraceMs ?? DEFAULT_STOP_GRACE_MS} ms` : 'a second signal came';
            io.stderr(`ppo: stopped by ${run.signal}: the training process was ended because ${why}; the last checkpoint on disk is kept (ppo train --resume ${out} continues from it)\n`);
            return run.signal === 'SIGTERM' ? 143 : 130;
          }
          if (run.kind === 'died') {
            io.stderr(`ppo: the training process was killed by ${run.signal}; the last checkpoint on disk is kept (ppo train --resume ${out} continues from it)\n`);
            // End the way the training did, so that a caller sees the same signal.
            process.kill(process.pid, run.signal);
            return 1;
          }
          result = run.result;
        } else {
          result = await runTraining({ ...runOptions, onNotice });
        }
        io.stdout(
          `${result.stoppedBy === 'signal' ? 'stopped by signal after a checkpoint' : 'done'}: ${result.globalStep} steps, ` +
            `${result.update} updates in ${result.seconds.toFixed(1)} s on ${result.backend}; ` +
            `mean return of the last 20 episodes ${result.recentReturn.toFixed(2)}\nrun directory: ${result.runDir}\n` +
            (result.plot === null ? '' : `learning curve: ${result.plot}\n`),
        );
        if (result.stoppedBy === 'signal') return result.signal === 'SIGTERM' ? 143 : 130;
        return 0;
      }
    }
  } catch (error) {
    if (fromCommandLine && error instanceof ConfigError) return usageFailure(error);
    // A missing flag, but the usage would bury the list of modules: the message alone.
    if (error instanceof EnvModulesConsentError) {
      io.stderr(`ppo: ${error.message}\n`);
      return 2;
    }
    io.stderr(`ppo: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
}
