// Seeded shuffling: a Fisher–Yates permutation per epoch, so a run is reproducible from its seed and every epoch
// still sees a different order.
import { mixSeed, mulberry32 } from '../util/seeded_random.js';

/** A permutation of 0..count-1, the same for the same (seed, epoch). */
export function epochPermutation(count: number, seed: number, epoch: number): Int32Array {
  const order = new Int32Array(count);
  for (let i = 0; i < count; i++) order[i] = i;
  const random = mulberry32(mixSeed(seed, epoch));
  for (let i = count - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const swap = order[i]!;
    order[i] = order[j]!;
    order[j] = swap;
  }
  return order;
}
