// Training-level checks of the onednn backend: one SGD step of a small tfjs-layers conv-net gives the same weights
// as on cpu, NiN's forward pass agrees, a training step leaks no tensors, and thousands of calls of every native
// entry point do not grow the process's resident memory.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

import * as tf from '@tensorflow/tfjs';

import { useBackend } from '../../src/engine/backend.js';
import { NiN } from '../../src/model/nin.js';
import {
  assertClose,
  maxAbs,
  nativeCallCounts,
  prng,
  resetNativeCalls,
  setup,
  sizeOf,
  values,
  type Backend,
} from './helpers.js';

before(() => setup());

const BATCH = 8,
  SIZE = 17,
  CLASSES = 10;

/**
 * conv 3×3 'same' relu (with bias) → max-pool 3/2 → conv 3×3 'same' relu → dropout(0) → global average pooling
 * (Mean over H, W) or average pooling over the whole map + flatten → dense softmax. Sized so that the first two
 * layers' activations exceed the native threshold of the element-wise kernels and reductions.
 */
function buildNet(head: 'globalAveragePooling2d' | 'averagePooling2d'): tf.Sequential {
  const net = tf.sequential();
  net.add(
    tf.layers.conv2d({ inputShape: [SIZE, SIZE, 3], filters: 16, kernelSize: 3, padding: 'same', activation: 'relu' }),
  );
  net.add(tf.layers.maxPooling2d({ poolSize: 3, strides: 2 })); // 17 → 8
  net.add(tf.layers.conv2d({ filters: 48, kernelSize: 3, padding: 'same', activation: 'relu' })); // 8·8·8·48 = 24576
  net.add(tf.layers.dropout({ rate: 0 }));
  if (head === 'globalAveragePooling2d') {
    net.add(tf.layers.globalAveragePooling2d({}));
  } else {
    net.add(tf.layers.averagePooling2d({ poolSize: 8, strides: 8 }));
    net.add(tf.layers.flatten());
  }
  net.add(tf.layers.dense({ units: CLASSES, activation: 'softmax' }));
  return net;
}

/** Seeded Glorot-uniform weights and small non-zero biases, the same on both backends. */
function seededWeights(net: tf.LayersModel): Float32Array[] {
  return net.getWeights().map((w, i) => {
    const shape = w.shape;
    if (shape.length === 1) return values(shape, 1000 + i, -0.1, 0.1);
    const fanIn = sizeOf(shape.slice(0, -1)),
      fanOut = shape[shape.length - 1]! * (shape.length === 4 ? shape[0]! * shape[1]! : 1);
    const limit = Math.sqrt(6 / (fanIn + fanOut));
    return values(shape, 1000 + i, -limit, limit);
  });
}

function batch(seed: number): { x: Float32Array; y: Float32Array } {
  const next = prng(seed);
  const y = new Float32Array(BATCH * CLASSES);
  for (let i = 0; i < BATCH; i++) y[i * CLASSES + Math.floor(next() * CLASSES)] = 1;
  return { x: values([BATCH, SIZE, SIZE, 3], seed + 1), y };
}

interface StepResult {
  loss: number;
  before: Float32Array[];
  after: Float32Array[];
  calls: Map<string, number>;
}

async function sgdStep(
  backend: Backend,
  head: Parameters<typeof buildNet>[0],
  weights?: Float32Array[],
): Promise<StepResult> {
  await useBackend(backend);
  const net = buildNet(head);
  const init = weights ?? seededWeights(net);
  net.setWeights(net.getWeights().map((w, i) => tf.tensor(init[i]!, w.shape)));
  net.compile({ optimizer: tf.train.sgd(0.5), loss: 'categoricalCrossentropy' });
  const before = net.getWeights().map((w) => w.dataSync() as Float32Array);
  const { x, y } = batch(7);
  const xs = tf.tensor4d(x, [BATCH, SIZE, SIZE, 3]),
    ys = tf.tensor2d(y, [BATCH, CLASSES]);
  resetNativeCalls();
  const loss = (await net.trainOnBatch(xs, ys)) as number;
  const calls = nativeCallCounts();
  const after = net.getWeights().map((w) => w.dataSync() as Float32Array);
  tf.dispose([xs, ys]);
  net.dispose();
  return { loss, before, after, calls };
}

