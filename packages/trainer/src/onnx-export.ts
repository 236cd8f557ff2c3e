/**
 * An exported policy as ONNX: input `observation` [batch, D] float32 (raw, as the env gives
 * it), output `action`: int32 [batch] for a discrete space, float32 [batch, size] for a box.
 */
import type { PolicyGraph } from './policy-graph';
import { encodeOnnxModel, type OnnxModel, type OnnxNode, type OnnxTensor } from './onnx-proto';

/**
 * The ONNX operator set of the files written. Operators used: Sub, Div, Clip, Reshape,
 * Transpose, Conv, MatMul, Add, Tanh, Relu, ArgMax, Cast, Max, Min, Identity.
 */
export const ONNX_OPSET = 13;

/** Name of the ONNX file in an export folder. */
export const ONNX_FILE = 'policy.onnx';

/** Names of the graph's input and output. */
export const ONNX_INPUT = 'observation';
export const ONNX_OUTPUT = 'action';

/** Metadata of the model file. */
export interface OnnxExportInfo {
  /** The env id the policy acts in (the file's `env` metadata). */
  readonly env: string;
}

/** Builds the ONNX model of `graph`, returning the bytes of the `.onnx` file. */
export function policyToOnnx(graph: PolicyGraph, info: OnnxExportInfo): Uint8Array {
  const nodes: OnnxNode[] = [];
  const initializers: OnnxTensor[] = [];
  let counter = 0;
  const constant = (stem: string, dims: number[], values: Float32Array | number[], type: OnnxTensor['type'] = 'float32'): string => {
    const name = `${stem}_${counter++}`;
    initializers.push({ name, dims, type, values });
    return name;
  };
  const op = (type: string, inputs: string[], attributes?: OnnxNode['attributes'], output = `${type.toLowerCase()}_${counter++}`): string => {
    nodes.push({ op: type, inputs, outputs: [output], attributes });
    return output;
  };

  const D = graph.observationSize;
  let x = ONNX_INPUT;
  if (graph.normalize !== null) {
    x = op('Sub', [x, constant('obs_mean', [D], graph.normalize.mean)]);
    x = op('Div', [x, constant('obs_std', [D], graph.normalize.std)]);
  }
  if (graph.clip !== null) x = op('Clip', [x, constant('obs_clip_min', [], [-graph.clip]), constant('obs_clip_max', [], [graph.clip])]);

  if (graph.image !== null) {
    const [h, w, c] = graph.image;
    // Our images are channels-last (NHWC); ONNX's Conv takes NCHW, with filters [cOut, cIn, k, k].
    x = op('Reshape', [x, constant('image_shape', [4], [-1, h, w, c], 'int64')]);
    x = op('Transpose', [x], { perm: { ints: [0, 3, 1, 2] } });
    for (const conv of graph.convs) {
      const { kernelSize: k, inChannels: cin, outChannels: cout } = conv;
      const filter = new Float32Array(conv.filter.length);
      for (let i = 0; i < k; i++) {
        for (let j = 0; j < k; j++) {
          for (let ci = 0; ci < cin; ci++) {
            for (let co = 0; co < cout; co++) filter[((co * cin + ci) * k + i) * k + j] = conv.filter[((i * k + j) * cin + ci) * cout + co];
          }
        }
      }
      x = op('Conv', [x, constant('conv_filter', [cout, cin, k, k], filter), constant('conv_bias', [cout], conv.bias)], {
        kernel_shape: { ints: [k, k] },
        strides: { ints: [conv.stride, conv.stride] },
      });
      x = op('Relu', [x]);
    }
    // Back to channels-last before flattening: the dense kernel's rows are in NHWC order.
    x = op('Transpose', [x], { perm: { ints: [0, 2, 3, 1] } });
    x = op('Reshape', [x, constant('flat_shape', [2], [-1, graph.dense[0].inputSize], 'int64')]);
  }

  for (const layer of graph.dense) {
    x = op('MatMul', [x, constant('kernel', [layer.inputSize, layer.outputSize], layer.kernel)]);
    x = op('Add', [x, constant('bias', [layer.outputSize], layer.bias)]);
    if (layer.activation === 'tanh') x = op('Tanh', [x]);
    else if (layer.activation === 'relu') x = op('Relu', [x]);
  }

  const head = graph.head;
  let outputShape: (number | string)[];
  if (head.kind === 'argmax') {
    // A masked policy would take a second input `action_mask` [batch, n] here and replace the
    // logits of ruled-out actions (Where(mask, logits, -inf)) before the ArgMax.
    x = op('ArgMax', [x], { axis: { int: 1 }, keepdims: { int: 0 } });
    if (head.start !== 0) x = op('Add', [x, constant('action_start', [], [head.start], 'int64')]);
    op('Cast', [x], { to: { int: 6 } }, ONNX_OUTPUT); // int32, as the trainer's actions
    outputShape = ['batch'];
  } else {
    if (head.clip) {
      x = op('Max', [x, constant('action_low', [head.size], head.low)]);
      x = op('Min', [x, constant('action_high', [head.size], head.high)]);
    }
    nodes.push({ op: 'Identity', inputs: [x], outputs: [ONNX_OUTPUT] });
    outputShape = ['batch', head.size];
  }

  const model: OnnxModel = {
    opset: ONNX_OPSET,
    producerName: '@ppo/trainer',
    graphName: 'ppo_policy',
    doc: `Deterministic PPO policy for ${info.env}: raw observation in, action out (observation normalization and clipping included).`,
    nodes,
    initializers,
    inputs: [{ name: ONNX_INPUT, type: 'float32', shape: ['batch', D], doc: 'raw observations, one row each' }],
    outputs: [{ name: ONNX_OUTPUT, type: head.kind === 'argmax' ? 'int32' : 'float32', shape: outputShape }],
    metadata: { env: info.env },
  };
  return encodeOnnxModel(model);
}
