/**
 * The `ppo` command line: `train`, `eval`, `export`, `plot`, `list-envs`, `worker`. Node-only. The flags
 * come from the schema in cli-flags.ts, which also gives `--help` and the docs' reference.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs as tokenize } from 'node:util';
import { isRegistered, listEnvs } from '@ppo/envs';
import { COMMAND_SPECS, UsageError, type CommandName, type FlagSpec } from './cli-flags';
import { commandHelp, overviewHelp } from './cli-help';
import { inCliTerms } from './cli-wording';
import { ConfigError, resolveConfig, type PPOConfig, type PresetName } from './config';
import { closestMatch } from './did-you-mean';
import { EnvModulesConsentError, importEnvModules, type RunModuleConsent } from './env-modules';
import { loadDistributed, natsToken, type NatsSettings, type WorkersSettings } from './distributed-package';
import { EnvPackageMissingError, loadEnvPackage } from './env-packages';
import { selectBackend } from '@ppo/nets/node';
import { exportRun } from './export-run';
import type { EvaluationResult } from './evaluate-policy';
import { evaluateRun, plotRun, runTraining, type RunResult } from './runner';
import { superviseTraining } from './supervise-training';
import { PpoError } from '@ppo/utils';

export { UsageError } from './cli-flags';

/** The text of `ppo --help`: the commands; `ppo <command> --help` gives a command's flags. */
export const USAGE: string = overviewHelp();

/** The help of `ppo <command> --help`, or of `ppo --help` without a command. */
export function helpText(command?: CommandName): string {
  return command === undefined ? USAGE : commandHelp(command);
}

/** The hint printed after a usage error, naming the help to read. */
export function usageHint(command?: CommandName): string {
  return command === undefined ? "run 'ppo --help' for the commands" : `run 'ppo ${command} --help' for the options`;
}

/** A parsed command line. */
export type ParsedCommand =
  | { command: 'help'; topic?: CommandName }
  | { command: 'version' }
  | { command: 'list-envs'; json: boolean; envModules: string[] }
  | { command: 'plot'; dir: string }
  | { command: 'worker'; nats: NatsSettings; envModules: string[]; backend?: PPOConfig['backend'] }
  | ({ command: 'export'; dir: string; out: string | null } & RunModuleConsent)
  | ({
      command: 'eval';
      dir: string;
      episodes?: number;
      seed?: number;
      backend?: PPOConfig['backend'];
      /** Sample actions instead of taking the deterministic one. */
      stochastic: boolean;
      /** Print JSON instead of the table. */
      json: boolean;
    } & RunModuleConsent)
  | ({
      command: 'train';
      resume: string | null;
      out: string | null;
      preset: PresetName;
      configFile: string | null;
      overrides: Partial<PPOConfig>;
      quiet: boolean;
      tensorboard: boolean;
      /** `--workers` and its settings, or null to step the envs in the training process. */
      workers: WorkersSettings | null;
    } & RunModuleConsent &
      TrainLimits);

/** Process settings of `ppo train`, not part of the run's config (so they are allowed with --resume). */
export interface TrainLimits {
  readonly envTimeoutMs?: number;
  readonly envStartTimeoutMs?: number;
  readonly stopGraceMs?: number;
}

function isCommand(word: string): word is CommandName {
  return Object.hasOwn(COMMAND_SPECS, word);
}

function checkConsentFlags(command: CommandName, envModules: readonly string[] | undefined, trustRunModules: boolean | undefined): void {
  if (envModules !== undefined && trustRunModules === true) {
    throw new UsageError('give either --env-modules (the modules to import) or --trust-run-modules (import those the run names), not both', command);
  }
}

/** The flags given on a command line: values by flag name, and the positional arguments. */
interface FlagValues {
  readonly values: Map<string, unknown>;
  readonly positionals: string[];
}

/**
 * Reads the flags of `command` from `args` with `node:util`'s tokenizer (`--flag value`,
 * `--flag=value`, `--`): each value is parsed by its flag's schema entry; a config field's
 * boolean also takes `--no-flag` and a following `true`/`false`.
 */
