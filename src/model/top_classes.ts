// The k most probable Fashion-MNIST classes of one prediction. No Node imports: the web page ranks its own
// predictions with this same code, so the page and `nin predict` / POST /api/predict report alike.
import { TEXT_LABELS, type TextLabel } from '../data/text_labels.js';

export interface ClassProbability {
  /** class index, 0..9 */
  index: number;
  label: TextLabel;
  probability: number;
}

/** The `k` classes with the highest probability, most probable first (ties: lower class index first). */
export function topClasses(probabilities: ArrayLike<number>, k: number): ClassProbability[] {
  if (probabilities.length !== TEXT_LABELS.length) {
    throw new RangeError(`expected ${TEXT_LABELS.length} class probabilities, got ${probabilities.length}`);
  }
  return Array.from(probabilities, (probability, index) => ({ index, label: TEXT_LABELS[index]!, probability }))
    .sort((a, b) => b.probability - a.probability || a.index - b.index)
    .slice(0, k);
}
