// mkdir -p, one level at a time: Node 20's `mkdir(…, { recursive: true })` spins forever at 100% CPU on some
// pseudo-filesystems (e.g. a path under /proc) instead of failing. Used for the download cache and run directories.
import { mkdirSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

/** Creates `directory` and its missing parents; throws the node:fs error (ENOENT, ENOTDIR, EACCES…) where it cannot. */
export function makeDirectories(directory: string): void {
  const missing: string[] = [];
  for (let current = resolve(directory); ; current = dirname(current)) {
    try {
      statSync(current);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      missing.push(current);
      if (dirname(current) === current) break;
    }
  }
  for (const path of missing.reverse()) {
    try {
      mkdirSync(path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
}
