// The recipes' optimizers, built on TF.js's own: plain SGD (d2l's, untouched), SGD with Nesterov momentum, and
// AdamW (Adam with decoupled weight decay, Loshchilov & Hutter 2019), which TF.js lacks. Weight decay applies to
// kernels only (rank ≥ 2), never to biases, as is usual. Each can change its learning rate between steps.
import * as tf from '@tensorflow/tfjs';

import { adamwUpdate } from '../engine/adamw_update.js';
import type { OptimizerName } from './recipe.js';
import type { NamedTensor } from './trainer_state.js';

/** An optimizer whose learning rate the schedule sets before each step. */
export interface ScheduledOptimizer extends tf.Optimizer {
  setLearningRate(lr: number): void;
}

export interface OptimizerSettings {
  optimizer: OptimizerName;
  lr: number;
  momentum: number;
  weightDecay: number;
}

export function makeOptimizer({ optimizer, lr, momentum, weightDecay }: OptimizerSettings): ScheduledOptimizer {
  switch (optimizer) {
    case 'sgd':
      return weightDecay === 0 ? tf.train.sgd(lr) : new DecayedSGD(lr, weightDecay);
    case 'nesterov':
      return new DecayedNesterov(lr, momentum, weightDecay);
    case 'adamw':
      return new AdamW(lr, weightDecay);
  }
}

type Gradients = tf.NamedTensorMap | NamedTensor[];
/** What MomentumOptimizer and AdamOptimizer declare they take (they read any tensors, variables or not). */
type VariableGradients = Parameters<tf.AdamOptimizer['applyGradients']>[0];

const isKernel = (v: tf.Variable) => v.rank >= 2;

/** The gradients as a map by variable name, whichever form minimize() passed them in. */
function byName(gradients: Gradients): tf.NamedTensorMap {
  return Array.isArray(gradients) ? Object.fromEntries(gradients.map((g) => [g.name, g.tensor])) : gradients;
}

/** The gradients with L2 weight decay added to the kernels' (g + wd·w), as a map. */
function withL2(gradients: Gradients, weightDecay: number): tf.NamedTensorMap {
  const named = byName(gradients);
  if (weightDecay === 0) return named;
  const variables = tf.engine().registeredVariables;
  return Object.fromEntries(
    Object.entries(named).map(([name, g]) => {
      const v = variables[name]!;
      return [name, isKernel(v) ? tf.add(g, tf.mul(v, weightDecay)) : g];
    }),
  );
}

class DecayedSGD extends tf.SGDOptimizer {
  constructor(
    lr: number,
    private readonly weightDecay: number,
  ) {
    super(lr);
  }

  override applyGradients(gradients: Gradients): void {
    tf.tidy(() => super.applyGradients(withL2(gradients, this.weightDecay)));
  }
}

/** PyTorch's SGD(nesterov=True) update: v ← m·v + g, w ← w − lr·(g + m·v), with g including the L2 term. */
class DecayedNesterov extends tf.MomentumOptimizer {
  constructor(
    lr: number,
    momentum: number,
    private readonly weightDecay: number,
  ) {
    super(lr, momentum, true);
  }

  override applyGradients(gradients: Gradients): void {
    tf.tidy(() => super.applyGradients(withL2(gradients, this.weightDecay) as VariableGradients));
  }
}

/**
 * Adam whose kernels shrink by lr·wd before each step, as PyTorch's AdamW does (betas 0.9, 0.999, eps 1e-8). The
 * update is one kernel per weight (engine/adamw_update.ts: one pass over the weight, its gradient and its two
 * moments, where TF.js's Adam runs a dozen tensor ops per weight); moments and iteration count are TF.js Adam's,
 * so its getWeights/setWeights save and restore them. The bias corrections are computed from the step count, so a
 * resumed run continues exactly.
 */
export class AdamW extends tf.AdamOptimizer {
  static override get className(): string {
    return 'AdamW';
  }

  constructor(
    lr: number,
    readonly weightDecay: number,
  ) {
    super(lr, 0.9, 0.999, 1e-8);
  }

  setLearningRate(lr: number): void {
    this.learningRate = lr;
  }

  override applyGradients(gradients: Gradients): void {
    const named = byName(gradients);
    const moments = this as unknown as { accumulatedFirstMoment: Moment[]; accumulatedSecondMoment: Moment[] };
    const t = this.iterations + 1;
    const { beta1, beta2, epsilon, learningRate: lr } = this;
    const correction1 = 1 - beta1 ** t,
      correction2 = 1 - beta2 ** t;
    const variables = tf.engine().registeredVariables;
    Object.keys(named).forEach((name, i) => {
      const variable = variables[name]!;
      moments.accumulatedFirstMoment[i] ??= {
        originalName: `${name}/m`,
        variable: tf.tidy(() => tf.zerosLike(variable).variable(false)),
      };
      moments.accumulatedSecondMoment[i] ??= {
        originalName: `${name}/v`,
        variable: tf.tidy(() => tf.zerosLike(variable).variable(false)),
      };
      const gradient = named[name];
      if (!gradient) return;
      const m = moments.accumulatedFirstMoment[i]!.variable,
        v = moments.accumulatedSecondMoment[i]!.variable;
      const keep = isKernel(variable) ? 1 - lr * this.weightDecay : 1;
      const updated = adamwUpdate(variable, gradient, m, v, {
        beta1,
        beta2,
        epsilon,
        lr,
        keep,
        correction1,
        correction2,
      });
      variable.assign(updated[0]);
      m.assign(updated[1]);
      v.assign(updated[2]);
      tf.dispose(updated);
    });
    tf.dispose(Object.values(named));
    this.incrementIterations();
  }
}

type Moment = { originalName: string; variable: tf.Variable };
