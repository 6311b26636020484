// Any PNG or JPEG made to look like a Fashion-MNIST image: 28×28 grayscale, the object fitted in the frame on a
// dark background (Fashion-MNIST garments are light on black, photos usually dark-ish on light, so a light
// background is inverted).
import sharp from 'sharp';

import { hasLightBackground, invertInPlace } from './fashion_mnist_look.js';
import { IMAGE_PIXELS, IMAGE_SIDE } from './fashion_mnist_files.js';

export class ImageError extends Error {
  override name = 'ImageError';
}

/** 28×28 uint8 pixels, row-major. */
export async function fashionMnistLike(input: string | Buffer): Promise<Uint8Array> {
  const label = typeof input === 'string' ? input : 'the image';
  const gray = (fit: 'fill' | 'contain', background: string) =>
    sharp(input, { failOn: 'error', limitInputPixels: 64e6 })
      .rotate() // honour EXIF orientation
      .flatten({ background: '#ffffff' }) // transparent areas count as (light) background
      .grayscale()
      .resize(IMAGE_SIDE, IMAGE_SIDE, { fit, background })
      .raw()
      .toBuffer();
  try {
    // The background's brightness is read from the border of the whole image, stretched to the frame.
    const light = hasLightBackground(new Uint8Array(await gray('fill', '#ffffff')));
    const pixels = new Uint8Array(await gray('contain', light ? '#ffffff' : '#000000'));
    if (pixels.length !== IMAGE_PIXELS)
      throw new Error(`expected ${IMAGE_PIXELS} grayscale pixels, got ${pixels.length}`);
    if (light) invertInPlace(pixels);
    return pixels;
  } catch (err) {
    throw new ImageError(`cannot read ${label} as an image (PNG or JPEG): ${(err as Error).message}`);
  }
}

/** A 28×28 grayscale image (row-major uint8, as fashionMnistLike and the idx files give them) as a grayscale PNG. */
export function grayscalePng(pixels: Uint8Array): Promise<Buffer> {
  return sharp(Buffer.from(pixels), { raw: { width: IMAGE_SIDE, height: IMAGE_SIDE, channels: 1 } })
    .toColourspace('b-w')
    .png()
    .toBuffer();
}
