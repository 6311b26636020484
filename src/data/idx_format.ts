// Parsing of the idx format (big-endian header: magic number, then one uint32 per dimension, then the uint8 data),
// restricted to what Fashion-MNIST uses: N×28×28 images and N labels in 0..9. Every structural problem is a DataError
// naming the file, so a truncated or mixed-up file never reaches training.
import { DataError } from './data_error.js';
import { IMAGE_PIXELS, IMAGE_SIDE, NUM_CLASSES } from './fashion_mnist_files.js';

/** 0x00000803: unsigned bytes, 3 dimensions. */
export const IMAGES_MAGIC = 2051;
/** 0x00000801: unsigned bytes, 1 dimension. */
export const LABELS_MAGIC = 2049;

const IMAGES_HEADER_BYTES = 16;
const LABELS_HEADER_BYTES = 8;

const REFETCH_HINT = 'delete it and load again to fall back to another source or a fresh download';

function checkMagic(bytes: Uint8Array, path: string, expected: number, kind: string, headerBytes: number): void {
  if (bytes.length < headerBytes) {
    throw new DataError(
      `${path}: truncated idx ${kind} file: ${bytes.length} bytes, shorter than the ${headerBytes}-byte header; ${REFETCH_HINT}`,
      path,
    );
  }
  const magic = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(0, false);
  if (magic !== expected) {
    const other =
      magic === IMAGES_MAGIC ? ' (that is an images file)' : magic === LABELS_MAGIC ? ' (that is a labels file)' : '';
    throw new DataError(
      `${path}: wrong magic number ${magic}${other}, expected ${expected} for an idx ${kind} file; ` +
        `check that the file is the right one and not corrupt, or ${REFETCH_HINT}`,
      path,
    );
  }
}

function checkNotEmpty(count: number, path: string, what: string): void {
  if (count === 0)
    throw new DataError(`${path}: the header announces no ${what}; the file is corrupt, ${REFETCH_HINT}`, path);
}

function checkLength(bytes: Uint8Array, path: string, expectedLength: number, what: string): void {
  if (bytes.length < expectedLength) {
    throw new DataError(
      `${path}: truncated: the header says ${what} (${expectedLength} bytes) but the file has only ${bytes.length} bytes; ${REFETCH_HINT}`,
      path,
    );
  }
  if (bytes.length > expectedLength) {
    throw new DataError(
      `${path}: ${bytes.length - expectedLength} unexpected bytes after the ${what} the header announces ` +
        `(${expectedLength} bytes expected, ${bytes.length} found); ${REFETCH_HINT}`,
      path,
    );
  }
}

/** A copy of `bytes` in shared memory, so the resize worker can read the pixels without another copy. */
function sharedCopy(bytes: Uint8Array): Uint8Array {
  const shared = new Uint8Array(new SharedArrayBuffer(bytes.length));
  shared.set(bytes);
  return shared;
}

/** The pixels of an idx3 images file: `count` images of 28×28 uint8, row-major, in shared memory. */
export function parseIdxImages(bytes: Uint8Array, path: string): { count: number; pixels: Uint8Array } {
  checkMagic(bytes, path, IMAGES_MAGIC, 'images', IMAGES_HEADER_BYTES);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const count = view.getUint32(4, false);
  const rows = view.getUint32(8, false);
  const cols = view.getUint32(12, false);
  if (rows !== IMAGE_SIDE || cols !== IMAGE_SIDE) {
    throw new DataError(
      `${path}: images are ${rows}×${cols}, expected ${IMAGE_SIDE}×${IMAGE_SIDE} (Fashion-MNIST is N×28×28); ` +
        `this is not a Fashion-MNIST images file, replace it`,
      path,
    );
  }
  checkNotEmpty(count, path, 'images');
  checkLength(bytes, path, IMAGES_HEADER_BYTES + count * IMAGE_PIXELS, `${count} images of ${rows}×${cols}`);
  return { count, pixels: sharedCopy(bytes.subarray(IMAGES_HEADER_BYTES)) };
}

/** The labels of an idx1 labels file: `count` class indices, each checked to be in 0..9. */
export function parseIdxLabels(bytes: Uint8Array, path: string): { count: number; labels: Uint8Array } {
  checkMagic(bytes, path, LABELS_MAGIC, 'labels', LABELS_HEADER_BYTES);
  const count = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(4, false);
  checkNotEmpty(count, path, 'labels');
  checkLength(bytes, path, LABELS_HEADER_BYTES + count, `${count} labels`);
  const labels = bytes.slice(LABELS_HEADER_BYTES);
  for (let i = 0; i < count; i++) {
    if (labels[i]! >= NUM_CLASSES) {
      throw new DataError(
        `${path}: label ${i} is ${labels[i]}, outside the ${NUM_CLASSES} classes 0..${NUM_CLASSES - 1}; the file is corrupt, ${REFETCH_HINT}`,
        path,
      );
    }
  }
  return { count, labels };
}
