import { checkPositiveInt, PpoRangeError, Rng, type RandomSource } from '@ppo/utils';
import * as tf from '@tensorflow/tfjs';
import { orthogonal } from './init';
import { dense, matMulAdd } from './mlp';
import { makeVariable, uniqueScope } from './torso';

/** The recurrent cells {@link recurrentCell} builds. */
export type RecurrentCellKind = 'lstm' | 'gru';

/** The cell kinds, for validation and help texts. */
export const RECURRENT_CELL_KINDS: readonly RecurrentCellKind[] = Object.freeze(['lstm', 'gru']);

/**
 * One recurrent layer stepped one time step at a time. The state of a row is one flat vector of
 * `stateSize` values: `[h]` for a GRU, `[h, c]` (hidden then cell, `2 * hiddenSize`) for an LSTM,
 * so callers store and reset it without knowing the kind. The zero vector is the initial state.
 */
export interface RecurrentCell {
  /** 'lstm' or 'gru'. */
  readonly kind: RecurrentCellKind;
  /** Inputs per row. */
  readonly inputSize: number;
  /** Outputs per row (the hidden state h). */
  readonly hiddenSize: number;
  /** State values per row: `2 * hiddenSize` for an LSTM, `hiddenSize` for a GRU. */
  readonly stateSize: number;
  /** Trainable variables under stable local names. */
  readonly variables: Readonly<Record<string, tf.Variable>>;
  /**
   * One step: inputs [B, inputSize] and states [B, stateSize] give the output h [B, hiddenSize]
   * and the next states. Creates tensors: call inside `tf.tidy` or a gradient scope.
   */
  step(inputs: tf.Tensor2D, state: tf.Tensor2D): { output: tf.Tensor2D; state: tf.Tensor2D };
  /**
   * T steps over B sequences at once, for the update: `inputs` [T * B, inputSize] time-major
   * (row `t * B + j` is step t of sequence j), `initialState` [B, stateSize], and per step a
   * [B, 1] tensor of 0/1 factors applied to the state before the step (0 resets a row), or null
   * where no row resets. Returns the outputs h [T * B, hiddenSize], time-major. The same
   * equations as T calls of `step` with fewer ops: the input term of every step is one matMul.
   */
  unroll(inputs: tf.Tensor2D, initialState: tf.Tensor2D, keeps: readonly (tf.Tensor2D | null)[]): tf.Tensor2D;
  /** Disposes the variables. */
  dispose(): void;
}

/** Options of {@link recurrentCell}. */
export interface RecurrentCellOptions {
  /** 'lstm' (default) or 'gru'. */
  readonly kind?: RecurrentCellKind;
  /** Inputs per row. */
  readonly inputSize: number;
  /** Hidden units. */
  readonly hiddenSize: number;
  /** Generator of the orthogonal initialisation; default a generator seeded with `seed`. */
  readonly rng?: RandomSource;
  /** Seed when no `rng` is given (default 0). */
  readonly seed?: number;
  /** Prefix of the tfjs variable names (made unique per process). */
  readonly name?: string;
}

/**
 * LSTM with PyTorch's gate order (input, forget, cell, output):
 * `[i f g o] = [x, h] W + b`, `c' = sigmoid(f) * c + sigmoid(i) * tanh(g)`,
 * `h' = sigmoid(o) * tanh(c')`. The input and recurrent weights are stacked into one kernel
 * [inputSize + hiddenSize, 4 * hiddenSize] so a step is one fused matMul (fewer ops is faster on
 * small networks).
 */
class LstmCell implements RecurrentCell {
  readonly kind = 'lstm' as const;
  readonly stateSize: number;
  readonly variables: Readonly<Record<string, tf.Variable>>;
  private readonly kernel: tf.Variable;
  private readonly bias: tf.Variable;

