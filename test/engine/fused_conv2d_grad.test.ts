// The gradient the engine registers for FusedConv2D (conv + bias + ReLU/linear), which lets a conv layer train as
// one kernel: on both backends it gives the gradients of TF.js's unfused Conv2D → Add → Relu, it skips the data
// gradient of a network's input, and on onednn the filter and bias gradients come from one native call.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';

import * as tf from '@tensorflow/tfjs';

import { CONV2D_BACKPROP_FILTER_BIAS } from '../../src/engine/custom_kernels.js';
import { type Backend, assertClose, nativeCallCounts, runOn, setup, values } from './helpers.js';

before(() => setup());

type Pad = 'same' | 'valid';
const cases: {
  label: string;
  x: number[];
  filter: number[];
  strides: number;
  pad: Pad;
  activation: 'relu' | 'linear';
}[] = [
  { label: '5x5 same, ReLU', x: [2, 9, 9, 6], filter: [5, 5, 6, 8], strides: 1, pad: 'same', activation: 'relu' },
  { label: '3x3/2 valid, ReLU', x: [3, 11, 11, 4], filter: [3, 3, 4, 5], strides: 2, pad: 'valid', activation: 'relu' },
  { label: '1x1, linear', x: [2, 7, 7, 12], filter: [1, 1, 12, 10], strides: 1, pad: 'valid', activation: 'linear' },
];

/** [y, dx, dfilter, dbias] of sum(f(x) · dy) with f fused (one FusedConv2D kernel) or stock (Conv2D → Add → act). */
function gradients(c: (typeof cases)[number], fused: boolean): tf.Tensor[] {
  const x = tf.tensor4d(values(c.x, 1), c.x as [number, number, number, number]);
  const w = tf.tensor4d(values(c.filter, 2, -0.5, 0.5), c.filter as [number, number, number, number]);
  const b = tf.tensor1d(values([c.filter[3]!], 3));
  const f = (xt: tf.Tensor, wt: tf.Tensor, bt: tf.Tensor) => {
    const attrs = { strides: c.strides, pad: c.pad, dataFormat: 'NHWC', dilations: 1, activation: c.activation };
    if (fused) return tf.engine().runKernel(tf.FusedConv2D, { x: xt, filter: wt, bias: bt }, attrs) as tf.Tensor;
    const z = tf.add(tf.conv2d(xt as tf.Tensor4D, wt as tf.Tensor4D, c.strides, c.pad), bt);
    return c.activation === 'relu' ? tf.relu(z) : z;
  };
  const y = f(x, w, b);
  const dy = tf.tensor(values(y.shape, 4), y.shape);
  return [y, ...tf.grads(f)([x, w, b], dy)];
}

describe('the FusedConv2D gradient', () => {
  for (const backend of ['cpu', 'onednn'] as Backend[]) {
    for (const c of cases) {
      it(`${c.label} on ${backend}: the gradients of Conv2D → Add → activation`, async () => {
        const stock = (await runOn(backend, () => gradients(c, false))).results;
        const { results: fused, calls } = await runOn(backend, () => gradients(c, true));
        ['y', 'dx', 'dfilter', 'dbias'].forEach((name, i) =>
          assertClose(fused[i]!.values, stock[i]!.values, 1e-5, 1e-5, `${c.label} on ${backend} [${name}]`),
        );
        if (backend === 'onednn')
          assert.equal(calls.get('conv2dBackpropFilter'), 1, 'filter and bias gradients in one native call');
      });
    }
  }

  it('computes no data gradient for an input that is not differentiated (a network input)', async () => {
    await runOn('onednn', () => {
      const x = tf.tensor4d(values([2, 8, 8, 3], 5), [2, 8, 8, 3]);
      const w = tf.variable(tf.tensor4d(values([3, 3, 3, 4], 6), [3, 3, 3, 4]));
      const b = tf.variable(tf.zeros([4]));
      const { grads } = tf.variableGrads(
        () =>
          tf.sum(
            tf
              .engine()
              .runKernel(
                tf.FusedConv2D,
                { x, filter: w, bias: b },
                { strides: 1, pad: 'same', dataFormat: 'NHWC', dilations: 1, activation: 'relu' },
              ) as tf.Tensor,
          ),
        [w, b],
      );
      const out = [grads[w.name]!, grads[b.name]!];
      w.dispose();
      b.dispose();
      return out;
    });
    assert.equal(nativeCallCounts().get('conv2dBackpropFilter'), 1);
    assert.equal(nativeCallCounts().get('conv2dBackpropInput') ?? 0, 0);
  });

  it(`${CONV2D_BACKPROP_FILTER_BIAS} on onednn equals Conv2DBackpropFilter and a sum of dy`, async () => {
    const { results } = await runOn('onednn', () => {
      const x = tf.tensor4d(values([2, 10, 10, 5], 7), [2, 10, 10, 5]),
        dy = tf.tensor4d(values([2, 10, 10, 6], 8), [2, 10, 10, 6]);
      const attrs = {
        strides: 1,
        pad: 'same',
        dataFormat: 'NHWC',
        dimRoundingMode: undefined,
        filterShape: [3, 3, 5, 6],
      };
      const fused = tf
        .engine()
        .runKernel(CONV2D_BACKPROP_FILTER_BIAS, { x, dy }, attrs as unknown as tf.NamedAttrMap) as tf.Tensor[];
      return [
        ...fused,
        tf.engine().runKernel(tf.Conv2DBackpropFilter, { x, dy }, attrs as unknown as tf.NamedAttrMap) as tf.Tensor,
        tf.sum(dy, [0, 1, 2]),
      ];
    });
    assertClose(results[0]!.values, results[2]!.values, 1e-5, 1e-5, 'filter gradient');
    assertClose(results[1]!.values, results[3]!.values, 1e-5, 1e-5, 'bias gradient');
  });
});
