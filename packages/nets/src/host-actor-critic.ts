import { exp, log, assertAllFinite, PpoError } from '@ppo/utils';
import type * as tf from '@tensorflow/tfjs';
import { checkCategoryIndexData } from './distributions';
import { categoricalBackward, categoricalForward } from './host-categorical';
import { commitParameters, type HostEvaluation, type HostModel } from './host-model';
import { hostDense, hostMlpBackward, hostMlpForward, widen, type DenseVariables, type HostDense } from './host-mlp';

const HALF_LOG_2PI = 0.5 * log(2 * Math.PI);

/** What {@link HostActorCritic} needs to know of an actor-critic made of MLPs. */
export interface HostActorCriticSpec {
  /** The trainable variables, in the order gradients and parameters are listed. */
  readonly variables: readonly tf.Variable[];
  /** The actor's layers: its torso then the policy head. */
  readonly actor: readonly DenseVariables[];
  /** The critic's layers: its torso then the value head (one output). */
  readonly critic: readonly DenseVariables[];
  /** 'discrete': a categorical over `headSize` actions; 'box': a Gaussian with a free log-std. */
  readonly kind: 'discrete' | 'box';
  /** Outputs of the policy head: the number of actions, or the box size. */
  readonly headSize: number;
  /** The discrete space's first action. */
  readonly start: number;
  /** The box policy's log-std variable. */
  readonly logStd: tf.Variable | null;
  /** Flat observation size. */
  readonly observationSize: number;
}

/** Per-sample outputs of {@link HostActorCritic.evaluate} (views valid until the next call). */
export type { HostEvaluation } from './host-model';

/**
 * An MLP actor-critic (a categorical or a diagonal Gaussian with a state-independent log-std)
 * evaluated and differentiated on the host with hand-derived gradients, for a fused training
 * step that makes no tensor ops. It works on its own copies of the parameters
 * ({@link HostActorCritic.parameters}, float32 as the variables hold them, in the variables'
 * order), which an optimizer steps in place; {@link HostActorCritic.commit} writes them back.
 * Arithmetic is float64 in fixed sequential order, so results are the same on every machine.
 */
export class HostActorCritic implements HostModel {
  /** Copies of the variables' values, in `spec.variables` order; step them in place. */
  readonly parameters: Float32Array[];
  private readonly spec: HostActorCriticSpec;
  private readonly actor: HostDense[];
  private readonly critic: HostDense[];
  private readonly logStdIndex: number;
  private readonly actorOuts: Float64Array[] = [];
  private readonly criticOuts: Float64Array[] = [];
  private readonly scratch: Float64Array[] = [];
  private readonly grads: Float64Array[];
  /** The float32 gradients {@link HostActorCritic.backward} returns (reused). */
  private readonly grads32: Float32Array[];
  /** Each net's kernel and bias gradients, in layer order (views of `grads`). */
  private readonly actorGrads: { readonly kernels: Float64Array[]; readonly biases: Float64Array[] };
  private readonly criticGrads: { readonly kernels: Float64Array[]; readonly biases: Float64Array[] };
  private readonly mirrors: Float64Array[];
  private rows = 0;
  private input: Float64Array = new Float64Array(0);
  private actions: Int32Array | Float32Array = new Int32Array(0);
  private logProbs = new Float64Array(0);
  private entropy = new Float64Array(0);
  /** Discrete: log-softmax rows; box: standardised actions (a - mean) / std. */
  private head = new Float64Array(0);
  /** Discrete: the probabilities exp(head), as evaluate computed them for the entropy. */
  private probs = new Float64Array(0);
  private dHead = new Float64Array(0);
  private dValue = new Float64Array(0);

  constructor(spec: HostActorCriticSpec) {
    this.spec = spec;
    this.parameters = spec.variables.map((v) => Float32Array.from(v.dataSync() as Float32Array));
    const index = new Map(spec.variables.map((v, i) => [v, i]));
    const at = (v: tf.Variable): number => {
      const i = index.get(v);
      if (i === undefined) throw new PpoError('INVALID_STATE', `HostActorCritic: variable ${v.name} is not among the trainable variables`);
      return i;
    };
    // The layers read float64 mirrors of the parameters, refreshed before every evaluation.
    this.mirrors = this.parameters.map((p) => new Float64Array(p.length));
    const build = (layers: readonly DenseVariables[]) => {
      const indices = layers.map((s) => [at(s.kernel), at(s.bias)] as const);
      return { indices, dense: layers.map((s, l) => hostDense(s, this.mirrors[indices[l][0]], this.mirrors[indices[l][1]])) };
    };
    const actor = build(spec.actor);
    const critic = build(spec.critic);
    this.actor = actor.dense;
    this.critic = critic.dense;
    this.logStdIndex = spec.logStd === null ? -1 : at(spec.logStd);
    this.grads = this.parameters.map((p) => new Float64Array(p.length));
    this.grads32 = this.parameters.map((p) => new Float32Array(p.length));
    const gradsOf = (indices: readonly (readonly [number, number])[]) => ({
      kernels: indices.map((ix) => this.grads[ix[0]]),
      biases: indices.map((ix) => this.grads[ix[1]]),
    });
    this.actorGrads = gradsOf(actor.indices);
    this.criticGrads = gradsOf(critic.indices);
  }