  constructor(readonly inputSize: number, readonly hiddenSize: number, rng: RandomSource, scope: string) {
    const h = hiddenSize;
    const kernel = new Float32Array((inputSize + h) * 4 * h);
    // CleanRL's ppo_atari_lstm: orthogonal input and recurrent weights (gain 1), zero biases.
    kernel.set(orthogonal(inputSize, 4 * h, 1, rng), 0);
    kernel.set(orthogonal(h, 4 * h, 1, rng), inputSize * 4 * h);
    this.kernel = makeVariable(kernel, [inputSize + h, 4 * h], `${scope}/kernel`);
    this.bias = makeVariable(0, [4 * h], `${scope}/bias`);
    this.stateSize = 2 * h;
    this.variables = { kernel: this.kernel, bias: this.bias };
  }

  step(inputs: tf.Tensor2D, state: tf.Tensor2D): { output: tf.Tensor2D; state: tf.Tensor2D } {
    const [hPrev, cPrev] = tf.split(state, 2, 1) as [tf.Tensor2D, tf.Tensor2D];
    const gates = dense(tf.concat([inputs, hPrev], 1), this.kernel, this.bias);
    const [i, f, g, o] = tf.split(gates, 4, 1);
    const c = tf.add<tf.Tensor2D>(tf.mul(tf.sigmoid(f), cPrev), tf.mul(tf.sigmoid(i), tf.tanh(g)));
    const out = tf.mul<tf.Tensor2D>(tf.sigmoid(o), tf.tanh(c));
    return { output: out, state: tf.concat([out, c], 1) };
  }

  unroll(inputs: tf.Tensor2D, initialState: tf.Tensor2D, keeps: readonly (tf.Tensor2D | null)[]): tf.Tensor2D {
    const n = this.hiddenSize;
    const steps = keeps.length;
    const inputKernel = tf.slice(this.kernel, [0, 0], [this.inputSize, 4 * n]);
    const recurrentKernel = tf.slice(this.kernel, [this.inputSize, 0], [n, 4 * n]) as tf.Tensor2D;
    const projected = dense(inputs, inputKernel, this.bias);
    const terms = steps === 1 ? [projected] : tf.split<tf.Tensor2D>(projected, steps, 0);
    let [h, c] = tf.split(initialState, 2, 1) as [tf.Tensor2D, tf.Tensor2D];
    const outputs: tf.Tensor2D[] = [];
    for (let t = 0; t < steps; t++) {
      const keep = keeps[t];
      if (keep !== null) {
        h = tf.mul(h, keep);
        c = tf.mul(c, keep);
      }
      const [i, f, g, o] = tf.split(matMulAdd(h, recurrentKernel, terms[t]), 4, 1);
      c = tf.add(tf.mul(tf.sigmoid(f), c), tf.mul(tf.sigmoid(i), tf.tanh(g)));
      h = tf.mul(tf.sigmoid(o), tf.tanh(c));
      outputs.push(h);
    }
    return steps === 1 ? outputs[0] : tf.concat(outputs, 0);
  }

  dispose(): void {
    this.kernel.dispose();
    this.bias.dispose();
  }
}

/**
 * GRU with PyTorch's equations (gates reset, update, new):
 * `r = sigmoid(x Wr + br + h Ur + cr)`, `z = sigmoid(x Wz + bz + h Uz + cz)`,
 * `n = tanh(x Wn + bn + r * (h Un + cn))`, `h' = (1 - z) * n + z * h`. The reset gate multiplies
 * the recurrent term after its matMul, so input and recurrent kernels stay separate.
 */
class GruCell implements RecurrentCell {
  readonly kind = 'gru' as const;
  readonly stateSize: number;
  readonly variables: Readonly<Record<string, tf.Variable>>;
  private readonly inputKernel: tf.Variable;
  private readonly recurrentKernel: tf.Variable;
  private readonly inputBias: tf.Variable;
  private readonly recurrentBias: tf.Variable;

  constructor(readonly inputSize: number, readonly hiddenSize: number, rng: RandomSource, scope: string) {
    const h = hiddenSize;
    this.inputKernel = makeVariable(orthogonal(inputSize, 3 * h, 1, rng), [inputSize, 3 * h], `${scope}/input_kernel`);
    this.recurrentKernel = makeVariable(orthogonal(h, 3 * h, 1, rng), [h, 3 * h], `${scope}/recurrent_kernel`);
    this.inputBias = makeVariable(0, [3 * h], `${scope}/input_bias`);
    this.recurrentBias = makeVariable(0, [3 * h], `${scope}/recurrent_bias`);
    this.stateSize = h;
    this.variables = {
      input_kernel: this.inputKernel,
      recurrent_kernel: this.recurrentKernel,
      input_bias: this.inputBias,
      recurrent_bias: this.recurrentBias,
    };
  }

