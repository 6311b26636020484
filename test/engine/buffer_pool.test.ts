// The onednn backend recycles its kernels' output storage; nothing a user can still see may be overwritten.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import * as tf from '@tensorflow/tfjs';

import { BufferPool } from '../../src/engine/buffer_pool.js';
import { useBackend } from '../../src/engine/backend.js';

const SHAPE = [4, 32, 32, 16]; // 65536 elements: native Relu

function churn(): void {
  // many native outputs of the same size, each disposed at once: any recycled storage gets overwritten
  for (let i = 0; i < 20; i++) tf.tidy(() => tf.relu(tf.fill(SHAPE, i + 1)));
}

describe('output storage recycling', () => {
  it('reuses the storage of a disposed native output', () => {
    const pool = new BufferPool();
    const a = pool.alloc(1000);
    pool.hold(a);
    pool.release(a);
    assert.equal(pool.alloc(1000).buffer, a.buffer, 'released storage comes back');
    assert.notEqual(pool.alloc(1000).buffer, a.buffer, 'and is handed out once');
  });

  it('never reuses storage that dataSync() handed out, even after dispose (also inside tidy)', async () => {
    await useBackend('onednn');
    const kept = tf.tidy(() => tf.relu(tf.fill(SHAPE, 7)).dataSync());
    const y = tf.relu(tf.fill(SHAPE, 3));
    const alsoKept = y.dataSync();
    y.dispose();
    churn();
    assert.ok(kept.every((v) => v === 7));
    assert.ok(alsoKept.every((v) => v === 3));
  });

  it('keeps storage alive while a slice (a view of it) lives', async () => {
    await useBackend('onednn');
    const x = tf.relu(tf.fill(SHAPE, 5));
    const view = tf.slice(x, [1], [2]); // contiguous: the CPU kernel returns a subarray of x's storage
    x.dispose();
    churn();
    assert.ok(view.dataSync().every((v) => v === 5));
    view.dispose();
  });

  it('gives the same training results as without recycling: many steps leave the weights finite and tensors flat', async () => {
    await useBackend('onednn');
    const model = tf.sequential({
      layers: [
        tf.layers.conv2d({
          inputShape: [16, 16, 1],
          filters: 8,
          kernelSize: 3,
          activation: 'relu',
          kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }),
        }),
        tf.layers.flatten(),
        tf.layers.dense({ units: 3, kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }) }),
      ],
    });
    const x = tf.randomUniform([64, 16, 16, 1], 0, 1, 'float32', 3);
    const y = tf.oneHot(
      tf.tensor1d(
        [...Array(64).keys()].map((i) => i % 3),
        'int32',
      ),
      3,
    );
    const optimizer = tf.train.sgd(0.1);
    const step = () =>
      tf.tidy(
        () =>
          optimizer
            .minimize(() => tf.losses.softmaxCrossEntropy(y, model.apply(x) as tf.Tensor) as tf.Scalar, true)!
            .dataSync()[0]!,
      );
    const first = step();
    const tensors = tf.memory().numTensors;
    let last = first;
    for (let i = 0; i < 30; i++) last = step();
    assert.equal(tf.memory().numTensors, tensors);
    assert.ok(Number.isFinite(last) && last < first, `loss ${first} → ${last} decreases`);
  });
});
