// Dead-class and plateau diagnosis. NiN's class scores come out of a ReLU (its last block ends in one) and are then
// averaged: once a class's score is 0 for every image, no gradient flows back through it, and only what the other
// classes change can revive it (plain SGD sometimes does, often not); each such class costs up to 10 points. Under plain SGD the network also
// often sits for hundreds of steps at the loss of uniform guessing, ln K, before it learns anything.

import type { ClassScoreStats } from '../model/classifier.js';

export interface ClassHealth {
  /** classes whose score is exactly 0 for every image */
  deadClasses: string[];
  /** classes that are the prediction for no image */
  neverPredicted: string[];
}

export function emptyTotals(numClasses: number): ClassScoreStats {
  return {
    maxScore: new Array<number>(numClasses).fill(-Infinity),
    minScore: new Array<number>(numClasses).fill(Infinity),
    predicted: new Array<number>(numClasses).fill(0),
  };
}

/** Adds one batch's per-class maxima, minima and prediction counts to `totals`. */
export function addBatch(totals: ClassScoreStats, batch: ClassScoreStats): void {
  batch.maxScore.forEach((v, c) => (totals.maxScore[c] = Math.max(totals.maxScore[c]!, v)));
  batch.minScore.forEach((v, c) => (totals.minScore[c] = Math.min(totals.minScore[c]!, v)));
  batch.predicted.forEach((v, c) => (totals.predicted[c]! += v));
}

export function classHealth(totals: ClassScoreStats, names: readonly string[]): ClassHealth {
  const name = (c: number) => names[c] ?? `class ${c}`;
  const classes = totals.predicted.map((_, c) => c);
  return {
    deadClasses: classes.filter((c) => totals.maxScore[c] === 0 && totals.minScore[c] === 0).map(name),
    neverPredicted: classes.filter((c) => totals.predicted[c] === 0).map(name),
  };
}

/** The epochs so far, each with its class health (older records may lack it). */
type EpochHealth = { epoch: number } & Partial<ClassHealth>;

/** The first epoch of the streak of epochs, ending with the last, in which `name` was in `key`. */
function since(epochs: readonly EpochHealth[], key: keyof ClassHealth, name: string): number {
  let first = epochs.at(-1)!.epoch;
  for (let i = epochs.length - 1; i >= 0 && epochs[i]![key]?.includes(name); i--) first = epochs[i]!.epoch;
  return first;
}

function sinceList(epochs: readonly EpochHealth[], key: keyof ClassHealth): string {
  return epochs
    .at(-1)!
    [key]!.map((name) => `${name} (since epoch ${since(epochs, key, name)})`)
    .join(', ');
}

const ADVICE = 'train with --recipe robust (or another --seed, or a lower --lr)';

/** The warnings after the last of `epochs`: dead classes, then classes never predicted that are not dead. */
export function healthWarnings(epochs: readonly EpochHealth[]): string[] {
  const last = epochs.at(-1);
  if (!last) return [];
  const warnings: string[] = [];
  if (last.deadClasses?.length) {
    warnings.push(
      `warning: dead classes: the score of ${sinceList(epochs, 'deadClasses')} is 0 for every validation ` +
        `image; no gradient reaches a class through a zero score, so only what training changes for the other classes can ` +
        `revive it, and until then the model does not learn it: ${ADVICE}`,
    );
  }
  const alive = { ...last, neverPredicted: last.neverPredicted?.filter((name) => !last.deadClasses?.includes(name)) };
  if (alive.neverPredicted?.length) {
    warnings.push(
      `warning: the model predicts no validation image as ${sinceList([...epochs.slice(0, -1), alive], 'neverPredicted')}`,
    );
  }
  return warnings;
}

/** Steps in a row within 1 % of ln K after which the plateau warning is given. */
export const PLATEAU_STEPS = 200;

/** Counts training steps in a row whose loss is within 1 % of ln K (uniform guessing over K classes). */
export function plateauStreak(streak: number, loss: number, numClasses: number): number {
  const uniform = Math.log(numClasses);
  return Math.abs(loss - uniform) <= 0.01 * uniform ? streak + 1 : 0;
}

export function plateauWarning(streak: number, numClasses: number): string {
  return (
    `warning: the training loss has stayed within 1% of ln ${numClasses} = ${Math.log(numClasses).toFixed(4)}, the loss ` +
    `of uniform guessing, for ${streak} steps: the outputs do not depend on the input yet. Plain SGD often sits here ` +
    `for hundreds of steps and sometimes never leaves: ${ADVICE}`
  );
}