  step(inputs: tf.Tensor2D, state: tf.Tensor2D): { output: tf.Tensor2D; state: tf.Tensor2D } {
    const h = this.hiddenSize;
    const xw = dense(inputs, this.inputKernel, this.inputBias);
    const hu = dense(state, this.recurrentKernel, this.recurrentBias);
    const [r, z] = tf.split(tf.sigmoid(tf.add(tf.slice(xw, [0, 0], [-1, 2 * h]), tf.slice(hu, [0, 0], [-1, 2 * h]))), 2, 1);
    const n = tf.tanh(tf.add(tf.slice(xw, [0, 2 * h], [-1, h]), tf.mul(r, tf.slice(hu, [0, 2 * h], [-1, h]))));
    // (1 - z) * n + z * h = n + z * (h - n): one op fewer.
    const out = tf.add<tf.Tensor2D>(n, tf.mul(z, tf.sub(state, n)));
    return { output: out, state: out };
  }

  unroll(inputs: tf.Tensor2D, initialState: tf.Tensor2D, keeps: readonly (tf.Tensor2D | null)[]): tf.Tensor2D {
    const n = this.hiddenSize;
    const steps = keeps.length;
    const projected = dense(inputs, this.inputKernel, this.inputBias);
    const terms = steps === 1 ? [projected] : tf.split<tf.Tensor2D>(projected, steps, 0);
    let h = initialState;
    const outputs: tf.Tensor2D[] = [];
    for (let t = 0; t < steps; t++) {
      const keep = keeps[t];
      if (keep !== null) h = tf.mul(h, keep);
      const hu = dense(h, this.recurrentKernel, this.recurrentBias);
      const [xrz, xn] = tf.split(terms[t], [2 * n, n], 1);
      const [hrz, hn] = tf.split(hu, [2 * n, n], 1);
      const [r, z] = tf.split(tf.sigmoid(tf.add(xrz, hrz)), 2, 1);
      const cand = tf.tanh(tf.add(xn, tf.mul(r, hn)));
      h = tf.add(cand, tf.mul(z, tf.sub(h, cand)));
      outputs.push(h);
    }
    return steps === 1 ? outputs[0] : tf.concat(outputs, 0);
  }

  dispose(): void {
    this.inputKernel.dispose();
    this.recurrentKernel.dispose();
    this.inputBias.dispose();
    this.recurrentBias.dispose();
  }
}

/**
 * Builds an LSTM or GRU cell with orthogonal weights (gain 1) and zero biases, as CleanRL's
 * ppo_atari_lstm initialises its LSTM.
 *
 * @example
 * ```ts
 * const cell = recurrentCell({ kind: 'gru', inputSize: 2, hiddenSize: 64, seed: 1 });
 * const { output, state } = tf.tidy(() => cell.step(x, tf.zeros([x.shape[0], cell.stateSize])));
 * ```
 */
export function recurrentCell(options: RecurrentCellOptions): RecurrentCell {
  const kind = options.kind ?? 'lstm';
  if (!RECURRENT_CELL_KINDS.includes(kind)) {
    throw new PpoRangeError('INVALID_ARGUMENT', `kind must be one of ${RECURRENT_CELL_KINDS.map((k) => `'${k}'`).join(', ')}, got ${String(kind)}`);
  }
  const inputSize = checkPositiveInt('inputSize', options.inputSize);
  const hiddenSize = checkPositiveInt('hiddenSize', options.hiddenSize);
  const rng = options.rng ?? new Rng(options.seed ?? 0);
  const scope = uniqueScope(options.name ?? kind);
  return kind === 'lstm' ? new LstmCell(inputSize, hiddenSize, rng, scope) : new GruCell(inputSize, hiddenSize, rng, scope);
}
