// The preprocessing shared by training, evaluation and the web page: 28×28 uint8 grayscale → bilinear resize
// (half-pixel centres) → ×1/255 → NHWC float32 [batch, resize, resize, 1]. One code path, so a drawing on the web
// page is fed to the model exactly as the training images were.
import { transformImage, type ImageTransform } from './augment.js';
import { BilinearResizer } from './bilinear_resize.js';
import { DataError } from './data_error.js';
import { IMAGE_PIXELS, IMAGE_SIDE } from './fashion_mnist_files.js';

/** Maps uint8 pixels to [0, 1], like d2l's ToTensor. */
export const PIXEL_SCALE = 1 / 255;

/**
 * Throws a DataError unless `resize` is a positive integer. What side a model needs is the model's to say (its
 * smallest is MODELS[name].minSide); the data can be resized to any.
 */
export function checkResize(resize: number): void {
  if (!Number.isInteger(resize) || resize < 1)
    throw new DataError(`resize is ${resize}; expected a positive integer side, e.g. 224 as in d2l`);
}

/**
 * The images `indices` of `images` (count × 28 × 28, row-major) as one NHWC float32 batch [indices.length, side, side, 1];
 * with `transformOf`, each 28×28 image is first transformed (training-time augmentation).
 */
export function resizeBatch(
  images: Uint8Array,
  indices: ArrayLike<number>,
  resizer: BilinearResizer,
  transformOf?: (index: number) => ImageTransform,
): Float32Array {
  const outPixels = resizer.outSide * resizer.outSide;
  const batch = new Float32Array(indices.length * outPixels);
  const scratch = transformOf ? new Uint8Array(IMAGE_PIXELS) : undefined;
  for (let i = 0; i < indices.length; i++) {
    const index = indices[i]!;
    if (scratch) {
      transformImage(images, index * IMAGE_PIXELS, transformOf!(index), scratch);
      resizer.resizeInto(scratch, 0, batch, i * outPixels, PIXEL_SCALE);
    } else {
      resizer.resizeInto(images, index * IMAGE_PIXELS, batch, i * outPixels, PIXEL_SCALE);
    }
  }
  return batch;
}

const resizers = new Map<number, BilinearResizer>();

function resizerFor(resize: number): BilinearResizer {
  checkResize(resize);
  let resizer = resizers.get(resize);
  if (!resizer) {
    resizer = new BilinearResizer(IMAGE_SIDE, resize);
    resizers.set(resize, resizer);
  }
  return resizer;
}

/**
 * Images start .. start+count-1 of `images` (as readFashionMnistSplit returns them) as the model input:
 * float32 NHWC [count, resize, resize, 1] in [0, 1]. For evaluation in file order.
 */
export function imagesToModelInput(images: Uint8Array, start: number, count: number, resize: number): Float32Array {
  const available = Math.floor(images.length / IMAGE_PIXELS);
  if (!Number.isInteger(start) || !Number.isInteger(count) || start < 0 || count < 0 || start + count > available) {
    throw new DataError(
      `images ${start}..${start + count - 1} requested but there are ${available} images (0..${available - 1}); ` +
        `pass a start and count inside the split`,
    );
  }
  const resizer = resizerFor(resize);
  return resizeBatch(
    images,
    Int32Array.from({ length: count }, (_, i) => start + i),
    resizer,
  );
}

/**
 * One grayscale 28×28 uint8 image (row-major, 0 = background as in Fashion-MNIST: invert a dark-on-light drawing
 * first) as the model input: float32 NHWC [1, resize, resize, 1] in [0, 1].
 */
export function imageToModelInput(image: Uint8Array | Uint8ClampedArray, resize: number): Float32Array {
  if (image.length !== IMAGE_PIXELS) {
    throw new DataError(
      `image has ${image.length} values; expected ${IMAGE_PIXELS} (${IMAGE_SIDE}×${IMAGE_SIDE} grayscale uint8, ` +
        `row-major): downscale the picture to ${IMAGE_SIDE}×${IMAGE_SIDE} and keep one channel`,
    );
  }
  const resizer = resizerFor(resize);
  const input = new Float32Array(resize * resize);
  resizer.resizeInto(image, 0, input, 0, PIXEL_SCALE);
  return input;
}
