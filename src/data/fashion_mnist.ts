// d2l's FashionMNIST DataModule: verified idx files, a seeded shuffle per epoch for training, the test split in
// file order for validation, and batches resized lazily (a 224² copy of all 60000 images would take 12 GB) in a
// worker thread while the model computes.
import { augmentationOf, isIdentity, type Augmentation } from './augment.js';
import { BilinearResizer } from './bilinear_resize.js';
import { DataError } from './data_error.js';
import type { DataSourceOptions } from './data_sources.js';
import { IMAGE_SIDE, type IdxFileName } from './fashion_mnist_files.js';
import { checkResize } from './model_input.js';
import { resizeBatch } from './model_input.js';
import { prefetchBatches, type Batch, type PreparedBatch } from './prefetch_batches.js';
import { readFashionMnistSplit, type ParsedFile, type RawSplit } from './read_split.js';
import { ResizeWorker } from './resize_worker_client.js';
import type { AugmentRequest } from './resize_worker_protocol.js';
import { epochPermutation } from './shuffle.js';
import { TEXT_LABELS, textLabels, type TextLabel } from './text_labels.js';

export interface FashionMNISTOptions extends DataSourceOptions {
  /** Examples per batch; the last batch of an epoch may be smaller (it is kept, not dropped). */
  readonly batchSize: number;
  /** Side of the square model input, a positive integer (d2l uses 224; each model's smallest: MODELS[name].minSide). */
  readonly resize: number;
  /** Seed of the training shuffle; epoch e uses a permutation derived from (seed, e). */
  readonly seed: number;
  /** Use only the first N training examples of the file (shuffled among themselves). */
  readonly limitTrain?: number;
  /** Use only the first N test (validation) examples of the file. */
  readonly limitTest?: number;
  /** Batches prepared ahead in the resize worker (default 2); 0 resizes on the main thread when asked. */
  readonly prefetch?: number;
  /** Training images are translated and flipped at random (drawn from seed, epoch and index); default: none. */
  readonly augment?: Augmentation;
}

export interface LoadedFashionMNIST {
  readonly train: RawSplit;
  /** The test split, used for validation as in d2l. */
  readonly val: RawSplit;
  readonly trainBatches: number;
  readonly valBatches: number;
  /** Decompressed size and SHA-256 of the four files read, for a run record. */
  readonly checksums: Readonly<Record<IdxFileName, ParsedFile>>;
}

const DEFAULT_PREFETCH = 2;
const MAX_PREFETCH = 16;

function checkInteger(name: string, value: number | undefined, min: number, max: number, fix: string): void {
  if (value === undefined) return;
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new DataError(`FashionMNIST ${name} is ${value}; expected an integer from ${min} to ${max}; ${fix}`);
  }
}

export class FashionMNIST {
  readonly batchSize: number;
  readonly resize: number;
  readonly seed: number;
  readonly prefetch: number;
  /** the class names by label, as d2l's text_labels gives them */
  readonly classNames: readonly string[] = TEXT_LABELS;
  private readonly options: FashionMNISTOptions;
  private loading: Promise<LoadedFashionMNIST> | undefined;
  private loaded: LoadedFashionMNIST | undefined;
  private readonly worker = new ResizeWorker();
  private inlineResizer: BilinearResizer | undefined;
  private nextEpoch = 0;

  /** Checks the options now; the files are read by prepare() or the first dataloader. */
  constructor(options: FashionMNISTOptions) {
    if (options.batchSize === undefined) throw new DataError('FashionMNIST option batchSize is missing; d2l uses 128');
    checkInteger('option batchSize', options.batchSize, 1, 2 ** 20, 'd2l uses 128');
    checkResize(options.resize);
    if (!Number.isSafeInteger(options.seed)) {
      throw new DataError(`FashionMNIST option seed is ${options.seed}; expected an integer, e.g. 0`);
    }
    // The upper bound (the examples in the file) is checked when the files are read.
    checkInteger(
      'option limitTrain',
      options.limitTrain,
      1,
      Number.MAX_SAFE_INTEGER,
      'omit it to use every training example',
    );
    checkInteger(
      'option limitTest',
      options.limitTest,
      1,
      Number.MAX_SAFE_INTEGER,
      'omit it to use every test example',
    );
    checkInteger('option prefetch', options.prefetch, 0, MAX_PREFETCH, '2 is plenty');
    checkInteger('option augment.translate', options.augment?.translate, 0, 8, 'a few pixels (2) is usual');
    this.options = options;
    this.batchSize = options.batchSize;
    this.resize = options.resize;
    this.seed = options.seed;
    this.prefetch = options.prefetch ?? DEFAULT_PREFETCH;
  }

