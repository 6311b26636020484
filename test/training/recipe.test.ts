// The training recipes: the learning-rate schedule's shape, the optimizers' updates against their formulas (AdamW
// and Nesterov SGD as PyTorch defines them, weight decay on kernels only), the d2l recipe giving exactly today's
// training, an AdamW run resumed from a checkpoint equal to an uninterrupted one, the weight average (its formula,
// training unchanged by it, an exact resume), and the options as a user gives them.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';

import * as tf from '@tensorflow/tfjs';

import { UsageError } from '../../src/cli/args.js';
import { recipeFromOptions } from '../../src/cli/recipe_options.js';
import { mulberry32 } from '../../src/util/seeded_random.js';
import { useBackend } from '../../src/engine/backend.js';
import { NiN } from '../../src/model/nin.js';
import { MODELS } from '../../src/model/zoo.js';
import { learningRateAt } from '../../src/training/lr_schedule.js';
import { makeOptimizer } from '../../src/training/optimizers.js';
import { describeRecipe, modelSettings, recipePreset } from '../../src/training/recipe.js';
import { RunDir } from '../../src/training/run_dir.js';
import { type DataBatch, type DataModule, type OptimizerRecipe, Trainer } from '../../src/training/trainer.js';
import { encodeOptimizer, restoreOptimizer } from '../../src/training/trainer_state.js';
import { WeightAverage } from '../../src/training/weight_average.js';

const RESIZE = 67;

function toyData(batches: number, batchSize = 8): DataModule {
  const rand = mulberry32(7);
  const make = () =>
    Array.from(
      { length: batches },
      (): DataBatch => ({
        x: new Float32Array(batchSize * RESIZE * RESIZE).map(() => rand()),
        y: new Int32Array(batchSize).map(() => Math.floor(rand() * 10)),
        size: batchSize,
        dataMs: 0,
      }),
    );
  const train = make(),
    val = make();
  return {
    batchSize,
    resize: RESIZE,
    numTrainBatches: () => batches,
    numValBatches: () => batches,
    async *trainDataloader(epoch: number, start = 0) {
      for (let i = start; i < batches; i++) yield train[(i + epoch) % batches]!;
    },
    async *valDataloader() {
      yield* val;
    },
  };
}

const quiet = { progress: false, log: () => {} };
const weightsOf = (model: NiN) => model.net.getWeights().map((w) => w.dataSync() as Float32Array);

/** Trains `recipe` for 2 epochs on toyData(4) in the run directory `dir`, stopped by a signal after its 3rd step. */
async function trainStopped(dir: string, recipe: OptimizerRecipe, model: NiN): Promise<void> {
  const stop = new AbortController();
  let steps = 0;
  const data = toyData(4);
  const stopping: DataModule = {
    ...data,
    async *trainDataloader(epoch, start) {
      for await (const batch of data.trainDataloader(epoch, start)) {
        if (++steps === 3) stop.abort('test');
        yield batch;
      }
    },
  };
  await assert.rejects(
    new Trainer({ maxEpochs: 2, runDir: new RunDir(dir), recipe, signal: stop.signal, ...quiet }).fit(model, stopping),
  );
}

/** The run in `dir` resumed to its end: a model of the run's seed (it seeds the dropout masks) with other weights,
 * which must come from the checkpoint. */
async function resume(dir: string, recipe: OptimizerRecipe, model: () => NiN) {
  const resumed = model();
  resumed.net.setWeights(new NiN({ resize: RESIZE, seed: 99 }).net.getWeights());
  const again = await new Trainer({ maxEpochs: 2, runDir: new RunDir(dir), recipe, ...quiet }).fit(resumed, toyData(4));
  return { resumed, again };
}

describe('learning-rate schedule', () => {
  const settings = { lr: 1, warmupSteps: 4, totalSteps: 14 };
  it('warms up linearly to the peak, then stays or decays to 0 at the last step', () => {
    for (const schedule of ['constant', 'cosine', 'linear'] as const) {
      const lrs = Array.from({ length: 14 }, (_, step) => learningRateAt(step, { ...settings, schedule }));
      assert.deepEqual(lrs.slice(0, 4), [0.25, 0.5, 0.75, 1], schedule);
      assert.equal(lrs[4], 1, `${schedule}: the peak right after the warm-up`);
      if (schedule === 'constant') assert.ok(lrs.slice(4).every((lr) => lr === 1));
      else {
        assert.ok(
          lrs.slice(4).every((lr, i, a) => i === 0 || lr < a[i - 1]!),
          `${schedule} decreases`,
        );
        assert.ok(lrs[13]! > 0 && lrs[13]! < 0.15, `${schedule}: near 0 at the last step, ${lrs[13]}`);
      }
    }
    assert.equal(learningRateAt(9, { ...settings, schedule: 'linear' }), 0.5, 'halfway through the decay');
    assert.ok(Math.abs(learningRateAt(9, { ...settings, schedule: 'cosine' }) - 0.5) < 1e-12);
  });
});

