// A TF.js Sequential image classifier as an ONNX model (opset 13) that ONNX Runtime, PyTorch's tooling and Triton
// read: the same input (NHWC, as TF.js takes it; one Transpose to ONNX's NCHW inside), the same outputs, the same
// weights, and the model.json metadata as ONNX metadata_props. Layers are mapped one by one; a layer without an
// ONNX counterpart here is an OnnxExportError naming it, never a silently different model.
import * as tf from '@tensorflow/tfjs';

import { type Attribute, modelBytes, type Node, tensor, valueInfo } from './onnx_proto.js';
import type { Field } from './protobuf.js';
import { PACKAGE_VERSION } from '../version.js';

export class OnnxExportError extends Error {
  override name = 'OnnxExportError';
}

export const ONNX_INPUT = 'image';

type Layout = 'NHWC' | 'NCHW' | 'flat';
type LayerConfig = Record<string, unknown>;

const ACTIVATIONS: Record<string, string | null> = {
  linear: null,
  relu: 'Relu',
  sigmoid: 'Sigmoid',
  tanh: 'Tanh',
  softmax: 'Softmax',
};

/** The layers of a Sequential, nested Sequentials (such as NiN's blocks) opened up, in order. */
function chainOf(model: tf.LayersModel): tf.layers.Layer[] {
  if (!(model instanceof tf.Sequential))
    throw new OnnxExportError(`only Sequential models are exported, not a ${model.getClassName()}`);
  return model.layers.flatMap((layer) => (layer instanceof tf.Sequential ? chainOf(layer) : [layer]));
}

const pair = (v: unknown): [number, number] => (Array.isArray(v) ? [v[0], v[1]] : [v as number, v as number]);

/** The graph being built: where the data is, in which layout and shape (TF.js's, without the batch axis). */
class GraphBuilder {
  readonly nodes: Node[] = [];
  readonly initializers: Field[] = [];
  private count = 0;

  constructor(
    public current: string,
    public layout: Layout,
    public shape: number[],
  ) {}

  private fresh(base: string): string {
    return `${base}_${this.count++}`;
  }

  add(opType: string, extraInputs: string[], attributes?: Record<string, Attribute>): void {
    const output = this.fresh(opType.toLowerCase());
    this.nodes.push({
      opType,
      inputs: [this.current, ...extraInputs],
      outputs: [output],
      name: output,
      ...(attributes ? { attributes } : {}),
    });
    this.current = output;
  }

  constant(base: string, dims: number[], data: Float32Array | BigInt64Array): string {
    const name = this.fresh(base);
    this.initializers.push(tensor(name, dims, data));
    return name;
  }

  toNCHW(): void {
    if (this.layout === 'NCHW') return;
    if (this.layout !== 'NHWC') throw new OnnxExportError('a spatial layer after the data was flattened');
    this.add('Transpose', [], { perm: { ints: [0, 3, 1, 2] } });
    this.layout = 'NCHW';
  }

  /** Back to TF.js's element order (channels last), as a flatten or the model's output needs. */
  toNHWC(): void {
    if (this.layout !== 'NCHW') return;
    this.add('Transpose', [], { perm: { ints: [0, 2, 3, 1] } });
    this.layout = 'NHWC';
  }

  activation(name: unknown, layer: string): void {
    const op = ACTIVATIONS[String(name)];
    if (op === undefined)
      throw new OnnxExportError(`layer ${layer}: activation '${String(name)}' has no ONNX mapping here`);
    if (op === null) return;
    if (op === 'Softmax' && this.layout !== 'flat')
      throw new OnnxExportError(`layer ${layer}: softmax over a spatial tensor`);
    this.add(op, [], op === 'Softmax' ? { axis: { int: -1 } } : undefined);
  }
}

/** ONNX pads [top, left, bottom, right] of a conv or pool, computed by TF.js's own geometry helpers. */
function padsOf(info: tf.backend_util.Conv2DInfo): number[] {
  const p = info.padInfo;
  return [p.top, p.left, p.bottom, p.right];
}

function weightsOf(layer: tf.layers.Layer): Float32Array[] {
  return layer.getWeights().map((w) => w.dataSync() as Float32Array);
}

/** HWIO (TF.js) → OIHW (ONNX) */
function oihw(kernel: Float32Array, [kh, kw, cin, cout]: number[]): Float32Array {
  const out = new Float32Array(kernel.length);
  for (let h = 0; h < kh!; h++)
    for (let w = 0; w < kw!; w++)
      for (let i = 0; i < cin!; i++)
        for (let o = 0; o < cout!; o++) {
          out[((o * cin! + i) * kh! + h) * kw! + w] = kernel[((h * kw! + w) * cin! + i) * cout! + o]!;
        }
  return out;
}

