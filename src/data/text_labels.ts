// Fashion-MNIST's class names as d2l spells them, indexed by label.
import { DataError } from './data_error.js';

export const TEXT_LABELS = [
  't-shirt',
  'trouser',
  'pullover',
  'dress',
  'coat',
  'sandal',
  'shirt',
  'sneaker',
  'bag',
  'ankle boot',
] as const;

export type TextLabel = (typeof TEXT_LABELS)[number];

/** The class names of `indices` (d2l's `text_labels`); throws on an index outside 0..9. */
export function textLabels(indices: Iterable<number>): TextLabel[] {
  return Array.from(indices, (index) => {
    const label = TEXT_LABELS[index];
    if (!Number.isInteger(index) || label === undefined) {
      throw new DataError(
        `label index ${index} is not a Fashion-MNIST class; expected an integer 0..${TEXT_LABELS.length - 1}`,
      );
    }
    return label;
  });
}
