// The part of "make a picture look like Fashion-MNIST" that Node (sharp) and the web page (canvas) share:
// Fashion-MNIST garments are light on black, photos and drawings on paper are usually dark on light, so a picture
// whose border is light is inverted. No Node imports: the web page runs this same code.
import { IMAGE_SIDE } from './fashion_mnist_files.js';

/** Whether a 28×28 grayscale image (row-major) has a light background, judged by the mean of its border pixels. */
export function hasLightBackground(pixels: ArrayLike<number>): boolean {
  const last = IMAGE_SIDE - 1;
  let sum = 0;
  for (let i = 0; i < IMAGE_SIDE; i++) {
    sum += pixels[i]! + pixels[last * IMAGE_SIDE + i]! + pixels[i * IMAGE_SIDE]! + pixels[i * IMAGE_SIDE + last]!;
  }
  return sum / (4 * IMAGE_SIDE) > 127;
}

/** 255 − v for every pixel, in place. */
export function invertInPlace(pixels: Uint8Array | Uint8ClampedArray): void {
  for (let i = 0; i < pixels.length; i++) pixels[i] = 255 - pixels[i]!;
}
