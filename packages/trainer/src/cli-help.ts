/**
 * `ppo --help`, `ppo <command> --help` and the docs' CLI reference page, rendered from the one
 * schema in cli-flags.ts.
 */
import { COMMAND_SPECS, GLOBAL_FLAGS, type CommandName, type CommandSpec, type FlagSpec } from './cli-flags';

const COLUMN = 32;

function flagLabel(flag: FlagSpec): string {
  return `--${flag.name}${flag.value === undefined ? '' : ` ${flag.value}`}`;
}

/** One flag in two lines: the flag and its description, then its type and default. */
function flagHelp(flag: FlagSpec): string {
  const label = `  ${flagLabel(flag)}`;
  const head = label.length < COLUMN ? `${label.padEnd(COLUMN)}${flag.description}` : `${label}\n${' '.repeat(COLUMN)}${flag.description}`;
  const facts = [flag.type === 'switch' ? 'switch' : flag.type, ...(flag.default === undefined ? [] : [`default ${flag.default}`])];
  return `${head}\n${' '.repeat(COLUMN)}[${facts.join('; ')}]`;
}

/** Wraps a paragraph at `width` columns. */
function wrap(text: string, width = 96): string {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/)) {
    if (line !== '' && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else {
      line = line === '' ? word : `${line} ${word}`;
    }
  }
  if (line !== '') lines.push(line);
  return lines.join('\n');
}

/** The help of one command: synopsis, summary, operand, flags (with type and default) and notes. */
export function commandHelp(name: CommandName): string {
  const spec: CommandSpec = COMMAND_SPECS[name];
  const parts = [spec.synopsis.map((s, k) => `${k === 0 ? 'Usage: ' : '       '}ppo ${s}`).join('\n'), `${spec.summary[0].toUpperCase()}${spec.summary.slice(1)}.`];
  if (spec.operand !== undefined) parts.push(`Arguments:\n${`  ${spec.operand.name}`.padEnd(COLUMN)}${spec.operand.description}`);
  parts.push(`Options:\n${[...spec.flags, GLOBAL_FLAGS[0]].map(flagHelp).join('\n')}`);
  if (spec.configFlags !== undefined) parts.push(`Config fields:\n${spec.configFlags.map(flagHelp).join('\n')}`);
  parts.push(...spec.notes.map((note) => wrap(note)));
  return parts.join('\n\n');
}

/** The help of `ppo` itself: the commands and the global flags. */
export function overviewHelp(): string {
  const commands = Object.values(COMMAND_SPECS).map((spec) => `${`  ${spec.name}`.padEnd(COLUMN)}${spec.summary}`);
  return [
    'Usage: ppo <command> [options]',
    'PPO on TensorFlow.js: train, evaluate, export and plot runs.',
    `Commands:\n${commands.join('\n')}`,
    `Options:\n${GLOBAL_FLAGS.map((f) => `${`  --${f.name}`.padEnd(COLUMN)}${f.description}`).join('\n')}`,
    "Run 'ppo <command> --help' for the options of a command, with their types and defaults.",
  ].join('\n\n');
}

/** A Markdown table cell: pipes escaped, code where it is code. */
function cell(text: string): string {
  return text.replace(/\|/g, '\\|');
}

function flagRow(flag: FlagSpec): string {
  const type = flag.type === 'switch' ? 'switch' : `\`${cell(flag.type)}\``;
  const fallback = flag.default === undefined ? '' : `\`${cell(flag.default)}\``;
  return `| \`${cell(flagLabel(flag))}\` | ${type} | ${fallback} | ${cell(flag.description)} |`;
}

function flagTable(flags: readonly FlagSpec[]): string {
  return ['| Flag | Type | Default | Description |', '| --- | --- | --- | --- |', ...flags.map(flagRow)].join('\n');
}

/**
 * The docs' CLI reference page (docs/guide/cli.md) in Markdown; a test checks that the
 * committed page is this text.
 */
export function cliReferenceMarkdown(): string {
  const sections = Object.values(COMMAND_SPECS).map((spec) => {
    const parts = [`## ppo ${spec.name}`, `${spec.summary[0].toUpperCase()}${spec.summary.slice(1)}.`, `\`\`\`text\n${spec.synopsis.map((s) => `ppo ${s}`).join('\n')}\n\`\`\``];
    if (spec.operand !== undefined) parts.push(`\`${spec.operand.name}\`: ${spec.operand.description}.`);
    if (spec.flags.length > 0) parts.push(flagTable(spec.flags));
    if (spec.configFlags !== undefined) parts.push('### Config fields', flagTable(spec.configFlags));
    parts.push(...spec.notes.filter((note) => !note.startsWith('Exit codes')));
    return parts.join('\n\n');
  });
  return [
    '<!-- Generated from packages/trainer/src/cli-flags.ts by its test (npx vitest run src/cli-help.test.ts -u in packages/trainer); do not edit. -->',
    '# Command line reference',
    'The `ppo` command comes with `@ppo/trainer`. Run it as `npx @ppo/trainer <command>` (in a project that depends on `@ppo/trainer`, or anywhere: npx then fetches it), or `pnpm exec ppo <command>` in a pnpm project; `npx -p @ppo/trainer -p @ppo/envs-mujoco ppo train --env HalfCheetah-v5` brings the MuJoCo tasks along. Never run a bare `npx ppo`: an unrelated npm package is named `ppo`, and npx fetches that one wherever `@ppo/trainer` is not installed. The examples below write `ppo` for short.',
    `Every command takes \`--help\` (or \`-h\`), which prints its options with their types and defaults; \`ppo --version\` prints the version. A usage error prints the message and one line naming the command's \`--help\`, and exits with code 2.`,
    EXIT_CODES,
    ...sections,
  ].join('\n\n').concat('\n');
}

const EXIT_CODES = 'Exit codes: `0` ok, `1` error, `2` usage (the message and a hint), `130`/`143` stopped by SIGINT/SIGTERM (after a checkpoint).';
