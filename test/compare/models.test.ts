// The networks NiN is compared with: d2l's AlexNet and VGG-11 (and VGG-11 narrowed 4×), their parameter counts,
// layer walks, what their layers cost, and their training step on onednn against the reference CPU backend.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';

import * as tf from '@tensorflow/tfjs';

import { useBackend } from '../../src/engine/backend.js';
import { layerCost, leafLayers, networkCost } from '../../src/model/cost.js';
import { MODELS, type ModelName } from '../../src/model/zoo.js';
import { assertClose, maxAbs, nativeCallCounts, resetNativeCalls, setup } from '../engine/helpers.js';

before(() => setup());

const shapes = (name: ModelName) =>
  MODELS[name]
    .create({ resize: 224 })
    .layerSummary([1, 224, 224, 1])
    .map((l) => l.replace(' output shape', ''));

describe('AlexNet and VGG-11', () => {
  it('have the parameter counts of d2l at 224', async () => {
    await useBackend('onednn');
    const counts = Object.fromEntries(
      Object.entries(MODELS).map(([name, m]) => {
        const model = m.create({ resize: 224 });
        const n = model.countParams();
        model.net.dispose();
        return [name, n];
      }),
    );
    // VGG-11 ¼ width by hand: convs 1→16→32→64→64→128→128→128→128 (3×3, with biases), dense 7·7·128 → 4096 → 4096 → 10
    const smallConvs = [
      [1, 16],
      [16, 32],
      [32, 64],
      [64, 64],
      [64, 128],
      [128, 128],
      [128, 128],
      [128, 128],
    ].reduce((s, [i, o]) => s + 9 * i! * o! + o!, 0);
    const head = (flat: number) => flat * 4096 + 4096 + 4096 * 4096 + 4096 + 4096 * 10 + 10;
    assert.deepEqual(counts, {
      nin: 1_992_166,
      alexnet: 46_764_746,
      vgg11: 128_806_154,
      'vgg11-small': smallConvs + head(7 * 7 * 128),
    });
  });

  it("AlexNet walks a 1×224×224×1 input through d2l's shapes", () => {
    assert.deepEqual(shapes('alexnet'), [
      'ZeroPadding2D: (1, 226, 226, 1)',
      'Conv2D: (1, 54, 54, 96)',
      'MaxPooling2D: (1, 26, 26, 96)',
      'Conv2D: (1, 26, 26, 256)',
      'MaxPooling2D: (1, 12, 12, 256)',
      'Conv2D: (1, 12, 12, 384)',
      'Conv2D: (1, 12, 12, 384)',
      'Conv2D: (1, 12, 12, 256)',
      'MaxPooling2D: (1, 5, 5, 256)',
      'Flatten: (1, 6400)',
      'Dense: (1, 4096)',
      'Dropout: (1, 4096)',
      'Dense: (1, 4096)',
      'Dropout: (1, 4096)',
      'Dense: (1, 10)',
    ]);
  });

  it("VGG-11 walks a 1×224×224×1 input through d2l's shapes, one line per block", () => {
    assert.deepEqual(shapes('vgg11'), [
      'Sequential: (1, 112, 112, 64)',
      'Sequential: (1, 56, 56, 128)',
      'Sequential: (1, 28, 28, 256)',
      'Sequential: (1, 14, 14, 512)',
      'Sequential: (1, 7, 7, 512)',
      'Flatten: (1, 25088)',
      'Dense: (1, 4096)',
      'Dropout: (1, 4096)',
      'Dense: (1, 4096)',
      'Dropout: (1, 4096)',
      'Dense: (1, 10)',
    ]);
  });

  it('VGG refuses inputs too small for its five 2×2 pools', () => {
    assert.throws(
      () => MODELS.vgg11.create({ resize: 31 }),
      /VGG with 5 blocks takes square inputs of at least 32×32 pixels.*got 31/,
    );
  });
});

