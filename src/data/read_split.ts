// Reads one split's images and labels as raw uint8 (for training, the CLI's evaluation and the web page's
// samples): locate each file, gunzip, parse and check the structure, then check size and SHA-256.
import { DataError } from './data_error.js';
import { locateIdxFile, type DataSourceOptions, type LocatedFile } from './data_sources.js';
import { digestOf, verifyDigest } from './file_digest.js';
import {
  FASHION_MNIST_DIGESTS,
  IMAGE_PIXELS,
  SPLIT_FILES,
  type IdxFileName,
  type Split,
} from './fashion_mnist_files.js';
import { parseIdxImages, parseIdxLabels } from './idx_format.js';
import { readFileBytes } from './read_file_bytes.js';

/** What was read, for a run record: the file's path and its decompressed size and SHA-256 (always verified). */
export interface ParsedFile {
  readonly name: IdxFileName;
  readonly path: string;
  readonly size: number;
  readonly sha256: string;
}

export interface RawSplit {
  readonly split: Split;
  /** Number of examples (after `limit`). */
  readonly count: number;
  /** count × 28 × 28 uint8 pixels, row-major, 0 = background; backed by a SharedArrayBuffer. */
  readonly images: Uint8Array;
  /** count class indices in 0..9 (see TEXT_LABELS). */
  readonly labels: Uint8Array;
  readonly files: { readonly images: ParsedFile; readonly labels: ParsedFile };
}

export interface ReadSplitOptions extends DataSourceOptions {
  /** Keep only the first `limit` examples of the file (default: all). */
  readonly limit?: number;
}

/** Gunzips (if needed), parses and verifies one idx file; `parse` throws DataError on structural problems. */
async function loadIdxFile<T>(
  name: IdxFileName,
  file: LocatedFile,
  options: DataSourceOptions,
  parse: (bytes: Uint8Array, path: string) => T,
): Promise<{ parsed: T; record: ParsedFile }> {
  const bytes = await readFileBytes(file.path, file.gzipped);
  const parsed = parse(bytes, file.path);
  const digest = digestOf(bytes);
  verifyDigest(name, file.path, digest, (options.expected ?? FASHION_MNIST_DIGESTS)[name]);
  return { parsed, record: { name, path: file.path, ...digest } };
}

async function locateAndLoad<T>(
  name: IdxFileName,
  options: DataSourceOptions,
  parse: (bytes: Uint8Array, path: string) => T,
): Promise<{ parsed: T; record: ParsedFile }> {
  const file = await locateIdxFile(name, options, async (downloaded) => {
    await loadIdxFile(name, downloaded, options, parse);
  });
  return loadIdxFile(name, file, options, parse);
}

function checkLimit(limit: number | undefined, count: number, split: Split): number {
  if (limit === undefined) return count;
  if (!Number.isInteger(limit) || limit < 1 || limit > count) {
    throw new DataError(
      `limit for the ${split} split is ${limit}; expected an integer from 1 to ${count} (the examples in the file); ` +
        `pass a smaller limit or none to use them all`,
    );
  }
  return limit;
}

/** The raw uint8 images and labels of `split` ('test' is the validation set), verified against the published checksums. */
export async function readFashionMnistSplit(split: Split, options: ReadSplitOptions = {}): Promise<RawSplit> {
  const names = SPLIT_FILES[split];
  const [imagesResult, labelsResult] = await Promise.allSettled([
    locateAndLoad(names.images, options, parseIdxImages),
    locateAndLoad(names.labels, options, parseIdxLabels),
  ]);
  // Both are awaited so that, when both files are bad, the error reported is always the images file's.
  if (imagesResult.status === 'rejected') throw imagesResult.reason;
  if (labelsResult.status === 'rejected') throw labelsResult.reason;
  const images = imagesResult.value;
  const labels = labelsResult.value;
  if (images.parsed.count !== labels.parsed.count) {
    throw new DataError(
      `${images.record.path} has ${images.parsed.count} images but ${labels.record.path} has ${labels.parsed.count} labels; ` +
        `the two files of the ${split} split must match, replace the wrong one`,
      labels.record.path,
    );
  }
  const count = checkLimit(options.limit, images.parsed.count, split);
  return {
    split,
    count,
    images: images.parsed.pixels.subarray(0, count * IMAGE_PIXELS),
    labels: labels.parsed.labels.subarray(0, count),
    files: { images: images.record, labels: labels.record },
  };
}
