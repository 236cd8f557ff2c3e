/**
 * The one schema of the `ppo` command line: every command, its flags (name, value, type,
 * default, description, parser) and its notes. The parser in cli-main.ts, `--help` and the
 * docs' CLI reference page are all generated from it.
 */
import { CONFIG_SCHEMA, DEFAULT_CONFIG, isPresetName, PRESETS, type PPOConfig, type PresetName } from './config';
import { CONFIG_DESCRIPTIONS } from './config-descriptions';
import { PpoError } from '@ppo/utils';
import { parseDecimal, parseDecimalInteger } from './parse-number';

/** The commands of `ppo`. */
export type CommandName = 'train' | 'eval' | 'export' | 'plot' | 'list-envs' | 'worker';

/** A bad command line; `main` prints the message and a one-line hint and exits with code 2. */
export class UsageError extends PpoError {
  /** The command whose `--help` the hint points to, if the command is known. */
  readonly command: CommandName | undefined;
  constructor(message: string, command?: CommandName) {
    super('USAGE', message);
    this.name = 'UsageError';
    this.command = command;
  }
}

/** One flag of a command. */
export interface FlagSpec {
  /** The name in kebab-case, without the leading `--`. */
  readonly name: string;
  /** The value's placeholder (`DIR`, `N`); absent for a switch, which takes no value. */
  readonly value?: string;
  /** The type as shown in the help: `integer in [1, 4096]`, `boolean`, `auto|wasm|cpu`. */
  readonly type: string;
  /** The default as shown in the help, or absent when there is none. */
  readonly default?: string;
  readonly description: string;
  /** The config field the flag sets (`ppo train`): a boolean one also takes `--no-NAME` and `--NAME true|false`. */
  readonly field?: keyof PPOConfig;
  /** Parses the text of the value; throws a {@link UsageError} naming the flag. */
  readonly parse?: (text: string) => unknown;
}

/** One command: how to call it, its flags and the notes its help ends with. */
export interface CommandSpec {
  readonly name: CommandName;
  /** The forms of the command line, without the leading `ppo `. */
  readonly synopsis: readonly string[];
  /** What the command does, in one line. */
  readonly summary: string;
  /** The positional argument (a run directory), if the command takes one. */
  readonly operand?: { readonly name: string; readonly description: string };
  /** The command's own flags. */
  readonly flags: readonly FlagSpec[];
  /** The flags of the config fields (`ppo train`), shown in a group of their own. */
  readonly configFlags?: readonly FlagSpec[];
  /** Paragraphs printed after the flags. */
  readonly notes: readonly string[];
}

