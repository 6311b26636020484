// d2l's VGG (Simonyan & Zisserman, 2014): blocks of 3×3 ReLU convolutions, each ending in a 2×2/2 max-pool, then
// the 4096-4096 head. VGG-11 has 128,806,154 parameters at 224; d2l trains it narrowed 4× to save time.
import * as tf from '@tensorflow/tfjs';

import { ImageClassifier, type ImageClassifierOptions } from './classifier.js';
import { checkInputSide, type SpatialWindow, smallestInputSide } from './input_side.js';
import { denseHead, outputShape, paddedConv2d } from './layers.js';

/** (number of convolutions, output channels) of each block */
export type VggArch = readonly (readonly [number, number])[];

export const VGG11: VggArch = [
  [1, 64],
  [1, 128],
  [2, 256],
  [2, 512],
  [2, 512],
];
/** d2l's narrowed VGG-11: every block's channels ÷ 4 (the dense head keeps 4096 units) */
export const VGG11_SMALL: VggArch = VGG11.map(([convs, channels]) => [convs, channels / 4] as const);

/** A VGG's windows in build order: per block its 3×3 pad-1 convolutions (they keep the side) and a 2×2/2 max-pool. */
export function vggWindows(arch: VggArch): SpatialWindow[] {
  return arch.flatMap(([numConvs]) => [
    ...Array.from({ length: numConvs }, () => ({ kernel: 3, stride: 1, padding: 1 })),
    { kernel: 2, stride: 2, padding: 0 },
  ]);
}

/** `numConvs` 3×3 pad-1 ReLU convolutions and a 2×2/2 max-pool, as one nested Sequential. */
export function vggBlock(numConvs: number, outChannels: number, inputShape: number[]): tf.Sequential {
  const block = tf.sequential();
  for (let i = 0; i < numConvs; i++) {
    for (const layer of paddedConv2d({
      filters: outChannels,
      kernelSize: 3,
      padding: 1,
      ...(i === 0 ? { inputShape } : {}),
    }))
      block.add(layer);
  }
  block.add(tf.layers.maxPooling2d({ poolSize: 2, strides: 2 }));
  return block;
}

export interface VGGOptions extends ImageClassifierOptions {
  arch?: VggArch;
}

export class VGG extends ImageClassifier {
  readonly arch: VggArch;

  constructor({ arch = VGG11, ...options }: VGGOptions = {}) {
    checkInputSide(`VGG with ${arch.length} blocks`, options.resize ?? 224, smallestInputSide(vggWindows(arch)));
    super(options, 0.01, (size, numClasses) => {
      const net = tf.sequential();
      for (const [numConvs, channels] of arch)
        net.add(vggBlock(numConvs, channels, net.layers.length ? outputShape(net) : [size, size, 1]));
      for (const layer of denseHead(4096, numClasses)) net.add(layer);
      return net;
    });
    this.arch = arch;
  }
}