function readFlags(command: CommandName, args: readonly string[]): FlagValues {
  const spec = COMMAND_SPECS[command];
  const flags = new Map<string, FlagSpec>([...spec.flags, ...(spec.configFlags ?? [])].map((f) => [f.name, f]));
  const options = Object.fromEntries([...flags.values()].map((f) => [f.name, { type: f.value === undefined ? ('boolean' as const) : ('string' as const) }]));
  const { tokens } = tokenize({ args: [...args], options, strict: false, allowPositionals: true, tokens: true });
  const values = new Map<string, unknown>();
  const positionals: string[] = [];
  const isBooleanField = (flag: FlagSpec | undefined): boolean => flag?.field !== undefined && flag.value === undefined;
  for (let k = 0; k < tokens.length; k++) {
    const token = tokens[k];
    if (token.kind === 'positional') {
      positionals.push(token.value);
      continue;
    }
    if (token.kind === 'option-terminator') continue;
    const written = token.rawName;
    const flag = flags.get(token.name);
    const negated = token.name.startsWith('no-') ? flags.get(token.name.slice(3)) : undefined;
    if (flag === undefined && negated !== undefined && isBooleanField(negated) && token.value === undefined) {
      values.set(negated.name, false);
    } else if (flag === undefined) {
      const suggestion = written.startsWith('--') ? closestMatch(token.name, [...flags.keys(), 'help', 'version']) : undefined;
      throw new UsageError(`unknown option ${written}${suggestion === undefined ? '' : `; did you mean --${suggestion}?`}`, command);
    } else if (isBooleanField(flag)) {
      // `--flag`, `--flag=false`, or `--flag false` (the next argument).
      const next = tokens[k + 1];
      const text = token.value ?? (next?.kind === 'positional' ? (k++, next.value) : undefined);
      values.set(flag.name, text === undefined ? true : (flag.parse as (t: string) => unknown)(text));
    } else if (flag.value === undefined) {
      if (token.value !== undefined) throw new UsageError(`${written} takes no value, got '${token.value}'`, command);
      values.set(flag.name, true);
    } else {
      // A flag that follows is not a value: `--seed --quiet` lacks the seed.
      if (token.value === undefined || (!token.inlineValue && token.value.startsWith('--'))) throw new UsageError(`${written} needs a value`, command);
      values.set(flag.name, flag.parse === undefined ? token.value : flag.parse(token.value));
    }
  }
  return { values, positionals };
}

/**
 * Parses `argv` (without the node and script paths); `--help` or `-h` anywhere after a command
 * asks for that command's help, `--version` (or `-v`) first for the version. Throws
 * {@link UsageError} on an unknown command or flag (suggesting the nearest), a missing value,
 * a value of the wrong type, or `train` without `--env` (or `--config`, or `--resume`).
 */
