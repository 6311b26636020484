// NiN's class confidence maps: the last block's channels before the global average pooling. What makes them class
// maps: each map's mean is the model's logit for its class. The same maps on onednn as on cpu; none for models
// whose scores come from dense layers; 1×1 maps (nothing to show) said so, with the input sizes that give more.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';

import * as tf from '@tensorflow/tfjs';

import { useBackend } from '../../src/engine/backend.js';
import { explainImages } from '../../src/explain/explain_images.js';
import { upsampleMap } from '../../src/explain/heat_map.js';
import { classMapModel, classMaps, ClassMapsError, mapSideAt, noMapReason } from '../../src/model/class_maps.js';
import { NiN } from '../../src/model/nin.js';
import { MODELS } from '../../src/model/zoo.js';
import { assertClose, values } from '../engine/helpers.js';

const trainedLike = (resize: number) => new NiN({ resize, seed: 3, init: 'he', lastBias: 1 });

describe('class confidence maps', () => {
  before(() => useBackend('onednn'));

  it('have the side the chapter gives for each input size: 5×5 at 224, 3×3 at 160, 2×2 at 128, 1×1 at 96 and 67', () => {
    const nin = trainedLike(224);
    assert.deepEqual(
      [224, 160, 128, 96, 67].map((side) => mapSideAt(nin.net, side)),
      [5, 3, 2, 1, 1],
    );
    nin.net.dispose();
  });

  it("average to the model's logits (within 1e-5), one map per class, all ≥ 0", () => {
    const nin = trainedLike(224);
    const x = tf.tensor4d(values([2, 224, 224, 1], 7, 0, 1), [2, 224, 224, 1]);
    const maps = classMaps(classMapModel(tf, nin.net), x);
    const logits = (nin.net.predict(x) as tf.Tensor).arraySync() as number[][];
    assert.equal(maps.length, 2);
    maps.forEach((m, b) => {
      assert.deepEqual([m.height, m.width, m.maps.length], [5, 5, 10]);
      const means = m.maps.map((map) => map.reduce((a, v) => a + v, 0) / map.length);
      assertClose(means, logits[b]!, 1e-5, 0, `image ${b}: map means vs logits`);
      assertClose(m.logits, logits[b]!, 1e-6, 0, `image ${b}: logits`);
      assert.ok(
        m.maps.every((map) => map.every((v) => v >= 0)),
        'ReLU outputs',
      );
      assert.ok(Math.abs(m.probabilities.reduce((a, p) => a + p, 0) - 1) < 1e-6);
    });
    x.dispose();
    nin.net.dispose();
  });

  it("are computed by one map model per model, which follows the model's weights as they change", () => {
    const nin = trainedLike(96);
    const mapModel = classMapModel(tf, nin.net);
    assert.equal(classMapModel(tf, nin.net), mapModel, 'made once');
    const x = tf.tensor4d(values([1, 96, 96, 1], 3, 0, 1), [1, 96, 96, 1]);
    const before = classMaps(mapModel, x)[0]!.logits;
    nin.net.setWeights(nin.net.getWeights().map((w) => tf.mul(w, 1.5)));
    const after = classMaps(classMapModel(tf, nin.net), x)[0]!.logits;
    const logits = (nin.net.predict(x) as tf.Tensor).dataSync();
    assert.notDeepEqual(after, before);
    assertClose(after, Array.from(logits), 1e-6, 0, 'the logits of the changed weights');
    x.dispose();
    nin.net.dispose();
  });

  it('are the same on onednn as on cpu', async () => {
    const nin = trainedLike(128);
    const input = values([1, 128, 128, 1], 11, 0, 1);
    const mapsOn = async (backend: 'cpu' | 'onednn') => {
      await useBackend(backend);
      const x = tf.tensor4d(input, [1, 128, 128, 1]);
      const [m] = classMaps(classMapModel(tf, nin.net), x);
      x.dispose();
      return m!;
    };
    const cpu = await mapsOn('cpu');
    const onednn = await mapsOn('onednn');
    cpu.maps.forEach((map, k) => assertClose(onednn.maps[k]!, map, 1e-4, 1e-4, `class ${k}`));
    assert.ok(
      cpu.maps.some((map) => map.some((v) => v > 0)),
      'the maps are not all 0',
    );
    nin.net.dispose();
  });

  it('do not exist for AlexNet and VGG, whose scores come from dense layers', () => {
    for (const name of ['alexnet', 'vgg11-small'] as const) {
      const model = MODELS[name].create({ resize: 67, seed: 1 });
      assert.throws(
        () => classMapModel(tf, model.net),
        (e: Error) => e instanceof ClassMapsError && /fully connected layers/.test(e.message),
        name,
      );
      model.net.dispose();
    }
  });

  it('at 1×1 show nothing, and the reason names the input sizes that give larger maps', () => {
    const nin = trainedLike(67);
    const reason = noMapReason(nin.net, 67)!;
    assert.match(reason, /input size \(67×67\) each class map is 1×1/);
    const sizes = [...reason.matchAll(/(\d+)×\1 from (\d+) px/g)].map((m) => [Number(m[1]), Number(m[2])]);
    assert.ok(sizes.length >= 3, reason);
    for (const [mapSide, side] of sizes) {
      assert.equal(mapSideAt(nin.net, side!), mapSide, `${side} px gives ${mapSide}×${mapSide}`);
      assert.ok(mapSideAt(nin.net, side! - 1) < mapSide!, `${side} px is the smallest for ${mapSide}×${mapSide}`);
    }
    assert.equal(noMapReason(nin.net, 128), undefined);
    const image = { name: 'zeros', pixels: new Uint8Array(784) };
    assert.throws(() => explainImages(tf, nin.net, 67, [image], 'all'), ClassMapsError);
    nin.net.dispose();
  });

  it('are upsampled bilinearly over the image: a constant map stays constant, a 2×2 map keeps its corners', () => {
    assert.ok(upsampleMap([3, 3, 3, 3], 2, 2, 8).every((v) => Math.abs(v - 3) < 1e-6));
    const up = upsampleMap([0, 1, 2, 3], 2, 2, 8);
    assert.deepEqual([up[0], up[7], up[56], up[63]], [0, 1, 2, 3]);
    assert.ok(up.every((v) => v >= 0 && v <= 3));
  });
});
