// What a saved classifier's model.json says about itself (TF.js's `userDefinedMetadata`), so that a model file
// is usable without its run's record.json: the class labels, the input it takes and how its pixels are scaled,
// and that it outputs logits. Written by every ImageClassifier, checked by the tools that load a model.
import type * as tf from '@tensorflow/tfjs';

import { PIXEL_SCALE } from '../data/model_input.js';
import { TEXT_LABELS } from '../data/text_labels.js';

export interface ClassifierMetadata {
  /** the network, e.g. NiN */
  model: string;
  /** by class index */
  classLabels: string[];
  /** [height, width, channels] of one image */
  inputShape: [number, number, number];
  layout: 'NHWC';
  /** uint8 pixel × pixelScale = input value; 0 is the (dark) background, as in Fashion-MNIST */
  pixelScale: number;
  /** the outputs are unnormalised scores: softmax gives the probabilities */
  output: 'logits';
}

export function classifierMetadata(model: string, resize: number, numClasses: number): ClassifierMetadata {
  const classLabels =
    numClasses === TEXT_LABELS.length ? [...TEXT_LABELS] : Array.from({ length: numClasses }, (_, i) => `class ${i}`);
  return {
    model,
    classLabels,
    inputShape: [resize, resize, 1],
    layout: 'NHWC',
    pixelScale: PIXEL_SCALE,
    output: 'logits',
  };
}

/**
 * Why a model's metadata says it is not a Fashion-MNIST classifier fed as this tool feeds it (labels, scale, layout,
 * output, input shape), or undefined when it is one (or has no metadata, as models saved before it existed).
 */
export function metadataMismatch(metadata: unknown, inputShape: readonly (number | null)[]): string | undefined {
  if (metadata === undefined || metadata === null) return undefined;
  const m = metadata as Partial<ClassifierMetadata>;
  if (JSON.stringify(m.classLabels) !== JSON.stringify(TEXT_LABELS))
    return `its classes are ${JSON.stringify(m.classLabels)}, not Fashion-MNIST's`;
  if (m.layout !== 'NHWC') return `it takes ${m.layout} images, not NHWC`;
  if (m.output !== 'logits') return `it outputs ${m.output}, not logits`;
  if (typeof m.pixelScale !== 'number' || Math.abs(m.pixelScale - PIXEL_SCALE) > 1e-12)
    return `it scales pixels by ${m.pixelScale}, not 1/255`;
  if (JSON.stringify(m.inputShape) !== JSON.stringify(inputShape.slice(1))) {
    return `its metadata gives the input shape ${JSON.stringify(m.inputShape)} but its first layer takes ${JSON.stringify(inputShape.slice(1))}`;
  }
  return undefined;
}

/** A saved model that the tools cannot feed or read as they feed and read theirs. */
export class ModelInputError extends Error {
  override name = 'ModelInputError';
}

/**
 * The square image side a saved model expects, from its input shape [null, N, N, 1], after checking what its
 * model.json metadata says (labels, pixel scale, layout, logits) against how this tool feeds and reads it.
 */
export function modelInputSide(model: tf.LayersModel): number {
  const shape = model.inputs[0]?.shape;
  if (shape?.length !== 4 || shape[1] !== shape[2] || shape[3] !== 1 || !shape[1]) {
    throw new ModelInputError(
      `the model's input shape ${JSON.stringify(shape)} is not [null, N, N, 1]: not a Fashion-MNIST model`,
    );
  }
  const mismatch = metadataMismatch(model.getUserDefinedMetadata(), shape);
  if (mismatch) throw new ModelInputError(`the model cannot be used here: ${mismatch}`);
  return shape[1];
}