function mapLayer(g: GraphBuilder, layer: tf.layers.Layer): void {
  const kind = layer.getClassName();
  const config = layer.getConfig() as LayerConfig;
  const inShape = g.shape;
  const where = `'${layer.name}' (${kind})`;
  if (config.dataFormat !== undefined && config.dataFormat !== 'channelsLast')
    throw new OnnxExportError(`layer ${where}: only channels-last data`);
  switch (kind) {
    case 'InputLayer':
    case 'Dropout':
    case 'SpatialDropout1D':
    case 'GaussianDropout':
    case 'GaussianNoise':
      return; // identities at inference
    case 'Conv2D': {
      const [kh, kw] = pair(config.kernelSize),
        strides = pair(config.strides),
        dilations = pair(config.dilationRate ?? 1);
      const [h, w, cin] = inShape as [number, number, number];
      const filters = config.filters as number;
      const info = tf.backend_util.computeConv2DInfo(
        [1, h, w, cin],
        [kh, kw, cin, filters],
        strides,
        dilations,
        config.padding as 'same' | 'valid',
      );
      const [kernel, bias] = weightsOf(layer);
      g.toNCHW();
      const inputs = [g.constant('kernel', [filters, cin, kh, kw], oihw(kernel!, [kh, kw, cin, filters]))];
      if (config.useBias) inputs.push(g.constant('bias', [filters], bias!));
      g.add('Conv', inputs, {
        kernel_shape: { ints: [kh, kw] },
        strides: { ints: strides },
        dilations: { ints: dilations },
        pads: { ints: padsOf(info) },
      });
      g.activation(config.activation, where);
      break;
    }
    case 'ZeroPadding2D': {
      const [[top, bottom], [left, right]] = config.padding as [[number, number], [number, number]];
      g.toNCHW();
      g.add('Pad', [g.constant('pads', [8], BigInt64Array.from([0, 0, top, left, 0, 0, bottom, right].map(BigInt)))]);
      break;
    }
    case 'MaxPooling2D':
    case 'AveragePooling2D': {
      const size = pair(config.poolSize),
        strides = pair(config.strides ?? config.poolSize);
      const [h, w, c] = inShape as [number, number, number];
      const info = tf.backend_util.computePool2DInfo(
        [1, h, w, c],
        size,
        strides,
        1,
        config.padding as 'same' | 'valid',
      );
      g.toNCHW();
      // TF.js averages over the pixels a window covers, not the padding: count_include_pad 0, ONNX's default
      g.add(kind === 'MaxPooling2D' ? 'MaxPool' : 'AveragePool', [], {
        kernel_shape: { ints: size },
        strides: { ints: strides },
        pads: { ints: padsOf(info) },
      });
      break;
    }
    case 'GlobalAveragePooling2D':
      g.toNCHW();
      g.add('GlobalAveragePool', []);
      g.add('Flatten', [], { axis: { int: 1 } });
      g.layout = 'flat';
      break;
    case 'Flatten':
      g.toNHWC(); // TF.js flattens channels last
      g.add('Flatten', [], { axis: { int: 1 } });
      g.layout = 'flat';
      break;
    case 'Dense': {
      if (g.layout !== 'flat')
        throw new OnnxExportError(`layer ${where}: a dense layer on a ${inShape.length + 1}-D tensor`);
      const units = config.units as number;
      const [kernel, bias] = weightsOf(layer);
      const inputs = [g.constant('kernel', [inShape[0]!, units], kernel!)];
      if (config.useBias) inputs.push(g.constant('bias', [units], bias!));
      g.add('Gemm', inputs);
      g.activation(config.activation, where);
      break;
    }
    case 'Activation':
      g.activation(config.activation, where);
      break;
    case 'ReLU':
      if (config.maxValue != null) throw new OnnxExportError(`layer ${where}: a capped ReLU`);
      g.add('Relu', []);
      break;
    case 'Softmax':
      g.activation('softmax', where);
      break;
    default:
      throw new OnnxExportError(`layer ${where} has no ONNX mapping here`);
  }
  g.shape = (layer.outputShape as (number | null)[]).slice(1) as number[];
}

export interface OnnxExportOptions {
  /** the output's name in the graph (default 'logits') */
  outputName?: string;
  /** written as the model's producer_version (default: this package's version) */
  producerVersion?: string;
}

/** The ONNX file of a Sequential TF.js model: one float32 input (NHWC, batch symbolic) and one output. */
export function toOnnx(
  model: tf.LayersModel,
  { outputName = 'logits', producerVersion = PACKAGE_VERSION }: OnnxExportOptions = {},
): Uint8Array {
  const inputShape = (model.inputs[0]!.shape as (number | null)[]).slice(1) as number[];
  if (inputShape.length !== 3)
    throw new OnnxExportError(`the model takes ${inputShape.length + 1}-D input, not images (NHWC)`);
  const g = new GraphBuilder(ONNX_INPUT, 'NHWC', inputShape);
  for (const layer of chainOf(model)) mapLayer(g, layer);
  g.toNHWC();
  g.nodes.push({ opType: 'Identity', inputs: [g.current], outputs: [outputName], name: outputName });
  const outputShape = (model.outputs[0]!.shape as (number | null)[]).slice(1) as number[];
  const metadata = Object.fromEntries(
    Object.entries((model.getUserDefinedMetadata() ?? {}) as Record<string, unknown>).map(([k, v]) => [
      k,
      typeof v === 'string' ? v : JSON.stringify(v),
    ]),
  );
  return modelBytes({
    graph: {
      name: model.name,
      nodes: g.nodes,
      initializers: g.initializers,
      inputs: [valueInfo(11, ONNX_INPUT, ['batch', ...inputShape])],
      outputs: [valueInfo(12, outputName, ['batch', ...outputShape])],
    },
    producer: { name: 'nin-d2l', version: producerVersion },
    metadata,
  });
}
