/**
 * Test-only support (not exported, not bundled): access to an env's MuJoCo objects and
 * independent reads of its state.
 */
import type { MjData, MjModel } from 'mujoco-js';
import type { MujocoEnv } from './mujoco-env';

/** The env's model and data (protected members, read for tests only). */
export function internals(env: MujocoEnv): { model: MjModel; data: MjData } {
  return { model: env['model'], data: env['data'] };
}

/** Size in bytes of the WebAssembly heap the env lives in. */
export function heapBytes(env: MujocoEnv): number {
  return (internals(env).data.qpos as Float64Array).buffer.byteLength;
}

/** `[qpos, qvel]` of the env as two float64 copies. */
export function split(env: MujocoEnv): { qpos: Float64Array; qvel: Float64Array } {
  const s = env.getState();
  return { qpos: s.slice(0, env.nq), qvel: s.slice(env.nq) };
}

/** A Float32Array action with uniform entries in [-1, 1] from a simple LCG (deterministic). */
export function actionSequence(nu: number, count: number, seed: number, scale = 1): Float32Array[] {
  let x = seed >>> 0;
  const out: Float32Array[] = [];
  for (let i = 0; i < count; i++) {
    const a = new Float32Array(nu);
    for (let k = 0; k < nu; k++) {
      x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
      a[k] = scale * ((x / 4294967296) * 2 - 1);
    }
    out.push(a);
  }
  return out;
}

/** Sum of squares of the float32 entries, in float64. */
export function sumSquares(a: Float32Array): number {
  let s = 0;
  for (const v of a) s += v * v;
  return s;
}

/** An element of a parsed SVG document. */
export interface SvgNode {
  readonly name: string;
  readonly attrs: Readonly<Record<string, string>>;
  readonly children: SvgNode[];
}

/**
 * A strict parser for the XML subset the frames use (elements, double-quoted attributes, no
 * text, comments or entities): raises on anything else, on unbalanced tags and on repeated
 * attributes, so a frame that parses is well formed.
 */
export function parseSvg(text: string): SvgNode {
  const token = /<(\/?)([a-zA-Z][\w-]*)((?:\s+[\w:-]+="[^"<>&]*")*)\s*(\/?)>/y;
  const attr = /\s+([\w:-]+)="([^"]*)"/g;
  const root: SvgNode = { name: '#document', attrs: {}, children: [] };
  const stack: SvgNode[] = [root];
  let pos = 0;
  while (pos < text.length) {
    token.lastIndex = pos;
    const m = token.exec(text);
    if (m === null) throw new Error(`not well formed at offset ${pos}: ${JSON.stringify(text.slice(pos, pos + 40))}`);
    pos = token.lastIndex;
    const [, closing, name, attrText, selfClosing] = m;
    if (closing === '/') {
      if (attrText !== '' || selfClosing === '/') throw new Error(`malformed end tag </${name}>`);
      const open = stack.pop();
      if (open === undefined || open.name !== name || stack.length === 0) throw new Error(`</${name}> closes <${open?.name ?? 'nothing'}>`);
      continue;
    }
    const attrs: Record<string, string> = {};
    for (const a of attrText.matchAll(attr)) {
      if (a[1] in attrs) throw new Error(`<${name}> repeats attribute ${a[1]}`);
      attrs[a[1]] = a[2];
    }
    const node: SvgNode = { name, attrs, children: [] };
    stack[stack.length - 1].children.push(node);
    if (selfClosing !== '/') stack.push(node);
  }
  if (stack.length !== 1) throw new Error(`unclosed <${stack[stack.length - 1].name}>`);
  if (root.children.length !== 1) throw new Error(`expected one root element, got ${root.children.length}`);
  return root.children[0];
}

/** Every element of the tree, depth first. */
export function svgElements(node: SvgNode): SvgNode[] {
  return [node, ...node.children.flatMap(svgElements)];
}
