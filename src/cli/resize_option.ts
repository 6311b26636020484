// --resize, shared by train and summary: the smallest side NiN accepts up to a side far past any use for 28×28
// images (the chapter uses 224) — larger ones would only run out of memory.
import { MIN_RESIZE } from '../data/index.js';
import { int } from './args.js';

export const MAX_RESIZE = 1024;

export function resizeOption(value: string | undefined): number {
  return int(value, 'resize', { min: MIN_RESIZE, max: MAX_RESIZE, fallback: 224 });
}