describe('one SGD step of a small conv-net', () => {
  for (const head of ['globalAveragePooling2d', 'averagePooling2d'] as const) {
    it(`with ${head}: loss within 1e-5, every weight within 1e-4·max|update| + 1e-6·|w| of cpu`, async () => {
      const cpu = await sgdStep('cpu', head);
      const onednn = await sgdStep('onednn', head, cpu.before);
      const expected = [
        'conv2d',
        'conv2dBackpropInput',
        'conv2dBackpropFilter',
        'pool2d',
        'pool2dGrad',
        'binary',
        'relu',
        'reluGrad',
        'reduce',
        'matmul',
      ];
      for (const name of expected)
        assert.ok((onednn.calls.get(name) ?? 0) > 0, `native '${name}' ran in the onednn step`);
      assert.equal(cpu.calls.size, 0, 'nothing native ran on cpu');
      cpu.before.forEach((w, i) => assertClose(onednn.before[i]!, w, 0, 0, `initial weight ${i}`));
      assert.ok(
        Number.isFinite(cpu.loss) && Math.abs(onednn.loss - cpu.loss) <= 1e-5,
        `loss ${onednn.loss} vs cpu ${cpu.loss}`,
      );
      cpu.after.forEach((w, i) => {
        // The step must have moved every tensor, or comparing weights would not test the gradients; the tolerance
        // is relative to the largest update of the tensor (plus the rounding of w - lr·g itself).
        const moved = maxAbs(w.map((v, j) => v - cpu.before[i]![j]!));
        if (process.env.NIN_TEST_REPORT) console.log(`# ${head}: weight ${i} max update ${moved.toExponential(2)}`);
        assert.ok(moved > 1e-4, `weight ${i} moved by only ${moved} on cpu`);
        assertClose(onednn.after[i]!, w, 1e-4 * moved, 1e-6, `${head}: weight ${i} [${w.length}] after the step`);
      });
    });
  }
});

