// Network in Network (Lin et al., 2014), d2l's chapter: four NiN blocks with max-pools between, dropout before the
// last block, then global average pooling and flatten. No fully connected layer: 1,992,166 parameters.
import * as tf from '@tensorflow/tfjs';

import { ImageClassifier, type ImageClassifierOptions } from './classifier.js';
import { checkInputSide, type SpatialWindow, smallestInputSide } from './input_side.js';
import { outputShape, paddedConv2d, type Size2 } from './layers.js';
import { StepSeededDropout } from './step_seeded_dropout.js';

/** The chapter's four blocks: output channels ('classes': one per class), kernel, stride, padding. */
const NIN_BLOCKS = [
  [96, 11, 4, 0],
  [256, 5, 1, 2],
  [384, 3, 1, 1],
  ['classes', 3, 1, 1],
] as const;
/** The 3×3/2 max-pool after each block but the last. */
const NIN_POOL: SpatialWindow = { kernel: 3, stride: 2, padding: 0 };

/** NiN's windows in build order (its 1×1 convolutions keep the side). */
export const NIN_WINDOWS: readonly SpatialWindow[] = NIN_BLOCKS.flatMap(([, kernel, stride, padding], i) => [
  { kernel, stride, padding },
  ...(i < NIN_BLOCKS.length - 1 ? [NIN_POOL] : []),
]);

/** The smallest input side NiN takes (67): its last block's maps are then 1×1. */
export const NIN_MIN_SIDE = smallestInputSide(NIN_WINDOWS);

/**
 * conv → ReLU → 1×1 conv → ReLU → 1×1 conv → ReLU, as one nested Sequential (one line of the layer walk).
 * `padding` is the chapter's explicit symmetric zero padding. `inputShape` is [H, W, C].
 */
export function ninBlock(
  outChannels: number,
  kernelSize: Size2,
  strides: Size2,
  padding: Size2,
  inputShape: number[],
  lastBias = 0,
): tf.Sequential {
  const block = tf.sequential();
  const layers = [
    ...paddedConv2d({ filters: outChannels, kernelSize, strides, padding, inputShape }),
    ...paddedConv2d({ filters: outChannels, kernelSize: 1 }),
    ...paddedConv2d({ filters: outChannels, kernelSize: 1, bias: lastBias }),
  ];
  for (const layer of layers) block.add(layer);
  return block;
}

export class NiN extends ImageClassifier {
  constructor(options: ImageClassifierOptions = {}) {
    checkInputSide('NiN', options.resize ?? 224, NIN_MIN_SIDE);
    super(options, 0.1, NiN.build); // 0.1: the seed's class default
  }

  /** `lastBias`: the initial bias of the last 1×1 convolution, whose ReLU outputs the class score maps. */
  private static build(resize: number, numClasses: number, lastBias: number): tf.Sequential {
    const net = tf.sequential();
    NIN_BLOCKS.forEach(([channels, kernel, stride, padding], i) => {
      const last = i === NIN_BLOCKS.length - 1;
      if (last) net.add(new StepSeededDropout({ rate: 0.5 }));
      const inputShape = i === 0 ? [resize, resize, 1] : outputShape(net);
      net.add(
        ninBlock(
          channels === 'classes' ? numClasses : channels,
          kernel,
          stride,
          padding,
          inputShape,
          last ? lastBias : 0,
        ),
      );
      if (!last) net.add(tf.layers.maxPooling2d({ poolSize: NIN_POOL.kernel, strides: NIN_POOL.stride }));
    });
    const [h, w] = outputShape(net);
    net.add(tf.layers.averagePooling2d({ poolSize: [h!, w!], strides: [h!, w!], padding: 'valid' })); // global
    net.add(tf.layers.flatten());
    return net;
  }
}
