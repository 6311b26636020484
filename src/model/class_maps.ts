// Class confidence maps (Lin, Chen & Yan, Network In Network, 2014, "Visualization of NIN"): NiN's last block has
// one channel per class, and global average pooling turns each channel into that class's score. Before the
// pooling, each channel is a map of where in the image the evidence for its class lies; its mean is the logit.
// No imports at run time: the web page computes the same maps with this code and its own TF.js in the browser.
import type * as tfjs from '@tensorflow/tfjs';

/** What of TF.js's namespace the maps need: Node passes its import, the browser its global. */
export type ModelFactory = Pick<typeof tfjs, 'model'>;

/** A model that cannot show class maps: its class scores do not come from a global average pooling. */
export class ClassMapsError extends Error {
  override name = 'ClassMapsError';
}

/** The class maps of one image. */
export interface ImageClassMaps {
  /** map height and width */
  height: number;
  width: number;
  /** per class: the map, row-major (height × width), ReLU outputs (≥ 0) */
  maps: Float32Array[];
  /** per class: the model's logit, the mean of its map */
  logits: Float32Array;
  probabilities: Float32Array;
}

/** The layer whose input is the class maps: an average pooling over the whole map, followed only by a flatten. */
function globalPooling(model: tfjs.LayersModel): tfjs.layers.Layer {
  const layers = model.layers;
  const pool = layers.at(-2),
    flatten = layers.at(-1);
  const inShape = pool ? (pool.input as tfjs.SymbolicTensor).shape : undefined;
  const config = pool?.getConfig() as { poolSize?: number[]; padding?: string } | undefined;
  const isGlobal =
    pool?.getClassName() === 'GlobalAveragePooling2D' ||
    (pool?.getClassName() === 'AveragePooling2D' &&
      config?.padding === 'valid' &&
      inShape?.length === 4 &&
      config.poolSize?.[0] === inShape[1] &&
      config.poolSize?.[1] === inShape[2]);
  if (!pool || !isGlobal || flatten?.getClassName() !== 'Flatten') {
    throw new ClassMapsError(
      'this model has no class maps: its class scores come from fully connected layers (as in AlexNet and VGG), ' +
        'not from one channel per class averaged by a global pooling (as in NiN)',
    );
  }
  return pool;
}

// One per model: a served model explains an image per request, and the page one per picture.
const mapModels = new WeakMap<tfjs.LayersModel, tfjs.LayersModel>();

/**
 * A model with two outputs: the class maps [B, h, w, classes] and the logits [B, classes]. A graph over the model's
 * own layers (no weights copied), made once per model.
 */
export function classMapModel(tf: ModelFactory, model: tfjs.LayersModel): tfjs.LayersModel {
  let mapModel = mapModels.get(model);
  if (!mapModel) {
    const pool = globalPooling(model);
    mapModel = tf.model({ inputs: model.inputs, outputs: [pool.input as tfjs.SymbolicTensor, model.outputs[0]!] });
    mapModels.set(model, mapModel);
  }
  return mapModel;
}

/** The side of the class maps for square inputs of side `side` (0 when the input is too small for the network). */
export function mapSideAt(model: tfjs.LayersModel, side: number): number {
  const pool = globalPooling(model);
  const layers = model.layers.slice(0, model.layers.indexOf(pool));
  try {
    return Math.max(0, outputShape(layers, [null, side, side, 1])[1] ?? 0);
  } catch {
    return 0;
  }
}

type Shape = (number | null)[];

/** The output shape of `layers` applied in turn to `shape`, looking into nested Sequentials (which cannot say it). */
function outputShape(layers: tfjs.layers.Layer[], shape: Shape): Shape {
  return layers.reduce((s, layer) => {
    const nested = (layer as Partial<tfjs.Sequential>).layers;
    return nested ? outputShape(nested, s) : (layer.computeOutputShape(s) as Shape);
  }, shape);
}

/**
 * Why a model's maps show nothing when they are 1×1, and which input sides give larger ones (the smallest side for
 * each of the next map sizes, from the network's own layers); undefined when the maps are larger than 1×1.
 */
export function noMapReason(model: tfjs.LayersModel, inputSide: number, largest = 512): string | undefined {
  if (mapSideAt(model, inputSide) > 1) return undefined;
  const firsts: string[] = [];
  let wanted = 2;
  for (let side = inputSide + 1; side <= largest && firsts.length < 4; side++) {
    const mapSide = mapSideAt(model, side);
    if (mapSide >= wanted) {
      firsts.push(`${mapSide}×${mapSide} from ${side} px`);
      wanted = mapSide + 1;
    }
  }
  return (
    `at this model's input size (${inputSide}×${inputSide}) each class map is 1×1: one number, the class score ` +
    `itself, so there is no picture of where the evidence lies. Train at a larger --resize for maps with a shape: ` +
    `${firsts.join(', ')}.`
  );
}

/** The class maps of a batch of images `x` [B, side, side, 1] (already scaled as the model's input). */
export function classMaps(mapModel: tfjs.LayersModel, x: tfjs.Tensor4D): ImageClassMaps[] {
  const [mapsTensor, logitsTensor] = mapModel.predict(x) as [tfjs.Tensor4D, tfjs.Tensor2D];
  const [batch, height, width, classes] = mapsTensor.shape;
  const maps = mapsTensor.dataSync() as Float32Array;
  const logits = logitsTensor.dataSync() as Float32Array;
  mapsTensor.dispose();
  logitsTensor.dispose();
  const pixels = height * width;
  return Array.from({ length: batch }, (_, b) => ({
    height,
    width,
    maps: Array.from({ length: classes }, (_, k) => {
      const map = new Float32Array(pixels);
      for (let p = 0; p < pixels; p++) map[p] = maps[(b * pixels + p) * classes + k]!;
      return map;
    }),
    logits: logits.slice(b * classes, (b + 1) * classes),
    probabilities: softmax(logits.subarray(b * classes, (b + 1) * classes)),
  }));
}

function softmax(logits: Float32Array): Float32Array {
  const max = logits.reduce((a, v) => Math.max(a, v), -Infinity);
  const exp = logits.map((v) => Math.exp(v - max));
  const sum = exp.reduce((a, v) => a + v, 0);
  return exp.map((v) => v / sum);
}
