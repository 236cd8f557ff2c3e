// Tests of the code-block extractor of scripts/check-snippets.mjs: node --test scripts/
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { extractBlocks, openingFence, ppoArguments, refusedCommand, shellCommands, shellWords, uninstalledImports } from './snippets.mjs';

const page = [
  '# A page',
  '',
  '```ts{1}',
  'const a = 1;',
  '```',
  '',
  '<!-- continue -->',
  '~~~typescript',
  'const b = a;',
  '~~~',
  '',
  '<!-- runnable -->',
  '````tsx',
  'const c = <div />;',
  '```',
  'still inside: a shorter fence does not close',
  '````',
  '',
  '```ts:line-numbers',
  'const d = 4;',
  '```',
  '',
  '```js',
  'ignored();',
  '```',
  '',
  '```sh',
  'npx @ppo/trainer train --env CartPole-v1 \\',
  '  --seed 1   # a comment',
  'pnpm install',
  '```',
].join('\n');

describe('extractBlocks', () => {
  const { groups, shell } = extractBlocks(page, 'page.md');

  it('reads ```ts{1}, ~~~typescript, ````tsx and ```ts:line-numbers as TypeScript', () => {
    assert.deepEqual(
      groups.map((g) => g.segments.map((s) => s.lang)),
      [['ts', 'typescript'], ['tsx'], ['ts']],
    );
  });

  it('joins continued blocks, marks runnable ones and keeps each block’s first line', () => {
    assert.deepEqual(
      groups.map((g) => ({ runnable: g.runnable, lines: g.segments.map((s) => s.line), code: g.segments.map((s) => s.code) })),
      [
        { runnable: false, lines: [4, 9], code: ['const a = 1;', 'const b = a;'] },
        { runnable: true, lines: [14], code: ['const c = <div />;\n```\nstill inside: a shorter fence does not close'] },
        { runnable: false, lines: [20], code: ['const d = 4;'] },
      ],
    );
  });

  it('collects shell blocks and skips other languages', () => {
    assert.equal(shell.length, 1);
    assert.equal(shell[0].line, 28);
    assert.ok(!groups.some((g) => g.segments.some((s) => s.code.includes('ignored'))));
  });

  it('throws on an unclosed fence, naming the page and line', () => {
    assert.throws(() => extractBlocks('text\n```ts\nconst a = 1;\n', 'broken.md'), /broken\.md:2: unclosed code fence/);
    // A tilde fence is not closed by backticks.
    assert.throws(() => extractBlocks('~~~ts\nx\n```\n', 'mixed.md'), /mixed\.md:1: unclosed/);
  });

  it('rejects a continued block with nothing before it', () => {
    assert.throws(() => extractBlocks('<!-- continue -->\n```ts\nx\n```\n', 'c.md'), /c\.md:2: a continued block needs a block before it/);
  });
});

describe('openingFence', () => {
  it('is not fooled by inline code, and reads fences nested in list items', () => {
    assert.equal(openingFence('``` `ts` ```'), null);
    assert.equal(openingFence('text ```ts'), null);
    assert.deepEqual(openingFence('     ```ts'), { indent: '     ', fence: '```', lang: 'ts' });
    assert.deepEqual(openingFence('  ~~~~ TS twoslash'), { indent: '  ', fence: '~~~~', lang: 'ts' });
  });
});

describe('shell commands', () => {
  it('joins continuation lines, drops comments and finds ppo command lines', () => {
    const { shell } = extractBlocks(page, 'page.md');
    const commands = shellCommands(shell[0]);
    assert.deepEqual(commands, [
      { line: 28, words: ['npx', '@ppo/trainer', 'train', '--env', 'CartPole-v1', '--seed', '1'] },
      { line: 30, words: ['pnpm', 'install'] },
    ]);
    assert.deepEqual(ppoArguments(commands[0].words), ['train', '--env', 'CartPole-v1', '--seed', '1']);
    assert.deepEqual(ppoArguments(['ppo', 'list-envs']), ['list-envs']);
    assert.deepEqual(ppoArguments(['pnpm', 'exec', 'ppo', 'eval', 'runs/a']), ['eval', 'runs/a']);
    assert.equal(refusedCommand(commands[0].words), null);
    assert.match(refusedCommand(['npx', 'ppo', 'list-envs']) ?? '', /npx @ppo\/trainer/);
    assert.equal(ppoArguments(commands[1].words), null);
  });

  it('splits words like a shell', () => {
    assert.deepEqual(shellWords(`ppo train --env-kwargs '{"a": 1}' --out "my runs/x" a#b # c`), ['ppo', 'train', '--env-kwargs', '{"a": 1}', '--out', 'my runs/x', 'a#b']);
    assert.deepEqual(shellWords('a\\ b ""'), ['a b', '']);
    assert.throws(() => shellWords("ppo train --env 'x"), /unclosed ' quote/);
  });
});

describe('uninstalledImports', () => {
  const page = (/** @type {string} */ install, /** @type {string} */ code) =>
    extractBlocks(['```sh', install, '```', '', '```ts', code, '```', ''].join('\n'), 'p.md');

  it('names the packages a page imports but does not tell readers to install', () => {
    const code = "import * as tf from '@tensorflow/tfjs';\nimport { grpoLoss } from '@ppo/core';\nimport { selectBackend } from '@ppo/nets';\nimport { runTraining } from '@ppo/trainer/node';\nimport { join } from 'node:path';";
    assert.deepEqual(uninstalledImports(page('npm install @ppo/core @tensorflow/tfjs@4.22.0', code)), { installs: true, missing: ['@ppo/nets', '@ppo/trainer'] });
    assert.deepEqual(uninstalledImports(page('npm install @ppo/core @ppo/nets @ppo/trainer @tensorflow/tfjs', code)), { installs: true, missing: [] });
  });

  it('holds pages without a local install line to nothing', () => {
    assert.deepEqual(uninstalledImports(page('npm install -g pnpm@10 && pnpm install', "import { x } from '@ppo/nets';")), { installs: false, missing: [] });
  });
});
