// Training-time data augmentation on the 28×28 image, before the resize: a random translation by up to
// `translate` pixels on each axis (the uncovered border filled with background, 0) and a random horizontal flip.
// Each image's draw is a function of (seed, epoch, index in the split), so a resumed run sees the same images.
import { IMAGE_SIDE } from './fashion_mnist_files.js';
import { mixSeed, mulberry32 } from '../util/seeded_random.js';

export interface Augmentation {
  /** largest shift in pixels, each axis (0: none) */
  readonly translate: number;
  readonly flip: boolean;
}

/** What is done to one image: shift right by dx, down by dy, after mirroring when `flip`. */
export interface ImageTransform {
  readonly dx: number;
  readonly dy: number;
  readonly flip: boolean;
}

/** Keeps augmentation draws apart from the shuffle's and the dropout masks' streams. */
const AUGMENT_STREAM = 0x61756721;

export function isIdentity(augmentation: Augmentation | undefined): boolean {
  return !augmentation || (augmentation.translate === 0 && !augmentation.flip);
}

/** The transform of image `index` in epoch `epoch` of a run seeded `seed`. */
export function drawTransform(augmentation: Augmentation, seed: number, epoch: number, index: number): ImageTransform {
  const random = mulberry32(mixSeed(mixSeed(mixSeed(seed, epoch), index), AUGMENT_STREAM));
  const t = augmentation.translate;
  const shift = () => Math.floor(random() * (2 * t + 1)) - t;
  const dx = shift(),
    dy = shift();
  const flip = augmentation.flip && random() < 0.5;
  return { dx, dy, flip };
}

/** Writes the transformed image `source[offset ..]` (28×28 uint8) into `target` (28×28). */
export function transformImage(
  source: Uint8Array,
  offset: number,
  { dx, dy, flip }: ImageTransform,
  target: Uint8Array,
): void {
  const n = IMAGE_SIDE;
  for (let y = 0; y < n; y++) {
    const sy = y - dy;
    for (let x = 0; x < n; x++) {
      const sx = flip ? n - 1 - (x - dx) : x - dx;
      target[y * n + x] = sy >= 0 && sy < n && sx >= 0 && sx < n ? source[offset + sy * n + sx]! : 0;
    }
  }
}

/** The per-image transform of an augmented batch request; undefined when nothing is to be done. */
export function augmentationOf(
  request: { augmentation: Augmentation; seed: number; epoch: number } | undefined,
): ((index: number) => ImageTransform) | undefined {
  if (!request || isIdentity(request.augmentation)) return undefined;
  return (index) => drawTransform(request.augmentation, request.seed, request.epoch, index);
}
