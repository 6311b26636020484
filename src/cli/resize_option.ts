// --resize, shared by train, summary and compare: from the smallest side the models take up to a side far past any
// use for 28×28 images (the chapter uses 224) — larger ones would only run out of memory.
import { MODELS, type ModelName } from '../model/zoo.js';
import { int, UsageError } from './args.js';

export const MAX_RESIZE = 1024;

/** `  --resize …` lines' range: "at least NiN 67, AlexNet 65, …". */
export const MIN_SIDES_HELP = Object.values(MODELS)
  .map((m) => `${m.label} ${m.minSide}`)
  .join(', ');

/** The --resize side for `models` (default 224): at least the largest of their smallest sides. */
export function resizeOption(value: string | undefined, models: readonly ModelName[]): number {
  const side = int(value, 'resize', { min: 1, max: MAX_RESIZE, fallback: 224 });
  const tooSmall = models.filter((m) => side < MODELS[m].minSide);
  if (tooSmall.length) {
    throw new UsageError(
      `--resize ${side} is too small for ${tooSmall.map((m) => `${MODELS[m].label} (at least ${MODELS[m].minSide})`).join(', ')}: ` +
        'below that its strided convolutions and pools leave no pixels; use e.g. 224 as in d2l, or the smallest for a quick run',
    );
  }
  return side;
}
