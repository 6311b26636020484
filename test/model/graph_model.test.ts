// A model need not be a chain: an ImageClassifier whose network is a graph (a tf.model with two branches joined)
// trains through the same Classifier step, and its layer walk lists every layer with its shape.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import * as tf from '@tensorflow/tfjs';

import { ImageClassifier, type ImageClassifierOptions } from '../../src/model/classifier.js';

class TwoBranches extends ImageClassifier {
  constructor(options: ImageClassifierOptions) {
    super(options, 0.05, (resize, numClasses) => {
      const input = tf.input({ shape: [resize, resize, 1] });
      const wide = tf.layers.conv2d({ filters: 4, kernelSize: 5, padding: 'same', activation: 'relu' }).apply(input);
      const narrow = tf.layers.conv2d({ filters: 4, kernelSize: 1, activation: 'relu' }).apply(input);
      const joined = tf.layers.add().apply([wide, narrow] as tf.SymbolicTensor[]);
      const pooled = tf.layers.globalAveragePooling2d({}).apply(joined);
      const scores = tf.layers.dense({ units: numClasses }).apply(pooled) as tf.SymbolicTensor;
      return tf.model({ inputs: input, outputs: scores });
    });
  }
}

describe('a classifier whose network is a graph', () => {
  it('trains a step and walks its layers', () => {
    const model = new TwoBranches({ resize: 12, seed: 1 });
    const x = tf.randomUniform([8, 12, 12, 1], 0, 1, 'float32', 2) as tf.Tensor4D;
    const y = tf.tensor1d([0, 1, 2, 3, 4, 5, 6, 7], 'int32');
    const metrics = model.trainingStep({ x, y }, tf.train.sgd(0.05));
    assert.ok(Number.isFinite(metrics.loss) && metrics.acc >= 0 && metrics.acc <= 1);
    assert.deepEqual(model.layerSummary([1, 12, 12, 1]), [
      'Conv2D output shape: (1, 12, 12, 4)',
      'Conv2D output shape: (1, 12, 12, 4)',
      'Add output shape: (1, 12, 12, 4)',
      'GlobalAveragePooling2D output shape: (1, 4)',
      'Dense output shape: (1, 10)',
    ]);
    tf.dispose([x, y]);
    model.net.dispose();
  });
});
