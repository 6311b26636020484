// d2l's AlexNet (Krizhevsky et al., 2012) for 1-channel Fashion-MNIST: five convolutions, three max-pools and a
// 4096-4096 fully connected head. 46,764,746 parameters at 224, 92% of them in the dense layers.
import * as tf from '@tensorflow/tfjs';

import { ImageClassifier, type ImageClassifierOptions } from './classifier.js';
import { checkInputSide, type SpatialWindow, smallestInputSide } from './input_side.js';
import { denseHead, paddedConv2d } from './layers.js';

/** The five convolutions: filters, kernel, stride, padding, and whether a 3×3/2 max-pool follows. */
const ALEXNET_CONVS = [
  [96, 11, 4, 1, true],
  [256, 5, 1, 2, true],
  [384, 3, 1, 1, false],
  [384, 3, 1, 1, false],
  [256, 3, 1, 1, true],
] as const;
const ALEXNET_POOL: SpatialWindow = { kernel: 3, stride: 2, padding: 0 };

/** AlexNet's windows in build order. */
export const ALEXNET_WINDOWS: readonly SpatialWindow[] = ALEXNET_CONVS.flatMap(([, kernel, stride, padding, pool]) => [
  { kernel, stride, padding },
  ...(pool ? [ALEXNET_POOL] : []),
]);

/** The smallest input side AlexNet takes. */
export const ALEXNET_MIN_SIDE = smallestInputSide(ALEXNET_WINDOWS);

export class AlexNet extends ImageClassifier {
  constructor(options: ImageClassifierOptions = {}) {
    checkInputSide('AlexNet', options.resize ?? 224, ALEXNET_MIN_SIDE);
    super(options, 0.01, (resize, numClasses) =>
      tf.sequential({
        layers: [
          ...ALEXNET_CONVS.flatMap(([filters, kernelSize, strides, padding, pool], i) => [
            ...paddedConv2d({
              filters,
              kernelSize,
              strides,
              padding,
              ...(i === 0 ? { inputShape: [resize, resize, 1] } : {}),
            }),
            ...(pool ? [tf.layers.maxPooling2d({ poolSize: ALEXNET_POOL.kernel, strides: ALEXNET_POOL.stride })] : []),
          ]),
          ...denseHead(4096, numClasses),
        ],
      }),
    );
  }
}