export function parseArgs(argv: readonly string[]): ParsedCommand {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h') return { command: 'help' };
  if (command === 'help') return rest[0] !== undefined && isCommand(rest[0]) ? { command: 'help', topic: rest[0] } : { command: 'help' };
  if (command === '--version' || command === '-v') return { command: 'version' };
  if (!isCommand(command)) {
    const suggestion = closestMatch(command, Object.keys(COMMAND_SPECS));
    throw new UsageError(`unknown command '${command}'${suggestion === undefined ? '' : `; did you mean ${suggestion}?`}`);
  }
  if (rest.some((arg) => arg === '--help' || arg === '-h')) return { command: 'help', topic: command };
  const { values, positionals } = readFlags(command, rest);
  const text = (name: string): string | undefined => values.get(name) as string | undefined;
  const modules = values.get('env-modules') as string[] | undefined;
  const trust = values.get('trust-run-modules') === true ? true : undefined;
  if (command === 'list-envs' || command === 'train') {
    if (positionals.length > 0) throw new UsageError(`unexpected argument '${positionals[0]}' for ${command}`, command);
  }
  if (command === 'list-envs') return { command, json: values.get('json') === true, envModules: modules ?? [] };
  if (command === 'worker') {
    if (positionals.length > 0) throw new UsageError(`unexpected argument '${positionals[0]}' for worker`, command);
    const servers = text('nats');
    if (servers === undefined) throw new UsageError('ppo worker needs --nats URL, the NATS server of the learner (for example --nats nats://10.0.0.1:4222)', command);
    return { command, nats: { servers, ...natsOptions(values) }, envModules: modules ?? [], backend: values.get('backend') as PPOConfig['backend'] | undefined };
  }
  if (command !== 'train') {
    const [dir, extra] = positionals;
    if (dir === undefined) throw new UsageError(`${command} needs a run directory`, command);
    if (extra !== undefined) throw new UsageError(`unexpected argument '${extra}' for ${command}`, command);
    if (command === 'plot') return { command, dir };
    checkConsentFlags(command, modules, trust);
    if (command === 'export') return { command, dir, out: text('out') ?? null, envModules: modules, trustRunModules: trust };
    return {
      command,
      dir,
      episodes: values.get('episodes') as number | undefined,
      seed: values.get('seed') as number | undefined,
      backend: values.get('backend') as PPOConfig['backend'] | undefined,
      stochastic: values.get('stochastic') === true,
      json: values.get('json') === true,
      envModules: modules,
      trustRunModules: trust,
    };
  }
  const overrides: Record<string, unknown> = {};
  for (const flag of COMMAND_SPECS.train.configFlags ?? []) {
    if (values.has(flag.name) && flag.field !== undefined) overrides[flag.field] = values.get(flag.name);
  }
  const limits: { -readonly [K in keyof TrainLimits]: TrainLimits[K] } = {};
  for (const [flag, key] of [['env-timeout-ms', 'envTimeoutMs'], ['env-start-timeout-ms', 'envStartTimeoutMs'], ['stop-grace-ms', 'stopGraceMs']] as const) {
    if (values.has(flag)) limits[key] = values.get(flag) as number;
  }
  const workersUrl = text('workers');
  if (workersUrl === undefined && ['expect-workers', 'worker-timeout-ms', 'nats-creds', 'nats-ca', 'nats-prefix'].some((f) => values.has(f))) {
    throw new UsageError('--expect-workers, --worker-timeout-ms and the --nats-* flags apply only with --workers', 'train');
  }
  const workers: WorkersSettings | null =
    workersUrl === undefined
      ? null
      : {
          servers: workersUrl,
          ...natsOptions(values),
          ...(values.has('expect-workers') ? { expectWorkers: values.get('expect-workers') as number } : {}),
          ...(values.has('worker-timeout-ms') ? { workerTimeoutMs: values.get('worker-timeout-ms') as number } : {}),
        };
  const resume = text('resume') ?? null;
  const out = text('out') ?? null;
  const configFile = text('config') ?? null;
  const preset = (values.get('preset') as PresetName | undefined) ?? 'classic';
  const quiet = values.get('quiet') === true;
  const tensorboard = values.get('tensorboard') === true;
  if (resume === null) {
    if (trust === true) throw new UsageError('--trust-run-modules applies to --resume, eval and export only: a new run imports the --env-modules given', 'train');
    // A config file may name the env; main checks it once the file is read.
    if (configFile === null && overrides.env === undefined) throw missingEnv();
    return { command: 'train', resume, out, preset, configFile, overrides, quiet, tensorboard, workers, ...limits };
  }
  // With --resume, --env-modules is consent to import modules, not a setting.
  const { envModules, ...settings } = overrides as Partial<PPOConfig>;
  if (Object.keys(settings).length > 0 || configFile !== null || out !== null || values.has('preset')) {
    throw new UsageError('--resume takes no other settings: the run continues with its saved config', 'train');
  }
  checkConsentFlags('train', envModules, trust);
  return { command: 'train', resume, out, preset, configFile, overrides: {}, quiet, tensorboard, workers, envModules, trustRunModules: trust, ...limits };
}

/** The optional NATS flags shared by `train --workers` and `worker`. */
function natsOptions(values: FlagValues['values']): Omit<NatsSettings, 'servers'> {
  const creds = values.get('nats-creds') as string | undefined;
  const ca = values.get('nats-ca') as string | undefined;
  const prefix = values.get('nats-prefix') as string | undefined;
  return { ...(creds === undefined ? {} : { credsFile: creds }), ...(ca === undefined ? {} : { tlsCaFile: ca }), ...(prefix === undefined ? {} : { prefix }) };
}

