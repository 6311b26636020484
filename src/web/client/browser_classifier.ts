// The saved model in the browser: stock tf.loadLayersModel on the wasm backend (the cpu backend if wasm cannot
// start), fed exactly as in Node: the shared bilinear resize to the model's input size, ×1/255.
import type * as tfjs from '@tensorflow/tfjs';

import { imageToModelInput } from '../../data/model_input.js';
import { explainImages, type ExplainedImage } from '../../explain/explain_images.js';
import { ClassMapsError, noMapReason } from '../../model/class_maps.js';
import { tf } from './tf_global.js';

export class BrowserClassifier {
  /** why this model's class maps show nothing (dense head, or 1×1 maps), or undefined when they show where it looks */
  readonly noMaps: string | undefined;

  private constructor(
    private readonly model: tfjs.LayersModel,
    readonly resize: number,
    readonly backend: string,
  ) {
    try {
      this.noMaps = noMapReason(model, resize);
    } catch (err) {
      if (!(err instanceof ClassMapsError)) throw err;
      this.noMaps = err.message;
    }
  }

  static async load(modelUrl: string): Promise<BrowserClassifier> {
    const backend = await startBackend();
    const model = await tf.loadLayersModel(modelUrl);
    const [, side, width, channels] = model.inputs[0]!.shape;
    if (typeof side !== 'number' || side !== width || channels !== 1) {
      throw new Error(`the model's input shape ${JSON.stringify(model.inputs[0]!.shape)} is not [null, N, N, 1]`);
    }
    return new BrowserClassifier(model, side, backend);
  }

  /** Softmax class probabilities of a 28×28 grayscale image. */
  probabilities(image: Uint8ClampedArray): Float32Array {
    return tf.tidy(() => {
      const x = tf.tensor4d(imageToModelInput(image, this.resize), [1, this.resize, this.resize, 1]);
      return tf.softmax(this.model.predict(x) as tfjs.Tensor).dataSync() as Float32Array;
    });
  }

  /** Every class's confidence map of a 28×28 grayscale image, as Node's `nin explain` computes them. */
  explain(image: Uint8ClampedArray): ExplainedImage {
    return explainImages(
      tf,
      this.model,
      this.resize,
      [{ name: 'the image', pixels: new Uint8Array(image) }],
      'all',
    )[0]!;
  }
}

/** wasm, served by this server (/vendor/), else TF.js's plain JavaScript backend. */
async function startBackend(): Promise<string> {
  tf.wasm.setWasmPaths('/vendor/');
  for (const name of ['wasm', 'cpu']) {
    try {
      if (await tf.setBackend(name)) return name;
    } catch (err) {
      console.warn(`TF.js backend ${name} failed to start:`, err);
    }
  }
  throw new Error('no TF.js backend could start (neither wasm nor cpu)');
}
