// A Keras Conv2D whose training forward pass is one FusedConv2D kernel (conv + bias + activation) instead of TF.js's
// three (Conv2D → Add → Relu): the engine registers that kernel's gradient (engine/gradients/FusedConv2D_grad.ts),
// which TF.js lacks. Each layer then writes one activation-sized tensor instead of three, and its backward pass
// reads one. The layer is saved as a stock `Conv2D`, so stock TF.js (the browser included) loads the model files.
import * as tf from '@tensorflow/tfjs';

import { differentiableFusedConv2D } from '../engine/gradients/FusedConv2D_grad.js';

type ConvArgs = Parameters<typeof tf.layers.conv2d>[0];

/** The fields of tfjs-layers' Conv2D that the fused path reads. */
interface StockConv2D extends tf.layers.Layer {
  readonly rank: number;
  readonly kernel: { read(): tf.Tensor };
  readonly bias: { read(): tf.Tensor } | null;
  readonly strides: number[];
  readonly padding: 'valid' | 'same';
  readonly dataFormat: 'channelsFirst' | 'channelsLast';
  readonly dilationRate: number[];
  readonly activation: { getClassName(): string };
}

// tfjs-layers does not export its Conv2D class, but registers it for deserialisation under its class name.
const Conv2D = tf.serialization.SerializationMap.getMap().classNameMap.Conv2D![0] as unknown as new (
  args: ConvArgs,
) => StockConv2D;

export class FusedConv2DLayer extends Conv2D {
  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: tf.serialization.ConfigDict): tf.Tensor | tf.Tensor[] {
    const x = Array.isArray(inputs) ? inputs[0]! : inputs;
    const attrs = {
      strides: this.strides as [number, number],
      pad: this.padding,
      dataFormat: 'NHWC' as const,
      dilations: this.dilationRate as [number, number],
      activation: this.activation.getClassName(),
    };
    const fusable =
      this.rank === 2 &&
      this.dataFormat === 'channelsLast' &&
      this.bias !== null &&
      x.rank === 4 &&
      x.dtype === 'float32' &&
      differentiableFusedConv2D(attrs) &&
      tf.getGradient(tf.FusedConv2D) !== undefined;
    if (!fusable) return super.call(inputs, kwargs);
    return tf.tidy(
      () =>
        tf
          .engine()
          .runKernel(tf.FusedConv2D, { x, filter: this.kernel.read(), bias: this.bias!.read() }, attrs) as tf.Tensor,
    );
  }
}
