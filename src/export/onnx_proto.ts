// ONNX's protobuf messages (onnx/onnx.proto, IR version 8), the parts a feed-forward image classifier uses:
// a model with opset imports and metadata, a graph of nodes, float32/int64 initialisers, typed inputs and outputs.
import { bytes, concat, type Field, float32, message, string, varint } from './protobuf.js';

export const IR_VERSION = 8;
export const OPSET = 13;

const FLOAT = 1;
const INT64 = 7;

/** A named constant: float32 weights or int64 shapes and pads, in raw little-endian bytes. */
export function tensor(name: string, dims: readonly number[], data: Float32Array | BigInt64Array): Field {
  const raw = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  return message(5, [
    ...dims.map((d) => varint(1, d)),
    varint(2, data instanceof Float32Array ? FLOAT : INT64),
    string(8, name),
    bytes(9, raw),
  ]);
}

/** A float32 graph input or output; a string dimension is symbolic (the batch). */
export function valueInfo(field: 11 | 12, name: string, dims: readonly (number | string)[]): Field {
  const dim = (d: number | string) => message(1, [typeof d === 'number' ? varint(1, d) : string(2, d)]);
  const tensorType = message(1, [varint(1, FLOAT), message(2, dims.map(dim))]);
  return message(field, [string(1, name), message(2, [tensorType])]);
}

export type Attribute = { int: number } | { ints: readonly number[] } | { float: number };

const ATTRIBUTE_FLOAT = 1;
const ATTRIBUTE_INT = 2;
const ATTRIBUTE_INTS = 7;

function attribute(name: string, value: Attribute): Field {
  if ('int' in value) return message(5, [string(1, name), varint(3, value.int), varint(20, ATTRIBUTE_INT)]);
  if ('float' in value) return message(5, [string(1, name), float32(2, value.float), varint(20, ATTRIBUTE_FLOAT)]);
  return message(5, [string(1, name), ...value.ints.map((i) => varint(8, i)), varint(20, ATTRIBUTE_INTS)]);
}

export interface Node {
  opType: string;
  inputs: readonly string[];
  outputs: readonly string[];
  name: string;
  attributes?: Record<string, Attribute>;
}

const node = (n: Node): Field =>
  message(1, [
    ...n.inputs.map((i) => string(1, i)),
    ...n.outputs.map((o) => string(2, o)),
    string(3, n.name),
    string(4, n.opType),
    ...Object.entries(n.attributes ?? {}).map(([name, value]) => attribute(name, value)),
  ]);

export interface Graph {
  name: string;
  nodes: readonly Node[];
  /** tensor() fields */
  initializers: readonly Field[];
  inputs: readonly Field[];
  outputs: readonly Field[];
}

export interface Model {
  graph: Graph;
  producer: { name: string; version: string };
  /** ONNX's metadata_props: string keys to string values */
  metadata: Record<string, string>;
}

export function modelBytes({ graph, producer, metadata }: Model): Uint8Array {
  const graphField = message(7, [
    ...graph.nodes.map(node),
    string(2, graph.name),
    ...graph.initializers,
    ...graph.inputs,
    ...graph.outputs,
  ]);
  return concat([
    varint(1, IR_VERSION),
    string(2, producer.name),
    string(3, producer.version),
    graphField,
    message(8, [string(1, ''), varint(2, OPSET)]),
    ...Object.entries(metadata).map(([key, value]) => message(14, [string(1, key), string(2, value)])),
  ]);
}
