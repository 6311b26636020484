// Fashion-MNIST test images for the classify page's strip: two of each class, and any test image as a PNG.
import { DataError } from '../data/data_error.js';
import type { DataSourceOptions } from '../data/data_sources.js';
import { IMAGE_PIXELS, NUM_CLASSES } from '../data/fashion_mnist_files.js';
import { grayscalePng } from '../data/image_file.js';
import { readFashionMnistSplit, type RawSplit } from '../data/read_split.js';
import { TEXT_LABELS, type TextLabel } from '../data/text_labels.js';
import { HttpError } from './http_error.js';

export interface Sample {
  index: number;
  label: number;
  name: TextLabel;
}

export class TestSamples {
  private split: Promise<RawSplit> | undefined;

  constructor(private readonly source: DataSourceOptions = {}) {}

  /** The first `perClass` images of each class, in file order. */
  async strip(perClass = 2): Promise<Sample[]> {
    const { labels } = await this.load();
    const taken = new Array<number>(NUM_CLASSES).fill(0);
    const samples: Sample[] = [];
    for (let index = 0; index < labels.length && samples.length < perClass * NUM_CLASSES; index++) {
      const label = labels[index]!;
      if (taken[label]! >= perClass) continue;
      taken[label]!++;
      samples.push({ index, label, name: TEXT_LABELS[label]! });
    }
    return samples;
  }

  /** Test image `index` as a 28×28 grayscale PNG. */
  async png(index: number): Promise<Buffer> {
    const { images, count } = await this.load();
    if (!Number.isInteger(index) || index < 0 || index >= count) {
      throw new HttpError(404, `no test image ${index}: the test split has images 0..${count - 1}`);
    }
    return grayscalePng(images.subarray(index * IMAGE_PIXELS, (index + 1) * IMAGE_PIXELS));
  }

  /** The test split, read once; a failure (no data installed) is answered 503 and retried on the next request. */
  private async load(): Promise<RawSplit> {
    this.split ??= readFashionMnistSplit('test', this.source);
    try {
      return await this.split;
    } catch (err) {
      this.split = undefined;
      if (err instanceof DataError)
        throw new HttpError(503, `the Fashion-MNIST test split is not available: ${err.message}`);
      throw err;
    }
  }
}
