// Each model's smallest input side is derived from the windows it builds from, and those windows are the network's:
// the models' own layers (TF.js's shapes) give the side the windows predict, build at the smallest side, and refuse
// one pixel less with an error that names the minimum.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import * as tf from '@tensorflow/tfjs';

import { ALEXNET_WINDOWS } from '../../src/model/alexnet.js';
import { sideAfter, smallestInputSide, type SpatialWindow } from '../../src/model/input_side.js';
import { NIN_WINDOWS } from '../../src/model/nin.js';
import { VGG11, VGG11_SMALL, vggWindows } from '../../src/model/vgg.js';
import { MODELS, type ModelName } from '../../src/model/zoo.js';

/** The side of the last feature map before the classifier part (NiN's last block, AlexNet's last pool, VGG's last block). */
function featureSide(net: tf.LayersModel): number {
  const spatial = net.layers.filter((l) => l instanceof tf.Sequential || l.getClassName() === 'MaxPooling2D');
  return (spatial.at(-1)!.outputShape as number[])[1]!;
}

const cases: [ModelName, readonly SpatialWindow[]][] = [
  ['nin', NIN_WINDOWS],
  ['alexnet', ALEXNET_WINDOWS],
  ['vgg11-small', vggWindows(VGG11_SMALL)],
];

describe("models' smallest input sides", () => {
  it("are the chapter's: NiN 67 (224 → 54 → 26 → 12 → 5), AlexNet 65, VGG-11 32 at either width", () => {
    assert.deepEqual(
      [MODELS.nin.minSide, MODELS.alexnet.minSide, MODELS.vgg11.minSide, MODELS['vgg11-small'].minSide],
      [67, 65, 32, 32],
    );
    assert.equal(sideAfter(224, NIN_WINDOWS), 5);
    assert.equal(sideAfter(66, NIN_WINDOWS), 0);
    assert.equal(smallestInputSide(vggWindows(VGG11)), 32);
  });

  for (const [name, windows] of cases) {
    it(`${name}: its layers give the side its windows predict, it builds at ${MODELS[name].minSide} and refuses ${MODELS[name].minSide - 1}`, () => {
      const min = MODELS[name].minSide;
      assert.equal(min, smallestInputSide(windows));
      for (const side of [min, min + 13, 224]) {
        const model = MODELS[name].create({ resize: side });
        assert.equal(featureSide(model.net), sideAfter(side, windows), `${name} at ${side}`);
        model.net.dispose();
      }
      assert.ok(sideAfter(min, windows) >= 1 && sideAfter(min - 1, windows) === 0);
      assert.throws(
        () => MODELS[name].create({ resize: min - 1 }),
        new RegExp(`at least ${min}×${min} pixels.*got ${min - 1}`),
      );
    });
  }
});
