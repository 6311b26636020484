// The learning rate of each training step: a linear warm-up from 0 to the peak, then constant, or a decay to 0 at
// the run's last step (cosine, or a straight line: with the warm-up, the one-cycle shape). A function of the global
// step alone, so a resumed run continues the same curve.
import type { ScheduleName } from './recipe.js';

export interface ScheduleSettings {
  lr: number;
  schedule: ScheduleName;
  /** steps of warm-up */
  warmupSteps: number;
  /** steps of the whole run */
  totalSteps: number;
}

/** The learning rate of step `step` (0-based, counted over the whole run). */
export function learningRateAt(step: number, { lr, schedule, warmupSteps, totalSteps }: ScheduleSettings): number {
  if (step < warmupSteps) return (lr * (step + 1)) / warmupSteps;
  if (schedule === 'constant') return lr;
  const decaySteps = Math.max(1, totalSteps - warmupSteps);
  const progress = Math.min(1, (step - warmupSteps) / decaySteps);
  return schedule === 'cosine' ? (lr * (1 + Math.cos(Math.PI * progress))) / 2 : lr * (1 - progress);
}
