// @ts-check
// Reads the code blocks of a Markdown page for scripts/check-snippets.mjs: the TypeScript blocks
// that are type-checked (and run when marked), and the shell commands that are parsed.

/** Languages whose blocks are type-checked; `tsx` blocks are written to `.tsx` files. */
export const TS_LANGS = new Set(['ts', 'typescript', 'tsx']);
/** Languages whose `ppo` command lines are checked. */
export const SHELL_LANGS = new Set(['sh', 'bash', 'shell']);

/**
 * The opening line of a fence: its indent, its fence (three or more backticks or tildes) and
 * the language, the leading word of the info string, so `ts{1}`, `ts:line-numbers` and
 * `ts twoslash` all read as `ts`. Any indent is accepted, as fences nested in list items are
 * indented.
 * @param {string} line
 * @returns {{ indent: string; fence: string; lang: string } | null}
 */
export function openingFence(line) {
  const match = /^(\s*)(`{3,}|~{3,})\s*([A-Za-z0-9_+-]*)(.*)$/.exec(line);
  if (match === null) return null;
  const [, indent, fence, lang, rest] = match;
  // CommonMark: a backtick fence's info string may not contain a backtick.
  if (fence[0] === '`' && rest.includes('`')) return null;
  return { indent, fence, lang: lang.toLowerCase() };
}

/**
 * Whether `line` closes a block opened by `fence`: the same character, at least as many, and
 * nothing else on the line.
 * @param {string} line
 * @param {string} fence
 */
export function closesFence(line, fence) {
  const match = /^\s*(`{3,}|~{3,})\s*$/.exec(line);
  return match !== null && match[1][0] === fence[0] && match[1].length >= fence.length;
}

/**
 * @typedef {{ line: number; code: string; lang: string }} Segment  line: 1-based line of the code's first line
 * @typedef {{ page: string; runnable: boolean; segments: Segment[] }} Group
 * @typedef {{ page: string; line: number; lang: string; code: string }} ShellBlock
 */

/**
 * The blocks of one page. TypeScript blocks are grouped: a block after `<!-- continue -->` joins
 * the one before it, and `<!-- runnable -->` marks a group to run. Throws on an unclosed fence.
 * @param {string} markdown
 * @param {string} page the page's path, for messages
 * @returns {{ groups: Group[]; shell: ShellBlock[] }}
 */
export function extractBlocks(markdown, page) {
  const lines = markdown.split('\n');
  /** @type {Group[]} */
  const groups = [];
  /** @type {ShellBlock[]} */
  const shell = [];
  let marker = '';
  for (let i = 0; i < lines.length; i++) {
    const open = openingFence(lines[i]);
    if (open === null) {
      if (lines[i].trim() !== '') marker = lines[i].trim();
      continue;
    }
    let end = i + 1;
    while (end < lines.length && !closesFence(lines[end], open.fence)) end++;
    if (end === lines.length) throw new Error(`${page}:${i + 1}: unclosed code fence`);
    const code = lines.slice(i + 1, end).join('\n');
    if (TS_LANGS.has(open.lang)) {
      const segment = { line: i + 2, code, lang: open.lang };
      if (marker === '<!-- continue -->') {
        if (groups.length === 0) throw new Error(`${page}:${i + 1}: a continued block needs a block before it`);
        groups[groups.length - 1].segments.push(segment);
      } else {
        groups.push({ page, runnable: marker === '<!-- runnable -->', segments: [segment] });
      }
    } else if (SHELL_LANGS.has(open.lang)) {
      shell.push({ page, line: i + 2, lang: open.lang, code });
    }
    marker = '';
    i = end;
  }
  return { groups, shell };
}

/**
 * Splits a shell command into words: single and double quotes group, a backslash escapes the
 * next character, and an unquoted `#` at the start of a word starts a comment.
 * @param {string} command
 * @returns {string[]}
 */
