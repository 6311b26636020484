// Where the idx files come from, in order: the directory the user names (option dataDir or FASHION_MNIST_DIR;
// when given it is the only source, so a typo is an error rather than a silent fallback), the user's cache,
// Debian's dataset-fashion-mnist package, and finally a download from the official mirror into the cache.
import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';

import { DataError } from './data_error.js';
import { downloadFile } from './download.js';
import type { ExpectedDigests, IdxFileName } from './fashion_mnist_files.js';
import type { ProgressSink } from '../util/progress_bar.js';

/** Installed by Debian's dataset-fashion-mnist package (the four .gz files). */
export const DEBIAN_DATASET_DIR = '/usr/share/datasets/fashion-mnist';
/** The mirror named in the Fashion-MNIST README; files are fetched as <mirror><name>.gz. */
export const OFFICIAL_MIRROR = 'http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/';

/** Where to look for, and how to fetch, the idx files. Every field is optional; defaults are in the comments. */
export interface DataSourceOptions {
  /** The only directory to read from when set (default: env FASHION_MNIST_DIR, else the search below). */
  readonly dataDir?: string;
  /** Searched first and where downloads go (default: $XDG_CACHE_HOME/nin/fashion-mnist or ~/.cache/nin/fashion-mnist). */
  readonly cacheDir?: string;
  /** Searched after the cache (default: [DEBIAN_DATASET_DIR]). */
  readonly systemDirs?: readonly string[];
  /** Base URL for downloads, ending in '/' (default: env FASHION_MNIST_MIRROR, else OFFICIAL_MIRROR). */
  readonly mirror?: string;
  /** Download missing files (default true). */
  readonly download?: boolean;
  /** Where the download progress bar goes (default process.stderr); false for none. */
  readonly progress?: ProgressSink | false;
  /**
   * Expected decompressed size and SHA-256 per file (default FASHION_MNIST_DIGESTS). Only tests that serve small
   * generated files replace it; verification itself can not be switched off.
   */
  readonly expected?: ExpectedDigests;
}

export function defaultCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_CACHE_HOME && env.XDG_CACHE_HOME.length > 0 ? env.XDG_CACHE_HOME : join(homedir(), '.cache');
  return join(base, 'nin', 'fashion-mnist');
}

/** A file to read, and whether it is gzipped. */
export interface LocatedFile {
  readonly path: string;
  readonly gzipped: boolean;
}

type DirectoryProbe = { found: LocatedFile } | { missing: string };

function reasonOf(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOENT') return 'directory does not exist';
  if (code === 'EACCES' || code === 'EPERM') return 'directory is not readable';
  if (code === 'ENOTDIR') return 'not a directory';
  return (error as Error | undefined)?.message ?? String(error);
}

/** `name` or `name.gz` in `dir` (plain first: someone who decompressed the files meant them to be used). */
async function probeDirectory(dir: string, name: IdxFileName): Promise<DirectoryProbe> {
  try {
    const info = await stat(dir);
    if (!info.isDirectory()) return { missing: 'not a directory' };
    await access(dir, constants.R_OK | constants.X_OK);
  } catch (error) {
    return { missing: reasonOf(error) };
  }
  for (const [file, gzipped] of [
    [name, false],
    [`${name}.gz`, true],
  ] as const) {
    const path = join(dir, file);
    try {
      await access(path, constants.R_OK);
      return { found: { path, gzipped } };
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT') return { missing: `${path} exists but is not readable (${code})` };
    }
  }
  return { missing: `has neither ${name} nor ${name}.gz` };
}

/** Downloads run one after another, so their progress bars do not overwrite each other on the terminal. */
let downloadQueue: Promise<unknown> = Promise.resolve();

function oneDownloadAtATime(download: () => Promise<void>): Promise<void> {
  const turn = downloadQueue.then(download);
  downloadQueue = turn.catch(() => undefined);
  return turn;
}

export function mirrorUrl(mirror: string, name: IdxFileName): string {
  return `${mirror.endsWith('/') ? mirror : `${mirror}/`}${name}.gz`;
}

/**
 * Finds (or downloads) `name`. `verify` checks a downloaded file before it is moved into the cache; it receives
 * the temporary path and must throw a DataError when the content is wrong.
 */
export async function locateIdxFile(
  name: IdxFileName,
  options: DataSourceOptions,
  verify: (file: LocatedFile) => Promise<void>,
): Promise<LocatedFile> {
  const explicit = options.dataDir ?? process.env.FASHION_MNIST_DIR;
  if (explicit !== undefined && explicit !== '') {
    // named as the command line names it and as the library does: this layer serves both
    const origin =
      options.dataDir !== undefined
        ? '--data-dir (dataDir in the library)'
        : 'the environment variable FASHION_MNIST_DIR';
    const probe = await probeDirectory(explicit, name);
    if ('found' in probe) return probe.found;
    throw new DataError(
      `${name}: not found in ${explicit} (given by ${origin}): ${probe.missing}; sources tried: ${explicit}. ` +
        `Put the four idx files (plain or .gz) there, or leave ${options.dataDir !== undefined ? '--data-dir' : 'FASHION_MNIST_DIR'} ` +
        `out to use the cache, ${DEBIAN_DATASET_DIR} or a download`,
      explicit,
    );
  }

  const cacheDir = options.cacheDir ?? defaultCacheDir();
  const tried: string[] = [];
  for (const dir of [cacheDir, ...(options.systemDirs ?? [DEBIAN_DATASET_DIR])]) {
    const probe = await probeDirectory(dir, name);
    if ('found' in probe) return probe.found;
    tried.push(`${dir} (${probe.missing})`);
  }

  const where = `sources tried: ${tried.join('; ')}`;
  if (options.download === false) {
    throw new DataError(
      `${name}: not found and downloading is disabled; ${where}. ` +
        `Install dataset-fashion-mnist, set FASHION_MNIST_DIR to a directory with the idx files, or allow the download`,
      name,
    );
  }
  const url = mirrorUrl(options.mirror ?? process.env.FASHION_MNIST_MIRROR ?? OFFICIAL_MIRROR, name);
  const destination = join(cacheDir, `${name}.gz`);
  try {
    await oneDownloadAtATime(() =>
      downloadFile(url, destination, {
        progress: options.progress ?? process.stderr,
        verify: async (temporaryPath) => {
          try {
            await verify({ path: temporaryPath, gzipped: true });
          } catch (error) {
            if (!(error instanceof DataError)) throw error;
            throw new DataError(`${url}: the mirror served a bad ${name}.gz: ${error.message}`, url, { cause: error });
          }
        },
      }),
    );
  } catch (error) {
    if (!(error instanceof DataError)) throw error;
    throw new DataError(`${name}: not found locally and the download failed. ${error.message}; ${where}`, error.path, {
      cause: error,
    });
  }
  return { path: destination, gzipped: true };
}
