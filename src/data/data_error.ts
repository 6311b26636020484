// The one error type the data layer throws for bad or missing data, so the CLI can print `error.message` as a
// single line instead of a stack trace. Messages name the file (or directory, or option), what was wrong and the fix.

export class DataError extends Error {
  /** The file, directory or URL the problem is about, when there is one. */
  readonly path: string | undefined;

  constructor(message: string, path?: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DataError';
    this.path = path;
  }
}
