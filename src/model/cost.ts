// What a network costs, counted from its layers rather than measured: parameters (and the share in fully connected
// layers), multiply-accumulates per image, and the activation memory a training step keeps per image.
import type * as tf from '@tensorflow/tfjs';

export interface LayerCost {
  /** the layer's class, e.g. Conv2D, Dense, MaxPooling2D */
  kind: string;
  /** output shape without the batch axis */
  outputShape: number[];
  params: number;
  /** multiply-accumulates per image (convolutions and dense layers; pooling and activations count 0) */
  macs: number;
}

export interface NetworkCost {
  params: number;
  denseParams: number;
  /** denseParams / params */
  denseShare: number;
  macs: number;
  /**
   * bytes of fp32 activations per image a training step keeps for the backward pass: the input and every layer's
   * output (ReLU is fused into the convolutions and dense layers, so it adds no tensor of its own)
   */
  activationBytes: number;
  layers: LayerCost[];
}

const product = (xs: readonly number[]) => xs.reduce((a, b) => a * b, 1);

/** The leaf layers in order, nested Sequentials (NiN and VGG blocks) opened up. */
export function leafLayers(net: tf.LayersModel | tf.layers.Layer): tf.layers.Layer[] {
  const inner = (net as Partial<tf.LayersModel>).layers;
  return inner ? inner.flatMap((l) => leafLayers(l)) : [net as tf.layers.Layer];
}

/** Cost of one layer: a layer with a kernel does kernel-size MACs at every output position. */
export function layerCost(layer: tf.layers.Layer): LayerCost {
  const outputShape = (layer.outputShape as number[]).slice(1);
  const kernel = layer.getWeights().find((w) => w.rank >= 2);
  const outChannels = outputShape[outputShape.length - 1] ?? 1;
  const positions = product(outputShape) / outChannels;
  return {
    kind: layer.getClassName(),
    outputShape,
    params: layer.countParams(),
    macs: kernel ? positions * kernel.size : 0,
  };
}

export function networkCost(net: tf.LayersModel): NetworkCost {
  const layers = leafLayers(net).map(layerCost);
  const params = layers.reduce((s, l) => s + l.params, 0);
  const denseParams = layers.filter((l) => l.kind === 'Dense').reduce((s, l) => s + l.params, 0);
  const inputElements = product((net.inputs[0]!.shape as number[]).slice(1));
  const activationElements = layers.reduce((s, l) => s + product(l.outputShape), inputElements);
  return {
    params,
    denseParams,
    denseShare: params > 0 ? denseParams / params : 0,
    macs: layers.reduce((s, l) => s + l.macs, 0),
    activationBytes: 4 * activationElements,
    layers,
  };
}
