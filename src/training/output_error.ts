// The one error type for output the run cannot write (a full disk, a read-only or unwritable directory, a path
// through a file), so the CLI prints one line saying which path and why instead of a stack trace.

export class OutputError extends Error {
  override name = 'OutputError';
}

const REASONS: Record<string, string> = {
  ENOSPC: 'no space left on the device',
  EDQUOT: 'disk quota exceeded',
  EROFS: 'the file system is read-only',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  ENOTDIR: 'a part of the path is a file, not a directory',
  ENOENT: 'a part of the path does not exist and cannot be created',
  EEXIST: 'a file is in the way',
  EISDIR: 'it is a directory',
  EIO: 'input/output error',
};

/** True for the errors node:fs throws (they carry an errno code such as ENOSPC). */
export function isFsError(error: unknown): error is NodeJS.ErrnoException {
  return error instanceof Error && typeof (error as NodeJS.ErrnoException).code === 'string' && 'syscall' in error;
}

/** An OutputError for `action` (e.g. "cannot write /x/y") failing with a node:fs error; other errors unchanged. */
export function outputError(action: string, error: unknown): unknown {
  if (!isFsError(error)) return error;
  const code = error.code!;
  return new OutputError(`${action}: ${REASONS[code] ?? error.message} (${code})`, { cause: error });
}