  /** Reads and verifies both splits once; later calls return the same result. */
  prepare(): Promise<LoadedFashionMNIST> {
    this.loading ??= this.read().then(
      (loaded) => (this.loaded = loaded),
      (error: unknown) => {
        this.loading = undefined; // a failed load (e.g. a missing file) may be retried once the user has fixed it
        throw error;
      },
    );
    return this.loading;
  }

  numTrainExamples(): number {
    return this.prepared().train.count;
  }

  numValExamples(): number {
    return this.prepared().val.count;
  }

  numTrainBatches(): number {
    return this.prepared().trainBatches;
  }

  numValBatches(): number {
    return this.prepared().valBatches;
  }

  /** Decompressed size and SHA-256 of the four files read, for a run record. */
  checksums(): Readonly<Record<IdxFileName, ParsedFile>> {
    return this.prepared().checksums;
  }

  /**
   * Training batches of epoch `epoch` (default: 0, 1, 2, … on successive calls), shuffled by (seed, epoch), from
   * batch `startBatch` on (default 0; a resumed run skips the batches it has trained on, in the same order).
   */
  trainDataloader(epoch: number = this.nextEpoch++, startBatch = 0): AsyncGenerator<Batch, void, undefined> {
    checkInteger('trainDataloader epoch', epoch, 0, 2 ** 32 - 1, 'count epochs from 0');
    checkInteger('trainDataloader startBatch', startBatch, 0, Number.MAX_SAFE_INTEGER, 'count batches from 0');
    const augment = isIdentity(this.options.augment)
      ? undefined
      : { augmentation: this.options.augment!, seed: this.seed, epoch };
    return this.splitBatches('train', (count) => epochPermutation(count, this.seed, epoch), startBatch, augment);
  }

  /** Validation (test split) batches, in file order. */
  valDataloader(): AsyncGenerator<Batch, void, undefined> {
    return this.splitBatches('val', (count) => Int32Array.from({ length: count }, (_, i) => i));
  }

  /** Class names of label indices (d2l's text_labels). */
  textLabels(indices: Iterable<number>): TextLabel[] {
    return textLabels(indices);
  }

  /** Stops the resize worker. Iterating again restarts it. */
  close(): Promise<void> {
    return this.worker.close();
  }

  private prepared(): LoadedFashionMNIST {
    if (!this.loaded) throw new Error('FashionMNIST: the data is not read yet; await data.prepare() first');
    return this.loaded;
  }

  private async read(): Promise<LoadedFashionMNIST> {
    const train = await readFashionMnistSplit('train', { ...this.options, limit: this.options.limitTrain });
    const val = await readFashionMnistSplit('test', { ...this.options, limit: this.options.limitTest });
    const checksums = {} as Record<IdxFileName, ParsedFile>;
    for (const file of [train.files.images, train.files.labels, val.files.images, val.files.labels])
      checksums[file.name] = file;
    return {
      train,
      val,
      trainBatches: Math.ceil(train.count / this.batchSize),
      valBatches: Math.ceil(val.count / this.batchSize),
      checksums,
    };
  }

  private async *splitBatches(
    which: 'train' | 'val',
    orderOf: (count: number) => Int32Array,
    startBatch = 0,
    augment?: AugmentRequest,
  ): AsyncGenerator<Batch, void, undefined> {
    const split = (await this.prepare())[which];
    yield* this.batches(split, orderOf(split.count), startBatch, augment);
  }

  private batches(
    split: RawSplit,
    order: Int32Array,
    startBatch: number,
    augment?: AugmentRequest,
  ): AsyncGenerator<Batch, void, undefined> {
    const batchCount = Math.ceil(order.length / this.batchSize);
    const prepare = async (index: number): Promise<PreparedBatch> => {
      const indices = order.slice(index * this.batchSize, Math.min((index + 1) * this.batchSize, order.length));
      const size = indices.length;
      const y = new Int32Array(size);
      for (let i = 0; i < size; i++) y[i] = split.labels[indices[i]!]!;
      const shape = [size, this.resize, this.resize, 1] as const;
      // The worker takes ownership of `indices` (transferred), so the labels are gathered first.
      const x =
        this.prefetch === 0
          ? resizeBatch(split.images, indices, this.resizer(), augmentationOf(augment))
          : await this.worker.resize(split.images, indices, this.resize, augment);
      return { x, y, size, index, shape };
    };
    return prefetchBatches(batchCount, prepare, this.prefetch, startBatch);
  }

  private resizer(): BilinearResizer {
    this.inlineResizer ??= new BilinearResizer(IMAGE_SIDE, this.resize);
    return this.inlineResizer;
  }
}
