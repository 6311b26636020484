// The saved model the server classifies with (in Node, on the active backend) and whose files the classify page
// downloads for TF.js in the browser. The files are read once, at start-up, so that the browser gets exactly the
// weights Node computes with even if a training run later replaces them on disk.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import * as tf from '@tensorflow/tfjs';

import { modelInputSide } from '../model/model_metadata.js';
import { explainImages, type ExplainedImage } from '../explain/explain_images.js';
import { classProbabilities } from '../model/class_probabilities.js';
import { topClasses, type ClassProbability } from '../model/top_classes.js';
import { findModelDir } from '../training/find_model_dir.js';
import { loadModel, MODEL_JSON } from '../training/model_io.js';

/** A weights file name inside the model directory: no path separators, no dot-files. */
const PLAIN_FILE_NAME = /^[A-Za-z0-9_][A-Za-z0-9._-]*$/;

export class ServedModel {
  private constructor(
    /** the model directory (resolved from a run directory if one was named) */
    readonly dir: string,
    readonly model: tf.LayersModel,
    /** the input side the model was trained at */
    readonly resize: number,
    private readonly files: ReadonlyMap<string, Buffer>,
  ) {}

  /** Loads the model in `dir` (a model directory, or a run directory with model/ or checkpoint/). */
  static async load(dir: string): Promise<ServedModel> {
    const resolved = findModelDir(dir);
    const modelJson = readFileSync(join(resolved, MODEL_JSON));
    const files = new Map([[MODEL_JSON, modelJson]]);
    const manifest = (JSON.parse(modelJson.toString('utf8')) as tf.io.ModelJSON).weightsManifest ?? [];
    for (const path of manifest.flatMap((group) => group.paths)) {
      if (!PLAIN_FILE_NAME.test(path))
        throw new Error(
          `${resolved}/${MODEL_JSON} names the weights file '${path}': expected a plain file name in the same directory`,
        );
      files.set(path, readFileSync(join(resolved, path)));
    }
    const model = await loadModel(resolved);
    return new ServedModel(resolved, model, modelInputSide(model), files);
  }

  /** model.json or one of its weights files, as read at start-up. */
  file(name: string): Buffer | undefined {
    return this.files.get(name);
  }

  /** The k most probable classes of one 28×28 grayscale image. */
  classify(image: Uint8Array, k: number): ClassProbability[] {
    return topClasses(classProbabilities(this.model, image, this.resize), k);
  }

  /** Every class's confidence map of one 28×28 grayscale image (a ClassMapsError when the model has none to show). */
  explain(image: Uint8Array): ExplainedImage {
    return explainImages(tf, this.model, this.resize, [{ name: 'the image', pixels: image }], 'all')[0]!;
  }

  parameters(): number {
    return this.model.countParams();
  }
}
