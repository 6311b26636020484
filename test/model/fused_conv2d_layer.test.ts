// The models' conv layers (FusedConv2DLayer) train as one FusedConv2D kernel each, give the outputs and gradients
// of a stock tf.layers.conv2d with the same weights, and are saved as a stock Conv2D.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import * as tf from '@tensorflow/tfjs';

import { useBackend } from '../../src/engine/backend.js';
import { FusedConv2DLayer } from '../../src/model/fused_conv2d_layer.js';

const args = {
  filters: 8,
  kernelSize: 3,
  padding: 'same' as const,
  activation: 'relu' as const,
  inputShape: [10, 10, 4],
};

function twoNets(): [tf.Sequential, tf.Sequential] {
  const fused = tf.sequential({ layers: [new FusedConv2DLayer(args)] });
  const stock = tf.sequential({ layers: [tf.layers.conv2d(args)] });
  stock.setWeights(fused.getWeights());
  return [fused, stock];
}

describe('FusedConv2DLayer', () => {
  it('trains as one FusedConv2D kernel with the outputs and gradients of tf.layers.conv2d', async () => {
    await useBackend('onednn');
    const [fused, stock] = twoNets();
    const x = tf.randomNormal([3, 10, 10, 4], 0, 1, 'float32', 9);
    const run = (net: tf.Sequential) =>
      tf.variableGrads(
        () => tf.sum(tf.square(net.apply(x, { training: true }) as tf.Tensor)),
        net.trainableWeights.map((w) => w.read() as tf.Variable),
      );
    const kernels: string[] = [];
    const profile = await tf.profile(() => {
      run(fused);
    });
    kernels.push(...profile.kernels.map((k) => k.name));
    assert.equal(kernels.filter((k) => k === 'FusedConv2D').length, 1);
    assert.ok(!kernels.includes('Conv2D') && !kernels.includes('Relu'), kernels.join(','));
    const a = run(fused),
      b = run(stock);
    assert.ok(Math.abs(a.value.dataSync()[0]! - b.value.dataSync()[0]!) < 1e-3);
    const ga = Object.values(a.grads),
      gb = Object.values(b.grads);
    ga.forEach((g, i) => {
      const d = tf.max(tf.abs(tf.sub(g, gb[i]!))).dataSync()[0]!;
      assert.ok(d < 1e-4, `gradient ${i} differs by ${d}`);
    });
    tf.dispose([a.value, b.value, ...ga, ...gb, x]);
    fused.dispose();
    stock.dispose();
  });

  it('is saved as a stock Conv2D, which stock TF.js loads', async () => {
    await useBackend('onednn');
    const [fused] = twoNets();
    let saved: tf.io.ModelArtifacts | undefined;
    await fused.save(
      tf.io.withSaveHandler(async (artifacts) => {
        saved = artifacts;
        return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
      }),
    );
    assert.match(JSON.stringify(saved!.modelTopology), /"class_name":"Conv2D"/);
    const loaded = await tf.loadLayersModel(tf.io.fromMemory(saved!));
    assert.equal(loaded.layers[0]!.getClassName(), 'Conv2D');
    assert.ok(!(loaded.layers[0] instanceof FusedConv2DLayer));
    const x = tf.randomNormal([2, 10, 10, 4], 0, 1, 'float32', 3);
    const d = tf.max(tf.abs(tf.sub(loaded.predict(x) as tf.Tensor, fused.predict(x) as tf.Tensor))).dataSync()[0]!;
    assert.ok(d < 1e-5);
  });
});
