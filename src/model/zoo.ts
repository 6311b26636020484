// The chapter's models by name: NiN and the two networks it is compared with. The one place for a model's facts:
// what tables call it, its learning rates (d2l's, and the robust recipe's peak AdamW rate), the smallest input its
// layers take, and how to build it. The commands, the data checks, the web page and nin compare read them here.
import { ALEXNET_MIN_SIDE, AlexNet } from './alexnet.js';
import type { ImageClassifier, ImageClassifierOptions } from './classifier.js';
import { smallestInputSide } from './input_side.js';
import { NIN_MIN_SIDE, NiN } from './nin.js';
import { VGG, VGG11, VGG11_SMALL, vggWindows } from './vgg.js';

export interface ModelEntry {
  /** what the reader sees in tables and charts */
  label: string;
  /** the learning rate d2l trains it with (SGD) */
  lr: number;
  /** the peak learning rate of the robust recipe (AdamW) */
  robustLr: number;
  /** the smallest square input side it takes, from its layers' windows */
  minSide: number;
  create(options: ImageClassifierOptions): ImageClassifier;
}

export const MODELS = {
  nin: { label: 'NiN', lr: 0.05, robustLr: 0.002, minSide: NIN_MIN_SIDE, create: (o) => new NiN(o) },
  // robustLr: best of 0.0003, 0.001, 0.003 at 67 px, 3 epochs (README)
  alexnet: { label: 'AlexNet', lr: 0.01, robustLr: 0.001, minSide: ALEXNET_MIN_SIDE, create: (o) => new AlexNet(o) },
  vgg11: {
    label: 'VGG-11',
    lr: 0.01,
    robustLr: 0.001,
    minSide: smallestInputSide(vggWindows(VGG11)),
    create: (o) => new VGG({ ...o, arch: VGG11 }),
  },
  'vgg11-small': {
    label: 'VGG-11 (¼ width)',
    lr: 0.01,
    robustLr: 0.003, // best of 0.0003, 0.001, 0.003, 0.01 at 67 px, 3 epochs (README)
    minSide: smallestInputSide(vggWindows(VGG11_SMALL)),
    create: (o) => new VGG({ ...o, arch: VGG11_SMALL }),
  },
} satisfies Record<string, ModelEntry>;

export type ModelName = keyof typeof MODELS;
export const MODEL_NAMES = Object.keys(MODELS) as ModelName[];