describe('optimizers', () => {
  /** One step on a kernel w (rank 2) and a bias b (rank 1) with fixed gradients. */
  function step(name: 'adamw' | 'nesterov' | 'sgd', steps: number) {
    return tf.tidy(() => {
      const w = tf.variable(
        tf.tensor2d([
          [1, -2],
          [0.5, 3],
        ]),
        true,
        `w-${name}-${steps}-${Math.random()}`,
      );
      const b = tf.variable(tf.tensor1d([1, -1]), true, `b-${name}-${steps}-${Math.random()}`);
      const optimizer = makeOptimizer({ optimizer: name, lr: 0.1, momentum: 0.9, weightDecay: 0.2 });
      for (let i = 0; i < steps; i++) {
        optimizer.applyGradients({
          [w.name]: tf.tensor2d([
            [0.5, 0.5],
            [-1, 2],
          ]),
          [b.name]: tf.tensor1d([0.25, -0.5]),
        });
      }
      const result = { w: Array.from(w.dataSync()), b: Array.from(b.dataSync()) };
      optimizer.dispose();
      w.dispose();
      b.dispose();
      return result;
    });
  }

  it('AdamW: w ← w·(1 − lr·wd) − lr·m̂/(√v̂ + ε) on kernels, plain Adam on biases (PyTorch AdamW)', async () => {
    await useBackend('cpu');
    const { w, b } = step('adamw', 2);
    // two steps with a constant gradient g: m̂ = g, v̂ = g², so each Adam step is −lr·g/(|g| + ε) ≈ −lr·sign(g)
    const adam = (x: number, g: number, decay: number) => {
      for (let i = 0; i < 2; i++) x = x * (1 - 0.1 * decay) - (0.1 * g) / (Math.abs(g) + 1e-8);
      return x;
    };
    [
      [1, 0.5],
      [-2, 0.5],
      [0.5, -1],
      [3, 2],
    ].forEach(([x, g], i) => assert.ok(Math.abs(w[i]! - adam(x!, g!, 0.2)) < 1e-6, `w[${i}] ${w[i]}`));
    [
      [1, 0.25],
      [-1, -0.5],
    ].forEach(([x, g], i) => assert.ok(Math.abs(b[i]! - adam(x!, g!, 0)) < 1e-6, `b[${i}]: no decay`));
  });

  it("Nesterov SGD: v ← m·v + g + wd·w, w ← w − lr·(g + wd·w + m·v) on kernels (PyTorch's), no decay on biases", async () => {
    await useBackend('cpu');
    const { w, b } = step('nesterov', 2);
    const nesterov = (x: number, g: number, decay: number) => {
      let v = 0;
      for (let i = 0; i < 2; i++) {
        const grad = g + decay * x;
        v = 0.9 * v + grad;
        x -= 0.1 * (grad + 0.9 * v);
      }
      return x;
    };
    [
      [1, 0.5],
      [-2, 0.5],
      [0.5, -1],
      [3, 2],
    ].forEach(([x, g], i) => assert.ok(Math.abs(w[i]! - nesterov(x!, g!, 0.2)) < 1e-6, `w[${i}] ${w[i]}`));
    [
      [1, 0.25],
      [-1, -0.5],
    ].forEach(([x, g], i) => assert.ok(Math.abs(b[i]! - nesterov(x!, g!, 0)) < 1e-6, `b[${i}]`));
  });

  it('AdamW resumed from its saved state continues exactly as without the interruption', async () => {
    await useBackend('onednn');
    const settings = { optimizer: 'adamw' as const, lr: 0.01, momentum: 0, weightDecay: 0.05 };
    const gradient = (name: string, i: number) => ({
      [name]: tf.tensor2d([
        [Math.sin(i), 0.3],
        [-1, Math.cos(i)],
      ]),
    });
    const train = async (interrupt: boolean) => {
      const w = tf.variable(
        tf.tensor2d([
          [1, -2],
          [0.5, 3],
        ]),
        true,
        `w-resume-${interrupt}`,
      );
      let optimizer = makeOptimizer(settings);
      for (let i = 0; i < 5; i++) tf.tidy(() => optimizer.applyGradients(gradient(w.name, i)));
      if (interrupt) {
        const { specs, data } = await encodeOptimizer(optimizer);
        optimizer.dispose();
        optimizer = makeOptimizer(settings);
        await restoreOptimizer(optimizer, specs, data);
      }
      for (let i = 5; i < 60; i++) tf.tidy(() => optimizer.applyGradients(gradient(w.name, i)));
      const values = Array.from(w.dataSync());
      optimizer.dispose();
      w.dispose();
      return values;
    };
    assert.deepEqual(await train(true), await train(false));
  });
});