describe("d2l's NiN (src/model/nin.ts)", () => {
  it('forward pass (inference) on 67×67 inputs matches cpu within 1e-4·max|y| + 1e-4·|y|', async () => {
    const size = 67; // the smallest input that survives the 11×11/4 conv and three 3/2 max-pools
    const xv = values([2, size, size, 1], 201);
    let weights: Float32Array[] = [];
    const outputs: Record<string, Float32Array> = {};
    for (const backend of ['cpu', 'onednn'] as const) {
      await useBackend(backend);
      const net = new NiN({ resize: size, seed: 5 }).net;
      if (backend === 'cpu') {
        // Glorot weights of the model's own initialiser, with small positive biases so most ReLUs are active.
        weights = net
          .getWeights()
          .map((w: tf.Tensor, i: number) =>
            w.shape.length === 1 ? values(w.shape, 300 + i, 0, 0.05) : (w.dataSync() as Float32Array),
          );
      }
      net.setWeights(net.getWeights().map((w: tf.Tensor, i: number) => tf.tensor(weights[i]!, w.shape)));
      const y = tf.tidy(() => net.predict(tf.tensor4d(xv, [2, size, size, 1])) as tf.Tensor);
      assert.deepEqual(y.shape, [2, 10]);
      outputs[backend] = y.dataSync() as Float32Array;
      y.dispose();
      net.dispose();
    }
    assert.ok(
      outputs.cpu!.some((v) => v !== 0),
      'the output is not all zero (the comparison means something)',
    );
    if (process.env.NIN_TEST_REPORT) console.log(`# NiN output max |y| ${maxAbs(outputs.cpu!)}`);
    assertClose(outputs.onednn!, outputs.cpu!, 1e-4 * maxAbs(outputs.cpu!), 1e-4, 'NiN output');
  });

  it('gradients of the loss (dropout inactive) with respect to all 24 weights match cpu within 1e-4·max|g| + 1e-3·|g|', async () => {
    const size = 67,
      batchSize = 1;
    const xv = values([batchSize, size, size, 1], 211);
    let weights: Float32Array[] = [];
    const grads: Record<string, Float32Array[]> = {};
    for (const backend of ['cpu', 'onednn'] as const) {
      await useBackend(backend);
      const model = new NiN({ resize: size, seed: 6 });
      if (backend === 'cpu') {
        weights = model.net
          .getWeights()
          .map((w: tf.Tensor, i: number) =>
            w.shape.length === 1 ? values(w.shape, 310 + i, 0, 0.05) : (w.dataSync() as Float32Array),
          );
      }
      model.net.setWeights(model.net.getWeights().map((w: tf.Tensor, i: number) => tf.tensor(weights[i]!, w.shape)));
      resetNativeCalls();
      const result = tf.tidy(() => {
        const x = tf.tensor4d(xv, [batchSize, size, size, 1]),
          y = tf.tensor1d([3], 'int32');
        const { value, grads: g } = tf.variableGrads(() => model.loss(model.forward(x, false), y));
        return [value, ...model.net.trainableWeights.map((w) => g[(w.read() as tf.Variable).name]!)];
      });
      grads[backend] = result.map((t) => t.dataSync() as Float32Array);
      tf.dispose(result);
      if (backend === 'onednn')
        assert.ok((nativeCallCounts().get('conv2dBackpropFilter') ?? 0) >= 12, 'native conv gradients ran');
      model.net.dispose();
    }
    assertClose(grads.onednn![0]!, grads.cpu![0]!, 1e-5, 1e-5, 'NiN loss');
    for (let i = 1; i < grads.cpu!.length; i++) {
      assert.ok(
        grads.cpu![i]!.some((v) => v !== 0),
        `gradient ${i} is not all zero`,
      );
      const scale = maxAbs(grads.cpu![i]!);
      if (process.env.NIN_TEST_REPORT) console.log(`# NiN gradient ${i - 1}: max |g| ${scale.toExponential(2)}`);
      assertClose(
        grads.onednn![i]!,
        grads.cpu![i]!,
        1e-4 * scale,
        1e-3,
        `NiN gradient of weight ${i - 1} [${grads.cpu![i]!.length}]`,
      );
    }
  });
});