function missingEnv(): UsageError {
  return new UsageError('ppo train needs --env ID, the env to train on (for example --env CartPole-v1; ppo list-envs lists the ids)', 'train');
}

/** The version of @ppo/trainer, from its package.json. */
function version(): string {
  // The package.json sits one folder above both src/ and dist/.
  return (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;
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
  if (!existsSync(path)) throw new UsageError(`--config file '${path}' does not exist`, 'train');
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new UsageError(`--config file '${path}' is not valid JSON (${(error as Error).message})`, 'train');
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new UsageError(`--config file '${path}' must hold a JSON object`, 'train');
  return value;
}

/**
 * What `ppo eval` prints: a table of each episode's return and length and a summary line, or
 * with `json` one JSON object (the summary, `meanLength`, `stochastic` and both lists).
 */
function formatEvaluation(result: EvaluationResult, stochastic: boolean, json: boolean): string {
  const meanLength = result.lengths.reduce((a, b) => a + b, 0) / result.lengths.length;
  if (json) return `${JSON.stringify({ ...result, meanLength, stochastic })}\n`;
  const width = Math.max(String(result.episodes).length, 'episode'.length);
  const rows = result.returns.map((r, k) => `${String(k + 1).padStart(width)}  ${r.toFixed(2).padStart(12)}  ${String(result.lengths[k]).padStart(7)}`);
  const cut = result.cutAtMaxSteps > 0 ? `; ${result.cutAtMaxSteps} cut at the step limit` : '';
  return [
    `${'episode'.padStart(width)}  ${'return'.padStart(12)}  ${'length'.padStart(7)}`,
    ...rows,
    `mean return ${result.mean.toFixed(2)} ± ${result.std.toFixed(2)} (min ${result.min.toFixed(2)}, max ${result.max.toFixed(2)}) over ${result.episodes} episode${result.episodes === 1 ? '' : 's'}; ` +
      `mean length ${meanLength.toFixed(1)}${cut}; ${stochastic ? 'sampled' : 'deterministic'} actions`,
    '',
  ].join('\n');
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
 * flag, a bad value, `train` without `--env`, a config error, an unknown env id or an
 * --env-modules entry that cannot be imported; a one-line hint naming the command's `--help`
 * follows the message; also, with the message alone, a run naming env modules without
 * --env-modules or --trust-run-modules, and an env whose first-party package is not
 * installed), 130/143 stopped by
 * SIGINT/SIGTERM (after writing a checkpoint, or, when isolated and the run did not stop in
 * time, after ending it with the last checkpoint kept).
 */
export async function main(argv: readonly string[], io: CliIo = PROCESS_IO, options: MainOptions = {}): Promise<number> {
  // The message and one line naming the help to read; the whole usage would bury the message.
  const usageFailure = (error: Error, command?: CommandName): number => {
    io.stderr(`ppo: ${inCliTerms(error.message)}\n${usageHint(error instanceof UsageError ? error.command : command)}\n`);
    return 2;
  };
  let parsed: ParsedCommand;
  let config: PPOConfig | null = null;
  try {
    parsed = parseArgs(argv);
    if (parsed.command === 'train' && parsed.resume === null) {
      const fromFile = parsed.configFile === null ? {} : loadConfigFile(parsed.configFile);
      if (parsed.overrides.env === undefined && fromFile.env === undefined) throw missingEnv();
      config = resolveConfig({ preset: parsed.preset, overrides: { ...fromFile, ...parsed.overrides } });
      if (config.vectorEnv !== 'async' && (parsed.envTimeoutMs !== undefined || parsed.envStartTimeoutMs !== undefined)) {
        throw new UsageError('--env-timeout-ms and --env-start-timeout-ms need --vector-env async (a sync env runs in the training thread, where a call cannot be timed out)', 'train');
      }
      // The env id can only be checked once the modules that register envs are imported, and
      // the env package that provides it (if any) is loaded.
      await importEnvModules(config.envModules);
      await loadEnvPackage(config.env);
      if (!isRegistered(config.env)) {
        const ids = listEnvs().map((s) => s.id);
        const near = closestMatch(config.env, ids);
        throw new UsageError(
          `--env expects a registered env id, got '${config.env}'${near === undefined ? '' : ` (did you mean ${near}?)`}; registered ids: ${ids.join(', ')} ` +
            '(--env-modules registers more; ppo list-envs lists them)',
          'train',
        );
      }
    } else if (parsed.command === 'list-envs') {
      await importEnvModules(parsed.envModules);
    }
  } catch (error) {
    if (error instanceof UsageError) return usageFailure(error);
    if (error instanceof ConfigError) return usageFailure(error, argv[0] === 'list-envs' ? 'list-envs' : 'train');
    // The message says what to install: the usage would add nothing.
    if (error instanceof EnvPackageMissingError) {
      io.stderr(`ppo: ${error.message}\n`);
      return 2;
    }
    // An env package that fails to import, say: an error of the set-up, not of the command line.
    if (error instanceof PpoError) {
      io.stderr(`ppo: ${error.message}\n`);
      return 1;
    }
    throw error;
  }
  // Settings from the command line, as opposed to a run's saved config (resume, eval, export).
  const fromCommandLine = parsed.command === 'train' && parsed.resume === null;
  const onNotice = (message: string) => io.stderr(`ppo: ${inCliTerms(message)}\n`);
  try {
    switch (parsed.command) {
      case 'help':
        io.stdout(`${helpText(parsed.topic)}\n`);
        return 0;
      case 'version':
        io.stdout(`${version()}\n`);
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
      case 'worker': {
        await importEnvModules(parsed.envModules);
        const distributed = await loadDistributed();
        const backend = await selectBackend(parsed.backend ?? 'auto');
        const stop = new AbortController();
        const onSignal = (signal: NodeJS.Signals) => stop.abort(signal);
        process.once('SIGINT', onSignal);
        process.once('SIGTERM', onSignal);
        io.stderr(`ppo: worker on ${parsed.nats.servers} (${backend} backend); SIGINT or SIGTERM stops it\n`);
        try {
          await distributed.workerMain({
            ...parsed.nats,
            token: natsToken(),
            signal: stop.signal,
            // A first-party env package (MuJoCo, MinAtar) is found by the run's env id, as ppo train does.
            prepareRun: async (config: PPOConfig) => void (await loadEnvPackage(config.env)),
            log: (line: string) => io.stderr(`ppo: ${line}\n`),
          });
        } finally {
          process.off('SIGINT', onSignal);
          process.off('SIGTERM', onSignal);
        }
        return stop.signal.reason === 'SIGINT' ? 130 : stop.signal.reason === 'SIGTERM' ? 143 : 0;
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
          deterministic: !parsed.stochastic,
          envModules: parsed.envModules,
          trustRunModules: parsed.trustRunModules,
          onNotice,
        });
        io.stdout(formatEvaluation(result, parsed.stochastic, parsed.json));
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
          // A namespaced id (MinAtar/Breakout-v1) names one folder, not two.
          join('runs', `${(config as PPOConfig).env.replace(/[/\\]/g, '-')}__seed${(config as PPOConfig).seed}__${new Date().toISOString().replace(/[:.]/g, '-')}`);
        const runOptions = {
          out,
          resume: parsed.resume !== null,
          config: config ?? undefined,
          console: !parsed.quiet,
          tensorboard: parsed.tensorboard,
          envModules: parsed.envModules,
          trustRunModules: parsed.trustRunModules,
          envTimeoutMs: parsed.envTimeoutMs,
          envStartTimeoutMs: parsed.envStartTimeoutMs,
          ...(parsed.workers === null ? {} : { workers: parsed.workers }),
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
    if (fromCommandLine && error instanceof ConfigError) return usageFailure(error, 'train');
    // A missing flag or package: the message says what to do, alone.
    if (error instanceof EnvModulesConsentError || PpoError.is(error, 'ENV_PACKAGE_MISSING')) {
      io.stderr(`ppo: ${inCliTerms(error.message)}\n`);
      return 2;
    }
    io.stderr(`ppo: ${inCliTerms(error instanceof Error ? error.message : String(error))}\n`);
    return 1;
  }
}
