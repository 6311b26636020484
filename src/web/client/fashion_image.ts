// A picture (photo, drawing, test image) made to look like Fashion-MNIST in the browser, as `nin predict` does
// in Node with sharp: 28×28 grayscale, the picture fitted into the frame on a dark background, inverted when its
// background is light. Canvas does the decoding and scaling; the light-background rule is the shared code.
import { IMAGE_PIXELS, IMAGE_SIDE } from '../../data/fashion_mnist_files.js';
import { hasLightBackground, invertInPlace } from '../../data/fashion_mnist_look.js';

/** 28×28 grayscale pixels, row-major, garment light on black. */
export function toFashionMnistImage(source: CanvasImageSource, width: number, height: number): Uint8ClampedArray {
  const light = hasLightBackground(grayscale(draw(source, width, height, 'fill', '#ffffff')));
  const pixels = grayscale(draw(source, width, height, 'contain', light ? '#ffffff' : '#000000'));
  if (light) invertInPlace(pixels);
  return pixels;
}

/** The picture on a 28×28 canvas: stretched to it ('fill') or fitted inside it, centred ('contain'). */
function draw(
  source: CanvasImageSource,
  width: number,
  height: number,
  fit: 'fill' | 'contain',
  background: string,
): ImageData {
  const canvas = document.createElement('canvas');
  canvas.width = canvas.height = IMAGE_SIDE;
  const context = canvas.getContext('2d', { willReadFrequently: true })!;
  context.fillStyle = background;
  context.fillRect(0, 0, IMAGE_SIDE, IMAGE_SIDE);
  let w = IMAGE_SIDE,
    h = IMAGE_SIDE;
  if (fit === 'contain') {
    const scale = Math.min(IMAGE_SIDE / width, IMAGE_SIDE / height);
    w = Math.max(1, Math.round(width * scale));
    h = Math.max(1, Math.round(height * scale));
  }
  const x = Math.floor((IMAGE_SIDE - w) / 2),
    y = Math.floor((IMAGE_SIDE - h) / 2);
  context.fillStyle = '#ffffff'; // transparent parts of the picture count as (light) background
  context.fillRect(x, y, w, h);
  context.imageSmoothingQuality = 'high';
  context.drawImage(source, x, y, w, h);
  return context.getImageData(0, 0, IMAGE_SIDE, IMAGE_SIDE);
}

/** Luma (Rec. 709 weights) of each RGBA pixel. */
function grayscale({ data }: ImageData): Uint8ClampedArray {
  const gray = new Uint8ClampedArray(IMAGE_PIXELS);
  for (let i = 0; i < IMAGE_PIXELS; i++) {
    gray[i] = Math.round(0.2126 * data[4 * i]! + 0.7152 * data[4 * i + 1]! + 0.0722 * data[4 * i + 2]!);
  }
  return gray;
}
