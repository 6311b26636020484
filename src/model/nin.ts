// Network in Network (Lin et al., 2014), d2l's chapter: four NiN blocks with max-pools between, dropout before the
// last block, then global average pooling and flatten. No fully connected layer: 1,992,166 parameters.
import * as tf from '@tensorflow/tfjs';

import { ImageClassifier, type ImageClassifierOptions } from './classifier.js';
import { outputShape, reluConv2d, type Size2 } from './layers.js';
import { StepSeededDropout } from './step_seeded_dropout.js';

/**
 * conv → ReLU → 1×1 conv → ReLU → 1×1 conv → ReLU, as one nested Sequential (one line of the layer walk).
 * `padding` is the chapter's explicit symmetric zero padding. `inputShape` is [H, W, C].
 */
export function ninBlock(
  outChannels: number, kernelSize: Size2, strides: Size2, padding: Size2, inputShape: number[], lastBias = 0,
): tf.Sequential {
  const block = tf.sequential();
  const layers = [
    ...reluConv2d({ filters: outChannels, kernelSize, strides, padding, inputShape }),
    ...reluConv2d({ filters: outChannels, kernelSize: 1 }),
    ...reluConv2d({ filters: outChannels, kernelSize: 1, bias: lastBias }),
  ];
  for (const layer of layers) block.add(layer);
  return block;
}

export class NiN extends ImageClassifier {
  constructor(options: ImageClassifierOptions = {}) {
    super(options, 0.1, NiN.build); // 0.1: the seed's class default
  }

  /** `lastBias`: the initial bias of the last 1×1 convolution, whose ReLU outputs the class score maps. */
  private static build(resize: number, numClasses: number, lastBias: number): tf.Sequential {
    const net = tf.sequential();
    const maxPool = () => tf.layers.maxPooling2d({ poolSize: 3, strides: 2 });
    net.add(ninBlock(96, 11, 4, 0, [resize, resize, 1]));
    net.add(maxPool());
    net.add(ninBlock(256, 5, 1, 2, outputShape(net)));
    net.add(maxPool());
    net.add(ninBlock(384, 3, 1, 1, outputShape(net)));
    net.add(maxPool());
    net.add(new StepSeededDropout({ rate: 0.5 }));
    net.add(ninBlock(numClasses, 3, 1, 1, outputShape(net), lastBias));
    const [h, w] = outputShape(net);
    net.add(tf.layers.averagePooling2d({ poolSize: [h!, w!], strides: [h!, w!], padding: 'valid' })); // global
    net.add(tf.layers.flatten());
    return net;
  }
}
