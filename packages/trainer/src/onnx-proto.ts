/**
 * The subset of ONNX's protobuf messages (onnx.proto, IR version 7) that an exported policy
 * needs, encoded with @bufbuild/protobuf's wire writer. Field numbers are those of onnx.proto.
 */
import { BinaryWriter, WireType } from '@bufbuild/protobuf/wire';

/** ONNX IR version of the files written (7: ONNX 1.8, the first to carry opset 13). */
export const ONNX_IR_VERSION = 7;

/** `TensorProto.DataType` values used here. */
const DATA_TYPE = { float32: 1, int32: 6, int64: 7 } as const;

/** An element type of a tensor. */
export type OnnxElementType = keyof typeof DATA_TYPE;

/** A constant tensor of the graph (an initializer), stored as little-endian `raw_data`. */
export interface OnnxTensor {
  readonly name: string;
  readonly dims: readonly number[];
  readonly type: 'float32' | 'int64';
  readonly values: Float32Array | readonly number[];
}

/** A node attribute: an integer, a list of integers or a float. */
export type OnnxAttribute =
  | { readonly int: number }
  | { readonly ints: readonly number[] }
  | { readonly float: number };

/** One operator call. */
export interface OnnxNode {
  readonly op: string;
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  readonly attributes?: Readonly<Record<string, OnnxAttribute>>;
}

/** A graph input or output: a name, an element type and a shape (a string names a free dimension). */
export interface OnnxValueInfo {
  readonly name: string;
  readonly type: OnnxElementType;
  readonly shape: readonly (number | string)[];
  readonly doc?: string;
}

/** A whole model: one graph in the default domain at one opset. */
export interface OnnxModel {
  readonly opset: number;
  readonly producerName: string;
  readonly graphName: string;
  readonly doc: string;
  readonly nodes: readonly OnnxNode[];
  readonly initializers: readonly OnnxTensor[];
  readonly inputs: readonly OnnxValueInfo[];
  readonly outputs: readonly OnnxValueInfo[];
  /** `metadata_props`: free key-value pairs tools show. */
  readonly metadata: Readonly<Record<string, string>>;
}

type W = BinaryWriter;

function string(w: W, field: number, value: string): void {
  w.tag(field, WireType.LengthDelimited).string(value);
}

function int(w: W, field: number, value: number): void {
  w.tag(field, WireType.Varint).int64(value);
}

function message(w: W, field: number, body: (w: W) => void): void {
  w.tag(field, WireType.LengthDelimited).fork();
  body(w);
  w.join();
}

function rawData(tensor: OnnxTensor): Uint8Array {
  if (tensor.type === 'float32') {
    const out = new Uint8Array(tensor.values.length * 4);
    const view = new DataView(out.buffer);
    tensor.values.forEach((v: number, i: number) => view.setFloat32(i * 4, v, true));
    return out;
  }
  const out = new Uint8Array(tensor.values.length * 8);
  const view = new DataView(out.buffer);
  tensor.values.forEach((v: number, i: number) => view.setBigInt64(i * 8, BigInt(v), true));
  return out;
}

function tensorProto(w: W, tensor: OnnxTensor): void {
  for (const d of tensor.dims) int(w, 1, d); // dims
  int(w, 2, DATA_TYPE[tensor.type]); // data_type
  string(w, 8, tensor.name); // name
  w.tag(9, WireType.LengthDelimited).bytes(rawData(tensor)); // raw_data
}

function attributeProto(w: W, name: string, attribute: OnnxAttribute): void {
  string(w, 1, name);
  if ('int' in attribute) {
    int(w, 3, attribute.int); // i
    int(w, 20, 2); // type INT
  } else if ('ints' in attribute) {
    for (const v of attribute.ints) int(w, 8, v); // ints
    int(w, 20, 7); // type INTS
  } else {
    w.tag(2, WireType.Bit32).float(attribute.float); // f
    int(w, 20, 1); // type FLOAT
  }
}

function nodeProto(w: W, node: OnnxNode, index: number): void {
  for (const input of node.inputs) string(w, 1, input);
  for (const output of node.outputs) string(w, 2, output);
  string(w, 3, `${node.op}_${index}`); // name
  string(w, 4, node.op); // op_type
  for (const [name, attribute] of Object.entries(node.attributes ?? {})) message(w, 5, (a) => attributeProto(a, name, attribute));
}

function valueInfoProto(w: W, info: OnnxValueInfo): void {
  string(w, 1, info.name);
  message(w, 2, (type) =>
    message(type, 1, (tensor) => {
      // TypeProto.tensor_type: elem_type, shape
      int(tensor, 1, DATA_TYPE[info.type]);
      message(tensor, 2, (shape) => {
        for (const d of info.shape) message(shape, 1, (dim) => (typeof d === 'number' ? int(dim, 1, d) : string(dim, 2, d)));
      });
    }),
  );
  if (info.doc !== undefined) string(w, 3, info.doc);
}

/** Encodes `model` as the bytes of an `.onnx` file (a serialized `ModelProto`). */
export function encodeOnnxModel(model: OnnxModel): Uint8Array {
  const w = new BinaryWriter();
  int(w, 1, ONNX_IR_VERSION); // ir_version
  string(w, 2, model.producerName);
  string(w, 6, model.doc); // doc_string
  message(w, 7, (g) => {
    // GraphProto
    model.nodes.forEach((node, i) => message(g, 1, (n) => nodeProto(n, node, i)));
    string(g, 2, model.graphName);
    for (const tensor of model.initializers) message(g, 5, (t) => tensorProto(t, tensor));
    for (const input of model.inputs) message(g, 11, (v) => valueInfoProto(v, input));
    for (const output of model.outputs) message(g, 12, (v) => valueInfoProto(v, output));
  });
  message(w, 8, (o) => {
    // OperatorSetIdProto of the default domain: domain '' (omitted), version
    int(o, 2, model.opset);
  });
  for (const [key, value] of Object.entries(model.metadata)) {
    message(w, 14, (m) => {
      string(m, 1, key);
      string(m, 2, value);
    });
  }
  return w.finish();
}
