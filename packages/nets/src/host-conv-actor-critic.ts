import { assertAllFinite, PpoError } from '@ppo/utils';
import type * as tf from '@tensorflow/tfjs';
import { checkCategoryIndexData } from './distributions';
import { categoricalBackward, categoricalForward } from './host-categorical';
import { ConvNetActivations, convNetBackward, convNetForward, hostConvNet, type ConvNetGradients, type ConvTorsoVariables, type HostConvNet } from './host-conv-net';
import { commitParameters, type HostEvaluation, type HostModel } from './host-model';
import type { DenseVariables } from './host-mlp';

/** What {@link HostConvActorCritic} needs to know of a categorical actor-critic on a shared one-convolution torso. */
export interface HostConvActorCriticSpec {
  /** The trainable variables, in the order gradients and parameters are listed. */
  readonly variables: readonly tf.Variable[];
  readonly torso: ConvTorsoVariables;
  /** Linear, one output per action. */
  readonly policyHead: DenseVariables;
  /** Linear, one output. */
  readonly valueHead: DenseVariables;
  /** The discrete space's first action. */
  readonly start: number;
}

/**
 * The MinAtar actor-critic (a shared torso of one 3x3 convolution and a dense layer, a
 * categorical policy head and a value head) evaluated and differentiated on the host with
 * hand-derived gradients, for a fused training step that makes no tensor ops. Like
 * `HostActorCritic`, it works on float32 copies of the parameters (stepped in place by an
 * optimizer, written back by `commit`) and computes in float64 in a fixed sequential order.
 */
export class HostConvActorCritic implements HostModel {
  readonly parameters: Float32Array[];
  private readonly spec: HostConvActorCriticSpec;
  private readonly mirrors: Float64Array[];
  private readonly grads: Float64Array[];
  private net: HostConvNet;
  private readonly read: (v: tf.Variable) => Float64Array;
  private readonly gradients: ConvNetGradients;
  private readonly acts = new ConvNetActivations();
  private readonly observationSize: number;
  private readonly actionCount: number;
  private rows = 0;
  private actions: Int32Array | Float32Array = new Int32Array(0);
  private logProbs = new Float64Array(0);
  private entropy = new Float64Array(0);
  private logSoftmax = new Float64Array(0);
  private probs = new Float64Array(0);
  private dLogits = new Float64Array(0);
  private dValues = new Float64Array(0);

  constructor(spec: HostConvActorCriticSpec) {
    this.spec = spec;
    this.parameters = spec.variables.map((v) => Float32Array.from(v.dataSync() as Float32Array));
    // The layers read float64 mirrors of the parameters, refreshed before every evaluation.
    this.mirrors = this.parameters.map((p) => new Float64Array(p.length));
    this.grads = this.parameters.map((p) => new Float64Array(p.length));
    const index = new Map(spec.variables.map((v, i) => [v, i]));
    const at = (v: tf.Variable): number => {
      const i = index.get(v);
      if (i === undefined) throw new PpoError('INVALID_STATE', `HostConvActorCritic: variable ${v.name} is not among the trainable variables`);
      return i;
    };
    const { torso, policyHead, valueHead } = spec;
    this.read = (v) => this.mirrors[at(v)];
    this.net = hostConvNet(torso, policyHead, valueHead, this.read);
    const grad = (v: tf.Variable) => this.grads[at(v)];
    this.gradients = {
      convKernel: grad(torso.filter), convBias: grad(torso.bias),
      denseKernel: grad(torso.dense.kernel), denseBias: grad(torso.dense.bias),
      policyKernel: grad(policyHead.kernel), policyBias: grad(policyHead.bias),
      valueKernel: grad(valueHead.kernel), valueBias: grad(valueHead.bias),
    };
    const [height, width, channels] = torso.inputShape;
    this.observationSize = height * width * channels;
    this.actionCount = this.net.policy.outSize;
  }

  evaluate(observations: Float32Array, actions: Int32Array | Float32Array, rows: number): HostEvaluation {
    const n = this.actionCount;
    const { start } = this.spec;
    assertAllFinite('ActorCritic.evaluate: observations', observations, [rows, this.observationSize]);
    checkCategoryIndexData(actions, [n], start, 'ActorCritic.evaluate');
    this.rows = rows;
    this.actions = actions;
    this.parameters.forEach((p, i) => this.mirrors[i].set(p));
    // Again: a padded convolution kernel is a copy of the filter's mirror.
    this.net = hostConvNet(this.spec.torso, this.spec.policyHead, this.spec.valueHead, this.read);
    if (this.logProbs.length < rows) {
      this.logProbs = new Float64Array(rows);
      this.entropy = new Float64Array(rows);
      this.dValues = new Float64Array(rows);
    }
    if (this.logSoftmax.length < rows * n) {
      this.logSoftmax = new Float64Array(rows * n);
      this.probs = new Float64Array(rows * n);
      this.dLogits = new Float64Array(rows * n);
    }
    const { logits, values } = convNetForward(this.net, observations, rows, this.acts);
    categoricalForward(logits, rows, n, actions, start, this.logSoftmax, this.probs, this.logProbs, this.entropy);
    return { logProbs: this.logProbs.subarray(0, rows), entropy: this.entropy.subarray(0, rows), values: values.subarray(0, rows) };
  }

  backward(dLogProbs: ArrayLike<number>, dEntropy: ArrayLike<number>, dValues: ArrayLike<number>): Float32Array[] {
    const { rows, grads } = this;
    for (const g of grads) g.fill(0);
    categoricalBackward(this.logSoftmax, this.probs, this.entropy, rows, this.actionCount, this.actions, this.spec.start, dLogProbs, dEntropy, this.dLogits);
    for (let r = 0; r < rows; r++) this.dValues[r] = dValues[r];
    convNetBackward(this.net, this.acts, rows, this.dLogits, this.dValues, this.gradients);
    return grads.map((g) => Float32Array.from(g));
  }

  commit(): void {
    commitParameters(this.spec.variables, this.parameters);
  }
}
