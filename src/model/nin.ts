// Network in Network (Lin et al., 2014) as in d2l's chapter: four NiN blocks, max-pools between, dropout before
// the last block, global average pooling and flatten. No fully connected layer.
import * as tf from '@tensorflow/tfjs';

/** A conv with the chapter's explicit symmetric padding: 'same' where that is equal, else zero-padding + 'valid'. */
function paddedConv(filters: number, kernelSize: number, strides: number, padding: number, inputShape?: number[]): tf.layers.Layer[] {
  const conv = (pad: 'same' | 'valid', withInput: boolean) =>
    tf.layers.conv2d({
      filters, kernelSize, strides, padding: pad, activation: 'relu', kernelInitializer: 'glorotUniform',
      ...(withInput && inputShape ? { inputShape } : {}),
    });
  if (padding === 0) return [conv('valid', true)];
  if (strides === 1 && 2 * padding === kernelSize - 1) return [conv('same', true)];
  return [tf.layers.zeroPadding2d({ padding, ...(inputShape ? { inputShape } : {}) }), conv('valid', false)];
}

/** conv → ReLU → 1×1 conv → ReLU → 1×1 conv → ReLU, as one nested Sequential (one line of the layer walk). */
export function ninBlock(outChannels: number, kernelSize: number, strides: number, padding: number, inputShape?: number[]): tf.Sequential {
  const block = tf.sequential();
  for (const layer of paddedConv(outChannels, kernelSize, strides, padding, inputShape)) block.add(layer);
  block.add(tf.layers.conv2d({ filters: outChannels, kernelSize: 1, activation: 'relu' }));
  block.add(tf.layers.conv2d({ filters: outChannels, kernelSize: 1, activation: 'relu' }));
  return block;
}

/** The chapter's NiN for inputs of [size, size, 1]. */
export function buildNiN(size: number, numClasses = 10): tf.Sequential {
  const net = tf.sequential();
  const maxPool = () => tf.layers.maxPooling2d({ poolSize: 3, strides: 2 });
  net.add(ninBlock(96, 11, 4, 0, [size, size, 1]));
  net.add(maxPool());
  const shape = () => (net.outputs[0]!.shape as number[]).slice(1);
  net.add(ninBlock(256, 5, 1, 2, shape()));
  net.add(maxPool());
  net.add(ninBlock(384, 3, 1, 1, shape()));
  net.add(maxPool());
  net.add(tf.layers.dropout({ rate: 0.5 }));
  net.add(ninBlock(numClasses, 3, 1, 1, shape()));
  const [h, w] = shape();
  net.add(tf.layers.averagePooling2d({ poolSize: [h!, w!], strides: [h!, w!], padding: 'valid' })); // global
  net.add(tf.layers.flatten());
  return net;
}