describe('memory', () => {
  it('a training step leaves tf.memory().numTensors unchanged on onednn (after a warm-up step)', async () => {
    await useBackend('onednn');
    const net = buildNet('globalAveragePooling2d');
    net.compile({ optimizer: tf.train.sgd(0.1), loss: 'categoricalCrossentropy' });
    const { x, y } = batch(11);
    const xs = tf.tensor4d(x, [BATCH, SIZE, SIZE, 3]),
      ys = tf.tensor2d(y, [BATCH, CLASSES]);
    await net.trainOnBatch(xs, ys); // creates the optimizer's state
    const start = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) await net.trainOnBatch(xs, ys);
    assert.equal(tf.memory().numTensors, start, 'tensors leaked by trainOnBatch');
    // The same with a hand-written step (optimizer.minimize over the model's variables).
    const opt = tf.train.sgd(0.1);
    const step = () =>
      tf.tidy(() => {
        opt.minimize(
          () => tf.losses.softmaxCrossEntropy(ys, net.apply(xs, { training: true }) as tf.Tensor) as tf.Scalar,
          false,
        );
      });
    step();
    const start2 = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) step();
    assert.equal(tf.memory().numTensors, start2, 'tensors leaked by optimizer.minimize');
    tf.dispose([xs, ys]);
    net.dispose();
    opt.dispose();
  });

  it('thousands of calls of every native entry point grow RSS by less than 16 MB after warm-up', async () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    await useBackend('onednn');
    const shapes: Array<[number, number, number, number]> = [
      [4, 32, 32, 8],
      [2, 17, 17, 8],
    ]; // two cached geometries
    const inputs = shapes.map((s, i) => ({
      x: tf.tensor4d(values(s, 401 + i), s),
      w: tf.variable(tf.tensor4d(values([3, 3, 8, 8], 411 + i, -0.3, 0.3), [3, 3, 8, 8])),
      m: tf.tensor2d(values([96, 128], 421 + i), [96, 128]),
      k: tf.variable(tf.tensor2d(values([128, 64], 431 + i), [128, 64])),
    }));
    const step = (i: number) => {
      const { x, w, m, k } = inputs[i % 2]!;
      // Everything is computed eagerly inside the scope and disposed at its end.
      tf.tidy(() => {
        tf.variableGrads(() => tf.sum(tf.relu(tf.conv2d(x, w, 1, 'same'))), [w]); // conv2d, relu, reluGrad, conv2dBackpropFilter, reduce
        tf.grad((a: tf.Tensor) => tf.sum(tf.conv2d(a as tf.Tensor4D, w, 2, 'same')))(x); // conv2dBackpropInput
        tf.grad((a: tf.Tensor) => tf.sum(tf.maxPool(a as tf.Tensor4D, 3, 2, 'valid')))(x); // pool2d, pool2dGrad (max)
        tf.grad((a: tf.Tensor) => tf.sum(tf.avgPool(a as tf.Tensor4D, 2, 2, 'valid')))(x); // pool2d, pool2dGrad (avg)
        tf.variableGrads(() => tf.mean(tf.matMul(m, k)), [k]); // matmul forward and both gradients
        tf.div(tf.mul(tf.sub(tf.add(x, x), x), x), tf.add(x, 2)).mean([1, 2]); // binary ×4, reduce
        tf.step(x); // step
      });
    };
    for (let i = 0; i < 40; i++) step(i);
    gc();
    resetNativeCalls();
    const tensors = tf.memory().numTensors;
    const rss0 = process.memoryUsage().rss;
    for (let i = 0; i < 1000; i++) {
      step(i);
      if (i % 100 === 99) gc();
    }
    gc();
    const grown = (process.memoryUsage().rss - rss0) / 2 ** 20;
    const calls = nativeCallCounts();
    const total = [...calls.values()].reduce((a, b) => a + b, 0);
    if (process.env.NIN_TEST_REPORT)
      console.log(
        `# RSS growth ${grown.toFixed(2)} MB over ${total} native calls (${[...calls].map(([k, v]) => `${k} ${v}`).join(', ')})`,
      );
    for (const entry of [
      'conv2d',
      'conv2dBackpropInput',
      'conv2dBackpropFilter',
      'pool2d',
      'pool2dGrad',
      'matmul',
      'binary',
      'reduce',
      'relu',
      'reluGrad',
      'step',
    ]) {
      assert.ok((calls.get(entry) ?? 0) >= 500, `${entry} ran natively (${calls.get(entry) ?? 0} calls)`);
    }
    assert.equal(tf.memory().numTensors, tensors, 'no tensors leaked');
    // Each step allocates several MB of tensor storage (the [4,32,32,8] activations are 128 KB each): leaking one
    // such buffer, a primitive or a scratchpad per call would add hundreds of MB over these calls. Measured growth
    // with no leak: a few MB at most.
    assert.ok(grown < 16, `RSS grew by ${grown.toFixed(1)} MB over ${total} native calls`);
    for (const { x, w, m, k } of inputs) tf.dispose([x, w, m, k]);
  });
});
