// What `nin explain` and POST /api/explain compute: each 28×28 image through the shared preprocessing and the
// saved model, its class maps, and the classes to show (all, the top K, or one named). No imports at run time
// but the shared preprocessing: the web page explains its images with this code and its own TF.js.
import type * as tfjs from '@tensorflow/tfjs';

import { imageToModelInput } from '../data/model_input.js';
import { TEXT_LABELS, type TextLabel } from '../data/text_labels.js';
import { type MapRange, mapsRange } from './heat_map.js';
import {
  classMapModel,
  classMaps,
  ClassMapsError,
  type ImageClassMaps,
  type ModelFactory,
  noMapReason,
} from '../model/class_maps.js';

export interface ImageToExplain {
  /** a file name, or `test image N` */
  name: string;
  /** 28×28 uint8 grayscale, row-major */
  pixels: Uint8Array;
  /** the true class of a test image */
  truth?: TextLabel;
}

/** Which maps to show: every class in class order, the `top` most probable, or the one class named. */
export type ClassChoice = { top: number } | { label: TextLabel } | 'all';

export interface ExplainedClass {
  index: number;
  label: TextLabel;
  probability: number;
  logit: number;
  /** height × width, row-major */
  map: Float32Array;
}

export interface ExplainedImage extends ImageToExplain {
  /** the model input side, and the model input itself (side × side, in [0, 1]): what the model sees */
  side: number;
  input: Float32Array;
  height: number;
  width: number;
  predicted: TextLabel;
  /** the smallest and largest value of any class's map: the common colour range of this image's maps */
  range: MapRange;
  classes: ExplainedClass[];
}

/** What of TF.js's namespace explaining needs: Node passes its import, the browser its global. */
export type ExplainTf = ModelFactory & Pick<typeof tfjs, 'tensor4d'>;

/**
 * Explains `images` with `model` (a classifier of [B, side, side, 1]); a ClassMapsError when it has no maps to show.
 */
export function explainImages(
  tf: ExplainTf,
  model: tfjs.LayersModel,
  side: number,
  images: ImageToExplain[],
  choice: ClassChoice,
): ExplainedImage[] {
  const mapModel = classMapModel(tf, model);
  const reason = noMapReason(model, side);
  if (reason) throw new ClassMapsError(reason);
  return images.map((image) => {
    const input = imageToModelInput(image.pixels, side);
    const x = tf.tensor4d(input, [1, side, side, 1]);
    const [maps] = classMaps(mapModel, x);
    x.dispose();
    return { ...image, side, input, ...describe(maps!, choice) };
  });
}

function describe(m: ImageClassMaps, choice: ClassChoice) {
  const all = TEXT_LABELS.map((label, index) => ({
    index,
    label,
    probability: m.probabilities[index]!,
    logit: m.logits[index]!,
    map: m.maps[index]!,
  }));
  const ranked = [...all].sort((a, b) => b.probability - a.probability || a.index - b.index);
  const classes =
    choice === 'all'
      ? all
      : 'top' in choice
        ? ranked.slice(0, choice.top)
        : all.filter((c) => c.label === choice.label);
  return { height: m.height, width: m.width, predicted: ranked[0]!.label, range: mapsRange(m.maps), classes };
}

/** The JSON form: the maps as arrays of rows. */
export function explainedJson(e: ExplainedImage) {
  return {
    image: e.name,
    ...(e.truth ? { truth: e.truth } : {}),
    predicted: e.predicted,
    inputSide: e.side,
    mapHeight: e.height,
    mapWidth: e.width,
    classes: e.classes.map((c) => ({
      index: c.index,
      label: c.label,
      probability: c.probability,
      logit: c.logit,
      map: Array.from({ length: e.height }, (_, y) => Array.from(c.map.subarray(y * e.width, (y + 1) * e.width))),
    })),
  };
}