export function shellWords(command) {
  /** @type {string[]} */
  const words = [];
  let word = '';
  let inWord = false;
  /** @type {string | null} */
  let quote = null;
  for (let k = 0; k < command.length; k++) {
    const c = command[k];
    if (quote !== null) {
      if (c === quote) quote = null;
      else if (c === '\\' && quote === '"' && k + 1 < command.length) word += command[++k];
      else word += c;
    } else if (c === "'" || c === '"') {
      quote = c;
      inWord = true;
    } else if (c === '\\' && k + 1 < command.length) {
      word += command[++k];
      inWord = true;
    } else if (/\s/.test(c)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
    } else if (c === '#' && !inWord) {
      break;
    } else {
      word += c;
      inWord = true;
    }
  }
  if (quote !== null) throw new Error(`unclosed ${quote} quote in: ${command}`);
  if (inWord) words.push(word);
  return words;
}

/**
 * The commands of a shell block, continuation lines (ending in `\`) joined, each with the line
 * it starts on.
 * @param {ShellBlock} block
 * @returns {{ line: number; words: string[] }[]}
 */
export function shellCommands(block) {
  const commands = [];
  const lines = block.code.split('\n');
  for (let k = 0; k < lines.length; k++) {
    const line = block.line + k;
    let text = lines[k];
    while (/\\\s*$/.test(text) && k + 1 < lines.length) text = `${text.replace(/\\\s*$/, '')} ${lines[++k]}`;
    const words = shellWords(text);
    if (words.length > 0) commands.push({ line, words });
  }
  return commands;
}

/**
 * The arguments of a `ppo` command line (`ppo ...`, `npx @ppo/trainer ...`, `pnpm exec ppo ...`,
 * or the refused `npx ppo ...`, see {@link refusedCommand}), or null for any other command.
 * @param {string[]} words
 * @returns {string[] | null}
 */
export function ppoArguments(words) {
  if (words[0] === 'ppo') return words.slice(1);
  if (words[0] === 'npx' && (words[1] === '@ppo/trainer' || words[1] === 'ppo')) return words.slice(2);
  if (words[0] === 'pnpm' && words[1] === 'exec' && words[2] === 'ppo') return words.slice(3);
  return null;
}

/**
 * Why the docs must not show this command line, or null: a bare `npx ppo` runs an unrelated
 * npm package named `ppo` wherever `@ppo/trainer` is not installed.
 * @param {string[]} words
 * @returns {string | null}
 */
export function refusedCommand(words) {
  if (words[0] === 'npx' && words[1] === 'ppo') return "write 'npx @ppo/trainer' (an unrelated npm package is named ppo)";
  return null;
}

/**
 * The packages a page tells readers to install and the ones its TypeScript imports, and those it
 * imports without listing: a page with a (local) `npm install` line promises that what it lists
 * is enough to run its code. Only `@ppo/*` and `@tensorflow/*` packages are compared (Node's
 * built-ins need no install); a subpath import (`@ppo/trainer/node`) needs its package.
 * @param {{ groups: Group[]; shell: ShellBlock[] }} page
 * @returns {{ installs: boolean; missing: string[] }}
 */
export function uninstalledImports(page) {
  /** @type {Set<string>} */
  const installed = new Set();
  let installs = false;
  for (const block of page.shell) {
    for (const { words } of shellCommands(block)) {
      const at = words.findIndex((word, k) => word === 'install' && words[k - 1] === 'npm');
      if (at < 0 || words.includes('-g') || words.includes('--global')) continue;
      installs = true;
      for (const word of words.slice(at + 1)) {
        if (word === '&&' || word === ';') break;
        if (!word.startsWith('-')) installed.add(word.replace(/(.)@[^/]*$/, '$1'));
      }
    }
  }
  /** @type {Set<string>} */
  const imported = new Set();
  for (const group of page.groups) {
    for (const segment of group.segments) {
      for (const [, specifier] of segment.code.matchAll(/\bfrom\s+'((?:@ppo|@tensorflow)\/[^']+)'/g)) {
        imported.add(specifier.split('/').slice(0, 2).join('/'));
      }
    }
  }
  return { installs, missing: installs ? [...imported].filter((name) => !installed.has(name)).sort() : [] };
}
