// Files that survive a crash: written under a temporary name, flushed to the disk (fsync), then renamed over the
// target and the directory flushed, so after a kill -9 or a power cut a reader finds the old file or the new one,
// never half of one. Temporaries are named `.<name>.tmp-<pid>`; a killed process's are swept up on the next start.
import { closeSync, fsyncSync, openSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

import { outputError } from './output_error.js';

/** The temporary name `path` is written under before the rename that makes it visible. */
export function temporaryPath(path: string): string {
  return join(dirname(path), `.${basename(path)}.tmp-${process.pid}`);
}

/** Writes `content` to `path` and flushes it to the disk before returning. */
export function writeSynced(path: string, content: string | Uint8Array): void {
  const fd = openSync(path, 'w');
  try {
    writeFileSync(fd, content);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Flushes a directory's entries (a rename is durable only once its directory is). */
export function syncDirectory(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Replaces `path` by `content` atomically and durably; errors of the file system become OutputErrors. */
export function writeFileDurably(path: string, content: string | Uint8Array): void {
  const tmp = temporaryPath(path);
  try {
    writeSynced(tmp, content);
    renameSync(tmp, path);
    syncDirectory(dirname(path));
  } catch (error) {
    discard(tmp);
    throw outputError(`cannot write ${path}`, error);
  }
}

/** Removes a temporary after a failed write, if it got as far as creating one. */
export function discard(path: string): void {
  try {
    rmSync(path, { recursive: true, force: true });
  } catch {
    // not there, or in a place that cannot hold it: nothing to give back
  }
}

/** Removes the temporaries that killed processes left in `dir` (one writer per directory: none is in use). */
export function removeStaleTemporaries(dir: string): void {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return; // nothing written there yet
  }
  for (const name of names) if (/^\..+\.tmp-\d+$/.test(name)) rmSync(join(dir, name), { recursive: true, force: true });
}
