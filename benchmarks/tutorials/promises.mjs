// @ts-check
// What a tutorial page promises about its CartPole run, read from the page itself (the seed,
// budget and preset its code and command lines use, and the step and evaluation mean its prose
// states), and the solved step of a finished run read from its metrics. check.mjs runs each
// route of the page with those settings and compares.

/** A run is solved when the mean return of its last `window` training episodes reaches `threshold`. */
export const SOLVED = Object.freeze({ threshold: 475, window: 20 });

/**
 * @typedef {object} PagePromise
 * @property {number} seed the seed every route of the page uses
 * @property {number} totalSteps the budget every route uses
 * @property {string} preset the trainer preset
 * @property {number} solvedAt the step at which the page says the run is solved (on wasm)
 * @property {number | null} evaluationMean the evaluation mean the page states, if it states one
 */

/**
 * @param {string} text
 * @returns {number}
 */
function integer(text) {
  return Number(text.replace(/[,_]/g, ''));
}

/**
 * Every value the pattern captures in `markdown`, as integers or strings.
 * @param {string} markdown
 * @param {RegExp} pattern global, one capture group
 * @returns {string[]}
 */
function captures(markdown, pattern) {
  return [...markdown.matchAll(pattern)].map((match) => match[1]);
}

/**
 * The one value a page uses for a setting; throws when it uses none or several, since every
 * route of a page must run the same thing.
 * @param {string} page
 * @param {string} what
 * @param {string[]} values
 */
function single(page, what, values) {
  const distinct = [...new Set(values)];
  if (distinct.length !== 1) throw new Error(`${page}: expected one ${what} across its code and commands, found ${distinct.length === 0 ? 'none' : distinct.join(', ')}`);
  return distinct[0];
}

/**
 * The page split into its fenced code blocks and the inline code spans of its prose.
 * @param {string} markdown
 * @returns {{ code: string; inline: string }}
 */
function parts(markdown) {
  /** @type {string[]} */
  const code = [];
  const prose = markdown.replace(/^(```|~~~)[^\n]*\n([\s\S]*?)^\1\s*$/gm, (_whole, _fence, body) => {
    code.push(body);
    return '';
  });
  const inline = captures(prose, /`([^`\n]+)`/g);
  return { code: code.join('\n'), inline: inline.join('\n') };
}

/**
 * Reads the promise of a page. The settings come from its fenced code: `seed: N`,
 * `totalSteps: N` and `preset: 'name'` in its TypeScript, `--seed N`, `--total-steps N` and
 * `--preset name` on its command lines. The outcome comes from inline code in its prose, the
 * output it quotes: `solved at step N` (or `Solved after N steps`), and `evaluation mean N` or
 * `"mean": N` when it states one.
 * @param {string} page name for messages
 * @param {string} markdown
 * @returns {PagePromise}
 */
export function pagePromise(page, markdown) {
  const { code, inline } = parts(markdown);
  const seeds = [...captures(code, /\bseed: (\d+)/g), ...captures(code, /--seed (\d+)/g)];
  const budgets = [...captures(code, /\btotalSteps: ([\d_]+)/g), ...captures(code, /--total-steps (\d+)/g)].map((t) => String(integer(t)));
  const presets = [...captures(code, /\bpreset: '([\w-]+)'/g), ...captures(code, /--preset ([\w-]+)/g)];
  const solved = [...captures(inline, /solved at step (\d[\d,]*)/gi), ...captures(inline, /Solved after (\d[\d,]*) steps/g)].map((t) => String(integer(t)));
  const evaluations = [...captures(inline, /evaluation mean (\d+(?:\.\d+)?)/g), ...captures(inline, /"mean": (\d+(?:\.\d+)?)/g)];
  return {
    seed: integer(single(page, 'seed', seeds)),
    totalSteps: integer(single(page, 'budget', budgets)),
    preset: single(page, 'preset', presets),
    solvedAt: integer(single(page, '"solved at step N"', solved)),
    evaluationMean: evaluations.length === 0 ? null : Number(single(page, '"evaluation mean N"', evaluations)),
  };
}

/**
 * The step at which the mean return of the last `window` episodes first reaches `threshold`
 * (as StopOnReward decides it), from a run's metrics records; null if it never does.
 * @param {readonly { step: number; metrics: Readonly<Record<string, number>> }[]} records
 * @param {{ threshold: number; window: number }} [rule]
 * @returns {number | null}
 */
export function firstSolvedStep(records, { threshold, window } = SOLVED) {
  /** @type {number[]} */
  const recent = [];
  for (const record of records) {
    const ret = record.metrics['charts/episodic_return'];
    if (ret === undefined) continue;
    recent.push(ret);
    if (recent.length > window) recent.shift();
    if (recent.length === window && recent.reduce((a, b) => a + b, 0) / window >= threshold) return record.step;
  }
  return null;
}

/**
 * The arguments of the page's `ppo train` command line (after `ppo`), split on spaces.
 * @param {string} page name for messages
 * @param {string} markdown
 * @returns {string[]}
 */
export function trainCommand(page, markdown) {
  const line = /^(?:npx @ppo\/trainer |pnpm exec ppo |ppo )(train [^\n]*)$/m.exec(parts(markdown).code);
  if (line === null) throw new Error(`${page}: no \`ppo train\` command line in its code blocks`);
  return line[1].trim().split(/\s+/);
}

/**
 * @typedef {object} RouteResult
 * @property {string} route
 * @property {number | null} solvedAt the step the route's run was solved at, or null
 * @property {number | null} evaluation the evaluation mean the route measured, null when it evaluates nothing
 */

/**
 * The routes that do not deliver their page's promise: not solved at the stated step, or, where
 * the route evaluates and the page states a mean, another mean.
 * @param {readonly RouteResult[]} results
 * @param {PagePromise} promise
 * @returns {string[]}
 */
export function undelivered(results, promise) {
  return results
    .filter((r) => r.solvedAt !== promise.solvedAt || (r.evaluation !== null && promise.evaluationMean !== null && r.evaluation !== promise.evaluationMean))
    .map((r) => r.route);
}
