// Size and SHA-256 of a file's decompressed bytes: compared with the published values before parsing is trusted,
// and kept so a run record can say exactly which data it trained on.
import { createHash } from 'node:crypto';

import { DataError } from './data_error.js';
import type { FileDigest, IdxFileName } from './fashion_mnist_files.js';

export function digestOf(bytes: Uint8Array): FileDigest {
  return { size: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') };
}

/** Throws a DataError naming `path` when its digest is not the expected one for `name`. */
export function verifyDigest(name: IdxFileName, path: string, actual: FileDigest, expected: FileDigest): void {
  const fix = 'the file is not the published Fashion-MNIST file or is damaged; delete it and load again, or replace it';
  if (actual.size !== expected.size) {
    throw new DataError(
      `${path}: size mismatch for ${name}: ${actual.size} bytes decompressed, expected ${expected.size}; ${fix}`,
      path,
    );
  }
  if (actual.sha256 !== expected.sha256) {
    throw new DataError(
      `${path}: checksum mismatch for ${name}: SHA-256 ${actual.sha256}, expected ${expected.sha256}; ${fix}`,
      path,
    );
  }
}
