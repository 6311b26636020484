// Any PNG or JPEG made to look like a Fashion-MNIST image: 28×28 grayscale, the object fitted in the frame on a
// dark background (Fashion-MNIST garments are light on black, photos usually dark-ish on light, so a light
// background is inverted).
import sharp from 'sharp';

export class ImageError extends Error {
  override name = 'ImageError';
}

const SIDE = 28;

/** 28×28 uint8 pixels, row-major. */
export async function fashionMnistLike(input: string | Buffer): Promise<Uint8Array> {
  const label = typeof input === 'string' ? input : 'the image';
  const gray = (fit: 'fill' | 'contain', background: string) =>
    sharp(input, { failOn: 'error', limitInputPixels: 64e6 })
      .rotate() // honour EXIF orientation
      .flatten({ background: '#ffffff' }) // transparent areas count as (light) background
      .grayscale()
      .resize(SIDE, SIDE, { fit, background })
      .raw()
      .toBuffer();
  try {
    // The background's brightness is read from the border of the whole image, stretched to the frame.
    const light = borderMean(new Uint8Array(await gray('fill', '#ffffff'))) > 127;
    const pixels = new Uint8Array(await gray('contain', light ? '#ffffff' : '#000000'));
    if (pixels.length !== SIDE * SIDE) throw new Error(`expected ${SIDE * SIDE} grayscale pixels, got ${pixels.length}`);
    if (light) for (let i = 0; i < pixels.length; i++) pixels[i] = 255 - pixels[i]!;
    return pixels;
  } catch (err) {
    throw new ImageError(`cannot read ${label} as an image (PNG or JPEG): ${(err as Error).message}`);
  }
}

function borderMean(p: Uint8Array): number {
  let sum = 0, n = 0;
  for (let i = 0; i < SIDE; i++) {
    sum += p[i]! + p[(SIDE - 1) * SIDE + i]! + p[i * SIDE]! + p[i * SIDE + SIDE - 1]!;
    n += 4;
  }
  return sum / n;
}
