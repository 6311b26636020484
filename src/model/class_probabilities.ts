// One 28×28 image through a saved classifier, in Node: the shared preprocessing (bilinear resize, ×1/255), the
// network, softmax. What `nin predict` and the server's POST /api/predict compute.
import * as tf from '@tensorflow/tfjs';

import { imageToModelInput } from '../data/model_input.js';

/** Softmax class probabilities of one 28×28 uint8 grayscale image for a model that takes [B, resize, resize, 1]. */
export function classProbabilities(model: tf.LayersModel, image: Uint8Array, resize: number): Float32Array {
  return tf.tidy(() => {
    const x = tf.tensor4d(imageToModelInput(image, resize), [1, resize, resize, 1]);
    return tf.softmax(model.predict(x) as tf.Tensor).dataSync() as Float32Array;
  });
}
