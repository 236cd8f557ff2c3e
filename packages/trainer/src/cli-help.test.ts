import { describe, expect, it } from 'vitest';
import { COMMAND_SPECS, CONFIG_FLAGS, type CommandName } from './cli-flags';
import { cliReferenceMarkdown, commandHelp } from './cli-help';
import { parseArgs } from './cli-main';
import { CONFIG_SCHEMA, DEFAULT_CONFIG, type PPOConfig } from './config';
import { CONFIG_DESCRIPTIONS } from './config-descriptions';

const COMMANDS = Object.keys(COMMAND_SPECS) as CommandName[];

describe('the flag schema', () => {
  it('describes every config field', () => {
    expect(Object.keys(CONFIG_DESCRIPTIONS).sort()).toEqual(Object.keys(CONFIG_SCHEMA).sort());
    expect(CONFIG_FLAGS.map((f) => f.field)).toEqual(Object.keys(CONFIG_SCHEMA));
    for (const command of COMMANDS) {
      for (const flag of [...COMMAND_SPECS[command].flags, ...(COMMAND_SPECS[command].configFlags ?? [])]) {
        expect(flag.description, `${command} --${flag.name}`).not.toBe('');
        expect(flag.type, `${command} --${flag.name}`).not.toBe('');
      }
    }
  });

  it('parses the default of every config field, as the help shows it, back to the default', () => {
    for (const flag of CONFIG_FLAGS) {
      const field = flag.field as keyof PPOConfig;
      const value = DEFAULT_CONFIG[field];
      if (field === 'env' || (Array.isArray(value) && value.length === 0)) continue;
      const text = Array.isArray(value) ? value.join(',') : typeof value === 'object' && value !== null ? JSON.stringify(value) : String(value);
      expect(flag.default?.startsWith(text), `--${flag.name} shows ${flag.default}`).toBe(true);
      const parsed = parseArgs(['train', '--env', 'X-v0', `--${flag.name}=${text}`]);
      expect((parsed as { overrides: Partial<PPOConfig> }).overrides[field], `--${flag.name}=${text}`).toEqual(value);
    }
  });

  it('shows the presets that change a default', () => {
    const flag = (name: string) => CONFIG_FLAGS.find((f) => f.name === name);
    expect(flag('learning-rate')?.default).toBe('0.00025 (mujoco 0.0003, minatar 0.0005)');
    expect(flag('anneal-lr')?.default).toBe('true (minatar false)');
    expect(flag('num-envs')?.default).toBe('4 (mujoco 1, atari 8, minatar 8)');
    expect(flag('env')?.default).toBeUndefined();
  });
});

describe('--help', () => {
  it.each(COMMANDS)('of %s lists every flag with its description, type and default', (command) => {
    const help = commandHelp(command);
    const spec = COMMAND_SPECS[command];
    for (const flag of [...spec.flags, ...(spec.configFlags ?? [])]) {
      const at = help.indexOf(`  --${flag.name}${flag.value === undefined ? '' : ` ${flag.value}`}`);
      expect(at, `--${flag.name}`).toBeGreaterThan(-1);
      // The flag's two lines: the flag and its description, then [type; default].
      const entry = help.slice(at).split('\n').slice(0, 2).join('\n');
      expect(entry).toContain(flag.description);
      expect(entry).toContain(flag.type);
      if (flag.default !== undefined) expect(entry).toContain(`default ${flag.default}`);
    }
    for (const form of spec.synopsis) expect(help).toContain(`ppo ${form}`);
  });
});

describe('the docs CLI reference page', () => {
  it('is generated from the schema (update it with: npx vitest run src/cli-help.test.ts -u)', async () => {
    const page = cliReferenceMarkdown();
    for (const command of COMMANDS) {
      expect(page).toContain(`## ppo ${command}`);
      for (const flag of COMMAND_SPECS[command].flags) expect(page).toContain(`| \`--${flag.name}`);
    }
    // An unrelated npm package is named ppo: no command of the page may run it.
    expect(page).not.toMatch(/^npx ppo\b/m);
    await expect(page).toMatchFileSnapshot('../../../docs/guide/cli.md');
  });
});