  /**
   * Log-probabilities of `actions`, entropies and values for `rows` observations (row-major),
   * remembering what {@link HostActorCritic.backward} needs. Checks the inputs as
   * `ActorCritic.evaluate` does: finite observations, actions in the space.
   */
  evaluate(observations: Float32Array, actions: Int32Array | Float32Array, rows: number): HostEvaluation {
    const { kind, headSize: n, start, observationSize } = this.spec;
    assertAllFinite('ActorCritic.evaluate: observations', observations, [rows, observationSize]);
    if (kind === 'discrete') checkCategoryIndexData(actions, [n], start, 'ActorCritic.evaluate');
    else assertAllFinite('ActorCritic.evaluate: actions', actions, [rows, n]);
    this.rows = rows;
    this.parameters.forEach((p, i) => this.mirrors[i].set(p));
    this.input = widen(observations, this.input);
    this.actions = actions;
    if (this.logProbs.length < rows) {
      this.logProbs = new Float64Array(rows);
      this.entropy = new Float64Array(rows);
      this.dValue = new Float64Array(rows);
    }
    if (this.head.length < rows * n) {
      this.head = new Float64Array(rows * n);
      this.probs = new Float64Array(rows * n);
      this.dHead = new Float64Array(rows * n);
    }
    hostMlpForward(this.actor, this.input, rows, this.actorOuts);
    hostMlpForward(this.critic, this.input, rows, this.criticOuts);
    const out = this.actorOuts[this.actorOuts.length - 1];
    const { logProbs, entropy, head, probs } = this;
    if (kind === 'discrete') {
      categoricalForward(out, rows, n, actions, start, head, probs, logProbs, entropy);
    } else {
      const logStd = this.parameters[this.logStdIndex];
      let norm = n * HALF_LOG_2PI;
      for (let j = 0; j < n; j++) norm += logStd[j];
      const h = norm + 0.5 * n;
      for (let r = 0; r < rows; r++) {
        let quad = 0;
        for (let j = 0; j < n; j++) {
          const z = (actions[r * n + j] - out[r * n + j]) / exp(logStd[j]);
          head[r * n + j] = z;
          quad += z * z;
        }
        logProbs[r] = -0.5 * quad - norm;
        entropy[r] = h;
      }
    }
    const values = this.criticOuts[this.criticOuts.length - 1];
    return { logProbs: logProbs.subarray(0, rows), entropy: entropy.subarray(0, rows), values: values.subarray(0, rows) };
  }

  /**
   * Gradients of a loss with respect to every parameter (in `spec.variables` order, float32 as
   * tfjs would return them), given the loss's gradients with respect to the last
   * {@link HostActorCritic.evaluate}'s log-probabilities, entropies and values. The arrays are
   * reused: the next call overwrites them (copy what you keep).
   */
  backward(dLogProbs: ArrayLike<number>, dEntropy: ArrayLike<number>, dValues: ArrayLike<number>): Float32Array[] {
    const { kind, headSize: n, start } = this.spec;
    const { rows, head, probs, dHead, grads, actions } = this;
    for (const g of grads) g.fill(0);
    if (kind === 'discrete') {
      categoricalBackward(head, probs, this.entropy, rows, n, actions, start, dLogProbs, dEntropy, dHead);
    } else {
      // log p = -z.z/2 - sum(logStd) - const with z = (a - mean) / std; H = sum(logStd) + const.
      const logStd = this.parameters[this.logStdIndex];
      const gLogStd = grads[this.logStdIndex];
      for (let j = 0; j < n; j++) {
        const invStd = 1 / exp(logStd[j]);
        let g = 0;
        for (let r = 0; r < rows; r++) {
          const z = head[r * n + j];
          dHead[r * n + j] = dLogProbs[r] * z * invStd;
          g += dLogProbs[r] * (z * z - 1) + dEntropy[r];
        }
        gLogStd[j] = g;
      }
    }
    const { actorGrads, criticGrads } = this;
    hostMlpBackward(this.actor, this.input, this.actorOuts, dHead, rows, actorGrads.kernels, actorGrads.biases, this.scratch);
    for (let r = 0; r < rows; r++) this.dValue[r] = dValues[r];
    hostMlpBackward(this.critic, this.input, this.criticOuts, this.dValue, rows, criticGrads.kernels, criticGrads.biases, this.scratch);
    // Rounded to float32 as Float32Array.from would, into the reused arrays.
    grads.forEach((g, k) => this.grads32[k].set(g));
    return this.grads32;
  }

  /** Writes the parameters back into the variables. */
  commit(): void {
    commitParameters(this.spec.variables, this.parameters);
  }
}
