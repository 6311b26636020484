// Reads one idx file from disk and gunzips it when its name ends in .gz. zlib checks the gzip CRC-32 and length
// trailer, so a truncated or bit-flipped download fails here, with the file named, rather than later as odd pixels.
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';

import { DataError } from './data_error.js';

const gunzipAsync = promisify(gunzip);

/** Far above the largest Fashion-MNIST file (47 MB): stops a gzip bomb before it fills memory. */
const MAX_DECOMPRESSED_BYTES = 256 * 1024 * 1024;

function describeFsError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOENT') return 'the file does not exist';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied; make it readable';
  if (code === 'EISDIR') return 'it is a directory, not a file';
  return String((error as Error | undefined)?.message ?? error);
}

/** The file's bytes, gunzipped when `gzipped` (by default: when `path` ends in .gz). */
export async function readFileBytes(path: string, gzipped = path.endsWith('.gz')): Promise<Uint8Array> {
  let raw: Buffer;
  try {
    raw = await readFile(path);
  } catch (error) {
    throw new DataError(`${path}: cannot read: ${describeFsError(error)}`, path, { cause: error });
  }
  if (!gzipped) return raw;
  try {
    return await gunzipAsync(raw, { maxOutputLength: MAX_DECOMPRESSED_BYTES });
  } catch (error) {
    throw new DataError(
      `${path}: truncated or corrupt gzip (${(error as Error).message}); ` +
        `delete it and load again, or replace it with an intact copy`,
      path,
      { cause: error },
    );
  }
}
