// The data layer's public API: Fashion-MNIST as a d2l-style DataModule, the raw reader, and the preprocessing
// shared by training, evaluation and the web page.
export { DataError } from './data_error.js';
export { FashionMNIST, type FashionMNISTOptions, type LoadedFashionMNIST } from './fashion_mnist.js';
export type { Batch } from './prefetch_batches.js';
export { readFashionMnistSplit, type ParsedFile, type RawSplit, type ReadSplitOptions } from './read_split.js';
export {
  DEBIAN_DATASET_DIR,
  OFFICIAL_MIRROR,
  defaultCacheDir,
  mirrorUrl,
  type DataSourceOptions,
} from './data_sources.js';
export {
  FASHION_MNIST_DIGESTS,
  IMAGE_PIXELS,
  IMAGE_SIDE,
  NUM_CLASSES,
  SPLIT_FILES,
  type ExpectedDigests,
  type FileDigest,
  type IdxFileName,
  type Split,
} from './fashion_mnist_files.js';
export { IMAGES_MAGIC, LABELS_MAGIC } from './idx_format.js';
export { BilinearResizer, halfPixelAxisTable } from './bilinear_resize.js';
export { PIXEL_SCALE, checkResize, imageToModelInput, imagesToModelInput, resizeBatch } from './model_input.js';
export { TEXT_LABELS, textLabels, type TextLabel } from './text_labels.js';
export { epochPermutation } from './shuffle.js';
export { mixSeed, mulberry32 } from '../util/seeded_random.js';
export type { ProgressSink } from '../util/progress_bar.js';
