// The chapter's models by name, each with its learning rates: d2l's, and the peak rate of the robust recipe (AdamW).
// NiN and the two networks it is compared with.
import { AlexNet } from './alexnet.js';
import type { ImageClassifier, ImageClassifierOptions } from './classifier.js';
import { NiN } from './nin.js';
import { VGG, VGG11, VGG11_SMALL } from './vgg.js';

export interface ModelEntry {
  /** what the reader sees in tables and charts */
  label: string;
  /** the learning rate d2l trains it with (SGD) */
  lr: number;
  /** the peak learning rate of the robust recipe (AdamW) */
  robustLr: number;
  create(options: ImageClassifierOptions): ImageClassifier;
}

export const MODELS = {
  nin: { label: 'NiN', lr: 0.05, robustLr: 0.002, create: (o) => new NiN(o) },
  alexnet: { label: 'AlexNet', lr: 0.01, robustLr: 0.001, create: (o) => new AlexNet(o) },
  vgg11: { label: 'VGG-11', lr: 0.01, robustLr: 0.001, create: (o) => new VGG({ ...o, arch: VGG11 }) },
  'vgg11-small': { label: 'VGG-11 (¼ width)', lr: 0.01, robustLr: 0.001, create: (o) => new VGG({ ...o, arch: VGG11_SMALL }) },
} satisfies Record<string, ModelEntry>;

export type ModelName = keyof typeof MODELS;
export const MODEL_NAMES = Object.keys(MODELS) as ModelName[];