describe('network cost', () => {
  it('counts MACs per layer kind as a hand computation does', () => {
    const alex = leafLayers(MODELS.alexnet.create({ resize: 224 }).net).map(layerCost);
    const nin = leafLayers(MODELS.nin.create({ resize: 224 }).net).map(layerCost);
    // strided 11×11 conv: every one of 54·54 positions × 96 filters reads an 11×11×1 window
    assert.equal(alex[1]!.macs, 54 * 54 * 96 * 11 * 11 * 1);
    // padded 5×5 conv on 96 channels
    assert.equal(alex[3]!.macs, 26 * 26 * 256 * 5 * 5 * 96);
    // 1×1 conv (NiN's "dense layer per pixel")
    assert.equal(nin[1]!.kind, 'Conv2D');
    assert.equal(nin[1]!.macs, 54 * 54 * 96 * 96);
    // dense: one MAC per weight
    assert.equal(alex[10]!.kind, 'Dense');
    assert.equal(alex[10]!.macs, 6400 * 4096);
    // pooling, padding, dropout and flatten do no MACs
    for (const l of [...alex, ...nin]) if (!['Conv2D', 'Dense'].includes(l.kind)) assert.equal(l.macs, 0, l.kind);
  });

  it('counts parameters in dense layers and activation memory per image', () => {
    const net = tf.sequential({
      layers: [
        tf.layers.conv2d({ inputShape: [8, 8, 1], filters: 4, kernelSize: 3, padding: 'same', activation: 'relu' }),
        tf.layers.maxPooling2d({ poolSize: 2 }),
        tf.layers.flatten(),
        tf.layers.dense({ units: 10 }),
      ],
    });
    const cost = networkCost(net);
    assert.equal(cost.params, 3 * 3 * 4 + 4 + 64 * 10 + 10);
    assert.equal(cost.denseParams, 650);
    assert.equal(cost.denseShare, 650 / 690);
    // input 64 + conv 256 + pool 64 + flatten 64 + logits 10 floats
    assert.equal(cost.activationBytes, 4 * (64 + 256 + 64 + 64 + 10));
    assert.equal(cost.macs, 8 * 8 * 4 * 9 + 64 * 10);
    assert.equal(networkCost(MODELS.nin.create({ resize: 224 }).net).denseShare, 0);
    const alex = networkCost(MODELS.alexnet.create({ resize: 224 }).net);
    assert.equal(alex.denseParams, 6400 * 4096 + 4096 + 4096 * 4096 + 4096 + 4096 * 10 + 10);
  });
});

describe('training the compared models on onednn', () => {
  // The loss and the dense head's gradients (dropout off, so both backends compute the same function) of a seeded
  // model at 67×67. The convolutions' own gradients are compared kernel by kernel in the engine tests: the CPU
  // backend's filter gradient would take half a minute here.
  async function gradients(name: ModelName, backend: 'cpu' | 'onednn') {
    await useBackend(backend);
    const model = MODELS[name].create({ resize: 67, seed: 3 });
    const x = tf.randomUniform([4, 67, 67, 1], 0, 1, 'float32', 5) as tf.Tensor4D;
    const y = tf.tensor1d([0, 3, 7, 9], 'int32');
    resetNativeCalls();
    const dense = model.net.layers
      .filter((l) => l.getClassName() === 'Dense')
      .flatMap((l) => l.trainableWeights.map((w) => w.read() as tf.Variable));
    const { value, grads } = tf.variableGrads(() => model.loss(model.forward(x, false), y), dense);
    const calls = nativeCallCounts();
    const out = {
      loss: value.dataSync()[0]!,
      grads: Object.values(grads).map((g) => g.dataSync() as Float32Array),
      calls,
    };
    tf.dispose([value, x, y, ...Object.values(grads)]);
    model.net.dispose();
    return out;
  }

  for (const name of ['alexnet', 'vgg11-small'] as const) {
    it(`${name}: the loss and the dense layers' gradients match the CPU backend, computed natively`, async () => {
      const cpu = await gradients(name, 'cpu');
      const onednn = await gradients(name, 'onednn');
      assert.equal(onednn.grads.length, 6);
      for (const entry of ['conv2d', 'matmul']) assert.ok(onednn.calls.get(entry), `native ${entry} ran`);
      assertClose([onednn.loss], [cpu.loss], 1e-5, 1e-4, `${name} loss`);
      onednn.grads.forEach((g, i) =>
        assertClose(g, cpu.grads[i]!, 1e-4 * Math.max(maxAbs(cpu.grads[i]!), 1e-6), 1e-3, `${name} gradient ${i}`),
      );
    });
  }
});
