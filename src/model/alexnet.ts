// d2l's AlexNet (Krizhevsky et al., 2012) for 1-channel Fashion-MNIST: five convolutions, three max-pools and a
// 4096-4096 fully connected head. 46,764,746 parameters at 224, 92% of them in the dense layers.
import * as tf from '@tensorflow/tfjs';

import { ImageClassifier, type ImageClassifierOptions } from './classifier.js';
import { denseHead, reluConv2d } from './layers.js';

export class AlexNet extends ImageClassifier {
  constructor(options: ImageClassifierOptions = {}) {
    super(options, 0.01, (resize, numClasses) => {
      const maxPool = () => tf.layers.maxPooling2d({ poolSize: 3, strides: 2 });
      return tf.sequential({
        layers: [
          ...reluConv2d({ filters: 96, kernelSize: 11, strides: 4, padding: 1, inputShape: [resize, resize, 1] }),
          maxPool(),
          ...reluConv2d({ filters: 256, kernelSize: 5, padding: 2 }),
          maxPool(),
          ...reluConv2d({ filters: 384, kernelSize: 3, padding: 1 }),
          ...reluConv2d({ filters: 384, kernelSize: 3, padding: 1 }),
          ...reluConv2d({ filters: 256, kernelSize: 3, padding: 1 }),
          maxPool(),
          ...denseHead(4096, numClasses),
        ],
      });
    });
  }
}