/** A camelCase config field as a kebab-case flag name. */
export function kebab(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

type Kind = (typeof CONFIG_SCHEMA)[keyof PPOConfig];

function parseField(field: keyof PPOConfig, text: string, command: CommandName = 'train'): unknown {
  const kind: Kind = CONFIG_SCHEMA[field];
  const bad = (expected: string): never => {
    throw new UsageError(`--${kebab(field)} expects ${expected}, got '${text}'`, command);
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

function typeOf(kind: Kind): string {
  switch (kind.kind) {
    case 'string':
      return 'string';
    case 'enum':
      return kind.values.join('|');
    case 'bool':
      return 'boolean';
    case 'int':
      return kind.max === undefined || kind.max === Number.MAX_SAFE_INTEGER ? `integer >= ${kind.min}` : `integer in [${kind.min}, ${kind.max}]`;
    case 'number': {
      const parts: string[] = [];
      if (kind.min !== undefined) parts.push(kind.minExclusive === true ? `> ${kind.min}` : `>= ${kind.min}`);
      if (kind.max !== undefined) parts.push(`<= ${kind.max}`);
      return `number${parts.length > 0 ? ` ${parts.join(', ')}` : ''}${kind.nullable === true ? ' or null' : ''}`;
    }
    case 'intList':
      return `comma-separated integers in [${kind.min}, ${kind.max}]`;
    case 'stringList':
      return 'comma-separated list';
    case 'object':
      return 'JSON object';
  }
}

function placeholderOf(kind: Kind): string | undefined {
  switch (kind.kind) {
    case 'bool':
      return undefined;
    case 'int':
      return 'N';
    case 'number':
      return 'X';
    case 'enum':
      return 'NAME';
    case 'intList':
      return 'N,N';
    case 'stringList':
      return 'LIST';
    case 'object':
      return 'JSON';
    case 'string':
      return 'ID';
  }
}

function shownValue(value: unknown): string {
  if (Array.isArray(value)) return value.length === 0 ? 'none' : value.join(',');
  if (value !== null && typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/** The default of a config field, with the presets that change it: `0.00025 (mujoco 0.0003)`. */
function defaultOf(field: keyof PPOConfig): string | undefined {
  // The env has no default on the command line: `ppo train` needs --env.
  if (field === 'env') return undefined;
  const base = shownValue(DEFAULT_CONFIG[field]);
  const changes = (Object.keys(PRESETS) as PresetName[])
    .filter((preset) => Object.hasOwn(PRESETS[preset], field) && shownValue(PRESETS[preset][field]) !== base)
    .map((preset) => `${preset} ${shownValue(PRESETS[preset][field])}`);
  return changes.length === 0 ? base : `${base} (${changes.join(', ')})`;
}

/** The flag of every config field, in the order of the config. */
export const CONFIG_FLAGS: readonly FlagSpec[] = (Object.keys(CONFIG_SCHEMA) as (keyof PPOConfig)[]).map((field) => ({
  name: kebab(field),
  value: placeholderOf(CONFIG_SCHEMA[field]),
  type: typeOf(CONFIG_SCHEMA[field]),
  default: defaultOf(field),
  description: CONFIG_DESCRIPTIONS[field] ?? '',
  field,
  parse: (text: string) => parseField(field, text),
}));

/** A time limit: whole milliseconds in [1, 2^31 - 1] (the longest a timer can wait). */
function parseMilliseconds(flag: string, text: string): number {
  const value = parseDecimalInteger(text);
  if (value === undefined || value < 1 || value > 2 ** 31 - 1) throw new UsageError(`--${flag} expects a decimal integer of milliseconds in [1, ${2 ** 31 - 1}], got '${text}'`, 'train');
  return value;
}

function millisecondsFlag(name: string, description: string, defaultValue?: string): FlagSpec {
  return { name, value: 'MS', type: `integer in [1, ${2 ** 31 - 1}]`, default: defaultValue, description, parse: (text) => parseMilliseconds(name, text) };
}

/** An integer flag of eval with the range of the config field it stands for. */
function integerFlag(name: string, field: 'evalEpisodes' | 'seed', description: string, defaultValue: string): FlagSpec {
  const kind = CONFIG_SCHEMA[field];
  const [min, max] = kind.kind === 'int' ? [kind.min, kind.max ?? Number.MAX_SAFE_INTEGER] : [0, Number.MAX_SAFE_INTEGER];
  return {
    name,
    value: 'N',
    type: `integer in [${min}, ${max}]`,
    default: defaultValue,
    description,
    parse: (text) => {
      const value = parseDecimalInteger(text);
      if (value === undefined || value < min || value > max) throw new UsageError(`--${name} expects a decimal integer in [${min}, ${max}], got '${text}'`, 'eval');
      return value;
    },
  };
}

const ENV_MODULES_DESCRIPTION = 'modules that register envs, imported first (package specifiers or file paths); for a saved run, the modules to import instead of those it names';
const envModulesFlag = (command: CommandName, description = ENV_MODULES_DESCRIPTION): FlagSpec => ({
  name: 'env-modules',
  value: 'LIST',
  type: 'comma-separated list',
  description,
  parse: (text) => parseField('envModules', text, command),
});
const TRUST_RUN_MODULES: FlagSpec = { name: 'trust-run-modules', type: 'switch', description: 'import the env modules the saved run names (printed first)' };

const BACKEND_FLAG: FlagSpec = {
  ...(CONFIG_FLAGS.find((f) => f.field === 'backend') as FlagSpec),
  field: undefined,
  default: "the run's",
  parse: (text) => parseField('backend', text, 'eval'),
};

const ENV_MODULES_NOTE =
  "--env-modules imports modules that register envs before any env is made, in the worker threads of --vector-env async too: package specifiers such as @ppo/envs-mujoco/register (resolved from the current directory) or file paths such as ./my-envs.mjs; data:, http: and other URLs are refused. A run stores them as absolute URLs, but --resume, eval and export import them only with your consent: name them again with --env-modules, or pass --trust-run-modules to import the ones the run names (they are printed first). See SECURITY.md.";

const DISCOVERY_NOTE =
  "Env packages are found without --env-modules: an id of @ppo/envs-mujoco (HalfCheetah-v5, Hopper-v5, ...) or one starting with MinAtar/ (@ppo/envs-minatar) that no module registered loads that package's ./register entry, looked up in the current project and beside @ppo/trainer. Only these first-party packages are loaded this way; a missing one is an error that names the package to add (pnpm add @ppo/envs-mujoco).";

const EXIT_CODES_NOTE = 'Exit codes: 0 ok, 1 error, 2 usage (the message and a hint), 130/143 stopped by SIGINT/SIGTERM.';

/** A NATS server URL: nats://host:port, or tls://host:port for TLS. */
function parseNatsUrl(flag: string, command: CommandName, text: string): string {
  if (!/^(nats|tls):\/\/[^\s/]+$/.test(text)) throw new UsageError(`--${flag} expects a NATS server URL such as nats://10.0.0.1:4222 or tls://host:4222, got '${text}'`, command);
  return text;
}

const natsFlags = (command: CommandName): FlagSpec[] => [
  { name: 'nats-creds', value: 'FILE', type: 'path', description: 'a NATS credentials file (JWT and NKey seed) to authenticate with; a token comes from the PPO_NATS_TOKEN environment variable instead' },
  { name: 'nats-ca', value: 'FILE', type: 'path', description: "the PEM certificate of the CA that signed the server's TLS certificate (a private CA); a tls:// URL alone uses the system's CAs" },
  {
    name: 'nats-prefix',
    value: 'NAME',
    type: "letters, digits, '-', '_'",
    default: 'ppo',
    description: 'subject prefix and object store bucket of the run: learner and workers must agree; separate runs on one server need separate prefixes',
    parse: (text) => {
      if (!/^[A-Za-z0-9_-]+$/.test(text)) throw new UsageError(`--nats-prefix expects letters, digits, '-' or '_', got '${text}'`, command);
      return text;
    },
  },
];

const NATS_NOTE =
  "Rollout workers (needs @ppo/distributed): ppo train --workers nats://host:4222 publishes the weights and collects each rollout from ppo worker processes, which own env slots (slot i is seeded as env i of a single-process run); without observation or reward normalization (or with it and one env) the run is the single-process run, bit for bit (cpu backend), whichever worker rolls out which slot; with normalization and several envs each slot normalizes with its own statistics, the same for any number of workers. A worker silent for --worker-timeout-ms loses its slots to the others; a late worker gets slots at the next rollout; workers reconnect to a restarted server; after --resume they replay logged actions to where the run is. Authenticate with --nats-creds FILE or PPO_NATS_TOKEN; use a tls:// URL (and --nats-ca for a private CA) across untrusted networks. A worker runs no code it receives: the envs come from its own --env-modules.";

/** Every command of `ppo`, in the order the help lists them. */
export const COMMAND_SPECS: Readonly<Record<CommandName, CommandSpec>> = {
  train: {
    name: 'train',
    synopsis: ['train --env ID [--preset NAME] [--out DIR] [--config FILE] [--<config-field> VALUE ...]', 'train --resume DIR [--env-modules LIST | --trust-run-modules]'],
    summary: 'train a policy with PPO in a run directory, or resume one',
    flags: [
      {
        name: 'preset',
        value: 'NAME',
        type: Object.keys(PRESETS).join('|'),
        default: 'classic',
        description: 'hyperparameters to start from: classic (CleanRL ppo.py), mujoco (the paper\'s Table 3), atari (Table 5)',
        parse: (text) => {
          if (!isPresetName(text)) throw new UsageError(`--preset expects one of ${Object.keys(PRESETS).join(', ')}, got '${text}'`, 'train');
          return text;
        },
      },
      { name: 'config', value: 'FILE', type: 'path', description: 'a JSON file of config fields, applied over the preset (flags override it)' },
      { name: 'out', value: 'DIR', type: 'path', default: 'runs/<env>__seed<seed>__<time>', description: 'the run directory: new or empty' },
      { name: 'resume', value: 'DIR', type: 'path', description: "continue the run in DIR from its newest good checkpoint, with its saved config" },
      TRUST_RUN_MODULES,
      { name: 'quiet', type: 'switch', description: 'print no progress' },
      { name: 'tensorboard', type: 'switch', description: 'also write a TensorBoard event file, events.out.tfevents.ppo, in the run directory (tensorboard --logdir runs/); allowed with --resume' },
      millisecondsFlag('env-timeout-ms', 'with --vector-env async: the longest a step or reset of the envs may take'),
      millisecondsFlag('env-start-timeout-ms', 'with --vector-env async: the longest the workers may take to import the env modules and make the envs', 'the larger of --env-timeout-ms and 30000'),
      millisecondsFlag('stop-grace-ms', 'after SIGINT or SIGTERM, how long the run may take to finish its update before it is ended', '5000'),
      {
        name: 'workers',
        value: 'URL',
        type: 'nats:// or tls:// URL',
        description: 'collect rollouts from ppo worker processes through the NATS server at URL instead of stepping the envs here; allowed with --resume',
        parse: (text) => parseNatsUrl('workers', 'train', text),
      },
      {
        name: 'expect-workers',
        value: 'N',
        type: 'integer >= 1',
        default: '1',
        description: 'with --workers: workers to wait for before the first rollout (later rollouts use whoever is alive)',
        parse: (text) => {
          const value = parseDecimalInteger(text);
          if (value === undefined || value < 1) throw new UsageError(`--expect-workers expects a decimal integer >= 1, got '${text}'`, 'train');
          return value;
        },
      },
      millisecondsFlag('worker-timeout-ms', 'with --workers: how long a silent worker keeps its env slots before they go to the others', '10000'),
      ...natsFlags('train'),
    ],
    configFlags: CONFIG_FLAGS,
    notes: [
      "Config fields are flags in kebab-case: --total-steps 1000 or --total-steps=1000; booleans also as --flag / --no-flag / --flag false; 'null' turns off a nullable one. Numbers are plain decimals (3e-4, 1e6; not 0x10). --resume takes no config flags: the run continues with its saved config.",
      DISCOVERY_NOTE,
      ENV_MODULES_NOTE,
      'SIGINT or SIGTERM stops a run after its current update with a checkpoint; training runs in a child process, which is ended if it has not stopped within --stop-grace-ms or on a second signal; the last checkpoint on disk is kept and --resume continues from it.',
      NATS_NOTE,
      'A run directory holds config.json, metrics.jsonl, progress.csv, checkpoints/, final/, learning-curve.svg (+ .png), with --tensorboard the event file events.out.tfevents.ppo and, while a process uses it, ppo.lock. Checkpoints carry SHA-256 checksums; --resume falls back to the newest checkpoint that passes.',
      EXIT_CODES_NOTE,
    ],
  },
  eval: {
    name: 'eval',
    synopsis: ['eval DIR [--episodes N] [--seed N] [--stochastic] [--json] [--env-modules LIST | --trust-run-modules]'],
    summary: "run a trained policy for whole episodes and print each episode's return and length",
    operand: { name: 'DIR', description: 'the run directory (final/, else its latest checkpoint)' },
    flags: [
      integerFlag('episodes', 'evalEpisodes', 'episodes to run', "the run's eval-episodes"),
      integerFlag('seed', 'seed', "seed of the evaluation env's reset", "derived from the run's seed"),
      { name: 'stochastic', type: 'switch', description: "sample actions from the policy's distribution instead of taking its most likely action" },
      { name: 'json', type: 'switch', description: 'print one JSON object (summary, returns, lengths) instead of the table' },
      BACKEND_FLAG,
      envModulesFlag('eval'),
      TRUST_RUN_MODULES,
    ],
    notes: [
      'Observations are normalized with the statistics frozen at the checkpoint; returns are the raw rewards summed. Without --stochastic the action is deterministic (the mode of the distribution), as in the evaluations during training.',
      DISCOVERY_NOTE,
      EXIT_CODES_NOTE,
    ],
  },
  export: {
    name: 'export',
    synopsis: ['export DIR [--out DIR2] [--env-modules LIST | --trust-run-modules]'],
    summary: "write a run's final policy for a browser page",
    operand: { name: 'DIR', description: 'the run directory' },
    flags: [
      { name: 'out', value: 'DIR2', type: 'path', default: 'DIR/export', description: 'where to write the export: a tfjs LayersModel (model.json and shards), an ONNX model (policy.onnx) and the files loadPolicy reads, with their SHA-256 in policy.json' },
      envModulesFlag('export'),
      TRUST_RUN_MODULES,
    ],
    notes: [
      "ppo export writes the weights in @ppo/nets' format (weights.json and its .bin) and policy.json (the network options, the action space, the observation normalization and clipping). It writes a new folder and renames it into place, replacing only a folder that holds an earlier export.",
      EXIT_CODES_NOTE,
    ],
  },
  plot: {
    name: 'plot',
    synopsis: ['plot DIR'],
    summary: "draw a run's learning curve (learning-curve.svg and .png) from its metrics",
    operand: { name: 'DIR', description: 'the run directory' },
    flags: [],
    notes: [EXIT_CODES_NOTE],
  },
  'list-envs': {
    name: 'list-envs',
    synopsis: ['list-envs [--env-modules LIST] [--json]'],
    summary: 'list the registered env ids with their time limits and reward thresholds',
    flags: [envModulesFlag('list-envs', 'modules that register envs, imported first'), { name: 'json', type: 'switch', description: 'print the env specs as JSON' }],
    notes: [
      'The ids of @ppo/envs-mujoco and @ppo/envs-minatar are listed once their package is loaded: name its ./register entry with --env-modules (ppo train finds them by id on its own).',
      EXIT_CODES_NOTE,
    ],
  },
  worker: {
    name: 'worker',
    synopsis: ['worker --nats URL [--env-modules LIST] [--nats-creds FILE] [--nats-ca FILE] [--nats-prefix NAME] [--backend NAME]'],
    summary: 'serve a learner (ppo train --workers) as a rollout worker until SIGINT or SIGTERM',
    flags: [
      {
        name: 'nats',
        value: 'URL',
        type: 'nats:// or tls:// URL',
        description: "the NATS server the learner uses",
        parse: (text) => parseNatsUrl('nats', 'worker', text),
      },
      envModulesFlag('worker', 'modules that register the envs the learner trains on, imported first (this machine\'s choice: a worker imports nothing it is sent)'),
      { ...BACKEND_FLAG, default: 'auto', parse: (text) => parseField('backend', text, 'worker') },
      ...natsFlags('worker'),
    ],
    notes: [NATS_NOTE, 'The env ids of @ppo/envs-mujoco and @ppo/envs-minatar are found without --env-modules when the package is installed.', EXIT_CODES_NOTE],
  },
};

/** The flags every command takes. */
export const GLOBAL_FLAGS: readonly FlagSpec[] = [
  { name: 'help', type: 'switch', description: 'print the help of ppo or of the command, and exit' },
  { name: 'version', type: 'switch', description: "print @ppo/trainer's version, and exit" },
];