describe('recipes', () => {
  it('the d2l recipe trains exactly as the model alone does (SGD at its rate, Xavier, no augmentation)', async () => {
    await useBackend('onednn');
    const d2l = recipePreset('d2l', MODELS.nin);
    assert.deepEqual(
      {
        optimizer: d2l.optimizer,
        lr: d2l.lr,
        weightDecay: d2l.weightDecay,
        schedule: d2l.schedule,
        warmup: d2l.warmupEpochs,
      },
      { optimizer: 'sgd', lr: 0.05, weightDecay: 0, schedule: 'constant', warmup: 0 },
    );
    const train = async (withRecipe: boolean) => {
      const model = withRecipe
        ? new NiN({ resize: RESIZE, seed: 5, ...modelSettings(d2l) })
        : new NiN({ resize: RESIZE, lr: 0.05, seed: 5 });
      const summaries = await new Trainer({ maxEpochs: 2, ...quiet, ...(withRecipe ? { recipe: d2l } : {}) }).fit(
        model,
        toyData(3),
      );
      return {
        summaries: summaries.map(({ trainLoss, trainAcc, valLoss, valAcc }) => ({
          trainLoss,
          trainAcc,
          valLoss,
          valAcc,
        })),
        weights: weightsOf(model),
      };
    };
    const plain = await train(false),
      recipe = await train(true);
    assert.deepEqual(recipe.summaries, plain.summaries);
    recipe.weights.forEach((w, i) => assert.deepEqual(w, plain.weights[i], `weight ${i}`));
  });

  it('the robust recipe resumed from a mid-epoch checkpoint ends with the uninterrupted run (schedule, AdamW state)', async () => {
    await useBackend('onednn');
    const robust = { ...recipePreset('robust', MODELS.nin), warmupEpochs: 0.5 };
    const model = () => new NiN({ resize: RESIZE, seed: 6, ...modelSettings(robust) });
    const reference = model();
    const summaries = await new Trainer({ maxEpochs: 2, recipe: robust, ...quiet }).fit(reference, toyData(4));
    assert.ok(summaries.every((s) => s.lr! > 0) && summaries[1]!.lr! < summaries[0]!.lr!, 'the learning rate decays');

    const dir = mkdtempSync(join(tmpdir(), 'nin-recipe-'));
    try {
      await trainStopped(dir, robust, model());
      const { resumed, again } = await resume(dir, robust, model);
      assert.deepEqual(
        again.map((s) => [s.trainLoss, s.valAcc, s.lr]),
        summaries.map((s) => [s.trainLoss, s.valAcc, s.lr]),
      );
      weightsOf(resumed).forEach((w, i) => assert.deepEqual(w, weightsOf(reference)[i], `weight ${i}`));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a weight average: a ← d·a + (1 − d)·w with d = min(decay, (1 + t)/(10 + t)), swapped in and out exactly', async () => {
    await useBackend('onednn');
    const model = new NiN({ resize: RESIZE, seed: 3 });
    const start = weightsOf(model).map((w) => Float32Array.from(w));
    const average = new WeightAverage(model.net, 0.5);
    try {
      assert.deepEqual(
        [0, 1, 8, 100].map((t) => WeightAverage.decayAt(t, 0.5)),
        [0.1, 2 / 11, 0.5, 0.5],
      );
      const doubled = model.net.getWeights().map((w) => tf.mul(w, 2));
      model.net.setWeights(doubled);
      tf.dispose(doubled);
      average.update(0); // a = 0.1·w0 + 0.9·2w0 = 1.9·w0
      average.swap();
      weightsOf(model).forEach((w, i) =>
        w.forEach((x, j) =>
          assert.ok(Math.abs(x - 1.9 * start[i]![j]!) <= 1e-6 * (1 + Math.abs(x)), `weight ${i}[${j}]`),
        ),
      );
      average.swap();
      weightsOf(model).forEach((w, i) =>
        assert.deepEqual(
          w,
          start[i]!.map((x) => 2 * x),
          `weight ${i} back exactly`,
        ),
      );
    } finally {
      average.dispose();
    }
  });

  it('with a weight average (ema) training is unchanged, validation and the model are the average, and a resume is exact', async () => {
    await useBackend('onednn');
    const robust = { ...recipePreset('robust', MODELS.nin), warmupEpochs: 0.5 };
    const averaged = { ...robust, ema: 0.6 };
    const model = () => new NiN({ resize: RESIZE, seed: 6, ...modelSettings(robust) });
    const plain = model(),
      reference = model();
    const plainSummaries = await new Trainer({ maxEpochs: 2, recipe: robust, ...quiet }).fit(plain, toyData(4));
    const summaries = await new Trainer({ maxEpochs: 2, recipe: averaged, ...quiet }).fit(reference, toyData(4));
    assert.deepEqual(
      summaries.map((s) => [s.trainLoss, s.trainAcc, s.valLossLastWeights, s.valAccLastWeights]),
      plainSummaries.map((s) => [s.trainLoss, s.trainAcc, s.valLoss, s.valAcc]),
      'the same training, and the last weights validate as the run without an average',
    );
    assert.notDeepEqual(weightsOf(reference)[0], weightsOf(plain)[0], 'fit leaves the average in the model');
    const check = model();
    check.net.setWeights(reference.net.getWeights());
    const { valLoss } = (
      await new Trainer({ maxEpochs: 1, recipe: { ...robust, lr: 1e-30 }, ...quiet }).fit(check, toyData(4))
    )[0]!;
    assert.ok(
      Math.abs(valLoss - summaries[1]!.valLoss) < 1e-3,
      `the model left behind is the one validated: ${valLoss} vs ${summaries[1]!.valLoss}`,
    );

    const dir = mkdtempSync(join(tmpdir(), 'nin-ema-'));
    try {
      await trainStopped(dir, averaged, model());
      await assert.rejects(
        new Trainer({ maxEpochs: 2, runDir: new RunDir(dir), recipe: robust, ...quiet }).fit(model(), toyData(4)),
        /weight average/,
        'a checkpoint with an average does not resume a run without one',
      );
      const { resumed, again } = await resume(dir, averaged, model);
      assert.deepEqual(
        again.map((s) => [s.trainLoss, s.valLoss, s.valAcc, s.valAccLastWeights]),
        summaries.map((s) => [s.trainLoss, s.valLoss, s.valAcc, s.valAccLastWeights]),
      );
      weightsOf(resumed).forEach((w, i) => assert.deepEqual(w, weightsOf(reference)[i], `weight ${i}`));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('seeds He initialisation as it seeds Xavier: the same weights for the same seed, seed 0 included', () => {
    for (const seed of [0, 1]) {
      const a = new NiN({ resize: RESIZE, seed, init: 'he' }),
        b = new NiN({ resize: RESIZE, seed, init: 'he' });
      weightsOf(a).forEach((w, i) => assert.deepEqual(w, weightsOf(b)[i], `seed ${seed}, weight ${i}`));
      assert.notDeepEqual(weightsOf(a)[0], weightsOf(new NiN({ resize: RESIZE, seed, init: 'xavier' }))[0]);
    }
  });

  it('builds the recipe from the options: a preset, each setting changed on its own, bad values as usage errors', () => {
    const robust = recipeFromOptions({ recipe: 'robust' }, MODELS.nin);
    assert.equal(robust.optimizer, 'adamw');
    assert.equal(robust.lr, MODELS.nin.robustLr);
    assert.equal(recipeFromOptions({}, MODELS.alexnet).lr, 0.01, "d2l's rate for AlexNet by default");
    assert.deepEqual(
      [robust.translate, robust.flip, robust.tta, robust.ema],
      [0, false, false, 0],
      'no augmentation, no weight average in the preset',
    );
    assert.equal(recipeFromOptions({ recipe: 'robust', ema: '0.998' }, MODELS.nin).ema, 0.998);
    const changed = recipeFromOptions(
      { recipe: 'robust', flip: 'on', translate: '2', tta: 'on', optimizer: 'nesterov', lr: '0.01' },
      MODELS.nin,
    );
    assert.deepEqual(
      [changed.flip, changed.translate, changed.optimizer, changed.momentum, changed.lr, changed.tta],
      [true, 2, 'nesterov', 0.9, 0.01, true],
    );
    assert.match(
      describeRecipe(changed),
      /^robust \(nesterov 0\.9 lr 0\.01, wd 0\.05, linear after 1 warm-up epoch, he init, last bias 1, label smoothing 0\.1, translate ±2 px, flip, flip TTA\)$/,
    );
    for (const [option, value] of [
      ['recipe', 'fast'],
      ['optimizer', 'adam'],
      ['warmup', '-1'],
      ['label-smoothing', '0.9'],
      ['flip', 'yes'],
      ['translate', '2.5'],
      ['lr', '0'],
      ['ema', '1'],
    ]) {
      assert.throws(
        () => recipeFromOptions({ [option!]: value }, MODELS.nin),
        (e: Error) => e instanceof UsageError && e.message.startsWith(`--${option}`),
        `${option} ${value}`,
      );
    }
  });
});
