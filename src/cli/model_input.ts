import type * as tf from '@tensorflow/tfjs';

import { metadataMismatch } from '../model/model_metadata.js';
import { UsageError } from './args.js';

/**
 * The square image side a saved model expects, from its input shape [null, N, N, 1], after checking what its
 * model.json metadata says (labels, pixel scale, layout, logits) against how this tool feeds and reads it.
 */
export function modelResize(model: tf.LayersModel): number {
  const shape = model.inputs[0]?.shape;
  if (!shape || shape.length !== 4 || shape[1] !== shape[2] || shape[3] !== 1 || !shape[1]) {
    throw new UsageError(`the model's input shape ${JSON.stringify(shape)} is not [null, N, N, 1]: not a Fashion-MNIST model`);
  }
  const mismatch = metadataMismatch(model.getUserDefinedMetadata(), shape);
  if (mismatch) throw new UsageError(`the model cannot be used here: ${mismatch}`);
  return shape[1];
}
