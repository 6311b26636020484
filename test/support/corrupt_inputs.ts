// Broken inputs for the CLI's error paths: Fashion-MNIST directories with one damaged file (the intact ones are
// links to Debian's real files), and image files that are not images, or damaged ones.
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';

import { DEBIAN_DATASET_DIR } from '../../src/data/data_sources.js';
import { FASHION_MNIST_DIGESTS, type IdxFileName } from '../../src/data/fashion_mnist_files.js';
import { realFile, realGzFile } from '../data/fixtures.js';

/** Directories holding the four files, one of them damaged, and the error each must give; the first damages the test split. */
export function corruptDataDirs(work: string): [string, RegExp][] {
  const make = (
    name: string,
    damaged: IdxFileName,
    file: string,
    bytes: Uint8Array,
    message: RegExp,
  ): [string, RegExp] => {
    const dir = join(work, `data-${name}`);
    mkdirSync(dir);
    for (const other of Object.keys(FASHION_MNIST_DIGESTS) as IdxFileName[]) {
      if (other !== damaged) symlinkSync(join(DEBIAN_DATASET_DIR, `${other}.gz`), join(dir, `${other}.gz`));
    }
    writeFileSync(join(dir, file), bytes);
    return [dir, message];
  };
  const labels = realFile('t10k-labels-idx1-ubyte');
  labels[3] = 0x03; // the images file's magic
  const gz = realGzFile('train-images-idx3-ubyte');
  const flipped = realFile('train-labels-idx1-ubyte');
  flipped[100] = (flipped[100]! + 1) % 10;
  return [
    make(
      'magic',
      't10k-labels-idx1-ubyte',
      't10k-labels-idx1-ubyte',
      labels,
      /wrong magic number 2051 \(that is an images file\), expected 2049/,
    ),
    make(
      'truncated-gz',
      'train-images-idx3-ubyte',
      'train-images-idx3-ubyte.gz',
      gz.subarray(0, gz.length >> 1),
      /train-images-idx3-ubyte\.gz: truncated or corrupt gzip/,
    ),
    make(
      'empty',
      'train-images-idx3-ubyte',
      'train-images-idx3-ubyte',
      new Uint8Array(0),
      /truncated idx images file: 0 bytes/,
    ),
    make(
      'random',
      'train-labels-idx1-ubyte',
      'train-labels-idx1-ubyte',
      Uint8Array.from({ length: 5000 }, (_, i) => (i * 7919) & 255),
      /train-labels-idx1-ubyte: wrong magic number/,
    ),
    make(
      'checksum',
      'train-labels-idx1-ubyte',
      'train-labels-idx1-ubyte',
      flipped,
      /train-labels-idx1-ubyte: checksum mismatch/,
    ),
  ];
}

/** A PNG whose header claims `width`×`height` pixels, with one row of data. */
export function pngClaiming(width: number, height: number): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const out = Buffer.alloc(12 + data.length);
    out.writeUInt32BE(data.length, 0);
    out.write(type, 4, 'latin1');
    data.copy(out, 8);
    out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
    return out;
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth; colour type 0 (gray), compression, filter, interlace 0
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(Buffer.alloc(1 + Math.min(width, 64)))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

function crc32(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of bytes) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = (crc >>> 1) ^ (0xedb88320 & -(crc & 1));
  }
  return (crc ^ 0xffffffff) >>> 0;
}

/** Image files `nin predict` must refuse with one line, written into `work`. */
export function corruptImages(work: string): string[] {
  const files: [string, Uint8Array][] = [
    ['empty.png', new Uint8Array(0)],
    ['text.png', Buffer.from('this is not a picture\n')],
    ['random.jpg', Uint8Array.from({ length: 4096 }, (_, i) => (i * 2654435761) >>> 24)],
    ['header-only.png', pngClaiming(28, 28).subarray(0, 33)],
    ['huge.png', pngClaiming(100000, 100000)],
    ['zero-size.png', pngClaiming(0, 0)],
  ];
  return files.map(([name, bytes]) => {
    const path = join(work, name);
    writeFileSync(path, bytes);
    return path;
  });
}
